/* Losses: creation and allocator hooks, hand-computed values and gradients
 * for MAE, MSE, Huber and every form of cross-entropy, Huber's delta and
 * its check twin, numerical stability, every
 * error path, and a finite-difference gradient check per loss. */
#include "harness.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* A value that no loss produces here: outputs still holding it were not
 * written. */
#define SENTINEL 42.0f

/* Fail at the caller's line when |actual - expected| > tol (in double, so
 * the check itself adds no float rounding). */
static void check_near(double actual, double expected, double tol,
                       const char *what, const char *file, int line)
{
    if (!(fabs(actual - expected) <= tol)) {
        print_error("%s = %.9g, expected %.9g (tolerance %.3g)\n", what,
                    actual, expected, tol);
        _fail(file, line);
    }
}

#define CHECK_NEAR(actual, expected, tol)                                    \
    check_near((double)(actual), (double)(expected), (double)(tol),          \
               #actual, __FILE__, __LINE__)

/* Wrap the arrays as pred [rows, cols], target [rows, tcols] and (unless
 * NULL) grad [rows, cols], then compute. */
static nnlite_status compute(nnlite_loss *loss, float *pred, size_t rows,
                             size_t cols, float *target, size_t tcols,
                             float *value, float *grad)
{
    nnlite_tensor *p = NULL, *t = NULL, *g = NULL;
    nnlite_status s;
    assert_int_equal(nnlite_tensor_wrap2d(&p, pred, rows, cols), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, target, rows, tcols),
                     NNLITE_OK);
    if (grad != NULL) {
        assert_int_equal(nnlite_tensor_wrap2d(&g, grad, rows, cols),
                         NNLITE_OK);
    }
    s = nnlite_loss_compute(loss, p, t, value, g);
    nnlite_tensor_destroy(p);
    nnlite_tensor_destroy(t);
    nnlite_tensor_destroy(g);
    return s;
}

static void fill(float *a, size_t n, float v)
{
    for (size_t i = 0; i < n; i++) {
        a[i] = v;
    }
}

/* ---- fixtures: one loss of each kind in *state ---- */

static int setup_mae(void **state)
{
    nnlite_loss *l = NULL;
    if (nnlite_loss_mae_create(&l) != NNLITE_OK) {
        return -1;
    }
    *state = l;
    return 0;
}

static int setup_mse(void **state)
{
    nnlite_loss *l = NULL;
    if (nnlite_loss_mse_create(&l) != NNLITE_OK) {
        return -1;
    }
    *state = l;
    return 0;
}

static int setup_ce(void **state)
{
    nnlite_loss *l = NULL;
    if (nnlite_loss_cross_entropy_create(&l) != NNLITE_OK) {
        return -1;
    }
    *state = l;
    return 0;
}

/* delta 0.75: the gradient-check points lie on both sides of it. */
static int setup_huber(void **state)
{
    nnlite_loss *l = NULL;
    if (nnlite_loss_huber_create(&l, 0.75f) != NNLITE_OK) {
        return -1;
    }
    *state = l;
    return 0;
}

static int teardown_loss(void **state)
{
    nnlite_loss_destroy(*state);
    return 0;
}

/* ---- creation ---- */

static const nnlite_loss_kind every_kind[4] = {
    NNLITE_LOSS_MAE, NNLITE_LOSS_MSE, NNLITE_LOSS_CROSS_ENTROPY,
    NNLITE_LOSS_HUBER};

static void test_loss_create_every_kind(void **state)
{
    nnlite_loss *l = NULL;
    (void)state;
    assert_int_equal(nnlite_loss_mae_create(&l), NNLITE_OK);
    assert_non_null(l);
    assert_int_equal(nnlite_loss_kind_of(l), NNLITE_LOSS_MAE);
    assert_string_equal(nnlite_loss_last_error(l), "");
    nnlite_loss_destroy(l);
    l = NULL;
    assert_int_equal(nnlite_loss_mse_create(&l), NNLITE_OK);
    assert_int_equal(nnlite_loss_kind_of(l), NNLITE_LOSS_MSE);
    nnlite_loss_destroy(l);
    l = NULL;
    assert_int_equal(nnlite_loss_cross_entropy_create(&l), NNLITE_OK);
    assert_int_equal(nnlite_loss_kind_of(l), NNLITE_LOSS_CROSS_ENTROPY);
    nnlite_loss_destroy(l);
    for (size_t k = 0; k < 4; k++) {
        l = NULL;
        assert_int_equal(nnlite_loss_create_advanced(&l, every_kind[k], NULL),
                         NNLITE_OK);
        assert_int_equal(nnlite_loss_kind_of(l), every_kind[k]);
        /* Huber gets PyTorch's default delta 1; the others none. */
        assert_true(nnlite_loss_huber_delta(l) ==
                    (every_kind[k] == NNLITE_LOSS_HUBER ? 1.0f : 0.0f));
        nnlite_loss_destroy(l);
    }
    l = NULL;
    assert_int_equal(nnlite_loss_huber_create(&l, 0.25f), NNLITE_OK);
    assert_int_equal(nnlite_loss_kind_of(l), NNLITE_LOSS_HUBER);
    assert_true(nnlite_loss_huber_delta(l) == 0.25f);
    nnlite_loss_destroy(l);
}

static void test_loss_create_advanced_uses_allocator(void **state)
{
    (void)state;
    for (size_t k = 0; k < 3; k++) {
        test_alloc_state st = {0};
        nnlite_allocator a = test_allocator(&st);
        nnlite_loss *l = NULL;
        assert_int_equal(nnlite_loss_create_advanced(&l, every_kind[k], &a),
                         NNLITE_OK);
        assert_non_null(l);
        assert_int_equal(nnlite_loss_kind_of(l), every_kind[k]);
        /* A loss is one block; computing allocates nothing. */
        assert_int_equal(st.calls, 1);
        assert_int_equal(st.live, 1);
        float p[2] = {1.0f, 0.0f}, t[2] = {0.0f, 1.0f}, v = 0.0f, g[2];
        size_t tcols = every_kind[k] == NNLITE_LOSS_CROSS_ENTROPY ? 1 : 2;
        assert_int_equal(compute(l, p, 1, 2, t, tcols, &v, g), NNLITE_OK);
        assert_int_equal(st.calls, 1);
        nnlite_loss_destroy(l);
        assert_int_equal(st.frees, 1);
        assert_int_equal(st.live, 0);
    }
}

