/* The digits classifier of examples/digits, trained as that program
 * trains it (the same split, layers, seeds, Adam, early stopping), then
 * exported: digits_export CSV DIR writes into DIR
 *   digits_model.c     the model as C (prefix "digits"),
 *   digits_test_set.c  the held-out test digits (pixels 0..16 as bytes,
 *                      the true digit) and nnlite's logits for each, as
 *                      bit patterns,
 *   digits_test_set.h  their declarations, and how many test digits
 *                      nnlite gets right,
 * for digits_driver.c, which runs the exported model over the test set on
 * any target. Prints nnlite's test accuracy, counted three ways that must
 * agree: nnlite_model_evaluate_metric(), nnlite_model_predict() on the
 * whole set, and one row at a time on the portable kernels (the order of
 * operations of the exported code). Reads and writes files with stdio
 * itself, so it needs nothing of the library's file I/O. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_impl.h"
#include "model_impl.h"
#include "nnlite/nnlite.h"

enum { PIXELS = 64, CLASSES = 10, HIDDEN = 32 };

/* examples/digits/digits.c's settings */
#define EPOCHS 40
#define BATCH_SIZE 32
#define PATIENCE 5
#define LEARNING_RATE 0.005f
#define TEST_FRACTION 0.2f
#define VALIDATION_SPLIT 0.125f
#define SPLIT_SEED 2021
#define MODEL_SEED 42

#define TRY(call)                                                           \
    if ((s = (call)) != NNLITE_OK)                                          \
    goto done

/* The whole file in memory (malloc'd), or NULL. */
static char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    long n;
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0 ||
        (data = malloc((size_t)n + 1)) == NULL ||
        fread(data, 1, (size_t)n, f) != (size_t)n) {
        free(data);
        data = NULL;
    }
    *size = data != NULL ? (size_t)n : 0;
    if (f != NULL) {
        fclose(f);
    }
    return data;
}

static nnlite_status build_and_train(nnlite_model **out,
                                     const nnlite_tensor *x,
                                     const nnlite_tensor *y)
{
    nnlite_model *m = NULL;
    nnlite_layer *l;
    nnlite_loss *loss;
    nnlite_optimizer *adam;
    nnlite_fit_options fit = NNLITE_FIT_OPTIONS_INIT;
    nnlite_status s;

    TRY(nnlite_model_create(&m, PIXELS, MODEL_SEED));
    TRY(nnlite_standardize_create_fitted(&l, x));
    TRY(nnlite_model_add(m, l));
    TRY(nnlite_dense_create(&l, PIXELS, HIDDEN));
    TRY(nnlite_model_add(m, l));
    TRY(nnlite_relu_create(&l));
    TRY(nnlite_model_add(m, l));
    TRY(nnlite_dense_create(&l, HIDDEN, CLASSES));
    TRY(nnlite_model_add(m, l));
    TRY(nnlite_loss_cross_entropy_create(&loss));
    TRY(nnlite_model_set_loss(m, loss));
    TRY(nnlite_adam_create(&adam, LEARNING_RATE, 0.9f, 0.999f, 1e-8f));
    TRY(nnlite_model_set_optimizer(m, adam));
    fit.epochs = EPOCHS, fit.batch_size = BATCH_SIZE;
    fit.validation_split = VALIDATION_SPLIT;
    fit.patience = PATIENCE, fit.restore_best = 1;
    TRY(nnlite_model_fit(m, x, y, &fit, NULL, NULL));
done:
    if (s != NNLITE_OK) {
        fprintf(stderr, "digits_export: %s\n", nnlite_model_last_error(m));
        nnlite_model_destroy(m);
        m = NULL;
    }
    *out = m;
    return s;
}

/* The first largest logit, as the accuracy metric and the driver pick. */
static size_t arg_max(const float *v)
{
    size_t best = 0;
    for (size_t j = 1; j < CLASSES; j++) {
        best = v[j] > v[best] ? j : best;
    }
    return best;
}

