/* nnlite_model_evaluate_metric(): accuracy, MAE and MSE worked out by
 * hand on models whose parameters are set by hand (no loss needed), over
 * several chunks, every error path with its message, and every
 * allocation failure. */
#include "model_util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* A model of one dense layer in -> out with W and b given row-major. */
static nnlite_model *make_dense(size_t in, size_t out, const float *w,
                                const float *b, const nnlite_allocator *a)
{
    nnlite_model *m = NULL;
    assert_int_equal(nnlite_model_create_advanced(&m, in, 1, a), NNLITE_OK);
    add_dense(m, in, out);
    float *p = nnlite_model_params(m);
    memcpy(p, w, in * out * sizeof(float));
    memcpy(p + in * out, b, out * sizeof(float));
    return m;
}

/* The 3 x 3 identity: the outputs are the inputs. */
static nnlite_model *make_identity3(void)
{
    static const float w[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1}, b[3] = {0};
    return make_dense(3, 3, w, b, NULL);
}

/* value = metric(m, x [rows, xc], target [rows, tc]), asserting success. */
static float metric_of(nnlite_model *m, nnlite_metric metric, float *xs,
                       size_t rows, size_t xc, float *ts, size_t tc)
{
    nnlite_tensor *x = NULL, *t = NULL;
    float value = -1.0f;
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, rows, xc), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, ts, rows, tc), NNLITE_OK);
    assert_int_equal(nnlite_model_evaluate_metric(m, metric, x, t, &value),
                     NNLITE_OK);
    assert_string_equal(nnlite_model_last_error(m), "");
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    return value;
}

/* ---- values ----------------------------------------------------------- */

/* Rows (outputs = inputs) and their arg-max: 0; 1; 2; 0; 0 (a tie goes
 * to the first largest). */
static float class_x[5 * 3] = {
    1, 0, 0, /* 0 */
    0, 2, 1, /* 1 */
    0, 0, 5, /* 2 */
    3, 1, 0, /* 0 */
    2, 2, 0, /* tie of 0 and 1: 0 */
};

static void test_accuracy_class_indices(void **state)
{
    /* Right: rows 0, 1 and 4 (the tie read as 0); wrong: 2 and 3. */
    float t[5] = {0, 1, 1, 1, 0};
    nnlite_model *m = make_identity3();
    (void)state;
    assert_float_equal(metric_of(m, NNLITE_METRIC_ACCURACY, class_x, 5, 3, t,
                                 1),
                       3.0f / 5.0f, 1e-7f);
    /* A tie is not read as its second class. */
    float t2[5] = {0, 1, 2, 0, 1};
    assert_float_equal(metric_of(m, NNLITE_METRIC_ACCURACY, class_x, 5, 3,
                                 t2, 1),
                       4.0f / 5.0f, 1e-7f);
    nnlite_model_destroy(m);
}

static void test_accuracy_one_hot_and_probabilities(void **state)
{
    /* Target rows' arg-max: 0, 1, 1 (probabilities), 1, 0: as the
     * indices {0, 1, 1, 1, 0} above, so 3 of 5. */
    float t[5 * 3] = {
        1,    0,    0,    /* 0 */
        0,    1,    0,    /* 1 */
        0.2f, 0.7f, 0.1f, /* 1 */
        0,    1,    0,    /* 1 */
        0.5f, 0.3f, 0.2f, /* 0 */
    };
    nnlite_model *m = make_identity3();
    (void)state;
    assert_float_equal(metric_of(m, NNLITE_METRIC_ACCURACY, class_x, 5, 3, t,
                                 3),
                       3.0f / 5.0f, 1e-7f);
    nnlite_model_destroy(m);
}

static void test_accuracy_binary_logit(void **state)
{
    /* Output = x, a logit: class 1 when > 0 (so 0 is class 0). Targets
     * 0/1 or probabilities (class 1 when >= 0.5).
     *   x:      -1   0   2    3    -0.5   0.1
     *   pred:    0   0   1    1     0     1
     *   target:  0   1   1   0.7   0.4   0.5 -> 0 1 1 1 0 1
     * 5 of 6 right (only x = 0 against 1 is wrong). */
    static const float w[1] = {1}, b[1] = {0};
    float x[6] = {-1, 0, 2, 3, -0.5f, 0.1f};
    float t[6] = {0, 1, 1, 0.7f, 0.4f, 0.5f};
    nnlite_model *m = make_dense(1, 1, w, b, NULL);
    (void)state;
    assert_float_equal(metric_of(m, NNLITE_METRIC_ACCURACY, x, 6, 1, t, 1),
                       5.0f / 6.0f, 1e-7f);
    nnlite_model_destroy(m);
}

