/* Layers: construction and errors, hand-computed forward values, and a
 * finite-difference check of every layer's backward pass. */
#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "layer_impl.h"

/* ---- construction ------------------------------------------------------ */

static void test_layer_create_every_kind(void **state)
{
    nnlite_layer *l = NULL;
    (void)state;
    assert_int_equal(nnlite_dense_create(&l, 3, 2), NNLITE_OK);
    assert_int_equal(nnlite_layer_get_kind(l), NNLITE_LAYER_DENSE);
    nnlite_layer_destroy(l);
    assert_int_equal(nnlite_sigmoid_create(&l), NNLITE_OK);
    assert_int_equal(nnlite_layer_get_kind(l), NNLITE_LAYER_SIGMOID);
    nnlite_layer_destroy(l);
    assert_int_equal(nnlite_relu_create(&l), NNLITE_OK);
    assert_int_equal(nnlite_layer_get_kind(l), NNLITE_LAYER_RELU);
    nnlite_layer_destroy(l);
    assert_int_equal(nnlite_tanh_create(&l), NNLITE_OK);
    assert_int_equal(nnlite_layer_get_kind(l), NNLITE_LAYER_TANH);
    nnlite_layer_destroy(l);
    assert_int_equal(nnlite_hard_sigmoid_create(&l), NNLITE_OK);
    assert_int_equal(nnlite_layer_get_kind(l), NNLITE_LAYER_HARD_SIGMOID);
    nnlite_layer_destroy(l);
    assert_int_equal(nnlite_leaky_relu_create(&l, 0.01f), NNLITE_OK);
    assert_int_equal(nnlite_layer_get_kind(l), NNLITE_LAYER_LEAKY_RELU);
    nnlite_layer_destroy(l);
    nnlite_layer_destroy(NULL);
    assert_int_equal(nnlite_layer_get_kind(NULL), 0);
}

static void test_layer_create_errors(void **state)
{
    nnlite_layer *l;
    const nnlite_layer_spec unknown = {(nnlite_layer_kind)99, 1, 1, 0.0f};
    (void)state;
    assert_int_equal(nnlite_dense_create(NULL, 1, 1), NNLITE_EINVAL);
    assert_int_equal(nnlite_sigmoid_create(NULL), NNLITE_EINVAL);
    assert_int_equal(nnlite_relu_create(NULL), NNLITE_EINVAL);
    assert_int_equal(nnlite_tanh_create(NULL), NNLITE_EINVAL);
    assert_int_equal(nnlite_hard_sigmoid_create(NULL), NNLITE_EINVAL);
    assert_int_equal(nnlite_leaky_relu_create(NULL, 0.1f), NNLITE_EINVAL);
    l = (nnlite_layer *)(uintptr_t)1;
    assert_int_equal(nnlite_dense_create(&l, 0, 4), NNLITE_EINVAL);
    assert_null(l);
    l = (nnlite_layer *)(uintptr_t)1;
    assert_int_equal(nnlite_dense_create(&l, 4, 0), NNLITE_EINVAL);
    assert_null(l);
    l = (nnlite_layer *)(uintptr_t)1;
    assert_int_equal(nnlite_dense_create(&l, SIZE_MAX / 2, 3), NNLITE_ENOMEM);
    assert_null(l);
    l = (nnlite_layer *)(uintptr_t)1;
    assert_int_equal(nnlite_leaky_relu_create(&l, NAN), NNLITE_EINVAL);
    assert_null(l);
    l = (nnlite_layer *)(uintptr_t)1;
    assert_int_equal(nnlite_leaky_relu_create(&l, INFINITY), NNLITE_EINVAL);
    assert_null(l);
    l = (nnlite_layer *)(uintptr_t)1;
    assert_int_equal(nnlite_layer_create_advanced(&l, &unknown, NULL),
                     NNLITE_EINVAL);
    assert_null(l);
    l = (nnlite_layer *)(uintptr_t)1;
    assert_int_equal(nnlite_layer_create_advanced(&l, NULL, NULL),
                     NNLITE_EINVAL);
    assert_null(l);
}

