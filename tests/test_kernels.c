/* The float kernels (every dispatch path this CPU has) against a naive
 * double-precision reference, over awkward sizes: 1 to 67, non-multiples
 * of every vector width and tile, reductions longer than one KC block;
 * and the column sums behind a dense layer's bias gradient. */
#define _DEFAULT_SOURCE /* mmap's MAP_ANONYMOUS */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "harness.h"

#include "gemm_impl.h"
#include "model_impl.h"
#include "model_util.h"

static const size_t sizes[] = {1, 2, 3, 7, 8, 16, 17, 31, 33, 67};
#define SIZE_COUNT (sizeof(sizes) / sizeof(sizes[0]))

static float next_value(uint64_t *s) /* [-1, 1) */
{
    *s = *s * 6364136223846793005u + 1442695040888963407u;
    return (float)(*s >> 40) / 8388608.0f - 1.0f;
}

static float *random_floats(size_t n, uint64_t *s)
{
    float *p = test_malloc((n == 0 ? 1 : n) * sizeof(float));
    assert_non_null(p);
    for (size_t i = 0; i < n; i++) {
        p[i] = next_value(s);
    }
    return p;
}

/* |got - exact| within 8 eps sqrt(k) times the sum of |terms|: the typical
 * growth of a float sum's rounding error, with a safety factor. */
static void assert_close(float got, double exact, double magnitude,
                         size_t k)
{
    const double tol =
        8.0 * 1.1920929e-7 * sqrt((double)k + 1.0) * magnitude + 1e-30;
    if (fabs((double)got - exact) > tol) {
        fail_msg("got %.9g, want %.9g (tolerance %.3g, k %zu)",
                 (double)got, exact, tol, k);
    }
}

/* Check one product g (already run) against the double reference; c0 is
 * C before the call. */
static void check_product(const nnlite__gemm_args *g, const float *c0)
{
    for (size_t i = 0; i < g->m; i++) {
        for (size_t j = 0; j < g->n; j++) {
            double s = 0.0, mag = 0.0, base = 0.0;
            for (size_t p = 0; p < g->k; p++) {
                const double t = (double)g->a[i * g->ars + p * g->acs] *
                                 (double)g->b[p * g->brs + j * g->bcs];
                s += t;
                mag += fabs(t);
            }
            if (g->accumulate) {
                base = (double)c0[i * g->ldc + j];
            } else if (g->bias != NULL) {
                base = (double)g->bias[j];
            }
            assert_close(g->c[i * g->ldc + j], base + s, mag + fabs(base),
                         g->k);
        }
    }
}

/* The three products of a dense layer for one shape, on one path. */
static void check_shapes(const nnlite__gemm_kernels *kern, size_t m,
                         size_t n, size_t k, uint64_t *seed)
{
    float *a = random_floats(m * k, seed), *b = random_floats(k * n, seed);
    float *c = random_floats(m * n, seed), *c0 = test_malloc(m * n * 4);
    float *bias = random_floats(n, seed);
    float *pack = test_malloc(nnlite__gemm_pack_floats(n) * sizeof(float));
    assert_non_null(c0);
    assert_non_null(pack);
    /* forward: A as stored, B(p, j) = b[j * k + p] (W^T), plus bias */
    const nnlite__gemm_args fwd = {m, n, k, a, k, 1, b, 1, k, c, n, bias, 0};
    /* dW: A(i, p) = a[p * m + i] (dy^T), accumulate into C */
    const nnlite__gemm_args dw = {m, n, k, a, 1, m, b, n, 1, c, n, NULL, 1};
    /* dx: both as stored, overwrite */
    const nnlite__gemm_args dx = {m, n, k, a, k, 1, b, n, 1, c, n, NULL, 0};
    const nnlite__gemm_args *all[] = {&fwd, &dw, &dx};
    for (size_t t = 0; t < 3; t++) {
        memcpy(c0, c, m * n * sizeof(float));
        nnlite__gemm_cols(kern, all[t], 0, n, pack);
        check_product(all[t], c0);
    }
    test_free(a);
    test_free(b);
    test_free(c);
    test_free(c0);
    test_free(bias);
    test_free(pack);
}

