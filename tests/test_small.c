/* The one-sample passes of small dense layers (small_impl.h) on every path
 * this CPU has: forward against a double-precision reference, backward
 * bit for bit against the portable loops (and those against the
 * reference), over every input width they take and awkward output counts,
 * with and without the input gradient. */
#include <math.h>
#include <string.h>

#include "harness.h"

#include "gemm_impl.h"
#include "small_impl.h"

enum { MAX_OUT = 33 };

static const size_t outs[] = {1, 2, 3, 7, 16, 17, MAX_OUT};
#define OUT_COUNT (sizeof(outs) / sizeof(outs[0]))

static float next_value(uint64_t *s) /* [-1, 1) */
{
    *s = *s * 6364136223846793005u + 1442695040888963407u;
    return (float)(*s >> 40) / 8388608.0f - 1.0f;
}

/* One layer's operands, with a guard after each output buffer. */
typedef struct operands {
    float w[MAX_OUT * NNLITE__SMALL_IN], x[NNLITE__SMALL_IN];
    float b[MAX_OUT], dy[MAX_OUT];
    float y[MAX_OUT + 1], dx[NNLITE__SMALL_IN + 1];
    float dw[MAX_OUT * NNLITE__SMALL_IN + 1], db[MAX_OUT + 1];
} operands;

static void fill(operands *o, uint64_t seed)
{
    float *all = (float *)o;
    for (size_t i = 0; i < sizeof(*o) / sizeof(float); i++) {
        all[i] = next_value(&seed);
    }
}

/* |got - exact| within 8 eps sqrt(k + 1) times the sum of |terms|. */
static void assert_close(float got, double exact, double magnitude,
                         size_t k)
{
    const double tol =
        8.0 * 1.1920929e-7 * sqrt((double)k + 1.0) * magnitude + 1e-30;
    if (fabs((double)got - exact) > tol) {
        fail_msg("got %.9g, want %.9g (k %zu)", (double)got, exact, k);
    }
}

static void check_forward(const nnlite__small_kernels *k, size_t in,
                          size_t out)
{
    static operands o;
    fill(&o, in * 100 + out);
    const float guard = o.y[out];
    k->forward(o.w, o.x, o.b, o.y, out, in);
    for (size_t j = 0; j < out; j++) {
        double s = o.b[j], mag = fabs((double)o.b[j]);
        for (size_t i = 0; i < in; i++) {
            s += (double)o.w[j * in + i] * (double)o.x[i];
            mag += fabs((double)o.w[j * in + i] * (double)o.x[i]);
        }
        assert_close(o.y[j], s, mag, in);
    }
    assert_true(o.y[out] == guard); /* nothing written past y */
}

/* Backward on path k equals the portable loops' bits, which equal the
 * reference: dW and db exactly (one product each), dx within rounding. */
static void check_backward(const nnlite__small_kernels *k, size_t in,
                           size_t out, int with_dx)
{
    static operands got, want;
    const nnlite__small_kernels *portable = &nnlite__small_generic;
    fill(&got, in * 1000 + out);
    want = got;
    k->backward(got.w, got.x, got.dy, with_dx ? got.dx : NULL, got.dw,
                got.db, in, out);
    portable->backward(want.w, want.x, want.dy, with_dx ? want.dx : NULL,
                       want.dw, want.db, in, out);
    assert_memory_equal(&got, &want, sizeof(got)); /* guards included */
    for (size_t j = 0; j < out; j++) {
        assert_true(got.db[j] == got.dy[j]);
        for (size_t i = 0; i < in; i++) {
            assert_true(got.dw[j * in + i] == got.dy[j] * got.x[i]);
        }
    }
    for (size_t i = 0; with_dx && i < in; i++) {
        double s = 0.0, mag = 0.0;
        for (size_t j = 0; j < out; j++) {
            s += (double)got.dy[j] * (double)got.w[j * in + i];
            mag += fabs((double)got.dy[j] * (double)got.w[j * in + i]);
        }
        assert_close(got.dx[i], s, mag, out);
    }
}

static void test_small_every_path_and_size(void **state)
{
    (void)state;
    for (int p = 0; p < NNLITE__PATH_COUNT; p++) {
        if (nnlite__gemm_kernels_for((nnlite__gemm_path)p) == NULL) {
            continue;
        }
        const nnlite__small_kernels *k =
            nnlite__small_kernels_for((nnlite__gemm_path)p);
        for (size_t in = 1; in < NNLITE__SMALL_IN; in++) {
            for (size_t j = 0; j < OUT_COUNT; j++) {
                check_forward(k, in, outs[j]);
                check_backward(k, in, outs[j], 1);
                check_backward(k, in, outs[j], 0);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_every_path_and_size),
    };
    return cmocka_run_group_tests_name("small", tests, NULL, NULL);
}