static size_t count_correct(const float *logits, const float *digits,
                            size_t rows)
{
    size_t correct = 0;
    for (size_t r = 0; r < rows; r++) {
        correct += arg_max(logits + r * CLASSES) == (size_t)digits[r];
    }
    return correct;
}

static int write_text(const char *dir, const char *name, const char *text,
                      size_t length)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        perror(path);
        return -1;
    }
    const int ok = fwrite(text, 1, length, f) == length;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

static int write_test_set(const char *dir, const nnlite_tensor *x,
                          const nnlite_tensor *y, const float *logits,
                          size_t correct)
{
    const size_t rows = nnlite_tensor_dim(x, 0);
    const float *pixels = nnlite_tensor_const_data(x);
    const float *digits = nnlite_tensor_const_data(y);
    char path[4096];
    FILE *f;

    snprintf(path, sizeof(path), "%s/digits_test_set.h", dir);
    if ((f = fopen(path, "w")) == NULL) {
        return -1;
    }
    fprintf(f, "/* Written by tests/export/digits_export.c. */\n"
               "#ifndef DIGITS_TEST_SET_H\n#define DIGITS_TEST_SET_H\n\n"
               "#define DIGITS_TEST_ROWS %zu\n"
               "/* test digits nnlite classifies correctly */\n"
               "#define DIGITS_NNLITE_CORRECT %zu\n\n"
               "extern const unsigned char "
               "digits_test_pixels[DIGITS_TEST_ROWS][64];\n"
               "extern const unsigned char "
               "digits_test_labels[DIGITS_TEST_ROWS];\n"
               "/* nnlite_model_predict() one row at a time on the "
               "portable kernels:\n * float bit patterns */\n"
               "extern const unsigned long "
               "digits_test_logits[DIGITS_TEST_ROWS][10];\n\n#endif\n",
            rows, correct);
    if (fclose(f) != 0) {
        return -1;
    }
    snprintf(path, sizeof(path), "%s/digits_test_set.c", dir);
    if ((f = fopen(path, "w")) == NULL) {
        return -1;
    }
    fprintf(f, "/* Written by tests/export/digits_export.c. */\n"
               "#include \"digits_test_set.h\"\n\n"
               "const unsigned char digits_test_pixels[DIGITS_TEST_ROWS]"
               "[64] = {\n");
    for (size_t r = 0; r < rows; r++) {
        fprintf(f, "    {");
        for (size_t j = 0; j < PIXELS; j++) {
            fprintf(f, "%s%d", j == 0 ? "" : ",",
                    (int)pixels[r * PIXELS + j]);
        }
        fprintf(f, "},\n");
    }
    fprintf(f, "};\n\nconst unsigned char "
               "digits_test_labels[DIGITS_TEST_ROWS] = {");
    for (size_t r = 0; r < rows; r++) {
        fprintf(f, "%s%d,", r % 20 == 0 ? "\n    " : "", (int)digits[r]);
    }
    fprintf(f, "\n};\n\nconst unsigned long "
               "digits_test_logits[DIGITS_TEST_ROWS][10] = {\n");
    for (size_t r = 0; r < rows; r++) {
        fprintf(f, "    {");
        for (size_t j = 0; j < CLASSES; j++) {
            unsigned bits;
            memcpy(&bits, &logits[r * CLASSES + j], sizeof(bits));
            fprintf(f, "%s0x%08xul", j == 0 ? "" : ",", bits);
        }
        fprintf(f, "},\n");
    }
    fprintf(f, "};\n");
    return fclose(f) == 0 ? 0 : -1;
}

/* nnlite_model_predict() on each row alone, portable kernels. */
static nnlite_status one_row_at_a_time(nnlite_model *m, const float *x,
                                       size_t rows, float *logits)
{
    nnlite_status s = nnlite__model_force_path(m, NNLITE__PATH_GENERIC);
    for (size_t r = 0; s == NNLITE_OK && r < rows; r++) {
        s = nnlite_model_predict(m, x + r * PIXELS, 1, logits + r * CLASSES);
    }
    return s;
}

