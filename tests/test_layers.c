/* Layers: construction and errors, hand-computed values, the dense layer
 * on every kernel path against the double-precision reference, and a
 * finite-difference check of every layer's backward pass. */
#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "compute_util.h"
#include "layer_impl.h"
#include "reference/dense_reference.h"

/* ---- construction ------------------------------------------------------ */

static void test_layer_create_every_kind(void **state)
{
    nnlite_layer *l = NULL;
    (void)state;
    assert_int_equal(nnlite_dense_create(&l, 3, 2), NNLITE_OK);
    assert_int_equal(nnlite_layer_kind_of(l), NNLITE_LAYER_DENSE);
    nnlite_layer_destroy(l);
    assert_int_equal(nnlite_sigmoid_create(&l), NNLITE_OK);
    assert_int_equal(nnlite_layer_kind_of(l), NNLITE_LAYER_SIGMOID);
    nnlite_layer_destroy(l);
    assert_int_equal(nnlite_relu_create(&l), NNLITE_OK);
    assert_int_equal(nnlite_layer_kind_of(l), NNLITE_LAYER_RELU);
    nnlite_layer_destroy(l);
    assert_int_equal(nnlite_tanh_create(&l), NNLITE_OK);
    assert_int_equal(nnlite_layer_kind_of(l), NNLITE_LAYER_TANH);
    nnlite_layer_destroy(l);
    assert_int_equal(nnlite_hard_sigmoid_create(&l), NNLITE_OK);
    assert_int_equal(nnlite_layer_kind_of(l), NNLITE_LAYER_HARD_SIGMOID);
    nnlite_layer_destroy(l);
    assert_int_equal(nnlite_leaky_relu_create(&l, 0.01f), NNLITE_OK);
    assert_int_equal(nnlite_layer_kind_of(l), NNLITE_LAYER_LEAKY_RELU);
    nnlite_layer_destroy(l);
    nnlite_layer_destroy(NULL);
    assert_int_equal(nnlite_layer_kind_of(NULL), 0);
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

/* Every invalid argument of the spec-based constructors: the check twin
 * gives the status the constructor returns and names the argument. */
typedef struct spec_case {
    nnlite_layer_spec spec;
    nnlite_status status;
    const char *message;
} spec_case;

static void test_layer_check_twins(void **state)
{
    const spec_case cases[] = {
        {{NNLITE_LAYER_DENSE, 0, 4, 0.0f}, NNLITE_EINVAL,
         "in_features 0 must be at least 1"},
        {{NNLITE_LAYER_DENSE, 4, 0, 0.0f}, NNLITE_EINVAL,
         "out_features 0 must be at least 1"},
        {{NNLITE_LAYER_DENSE, SIZE_MAX / 2, 3, 0.0f}, NNLITE_ENOMEM,
         "needs more memory than can be addressed"},
        {{NNLITE_LAYER_LEAKY_RELU, 0, 0, NAN}, NNLITE_EINVAL,
         "slope nan is not finite"},
        {{NNLITE_LAYER_LEAKY_RELU, 0, 0, -INFINITY}, NNLITE_EINVAL,
         "slope -inf is not finite"},
        {{(nnlite_layer_kind)99, 1, 1, 0.0f}, NNLITE_EINVAL,
         "layer kind 99 is unknown"},
        {{(nnlite_layer_kind)0, 1, 1, 0.0f}, NNLITE_EINVAL,
         "layer kind 0 is unknown"},
        {{NNLITE_LAYER_DROPOUT, 1, 1, 0.0f}, NNLITE_EINVAL,
         "layer kind 7 (dropout) cannot be described by a "
         "nnlite_layer_spec; use its own _create_advanced()"},
        {{NNLITE_LAYER_STANDARDIZE, 1, 1, 0.0f}, NNLITE_EINVAL,
         "layer kind 8 (standardize) cannot"},
        {{NNLITE_LAYER_DESTANDARDIZE, 1, 1, 0.0f}, NNLITE_EINVAL,
         "layer kind 9 (destandardize) cannot"},
        {{NNLITE_LAYER_DENSE, 3, 2, 0.0f}, NNLITE_OK, ""},
        {{NNLITE_LAYER_LEAKY_RELU, 0, 0, -0.5f}, NNLITE_OK, ""},
        {{NNLITE_LAYER_TANH, 0, 0, NAN}, NNLITE_OK, ""}, /* unused */
    };
    char msg[128];
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const spec_case *c = &cases[i];
        nnlite_layer *l = (nnlite_layer *)(uintptr_t)1;
        memset(msg, 'x', sizeof(msg));
        assert_int_equal(nnlite_layer_spec_check(&c->spec, msg, sizeof(msg)),
                         c->status);
        if (c->message[0] == '\0') {
            assert_string_equal(msg, "");
        } else {
            assert_non_null(strstr(msg, c->message));
        }
        assert_int_equal(nnlite_layer_create_advanced(&l, &c->spec, NULL),
                         c->status);
        if (c->status == NNLITE_OK) {
            assert_int_equal(nnlite_layer_kind_of(l), c->spec.kind);
            nnlite_layer_destroy(l);
        } else {
            assert_null(l);
        }
        /* The per-kind twins agree with the spec's. */
        if (c->spec.kind == NNLITE_LAYER_DENSE) {
            char twin[128];
            assert_int_equal(nnlite_dense_check(c->spec.in_features,
                                                c->spec.out_features, twin,
                                                sizeof(twin)),
                             c->status);
            assert_string_equal(twin, msg);
        } else if (c->spec.kind == NNLITE_LAYER_LEAKY_RELU) {
            char twin[128];
            assert_int_equal(nnlite_leaky_relu_check(c->spec.slope, twin,
                                                     sizeof(twin)),
                             c->status);
            assert_string_equal(twin, msg);
        }
    }
    assert_int_equal(nnlite_layer_spec_check(NULL, msg, sizeof(msg)),
                     NNLITE_EINVAL);
    assert_string_equal(msg, "spec is NULL");
    /* No buffer, and a buffer that truncates. */
    assert_int_equal(nnlite_dense_check(0, 1, NULL, 0), NNLITE_EINVAL);
    assert_int_equal(nnlite_dense_check(0, 1, msg, 6), NNLITE_EINVAL);
    assert_string_equal(msg, "in_fe");
    assert_int_equal(nnlite_leaky_relu_check(0.01f, msg, sizeof(msg)),
                     NNLITE_OK);
    assert_string_equal(msg, "");
}

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

