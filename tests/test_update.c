/* The optimizer update kernels (update_impl.h): every vector path this CPU
 * has gives the portable path's bits, over lengths that leave every
 * possible tail and ranges that start mid-vector; non-finite results are
 * reported from the vector body and from the tail, with the backup
 * holding the old parameters for the rollback. The arithmetic itself is
 * checked against hand-computed steps in test_optim.c. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "harness.h"

#include "gemm_impl.h"
#include "update_impl.h"

enum { MAX_N = 1000, RULES = 8 };

static const size_t lengths[] = {1, 2, 7, 8, 9, 15, 16, 17, 31, 33, 67,
                                 100, MAX_N};
#define LENGTH_COUNT (sizeof(lengths) / sizeof(lengths[0]))

typedef struct buffers {
    float params[MAX_N], grads[MAX_N], backup[MAX_N];
    float state[3 * MAX_N], next_state[3 * MAX_N];
} buffers;

static float next_value(uint64_t *s) /* [-1, 1) */
{
    *s = *s * 6364136223846793005u + 1442695040888963407u;
    return (float)(*s >> 40) / 8388608.0f - 1.0f;
}

static void fill(buffers *b, uint64_t seed)
{
    memset(b, 0, sizeof(*b));
    for (size_t i = 0; i < MAX_N; i++) {
        b->params[i] = next_value(&seed);
        b->grads[i] = next_value(&seed) * 0.1f;
    }
    /* Squares: Adam's v (at state + n, whatever n) and AMSGrad's vmax
     * (at state + 2n) are never negative. */
    for (size_t i = 0; i < 3 * MAX_N; i++) {
        const float v = next_value(&seed) * 0.1f;
        b->state[i] = v * v;
    }
}

/* Rule r: 0 plain SGD, 1 SGD with weight decay, 2 momentum, 3 Nesterov
 * with weight decay, 4 Adam with L2 decay, 5 AdamW, 6 momentum with
 * dampening 0.3 and weight decay, 7 AMSGrad with L2 decay, at step
 * t = 3. */
static nnlite__update_fn rule(const nnlite__update_kernels *k, int r,
                              nnlite__update *u, buffers *b, size_t n)
{
    *u = (nnlite__update){0};
    u->params = b->params;
    u->grads = b->grads;
    u->backup = b->backup;
    u->state = b->state;
    u->next_state = b->next_state;
    u->n = n;
    u->lr = 0.05f;
    u->weight_decay = r == 1 || r == 3 || r >= 4 ? 0.01f : 0.0f;
    u->dampen = r == 6 ? 1.0f - 0.3f : 1.0f;
    if (r < 2) {
        return k->sgd;
    }
    if (r < 4 || r == 6) {
        u->momentum = 0.9f;
        u->nesterov = r == 3;
        return k->momentum;
    }
    u->beta1 = 0.9f;
    u->beta2 = 0.999f;
    u->epsilon = 1e-8f;
    u->step_size = 0.05f / (1.0f - 0.9f * 0.9f * 0.9f);
    u->bc2_sqrt = 0.0547449f; /* sqrt(1 - 0.999^3) */
    u->decoupled = r == 5;
    u->amsgrad = r == 7;
    u->decay = r == 5 ? 1.0f - 0.05f * 0.01f : 1.0f;
    return k->adam;
}

/* The paths besides the portable one that this build and CPU can run. */
static size_t vector_paths(nnlite__kernel_path *out)
{
    size_t count = 0;
    for (int p = NNLITE__PATH_AVX2; p < NNLITE__PATH_COUNT; p++) {
        if (nnlite__gemm_kernels_for((nnlite__kernel_path)p) != NULL) {
            out[count++] = (nnlite__kernel_path)p;
        }
    }
    return count;
}

static void test_update_paths_match_portable(void **state)
{
    static buffers want, got;
    nnlite__kernel_path paths[NNLITE__PATH_COUNT];
    const size_t path_count = vector_paths(paths);
    const nnlite__update_kernels *portable =
        nnlite__update_kernels_for(NNLITE__PATH_GENERIC);
    nnlite__update uw, ug;
    (void)state;
    for (size_t pi = 0; pi < path_count; pi++) {
        const nnlite__update_kernels *k = nnlite__update_kernels_for(paths[pi]);
        assert_ptr_not_equal(k, portable);
        for (int r = 0; r < RULES; r++) {
            for (size_t li = 0; li < LENGTH_COUNT; li++) {
                const size_t n = lengths[li];
                /* Whole range, then one starting mid-vector. */
                for (size_t i0 = 0; i0 <= (n > 3 ? 3 : 0); i0 += 3) {
                    fill(&want, n + (size_t)r);
                    fill(&got, n + (size_t)r);
                    assert_true(rule(portable, r, &uw, &want, n)(&uw, i0, n));
                    assert_true(rule(k, r, &ug, &got, n)(&ug, i0, n));
                    assert_memory_equal(&want, &got, sizeof(want));
                }
            }
        }
    }
    if (path_count == 0) {
        print_message("no vector path on this CPU: portable path only\n");
    }
}

