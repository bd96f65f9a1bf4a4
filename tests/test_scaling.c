/* The scaling layers (standardize, destandardize): construction and the
 * check twin, hand-computed passes, finite differences, the fitted
 * constructors against hand-computed means and deviations, allocation
 * failures, and the layers inside a model (width, not trainable, no
 * allocation in fit). */
#include "harness.h"

#include <math.h>
#include <string.h>

#include "compute_util.h"
#include "layer_impl.h"
#include "model_util.h"

typedef nnlite_status (*scaling_create_fn)(nnlite_layer **, size_t,
                                           const float *, const float *,
                                           const nnlite_allocator *);

/* ---- construction and the check twin ----------------------------------- */

static void test_scaling_create_and_get(void **state)
{
    const float mean[3] = {1, -2, 0.5f}, std[3] = {2, 0.5f, 4};
    const float *gm, *gs;
    size_t features;
    nnlite_layer *l = NULL;
    float again[3];
    (void)state;
    assert_int_equal(nnlite_standardize_create(&l, 3, mean, std), NNLITE_OK);
    assert_int_equal(nnlite_layer_kind_of(l), NNLITE_LAYER_STANDARDIZE);
    assert_int_equal(nnlite_layer_scaling(l, &gm, &gs, &features), NNLITE_OK);
    assert_int_equal(features, 3);
    assert_memory_equal(gm, mean, sizeof(mean));
    assert_memory_equal(gs, std, sizeof(std));
    assert_true(gm != mean && gs != std); /* copied */
    assert_int_equal(nnlite__layer_param_count(l), 0);
    nnlite_layer_destroy(l);

    memcpy(again, mean, sizeof(again));
    assert_int_equal(nnlite_destandardize_create(&l, 3, again, std),
                     NNLITE_OK);
    again[0] = 99.0f; /* the caller's array is not kept */
    assert_int_equal(nnlite_layer_kind_of(l), NNLITE_LAYER_DESTANDARDIZE);
    assert_int_equal(nnlite_layer_scaling(l, &gm, &gs, &features), NNLITE_OK);
    assert_memory_equal(gm, mean, sizeof(mean));
    assert_int_equal(nnlite_layer_scaling(l, NULL, &gs, &features),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_layer_scaling(NULL, &gm, &gs, &features),
                     NNLITE_EINVAL);
    nnlite_layer_destroy(l);

    assert_int_equal(nnlite_relu_create(&l), NNLITE_OK);
    features = 7;
    assert_int_equal(nnlite_layer_scaling(l, &gm, &gs, &features),
                     NNLITE_EINVAL);
    assert_int_equal(features, 7);
    nnlite_layer_destroy(l);
}

typedef struct scaling_case {
    size_t features;
    const float *mean, *std;
    nnlite_status status;
    const char *message;
} scaling_case;