/* A model ending in a sigmoid gives probabilities: class 1 above 1/2.
 *   x:        -2     0.5    -0.2   3
 *   sigmoid:  0.12   0.62   0.45   0.95  -> 0 1 0 1
 *   target:   0      1      1      1     -> 3 of 4 right
 * (thresholding at 0, as for a logit, would call every row class 1). */
static void test_accuracy_probability_output(void **state)
{
    float x[4] = {-2, 0.5f, -0.2f, 3}, t[4] = {0, 1, 1, 1};
    nnlite_model *m = NULL;
    nnlite_layer *l = NULL;
    (void)state;
    assert_int_equal(nnlite_model_create(&m, 1, 1), NNLITE_OK);
    add_dense(m, 1, 1);
    assert_int_equal(nnlite_sigmoid_create(&l), NNLITE_OK);
    assert_int_equal(nnlite_model_add(m, l), NNLITE_OK);
    nnlite_model_params(m)[0] = 1.0f; /* w = 1, b = 0: sigmoid(x) */
    nnlite_model_params(m)[1] = 0.0f;
    assert_float_equal(metric_of(m, NNLITE_METRIC_ACCURACY, x, 4, 1, t, 1),
                       0.75f, 1e-7f);
    nnlite_model_destroy(m);
}

static void test_mae_and_mse(void **state)
{
    /* Output = x + (1, -1): [[1, -1], [2, 1]] against [[0, 0], [2, 3]]:
     * errors 1, -1, 0, -2; MAE = 4 / 4 = 1, MSE = (1 + 1 + 0 + 4) / 4. */
    static const float w[4] = {1, 0, 0, 1}, b[2] = {1, -1};
    float x[4] = {0, 0, 1, 2}, t[4] = {0, 0, 2, 3};
    nnlite_model *m = make_dense(2, 2, w, b, NULL);
    (void)state;
    assert_float_equal(metric_of(m, NNLITE_METRIC_MAE, x, 2, 2, t, 2), 1.0f,
                       1e-7f);
    assert_float_equal(metric_of(m, NNLITE_METRIC_MSE, x, 2, 2, t, 2), 1.5f,
                       1e-7f);
    /* The model's loss plays no part: with MAE as loss, MSE is still MSE. */
    nnlite_loss *loss = NULL;
    assert_int_equal(nnlite_loss_mae_create(&loss), NNLITE_OK);
    assert_int_equal(nnlite_model_set_loss(m, loss), NNLITE_OK);
    assert_float_equal(metric_of(m, NNLITE_METRIC_MSE, x, 2, 2, t, 2), 1.5f,
                       1e-7f);
    nnlite_model_destroy(m);
}

/* 3000 rows are three chunks (1024, 1024, 952). y = 2x + 1, target y -
 * (i mod 7), so error i is i mod 7: 3000 = 428 * 7 + 4 rows, sum of
 * errors 428 * 21 + (0 + 1 + 2 + 3) = 8994, of squares 428 * 91 + 14 =
 * 38962. A chunk misplaced against its targets changes both. */