static void test_layer_allocator(void **state)
{
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    const nnlite_layer_spec spec = {NNLITE_LAYER_DENSE, 4, 5, 0.0f};
    nnlite_layer *l = NULL;
    (void)state;
    assert_int_equal(nnlite_layer_create_advanced(&l, &spec, &a), NNLITE_OK);
    assert_int_equal(st.live, 1);
    nnlite_layer_destroy(l);
    assert_int_equal(st.live, 0);

    st = (test_alloc_state){0};
    st.fail_at = 1; /* the one allocation a layer makes */
    l = (nnlite_layer *)(uintptr_t)1;
    assert_int_equal(nnlite_layer_create_advanced(&l, &spec, &a),
                     NNLITE_ENOMEM);
    assert_null(l);
    assert_int_equal(st.live, 0);

    a.free = NULL;
    assert_int_equal(nnlite_layer_create_advanced(&l, &spec, &a),
                     NNLITE_EINVAL);
}

/* ---- forward values ---------------------------------------------------- */

/* A layer of `kind` bound to width `width` as a model would bind it. */
static nnlite_layer *make_bound(nnlite_layer_kind kind, size_t width,
                                float slope)
{
    const nnlite_layer_spec spec = {kind, width, width, slope};
    nnlite_layer *l = NULL;
    assert_int_equal(nnlite_layer_create_advanced(&l, &spec, NULL),
                     NNLITE_OK);
    l->in = l->out = width;
    return l;
}

static void test_dense_forward_hand_computed(void **state)
{
    /* W = [[1, 2, 3], [-1, 0, 0.5]], b = [0.5, -1]
     * x0 = [1, 1, 1]:  y = [1+2+3+0.5, -1+0+0.5-1] = [6.5, -1.5]
     * x1 = [2, 0, -2]: y = [2-6+0.5, -2-1-1]        = [-3.5, -4] */
    const float params[8] = {1, 2, 3, -1, 0, 0.5f, 0.5f, -1};
    const float x[6] = {1, 1, 1, 2, 0, -2};
    float y[4];
    nnlite_layer *l = NULL;
    (void)state;
    assert_int_equal(nnlite_dense_create(&l, 3, 2), NNLITE_OK);
    assert_int_equal(l->ops->param_count(l), 8);
    l->ops->forward(l, params, x, y, 2);
    assert_float_equal(y[0], 6.5f, 1e-6f);
    assert_float_equal(y[1], -1.5f, 1e-6f);
    assert_float_equal(y[2], -3.5f, 1e-6f);
    assert_float_equal(y[3], -4.0f, 1e-6f);
    nnlite_layer_destroy(l);
}

