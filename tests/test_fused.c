/* The fused dense + ReLU pass of one-sample forwards (dense.c): the
 * same bits as the two layers run apart, close to the batched (GEMM)
 * forward, and gradients of a one-row training step as the double-precision
 * reference gives them. Every kernel path this CPU has. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#include "layer_impl.h"
#include "loss_impl.h"
#include "model_impl.h"
#include "model_util.h"
#include "reference/dense_reference.h"

static float next_value(uint64_t *s) /* [-1, 1) */
{
    *s = *s * 6364136223846793005u + 1442695040888963407u;
    return (float)(*s >> 40) / 8388608.0f - 1.0f;
}

static void fill(float *p, size_t n, uint64_t *s)
{
    for (size_t i = 0; i < n; i++) {
        p[i] = next_value(s);
    }
}

static void add_layer(nnlite_model *m, nnlite_layer_kind kind, size_t in,
                      size_t out)
{
    if (kind == NNLITE_LAYER_DENSE) {
        add_dense(m, in, out);
    } else if (kind == NNLITE_LAYER_RELU) {
        add_relu(m);
    } else {
        add_sigmoid(m);
    }
}

/* A model on kernel path p, or NULL when this CPU lacks it. Layers:
 * kinds[i] with dense widths taken from widths in turn. */
static nnlite_model *make_model(int p, size_t in,
                                const nnlite_layer_kind *kinds, size_t count,
                                const size_t *widths)
{
    nnlite_model *m = NULL;
    size_t width = in;
    assert_int_equal(nnlite_model_create(&m, in, 21), NNLITE_OK);
    for (size_t i = 0; i < count; i++) {
        const size_t out =
            kinds[i] == NNLITE_LAYER_DENSE ? *widths++ : width;
        add_layer(m, kinds[i], width, out);
        width = out;
    }
    set_mse(m);
    set_sgd(m, 0.1f, 0.0f);
    if (nnlite__model_force_path(m, p) != NNLITE_OK) {
        nnlite_model_destroy(m);
        return NULL;
    }
    /* Random biases too (the initialiser zeroes them), so that the fused
     * pass's bias handling is compared. */
    uint64_t seed = 77;
    fill(nnlite_model_params(m), nnlite_model_param_count(m), &seed);
    return m;
}

static int same_bits(const float *a, const float *b, size_t n)
{
    return memcmp(a, b, n * sizeof(float)) == 0;
}

/* Every layer's output after a forward of a few rows equals, bit for bit,
 * what the unfused passes give: dense layers on the kernels (GEMV below
 * four rows, GEMM from four), activations on their ops. Inputs around
 * 16 (dense.c's TINY_IN, below which a scalar loop runs and nothing is
 * fused) and rows around 4 (its FAST_MIN_ROWS): the fused pass must run
 * exactly where dense.c would run the GEMV. Dense + ReLU
 * pairs in the middle and at the end, a dense + sigmoid pair (never
 * fused). */
