/* Writes, into the folder given as its argument, each model of models.h
 * as C (NAME.c, from nnlite_model_export_c: stdio writes the files, so
 * this needs nothing of the library's file I/O) and cases.c: for each
 * model, random input rows with specials (zeros, a negative zero, values
 * past every saturation point), and what nnlite gives for them. The
 * build compiles it all with check.c at -std=c99 -pedantic -Wall -Wextra
 * -Werror; the export_compiled test runs that program.
 *
 * Expected values are stored as bit patterns, so no float literal of the
 * test goes through the compiler's conversion:
 *   y        nnlite_model_predict() row by row on the portable kernels:
 *            the exported code must give these bits;
 *   p        the same for nnlite_model_predict_probabilities();
 *   y_batch  nnlite_model_predict() on all rows at once on the kernels
 *            this CPU picks (GEMM, SIMD): another summation order, so
 *            only close. */
#include <stdio.h>
#include <string.h>

#include "cpu_impl.h"
#include "model_impl.h"
#include "models.h"

#define ROWS 24

static void put_bits(FILE *f, const char *name, const char *model,
                     const float *v, size_t n)
{
    fprintf(f, "static const uint32_t %s_%s[%zu] = {", model, name, n);
    for (size_t i = 0; i < n; i++) {
        uint32_t bits;
        memcpy(&bits, &v[i], sizeof(bits));
        fprintf(f, "%s0x%08lxu,", i % 6 == 0 ? "\n    " : " ",
                (unsigned long)bits);
    }
    fprintf(f, "\n};\n");
}

/* Row 0 zeros, row 1 negative zeros and +-50 (every activation
 * saturates), row 2 the hard sigmoid's corners +-3; the rest uniform in
 * [-4, 4). */
static void fill_inputs(float *x, size_t inputs, uint64_t *state)
{
    for (size_t r = 0; r < ROWS; r++) {
        for (size_t j = 0; j < inputs; j++) {
            float v = export_uniform(state, -4.0f, 4.0f);
            if (r == 0) {
                v = 0.0f;
            } else if (r == 1) {
                v = j % 3 == 0 ? -0.0f : (j % 3 == 1 ? 50.0f : -50.0f);
            } else if (r == 2) {
                v = j % 2 == 0 ? 3.0f : -3.0f;
            }
            x[r * inputs + j] = v;
        }
    }
}

static nnlite_status one_row_at_a_time(nnlite_model *m, const float *x,
                                       float *y, float *p, size_t inputs,
                                       size_t outputs)
{
    nnlite_status s = nnlite__model_force_path(m, NNLITE__PATH_GENERIC);
    for (size_t r = 0; s == NNLITE_OK && r < ROWS; r++) {
        nnlite_tensor *tx = NULL, *tp = NULL;
        s = nnlite_model_predict(m, x + r * inputs, 1, y + r * outputs);
        if (s == NNLITE_OK && p != NULL &&
            (s = nnlite_tensor_wrap2d_const(&tx, x + r * inputs, 1,
                                            inputs)) == NNLITE_OK &&
            (s = nnlite_tensor_wrap2d(&tp, p + r * outputs, 1, outputs)) ==
                NNLITE_OK) {
            s = nnlite_model_predict_probabilities(m, tx, tp);
        }
        nnlite_tensor_destroy(tx);
        nnlite_tensor_destroy(tp);
    }
    return s;
}

/* The model's C text into path. */
static nnlite_status write_c(nnlite_model *m, const char *prefix,
                             const char *path)
{
    static char text[1 << 20];
    size_t length;
    nnlite_status s =
        nnlite_model_export_c(m, prefix, text, sizeof(text), &length);
    FILE *f;
    if (s != NNLITE_OK) {
        return s;
    }
    if ((f = fopen(path, "wb")) == NULL) {
        return NNLITE_EIO;
    }
    const size_t written = fwrite(text, 1, length, f);
    return fclose(f) == 0 && written == length ? NNLITE_OK : NNLITE_EIO;
}