static void test_scaling_errors_twin_agrees(void **state)
{
    static const float ok[2] = {1, 2}, nan_mean[2] = {0, NAN};
    static const float inf_mean[2] = {INFINITY, 0}, zero_std[2] = {1, 0};
    static const float neg_std[2] = {-1, 1}, inf_std[2] = {1, INFINITY};
    static const float nan_std[2] = {NAN, 1};
    const scaling_case cases[] = {
        {0, ok, ok, NNLITE_EINVAL, "features 0 must be at least 1"},
        {2, NULL, ok, NNLITE_EINVAL, "mean is NULL"},
        {2, ok, NULL, NNLITE_EINVAL, "std is NULL"},
        {2, nan_mean, ok, NNLITE_EINVAL, "mean[1] nan is not finite"},
        {2, inf_mean, ok, NNLITE_EINVAL, "mean[0] inf is not finite"},
        {2, ok, zero_std, NNLITE_EINVAL,
         "std[1] 0 is not positive and finite"},
        {2, ok, neg_std, NNLITE_EINVAL,
         "std[0] -1 is not positive and finite"},
        {2, ok, inf_std, NNLITE_EINVAL,
         "std[1] inf is not positive and finite"},
        {2, ok, nan_std, NNLITE_EINVAL,
         "std[0] nan is not positive and finite"},
        {2, ok, ok, NNLITE_OK, ""},
    };
    const scaling_create_fn makers[2] = {
        nnlite_standardize_create_advanced,
        nnlite_destandardize_create_advanced};
    char msg[128];
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const scaling_case *c = &cases[i];
        memset(msg, 'x', sizeof(msg));
        assert_int_equal(nnlite_standardize_check(c->features, c->mean,
                                                  c->std, msg, sizeof(msg)),
                         c->status);
        assert_string_equal(msg, c->message);
        for (size_t k = 0; k < 2; k++) {
            nnlite_layer *l = (nnlite_layer *)(uintptr_t)1;
            assert_int_equal(makers[k](&l, c->features, c->mean, c->std,
                                       NULL),
                             c->status);
            if (c->status == NNLITE_OK) {
                assert_non_null(l);
                nnlite_layer_destroy(l);
            } else {
                assert_null(l);
            }
        }
    }
    /* The plain constructors are the same. */
    nnlite_layer *l = NULL;
    assert_int_equal(nnlite_standardize_create(&l, 2, ok, zero_std),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_destandardize_create(&l, 2, nan_mean, ok),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_standardize_create(NULL, 2, ok, ok),
                     NNLITE_EINVAL);
    /* No message buffer; a short one truncates. */
    assert_int_equal(nnlite_standardize_check(0, ok, ok, NULL, 0),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_standardize_check(0, ok, ok, msg, 9),
                     NNLITE_EINVAL);
    assert_string_equal(msg, "features");
    /* 2 x features floats would overflow: out of memory, as dense says,
     * found before the arrays are read. */
    assert_int_equal(nnlite_standardize_check(SIZE_MAX / 2 + 1, ok, ok, msg,
                                              sizeof(msg)),
                     NNLITE_ENOMEM);
    assert_non_null(strstr(msg, "overflow"));
    l = (nnlite_layer *)(uintptr_t)1;
    assert_int_equal(nnlite_standardize_create(&l, SIZE_MAX / 2 + 1, ok, ok),
                     NNLITE_ENOMEM);
    assert_null(l);
}

/* A half-set allocator is refused; every allocation failure is clean. */
static void test_scaling_every_allocation_failure(void **state)
{
    const float mean[2] = {1, 2}, std[2] = {3, 4};
    float data[6] = {1, 2, 3, 4, 5, 7};
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    nnlite_tensor *t = NULL;
    nnlite_layer *l = NULL;
    (void)state;
    assert_int_equal(nnlite_tensor_wrap2d(&t, data, 3, 2), NNLITE_OK);
    for (int kind = 0; kind < 4; kind++) {
        size_t failures = 0;
        for (size_t n = 1;; n++) {
            nnlite_status s;
            st = (test_alloc_state){0};
            st.fail_at = n;
            l = (nnlite_layer *)(uintptr_t)1;
            switch (kind) {
            case 0:
                s = nnlite_standardize_create_advanced(&l, 2, mean, std, &a);
                break;
            case 1:
                s = nnlite_destandardize_create_advanced(&l, 2, mean, std,
                                                         &a);
                break;
            case 2:
                s = nnlite_standardize_create_fitted_advanced(&l, t, &a);
                break;
            default:
                s = nnlite_destandardize_create_fitted_advanced(&l, t, &a);
                break;
            }
            if (s == NNLITE_OK) {
                assert_int_equal(st.live, 1); /* one block, fitted too */
                nnlite_layer_destroy(l);
                break;
            }
            assert_int_equal(s, NNLITE_ENOMEM);
            assert_null(l);
            assert_int_equal(st.live, 0);
            failures++;
        }
        assert_int_equal(failures, kind < 2 ? 1 : 2); /* fitted: scratch */
        assert_int_equal(st.live, 0);
    }
    a.free = NULL;
    assert_int_equal(nnlite_standardize_create_advanced(&l, 2, mean, std, &a),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_standardize_create_fitted_advanced(&l, t, &a),
                     NNLITE_EINVAL);
    nnlite_tensor_destroy(t);
}

/* ---- hand-computed passes ---------------------------------------------- */

