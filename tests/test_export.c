/* nnlite_model_export_c: the buffer contract, every error with its
 * message, the constants read back exactly, the shape of the text (one
 * include, no writable globals, the names the header promises). Files
 * are test_export_file.c's part; that the text compiles and computes
 * nnlite's outputs is tests/export/'s. */
#include "export/export_util.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layer_impl.h"
#include "model_impl.h"

/* ---- helpers ------------------------------------------------------------- */

/* The floats of `static const float NAME[n] = {...};` in text, parsed
 * with strtof (which reads C99 hexadecimal constants); n returned. */
static size_t read_array(const char *text, const char *name, float *out,
                         size_t capacity)
{
    char head[128];
    snprintf(head, sizeof(head), "static const float %s[", name);
    const char *at = strstr(text, head);
    if (at == NULL) {
        fail_msg("no array %s", name);
    }
    const size_t n = strtoul(at + strlen(head), NULL, 10);
    assert_true(n <= capacity);
    at = strchr(at, '{') + 1;
    for (size_t i = 0; i < n; i++) {
        char *end;
        out[i] = strtof(at, &end);
        assert_true(end > at);
        assert_true(end[0] == 'f' && end[1] == ',');
        at = end + 2;
    }
    assert_non_null(strstr(at, "\n};\n"));
    assert_true(strstr(at, "\n};\n") - at < 4); /* nothing more in it */
    return n;
}

static void expect_same_bits(const float *a, const float *b, size_t n)
{
    assert_memory_equal(a, b, n * sizeof(float));
}

/* ---- the buffer contract ------------------------------------------------- */

static void test_export_length_query_and_exact_buffer(void **state)
{
    (void)state;
    nnlite_model *m = build(0);
    size_t length = 0, again = 0;
    char small[8] = "unused";
    assert_int_equal(nnlite_model_export_c(m, "mcu", NULL, 0, &length),
                     NNLITE_OK);
    assert_true(length > 1000);
    /* size 0 with a buffer is a query too, and writes nothing */
    assert_int_equal(nnlite_model_export_c(m, "mcu", small, 0, &again),
                     NNLITE_OK);
    assert_int_equal(again, length);
    assert_string_equal(small, "unused");
    char *text = export_text(m, "mcu");
    assert_int_equal(strlen(text), length);
    test_free(text);
    nnlite_model_destroy(m);
}

static void test_export_buffer_too_small(void **state)
{
    (void)state;
    nnlite_model *m = build(0);
    size_t length = 0, needed = 0;
    assert_int_equal(nnlite_model_export_c(m, "mcu", NULL, 0, &needed),
                     NNLITE_OK);
    char *buf = test_malloc(needed + 1);
    const size_t sizes[] = {1, 2, needed / 2, needed};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        memset(buf, 'x', needed + 1);
        length = 0;
        assert_int_equal(
            nnlite_model_export_c(m, "mcu", buf, sizes[i], &length),
            NNLITE_EINVAL);
        assert_int_equal(length, needed); /* as snprintf reports it */
        assert_string_equal(buf, "");     /* never part of a program */
        expect_message(m, "the C source needs");
    }
    /* the next call clears the message */
    assert_int_equal(nnlite_model_export_c(m, "mcu", buf, needed + 1,
                                           &length),
                     NNLITE_OK);
    assert_string_equal(nnlite_model_last_error(m), "");
    test_free(buf);
    nnlite_model_destroy(m);
}

static void test_export_null_arguments(void **state)
{
    (void)state;
    nnlite_model *m = build(0);
    char buf[16];
    size_t length = 7;
    assert_int_equal(nnlite_model_export_c(NULL, "a", buf, sizeof(buf),
                                           &length),
                     NNLITE_EINVAL);
    assert_int_equal(length, 7);
    assert_int_equal(nnlite_model_export_c(m, "a", buf, sizeof(buf), NULL),
                     NNLITE_EINVAL);
    expect_message(m, "length is required");
    assert_int_equal(nnlite_model_export_c(m, "a", NULL, 5, &length),
                     NNLITE_EINVAL);
    expect_message(m, "a buffer when size is not 0");
    assert_int_equal(length, 7);
    nnlite_model_destroy(m);
}