static void test_loss_create_errors(void **state)
{
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    nnlite_loss *l;
    (void)state;
    assert_int_equal(nnlite_loss_create_advanced(NULL, NNLITE_LOSS_MSE, NULL),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_loss_mae_create(NULL), NNLITE_EINVAL);
    assert_int_equal(nnlite_loss_mse_create(NULL), NNLITE_EINVAL);
    assert_int_equal(nnlite_loss_cross_entropy_create(NULL), NNLITE_EINVAL);

    assert_int_equal(nnlite_loss_huber_create(NULL, 1.0f), NNLITE_EINVAL);

    const int unknown[3] = {0, 5, -1};
    for (size_t i = 0; i < 3; i++) {
        l = (nnlite_loss *)(uintptr_t)0x1;
        assert_int_equal(nnlite_loss_create_advanced(
                             &l, (nnlite_loss_kind)unknown[i], &a),
                         NNLITE_EINVAL);
        assert_null(l);
    }

    /* Half-set allocators: rejected before anything is allocated. */
    a.free = NULL;
    l = (nnlite_loss *)(uintptr_t)0x1;
    assert_int_equal(nnlite_loss_create_advanced(&l, NNLITE_LOSS_MAE, &a),
                     NNLITE_EINVAL);
    assert_null(l);
    a = test_allocator(&st);
    a.alloc = NULL;
    l = (nnlite_loss *)(uintptr_t)0x1;
    assert_int_equal(nnlite_loss_create_advanced(&l, NNLITE_LOSS_MSE, &a),
                     NNLITE_EINVAL);
    assert_null(l);
    assert_int_equal(st.calls, 0);
}

static void test_loss_create_out_of_memory(void **state)
{
    (void)state;
    /* Fail the 1st, 2nd, ... allocation until creation succeeds: every
     * failure must be ENOMEM with *out NULL and nothing live. */
    for (size_t k = 0; k < 4; k++) {
        size_t n;
        for (n = 1; n <= 8; n++) {
            test_alloc_state st = {0};
            nnlite_allocator a = test_allocator(&st);
            nnlite_loss *l = (nnlite_loss *)(uintptr_t)0x1;
            st.fail_at = n;
            nnlite_status s =
                nnlite_loss_create_advanced(&l, every_kind[k], &a);
            if (s == NNLITE_OK) {
                assert_non_null(l);
                nnlite_loss_destroy(l);
                assert_int_equal(st.live, 0);
                break;
            }
            assert_int_equal(s, NNLITE_ENOMEM);
            assert_null(l);
            assert_int_equal(st.live, 0);
        }
        /* A loss is one allocation: fail_at = 1 fails, 2 succeeds. */
        assert_int_equal(n, 2);
    }
}

static void test_loss_null_handles(void **state)
{
    float p[2] = {0}, t[2] = {0}, v = SENTINEL;
    nnlite_tensor *pt = NULL, *tt = NULL;
    (void)state;
    nnlite_loss_destroy(NULL);
    assert_int_equal(nnlite_loss_kind_of(NULL), 0);
    assert_true(nnlite_loss_huber_delta(NULL) == 0.0f);
    assert_non_null(nnlite_loss_last_error(NULL));
    assert_string_equal(nnlite_loss_last_error(NULL), "");
    assert_int_equal(nnlite_tensor_wrap2d(&pt, p, 1, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&tt, t, 1, 2), NNLITE_OK);
    assert_int_equal(nnlite_loss_compute(NULL, pt, tt, &v, NULL),
                     NNLITE_EINVAL);
    assert_true(v == SENTINEL);
    nnlite_tensor_destroy(pt);
    nnlite_tensor_destroy(tt);
}

/* ---- MAE and MSE on a [2, 3] example ----
 *
 *   pred   =  1   2   3 | -1   0   0.5
 *   target =  0   4   3 |  1   0  -1.5
 *   d      =  1  -2   0 | -2   0   2
 */
static float ex_pred[6] = {1.0f, 2.0f, 3.0f, -1.0f, 0.0f, 0.5f};
static float ex_target[6] = {0.0f, 4.0f, 3.0f, 1.0f, 0.0f, -1.5f};

static void test_loss_mae_value_and_gradient(void **state)
{
    nnlite_loss *l = *state;
    float v = SENTINEL, g[6];
    fill(g, 6, SENTINEL);
    /* |d| = 1 2 0 2 0 2, sum 7, mean over 6 elements: 7/6. */
    assert_int_equal(compute(l, ex_pred, 2, 3, ex_target, 3, &v, g),
                     NNLITE_OK);
    CHECK_NEAR(v, 7.0 / 6.0, 1e-6);
    /* sign(d)/6, and 0 where pred == target (elements 2 and 4). */
    const double want[6] = {1.0 / 6, -1.0 / 6, 0.0, -1.0 / 6, 0.0, 1.0 / 6};
    for (size_t i = 0; i < 6; i++) {
        CHECK_NEAR(g[i], want[i], 1e-7);
    }
    assert_true(g[2] == 0.0f && g[4] == 0.0f);
    /* Without grad: the same value. */
    v = SENTINEL;
    assert_int_equal(compute(l, ex_pred, 2, 3, ex_target, 3, &v, NULL),
                     NNLITE_OK);
    CHECK_NEAR(v, 7.0 / 6.0, 1e-6);
    assert_string_equal(nnlite_loss_last_error(l), "");
}

static void test_loss_mae_all_equal_is_zero(void **state)
{
    nnlite_loss *l = *state;
    float p[4] = {1.5f, -2.0f, 0.0f, 7.0f}, v = SENTINEL, g[4];
    fill(g, 4, SENTINEL);
    /* pred == target everywhere: loss 0 and gradient 0 (not +-1/4). */
    assert_int_equal(compute(l, p, 2, 2, p, 2, &v, g), NNLITE_OK);
    assert_true(v == 0.0f);
    for (size_t i = 0; i < 4; i++) {
        assert_true(g[i] == 0.0f);
    }
}

static void test_loss_mse_value_and_gradient(void **state)
{
    nnlite_loss *l = *state;
    float v = SENTINEL, g[6];
    fill(g, 6, SENTINEL);
    /* d^2 = 1 4 0 4 0 4, sum 13, mean 13/6. */
    assert_int_equal(compute(l, ex_pred, 2, 3, ex_target, 3, &v, g),
                     NNLITE_OK);
    CHECK_NEAR(v, 13.0 / 6.0, 1e-6);
    /* 2 d / 6 = d / 3. */
    const double want[6] = {1.0 / 3, -2.0 / 3, 0.0, -2.0 / 3, 0.0, 2.0 / 3};
    for (size_t i = 0; i < 6; i++) {
        CHECK_NEAR(g[i], want[i], 1e-7);
    }
    v = SENTINEL;
    assert_int_equal(compute(l, ex_pred, 2, 3, ex_target, 3, &v, NULL),
                     NNLITE_OK);
    CHECK_NEAR(v, 13.0 / 6.0, 1e-6);
}

static void test_loss_mse_single_element(void **state)
{
    nnlite_loss *l = *state;
    float p[1] = {0.25f}, t[1] = {-0.5f}, v = SENTINEL, g[1] = {SENTINEL};
    /* d = 0.75: loss 0.5625, grad 2 d = 1.5 (N = 1). */
    assert_int_equal(compute(l, p, 1, 1, t, 1, &v, g), NNLITE_OK);
    CHECK_NEAR(v, 0.5625, 1e-7);
    CHECK_NEAR(g[0], 1.5, 1e-7);
}

/* ---- cross-entropy: softmax with class indices ---- */