/*
 * mean = [1, -2], std = [2, 0.5]; x = [[3, -1], [0, -2.5]]
 * standardize:   y = [[(3-1)/2, (-1+2)/0.5], [(0-1)/2, (-2.5+2)/0.5]]
 *                  = [[1, 2], [-0.5, -1]]
 *                dx = dy / std, dy = [[1, 2], [-1, 4]]: [[0.5, 4], [-0.5, 8]]
 * destandardize: y = [[3*2+1, -1*0.5-2], [0*2+1, -2.5*0.5-2]]
 *                  = [[7, -2.5], [1, -3.25]]
 *                dx = dy * std: [[2, 1], [-2, 2]]
 * All exact in float.
 */
static void test_scaling_hand_computed(void **state)
{
    const float mean[2] = {1, -2}, std[2] = {2, 0.5f};
    const float x[4] = {3, -1, 0, -2.5f}, dy[4] = {1, 2, -1, 4};
    const float ys[4] = {1, 2, -0.5f, -1}, dxs[4] = {0.5f, 4, -0.5f, 8};
    const float yd[4] = {7, -2.5f, 1, -3.25f}, dxd[4] = {2, 1, -2, 2};
    float y[4], dx[4];
    nnlite__compute cx;
    nnlite_layer *l = NULL;
    (void)state;
    assert_true(test_compute_create(&cx, NNLITE__PATH_GENERIC, 2));
    assert_int_equal(nnlite_standardize_create(&l, 2, mean, std), NNLITE_OK);
    l->ops->forward(l, NULL, x, y, 2, &cx);
    assert_memory_equal(y, ys, sizeof(y));
    l->ops->backward(l, NULL, x, y, dy, dx, NULL, 2, &cx);
    assert_memory_equal(dx, dxs, sizeof(dx));
    nnlite_layer_destroy(l);

    assert_int_equal(nnlite_destandardize_create(&l, 2, mean, std),
                     NNLITE_OK);
    l->ops->forward(l, NULL, x, y, 2, &cx);
    assert_memory_equal(y, yd, sizeof(y));
    l->ops->backward(l, NULL, x, y, dy, dx, NULL, 2, &cx);
    assert_memory_equal(dx, dxd, sizeof(dx));
    l->ops->backward(l, NULL, x, y, dy, NULL, NULL, 2, &cx); /* first */
    nnlite_layer_destroy(l);
    test_compute_destroy(&cx);
}

/* L = sum c y; central differences against backward. Both layers are
 * affine in x, so the difference is exact up to float rounding. */
static void check_fd(const nnlite_layer *l, const nnlite__compute *cx)
{
    enum { ROWS = 3, W = 3 };
    float x[ROWS * W], c[ROWS * W], y[ROWS * W], dx[ROWS * W];
    const float h = 0.125f;
    for (size_t i = 0; i < ROWS * W; i++) {
        x[i] = (float)((double)((i * 7) % 12) * 0.5 - 2.75);
        c[i] = (float)((double)((i * 5) % 9) * 0.25 - 1.0);
    }
    l->ops->forward(l, NULL, x, y, ROWS, cx);
    l->ops->backward(l, NULL, x, y, c, dx, NULL, ROWS, cx);
    for (size_t i = 0; i < ROWS * W; i++) {
        double up = 0.0, down = 0.0;
        const float saved = x[i];
        x[i] = saved + h;
        l->ops->forward(l, NULL, x, y, ROWS, cx);
        for (size_t k = 0; k < ROWS * W; k++) {
            up += (double)c[k] * (double)y[k];
        }
        x[i] = saved - h;
        l->ops->forward(l, NULL, x, y, ROWS, cx);
        for (size_t k = 0; k < ROWS * W; k++) {
            down += (double)c[k] * (double)y[k];
        }
        x[i] = saved;
        const double numeric = (up - down) / (2.0 * (double)h);
        assert_true(fabs(numeric - (double)dx[i]) <=
                    1e-4 * fmax(1.0, fabs(numeric)));
    }
}

static void test_scaling_gradient(void **state)
{
    const float mean[3] = {0.5f, -1, 2}, std[3] = {0.25f, 3, 1.5f};
    nnlite__compute cx;
    nnlite_layer *l = NULL;
    (void)state;
    assert_true(test_compute_create(&cx, NNLITE__PATH_GENERIC, 3));
    assert_int_equal(nnlite_standardize_create(&l, 3, mean, std), NNLITE_OK);
    check_fd(l, &cx);
    nnlite_layer_destroy(l);
    assert_int_equal(nnlite_destandardize_create(&l, 3, mean, std),
                     NNLITE_OK);
    check_fd(l, &cx);
    nnlite_layer_destroy(l);
    test_compute_destroy(&cx);
}