/* ---- dense: hand-computed values on every kernel path ----------------- */

/* The statement after it runs once per kernel path this CPU has, with cx
 * ready for layers up to `width` wide (the statement destroys it);
 * `paths` counts the runs. */
#define FOR_EACH_PATH(cx, width, paths)                                      \
    for (int path_ = 0; path_ < NNLITE__PATH_COUNT; path_++)                \
        if (test_compute_create(&(cx), path_, (width)) && ++(paths))

/*
 * W = [[1, 2, 3], [-1, 0, 0.5]], b = [0.5, -1]
 * x0 = [1, 1, 1]:  y = [1+2+3+0.5, -1+0+0.5-1] = [6.5, -1.5]
 * x1 = [2, 0, -2]: y = [2-6+0.5, -2-1-1]        = [-3.5, -4]
 * With dy0 = [1, 2], dy1 = [-1, 0.5]:
 *   dW[0] = 1 x0 - 1 x1 = [-1, 1, 3]; dW[1] = 2 x0 + 0.5 x1 = [3, 2, 1]
 *   db = [1 - 1, 2 + 0.5] = [0, 2.5]
 *   dx0 = 1 W[0] + 2 W[1] = [-1, 2, 4]
 *   dx1 = -1 W[0] + 0.5 W[1] = [-1.5, -2, -2.75]
 * The rows repeated `copies` times: y and dx repeat, dW and db scale.
 * Two rows run the per-sample loops, four and more the GEMM.
 */