static void test_loss_ce_two_equal_logits_is_log2(void **state)
{
    nnlite_loss *l = *state;
    float z[2] = {0.0f, 0.0f}, t[1] = {1.0f}, v = SENTINEL, g[2];
    /* softmax(0, 0) = (1/2, 1/2); -log(1/2) = log 2.
     * grad = p - onehot(1) = (0.5, -0.5), batch 1. */
    assert_int_equal(compute(l, z, 1, 2, t, 1, &v, g), NNLITE_OK);
    CHECK_NEAR(v, log(2.0), 1e-6);
    CHECK_NEAR(g[0], 0.5, 1e-7);
    CHECK_NEAR(g[1], -0.5, 1e-7);
}

/*   row 0: logits 0 0 0, class 1
 *     lse = log 3; loss = log 3 - 0 = 1.0986123
 *     p = 1/3 1/3 1/3; p - onehot = 1/3 -2/3 1/3
 *   row 1: logits 1 2 3, class 0
 *     lse = log(e + e^2 + e^3) = 3 + log(1 + e^-1 + e^-2)
 *         = 3 + log(1.5032147) = 3.4076060
 *     loss = lse - z_0 = 2.4076060
 *     p_j = e^(z_j - lse): with S = 1 + e + e^2 = 11.1073379,
 *     p = 1/S, e/S, e^2/S = 0.0900306 0.2447285 0.6652410
 *     p - onehot = -0.9099694 0.2447285 0.6652410
 *   mean over 2 rows: (1.0986123 + 2.4076060) / 2 = 1.7531091
 *   grad = (p - onehot) / 2. */
static float ce_logits[6] = {0.0f, 0.0f, 0.0f, 1.0f, 2.0f, 3.0f};

static void ce_expected_grad(double *want)
{
    const double e = exp(1.0), s = 1.0 + e + e * e;
    want[0] = (1.0 / 3.0) / 2.0;
    want[1] = (1.0 / 3.0 - 1.0) / 2.0;
    want[2] = (1.0 / 3.0) / 2.0;
    want[3] = (1.0 / s - 1.0) / 2.0;
    want[4] = (e / s) / 2.0;
    want[5] = (e * e / s) / 2.0;
}

static double ce_expected_value(void)
{
    const double lse1 = 3.0 + log(1.0 + exp(-1.0) + exp(-2.0));
    return (log(3.0) + (lse1 - 1.0)) / 2.0;
}

static void test_loss_ce_class_indices(void **state)
{
    nnlite_loss *l = *state;
    float t[2] = {1.0f, 0.0f}, v = SENTINEL, g[6];
    double want[6];
    fill(g, 6, SENTINEL);
    assert_int_equal(compute(l, ce_logits, 2, 3, t, 1, &v, g), NNLITE_OK);
    CHECK_NEAR(v, 1.7531091, 1e-6); /* the hand value ... */
    CHECK_NEAR(v, ce_expected_value(), 1e-6); /* ... and its closed form */
    ce_expected_grad(want);
    CHECK_NEAR(g[3], -0.4549847, 1e-6);
    for (size_t i = 0; i < 6; i++) {
        CHECK_NEAR(g[i], want[i], 1e-6);
    }
    /* Each row of a softmax gradient sums to 0. */
    CHECK_NEAR((double)g[0] + (double)g[1] + (double)g[2], 0.0, 1e-6);
    CHECK_NEAR((double)g[3] + (double)g[4] + (double)g[5], 0.0, 1e-6);
    assert_string_equal(nnlite_loss_last_error(l), "");
}

static void test_loss_ce_onehot_probabilities_match_indices(void **state)
{
    nnlite_loss *l = *state;
    float idx[2] = {1.0f, 0.0f};
    float onehot[6] = {0.0f, 1.0f, 0.0f, 1.0f, 0.0f, 0.0f};
    float vi = SENTINEL, vp = SENTINEL, gi[6], gp[6];
    double want[6];
    assert_int_equal(compute(l, ce_logits, 2, 3, idx, 1, &vi, gi),
                     NNLITE_OK);
    assert_int_equal(compute(l, ce_logits, 2, 3, onehot, 3, &vp, gp),
                     NNLITE_OK);
    CHECK_NEAR(vp, ce_expected_value(), 1e-6);
    CHECK_NEAR(vp, vi, 1e-6);
    ce_expected_grad(want);
    for (size_t i = 0; i < 6; i++) {
        CHECK_NEAR(gp[i], want[i], 1e-6);
        CHECK_NEAR(gp[i], gi[i], 1e-6);
    }
}

static void test_loss_ce_soft_targets(void **state)
{
    nnlite_loss *l = *state;
    /* Row 0: logits 0, log 3 -> p = 1/4, 3/4; target 1/2, 1/2.
     *   lse = log(1 + 3) = log 4
     *   loss = 1/2 (log 4 - 0) + 1/2 (log 4 - log 3)
     *        = log 4 - (log 3) / 2 = 1.3862944 - 0.5493061 = 0.8369882
     *   grad = p - t = -1/4, 1/4
     * Row 1: logits 0, 0 -> p = 1/2, 1/2; target 0.25, 0.75.
     *   loss = 0.25 log 2 + 0.75 log 2 = log 2 = 0.6931472
     *   grad = 0.25, -0.25
     * Mean over 2 rows: (0.8369882 + 0.6931472) / 2 = 0.7650677;
     * each gradient / 2. */
    float z[4] = {0.0f, (float)log(3.0), 0.0f, 0.0f};
    float t[4] = {0.5f, 0.5f, 0.25f, 0.75f};
    float v = SENTINEL, g[4];
    assert_int_equal(compute(l, z, 2, 2, t, 2, &v, g), NNLITE_OK);
    CHECK_NEAR(v, 0.7650677, 1e-6);
    CHECK_NEAR(v, (log(4.0) - 0.5 * log(3.0) + log(2.0)) / 2.0, 1e-6);
    CHECK_NEAR(g[0], -0.125, 1e-6);
    CHECK_NEAR(g[1], 0.125, 1e-6);
    CHECK_NEAR(g[2], 0.125, 1e-6);
    CHECK_NEAR(g[3], -0.125, 1e-6);
}

/* ---- cross-entropy: binary, one logit ---- */

static void test_loss_ce_binary(void **state)
{
    nnlite_loss *l = *state;
    /* L = t softplus(-z) + (1 - t) softplus(z), softplus(x) = log(1+e^x);
     * dL/dz = sigmoid(z) - t.
     *   z 0,  t 1:    softplus(0) = log 2 = 0.6931472;
     *                 grad 0.5 - 1 = -0.5
     *   z 2,  t 0.25: 0.25 log(1+e^-2) + 0.75 (2 + log(1+e^-2))
     *                 = 1.5 + log(1.1353353) = 1.6269280;
     *                 grad sigmoid(2) - 0.25 = 0.8807971 - 0.25 = 0.6307971
     *   z -3, t 0:    log(1 + e^-3) = 0.0485874;
     *                 grad sigmoid(-3) = 0.0474259
     * Mean over 3: (0.6931472 + 1.6269280 + 0.0485874) / 3 = 0.7895542;
     * grads / 3 = -0.1666667 0.2102657 0.0158086. */
    float z[3] = {0.0f, 2.0f, -3.0f}, t[3] = {1.0f, 0.25f, 0.0f};
    float v = SENTINEL, g[3];
    assert_int_equal(compute(l, z, 3, 1, t, 1, &v, g), NNLITE_OK);
    CHECK_NEAR(v, 0.7895542, 1e-6);
    CHECK_NEAR(v,
               (log(2.0) + 1.5 + log(1.0 + exp(-2.0)) + log(1.0 + exp(-3.0))) /
                   3.0,
               1e-6);
    CHECK_NEAR(g[0], -0.5 / 3.0, 1e-6);
    CHECK_NEAR(g[1], (1.0 / (1.0 + exp(-2.0)) - 0.25) / 3.0, 1e-6);
    CHECK_NEAR(g[1], 0.2102657, 1e-6);
    CHECK_NEAR(g[2], (1.0 / (1.0 + exp(3.0))) / 3.0, 1e-6);
    CHECK_NEAR(g[2], 0.0158086, 1e-6);
}