static void test_kernels_gemm_every_path_and_size(void **state)
{
    uint64_t seed = 1;
    size_t paths = 0;
    (void)state;
    for (int p = 0; p < NNLITE__PATH_COUNT; p++) {
        const nnlite__gemm_kernels *kern =
            nnlite__gemm_kernels_for((nnlite__kernel_path)p);
        if (kern == NULL) {
            continue; /* this CPU lacks it */
        }
        paths++;
        for (size_t x = 0; x < SIZE_COUNT; x++) {
            for (size_t y = 0; y < SIZE_COUNT; y++) {
                for (size_t z = 0; z < SIZE_COUNT; z += 3) {
                    check_shapes(kern, sizes[x], sizes[y], sizes[z], &seed);
                }
            }
        }
        /* Reductions over several KC blocks, columns over two NC blocks. */
        check_shapes(kern, 9, 5, 2 * NNLITE__GEMM_KC + 3, &seed);
        check_shapes(kern, 3, NNLITE__GEMM_NC + 17, 4, &seed);
    }
    assert_true(paths >= 1); /* the generic path always exists */
}

static void test_kernels_gemv_every_path_and_size(void **state)
{
    uint64_t seed = 2;
    (void)state;
    for (int p = 0; p < NNLITE__PATH_COUNT; p++) {
        const nnlite__gemm_kernels *kern =
            nnlite__gemm_kernels_for((nnlite__kernel_path)p);
        if (kern == NULL) {
            continue;
        }
        for (size_t n = 1; n <= 67; n++) {
            const size_t k = sizes[n % SIZE_COUNT] + (n > 40 ? 40 : 0);
            float *w = random_floats(n * k, &seed);
            float *x = random_floats(k, &seed), *b = random_floats(n, &seed);
            float *y = random_floats(n, &seed);
            kern->gemv(w, x, (n & 1) ? b : NULL, y, n, k);
            for (size_t j = 0; j < n; j++) {
                double s = (n & 1) ? (double)b[j] : 0.0, mag = fabs(s);
                for (size_t i = 0; i < k; i++) {
                    s += (double)w[j * k + i] * (double)x[i];
                    mag += fabs((double)w[j * k + i] * (double)x[i]);
                }
                assert_close(y[j], s, mag, k);
            }
            test_free(w);
            test_free(x);
            test_free(b);
            test_free(y);
        }
    }
}

static void test_kernels_empty_reduction_gives_bias(void **state)
{
    float c[6] = {9, 9, 9, 9, 9, 9}, bias[3] = {1, 2, 3}, pack[1];
    const float a[1] = {0}, b[1] = {0};
    const nnlite__gemm_args g = {2, 3, 0, a, 0, 1, b, 3, 1, c, 3, bias, 0};
    (void)state;
    nnlite__gemm_cols(&nnlite__gemm_generic, &g, 0, 3, pack);
    for (size_t i = 0; i < 6; i++) {
        assert_float_equal(c[i], bias[i % 3], 0.0f);
    }
}

/* A model trained on each path ends close to the generic one (different
 * summation orders only). */
static void test_kernels_model_paths_agree(void **state)
{
    float x[40 * 5], t[40];
    float ref[200];
    size_t count = 0;
    uint64_t seed = 3;
    (void)state;
    for (size_t i = 0; i < 200; i++) {
        x[i] = next_value(&seed);
    }
    for (size_t i = 0; i < 40; i++) {
        t[i] = x[i * 5] * 0.5f - x[i * 5 + 3];
    }
    for (int p = 0; p < NNLITE__PATH_COUNT; p++) {
        nnlite_model *m = NULL;
        nnlite_tensor *tx = NULL, *tt = NULL;
        nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
        assert_int_equal(nnlite_model_create(&m, 5, 7), NNLITE_OK);
        add_dense(m, 5, 19);
        add_relu(m);
        add_dense(m, 19, 1);
        set_mse(m);
        set_sgd(m, 0.05f, 0.0f);
        if (nnlite__model_force_path(m, p) != NNLITE_OK) {
            nnlite_model_destroy(m);
            continue;
        }
        assert_int_equal(nnlite_tensor_wrap2d(&tx, x, 40, 5), NNLITE_OK);
        assert_int_equal(nnlite_tensor_wrap2d(&tt, t, 40, 1), NNLITE_OK);
        o.epochs = 5;
        o.batch_size = 8;
        assert_int_equal(nnlite_model_fit(m, tx, tt, &o, NULL, NULL),
                         NNLITE_OK);
        count = nnlite_model_param_count(m);
        for (size_t i = 0; i < count; i++) {
            if (p == NNLITE__PATH_GENERIC) {
                ref[i] = nnlite_model_params(m)[i];
            } else {
                assert_float_equal(nnlite_model_params(m)[i], ref[i], 1e-4f);
            }
        }
        nnlite_tensor_destroy(tx);
        nnlite_tensor_destroy(tt);
        nnlite_model_destroy(m);
    }
    assert_true(count > 0);
}