static void check_hand_dense(const nnlite__compute *cx, size_t copies)
{
    const float params[8] = {1, 2, 3, -1, 0, 0.5f, 0.5f, -1};
    const float x2[6] = {1, 1, 1, 2, 0, -2}, dy2[4] = {1, 2, -1, 0.5f};
    const float y2[4] = {6.5f, -1.5f, -3.5f, -4.0f};
    const float dx2[6] = {-1, 2, 4, -1.5f, -2, -2.75f};
    const float dp1[8] = {-1, 1, 3, 3, 2, 1, 0, 2.5f};
    float x[24], dy[16], y[16], dx[24], dp[8];
    const size_t rows = 2 * copies;
    nnlite_layer *l = NULL;
    assert_true(rows <= 8);
    for (size_t c = 0; c < copies; c++) {
        memcpy(x + 6 * c, x2, sizeof(x2));
        memcpy(dy + 4 * c, dy2, sizeof(dy2));
    }
    assert_int_equal(nnlite_dense_create(&l, 3, 2), NNLITE_OK);
    assert_int_equal(nnlite__layer_param_count(l), 8);
    l->ops->forward(l, params, x, y, rows, cx);
    for (size_t i = 0; i < 2 * rows; i++) {
        assert_float_equal(y[i], y2[i % 4], 1e-6f);
    }
    for (size_t i = 0; i < 8; i++) {
        dp[i] = NAN; /* backward overwrites its gradients */
    }
    l->ops->backward(l, params, x, y, dy, dx, dp, rows, cx);
    for (size_t i = 0; i < 3 * rows; i++) {
        assert_float_equal(dx[i], dx2[i % 6], 1e-6f);
    }
    for (size_t i = 0; i < 8; i++) {
        assert_float_equal(dp[i], (float)copies * dp1[i], 1e-6f);
    }
    nnlite_layer_destroy(l);
}

/* 17 inputs (the GEMV's width and up): x[n] all n + 1, W[0] all 1,
 * W[1] all -0.5, b = [0.5, 1]: y[n] = [0.5 + 17 (n+1), 1 - 8.5 (n+1)]. */
static void check_hand_wide_forward(const nnlite__compute *cx, size_t rows)
{
    enum { IN = 17 };
    float params[2 * IN + 2], x[5 * IN], y[10];
    nnlite_layer *l = NULL;
    assert_true(rows <= 5);
    for (size_t i = 0; i < IN; i++) {
        params[i] = 1.0f;
        params[IN + i] = -0.5f;
    }
    params[2 * IN] = 0.5f;
    params[2 * IN + 1] = 1.0f;
    for (size_t n = 0; n < rows; n++) {
        for (size_t i = 0; i < IN; i++) {
            x[n * IN + i] = (float)(n + 1);
        }
    }
    assert_int_equal(nnlite_dense_create(&l, IN, 2), NNLITE_OK);
    l->ops->forward(l, params, x, y, rows, cx);
    for (size_t n = 0; n < rows; n++) {
        assert_float_equal(y[2 * n], 0.5f + 17.0f * (float)(n + 1), 0.0f);
        assert_float_equal(y[2 * n + 1], 1.0f - 8.5f * (float)(n + 1), 0.0f);
    }
    nnlite_layer_destroy(l);
}

static void test_dense_hand_computed_every_path(void **state)
{
    nnlite__compute cx;
    size_t paths = 0;
    (void)state;
    FOR_EACH_PATH(cx, 17, paths)
    {
        check_hand_dense(&cx, 1); /* two rows: per-sample loops */
        check_hand_dense(&cx, 2); /* four rows: the GEMM */
        check_hand_dense(&cx, 4);
        check_hand_wide_forward(&cx, 1); /* GEMV */
        check_hand_wide_forward(&cx, 3);
        check_hand_wide_forward(&cx, 5); /* GEMM */
        test_compute_destroy(&cx);
    }
    assert_true(paths >= 1); /* the portable path always exists */
}

/* ---- dense: every path against the double-precision reference -------- */

static float next_value(uint64_t *s) /* [-1, 1) */
{
    *s = *s * 6364136223846793005u + 1442695040888963407u;
    return (float)(*s >> 40) / 8388608.0f - 1.0f;
}

/* |got - exact| within 8 eps sqrt(k + 1) times the sum of |terms|: the
 * typical growth of a float sum's rounding error, with a margin. */
static void assert_close(float got, float exact, double magnitude, size_t k,
                         const char *what, size_t index)
{
    const double tol =
        8.0 * 1.1920929e-7 * sqrt((double)k + 1.0) * magnitude + 1e-30;
    if (fabs((double)got - (double)exact) > tol) {
        fail_msg("%s[%zu]: got %.9g, the reference %.9g (tolerance %.3g)",
                 what, index, (double)got, (double)exact, tol);
    }
}

/* One layer shape on one path: forward, then backward with and without
 * dx, against the reference; gradients start as NaN (overwritten). */