static void test_loss_ce_binary_single_logit_log2(void **state)
{
    nnlite_loss *l = *state;
    float z[1] = {0.0f}, t[1] = {0.0f}, v = SENTINEL, g[1];
    /* sigmoid(0) = 1/2 whatever the label: -log(1/2) = log 2; grad 1/2. */
    assert_int_equal(compute(l, z, 1, 1, t, 1, &v, g), NNLITE_OK);
    CHECK_NEAR(v, log(2.0), 1e-6);
    CHECK_NEAR(g[0], 0.5, 1e-7);
}

/* ---- numerical stability ---- */

static void test_loss_ce_large_logits_are_stable(void **state)
{
    nnlite_loss *l = *state;
    float v, g[2];
    /* Naive e^1000 overflows; with lse = m + log sum e^(z - m):
     * [1000, 0] class 0: lse = 1000 + log(1 + e^-1000) = 1000, loss 0,
     *   p = (1, e^-1000 ~ 0): grad (0, 0). */
    float z1[2] = {1000.0f, 0.0f}, c0[1] = {0.0f}, c1[1] = {1.0f};
    v = SENTINEL;
    assert_int_equal(compute(l, z1, 1, 2, c0, 1, &v, g), NNLITE_OK);
    CHECK_NEAR(v, 0.0, 1e-6);
    CHECK_NEAR(g[0], 0.0, 1e-6);
    CHECK_NEAR(g[1], 0.0, 1e-6);
    /* class 1: loss = 1000 - 0 = 1000; grad p - onehot = (1, -1). */
    v = SENTINEL;
    assert_int_equal(compute(l, z1, 1, 2, c1, 1, &v, g), NNLITE_OK);
    CHECK_NEAR(v, 1000.0, 1e-3);
    CHECK_NEAR(g[0], 1.0, 1e-6);
    CHECK_NEAR(g[1], -1.0, 1e-6);
    /* [1000, -1000] class 1: 1000 - (-1000) = 2000. */
    float z2[2] = {1000.0f, -1000.0f};
    v = SENTINEL;
    assert_int_equal(compute(l, z2, 1, 2, c1, 1, &v, g), NNLITE_OK);
    CHECK_NEAR(v, 2000.0, 1e-3);
    CHECK_NEAR(g[0], 1.0, 1e-6);
    CHECK_NEAR(g[1], -1.0, 1e-6);
    /* [-1000, -1000]: naive e^-1000 underflows to 0/0; really uniform:
     * log 2, grad (0.5 - 1, 0.5) for class 0. */
    float z3[2] = {-1000.0f, -1000.0f};
    v = SENTINEL;
    assert_int_equal(compute(l, z3, 1, 2, c0, 1, &v, g), NNLITE_OK);
    CHECK_NEAR(v, log(2.0), 1e-6);
    CHECK_NEAR(g[0], -0.5, 1e-6);
    CHECK_NEAR(g[1], 0.5, 1e-6);
    /* Probability targets through the same path: [1000, 0] with t = (0.5,
     * 0.5): 0.5 (1000 - 1000) + 0.5 (1000 - 0) = 500; grad p - t =
     * (0.5, -0.5). */
    float half[2] = {0.5f, 0.5f};
    v = SENTINEL;
    assert_int_equal(compute(l, z1, 1, 2, half, 2, &v, g), NNLITE_OK);
    CHECK_NEAR(v, 500.0, 1e-3);
    CHECK_NEAR(g[0], 0.5, 1e-6);
    CHECK_NEAR(g[1], -0.5, 1e-6);
}

static void test_loss_ce_binary_large_logits_are_stable(void **state)
{
    nnlite_loss *l = *state;
    /* max(z,0) - z t + log(1 + e^-|z|):
     *   z  1000, t 0: 1000;  grad sigmoid(1000) - 0 = 1
     *   z -1000, t 1: 0 + 1000 + 0 = 1000; grad 0 - 1 = -1
     *   z  1000, t 1: 1000 - 1000 = 0; grad 0
     *   z -1000, t 0: 0; grad 0
     * Mean over 4 rows: 500; grads / 4. */
    float z[4] = {1000.0f, -1000.0f, 1000.0f, -1000.0f};
    float t[4] = {0.0f, 1.0f, 1.0f, 0.0f};
    float v = SENTINEL, g[4];
    assert_int_equal(compute(l, z, 4, 1, t, 1, &v, g), NNLITE_OK);
    CHECK_NEAR(v, 500.0, 1e-3);
    CHECK_NEAR(g[0], 0.25, 1e-7);
    CHECK_NEAR(g[1], -0.25, 1e-7);
    CHECK_NEAR(g[2], 0.0, 1e-7);
    CHECK_NEAR(g[3], 0.0, 1e-7);
}

/* ---- errors ---- */

/* Every failed compute leaves value and grad as they were and says why. */
static void expect_failure(nnlite_loss *l, float *pred, size_t rows,
                           size_t cols, float *target, size_t tcols,
                           nnlite_status want)
{
    float v = SENTINEL, g[64];
    assert_true(rows * cols <= 64);
    fill(g, rows * cols, SENTINEL);
    assert_int_equal(compute(l, pred, rows, cols, target, tcols, &v, g),
                     want);
    assert_true(v == SENTINEL);
    for (size_t i = 0; i < rows * cols; i++) {
        assert_true(g[i] == SENTINEL);
    }
    assert_true(strlen(nnlite_loss_last_error(l)) > 0);
    /* Without grad too. */
    assert_int_equal(compute(l, pred, rows, cols, target, tcols, &v, NULL),
                     want);
    assert_true(v == SENTINEL);
}

/* The message names the row the bad target is in (row 4 here, and no
 * other number 4 is in play: C = 3, values 2.5, -1 and 3). */
static void expect_row_4_in_message(const nnlite_loss *l)
{
    const char *msg = nnlite_loss_last_error(l);
    if (strstr(msg, "row 4") == NULL && strstr(msg, "[4]") == NULL) {
        print_error("message does not name row 4: \"%s\"\n", msg);
        fail();
    }
}

