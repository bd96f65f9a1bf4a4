/* Byte order, proven: model files saved on x86-64 (tests/data, written by
 * tests/data/make_golden.c: one per optimizer, every layer kind,
 * metadata) load on this machine with every parameter, optimizer state
 * value and metadata value bit for bit as stored beside them, predict
 * what x86-64 predicted (to float rounding: kernels differ by machine),
 * and save back byte-identically. Run on every architecture CI
 * emulates, big-endian s390x included.
 *
 * The committed files are format version 1, kept as "old files still
 * load" fixtures. This library writes version 2, so a file of an older
 * version saves back as version 2: that image must load to the same
 * bits, save back byte-identically itself, and train on exactly as the
 * model loaded from the old file does. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#include "model_impl.h"
#include "optim_impl.h"

static const char *data_dir = "tests/data";

enum { MAX_VALUES = 512 };

typedef struct section {
    char label[64];
    size_t count;
    float values[MAX_VALUES];
} section;

typedef struct expected {
    section sections[8];
    size_t count;
} expected;

static void *read_all(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    long end;
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    end = ftell(f);
    assert_true(end > 0);
    assert_int_equal(fseek(f, 0, SEEK_SET), 0);
    void *data = test_malloc((size_t)end);
    assert_int_equal(fread(data, 1, (size_t)end, f), (size_t)end);
    fclose(f);
    *size = (size_t)end;
    return data;
}

/* NAME.expect: "# ..." comments, then sections of a label line ending in
 * a count ("params 77", "metadata scale 1") and that many hex words. */
static void read_expected(const char *path, expected *e)
{
    char line[256];
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    e->count = 0;
    while (fgets(line, sizeof(line), f) != NULL) {
        if (line[0] == '#' || line[0] == '\n') {
            continue;
        }
        assert_true(e->count < 8);
        section *s = &e->sections[e->count++];
        char *last = strrchr(line, ' ');
        assert_non_null(last);
        *last = '\0';
        snprintf(s->label, sizeof(s->label), "%.63s", line);
        s->count = (size_t)strtoul(last + 1, NULL, 10);
        assert_true(s->count <= MAX_VALUES);
        for (size_t i = 0; i < s->count; i++) {
            unsigned long bits;
            assert_int_equal(fscanf(f, "%lx", &bits), 1);
            const uint32_t b32 = (uint32_t)bits;
            memcpy(&s->values[i], &b32, sizeof(float));
        }
        if (s->count > 0 && fgets(line, sizeof(line), f) == NULL) {
            break; /* (that read the end of the last line of values) */
        }
    }
    fclose(f);
}

static const section *find(const expected *e, const char *label)
{
    for (size_t i = 0; i < e->count; i++) {
        if (strcmp(e->sections[i].label, label) == 0) {
            return &e->sections[i];
        }
    }
    fail_msg("no section %s", label);
    return NULL;
}

static void assert_same_bits(const float *got, const section *want,
                             size_t count)
{
    assert_int_equal(count, want->count);
    for (size_t i = 0; i < count; i++) {
        uint32_t a, b;
        memcpy(&a, &got[i], sizeof(a));
        memcpy(&b, &want->values[i], sizeof(b));
        if (a != b) {
            fail_msg("%s[%zu]: bits %08lx, stored %08lx", want->label, i,
                     (unsigned long)a, (unsigned long)b);
        }
    }
}

/* One training step on x (class 0 for every row) for both models: the
 * same loss and the same parameters and state, bit for bit. */