static void check_dense_shape(const nnlite__compute *cx, size_t in,
                              size_t out, size_t batch, uint64_t *seed)
{
    const size_t np = in * out + out;
    float *p = test_malloc(np * sizeof(float));
    float *x = test_malloc(batch * in * sizeof(float));
    float *dy = test_malloc(batch * out * sizeof(float));
    float *y = test_malloc(batch * out * sizeof(float));
    float *ry = test_malloc(batch * out * sizeof(float));
    float *dx = test_malloc(batch * in * sizeof(float));
    float *rdx = test_malloc(batch * in * sizeof(float));
    float *dp = test_malloc(np * sizeof(float));
    float *rdp = test_malloc(np * sizeof(float));
    double *my = test_malloc(batch * out * sizeof(double));
    double *mdx = test_malloc(batch * in * sizeof(double));
    double *mdp = test_malloc(np * sizeof(double));
    nnlite_layer *l = NULL;
    for (size_t i = 0; i < np; i++) {
        p[i] = next_value(seed);
    }
    for (size_t i = 0; i < batch * in; i++) {
        x[i] = next_value(seed);
    }
    for (size_t i = 0; i < batch * out; i++) {
        dy[i] = i % 3 == 0 ? 0.0f : next_value(seed); /* ReLU-like zeros */
    }
    assert_int_equal(nnlite_dense_create(&l, in, out), NNLITE_OK);
    reference_dense_forward(p, x, ry, in, out, batch);
    reference_dense_backward(p, x, dy, rdx, rdp, in, out, batch);
    reference_dense_magnitudes(p, x, dy, my, mdp, mdx, in, out, batch);

    l->ops->forward(l, p, x, y, batch, cx);
    for (size_t i = 0; i < batch * out; i++) {
        assert_close(y[i], ry[i], my[i], in, "y", i);
    }
    for (int with_dx = 0; with_dx < 2; with_dx++) {
        for (size_t i = 0; i < np; i++) {
            dp[i] = NAN;
        }
        l->ops->backward(l, p, x, y, dy, with_dx ? dx : NULL, dp, batch,
                         cx);
        for (size_t i = 0; i < np; i++) {
            assert_close(dp[i], rdp[i], mdp[i], batch, "dparams", i);
        }
    }
    for (size_t i = 0; i < batch * in; i++) {
        assert_close(dx[i], rdx[i], mdx[i], out, "dx", i);
    }
    nnlite_layer_destroy(l);
    test_free(p);
    test_free(x);
    test_free(dy);
    test_free(y);
    test_free(ry);
    test_free(dx);
    test_free(rdx);
    test_free(dp);
    test_free(rdp);
    test_free(my);
    test_free(mdx);
    test_free(mdp);
}

/* Input widths on both sides of the per-sample loop / GEMV boundary (16)
 * and past one GEMM reduction block, batches on both sides of the GEMM
 * boundary (4). */
static void test_dense_matches_reference_every_path(void **state)
{
    static const size_t ins[] = {1, 3, 15, 16, 17, 40, 300};
    static const size_t outs[] = {1, 5, 33};
    static const size_t batches[] = {1, 2, 3, 4, 5, 9, 64};
    nnlite__compute cx;
    size_t paths = 0;
    uint64_t seed = 11;
    (void)state;
    FOR_EACH_PATH(cx, 300, paths)
    {
        for (size_t a = 0; a < sizeof(ins) / sizeof(ins[0]); a++) {
            for (size_t b = 0; b < sizeof(outs) / sizeof(outs[0]); b++) {
                for (size_t c = 0; c < sizeof(batches) / sizeof(batches[0]);
                     c++) {
                    check_dense_shape(&cx, ins[a], outs[b], batches[c],
                                      &seed);
                }
            }
        }
        test_compute_destroy(&cx);
    }
    assert_true(paths >= 1);
}

/* ---- activations: hand-computed values --------------------------------- */