static void test_fused_forward_equals_unfused_passes(void **state)
{
    static const nnlite_layer_kind kinds[] = {
        NNLITE_LAYER_DENSE, NNLITE_LAYER_RELU,    NNLITE_LAYER_DENSE,
        NNLITE_LAYER_SIGMOID, NNLITE_LAYER_DENSE, NNLITE_LAYER_RELU,
    };
    static const size_t widths[] = {37, 19, 23};
    static const size_t ins[] = {3, 15, 16, 17, 56, 100};
    enum { LAYERS = sizeof(kinds) / sizeof(kinds[0]), MAX_ROWS = 5 };
    float x[MAX_ROWS * 100], y[MAX_ROWS * 23], ref[LAYERS][MAX_ROWS * 37];
    uint64_t seed = 1;
    size_t runs = 0;
    (void)state;
    for (int p = 0; p < NNLITE__PATH_COUNT; p++) {
        for (size_t a = 0; a < sizeof(ins) / sizeof(ins[0]); a++) {
            nnlite_model *m = make_model(p, ins[a], kinds, LAYERS, widths);
            if (m == NULL) {
                continue;
            }
            for (size_t rows = 1; rows <= MAX_ROWS; rows++) {
                nnlite_tensor *tx = NULL, *ty = NULL;
                const float *in = x;
                fill(x, rows * ins[a], &seed);
                x[0] = -x[0]; /* both signs reach the ReLUs */
                assert_int_equal(nnlite_tensor_wrap2d(&tx, x, rows, ins[a]),
                                 NNLITE_OK);
                assert_int_equal(nnlite_tensor_wrap2d(&ty, y, rows, 23),
                                 NNLITE_OK);
                assert_int_equal(nnlite_model_forward(m, tx, ty), NNLITE_OK);
                for (size_t i = 0; i < LAYERS; i++) { /* one at a time */
                    const nnlite_layer *l = m->layers[i];
                    const float *params = m->params + l->param_offset;
                    l->ops->forward(l, params, in, ref[i], rows,
                                    &m->compute);
                    if (!same_bits(ref[i], m->outputs[i], rows * l->out)) {
                        fail_msg("path %d, in %zu, rows %zu: layer %zu "
                                 "differs from the unfused pass",
                                 p, ins[a], rows, i);
                    }
                    in = ref[i];
                }
                assert_true(same_bits(ref[LAYERS - 1], y, rows * 23));
                runs++;
                nnlite_tensor_destroy(tx);
                nnlite_tensor_destroy(ty);
            }
            nnlite_model_destroy(m);
        }
    }
    assert_true(runs >= 6 * MAX_ROWS); /* the generic path at least */
}

/* One sample at a time (the fused GEMV) gives what a batch of four (the
 * GEMM, which fuses nothing) gives, within float rounding: W4's shape,
 * 56 -> 100 ReLU -> 100 ReLU -> 1, and batches of 2 and 3 (still GEMV). */
static void test_fused_one_sample_matches_batch(void **state)
{
    static const nnlite_layer_kind kinds[] = {
        NNLITE_LAYER_DENSE, NNLITE_LAYER_RELU, NNLITE_LAYER_DENSE,
        NNLITE_LAYER_RELU,  NNLITE_LAYER_DENSE,
    };
    static const size_t widths[] = {100, 100, 1};
    float x[4 * 56], batch[4], one[4];
    uint64_t seed = 2;
    size_t paths = 0;
    (void)state;
    for (int p = 0; p < NNLITE__PATH_COUNT; p++) {
        nnlite_model *m = make_model(p, 56, kinds, 5, widths);
        nnlite_tensor *tx = NULL, *ty = NULL;
        if (m == NULL) {
            continue;
        }
        paths++;
        fill(x, 4 * 56, &seed);
        assert_int_equal(nnlite_tensor_wrap2d(&tx, x, 4, 56), NNLITE_OK);
        assert_int_equal(nnlite_tensor_wrap2d(&ty, batch, 4, 1), NNLITE_OK);
        assert_int_equal(nnlite_model_forward(m, tx, ty), NNLITE_OK);
        nnlite_tensor_destroy(tx);
        nnlite_tensor_destroy(ty);
        for (size_t rows = 1; rows <= 3; rows++) {
            for (size_t r = 0; r + rows <= 4; r += rows) {
                assert_int_equal(
                    nnlite_tensor_wrap2d(&tx, x + r * 56, rows, 56),
                    NNLITE_OK);
                assert_int_equal(nnlite_tensor_wrap2d(&ty, one, rows, 1),
                                 NNLITE_OK);
                assert_int_equal(nnlite_model_forward(m, tx, ty),
                                 NNLITE_OK);
                for (size_t i = 0; i < rows; i++) {
                    assert_float_equal(
                        one[i], batch[r + i],
                        1e-5f * (1.0f + fabsf(batch[r + i])));
                }
                nnlite_tensor_destroy(tx);
                nnlite_tensor_destroy(ty);
            }
        }
        nnlite_model_destroy(m);
    }
    assert_true(paths >= 1);
}