static void test_metrics_in_chunks(void **state)
{
    enum { N = 3000 };
    static float xs[N], ts[N], labels[N];
    static const float w[1] = {2}, b[1] = {1};
    nnlite_model *m = make_dense(1, 1, w, b, NULL);
    size_t positive = 0;
    (void)state;
    for (size_t i = 0; i < N; i++) {
        xs[i] = (float)i / 1000.0f - 1.0f;
        ts[i] = 2.0f * xs[i] + 1.0f - (float)(i % 7);
        /* Logit 2x + 1 > 0 from x > -0.5 (i > 500); labels say 1 for
         * i >= 490 and i not a multiple of 3, right for i < 490 and for
         * the i > 500 not multiples of 3. */
        labels[i] = i >= 490 && i % 3 != 0 ? 1.0f : 0.0f;
    }
    for (size_t i = 0; i < N; i++) {
        const int pred = 2.0f * xs[i] + 1.0f > 0.0f;
        positive += pred == (labels[i] >= 0.5f);
    }
    /* By hand: rows 0..489 right (490); 490..500 (11 rows) right only
     * for multiples of 3 (492, 495, 498: 3); 501..2999 right unless a
     * multiple of 3: 2499 rows, 833 multiples (501..2997), 1666 right. */
    assert_int_equal(positive, 490 + 3 + 1666);
    assert_float_equal(metric_of(m, NNLITE_METRIC_MAE, xs, N, 1, ts, 1),
                       8994.0f / 3000.0f, 1e-4f);
    assert_float_equal(metric_of(m, NNLITE_METRIC_MSE, xs, N, 1, ts, 1),
                       38962.0f / 3000.0f, 1e-4f);
    assert_float_equal(metric_of(m, NNLITE_METRIC_ACCURACY, xs, N, 1, labels,
                                 1),
                       2159.0f / 3000.0f, 1e-6f);
    nnlite_model_destroy(m);
}

/* A model seen at a size allocates nothing more at that size. */
static void test_metric_steady_state_allocates_nothing(void **state)
{
    static const float w[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1}, b[3] = {0};
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    float t[5] = {0, 1, 1, 1, 0};
    nnlite_model *m = make_dense(3, 3, w, b, &a);
    (void)state;
    metric_of(m, NNLITE_METRIC_ACCURACY, class_x, 5, 3, t, 1);
    const size_t calls = st.calls;
    assert_float_equal(metric_of(m, NNLITE_METRIC_ACCURACY, class_x, 5, 3, t,
                                 1),
                       0.6f, 1e-7f);
    assert_int_equal(st.calls, calls);
    nnlite_model_destroy(m);
    assert_int_equal(st.live, 0);
}

/* ---- errors ----------------------------------------------------------- */

/* The call fails with `expect`, leaves value alone and says `words`. */
static void expect_failure(nnlite_model *m, nnlite_metric metric,
                           const nnlite_tensor *x, const nnlite_tensor *t,
                           float *value, nnlite_status expect,
                           const char *words)
{
    float before = value != NULL ? *value : 0.0f;
    assert_int_equal(nnlite_model_evaluate_metric(m, metric, x, t, value),
                     expect);
    if (value != NULL) {
        assert_true(*value == before);
    }
    const char *msg = nnlite_model_last_error(m);
    if (strstr(msg, words) == NULL) {
        fail_msg("message \"%s\" lacks \"%s\"", msg, words);
    }
}

static void test_metric_argument_errors(void **state)
{
    float xs[6] = {0}, ts[2] = {0}, value = 42.0f;
    nnlite_tensor *x = NULL, *t = NULL;
    nnlite_model *m = make_identity3(), *empty = NULL;
    (void)state;
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, 2, 3), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, ts, 2, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_evaluate_metric(NULL, NNLITE_METRIC_MAE, x,
                                                  t, &value),
                     NNLITE_EINVAL);
    assert_true(value == 42.0f);
    expect_failure(m, NNLITE_METRIC_ACCURACY, NULL, t, &value, NNLITE_EINVAL,
                   "x is NULL");
    expect_failure(m, NNLITE_METRIC_ACCURACY, x, NULL, &value, NNLITE_EINVAL,
                   "target is NULL");
    expect_failure(m, NNLITE_METRIC_ACCURACY, x, t, NULL, NNLITE_EINVAL,
                   "value is NULL");
    expect_failure(m, (nnlite_metric)0, x, t, &value, NNLITE_EINVAL,
                   "metric 0 is not an nnlite_metric");
    expect_failure(m, (nnlite_metric)4, x, t, &value, NNLITE_EINVAL,
                   "metric 4 is not an nnlite_metric");
    /* A later success clears the message. */
    assert_int_equal(nnlite_model_evaluate_metric(m, NNLITE_METRIC_ACCURACY,
                                                  x, t, &value),
                     NNLITE_OK);
    assert_string_equal(nnlite_model_last_error(m), "");

    assert_int_equal(nnlite_model_create(&empty, 3, 1), NNLITE_OK);
    expect_failure(empty, NNLITE_METRIC_MSE, x, t, &value, NNLITE_ESTATE,
                   "the model has no layers");
    nnlite_model_destroy(empty);
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_model_destroy(m);
}