static void test_export_prefix_rules(void **state)
{
    (void)state;
    nnlite_model *m = build(5); /* only_relu: a short text */
    size_t length;
    const char *bad[] = {"", "1abc", "_abc", "a-b", "a b", "a.b",
                         "caf\xc3\xa9", "x\x7f"};
    assert_int_equal(nnlite_model_export_c(m, NULL, NULL, 0, &length),
                     NNLITE_EINVAL);
    expect_message(m, "prefix is NULL");
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(nnlite_model_export_c(m, bad[i], NULL, 0, &length),
                         NNLITE_EINVAL);
        expect_message(m, bad[i][0] == '\0' ? "prefix of 0 bytes"
                                            : "is not a C identifier");
    }
    char name[NNLITE_EXPORT_PREFIX_MAX + 2];
    memset(name, 'a', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0'; /* one too long */
    assert_int_equal(nnlite_model_export_c(m, name, NULL, 0, &length),
                     NNLITE_EINVAL);
    expect_message(m, "prefix of 33 bytes: 1 to 32 are allowed");
    name[NNLITE_EXPORT_PREFIX_MAX] = '\0'; /* the longest */
    assert_int_equal(nnlite_model_export_c(m, name, NULL, 0, &length),
                     NNLITE_OK);
    const char *good[] = {"a", "Z", "model_2", "A_b_C9"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        char *text = export_text(m, good[i]);
        char want[64];
        snprintf(want, sizeof(want), "void %s_predict(const float *x, "
                 "float *y)\n{", good[i]);
        assert_non_null(strstr(text, want));
        test_free(text);
    }
    nnlite_model_destroy(m);
}

/* ---- models it refuses --------------------------------------------------- */