static void test_loss_ce_bad_class_index(void **state)
{
    nnlite_loss *l = *state;
    float z[15] = {0};
    /* Rows 0..3 are valid (0, 1, 2, 0); row 4 holds the bad value. */
    const float bad[3] = {2.5f, -1.0f, 3.0f /* = C */};
    for (size_t i = 0; i < 3; i++) {
        float t[5] = {0.0f, 1.0f, 2.0f, 0.0f, bad[i]};
        expect_failure(l, z, 5, 3, t, 1, NNLITE_EINVAL);
        expect_row_4_in_message(l);
    }
    /* A probability-looking value is not a class index either. */
    float t[5] = {0.0f, 1.0f, 2.0f, 0.0f, 0.5f};
    expect_failure(l, z, 5, 3, t, 1, NNLITE_EINVAL);
}

static void test_loss_ce_bad_probability(void **state)
{
    nnlite_loss *l = *state;
    float z[6] = {0};
    float over[6] = {0.0f, 0.0f, 1.0f, 1.5f, 0.0f, 0.0f};
    float under[6] = {0.5f, 0.5f, 0.0f, 0.0f, 1.0f, -0.25f};
    expect_failure(l, z, 2, 3, over, 3, NNLITE_EINVAL);
    expect_failure(l, z, 2, 3, under, 3, NNLITE_EINVAL);
    /* Binary targets are probabilities too. */
    float zb[2] = {0.0f, 0.0f}, tb[2] = {1.0f, 1.5f}, tn[2] = {-0.5f, 0.0f};
    expect_failure(l, zb, 2, 1, tb, 1, NNLITE_EINVAL);
    expect_failure(l, zb, 2, 1, tn, 1, NNLITE_EINVAL);
}

static void test_loss_non_finite_inputs(void **state)
{
    const float bad[3] = {NAN, INFINITY, -INFINITY};
    (void)state;
    for (size_t k = 0; k < 3; k++) {
        nnlite_loss *l = NULL;
        assert_int_equal(nnlite_loss_create_advanced(&l, every_kind[k], NULL),
                         NNLITE_OK);
        const size_t tcols = every_kind[k] == NNLITE_LOSS_CROSS_ENTROPY ? 1
                                                                        : 2;
        for (size_t b = 0; b < 3; b++) {
            float p[4] = {0.5f, 0.25f, 0.0f, 1.0f};
            float t[4] = {0.0f, 1.0f, 1.0f, 0.0f};
            p[3] = bad[b];
            expect_failure(l, p, 2, 2, t, tcols, NNLITE_ENUMERIC);
            p[3] = 1.0f;
            t[1] = bad[b];
            expect_failure(l, p, 2, 2, t, tcols, NNLITE_ENUMERIC);
        }
        nnlite_loss_destroy(l);
    }
}

/* Finite inputs whose loss overflows float: ENUMERIC, and (as loss.h
 * promises "untouched on failure") neither value nor grad written. One
 * test per kind, so a failure names the kind. */
static void test_loss_mae_overflow_is_enumeric(void **state)
{
    /* |d| = |3e38 - (-3e38)| = 6e38 > FLT_MAX. */
    float p[2] = {3e38f, 0.0f}, t[2] = {-3e38f, 0.0f};
    expect_failure(*state, p, 1, 2, t, 2, NNLITE_ENUMERIC);
}

static void test_loss_mse_overflow_is_enumeric(void **state)
{
    /* d^2 = (6e38)^2 > FLT_MAX. */
    float p[2] = {3e38f, 0.0f}, t[2] = {-3e38f, 0.0f};
    expect_failure(*state, p, 1, 2, t, 2, NNLITE_ENUMERIC);
}

static void test_loss_ce_overflow_is_enumeric(void **state)
{
    /* Class 1: lse - z_1 = 3e38 - (-3e38) = 6e38 > FLT_MAX. */
    float z[2] = {3e38f, -3e38f}, t[1] = {1.0f};
    expect_failure(*state, z, 1, 2, t, 1, NNLITE_ENUMERIC);
}

static void test_loss_huber_overflow_is_enumeric(void **state)
{
    /* Linear tail: 0.75 (6e38 - 0.375) = 4.5e38 > FLT_MAX. */
    float p[1] = {3e38f}, t[1] = {-3e38f};
    expect_failure(*state, p, 1, 1, t, 1, NNLITE_ENUMERIC);
}

static void test_loss_huber_shape_error_names_it(void **state)
{
    float p[4] = {0}, t[3] = {0}, v = SENTINEL;
    assert_int_equal(compute(*state, p, 1, 4, t, 3, &v, NULL),
                     NNLITE_ESHAPE);
    assert_true(v == SENTINEL);
    assert_non_null(strstr(nnlite_loss_last_error(*state),
                           "Huber target has 3 columns"));
}

/* ---- Huber ---- */

/* Bad deltas: the constructor refuses each (EINVAL, *out NULL) and the
 * check twin returns the same status with a message naming delta and its
 * value; a good one gives NNLITE_OK and "". */
static void test_loss_huber_bad_delta(void **state)
{
    const float bad[5] = {0.0f, -1.0f, NAN, INFINITY, -INFINITY};
    const char *shown[5] = {"delta 0 ", "delta -1 ", "delta nan ",
                            "delta inf ", "delta -inf "};
    char msg[128];
    (void)state;
    for (size_t i = 0; i < 5; i++) {
        nnlite_loss *l = (nnlite_loss *)(uintptr_t)0x1;
        assert_int_equal(nnlite_loss_huber_create(&l, bad[i]),
                         NNLITE_EINVAL);
        assert_null(l);
        memset(msg, 'x', sizeof(msg));
        assert_int_equal(nnlite_loss_huber_check(bad[i], msg, sizeof(msg)),
                         NNLITE_EINVAL);
        if (strstr(msg, shown[i]) == NULL ||
            strstr(msg, "finite number > 0") == NULL) {
            print_error("message \"%s\" does not name %s\n", msg, shown[i]);
            fail();
        }
        /* No buffer: the status alone. */
        assert_int_equal(nnlite_loss_huber_check(bad[i], NULL, 0),
                         NNLITE_EINVAL);
    }
    memset(msg, 'x', sizeof(msg));
    assert_int_equal(nnlite_loss_huber_check(0.5f, msg, sizeof(msg)),
                     NNLITE_OK);
    assert_string_equal(msg, "");
    /* Truncated to the buffer, NUL-terminated. */
    assert_int_equal(nnlite_loss_huber_check(-1.0f, msg, 6), NNLITE_EINVAL);
    assert_string_equal(msg, "delta");
    /* The kinds create_advanced takes, explained the same way. */
    nnlite_loss *l = (nnlite_loss *)(uintptr_t)0x1;
    assert_int_equal(nnlite_loss_create_advanced(&l, (nnlite_loss_kind)9,
                                                 NULL),
                     NNLITE_EINVAL);
    assert_null(l);
    assert_int_equal(nnlite_loss_check((nnlite_loss_kind)9, msg, sizeof(msg)),
                     NNLITE_EINVAL);
    assert_string_equal(msg, "loss kind 9 is unknown");
    for (int k = NNLITE_LOSS_MAE; k <= NNLITE_LOSS_HUBER; k++) {
        assert_int_equal(nnlite_loss_check((nnlite_loss_kind)k, msg,
                                           sizeof(msg)),
                         NNLITE_OK);
        assert_string_equal(msg, "");
    }
}