static void test_activation_forward_hand_computed(void **state)
{
    const float x[5] = {-4, -3, 0, 1.5f, 3};
    float y[5];
    nnlite_layer *l;
    (void)state;

    l = make_bound(NNLITE_LAYER_SIGMOID, 5, 0.0f);
    l->ops->forward(l, NULL, x, y, 1);
    assert_float_equal(y[2], 0.5f, 1e-7f);
    assert_float_equal(y[4], 1.0f / (1.0f + expf(-3.0f)), 1e-6f);
    assert_float_equal(y[0], 1.0f / (1.0f + expf(4.0f)), 1e-6f);
    nnlite_layer_destroy(l);

    l = make_bound(NNLITE_LAYER_RELU, 5, 0.0f);
    l->ops->forward(l, NULL, x, y, 1);
    assert_true(y[0] == 0.0f && y[1] == 0.0f && y[2] == 0.0f);
    assert_true(y[3] == 1.5f && y[4] == 3.0f);
    nnlite_layer_destroy(l);

    l = make_bound(NNLITE_LAYER_TANH, 5, 0.0f);
    l->ops->forward(l, NULL, x, y, 1);
    assert_float_equal(y[2], 0.0f, 1e-7f);
    assert_float_equal(y[3], (float)tanh(1.5), 1e-6f);
    nnlite_layer_destroy(l);

    /* clamp(x/6 + 1/2, 0, 1): -4 -> 0, -3 -> 0, 0 -> 0.5, 1.5 -> 0.75,
     * 3 -> 1 */
    l = make_bound(NNLITE_LAYER_HARD_SIGMOID, 5, 0.0f);
    l->ops->forward(l, NULL, x, y, 1);
    assert_float_equal(y[0], 0.0f, 1e-7f);
    assert_float_equal(y[1], 0.0f, 1e-7f);
    assert_float_equal(y[2], 0.5f, 1e-7f);
    assert_float_equal(y[3], 0.75f, 1e-7f);
    assert_float_equal(y[4], 1.0f, 1e-7f);
    nnlite_layer_destroy(l);

    /* slope 0.1: -4 -> -0.4, -3 -> -0.3, 0 -> 0, 1.5, 3 unchanged */
    l = make_bound(NNLITE_LAYER_LEAKY_RELU, 5, 0.1f);
    l->ops->forward(l, NULL, x, y, 1);
    assert_float_equal(y[0], -0.4f, 1e-6f);
    assert_float_equal(y[1], -0.3f, 1e-6f);
    assert_float_equal(y[2], 0.0f, 1e-7f);
    assert_float_equal(y[3], 1.5f, 1e-7f);
    nnlite_layer_destroy(l);
}

/* ---- finite-difference gradient checks --------------------------------- */

#define FD_BATCH 3
#define FD_MAX 64

/* L = sum_k c_k y_k(x, params): a fixed random weighting makes every output
 * matter; dL/dy = c. Evaluated in double over float outputs. */
static double weighted_output(const nnlite_layer *l, const float *params,
                              const float *x, const float *c, size_t n_out)
{
    float y[FD_MAX];
    double sum = 0.0;
    l->ops->forward(l, params, x, y, FD_BATCH);
    for (size_t k = 0; k < n_out; k++) {
        sum += (double)c[k] * (double)y[k];
    }
    return sum;
}

static double rel_error(double analytic, double numeric)
{
    const double scale = fmax(fabs(analytic) + fabs(numeric), 1e-2);
    return fabs(analytic - numeric) / scale;
}

/*
 * Central differences with step h against backward(). Inputs are chosen
 * at least 0.2 away from every kink (ReLU's 0, hard sigmoid's +-3), so
 * with h = 1e-2 no difference straddles one. Float forward passes leave
 * ~1e-7 / 1e-2 = 1e-5 of rounding noise in each difference, so a
 * tolerance of 2e-3 catches any wrong formula (those are off by O(1)).
 */
static double gradient_check(nnlite_layer *l, float *params, size_t n_params)
{
    const size_t n_in = FD_BATCH * l->in, n_out = FD_BATCH * l->out;
    const float h = 1e-2f;
    float x[FD_MAX], c[FD_MAX], y[FD_MAX], dx[FD_MAX], dp[FD_MAX];
    double worst = 0.0;

    assert_true(n_in <= FD_MAX && n_out <= FD_MAX && n_params <= FD_MAX);
    for (size_t i = 0; i < n_in; i++) {
        /* -2.9 .. 2.9 in steps that avoid 0 and +-3 by at least 0.2 */
        x[i] = (float)((double)((i * 7) % 12) * 0.5 - 2.75);
    }
    for (size_t k = 0; k < n_out; k++) {
        c[k] = (float)((double)((k * 5) % 9) * 0.25 - 1.0);
    }
    memset(dp, 0, sizeof(dp));
    l->ops->forward(l, params, x, y, FD_BATCH);
    l->ops->backward(l, params, x, y, c, dx, dp, FD_BATCH);

    for (size_t i = 0; i < n_in; i++) {
        const float saved = x[i];
        x[i] = saved + h;
        const double up = weighted_output(l, params, x, c, n_out);
        x[i] = saved - h;
        const double down = weighted_output(l, params, x, c, n_out);
        x[i] = saved;
        const double numeric = (up - down) / (2.0 * (double)h);
        worst = fmax(worst, rel_error((double)dx[i], numeric));
    }
    for (size_t j = 0; j < n_params; j++) {
        const float saved = params[j];
        params[j] = saved + h;
        const double up = weighted_output(l, params, x, c, n_out);
        params[j] = saved - h;
        const double down = weighted_output(l, params, x, c, n_out);
        params[j] = saved;
        const double numeric = (up - down) / (2.0 * (double)h);
        worst = fmax(worst, rel_error((double)dp[j], numeric));
    }
    return worst;
}