/* `count` floats that end exactly where an inaccessible page begins, so
 * that reading past them faults on every machine, under qemu too, where
 * no sanitizer runs. Release with guarded_free. */
typedef struct guarded {
    void *base;
    size_t length;
    float *floats;
} guarded;

static guarded guarded_floats(size_t count)
{
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    const size_t bytes = count * sizeof(float);
    const size_t data_pages = (bytes + page - 1) / page;
    guarded g;
    g.length = (data_pages + 1) * page;
    g.base = mmap(NULL, g.length, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(g.base != MAP_FAILED);
    unsigned char *guard = (unsigned char *)g.base + data_pages * page;
    assert_int_equal(mprotect(guard, page, PROT_NONE), 0);
    g.floats = (float *)(void *)(guard - bytes);
    return g;
}

static void guarded_free(guarded *g)
{
    assert_int_equal(munmap(g->base, g->length), 0);
}

/* Every GEMV row length from 0 to 300 floats (one to sixteen vectors of
 * x held in registers, the short and long rows of dot8, a partial last
 * vector) for odd and even row counts, none a multiple of 8 or 16. W ends
 * where an inaccessible page begins, so a read past it faults on every
 * machine; x is followed by NaNs, which reach the result if any lane past
 * k is summed. */
static void test_kernels_gemv_every_row_length(void **state)
{
    enum { MAX_K = 300, MAX_N = 19, GUARD = 16 };
    static const size_t rows[] = {1, 2, 3, 9, 18, MAX_N};
    uint64_t seed = 4;
    guarded wguard = guarded_floats(MAX_N * MAX_K);
    float *wbuf = wguard.floats;
    float *xbuf = malloc((MAX_K + GUARD) * sizeof(float));
    float *b = random_floats(MAX_N, &seed), *y = test_malloc(MAX_N * 4);
    (void)state;
    assert_non_null(wbuf);
    assert_non_null(xbuf);
    assert_non_null(y);
    for (size_t i = MAX_K; i < MAX_K + GUARD; i++) {
        xbuf[i] = NAN;
    }
    for (int p = 0; p < NNLITE__PATH_COUNT; p++) {
        const nnlite__gemm_kernels *kern =
            nnlite__gemm_kernels_for((nnlite__kernel_path)p);
        if (kern == NULL) {
            continue;
        }
        for (size_t k = 0; k <= MAX_K; k++) {
            for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
                const size_t n = rows[r];
                float *w = wbuf + MAX_N * MAX_K - n * k;
                float *x = xbuf + MAX_K - k;
                const float *bias = (k + n) & 1 ? b : NULL;
                for (size_t i = 0; i < n * k; i++) {
                    w[i] = next_value(&seed);
                }
                for (size_t i = 0; i < k; i++) {
                    x[i] = next_value(&seed);
                }
                for (size_t j = 0; j < n; j++) {
                    y[j] = 1e30f; /* caught if left unwritten */
                }
                kern->gemv(w, x, bias, y, n, k);
                for (size_t j = 0; j < n; j++) {
                    double s = bias != NULL ? (double)bias[j] : 0.0;
                    double mag = fabs(s);
                    for (size_t i = 0; i < k; i++) {
                        const double t = (double)w[j * k + i] * (double)x[i];
                        s += t;
                        mag += fabs(t);
                    }
                    if (isnan(y[j])) {
                        fail_msg("row %zu of %zu, k %zu: NaN", j, n, k);
                    }
                    assert_close(y[j], s, mag, k);
                }
            }
        }
    }
    guarded_free(&wguard);
    free(xbuf);
    test_free(b);
    test_free(y);
}

/* Bits of a float (NaNs compare by their bits too). */
static uint32_t bits_of(float v)
{
    uint32_t u;
    memcpy(&u, &v, sizeof(u));
    return u;
}