static void test_activation_forward_hand_computed(void **state)
{
    const float x[5] = {-4, -3, 0, 1.5f, 3};
    float y[5];
    nnlite_layer *l;
    (void)state;

    l = make_bound(NNLITE_LAYER_SIGMOID, 5, 0.0f);
    l->ops->forward(l, NULL, x, y, 1, NULL);
    assert_float_equal(y[2], 0.5f, 1e-7f);
    assert_float_equal(y[4], 1.0f / (1.0f + expf(-3.0f)), 1e-6f);
    assert_float_equal(y[0], 1.0f / (1.0f + expf(4.0f)), 1e-6f);
    nnlite_layer_destroy(l);

    l = make_bound(NNLITE_LAYER_RELU, 5, 0.0f);
    l->ops->forward(l, NULL, x, y, 1, NULL);
    assert_true(y[0] == 0.0f && y[1] == 0.0f && y[2] == 0.0f);
    assert_true(y[3] == 1.5f && y[4] == 3.0f);
    nnlite_layer_destroy(l);

    l = make_bound(NNLITE_LAYER_TANH, 5, 0.0f);
    l->ops->forward(l, NULL, x, y, 1, NULL);
    assert_float_equal(y[2], 0.0f, 1e-7f);
    assert_float_equal(y[3], (float)tanh(1.5), 1e-6f);
    nnlite_layer_destroy(l);

    /* clamp(x/6 + 1/2, 0, 1): -4 -> 0, -3 -> 0, 0 -> 0.5, 1.5 -> 0.75,
     * 3 -> 1 */
    l = make_bound(NNLITE_LAYER_HARD_SIGMOID, 5, 0.0f);
    l->ops->forward(l, NULL, x, y, 1, NULL);
    assert_float_equal(y[0], 0.0f, 1e-7f);
    assert_float_equal(y[1], 0.0f, 1e-7f);
    assert_float_equal(y[2], 0.5f, 1e-7f);
    assert_float_equal(y[3], 0.75f, 1e-7f);
    assert_float_equal(y[4], 1.0f, 1e-7f);
    nnlite_layer_destroy(l);

    /* slope 0.1: -4 -> -0.4, -3 -> -0.3, 0 -> 0, 1.5, 3 unchanged */
    l = make_bound(NNLITE_LAYER_LEAKY_RELU, 5, 0.1f);
    l->ops->forward(l, NULL, x, y, 1, NULL);
    assert_float_equal(y[0], -0.4f, 1e-6f);
    assert_float_equal(y[1], -0.3f, 1e-6f);
    assert_float_equal(y[2], 0.0f, 1e-7f);
    assert_float_equal(y[3], 1.5f, 1e-7f);
    nnlite_layer_destroy(l);
}

/* ---- finite-difference gradient checks --------------------------------- */

#define FD_MAX 256

/* L = sum_k c_k y_k(x, params): a fixed random weighting makes every output
 * matter; dL/dy = c. Evaluated in double over float outputs. */