/* One training step on one row of a dense -> ReLU -> dense model (the
 * fused forward, then backward reading the stored dense output as the
 * ReLU's input): its gradients are the double-precision reference's
 * (tests/reference), and the step moved every parameter by -lr times
 * them. */
static void check_one_row_step(int p, size_t in, uint64_t *seed)
{
    static const nnlite_layer_kind kinds[] = {
        NNLITE_LAYER_DENSE, NNLITE_LAYER_RELU, NNLITE_LAYER_DENSE};
    enum { HIDDEN = 24, OUT = 3 };
    const size_t widths[] = {HIDDEN, OUT};
    nnlite_model *m = make_model(p, in, kinds, 3, widths);
    nnlite_tensor *tx = NULL, *tt = NULL;
    float x[100], t[OUT], h[HIDDEN], a[HIDDEN], out[OUT], dy[OUT];
    float da[HIDDEN], dh[HIDDEN];
    float loss;
    if (m == NULL) {
        return;
    }
    const size_t count = nnlite_model_param_count(m);
    float *before = test_malloc(count * sizeof(float));
    float *ref = test_calloc(count, sizeof(float));
    assert_non_null(before);
    assert_non_null(ref);
    fill(x, in, seed);
    fill(t, OUT, seed);
    memcpy(before, nnlite_model_params(m), count * sizeof(float));
    assert_int_equal(nnlite_tensor_wrap2d(&tx, x, 1, in), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&tt, t, 1, OUT), NNLITE_OK);
    assert_int_equal(nnlite_model_train_batch(m, tx, tt, &loss), NNLITE_OK);

    /* The reference on the parameters before the step (the ReLU's own
     * ops: they take no compute context). */
    const nnlite_layer *l0 = m->layers[0], *l1 = m->layers[1];
    const nnlite_layer *l2 = m->layers[2];
    float *p0 = before + l0->param_offset, *p2 = before + l2->param_offset;
    reference_dense_forward(p0, x, h, in, HIDDEN, 1);
    l1->ops->forward(l1, NULL, h, a, 1, NULL);
    reference_dense_forward(p2, a, out, HIDDEN, OUT, 1);
    const double want_loss =
        nnlite__mse_ops.compute(m->loss, out, t, 1, OUT, OUT, dy);
    reference_dense_backward(p2, a, dy, da, ref + l2->param_offset, HIDDEN,
                             OUT, 1);
    l1->ops->backward(l1, NULL, h, a, da, dh, NULL, 1, NULL);
    reference_dense_backward(p0, x, dh, NULL, ref + l0->param_offset, in,
                             HIDDEN, 1);

    assert_float_equal(loss, (float)want_loss, 1e-5f * (1.0f + loss));
    const float *g = nnlite_model_grads(m), *now = nnlite_model_params(m);
    for (size_t i = 0; i < count; i++) {
        if (fabsf(g[i] - ref[i]) > 1e-4f * (1.0f + fabsf(ref[i]))) {
            fail_msg("path %d, in %zu: gradient %zu is %.9g, the reference "
                     "give %.9g",
                     p, in, i, (double)g[i], (double)ref[i]);
        }
        assert_float_equal(now[i], before[i] - 0.1f * g[i], 1e-6f);
    }
    nnlite_tensor_destroy(tx);
    nnlite_tensor_destroy(tt);
    test_free(before);
    test_free(ref);
    nnlite_model_destroy(m);
}

static void test_fused_one_row_training_gradients(void **state)
{
    uint64_t seed = 3;
    (void)state;
    for (int p = 0; p < NNLITE__PATH_COUNT; p++) {
        check_one_row_step(p, 20, &seed);
        check_one_row_step(p, 100, &seed);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fused_forward_equals_unfused_passes),
        cmocka_unit_test(test_fused_one_sample_matches_batch),
        cmocka_unit_test(test_fused_one_row_training_gradients),
    };
    return cmocka_run_group_tests_name("fused", tests, NULL, NULL);
}