/* ReLU values the fused GEMV must produce: NaN, infinities, negatives,
 * zero, positives and the smallest subnormal, from the bias alone (a
 * zero row) or through the dot product (a NaN weight). (-0 cannot occur:
 * the bias is added to a sum that starts at +0.) */
static const float relu_biases[7] = {NAN, -INFINITY, -1.5f, 0.0f,
                                     INFINITY, 2.5f, FLT_TRUE_MIN};

/* gemv_relu gives gemv's y bit for bit and r = y > 0 ? y : 0 (NaN to
 * +0, as the ReLU layer), on every path, for every row length from 0
 * to 300 floats and awkward row counts (one, part of a 4-row group, one
 * and two 16-row blocks plus a tail). W ends where its malloc block ends
 * (AddressSanitizer sees a read past it); y and r are followed by guard
 * values that must survive. */
static void test_kernels_gemv_relu_matches_gemv_every_path(void **state)
{
    enum { MAX_K = 300, MAX_N = 40, GUARD = 8 };
    static const size_t rows[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31,
                                  33, MAX_N};
    uint64_t seed = 5;
    float *wbuf = malloc(MAX_N * MAX_K * sizeof(float));
    float *x = random_floats(MAX_K, &seed), *b = random_floats(MAX_N, &seed);
    float *y1 = test_malloc((MAX_N + GUARD) * sizeof(float));
    float *y2 = test_malloc((MAX_N + GUARD) * sizeof(float));
    float *r = test_malloc((MAX_N + GUARD) * sizeof(float));
    size_t paths = 0;
    (void)state;
    assert_non_null(wbuf);
    assert_non_null(y1);
    assert_non_null(y2);
    assert_non_null(r);
    for (int p = 0; p < NNLITE__PATH_COUNT; p++) {
        const nnlite__gemm_kernels *kern =
            nnlite__gemm_kernels_for((nnlite__kernel_path)p);
        if (kern == NULL) {
            continue;
        }
        paths++;
        assert_non_null(kern->gemv_relu);
        for (size_t k = 0; k <= MAX_K; k++) {
            for (size_t q = 0; q < sizeof(rows) / sizeof(rows[0]); q++) {
                const size_t n = rows[q];
                float *w = wbuf + MAX_N * MAX_K - n * k;
                const float *bias = (k + n) % 3 == 0 ? NULL : b;
                for (size_t i = 0; i < n * k; i++) {
                    w[i] = next_value(&seed);
                }
                for (size_t j = 0; j < n && bias != NULL; j++) {
                    b[j] = j % 4 == 1 ? relu_biases[(j / 4 + k) % 7]
                                      : next_value(&seed);
                    if (j % 4 == 1 && k > 0) { /* y is the bias alone */
                        memset(w + j * k, 0, k * sizeof(float));
                    }
                }
                if (n > 2 && k > 0) {
                    w[2 * k + k / 2] = NAN; /* row 2 gives NaN */
                }
                for (size_t j = 0; j < n + GUARD; j++) {
                    y1[j] = y2[j] = r[j] = 1e30f;
                }
                kern->gemv(w, x, bias, y1, n, k);
                kern->gemv_relu(w, x, bias, y2, r, n, k);
                for (size_t j = 0; j < n; j++) {
                    const float want = y1[j] > 0.0f ? y1[j] : 0.0f;
                    if (bits_of(y2[j]) != bits_of(y1[j]) ||
                        bits_of(r[j]) != bits_of(want)) {
                        fail_msg("%s, n %zu, k %zu, row %zu: y %.9g r %.9g,"
                                 " want y %.9g r %.9g",
                                 kern->name, n, k, j, (double)y2[j],
                                 (double)r[j], (double)y1[j], (double)want);
                    }
                }
                for (size_t j = n; j < n + GUARD; j++) {
                    assert_true(y1[j] == 1e30f && y2[j] == 1e30f &&
                                r[j] == 1e30f);
                }
            }
        }
    }
    assert_true(paths >= 1);
    free(wbuf);
    test_free(x);
    test_free(b);
    test_free(y1);
    test_free(y2);
    test_free(r);
}

/* ---- column sums (a dense layer's bias gradient) ---------------------- */