static double weighted_output(const nnlite_layer *l, const float *params,
                              const float *x, const float *c, size_t batch,
                              const nnlite__compute *cx)
{
    float y[FD_MAX];
    double sum = 0.0;
    l->ops->forward(l, params, x, y, batch, cx);
    for (size_t k = 0; k < batch * l->out; k++) {
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
 * Central differences with step h against backward(), over `batch` rows.
 * Inputs are chosen at least 0.2 away from every kink (ReLU's 0, hard
 * sigmoid's +-3), so with h = 1e-2 no difference straddles one. Float
 * forward passes leave ~1e-7 / 1e-2 = 1e-5 of rounding noise in each
 * difference, so a tolerance of 2e-3 catches any wrong formula (those are
 * off by O(1)). A dense layer is linear in its input and its parameters,
 * so any step is exact there: a large one keeps the noise of its wide
 * float sums far below the tolerance.
 */
static double gradient_check(nnlite_layer *l, float *params, size_t n_params,
                             size_t batch, float h,
                             const nnlite__compute *cx)
{
    const size_t n_in = batch * l->in, n_out = batch * l->out;
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
    l->ops->forward(l, params, x, y, batch, cx);
    l->ops->backward(l, params, x, y, c, dx, dp, batch, cx);

    for (size_t i = 0; i < n_in; i++) {
        const float saved = x[i];
        x[i] = saved + h;
        const double up = weighted_output(l, params, x, c, batch, cx);
        x[i] = saved - h;
        const double down = weighted_output(l, params, x, c, batch, cx);
        x[i] = saved;
        const double numeric = (up - down) / (2.0 * (double)h);
        worst = fmax(worst, rel_error((double)dx[i], numeric));
    }
    for (size_t j = 0; j < n_params; j++) {
        const float saved = params[j];
        params[j] = saved + h;
        const double up = weighted_output(l, params, x, c, batch, cx);
        params[j] = saved - h;
        const double down = weighted_output(l, params, x, c, batch, cx);
        params[j] = saved;
        const double numeric = (up - down) / (2.0 * (double)h);
        worst = fmax(worst, rel_error((double)dp[j], numeric));
    }
    return worst;
}

static void check_gradient(const char *name, nnlite_layer *l, float *params,
                           size_t n_params, size_t batch, float h,
                           const nnlite__compute *cx)
{
    const double err = gradient_check(l, params, n_params, batch, h, cx);
    print_message("gradient check %-13s %s, batch %zu: max relative error "
                  "%.2e\n",
                  name, cx->kernels->name, batch, err);
    assert_true(err < 2e-3);
}

/* Dense layers narrow (per-sample loops) and wide (GEMV), one to five
 * rows (the GEMM from four), on every path. */
static void test_dense_gradient(void **state)
{
    static const size_t ins[] = {4, 20};
    float params[20 * 3 + 3];
    nnlite__compute cx;
    size_t paths = 0;
    (void)state;
    FOR_EACH_PATH(cx, 20, paths)
    {
        for (size_t a = 0; a < 2; a++) {
            const size_t in = ins[a], count = in * 3 + 3;
            nnlite_layer *l = NULL;
            assert_int_equal(nnlite_dense_create(&l, in, 3), NNLITE_OK);
            for (size_t j = 0; j < count; j++) {
                params[j] = (float)((double)((j * 11) % 13) * 0.15 - 0.9);
            }
            for (size_t batch = 1; batch <= 5; batch += 2) {
                check_gradient("dense", l, params, count, batch, 0.25f,
                               &cx);
            }
            nnlite_layer_destroy(l);
        }
        test_compute_destroy(&cx);
    }
    assert_true(paths >= 1);
}

static void check_activation(const char *name, nnlite_layer *l,
                             const nnlite__compute *cx)
{
    check_gradient(name, l, NULL, 0, 3, 1e-2f, cx);
    nnlite_layer_destroy(l);
}

static void test_activation_gradients(void **state)
{
    nnlite__compute cx;
    (void)state;
    assert_true(test_compute_create(&cx, NNLITE__PATH_GENERIC, 4));
    check_activation("sigmoid", make_bound(NNLITE_LAYER_SIGMOID, 4, 0.0f),
                     &cx);
    check_activation("relu", make_bound(NNLITE_LAYER_RELU, 4, 0.0f), &cx);
    check_activation("tanh", make_bound(NNLITE_LAYER_TANH, 4, 0.0f), &cx);
    check_activation("hard_sigmoid",
                     make_bound(NNLITE_LAYER_HARD_SIGMOID, 4, 0.0f), &cx);
    check_activation("leaky_relu",
                     make_bound(NNLITE_LAYER_LEAKY_RELU, 4, 0.2f), &cx);
    test_compute_destroy(&cx);
}

/* The gradient check must be able to fail: a wrong backward is caught. */
static void wrong_backward(const nnlite_layer *layer, const float *params,
                           const float *x, const float *y, const float *dy,
                           float *dx, float *dparams, size_t batch,
                           const nnlite__compute *cx)
{
    (void)params, (void)y, (void)dparams, (void)cx;
    for (size_t i = 0; i < batch * layer->out; i++) {
        dx[i] = x[i] > 0.0f ? dy[i] * 0.5f : 0.0f; /* half the true slope */
    }
}

static void test_gradient_check_detects_wrong_backward(void **state)
{
    nnlite_layer *l = make_bound(NNLITE_LAYER_RELU, 4, 0.0f);
    nnlite__layer_ops broken = *l->ops;
    nnlite__compute cx;
    (void)state;
    assert_true(test_compute_create(&cx, NNLITE__PATH_GENERIC, 4));
    broken.backward = wrong_backward;
    l->ops = &broken;
    assert_true(gradient_check(l, NULL, 0, 3, 1e-2f, &cx) > 0.1);
    nnlite_layer_destroy(l);
    test_compute_destroy(&cx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layer_create_every_kind),
        cmocka_unit_test(test_layer_create_errors),
        cmocka_unit_test(test_layer_allocator),
        cmocka_unit_test(test_layer_check_twins),
        cmocka_unit_test(test_dense_hand_computed_every_path),
        cmocka_unit_test(test_dense_matches_reference_every_path),
        cmocka_unit_test(test_activation_forward_hand_computed),
        cmocka_unit_test(test_dense_gradient),
        cmocka_unit_test(test_activation_gradients),
        cmocka_unit_test(test_gradient_check_detects_wrong_backward),
    };
    return cmocka_run_group_tests_name("layers", tests, NULL, NULL);
}
