/* Portable kernels: plain C on fixed-size tiles, which compilers map onto
 * whatever vector unit the target has. Every architecture builds these. */
#include "gemm_impl.h"

#define MR 4
#define NR 8

/* Read small products in place (no packing scratch) where the compiler
 * has no vector unit to turn tile_generic's loops into vector code (a
 * Cortex-M4, armhf without NEON, s390x before z13): there the strided
 * tile costs about what packing does. With one, the packed tile is
 * faster (1.8 times for a 56 -> 16 layer at batch 64 on x86-64), so
 * products are packed. */
#if defined(__SSE2__) || defined(__ARM_NEON) || defined(__VEC__) ||          \
    defined(__ALTIVEC__) || defined(__riscv_vector) ||                      \
    defined(__wasm_simd128__)
#define SMALL_IN_PLACE 0
#else
#define SMALL_IN_PLACE 1
#endif

static void tile_generic(size_t k, const float *a, size_t ars, size_t acs,
                         const float *b, size_t ldb, float *c, size_t ldc,
                         size_t mr, size_t nr, int accumulate,
                         const float *bias)
{
    float acc[MR][NR] = {{0}};
    const float *row[MR];
    /* Rows past mr repeat the last real row: computed, never stored. */
    for (size_t r = 0; r < MR; r++) {
        row[r] = a + (r < mr ? r : mr - 1) * ars;
    }
    for (size_t p = 0; p < k; p++) {
        const float *bp = b + p * ldb;
        for (size_t r = 0; r < MR; r++) {
            const float ar = row[r][p * acs];
            for (size_t j = 0; j < NR; j++) {
                acc[r][j] += ar * bp[j];
            }
        }
    }
    for (size_t r = 0; r < mr; r++) {
        float *cr = c + r * ldc;
        for (size_t j = 0; j < nr; j++) {
            const float base =
                accumulate ? cr[j] : bias != NULL ? bias[j] : 0.0f;
            cr[j] = base + acc[r][j];
        }
    }
}

/* tile_generic with B read in place, B(p, j) = b[p * brs + j * bcs]:
 * the same multiply-adds in the same order for every column it stores
 * (tile_generic's columns past nr see packed zeros and are never
 * stored), so the same bits as packing B first. For products too small
 * for packing to pay (gemm.c), it saves the scratch. */
static void tile_strided_generic(size_t k, const float *a, size_t ars,
                                 size_t acs, const float *b, size_t brs,
                                 size_t bcs, float *c, size_t ldc,
                                 size_t mr, size_t nr, int accumulate,
                                 const float *bias)
{
    float acc[MR][NR] = {{0}};
    const float *row[MR];
    for (size_t r = 0; r < MR; r++) {
        row[r] = a + (r < mr ? r : mr - 1) * ars;
    }
    for (size_t p = 0; p < k; p++) {
        const float *bp = b + p * brs;
        for (size_t r = 0; r < MR; r++) {
            const float ar = row[r][p * acs];
            for (size_t j = 0; j < nr; j++) {
                acc[r][j] += ar * bp[j * bcs];
            }
        }
    }
    for (size_t r = 0; r < mr; r++) {
        float *cr = c + r * ldc;
        for (size_t j = 0; j < nr; j++) {
            const float base =
                accumulate ? cr[j] : bias != NULL ? bias[j] : 0.0f;
            cr[j] = base + acc[r][j];
        }
    }
}

/* y = bias + W x, and r = relu(y) unless r is NULL: one loop for both
 * table entries, so the fused one gives gemv's bits. */
static inline void gemv_body(const float *w, const float *x,
                             const float *bias, float *y, float *r,
                             size_t n, size_t k)
{
    for (size_t j = 0; j < n; j++) {
        const float *wj = w + j * k;
        float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
        size_t p = 0;
        for (; p + 4 <= k; p += 4) {
            s0 += wj[p] * x[p];
            s1 += wj[p + 1] * x[p + 1];
            s2 += wj[p + 2] * x[p + 2];
            s3 += wj[p + 3] * x[p + 3];
        }
        for (; p < k; p++) {
            s0 += wj[p] * x[p];
        }
        const float v =
            (bias != NULL ? bias[j] : 0.0f) + ((s0 + s1) + (s2 + s3));
        y[j] = v;
        if (r != NULL) {
            r[j] = v > 0.0f ? v : 0.0f;
        }
    }
}

static void gemv_generic(const float *w, const float *x, const float *bias,
                         float *y, size_t n, size_t k)
{
    gemv_body(w, x, bias, y, NULL, n, k);
}

static void gemv_relu_generic(const float *w, const float *x,
                              const float *bias, float *y, float *r,
                              size_t n, size_t k)
{
    gemv_body(w, x, bias, y, r, n, k);
}

#define TARGET
#define BLOCK 8 /* 8 doubles: four 128-bit accumulators */
#define COLUMN_SUMS_FN column_sums_generic
#include "column_sums_impl.h"

const nnlite__gemm_kernels nnlite__gemm_generic = {
    NNLITE__PATH_GENERIC, "generic", MR, NR, 0, tile_generic, gemv_generic,
    NULL, gemv_relu_generic, column_sums_generic, tile_strided_generic,
    SMALL_IN_PLACE,
};