static void test_metric_shape_errors(void **state)
{
    float xs[12] = {0}, ts[12] = {0}, value = 42.0f;
    nnlite_tensor *x = NULL, *x_wide = NULL, *x_rank1 = NULL, *t = NULL,
                  *t_rows = NULL, *t_cols = NULL, *t_rank1 = NULL;
    const size_t four[1] = {4};
    nnlite_model *m = make_identity3();
    (void)state;
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, 2, 3), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&x_wide, xs, 2, 4), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap(&x_rank1, xs, 1, four), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, ts, 2, 1), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t_rows, ts, 3, 3), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t_cols, ts, 2, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap(&t_rank1, ts, 1, four), NNLITE_OK);

    expect_failure(m, NNLITE_METRIC_MAE, x_wide, t, &value, NNLITE_ESHAPE,
                   "x must be [rows, 3]");
    expect_failure(m, NNLITE_METRIC_MAE, x_rank1, t, &value, NNLITE_ESHAPE,
                   "x must be [rows, 3]");
    expect_failure(m, NNLITE_METRIC_ACCURACY, x, t_rows, &value,
                   NNLITE_ESHAPE, "target must be rank 2 with x's 2 rows");
    expect_failure(m, NNLITE_METRIC_ACCURACY, x, t_rank1, &value,
                   NNLITE_ESHAPE, "target must be rank 2 with x's 2 rows");
    expect_failure(m, NNLITE_METRIC_ACCURACY, x, t_cols, &value,
                   NNLITE_ESHAPE,
                   "accuracy target has 2 columns; the model's 3 outputs "
                   "need 1 (class indices) or 3");
    /* Only accuracy reads class indices. */
    expect_failure(m, NNLITE_METRIC_MAE, x, t, &value, NNLITE_ESHAPE,
                   "MAE target has 1 column; the model's 3 outputs need 3");
    expect_failure(m, NNLITE_METRIC_MSE, x, t_cols, &value, NNLITE_ESHAPE,
                   "MSE target has 2 columns; the model's 3 outputs need 3");
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(x_wide);
    nnlite_tensor_destroy(x_rank1);
    nnlite_tensor_destroy(t);
    nnlite_tensor_destroy(t_rows);
    nnlite_tensor_destroy(t_cols);
    nnlite_tensor_destroy(t_rank1);
    nnlite_model_destroy(m);
}

static void test_metric_value_errors(void **state)
{
    static const float w1[1] = {1}, b1[1] = {0};
    float xs[6] = {0}, ts[6] = {0}, value = 42.0f;
    nnlite_tensor *x = NULL, *t = NULL, *t_wide = NULL, *x1 = NULL,
                  *t1 = NULL;
    nnlite_model *m = make_identity3();
    nnlite_model *binary = make_dense(1, 1, w1, b1, NULL);
    (void)state;
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, 2, 3), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, ts, 2, 1), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t_wide, ts, 2, 3), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&x1, xs, 2, 1), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t1, ts, 2, 1), NNLITE_OK);

    xs[5] = NAN;
    expect_failure(m, NNLITE_METRIC_ACCURACY, x, t, &value, NNLITE_ENUMERIC,
                   "x[1][2] is not finite");
    xs[5] = 0.0f;
    ts[1] = INFINITY;
    expect_failure(m, NNLITE_METRIC_MSE, x, t_wide, &value, NNLITE_ENUMERIC,
                   "target[0][1] is not finite");
    ts[1] = 0.0f;

    ts[1] = 1.5f;
    expect_failure(m, NNLITE_METRIC_ACCURACY, x, t, &value, NNLITE_EINVAL,
                   "target row 1: class index 1.5 is not a whole number in "
                   "0..2");
    ts[1] = 3.0f;
    expect_failure(m, NNLITE_METRIC_ACCURACY, x, t, &value, NNLITE_EINVAL,
                   "class index 3 is not");
    ts[1] = -1.0f;
    expect_failure(m, NNLITE_METRIC_ACCURACY, x, t, &value, NNLITE_EINVAL,
                   "class index -1 is not");
    ts[1] = 2.0f; /* the largest valid class */
    assert_int_equal(nnlite_model_evaluate_metric(m, NNLITE_METRIC_ACCURACY,
                                                  x, t, &value),
                     NNLITE_OK);
    value = 42.0f;
    ts[1] = 0.0f;

    ts[0] = 1.25f;
    expect_failure(binary, NNLITE_METRIC_ACCURACY, x1, t1, &value,
                   NNLITE_EINVAL,
                   "target row 0: binary target 1.25 is not in [0, 1]");
    ts[0] = -0.5f;
    expect_failure(binary, NNLITE_METRIC_ACCURACY, x1, t1, &value,
                   NNLITE_EINVAL, "binary target -0.5 is not in [0, 1]");
    /* Any value is a fine MAE target. */
    assert_int_equal(nnlite_model_evaluate_metric(binary, NNLITE_METRIC_MAE,
                                                  x1, t1, &value),
                     NNLITE_OK);
    assert_float_equal(value, 0.25f, 1e-7f); /* |0 + 0.5| / 2 */
    value = 42.0f;

    /* Outputs of 1e30: squares overflow float, as the caller would see. */
    nnlite_model_params(binary)[0] = 1e30f;
    xs[0] = xs[1] = 1.0f;
    ts[0] = ts[1] = 0.0f;
    expect_failure(binary, NNLITE_METRIC_MSE, x1, t1, &value,
                   NNLITE_ENUMERIC, "the MSE is not finite");
    assert_int_equal(nnlite_model_evaluate_metric(binary, NNLITE_METRIC_MAE,
                                                  x1, t1, &value),
                     NNLITE_OK);
    assert_float_equal(value / 1e30f, 1.0f, 1e-6f);

    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_tensor_destroy(t_wide);
    nnlite_tensor_destroy(x1);
    nnlite_tensor_destroy(t1);
    nnlite_model_destroy(m);
    nnlite_model_destroy(binary);
}

