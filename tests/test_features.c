/* The build options of meson_options.txt (threads, file_io, messages):
 * each call behaves as include/nnlite/config.h says for this build. CI
 * runs this suite in the default build (everything on) and in one with
 * everything off. */
#include "harness.h"

#include <stdio.h>
#include <string.h>

#include "message_impl.h"

#if NNLITE_HAVE_MESSAGE_TEXT
/* The message says `needle`. */
#define assert_says(text, needle) assert_non_null(strstr((text), (needle)))
#else
/* -Dmessages=none: no message says anything beyond its status's text. */
#define assert_says(text, needle) assert_no_text((text), (needle))
static void assert_no_text(const char *text, const char *needle)
{
    assert_null(strstr(text, needle));
    if (text[0] != '\0') {
        assert_true(strcmp(text, nnlite_status_string(NNLITE_EINVAL)) == 0 ||
                    strcmp(text, nnlite_status_string(NNLITE_EIO)) == 0);
    }
}
#endif

static nnlite_model *tiny_model(void)
{
    nnlite_model *m = NULL;
    nnlite_layer *l = NULL;
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    assert_int_equal(nnlite_dense_create(&l, 2, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_add(m, l), NNLITE_OK);
    return m;
}

static void test_threads_as_configured(void **state)
{
    nnlite_model *m = tiny_model();
    (void)state;
    assert_int_equal(nnlite_model_set_threads(m, 1), NNLITE_OK);
#if NNLITE_HAVE_THREADS
    assert_int_equal(nnlite_model_set_threads(m, 2), NNLITE_OK);
    assert_int_equal(nnlite_model_get_threads(m), 2);
#else
    assert_int_equal(nnlite_model_set_threads(m, 2), NNLITE_EINVAL);
    assert_says(nnlite_model_last_error(m), "without threads");
    assert_int_equal(nnlite_model_get_threads(m), 1);
#endif
    /* Out of range is refused either way, with the range. */
    assert_int_equal(nnlite_model_set_threads(m, 0), NNLITE_EINVAL);
    assert_says(nnlite_model_last_error(m), "threads must be 1");
    nnlite_model_destroy(m);
}

/* A path no system can create: its directory does not exist. */
#define NO_SUCH_PATH "/nonexistent-nnlite-dir/x/model.nnl"

static void test_save_and_load_by_path_as_configured(void **state)
{
    nnlite_model *m = tiny_model(), *loaded = (nnlite_model *)&loaded;
    char why[256] = "";
    nnlite_load_options o = NNLITE_LOAD_OPTIONS_INIT;
    unsigned char buf[4096];
    size_t size = 0;
    (void)state;
    o.error = why;
    o.error_size = sizeof(why);
    assert_int_equal(nnlite_model_save(m, NO_SUCH_PATH), NNLITE_EIO);
    assert_int_equal(nnlite_model_load_advanced(&loaded, NO_SUCH_PATH, &o),
                     NNLITE_EIO);
    assert_null(loaded);
#if NNLITE_HAVE_FILE_IO
    assert_null(strstr(nnlite_model_last_error(m), "without file I/O"));
    assert_says(nnlite_model_last_error(m), NO_SUCH_PATH);
    assert_says(why, NO_SUCH_PATH);
#else
    assert_says(nnlite_model_last_error(m), "without file I/O");
    assert_says(why, "nnlite_model_load_buffer");
#endif
    assert_int_equal(nnlite_model_export_c_file(m, "tiny", NO_SUCH_PATH),
                     NNLITE_EIO);
#if NNLITE_HAVE_FILE_IO
    assert_says(nnlite_model_last_error(m), NO_SUCH_PATH);
#else
    assert_says(nnlite_model_last_error(m), "nnlite_model_export_c");
#endif
    /* Buffers work in every build. */
    assert_int_equal(nnlite_model_save_buffer(m, buf, sizeof(buf), &size),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_load_buffer(&loaded, buf, size), NNLITE_OK);
    assert_int_equal(nnlite_model_param_count(loaded), 3);
    nnlite_model_destroy(loaded);
    /* A half-set allocator is refused before anything else, as NULLs. */
    nnlite_allocator half = {NULL, NULL, NULL};
    o.allocator = &half;
    assert_int_equal(nnlite_model_load_advanced(&loaded, NO_SUCH_PATH, &o),
                     NNLITE_EINVAL);
    assert_null(loaded);
    assert_int_equal(nnlite_model_save(NULL, NO_SUCH_PATH), NNLITE_EINVAL);
    assert_int_equal(nnlite_model_load(NULL, NO_SUCH_PATH), NNLITE_EINVAL);
    assert_int_equal(nnlite_model_load(&loaded, NULL), NNLITE_EINVAL);
    nnlite_model_destroy(m);
}

static void test_csv_by_path_as_configured(void **state)
{
    nnlite_csv_options o = NNLITE_CSV_OPTIONS_INIT;
    nnlite_tensor *x = (nnlite_tensor *)&x;
    char why[256] = "";
    (void)state;
    o.error = why;
    o.error_size = sizeof(why);
    assert_int_equal(nnlite_csv_read(&x, NULL, NO_SUCH_PATH, &o), NNLITE_EIO);
    assert_null(x);
#if NNLITE_HAVE_FILE_IO
    assert_says(why, NO_SUCH_PATH);
#else
    assert_says(why, "nnlite_csv_read_buffer");
#endif
    /* The arguments are still checked first. */
    assert_int_equal(nnlite_csv_read(NULL, NULL, NO_SUCH_PATH, &o),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_csv_read(&x, NULL, NULL, &o), NNLITE_EINVAL);
    assert_says(why, "path is NULL");
}

/* Numbers are read the same in every build: their text is not a
 * message (a build with -Dmessages=none once lost the exponent). */
static void test_csv_numbers_in_every_build(void **state)
{
    static const char text[] = "0.5,12.25e1,-3E-2\n";
    nnlite_tensor *x = NULL;
    (void)state;
    assert_int_equal(nnlite_csv_read_buffer(&x, NULL, text, sizeof(text) - 1,
                                            NULL),
                     NNLITE_OK);
    const float *v = nnlite_tensor_const_data(x);
    assert_true(v[0] == 0.5f && v[1] == 122.5f && v[2] == -0.03f);
    nnlite_tensor_destroy(x);
}

#if NNLITE_HAVE_FILE_IO
/* A save to a real path works in every messages mode: the temporary
 * file's name is not a message. */
static void test_save_by_path_in_every_build(void **state)
{
    static const char path[] = "test_features_model.nnl";
    nnlite_model *m = tiny_model(), *loaded = NULL;
    (void)state;
    assert_int_equal(nnlite_model_save(m, path), NNLITE_OK);
    assert_int_equal(nnlite_model_load(&loaded, path), NNLITE_OK);
    assert_int_equal(nnlite_model_param_count(loaded), 3);
    assert_int_equal(remove(path), 0);
    nnlite_model_destroy(loaded);
    nnlite_model_destroy(m);
}
#endif

static void format(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nnlite__vformat(buf, size, fmt, ap);
    va_end(ap);
}

static void test_messages_as_configured(void **state)
{
    char buf[128];
    (void)state;
    format(buf, sizeof(buf),
           "d%d u%u zu%zu ld%ld lld%lld llu%llu x%x c%c s%s g%g e%.2e "
           "p%% w%*d",
           -12, 7u, (size_t)34, -5L, -9000000000LL, 18000000000ULL, 255u,
           'q', "text", 1.5, 250.0, 4, 8);
#if NNLITE_HAVE_MESSAGES
    assert_string_equal(buf, "d-12 u7 zu34 ld-5 lld-9000000000 "
                             "llu18000000000 xff cq stext g1.5 e2.50e+02 "
                             "p% w   8");
#elif NNLITE_HAVE_MESSAGE_TEXT
    /* Whole numbers and text as usual, floating point as ?, widths
     * ignored. */
    assert_string_equal(buf, "d-12 u7 zu34 ld-5 lld-9000000000 "
                             "llu18000000000 xff cq stext g? e? p% w8");
#else
    assert_string_equal(buf, ""); /* no text at all */
#endif
    format(buf, sizeof(buf), "[%.3s][%.*s]", "abcdef", 2, "xyz");
    assert_string_equal(buf, NNLITE_HAVE_MESSAGE_TEXT ? "[abc][xy]" : "");
    /* Truncated, always terminated; size 0 writes nothing. */
    format(buf, 5, "abc %d", 12345);
    assert_string_equal(buf, NNLITE_HAVE_MESSAGE_TEXT ? "abc " : "");
    buf[0] = 'z';
    format(buf, 0, "abc");
    assert_int_equal(buf[0], 'z');
    /* A message the library writes, end to end. */
    char why[128];
#if NNLITE_HAVE_OPTIMIZER_SGD
    assert_int_equal(nnlite_sgd_check(-1.0f, 0.0f, why, sizeof(why)),
                     NNLITE_EINVAL);
#else
    assert_int_equal(nnlite_adam_check(-1.0f, 0.9f, 0.999f, 1e-8f, why,
                                       sizeof(why)),
                     NNLITE_EINVAL);
#endif
#if NNLITE_HAVE_MESSAGES
    assert_says(why, "-1");
#elif NNLITE_HAVE_MESSAGE_TEXT
    assert_says(why, "?");
#else
    assert_string_equal(why, "");
#endif
}

/* A kind left out (-Dlayers, -Dlosses, -Doptimizers) is refused by name;
 * a kind built in is accepted. Names are the same either way. */
static void test_kinds_as_configured(void **state)
{
    const nnlite_layer_spec sigmoid = {NNLITE_LAYER_SIGMOID, 0, 0, 0.0f};
    nnlite_optimizer_options sgd = NNLITE_SGD_OPTIONS_INIT;
    char why[256];
    (void)state;
#if NNLITE_HAVE_LAYER_SIGMOID
    assert_int_equal(nnlite_layer_spec_check(&sigmoid, why, sizeof(why)),
                     NNLITE_OK);
#else
    assert_int_equal(nnlite_layer_spec_check(&sigmoid, why, sizeof(why)),
                     NNLITE_EINVAL);
    assert_says(why, "(sigmoid) is not built into");
#endif
#if NNLITE_HAVE_LOSS_HUBER
    assert_int_equal(nnlite_loss_huber_check(1.0f, why, sizeof(why)),
                     NNLITE_OK);
#else
    assert_int_equal(nnlite_loss_huber_check(1.0f, why, sizeof(why)),
                     NNLITE_EINVAL);
    assert_says(why, "(Huber) is not built into");
#endif
#if NNLITE_HAVE_OPTIMIZER_SGD
    assert_int_equal(nnlite_optimizer_options_check(&sgd, why, sizeof(why)),
                     NNLITE_OK);
#else
    assert_int_equal(nnlite_optimizer_options_check(&sgd, why, sizeof(why)),
                     NNLITE_EINVAL);
    assert_says(why, "(SGD) is not built into");
#endif
    assert_string_equal(nnlite_layer_kind_name(NNLITE_LAYER_SIGMOID),
                        "sigmoid");
    assert_string_equal(nnlite_loss_kind_name(NNLITE_LOSS_HUBER), "Huber");
    assert_string_equal(nnlite_optimizer_kind_name(NNLITE_OPTIMIZER_SGD),
                        "SGD");
    /* Every kind has its name in every build. */
    static const char *const layers[] = {
        "dense",      "sigmoid", "relu",        "tanh",         "hard_sigmoid",
        "leaky_relu", "dropout", "standardize", "destandardize"};
    for (int k = 0; k < 9; k++) {
        assert_string_equal(nnlite_layer_kind_name((nnlite_layer_kind)(k + 1)),
                            layers[k]);
    }
    assert_string_equal(nnlite_loss_kind_name(NNLITE_LOSS_MAE), "MAE");
    assert_string_equal(nnlite_loss_kind_name(NNLITE_LOSS_MSE), "MSE");
    assert_string_equal(nnlite_loss_kind_name(NNLITE_LOSS_CROSS_ENTROPY),
                        "cross-entropy");
    assert_string_equal(nnlite_optimizer_kind_name(NNLITE_OPTIMIZER_ADAM),
                        "Adam");
    assert_string_equal(nnlite_loss_kind_name((nnlite_loss_kind)0),
                        "unknown");
    assert_string_equal(
        nnlite_optimizer_kind_name((nnlite_optimizer_kind)3), "unknown");
    /* Unknown stays unknown. */
    assert_string_equal(nnlite_layer_kind_name((nnlite_layer_kind)99),
                        "unknown");
}

/* A built-in kind saves and loads; a left-out one cannot be made, and a
 * file holding one fails to load through the same constructor. */
static void test_left_out_kind_cannot_be_made(void **state)
{
    nnlite_model *m = NULL;
    const nnlite_layer_spec dense = {NNLITE_LAYER_DENSE, 2, 2, 0.0f};
    const nnlite_layer_spec sigmoid = {NNLITE_LAYER_SIGMOID, 0, 0, 0.0f};
    nnlite_layer *l = NULL;
    (void)state;
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    assert_int_equal(nnlite_layer_create_advanced(&l, &dense, NULL),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_add(m, l), NNLITE_OK);
#if NNLITE_HAVE_LAYER_SIGMOID
    nnlite_model *loaded = NULL;
    unsigned char buf[4096];
    size_t size = 0;
    assert_int_equal(nnlite_layer_create_advanced(&l, &sigmoid, NULL),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_add(m, l), NNLITE_OK);
    assert_int_equal(nnlite_model_save_buffer(m, buf, sizeof(buf), &size),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_load_buffer(&loaded, buf, size), NNLITE_OK);
    assert_int_equal(nnlite_model_layer_count(loaded), 2);
    nnlite_model_destroy(loaded);
#else
    assert_int_equal(nnlite_layer_create_advanced(&l, &sigmoid, NULL),
                     NNLITE_EINVAL);
    assert_null(l);
#endif
    nnlite_model_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_as_configured),
        cmocka_unit_test(test_save_and_load_by_path_as_configured),
        cmocka_unit_test(test_csv_by_path_as_configured),
        cmocka_unit_test(test_messages_as_configured),
        cmocka_unit_test(test_kinds_as_configured),
        cmocka_unit_test(test_csv_numbers_in_every_build),
#if NNLITE_HAVE_FILE_IO
        cmocka_unit_test(test_save_by_path_in_every_build),
#endif
        cmocka_unit_test(test_left_out_kind_cannot_be_made),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