static void check_layer(const char *name, nnlite_layer *l, float *params,
                        size_t n_params)
{
    const double err = gradient_check(l, params, n_params);
    printf("gradient check %-13s max relative error %.2e\n", name, err);
    assert_true(err < 2e-3);
    nnlite_layer_destroy(l);
}

static void test_dense_gradient(void **state)
{
    float params[4 * 3 + 3];
    nnlite_layer *l = NULL;
    (void)state;
    assert_int_equal(nnlite_dense_create(&l, 4, 3), NNLITE_OK);
    for (size_t j = 0; j < 15; j++) {
        params[j] = (float)((double)((j * 11) % 13) * 0.15 - 0.9);
    }
    check_layer("dense", l, params, 15);
}

static void test_activation_gradients(void **state)
{
    (void)state;
    check_layer("sigmoid", make_bound(NNLITE_LAYER_SIGMOID, 4, 0.0f), NULL, 0);
    check_layer("relu", make_bound(NNLITE_LAYER_RELU, 4, 0.0f), NULL, 0);
    check_layer("tanh", make_bound(NNLITE_LAYER_TANH, 4, 0.0f), NULL, 0);
    check_layer("hard_sigmoid", make_bound(NNLITE_LAYER_HARD_SIGMOID, 4, 0.0f),
                NULL, 0);
    check_layer("leaky_relu", make_bound(NNLITE_LAYER_LEAKY_RELU, 4, 0.2f),
                NULL, 0);
}

/* The gradient check must be able to fail: a wrong backward is caught. */
static void wrong_backward(const nnlite_layer *layer, const float *params,
                           const float *x, const float *y, const float *dy,
                           float *dx, float *dparams, size_t batch)
{
    (void)params, (void)y, (void)dparams;
    for (size_t i = 0; i < batch * layer->out; i++) {
        dx[i] = x[i] > 0.0f ? dy[i] * 0.5f : 0.0f; /* half the true slope */
    }
}

static void test_gradient_check_detects_wrong_backward(void **state)
{
    nnlite_layer *l = make_bound(NNLITE_LAYER_RELU, 4, 0.0f);
    nnlite__layer_ops broken = *l->ops;
    (void)state;
    broken.backward = wrong_backward;
    l->ops = &broken;
    assert_true(gradient_check(l, NULL, 0) > 0.1);
    nnlite_layer_destroy(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layer_create_every_kind),
        cmocka_unit_test(test_layer_create_errors),
        cmocka_unit_test(test_layer_allocator),
        cmocka_unit_test(test_dense_forward_hand_computed),
        cmocka_unit_test(test_activation_forward_hand_computed),
        cmocka_unit_test(test_dense_gradient),
        cmocka_unit_test(test_activation_gradients),
        cmocka_unit_test(test_gradient_check_detects_wrong_backward),
    };
    return cmocka_run_group_tests_name("layers", tests, NULL, NULL);
}