/* ---- memory ----------------------------------------------------------- */

/* Fail each allocation the first metric call of a fresh model makes
 * (the workspace, the kernels' scratch), in turn: each fails with
 * NNLITE_ENOMEM and a message, leaves value alone and the model usable
 * (the same call then succeeds with the right value), and leaks nothing. */
static void test_metric_every_allocation_failure(void **state)
{
    static const float w[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1}, b[3] = {0};
    float ts[5] = {0, 1, 1, 1, 0};
    nnlite_tensor *x = NULL, *t = NULL;
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    size_t walked = 0;
    (void)state;
    assert_int_equal(nnlite_tensor_wrap2d(&x, class_x, 5, 3), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, ts, 5, 1), NNLITE_OK);
    for (size_t n = 1;; n++) {
        float value = 42.0f;
        st = (test_alloc_state){0};
        nnlite_model *m = make_dense(3, 3, w, b, &a);
        st.fail_at = st.calls + n;
        nnlite_status s = nnlite_model_evaluate_metric(
            m, NNLITE_METRIC_ACCURACY, x, t, &value);
        if (s == NNLITE_OK) {
            assert_true(st.calls < st.fail_at); /* nothing left to fail */
            assert_float_equal(value, 0.6f, 1e-7f);
            nnlite_model_destroy(m);
            break;
        }
        walked++;
        assert_int_equal(s, NNLITE_ENOMEM);
        assert_true(value == 42.0f);
        assert_true(strlen(nnlite_model_last_error(m)) > 0);
        st.fail_at = 0;
        assert_int_equal(nnlite_model_evaluate_metric(
                             m, NNLITE_METRIC_ACCURACY, x, t, &value),
                         NNLITE_OK);
        assert_float_equal(value, 0.6f, 1e-7f);
        nnlite_model_destroy(m);
        assert_int_equal(st.live, 0);
    }
    printf("a first metric call makes %zu allocations\n", walked);
    assert_true(walked >= 1); /* at least the workspace */
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accuracy_class_indices),
        cmocka_unit_test(test_accuracy_one_hot_and_probabilities),
        cmocka_unit_test(test_accuracy_binary_logit),
        cmocka_unit_test(test_accuracy_probability_output),
        cmocka_unit_test(test_mae_and_mse),
        cmocka_unit_test(test_metrics_in_chunks),
        cmocka_unit_test(test_metric_steady_state_allocates_nothing),
        cmocka_unit_test(test_metric_argument_errors),
        cmocka_unit_test(test_metric_shape_errors),
        cmocka_unit_test(test_metric_value_errors),
        cmocka_unit_test(test_metric_every_allocation_failure),
    };
    return cmocka_run_group_tests_name("metric", tests, NULL, NULL);
}