/* Ranges run separately (as threads run them) give the bits of one run
 * over the whole, whatever the boundary: mid-vector, or at one. */
static void test_update_ranges_match_whole(void **state)
{
    static buffers whole, split;
    nnlite__update uw, us;
    const size_t n = 67, cuts[] = {1, 5, 16, 33, 66};
    const nnlite__update_kernels *k =
        nnlite__update_kernels_for(nnlite__cpu_best_path());
    (void)state;
    for (int r = 0; r < RULES; r++) {
        for (size_t c = 0; c < sizeof(cuts) / sizeof(cuts[0]); c++) {
            fill(&whole, 9);
            fill(&split, 9);
            assert_true(rule(k, r, &uw, &whole, n)(&uw, 0, n));
            nnlite__update_fn fn = rule(k, r, &us, &split, n);
            assert_true(fn(&us, cuts[c], n)); /* either order works */
            assert_true(fn(&us, 0, cuts[c]));
            assert_memory_equal(&whole, &split, sizeof(whole));
        }
    }
}

/* AMSGrad: vmax = max(old vmax, new v), and the step divides by it, for
 * old maxima on both sides of the new v (fill draws them at random). */
static void check_amsgrad(const buffers *b, const buffers *before, size_t n)
{
    size_t kept = 0, grown = 0;
    for (size_t i = 0; i < n; i++) {
        const float old_max = before->state[2 * n + i];
        const float v = b->next_state[n + i];
        const float m = b->next_state[i];
        const float p = before->params[i];
        const float vmax = old_max > v ? old_max : v;
        kept += old_max > v;
        grown += old_max < v;
        assert_true(b->next_state[2 * n + i] == vmax);
        assert_true(b->params[i] ==
                    p - (0.05f / (1.0f - 0.9f * 0.9f * 0.9f)) * m /
                            (sqrtf(vmax) / 0.0547449f + 1e-8f));
    }
    assert_true(kept > 0 && grown > 0);
}

/* The update changes the values: the comparison above is not vacuous. */
static void test_update_changes_and_backs_up(void **state)
{
    static buffers b, before;
    nnlite__update u;
    const nnlite__update_kernels *k =
        nnlite__update_kernels_for(nnlite__cpu_best_path());
    (void)state;
    for (int r = 0; r < RULES; r++) {
        fill(&b, 11);
        before = b;
        assert_true(rule(k, r, &u, &b, 40)(&u, 0, 40));
        for (size_t i = 0; i < 40; i++) {
            assert_true(b.params[i] != before.params[i]);
            assert_true(b.backup[i] == before.params[i]);
        }
        /* State is read, never written: the new one goes to next_state. */
        assert_memory_equal(b.state, before.state, sizeof(b.state));
        if (r >= 2) {
            assert_true(b.next_state[0] != 0.0f);
        }
        /* Plain SGD by hand: p - lr (g + wd p). */
        if (r == 1) {
            const float p = before.params[5], g = before.grads[5];
            assert_true(b.params[5] == p - 0.05f * (g + 0.01f * p));
        }
        /* Dampened momentum by hand: v = mu v + (1 - d) (g + wd p). */
        if (r == 6) {
            const float p = before.params[5];
            const float g = before.grads[5] + 0.01f * p;
            const float v = 0.9f * before.state[5] + 0.7f * g;
            assert_true(b.next_state[5] == v);
            assert_true(b.params[5] == p - 0.05f * v);
        }
        if (r == 7) {
            check_amsgrad(&b, &before, 40);
        }
    }
}

/* An overflow or a NaN in a whole vector or in the masked last one, on
 * every path, is reported; the backup still holds every old parameter. */
static void test_update_reports_non_finite(void **state)
{
    static buffers b, before;
    nnlite__update u;
    const size_t n = 37, spots[] = {0, 15, 20, 31, 32, 36};
    (void)state;
    for (int p = 0; p < NNLITE__PATH_COUNT; p++) {
        if (nnlite__gemm_kernels_for((nnlite__kernel_path)p) == NULL) {
            continue;
        }
        const nnlite__update_kernels *k =
            nnlite__update_kernels_for((nnlite__kernel_path)p);
        for (int r = 0; r < RULES; r++) {
            for (size_t s = 0; s < sizeof(spots) / sizeof(spots[0]); s++) {
                for (int nan = 0; nan < 2; nan++) {
                    fill(&b, 3);
                    /* SGD's p - lr g overflows; Adam's v = g^2 does. */
                    b.grads[spots[s]] = nan ? NAN : -FLT_MAX;
                    b.params[spots[s]] = FLT_MAX;
                    before = b;
                    assert_false(rule(k, r, &u, &b, n)(&u, 0, n));
                    assert_memory_equal(b.backup, before.params,
                                        n * sizeof(float));
                }
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_update_paths_match_portable),
        cmocka_unit_test(test_update_ranges_match_whole),
        cmocka_unit_test(test_update_changes_and_backs_up),
        cmocka_unit_test(test_update_reports_non_finite),
    };
    return cmocka_run_group_tests_name("update", tests, NULL, NULL);
}