/*   d     =  0.5  -0.5   2   -3    1    0      (pred - target)
 * delta 1: l = d^2/2 inside, |d| - 1/2 outside:
 *   l     = 0.125 0.125 1.5  2.5  0.5  0       sum 4.75, mean 4.75 / 6
 *   grad  = (0.5, -0.5, 1, -1, 1, 0) / 6       (|d| = delta: slope delta)
 * delta 2: l = d^2/2 inside, 2 (|d| - 1) outside:
 *   l     = 0.125 0.125 2    4    0.5  0       sum 6.75, mean 1.125
 *   grad  = (0.5, -0.5, 2, -2, 1, 0) / 6 */
static float hb_pred[6] = {1.5f, -0.5f, 2.0f, -1.0f, 4.0f, 0.25f};
static float hb_target[6] = {1.0f, 0.0f, 0.0f, 2.0f, 3.0f, 0.25f};

static void check_huber(float delta, double value, const double *grad)
{
    nnlite_loss *l = NULL;
    float v = SENTINEL, g[6];
    fill(g, 6, SENTINEL);
    assert_int_equal(nnlite_loss_huber_create(&l, delta), NNLITE_OK);
    assert_int_equal(compute(l, hb_pred, 2, 3, hb_target, 3, &v, g),
                     NNLITE_OK);
    CHECK_NEAR(v, value, 1e-6);
    for (size_t i = 0; i < 6; i++) {
        CHECK_NEAR(g[i], grad[i], 1e-7);
    }
    nnlite_loss_destroy(l);
}

static void test_loss_huber_value_and_gradient(void **state)
{
    const double g1[6] = {0.5 / 6, -0.5 / 6, 1.0 / 6, -1.0 / 6, 1.0 / 6, 0};
    const double g2[6] = {0.5 / 6, -0.5 / 6, 2.0 / 6, -2.0 / 6, 1.0 / 6, 0};
    (void)state;
    check_huber(1.0f, 4.75 / 6.0, g1);
    check_huber(2.0f, 1.125, g2);
}

/* A huge delta makes Huber MSE / 2; a tiny one MAE times delta. */
static void test_loss_huber_limits(void **state)
{
    nnlite_loss *huber = NULL, *other = NULL;
    float vh = 0.0f, vo = 0.0f;
    (void)state;
    assert_int_equal(nnlite_loss_huber_create(&huber, 1e6f), NNLITE_OK);
    assert_int_equal(nnlite_loss_mse_create(&other), NNLITE_OK);
    assert_int_equal(compute(huber, ex_pred, 2, 3, ex_target, 3, &vh, NULL),
                     NNLITE_OK);
    assert_int_equal(compute(other, ex_pred, 2, 3, ex_target, 3, &vo, NULL),
                     NNLITE_OK);
    CHECK_NEAR(vh, vo / 2.0f, 1e-6);
    nnlite_loss_destroy(huber);
    nnlite_loss_destroy(other);
    huber = other = NULL;
    assert_int_equal(nnlite_loss_huber_create(&huber, 1e-3f), NNLITE_OK);
    assert_int_equal(nnlite_loss_mae_create(&other), NNLITE_OK);
    assert_int_equal(compute(huber, ex_pred, 2, 3, ex_target, 3, &vh, NULL),
                     NNLITE_OK);
    assert_int_equal(compute(other, ex_pred, 2, 3, ex_target, 3, &vo, NULL),
                     NNLITE_OK);
    /* 1e-3 (|d| - 5e-4) for each of the four d != 0, over 6. */
    CHECK_NEAR(vh, 1e-3 * ((double)vo - 4.0 * 5e-4 / 6.0), 1e-9);
    nnlite_loss_destroy(huber);
    nnlite_loss_destroy(other);
}

static void test_loss_shape_errors(void **state)
{
    float a[12] = {0}, b[12] = {0};
    (void)state;
    for (size_t k = 0; k < 3; k++) {
        nnlite_loss *l = NULL;
        const bool ce = every_kind[k] == NNLITE_LOSS_CROSS_ENTROPY;
        assert_int_equal(nnlite_loss_create_advanced(&l, every_kind[k], NULL),
                         NNLITE_OK);
        /* Rows differ: pred [2, 3], target [3, 3] (or [3, 1]). */
        {
            nnlite_tensor *p = NULL, *t = NULL;
            float v = SENTINEL;
            assert_int_equal(nnlite_tensor_wrap2d(&p, a, 2, 3), NNLITE_OK);
            assert_int_equal(nnlite_tensor_wrap2d(&t, b, 3, ce ? 1 : 3),
                             NNLITE_OK);
            assert_int_equal(nnlite_loss_compute(l, p, t, &v, NULL),
                             NNLITE_ESHAPE);
            assert_true(v == SENTINEL);
            assert_true(strlen(nnlite_loss_last_error(l)) > 0);
            nnlite_tensor_destroy(p);
            nnlite_tensor_destroy(t);
        }
        /* Columns: MAE/MSE need equal widths; CE needs 1 or C. */
        expect_failure(l, a, 2, 3, b, 2, NNLITE_ESHAPE);
        if (ce) {
            expect_failure(l, a, 2, 3, b, 4, NNLITE_ESHAPE);
            /* Binary (C = 1): the target must have 1 column. */
            expect_failure(l, a, 2, 1, b, 3, NNLITE_ESHAPE);
        } else {
            expect_failure(l, a, 2, 3, b, 1, NNLITE_ESHAPE);
            expect_failure(l, a, 2, 3, b, 4, NNLITE_ESHAPE);
        }
        /* Rank 1 pred, rank 1 target, rank 3 pred. */
        {
            const size_t s1[1] = {6}, s3[3] = {2, 3, 1};
            nnlite_tensor *p1 = NULL, *t1 = NULL, *p2 = NULL, *t2 = NULL;
            nnlite_tensor *p3 = NULL;
            float v = SENTINEL;
            assert_int_equal(nnlite_tensor_wrap(&p1, a, 1, s1), NNLITE_OK);
            assert_int_equal(nnlite_tensor_wrap(&t1, b, 1, s1), NNLITE_OK);
            assert_int_equal(nnlite_tensor_wrap(&p3, a, 3, s3), NNLITE_OK);
            assert_int_equal(nnlite_tensor_wrap2d(&p2, a, 2, 3), NNLITE_OK);
            assert_int_equal(nnlite_tensor_wrap2d(&t2, b, 2, ce ? 1 : 3),
                             NNLITE_OK);
            assert_int_equal(nnlite_loss_compute(l, p1, t1, &v, NULL),
                             NNLITE_ESHAPE);
            assert_int_equal(nnlite_loss_compute(l, p1, t2, &v, NULL),
                             NNLITE_ESHAPE);
            assert_int_equal(nnlite_loss_compute(l, p2, t1, &v, NULL),
                             NNLITE_ESHAPE);
            assert_int_equal(nnlite_loss_compute(l, p3, t2, &v, NULL),
                             NNLITE_ESHAPE);
            assert_true(v == SENTINEL);
            /* The good pair works: the failures were the shapes. */
            assert_int_equal(nnlite_loss_compute(l, p2, t2, &v, NULL),
                             NNLITE_OK);
            nnlite_tensor_destroy(p1);
            nnlite_tensor_destroy(t1);
            nnlite_tensor_destroy(p2);
            nnlite_tensor_destroy(t2);
            nnlite_tensor_destroy(p3);
        }
        nnlite_loss_destroy(l);
    }
}