/* ---- fitted ------------------------------------------------------------ */

/*
 * data = [[1, 5, -1], [2, 5, 1], [6, 5, 3]]
 * column 0: mean 3, deviations -2, -1, 3: sum of squares 14, population
 *           std sqrt(14 / 3) = 2.1602468994692865
 * column 1: constant 5: std 0, taken as 1
 * column 2: mean 1, deviations -2, 0, 2: std sqrt(8 / 3) = 1.632993161855452
 * (numpy.std and torch.std(unbiased=False) give the same.)
 */
static void test_scaling_fitted_hand_computed(void **state)
{
    float data[9] = {1, 5, -1, 2, 5, 1, 6, 5, 3};
    const float mean[3] = {3, 5, 1};
    const float std[3] = {(float)2.1602468994692865, 1.0f,
                          (float)1.632993161855452};
    const float *gm, *gs;
    size_t features;
    nnlite_tensor *t = NULL;
    nnlite_layer *l = NULL;
    char msg[128];
    (void)state;
    assert_int_equal(nnlite_tensor_wrap2d(&t, data, 3, 3), NNLITE_OK);
    assert_int_equal(nnlite_standardize_fitted_check(t, msg, sizeof(msg)),
                     NNLITE_OK);
    assert_string_equal(msg, "");
    assert_int_equal(nnlite_standardize_create_fitted(&l, t), NNLITE_OK);
    assert_int_equal(nnlite_layer_kind_of(l), NNLITE_LAYER_STANDARDIZE);
    assert_int_equal(nnlite_layer_scaling(l, &gm, &gs, &features), NNLITE_OK);
    assert_int_equal(features, 3);
    assert_memory_equal(gm, mean, sizeof(mean));
    assert_memory_equal(gs, std, sizeof(std));
    nnlite_layer_destroy(l);
    assert_int_equal(nnlite_destandardize_create_fitted(&l, t), NNLITE_OK);
    assert_int_equal(nnlite_layer_kind_of(l), NNLITE_LAYER_DESTANDARDIZE);
    assert_int_equal(nnlite_layer_scaling(l, &gm, &gs, &features), NNLITE_OK);
    assert_memory_equal(gm, mean, sizeof(mean));
    assert_memory_equal(gs, std, sizeof(std));
    nnlite_layer_destroy(l);
    nnlite_tensor_destroy(t);
}

/* [2^24, 2^24 + 2]: in double the mean is 2^24 + 1 (which rounds to the
 * float 2^24) and the deviation exactly 1. Summed in float, 2^25 + 2
 * would round to 2^25, giving a mean of 2^24 and a deviation of
 * sqrt(2): the test tells the two apart. */
static void test_scaling_fitted_accumulates_in_double(void **state)
{
    float data[2] = {16777216.0f, 16777218.0f};
    const float *gm, *gs;
    size_t features;
    nnlite_tensor *t = NULL;
    nnlite_layer *l = NULL;
    (void)state;
    assert_int_equal(nnlite_tensor_wrap2d(&t, data, 2, 1), NNLITE_OK);
    assert_int_equal(nnlite_standardize_create_fitted(&l, t), NNLITE_OK);
    assert_int_equal(nnlite_layer_scaling(l, &gm, &gs, &features), NNLITE_OK);
    /* mean 16777217 is not a float: it rounds (to even) to 16777216. */
    assert_true(gm[0] == 16777216.0f);
    assert_true(gs[0] == 1.0f);
    nnlite_layer_destroy(l);
    nnlite_tensor_destroy(t);
}