int main(int argc, char **argv)
{
    const size_t digit_column[1] = {PIXELS};
    nnlite_csv_options csv = NNLITE_CSV_OPTIONS_INIT;
    nnlite_tensor *x = NULL, *y = NULL, *x_train = NULL, *y_train = NULL;
    nnlite_tensor *x_test = NULL, *y_test = NULL;
    nnlite_model *m = NULL;
    float *batch = NULL, *single = NULL;
    char *data = NULL, *text = NULL, why[256] = "";
    size_t size, length;
    float accuracy;
    int ok = 0;
    nnlite_status s = NNLITE_OK;

    if (argc != 3) {
        fprintf(stderr, "usage: digits_export CSV DIR\n");
        return 2;
    }
    if ((data = slurp(argv[1], &size)) == NULL) {
        perror(argv[1]);
        return 1;
    }
    csv.target_columns = digit_column, csv.target_count = 1;
    csv.error = why, csv.error_size = sizeof(why);
    TRY(nnlite_csv_read_buffer(&x, &y, data, size, &csv));
    TRY(nnlite_data_split(&x_train, &y_train, &x_test, &y_test, x, y,
                          TEST_FRACTION, 1, SPLIT_SEED));
    TRY(build_and_train(&m, x_train, y_train));
    const size_t rows = nnlite_tensor_dim(x_test, 0);
    const float *digits = nnlite_tensor_const_data(y_test);
    batch = malloc(rows * CLASSES * sizeof(float));
    single = malloc(rows * CLASSES * sizeof(float));
    if (batch == NULL || single == NULL) {
        s = NNLITE_ENOMEM;
        goto done;
    }
    TRY(nnlite_model_evaluate_metric(m, NNLITE_METRIC_ACCURACY, x_test,
                                     y_test, &accuracy));
    TRY(nnlite_model_predict(m, nnlite_tensor_const_data(x_test), rows,
                             batch));
    const char *kernels = nnlite_model_kernel_name(m);
    TRY(one_row_at_a_time(m, nnlite_tensor_const_data(x_test), rows,
                          single));
    const size_t correct = count_correct(batch, digits, rows);
    const size_t correct_single = count_correct(single, digits, rows);
    printf("nnlite: test accuracy %.4f (evaluate_metric), %zu of %zu "
           "(predict, %s kernels), %zu of %zu (one row at a time, "
           "portable kernels)\n",
           (double)accuracy, correct, rows, kernels, correct_single, rows);
    TRY(nnlite_model_export_c(m, "digits", NULL, 0, &length));
    if ((text = malloc(length + 1)) == NULL) {
        s = NNLITE_ENOMEM;
        goto done;
    }
    TRY(nnlite_model_export_c(m, "digits", text, length + 1, &length));
    ok = correct == correct_single &&
         (float)((double)correct / (double)rows) == accuracy &&
         write_text(argv[2], "digits_model.c", text, length) == 0 &&
         write_test_set(argv[2], x_test, y_test, single, correct) == 0;
    if (!ok) {
        fprintf(stderr, "digits_export: the counts disagree, or a file "
                        "could not be written\n");
    }
done:
    if (s != NNLITE_OK) {
        fprintf(stderr, "digits_export: %s %s\n", nnlite_status_string(s),
                why);
    }
    free(text);
    free(single);
    free(batch);
    free(data);
    nnlite_model_destroy(m);
    nnlite_tensor_destroy(x), nnlite_tensor_destroy(y);
    nnlite_tensor_destroy(x_train), nnlite_tensor_destroy(y_train);
    nnlite_tensor_destroy(x_test), nnlite_tensor_destroy(y_test);
    return ok ? 0 : 1;
}