static void test_loss_grad_shape_errors(void **state)
{
    float a[6] = {0.5f, 0.0f, -1.0f, 2.0f, 1.0f, 0.0f};
    float b[6] = {0.0f, 1.0f, 0.0f, 1.0f, 0.0f, 0.0f};
    float gbuf[8];
    const size_t s1[1] = {6}, s3[3] = {2, 3, 1};
    (void)state;
    for (size_t k = 0; k < 3; k++) {
        nnlite_loss *l = NULL;
        nnlite_tensor *p = NULL, *t = NULL;
        nnlite_tensor *bad[4] = {NULL, NULL, NULL, NULL};
        assert_int_equal(nnlite_loss_create_advanced(&l, every_kind[k], NULL),
                         NNLITE_OK);
        assert_int_equal(nnlite_tensor_wrap2d(&p, a, 2, 3), NNLITE_OK);
        assert_int_equal(nnlite_tensor_wrap2d(&t, b, 2, 3), NNLITE_OK);
        /* [2, 2]; [3, 2] (same size, other shape); [6]; [2, 3, 1]. */
        assert_int_equal(nnlite_tensor_wrap2d(&bad[0], gbuf, 2, 2),
                         NNLITE_OK);
        assert_int_equal(nnlite_tensor_wrap2d(&bad[1], gbuf, 3, 2),
                         NNLITE_OK);
        assert_int_equal(nnlite_tensor_wrap(&bad[2], gbuf, 1, s1), NNLITE_OK);
        assert_int_equal(nnlite_tensor_wrap(&bad[3], gbuf, 3, s3), NNLITE_OK);
        for (size_t i = 0; i < 4; i++) {
            float v = SENTINEL;
            fill(gbuf, 8, SENTINEL);
            assert_int_equal(nnlite_loss_compute(l, p, t, &v, bad[i]),
                             NNLITE_ESHAPE);
            assert_true(v == SENTINEL);
            for (size_t j = 0; j < 8; j++) {
                assert_true(gbuf[j] == SENTINEL);
            }
            assert_true(strlen(nnlite_loss_last_error(l)) > 0);
            nnlite_tensor_destroy(bad[i]);
        }
        nnlite_tensor_destroy(p);
        nnlite_tensor_destroy(t);
        nnlite_loss_destroy(l);
    }
}

static void test_loss_null_arguments(void **state)
{
    nnlite_loss *l = *state;
    float a[2] = {0.0f, 1.0f}, b[2] = {0.0f, 1.0f}, v = SENTINEL;
    nnlite_tensor *p = NULL, *t = NULL;
    assert_int_equal(nnlite_tensor_wrap2d(&p, a, 1, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, b, 1, 2), NNLITE_OK);
    assert_int_equal(nnlite_loss_compute(NULL, p, t, &v, NULL),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_loss_compute(l, NULL, t, &v, NULL),
                     NNLITE_EINVAL);
    assert_true(strlen(nnlite_loss_last_error(l)) > 0);
    assert_int_equal(nnlite_loss_compute(l, p, NULL, &v, NULL),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_loss_compute(l, p, t, NULL, NULL),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_loss_compute(l, p, t, NULL, p), NNLITE_EINVAL);
    assert_true(v == SENTINEL);
    nnlite_tensor_destroy(p);
    nnlite_tensor_destroy(t);
}

static void test_loss_last_error_clears_on_success(void **state)
{
    nnlite_loss *l = *state;
    float p[2] = {1.0f, 2.0f}, t[2] = {1.0f, 0.0f}, nan_t[2] = {NAN, 0.0f};
    float v = SENTINEL;
    assert_string_equal(nnlite_loss_last_error(l), "");
    assert_int_equal(compute(l, p, 1, 2, nan_t, 2, &v, NULL),
                     NNLITE_ENUMERIC);
    assert_true(strlen(nnlite_loss_last_error(l)) > 0);
    /* d = 0, 2: mean of squares 4/2 = 2. */
    assert_int_equal(compute(l, p, 1, 2, t, 2, &v, NULL), NNLITE_OK);
    CHECK_NEAR(v, 2.0, 1e-7);
    assert_string_equal(nnlite_loss_last_error(l), "");
}

/* ---- finite-difference gradient checks ----
 *
 * For each pred element: numeric = (L(p + h) - L(p - h)) / (2h), central
 * differences taken in double over the exact float step (p+h and p-h are
 * rounded to float before the loss sees them). The loss comes back as a
 * float, so L carries a rounding error of about ulp(L) ~ 1e-7 L; divided
 * by 2h = 2e-3 that is ~1e-4 absolute in the numeric derivative, against
 * gradients of order 1/N ~ 0.01..0.3 here. The central-difference
 * truncation error, h^2 f''' / 6 ~ 1e-7, is smaller still. A correct
 * gradient therefore shows a relative error around 1e-3 at worst; a wrong
 * one (a missing 1/N, a sign, a wrong softmax term) is off by 10% or more.
 * Hence the 1e-2 bound. Relative errors are taken against max(|analytic|,
 * |numeric|, 1e-2) so that tiny gradients measure no rounding noise. */
#define GC_H 1e-3f
#define GC_TOL 1e-2

static double max_relative_error(nnlite_loss *l, float *pred, size_t rows,
                                 size_t cols, float *target, size_t tcols)
{
    float analytic[64], v = 0.0f, vp = 0.0f, vm = 0.0f;
    double worst = 0.0;
    const size_t n = rows * cols;
    assert_true(n <= 64);
    assert_int_equal(compute(l, pred, rows, cols, target, tcols, &v,
                             analytic),
                     NNLITE_OK);
    for (size_t i = 0; i < n; i++) {
        const float saved = pred[i];
        const float plus = saved + GC_H, minus = saved - GC_H;
        pred[i] = plus;
        assert_int_equal(compute(l, pred, rows, cols, target, tcols, &vp,
                                 NULL),
                         NNLITE_OK);
        pred[i] = minus;
        assert_int_equal(compute(l, pred, rows, cols, target, tcols, &vm,
                                 NULL),
                         NNLITE_OK);
        pred[i] = saved;
        const double numeric =
            ((double)vp - (double)vm) / ((double)plus - (double)minus);
        const double a = (double)analytic[i];
        const double scale =
            fmax(fmax(fabs(a), fabs(numeric)), 1e-2);
        const double rel = fabs(a - numeric) / scale;
        if (rel > worst) {
            worst = rel;
        }
    }
    return worst;
}

static void report_and_check(const char *name, double rel)
{
    printf("gradient check %-30s max relative error %.3e\n", name, rel);
    if (!(rel < GC_TOL)) {
        print_error("%s: gradient check failed (%.3e >= %.1e)\n", name, rel,
                    GC_TOL);
        fail();
    }
}

/* [3, 4] predictions; for MAE/MSE every |pred - target| >= 0.2 >> h, so no
 * MAE kink is crossed. */
