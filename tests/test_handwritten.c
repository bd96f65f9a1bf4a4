/* Online training (fit with batch_size 1) against the same network
 * written by hand (reference/handwritten_w3.h, the W3 floor of
 * bench/compare.py): from the same weights on the same rows, every
 * parameter and every epoch's loss come out bit for bit the same, on
 * every kernel path this CPU has. An independent check of the whole
 * one-row step (dense, sigmoid, MSE, backward, SGD), and what lets the
 * benchmark call the hand-written loop the same computation. */
#include <math.h>
#include <string.h>

#include "harness.h"

#include "reference/handwritten_w3.h"
#include "model_impl.h"
#include "gemm_impl.h"
#include "model_util.h"

enum { ROWS = 300, EPOCHS = 3 };

static float next_value(uint64_t *s) /* [-1, 1) */
{
    *s = *s * 6364136223846793005u + 1442695040888963407u;
    return (float)(*s >> 40) / 8388608.0f - 1.0f;
}

typedef struct losses {
    float value[EPOCHS];
    size_t count;
} losses;

static int record_loss(const nnlite_epoch_stats *stats, void *user)
{
    losses *l = user;
    if (l->count < EPOCHS) {
        l->value[l->count] = stats->train_loss;
    }
    l->count++;
    return 0;
}

/* Trains nnlite on path p and the hand-written net from the same weights;
 * false when this CPU lacks the path. */
static int compare_on_path(int p, float lr, float weight_scale)
{
    static float x[ROWS * HW_IN], t[ROWS];
    uint64_t s = 99;
    hw_net hand;
    nnlite_model *m = NULL;
    nnlite_tensor *tx = NULL, *tt = NULL;
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    losses seen = {{0}, 0};

    for (size_t i = 0; i < ROWS * HW_IN; i++) {
        x[i] = next_value(&s);
    }
    for (size_t r = 0; r < ROWS; r++) { /* a target a sigmoid net can fit */
        t[r] = 0.5f * x[r * HW_IN] - x[r * HW_IN + 3] * x[r * HW_IN + 6];
    }
    for (int i = 0; i < HW_PARAMS; i++) {
        hand.p[i] = weight_scale * next_value(&s);
    }

    test_alloc_state st = {0};
    const nnlite_allocator a = test_allocator(&st);
    assert_int_equal(nnlite_model_create_advanced(&m, HW_IN, 1, &a),
                     NNLITE_OK);
    add_dense(m, HW_IN, HW_HIDDEN);
    add_sigmoid(m);
    add_dense(m, HW_HIDDEN, 1);
    set_mse(m);
    set_sgd(m, lr, 0.0f);
    if (nnlite__model_force_path(m, p) != NNLITE_OK) {
        nnlite_model_destroy(m);
        return 0;
    }
    print_message("path %d, lr %g\n", p, (double)lr);
    assert_int_equal(nnlite_model_param_count(m), HW_PARAMS);
    memcpy(nnlite_model_params(m), hand.p, sizeof(hand.p));
    assert_int_equal(nnlite_tensor_wrap2d(&tx, x, ROWS, HW_IN), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&tt, t, ROWS, 1), NNLITE_OK);
    o.batch_size = 1;
    o.shuffle = 0;
    o.epochs = EPOCHS;
    assert_int_equal(nnlite_model_fit(m, tx, tt, &o, record_loss, &seen),
                     NNLITE_OK);

    assert_int_equal(seen.count, EPOCHS);
    for (int e = 0; e < EPOCHS; e++) {
        const float expected = (float)hw_epoch(&hand, x, t, ROWS, lr);
        assert_true(isfinite(expected));
        assert_memory_equal(&seen.value[e], &expected, sizeof(float));
    }
    assert_memory_equal(nnlite_model_params(m), hand.p, sizeof(hand.p));

    nnlite_tensor_destroy(tx);
    nnlite_tensor_destroy(tt);
    nnlite_model_destroy(m);
    assert_int_equal(st.live, 0);
    return 1;
}

static void test_handwritten_online_fit_same_bits(void **state)
{
    int paths = 0;
    (void)state;
    for (int p = 0; p < NNLITE__PATH_COUNT; p++) {
        if (compare_on_path(p, 1e-3f, 0.5f)) {
            paths++;
        }
    }
    assert_true(paths >= 1); /* the portable path is always there */
}

/* A large step and large weights: saturated sigmoids (e^-|x| tiny, the
 * select of the numerator matters) and parameters that move a lot. */
static void test_handwritten_online_fit_large_steps(void **state)
{
    (void)state;
    for (int p = 0; p < NNLITE__PATH_COUNT; p++) {
        compare_on_path(p, 0.05f, 8.0f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handwritten_online_fit_same_bits),
        cmocka_unit_test(test_handwritten_online_fit_large_steps),
    };
    return cmocka_run_group_tests_name("handwritten", tests, NULL, NULL);
}