/* Within one rounding to float plus rows 2^-52 of the sum of |terms| of
 * the sum taken in long double, for 0 to 70 rows and column counts on
 * both sides of every path's block of columns; every path gives the
 * portable path's bits, and a column's bits do not depend on how many
 * columns there are. */
static void test_kernels_column_sums_accurate(void **state)
{
    enum { MAX_ROWS = 70, MAX_COLS = 70 };
    static const size_t widths[] = {1, 7, 8, 9, 16, 17, 31, 32, 33, 70};
    uint64_t seed = 6;
    float *a = random_floats(MAX_ROWS * MAX_COLS, &seed);
    float sums[MAX_COLS], generic[MAX_COLS], narrow[1], col[MAX_ROWS];
    size_t paths = 0;
    (void)state;
    for (int p = 0; p < NNLITE__PATH_COUNT; p++) {
        const nnlite__gemm_kernels *kern =
            nnlite__gemm_kernels_for((nnlite__kernel_path)p);
        if (kern == NULL) {
            continue;
        }
        paths++;
        for (size_t rows = 0; rows <= MAX_ROWS; rows++) {
            for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]);
                 w++) {
                const size_t cols = widths[w];
                kern->column_sums(a, rows, cols, sums);
                nnlite__gemm_generic.column_sums(a, rows, cols, generic);
                assert_memory_equal(sums, generic, cols * sizeof(float));
                for (size_t j = 0; j < cols; j++) {
                    long double exact = 0.0L, mag = 0.0L;
                    for (size_t i = 0; i < rows; i++) {
                        exact += (long double)a[i * cols + j];
                        mag += fabsl((long double)a[i * cols + j]);
                    }
                    const long double bound =
                        fabsl(exact) * 0x1p-24L +
                        (long double)rows * 0x1p-52L * mag;
                    if (fabsl((long double)sums[j] - exact) > bound) {
                        fail_msg("%s, rows %zu, cols %zu, column %zu: %.9g, "
                                 "exact %.9Lg",
                                 kern->name, rows, cols, j, (double)sums[j],
                                 exact);
                    }
                }
                /* Column 0 copied out and summed alone: the same bits. */
                for (size_t i = 0; i < rows; i++) {
                    col[i] = a[i * cols];
                }
                kern->column_sums(col, rows, 1, narrow);
                assert_memory_equal(narrow, sums, sizeof(float));
            }
        }
    }
    assert_true(paths >= 1);
    test_free(a);
}

/* Even batches of +-s, half of each sign, from 2 to 128 rows, each of 40
 * columns in its own random order (so every path's blocks of columns
 * and its one-column tail are used), ten times over, on every path:
 * every sum is exactly 0. s is an MAE gradient, 1/(3 rows): not a power
 * of two. (Float sums row by row leave a leftover from 6 rows on; a
 * pairwise float tree from 20.) */
static void test_kernels_column_sums_cancel_exactly(void **state)
{
    enum { MAX_ROWS = 128, COLS = 40, TRIES = 10 };
    static float a[MAX_ROWS * COLS];
    float sums[COLS];
    uint64_t seed = 7;
    size_t checked = 0;
    (void)state;
    for (size_t rows = 2; rows <= MAX_ROWS; rows += 2) {
        const float s = 1.0f / (float)(3 * rows);
        for (size_t t = 0; t < TRIES; t++) {
            for (size_t j = 0; j < COLS; j++) {
                for (size_t i = 0; i < rows; i++) {
                    a[i * COLS + j] = i < rows / 2 ? s : -s;
                }
                for (size_t i = rows - 1; i > 0; i--) { /* Fisher-Yates */
                    seed = seed * 6364136223846793005u +
                           1442695040888963407u;
                    const size_t k = (size_t)(seed >> 33) % (i + 1);
                    const float v = a[i * COLS + j];
                    a[i * COLS + j] = a[k * COLS + j];
                    a[k * COLS + j] = v;
                }
            }
            for (int p = 0; p < NNLITE__PATH_COUNT; p++) {
                const nnlite__gemm_kernels *kern =
                    nnlite__gemm_kernels_for((nnlite__kernel_path)p);
                if (kern == NULL) {
                    continue;
                }
                kern->column_sums(a, rows, COLS, sums);
                for (size_t j = 0; j < COLS; j++) {
                    if (sums[j] != 0.0f) {
                        fail_msg("%s, %zu rows, column %zu: sum %.9g",
                                 kern->name, rows, j, (double)sums[j]);
                    }
                }
                checked++;
            }
        }
    }
    assert_true(checked >= 64 * TRIES);
}