static void train_alike(nnlite_model *a, nnlite_model *b,
                        const nnlite_tensor *x)
{
    float t[MAX_VALUES] = {0}, la = -1.0f, lb = -2.0f;
    const size_t rows = nnlite_tensor_dim(x, 0);
    nnlite_tensor *tt = NULL;
    assert_int_equal(nnlite_tensor_wrap2d(&tt, t, rows, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_train_batch(a, x, tt, &la), NNLITE_OK);
    assert_int_equal(nnlite_model_train_batch(b, x, tt, &lb), NNLITE_OK);
    assert_memory_equal(&la, &lb, sizeof(la));
    assert_memory_equal(nnlite_model_params(a), nnlite_model_params(b),
                        nnlite_model_param_count(a) * sizeof(float));
    /* Plain SGD keeps none; the others some. */
    const size_t n = nnlite__optimizer_state_floats(a->optimizer,
                                                    a->param_count);
    assert_int_equal(
        nnlite__optimizer_state_floats(b->optimizer, b->param_count), n);
    assert_memory_equal(a->optimizer->state, b->optimizer->state,
                        n * sizeof(float));
    nnlite_tensor_destroy(tt);
}

/* `old` was loaded from a version-1 file and saved as `image` (version
 * 2): the image holds the same model and saves back to itself. */
static void check_upgraded(nnlite_model *old, const unsigned char *image,
                           size_t size, const nnlite_tensor *x)
{
    nnlite_model *m = NULL;
    nnlite_optimizer_options a = {NNLITE_OPTIMIZER_OPTIONS_VERSION,
                                  NNLITE_OPTIMIZER_SGD, 0, 0, 0, 0,
                                  0, 0, 0, 0, 0, 0};
    nnlite_optimizer_options b = a;
    size_t saved;
    assert_int_equal(nnlite_model_load_buffer(&m, image, size), NNLITE_OK);
    assert_memory_equal(nnlite_model_params(m), nnlite_model_params(old),
                        old->param_count * sizeof(float));
    const size_t n = nnlite__optimizer_state_floats(old->optimizer,
                                                    old->param_count);
    assert_int_equal(
        nnlite__optimizer_state_floats(m->optimizer, m->param_count), n);
    assert_memory_equal(m->optimizer->state, old->optimizer->state,
                        n * sizeof(float));
    assert_int_equal(nnlite_optimizer_step_count(m->optimizer),
                     nnlite_optimizer_step_count(old->optimizer));
    assert_int_equal(nnlite_optimizer_get_options(old->optimizer, &a),
                     NNLITE_OK);
    assert_int_equal(nnlite_optimizer_get_options(m->optimizer, &b),
                     NNLITE_OK);
    assert_memory_equal(&a, &b, sizeof(a));
    assert_int_equal(nnlite_loss_kind_of(m->loss),
                     nnlite_loss_kind_of(old->loss));
    assert_int_equal(nnlite_model_metadata_count(m),
                     nnlite_model_metadata_count(old));
    unsigned char *again = test_malloc(size);
    assert_int_equal(nnlite_model_save_buffer(m, again, size, &saved),
                     NNLITE_OK);
    assert_int_equal(saved, size);
    assert_memory_equal(again, image, size);
    train_alike(old, m, x);
    test_free(again);
    nnlite_model_destroy(m);
}

static void check_golden(const char *name)
{
    char path[1024];
    size_t size, saved_size;
    expected *e = test_malloc(sizeof(*e));
    nnlite_model *m = NULL, *from_file = NULL;

    snprintf(path, sizeof(path), "%s/%s.nnl", data_dir, name);
    unsigned char *file = read_all(path, &size);
    assert_int_equal(nnlite_model_load(&from_file, path), NNLITE_OK);
    snprintf(path, sizeof(path), "%s/%s.expect", data_dir, name);
    read_expected(path, e);
    assert_int_equal(nnlite_model_load_buffer(&m, file, size), NNLITE_OK);

    /* Every stored value, bit for bit. */
    assert_same_bits(nnlite_model_params(m), find(e, "params"),
                     nnlite_model_param_count(m));
    assert_memory_equal(nnlite_model_params(from_file),
                        nnlite_model_params(m),
                        nnlite_model_param_count(m) * sizeof(float));
    const nnlite_optimizer *o = m->optimizer;
    assert_non_null(o);
    assert_same_bits(o->state, find(e, "state"),
                     nnlite__optimizer_state_floats(o, m->param_count));
    assert_int_equal(nnlite_model_metadata_count(m), 2);
    for (size_t i = 0; i < nnlite_model_metadata_count(m); i++) {
        const char *key = nnlite_model_metadata_name(m, i);
        const float *values;
        size_t count;
        char label[64];
        assert_int_equal(nnlite_model_get_metadata(m, key, &values, &count),
                         NNLITE_OK);
        snprintf(label, sizeof(label), "metadata %s", key);
        assert_same_bits(values, find(e, label), count);
    }

    /* Predictions: what x86-64 computed, to float rounding. */
    const section *in = find(e, "input"), *want = find(e, "output");
    const size_t cols = nnlite_model_output_features(m);
    const size_t rows = in->count / nnlite_model_input_features(m);
    float y[MAX_VALUES];
    assert_int_equal(in->count % nnlite_model_input_features(m), 0);
    assert_int_equal(rows * cols, want->count); /* which fits in y */
    nnlite_tensor *tx = NULL, *ty = NULL;
    assert_int_equal(
        nnlite_tensor_wrap2d(&tx, (float *)in->values, rows,
                             nnlite_model_input_features(m)),
        NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&ty, y, rows, cols), NNLITE_OK);
    assert_int_equal(nnlite_model_forward(m, tx, ty), NNLITE_OK);
    double worst = 0.0;
    for (size_t i = 0; i < rows * cols; i++) {
        const double d = fabs((double)y[i] - (double)want->values[i]) /
                         (1.0 + fabs((double)want->values[i]));
        worst = d > worst ? d : worst;
    }
    print_message("%s on %s: largest prediction difference %.3g (relative)"
                  "\n",
                  name, nnlite_model_kernel_name(m), worst);
    assert_true(worst < 1e-5);

    /* Saved again, the same bytes (forward changed nothing saved); an
     * older version's file comes back as the current version. */
    assert_int_equal(nnlite_model_save_buffer(m, NULL, 0, &saved_size),
                     NNLITE_OK);
    unsigned char *again = test_malloc(saved_size);
    assert_int_equal(
        nnlite_model_save_buffer(m, again, saved_size, &saved_size),
        NNLITE_OK);
    assert_int_equal(again[8], 2); /* the version the library writes */
    if (file[8] == again[8]) {
        assert_int_equal(saved_size, size);
        assert_memory_equal(again, file, size);
    } else {
        assert_int_equal(file[8], 1);
        check_upgraded(m, again, saved_size, tx);
    }

    nnlite_tensor_destroy(tx);
    nnlite_tensor_destroy(ty);
    nnlite_model_destroy(m);
    nnlite_model_destroy(from_file);
    test_free(again);
    test_free(file);
    test_free(e);
}

static void test_golden_sgd(void **state)
{
    (void)state;
    check_golden("sgd");
}

static void test_golden_momentum(void **state)
{
    (void)state;
    check_golden("momentum");
}

static void test_golden_adam(void **state)
{
    (void)state;
    check_golden("adam");
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_sgd),
        cmocka_unit_test(test_golden_momentum),
        cmocka_unit_test(test_golden_adam),
    };
    if (argc > 1) {
        data_dir = argv[1];
    }
    return cmocka_run_group_tests_name("golden", tests, NULL, NULL);
}