static void test_scaling_fitted_errors(void **state)
{
    float data[6] = {1, 2, 3, NAN, 5, 6}, flat[3] = {1, 2, 3};
    nnlite_tensor *t = NULL, *v = NULL;
    nnlite_layer *l = (nnlite_layer *)(uintptr_t)1;
    const size_t shape3[3] = {1, 1, 3};
    nnlite_tensor *r3 = NULL;
    char msg[128];
    (void)state;
    assert_int_equal(nnlite_tensor_wrap2d(&t, data, 3, 2), NNLITE_OK);
    assert_int_equal(nnlite_standardize_fitted_check(t, msg, sizeof(msg)),
                     NNLITE_ENUMERIC);
    assert_string_equal(msg, "data[1][1] nan is not finite");
    assert_int_equal(nnlite_standardize_create_fitted(&l, t),
                     NNLITE_ENUMERIC);
    assert_null(l);
    data[3] = INFINITY;
    assert_int_equal(nnlite_destandardize_create_fitted(&l, t),
                     NNLITE_ENUMERIC);
    assert_int_equal(nnlite_standardize_fitted_check(t, msg, sizeof(msg)),
                     NNLITE_ENUMERIC);
    assert_string_equal(msg, "data[1][1] inf is not finite");

    assert_int_equal(nnlite_standardize_fitted_check(NULL, msg, sizeof(msg)),
                     NNLITE_EINVAL);
    assert_string_equal(msg, "data is NULL");
    assert_int_equal(nnlite_standardize_create_fitted(&l, NULL),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_standardize_create_fitted(NULL, t),
                     NNLITE_EINVAL);

    assert_int_equal(nnlite_tensor_wrap(&v, flat, 1, (size_t[]){3}),
                     NNLITE_OK);
    assert_int_equal(nnlite_standardize_fitted_check(v, msg, sizeof(msg)),
                     NNLITE_ESHAPE);
    assert_string_equal(msg, "data has rank 1; a [rows, features] tensor "
                             "(rank 2) is needed");
    l = (nnlite_layer *)(uintptr_t)1;
    assert_int_equal(nnlite_destandardize_create_fitted(&l, v),
                     NNLITE_ESHAPE);
    assert_null(l);
    assert_int_equal(nnlite_tensor_wrap(&r3, flat, 3, shape3), NNLITE_OK);
    assert_int_equal(nnlite_standardize_create_fitted(&l, r3),
                     NNLITE_ESHAPE);
    nnlite_tensor_destroy(t);
    nnlite_tensor_destroy(v);
    nnlite_tensor_destroy(r3);
}

/* ---- inside a model ----------------------------------------------------- */

static void test_scaling_width_must_match(void **state)
{
    const float mean[3] = {0, 0, 0}, std[3] = {1, 1, 1};
    nnlite_model *m = NULL;
    nnlite_layer *l = NULL;
    (void)state;
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    assert_int_equal(nnlite_standardize_create(&l, 3, mean, std), NNLITE_OK);
    assert_int_equal(nnlite_model_add(m, l), NNLITE_ESHAPE); /* taken */
    assert_string_equal(nnlite_model_last_error(m),
                        "layer 1 (standardize) expects 3 input features "
                        "but the previous input gives 2");
    add_dense(m, 2, 2);
    assert_int_equal(nnlite_destandardize_create(&l, 3, mean, std),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_add(m, l), NNLITE_ESHAPE);
    assert_string_equal(nnlite_model_last_error(m),
                        "layer 2 (destandardize) expects 3 input features "
                        "but the previous layer gives 2");
    assert_int_equal(nnlite_model_layer_count(m), 1);
    nnlite_model_destroy(m);
}

/*
 * [standardize(mean [1, 3], std [2, 4]), dense 2 -> 1 (W = [1, -1],
 * b = 0.5), destandardize(mean [10], std [3])]:
 * x = [5, 11]: z = [2, 2]; d = 2 - 2 + 0.5 = 0.5; y = 0.5 * 3 + 10 = 11.5.
 * MSE against t = 13.5: dL/dy = 2 (y - t) = -4; dL/dd = -12;
 * dW = -12 z = [-24, -24], db = -12.
 */
static nnlite_model *make_scaled(const nnlite_allocator *a)
{
    const float in_mean[2] = {1, 3}, in_std[2] = {2, 4};
    const float out_mean[1] = {10}, out_std[1] = {3};
    nnlite_model *m = NULL;
    nnlite_layer *l = NULL;
    assert_int_equal(nnlite_model_create_advanced(&m, 2, 1, a), NNLITE_OK);
    add_created(m,
                nnlite_standardize_create_advanced(&l, 2, in_mean, in_std,
                                                   a),
                &l);
    add_dense(m, 2, 1);
    add_created(m,
                nnlite_destandardize_create_advanced(&l, 1, out_mean,
                                                     out_std, a),
                &l);
    set_mse(m);
    set_sgd(m, 0.01f, 0.0f);
    float *p = nnlite_model_params(m);
    assert_int_equal(nnlite_model_param_count(m), 3); /* the dense only */
    p[0] = 1.0f;
    p[1] = -1.0f;
    p[2] = 0.5f;
    return m;
}