/* NAME.c, and the model's arrays in cases.c. */
static nnlite_status write_model(FILE *cases, const char *dir,
                                 const export_model *spec, size_t index)
{
    static float x[ROWS * 512], y[ROWS * 64], p[ROWS * 64], yb[ROWS * 64];
    char path[4096];
    nnlite_model *fresh = NULL, *m = NULL;
    uint64_t state = 1000 + index;
    nnlite_status s;

    if ((s = export_model_build(&m, spec, 77 + index)) != NNLITE_OK ||
        (s = export_model_build(&fresh, spec, 77 + index)) != NNLITE_OK) {
        goto done;
    }
    const size_t inputs = spec->inputs;
    const size_t outputs = nnlite_model_output_features(m);
    const int logits = spec->loss == EXPORT_CROSS_ENTROPY;
    snprintf(path, sizeof(path), "%s/%s.c", dir, spec->name);
    fill_inputs(x, inputs, &state);
    if ((s = write_c(m, spec->name, path)) != NNLITE_OK ||
        (s = one_row_at_a_time(m, x, y, logits ? p : NULL, inputs,
                               outputs)) != NNLITE_OK ||
        (s = nnlite_model_predict(fresh, x, ROWS, yb)) != NNLITE_OK) {
        goto done;
    }
    fprintf(cases, "\n/* %s: %s kernels for the batch */\n", spec->name,
            nnlite_model_kernel_name(fresh));
    fprintf(cases, "void %s_predict(const float *x, float *y);\n",
            spec->name);
    if (logits) {
        fprintf(cases, "void %s_probabilities(const float *x, float *p);\n",
                spec->name);
    }
    put_bits(cases, "x", spec->name, x, ROWS * inputs);
    put_bits(cases, "y", spec->name, y, ROWS * outputs);
    put_bits(cases, "y_batch", spec->name, yb, ROWS * outputs);
    if (logits) {
        put_bits(cases, "p", spec->name, p, ROWS * outputs);
    }
done:
    if (s != NNLITE_OK) {
        fprintf(stderr, "generate: %s: %s (%s%s)\n", spec->name,
                nnlite_status_string(s), nnlite_model_last_error(m),
                nnlite_model_last_error(fresh));
    }
    nnlite_model_destroy(m);
    nnlite_model_destroy(fresh);
    return s;
}

static void write_table(FILE *cases)
{
    fprintf(cases, "\nconst export_case export_cases[] = {\n");
    for (size_t i = 0; i < EXPORT_MODEL_COUNT; i++) {
        const export_model *e = &export_models[i];
        const int logits = e->loss == EXPORT_CROSS_ENTROPY;
        const char *n = e->name;
        fprintf(cases,
                "    {\"%s\", %s_predict, %s%s, %zu, sizeof(%s_y) / "
                "sizeof(%s_y[0]) / %d, %d,\n"
                "     %s_x, %s_y, %s%s, %s_y_batch},\n",
                n, n, logits ? n : "NULL", logits ? "_probabilities" : "",
                e->inputs, n, n, ROWS, ROWS, n, n, logits ? n : "NULL",
                logits ? "_p" : "", n);
    }
    fprintf(cases, "};\n\nconst unsigned long export_case_count = %zu;\n",
            EXPORT_MODEL_COUNT);
}

int main(int argc, char **argv)
{
    char path[4096];
    nnlite_status s = NNLITE_OK;

    if (argc != 2) {
        fprintf(stderr, "usage: generate DIR\n");
        return 2;
    }
    snprintf(path, sizeof(path), "%s/cases.c", argv[1]);
    FILE *cases = fopen(path, "w");
    if (cases == NULL) {
        perror(path);
        return 1;
    }
    fprintf(cases, "/* Written by tests/export/generate.c. */\n"
                   "#include <stddef.h>\n#include <stdint.h>\n\n"
                   "#include \"cases.h\"\n");
    for (size_t i = 0; s == NNLITE_OK && i < EXPORT_MODEL_COUNT; i++) {
        s = write_model(cases, argv[1], &export_models[i], i);
    }
    write_table(cases);
    if (fclose(cases) != 0 || s != NNLITE_OK) {
        fprintf(stderr, "generate: could not write %s\n", path);
        return 1;
    }
    return 0;
}