static const float gc_pred[12] = {0.5f,  -1.2f, 2.0f,  0.3f,
                                  -0.7f, 1.5f,  0.9f,  -2.2f,
                                  1.1f,  0.05f, -0.4f, 3.0f};
static const float gc_target[12] = {0.0f,  -0.5f, 1.0f,  1.3f,
                                    0.2f,  1.0f,  -0.6f, -2.0f,
                                    2.1f,  -1.0f, 0.4f,  2.5f};

static void test_loss_gradient_check_mae(void **state)
{
    float p[12], t[12];
    memcpy(p, gc_pred, sizeof(p));
    memcpy(t, gc_target, sizeof(t));
    report_and_check("MAE", max_relative_error(*state, p, 3, 4, t, 4));
}

static void test_loss_gradient_check_mse(void **state)
{
    float p[12], t[12];
    memcpy(p, gc_pred, sizeof(p));
    memcpy(t, gc_target, sizeof(t));
    report_and_check("MSE", max_relative_error(*state, p, 3, 4, t, 4));
}

/* delta 0.75 (the fixture): |d| is 0.2, 0.5, 0.7 inside and 0.8 to 1.5
 * outside, every one at least 0.05 >> h from the delta. */
static void test_loss_gradient_check_huber(void **state)
{
    float p[12], t[12];
    memcpy(p, gc_pred, sizeof(p));
    memcpy(t, gc_target, sizeof(t));
    report_and_check("Huber", max_relative_error(*state, p, 3, 4, t, 4));
}

static void test_loss_gradient_check_ce_indices(void **state)
{
    float p[12], t[3] = {2.0f, 0.0f, 3.0f};
    memcpy(p, gc_pred, sizeof(p));
    report_and_check("cross-entropy (indices)",
                     max_relative_error(*state, p, 3, 4, t, 1));
}

static void test_loss_gradient_check_ce_probabilities(void **state)
{
    float p[12];
    /* The last row sums to 0.5: the loss sum_j t_j (lse - z_j) is defined
     * for any t in [0, 1], and so is its gradient p_j sum(t) - t_j. */
    float t[12] = {0.1f, 0.2f, 0.3f, 0.4f, 0.7f,  0.0f,
                   0.3f, 0.0f, 0.25f, 0.25f, 0.0f, 0.0f};
    memcpy(p, gc_pred, sizeof(p));
    report_and_check("cross-entropy (probabilities)",
                     max_relative_error(*state, p, 3, 4, t, 4));
}

static void test_loss_gradient_check_ce_binary(void **state)
{
    float p[5] = {-2.0f, -0.5f, 0.3f, 1.7f, 4.0f};
    float t[5] = {0.0f, 1.0f, 0.5f, 0.2f, 1.0f};
    report_and_check("cross-entropy (binary)",
                     max_relative_error(*state, p, 5, 1, t, 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loss_create_every_kind),
        cmocka_unit_test(test_loss_create_advanced_uses_allocator),
        cmocka_unit_test(test_loss_create_errors),
        cmocka_unit_test(test_loss_create_out_of_memory),
        cmocka_unit_test(test_loss_null_handles),
        cmocka_unit_test_setup_teardown(test_loss_mae_value_and_gradient,
                                        setup_mae, teardown_loss),
        cmocka_unit_test_setup_teardown(test_loss_mae_all_equal_is_zero,
                                        setup_mae, teardown_loss),
        cmocka_unit_test_setup_teardown(test_loss_mse_value_and_gradient,
                                        setup_mse, teardown_loss),
        cmocka_unit_test_setup_teardown(test_loss_mse_single_element,
                                        setup_mse, teardown_loss),
        cmocka_unit_test_setup_teardown(test_loss_ce_two_equal_logits_is_log2,
                                        setup_ce, teardown_loss),
        cmocka_unit_test_setup_teardown(test_loss_ce_class_indices, setup_ce,
                                        teardown_loss),
        cmocka_unit_test_setup_teardown(
            test_loss_ce_onehot_probabilities_match_indices, setup_ce,
            teardown_loss),
        cmocka_unit_test_setup_teardown(test_loss_ce_soft_targets, setup_ce,
                                        teardown_loss),
        cmocka_unit_test_setup_teardown(test_loss_ce_binary, setup_ce,
                                        teardown_loss),
        cmocka_unit_test_setup_teardown(test_loss_ce_binary_single_logit_log2,
                                        setup_ce, teardown_loss),
        cmocka_unit_test_setup_teardown(test_loss_ce_large_logits_are_stable,
                                        setup_ce, teardown_loss),
        cmocka_unit_test_setup_teardown(
            test_loss_ce_binary_large_logits_are_stable, setup_ce,
            teardown_loss),
        cmocka_unit_test_setup_teardown(test_loss_ce_bad_class_index,
                                        setup_ce, teardown_loss),
        cmocka_unit_test_setup_teardown(test_loss_ce_bad_probability,
                                        setup_ce, teardown_loss),
        cmocka_unit_test(test_loss_non_finite_inputs),
        cmocka_unit_test_setup_teardown(test_loss_mae_overflow_is_enumeric,
                                        setup_mae, teardown_loss),
        cmocka_unit_test_setup_teardown(test_loss_mse_overflow_is_enumeric,
                                        setup_mse, teardown_loss),
        cmocka_unit_test_setup_teardown(test_loss_ce_overflow_is_enumeric,
                                        setup_ce, teardown_loss),
        cmocka_unit_test_setup_teardown(test_loss_huber_overflow_is_enumeric,
                                        setup_huber, teardown_loss),
        cmocka_unit_test_setup_teardown(
            test_loss_huber_shape_error_names_it, setup_huber,
            teardown_loss),
        cmocka_unit_test(test_loss_huber_bad_delta),
        cmocka_unit_test(test_loss_huber_value_and_gradient),
        cmocka_unit_test(test_loss_huber_limits),
        cmocka_unit_test(test_loss_shape_errors),
        cmocka_unit_test(test_loss_grad_shape_errors),
        cmocka_unit_test_setup_teardown(test_loss_null_arguments, setup_mse,
                                        teardown_loss),
        cmocka_unit_test_setup_teardown(test_loss_last_error_clears_on_success,
                                        setup_mse, teardown_loss),
        cmocka_unit_test_setup_teardown(test_loss_gradient_check_mae,
                                        setup_mae, teardown_loss),
        cmocka_unit_test_setup_teardown(test_loss_gradient_check_mse,
                                        setup_mse, teardown_loss),
        cmocka_unit_test_setup_teardown(test_loss_gradient_check_huber,
                                        setup_huber, teardown_loss),
        cmocka_unit_test_setup_teardown(test_loss_gradient_check_ce_indices,
                                        setup_ce, teardown_loss),
        cmocka_unit_test_setup_teardown(
            test_loss_gradient_check_ce_probabilities, setup_ce,
            teardown_loss),
        cmocka_unit_test_setup_teardown(test_loss_gradient_check_ce_binary,
                                        setup_ce, teardown_loss),
    };
    return cmocka_run_group_tests_name("loss", tests, NULL, NULL);
}