/* The case that showed the leftover: a dense 1 -> 3 layer at W = b = 0,
 * x = 1, MAE on a batch whose targets are +-1, as many of each sign in
 * each column, one Adam step at lr 1e-3. The exact bias gradient is 0,
 * so PyTorch (float32 and float64) leaves the bias at exactly 0; so must
 * nnlite, on every path: 8 rows (the case as reported) and 32 (the
 * default batch; its first column is an order that a pairwise float sum
 * gets wrong). (W's gradient goes through the GEMM, which sums its
 * reduction in blocks of fused multiply-adds, as PyTorch's does.) */
static void check_bias_gradient_zero(int p, size_t rows, const char *signs)
{
    float x[32], targets[32 * 3], loss;
    nnlite_model *m = NULL;
    nnlite_loss *mae = NULL;
    nnlite_optimizer *adam = NULL;
    nnlite_tensor *tx = NULL, *tt = NULL;
    for (size_t r = 0; r < rows; r++) {
        x[r] = 1.0f;
        targets[3 * r] = signs[r] == '+' ? 1.0f : -1.0f;
        targets[3 * r + 1] = r % 2 == 0 ? 1.0f : -1.0f;
        targets[3 * r + 2] = r < rows / 2 ? 1.0f : -1.0f;
    }
    assert_int_equal(nnlite_model_create(&m, 1, 1), NNLITE_OK);
    add_dense(m, 1, 3);
    assert_int_equal(nnlite_loss_mae_create(&mae), NNLITE_OK);
    assert_int_equal(nnlite_model_set_loss(m, mae), NNLITE_OK);
    assert_int_equal(nnlite_adam_create(&adam, 1e-3f, 0.9f, 0.999f, 1e-8f),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(m, adam), NNLITE_OK);
    assert_int_equal(nnlite__model_force_path(m, p), NNLITE_OK);
    memset(nnlite_model_params(m), 0, 6 * sizeof(float));
    assert_int_equal(nnlite_tensor_wrap2d(&tx, x, rows, 1), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&tt, targets, rows, 3), NNLITE_OK);
    assert_int_equal(nnlite_model_compute_gradients(m, tx, tt, &loss),
                     NNLITE_OK);
    const float *g = nnlite_model_grads(m);
    const float *params = nnlite_model_params(m);
    for (size_t o = 0; o < 3; o++) {
        if (g[3 + o] != 0.0f) {
            fail_msg("path %d, %zu rows: bias gradient %zu is %.9g, not 0",
                     p, rows, o, (double)g[3 + o]);
        }
    }
    assert_int_equal(nnlite_model_apply_gradients(m), NNLITE_OK);
    for (size_t o = 0; o < 3; o++) {
        assert_true(params[3 + o] == 0.0f);
    }
    nnlite_tensor_destroy(tx);
    nnlite_tensor_destroy(tt);
    nnlite_model_destroy(m);
}

static void test_kernels_bias_gradient_zero_when_terms_cancel(void **state)
{
    size_t paths = 0;
    (void)state;
    for (int p = 0; p < NNLITE__PATH_COUNT; p++) {
        if (nnlite__gemm_kernels_for((nnlite__kernel_path)p) == NULL) {
            continue;
        }
        paths++;
        check_bias_gradient_zero(p, 8, "++++----");
        check_bias_gradient_zero(p, 32, "+++-++++------++--++-+-+----+-++");
    }
    assert_true(paths >= 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kernels_gemm_every_path_and_size),
        cmocka_unit_test(test_kernels_gemv_every_path_and_size),
        cmocka_unit_test(test_kernels_gemv_every_row_length),
        cmocka_unit_test(test_kernels_gemv_relu_matches_gemv_every_path),
        cmocka_unit_test(test_kernels_empty_reduction_gives_bias),
        cmocka_unit_test(test_kernels_model_paths_agree),
        cmocka_unit_test(test_kernels_column_sums_accurate),
        cmocka_unit_test(test_kernels_column_sums_cancel_exactly),
        cmocka_unit_test(test_kernels_bias_gradient_zero_when_terms_cancel),
    };
    return cmocka_run_group_tests_name("kernels", tests, NULL, NULL);
}