static void test_export_model_without_layers(void **state)
{
    (void)state;
    nnlite_model *m = NULL;
    size_t length;
    assert_int_equal(nnlite_model_create(&m, 3, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_export_c(m, "empty", NULL, 0, &length),
                     NNLITE_ESTATE);
    expect_message(m, "no layers");
    nnlite_model_destroy(m);
}

static void test_export_non_finite_parameter(void **state)
{
    (void)state;
    nnlite_model *m = build(0);
    size_t length = 3;
    float *p = nnlite_model_params(m);
    const float bad[] = {NAN, INFINITY, -INFINITY};
    for (size_t i = 0; i < 3; i++) {
        const float keep = p[900];
        p[900] = bad[i];
        assert_int_equal(nnlite_model_export_c(m, "m", NULL, 0, &length),
                         NNLITE_ENUMERIC);
        expect_message(m, "parameter 900 is not finite");
        p[900] = keep;
    }
    assert_int_equal(length, 3);
    assert_int_equal(nnlite_model_export_c(m, "m", NULL, 0, &length),
                     NNLITE_OK);
    nnlite_model_destroy(m);
}

/* A layer kind the exporter does not know (as a kind added to the library
 * without a plain-C form would be): relu's table under another kind. */
static void test_export_unknown_layer_kind(void **state)
{
    (void)state;
    nnlite_model *m = build(0);
    nnlite__layer_ops unknown = nnlite__relu_ops;
    size_t length = 3;
    unknown.kind = (nnlite_layer_kind)99;
    unknown.name = "novel";
    m->layers[1]->ops = &unknown;
    assert_int_equal(nnlite_model_export_c(m, "m", NULL, 0, &length),
                     NNLITE_EFORMAT);
    expect_message(m, "layer 1 (novel, kind 99) has no plain-C form");
    assert_int_equal(length, 3);
    m->layers[1]->ops = &nnlite__relu_ops;
    nnlite_model_destroy(m);
}

/* ---- what the text holds ------------------------------------------------- */

/* Every constant reads back (strtof) as the model's float, bit for bit:
 * weights, biases, scaling means and deviations, and the slopes. */
static void test_export_constants_read_back_exactly(void **state)
{
    (void)state;
    static float got[300 * 33];
    for (size_t k = 0; k < EXPORT_MODEL_COUNT; k++) {
        nnlite_model *m = build(k);
        const char *p = export_models[k].name;
        char *text = export_text(m, p);
        const float *params = nnlite_model_params(m);
        for (size_t i = 0; i < nnlite_model_layer_count(m); i++) {
            const nnlite_layer *l = nnlite_model_layer(m, i);
            const size_t off = nnlite_model_layer_param_offset(m, i);
            const float *mean, *std;
            size_t features;
            char name[64];
            if (l->ops->kind == NNLITE_LAYER_DENSE) {
                snprintf(name, sizeof(name), "%s_layer%zu_weight", p, i);
                assert_int_equal(read_array(text, name, got, 300 * 33),
                                 l->in * l->out);
                expect_same_bits(got, params + off, l->in * l->out);
                snprintf(name, sizeof(name), "%s_layer%zu_bias", p, i);
                assert_int_equal(read_array(text, name, got, 300 * 33),
                                 l->out);
                expect_same_bits(got, params + off + l->in * l->out,
                                 l->out);
            } else if (nnlite_layer_scaling(l, &mean, &std, &features) ==
                       NNLITE_OK) {
                snprintf(name, sizeof(name), "%s_layer%zu_mean", p, i);
                assert_int_equal(read_array(text, name, got, 64), features);
                expect_same_bits(got, mean, features);
                snprintf(name, sizeof(name), "%s_layer%zu_std", p, i);
                assert_int_equal(read_array(text, name, got, 64), features);
                expect_same_bits(got, std, features);
            } else if (l->ops->kind == NNLITE_LAYER_LEAKY_RELU) {
                snprintf(name, sizeof(name), "    %s_leaky_relu(", p);
                const char *call = strstr(text, name);
                assert_non_null(call);
                const char *slope = strchr(call, ')');
                while (slope[-1] != ' ') {
                    slope--; /* back to the last argument */
                }
                assert_true(strtof(slope, NULL) == l->slope);
            }
        }
        test_free(text);
        nnlite_model_destroy(m);
    }
}

/* The formatter's corner cases, written out. */
static void test_export_float_constants(void **state)
{
    (void)state;
    nnlite_model *m = build(0);
    float *p = nnlite_model_params(m);
    const float values[] = {0.0f,     -0.0f,   1.5f,   -1.0f,  FLT_MAX,
                            -FLT_MIN, 0x1p-149f, 0x1.000002p-126f, 0.1f,
                            0x1.fffffcp-127f, 2.0f, 0x1.8p-130f};
    const char *texts[] = {"0.0f",  "-0.0f", "0x1.8p+0f", "-0x1p+0f",
                           "0x1.fffffep+127f", "-0x1p-126f",
                           "0x0.000002p-126f", "0x1.000002p-126f",
                           "0x1.99999ap-4f", "0x0.fffffep-126f", "0x1p+1f",
                           "0x0.18p-126f"};
    const size_t n = sizeof(values) / sizeof(values[0]);
    memcpy(p, values, sizeof(values));
    char *text = export_text(m, "f");
    const char *at = strstr(text, "f_layer0_weight[896] = {\n");
    assert_non_null(at);
    at = strchr(at, '\n') + 1;
    for (size_t i = 0; i < n; i++) {
        char want[40];
        snprintf(want, sizeof(want), "%s%s,", i % 4 == 0 ? "    " : " ",
                 texts[i]);
        if (strncmp(at, want, strlen(want)) != 0) {
            fail_msg("value %zu: want \"%s\", the text has \"%.24s\"", i,
                     want, at);
        }
        at += strlen(want);
        if (i % 4 == 3) {
            at++; /* the newline */
        }
        assert_true(strtof(texts[i], NULL) == values[i]);
    }
    test_free(text);
    nnlite_model_destroy(m);
}

/* At file scope only comments, the preprocessor, static const arrays and
 * functions: no writable globals; <math.h> is the one include; the
 * macros and prototypes the header documents. */
static void test_export_shape_of_the_file(void **state)
{
    (void)state;
    for (size_t k = 0; k < EXPORT_MODEL_COUNT; k++) {
        const export_model *e = &export_models[k];
        nnlite_model *m = build(k);
        char *text = export_text(m, e->name);
        char want[128];
        size_t includes = 0;
        for (const char *line = text; *line != '\0';
             line = strchr(line, '\n') + 1) {
            const char *allowed[] = {"/*", " *", "#", "static const float ",
                                     "static void ", "void ", "{", "}", "\n",
                                     "    ", "};"};
            int ok = 0;
            for (size_t a = 0; a < sizeof(allowed) / sizeof(allowed[0]);
                 a++) {
                ok |= strncmp(line, allowed[a], strlen(allowed[a])) == 0;
            }
            if (!ok) {
                fail_msg("%s: unexpected line \"%.40s\"", e->name, line);
            }
            includes += strncmp(line, "#include", 8) == 0;
        }
        assert_int_equal(includes, 1);
        assert_non_null(strstr(text, "\n#include <math.h>\n"));
        assert_null(strstr(text, "malloc"));
        snprintf(want, sizeof(want), "\n#define %s_INPUTS %zu\n", e->name,
                 e->inputs);
        assert_non_null(strstr(text, want));
        snprintf(want, sizeof(want), "\n#define %s_OUTPUTS %zu\n", e->name,
                 nnlite_model_output_features(m));
        assert_non_null(strstr(text, want));
        snprintf(want, sizeof(want),
                 "\nvoid %s_predict(const float *x, float *y);\n", e->name);
        assert_non_null(strstr(text, want));
        snprintf(want, sizeof(want),
                 "\nvoid %s_probabilities(const float *x, float *p)\n{",
                 e->name);
        assert_true((strstr(text, want) != NULL) ==
                    (e->loss == EXPORT_CROSS_ENTROPY));
        assert_non_null(strstr(text, "nnlite " NNLITE_VERSION_STRING));
        assert_non_null(strstr(text, "-ffp-contract=off"));
        test_free(text);
        nnlite_model_destroy(m);
    }
}

/* Which buffers predict uses, and how the layers call each other. */
static void test_export_predict_body(void **state)
{
    (void)state;
    nnlite_model *m = build(1); /* every_kind */
    char *text = export_text(m, "k");
    assert_non_null(strstr(
        text,
        "void k_predict(const float *x, float *y)\n{\n"
        "    float h0[20];\n    float h1[24];\n"
        "    k_standardize(k_layer0_mean, k_layer0_std, x, h0, 20);\n"
        "    k_dense(k_layer1_weight, k_layer1_bias, h0, h1, 24, 20);\n"
        "    k_sigmoid(h1, h1, 24);\n"
        "    k_dense(k_layer3_weight, k_layer3_bias, h1, h0, 17, 24);\n"
        "    k_tanh(h0, h0, 17);\n"
        "    k_dense(k_layer5_weight, k_layer5_bias, h0, h1, 9, 17);\n"
        "    k_hard_sigmoid(h1, h1, 9);\n"
        "    k_dense(k_layer7_weight, k_layer7_bias, h1, h0, 5, 9);\n"
        "    k_leaky_relu(h0, h0, 5, 0x1p-3f);\n"
        "    k_dense(k_layer10_weight, k_layer10_bias, h0, h1, 3, 5);\n"
        "    k_destandardize(k_layer11_mean, k_layer11_std, h1, y, 3);\n"
        "}\n"));
    assert_non_null(strstr(text, "values\n * take 44 floats of stack.\n"));
    test_free(text);
    nnlite_model_destroy(m);

    m = build(6); /* only_dropout: a copy */
    text = export_text(m, "d");
    assert_non_null(strstr(text, "void d_predict(const float *x, float *y)"
                                 "\n{\n    unsigned long i;\n"
                                 "    for (i = 0; i < 4; i++) {\n"
                                 "        y[i] = x[i];\n    }\n}\n"));
    assert_null(strstr(text, "static void"));
    test_free(text);
    nnlite_model_destroy(m);

    m = build(5); /* only_relu: no buffer */
    text = export_text(m, "r");
    assert_non_null(strstr(text, "{\n    r_relu(x, y, 5);\n}\n"));
    assert_null(strstr(text, "static const float"));
    test_free(text);
    nnlite_model_destroy(m);
}

/* The same model gives the same text: twice, and after a save and load;
 * exporting draws the weights of a model that has none yet. */
static void test_export_same_text_for_the_same_model(void **state)
{
    (void)state;
    nnlite_model *m = build(2), *copy = NULL, *fresh = NULL, *drawn = NULL;
    unsigned char image[8192];
    size_t size;
    char *a = export_text(m, "s"), *b = export_text(m, "s");
    assert_string_equal(a, b);
    assert_int_equal(nnlite_model_save_buffer(m, image, sizeof(image),
                                              &size),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_load_buffer(&copy, image, size),
                     NNLITE_OK);
    char *c = export_text(copy, "s");
    assert_string_equal(a, c);
    test_free(c);

    /* fresh and drawn: the same layers, seed 3; fresh exported first */
    nnlite_layer *l;
    assert_int_equal(nnlite_model_create(&fresh, 4, 3), NNLITE_OK);
    assert_int_equal(nnlite_model_create(&drawn, 4, 3), NNLITE_OK);
    assert_int_equal(nnlite_dense_create(&l, 4, 2), NNLITE_OK);
    assert_int_equal(nnlite_model_add(fresh, l), NNLITE_OK);
    assert_int_equal(nnlite_dense_create(&l, 4, 2), NNLITE_OK);
    assert_int_equal(nnlite_model_add(drawn, l), NNLITE_OK);
    c = export_text(fresh, "w");
    assert_non_null(nnlite_model_params(drawn));
    expect_same_bits(nnlite_model_params(fresh), nnlite_model_params(drawn),
                     10);
    /* and the weights are in the text, not zeros */
    assert_null(strstr(c, "weight[8] = {\n    0.0f, 0.0f"));
    assert_int_equal(nnlite_relu_create(&l), NNLITE_OK);
    assert_int_equal(nnlite_model_add(fresh, l), NNLITE_ESTATE); /* drawn */
    test_free(c);
    test_free(a);
    test_free(b);
    nnlite_model_destroy(m);
    nnlite_model_destroy(copy);
    nnlite_model_destroy(fresh);
    nnlite_model_destroy(drawn);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_export_length_query_and_exact_buffer),
        cmocka_unit_test(test_export_buffer_too_small),
        cmocka_unit_test(test_export_null_arguments),
        cmocka_unit_test(test_export_prefix_rules),
        cmocka_unit_test(test_export_model_without_layers),
        cmocka_unit_test(test_export_non_finite_parameter),
        cmocka_unit_test(test_export_unknown_layer_kind),
        cmocka_unit_test(test_export_constants_read_back_exactly),
        cmocka_unit_test(test_export_float_constants),
        cmocka_unit_test(test_export_shape_of_the_file),
        cmocka_unit_test(test_export_predict_body),
        cmocka_unit_test(test_export_same_text_for_the_same_model),
    };
    return cmocka_run_group_tests_name("export", tests, NULL, NULL);
}