static void test_scaling_in_a_model_hand_computed(void **state)
{
    float xv[2] = {5, 11}, tv[1] = {13.5f}, yv[1];
    nnlite_tensor *x = NULL, *t = NULL, *y = NULL;
    const float *gm, *gs;
    size_t features;
    float loss;
    (void)state;
    nnlite_model *m = make_scaled(NULL);
    assert_int_equal(nnlite_tensor_wrap2d(&x, xv, 1, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, tv, 1, 1), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&y, yv, 1, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_forward(m, x, y), NNLITE_OK);
    assert_true(yv[0] == 11.5f);
    assert_int_equal(nnlite_model_compute_gradients(m, x, t, &loss),
                     NNLITE_OK);
    assert_true(loss == 4.0f);
    const float *g = nnlite_model_grads(m);
    assert_true(g[0] == -24.0f && g[1] == -24.0f && g[2] == -12.0f);

    /* Training moves the dense weights only. */
    for (int i = 0; i < 5; i++) {
        assert_int_equal(nnlite_model_train_batch(m, x, t, &loss), NNLITE_OK);
    }
    assert_true(nnlite_model_params(m)[0] != 1.0f);
    const nnlite_layer *first = nnlite_model_layer(m, 0);
    assert_int_equal(nnlite_layer_scaling(first, &gm, &gs, &features),
                     NNLITE_OK);
    assert_true(features == 2 && gm[0] == 1.0f && gm[1] == 3.0f &&
                gs[0] == 2.0f && gs[1] == 4.0f);
    assert_int_equal(nnlite_layer_scaling(nnlite_model_layer(m, 2), &gm, &gs,
                                          &features),
                     NNLITE_OK);
    assert_true(features == 1 && gm[0] == 10.0f && gs[0] == 3.0f);
    assert_null(nnlite_model_layer(m, 3));
    assert_null(nnlite_model_layer(NULL, 0));
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_tensor_destroy(y);
    nnlite_model_destroy(m);
}

/* A second fit with scaling layers allocates nothing. */
static void test_scaling_fit_allocates_nothing(void **state)
{
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    float xv[12], tv[6];
    nnlite_tensor *x = NULL, *t = NULL;
    (void)state;
    for (size_t i = 0; i < 6; i++) {
        xv[2 * i] = (float)i;
        xv[2 * i + 1] = (float)(i * i) * 0.5f;
        tv[i] = 10.0f + (float)i;
    }
    assert_int_equal(nnlite_tensor_wrap2d(&x, xv, 6, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, tv, 6, 1), NNLITE_OK);
    nnlite_model *m = make_scaled(&a);
    o.epochs = 1;
    o.batch_size = 4;
    assert_int_equal(nnlite_model_fit(m, x, t, &o, NULL, NULL), NNLITE_OK);
    const size_t after_first = st.calls;
    o.epochs = 4;
    assert_int_equal(nnlite_model_fit(m, x, t, &o, NULL, NULL), NNLITE_OK);
    assert_int_equal(st.calls, after_first);
    nnlite_model_destroy(m);
    assert_int_equal(st.live, 0);
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scaling_create_and_get),
        cmocka_unit_test(test_scaling_errors_twin_agrees),
        cmocka_unit_test(test_scaling_every_allocation_failure),
        cmocka_unit_test(test_scaling_hand_computed),
        cmocka_unit_test(test_scaling_gradient),
        cmocka_unit_test(test_scaling_fitted_hand_computed),
        cmocka_unit_test(test_scaling_fitted_accumulates_in_double),
        cmocka_unit_test(test_scaling_fitted_errors),
        cmocka_unit_test(test_scaling_width_must_match),
        cmocka_unit_test(test_scaling_in_a_model_hand_computed),
        cmocka_unit_test(test_scaling_fit_allocates_nothing),
    };
    return cmocka_run_group_tests_name("scaling", tests, NULL, NULL);
}
