/* NEON kernels for aarch64, where Advanced SIMD is part of every core
 * (no run-time check): an 8 x 8 micro-tile (16 accumulators of 4 floats,
 * of the 32 q-registers) over packed B panels, and a GEMV that keeps four
 * vectors of partial sums per row. Multiply-adds are fused (vfmaq), as on
 * the x86 paths; the tests hold them to the double-precision reference. */
#include "gemm_impl.h"

#if defined(__aarch64__) && defined(__ARM_NEON)
#include <arm_neon.h>

#define MR 8
#define NR 8

static void tile_neon(size_t k, const float *a, size_t ars, size_t acs,
                      const float *b, size_t ldb, float *c, size_t ldc,
                      size_t mr, size_t nr, int accumulate,
                      const float *bias)
{
    float32x4_t lo[MR], hi[MR];
    const float *row[MR];
    /* Rows past mr repeat the last real row: computed, never stored. */
    for (size_t r = 0; r < MR; r++) {
        lo[r] = hi[r] = vdupq_n_f32(0.0f);
        row[r] = a + (r < mr ? r : mr - 1) * ars;
    }
    for (size_t p = 0; p < k; p++) {
        /* A packed panel: NR floats a row, zeros past nr. */
        const float32x4_t b0 = vld1q_f32(b + p * ldb);
        const float32x4_t b1 = vld1q_f32(b + p * ldb + 4);
        for (size_t r = 0; r < MR; r++) {
            const float ar = row[r][p * acs];
            lo[r] = vfmaq_n_f32(lo[r], b0, ar);
            hi[r] = vfmaq_n_f32(hi[r], b1, ar);
        }
    }
    for (size_t r = 0; r < mr; r++) {
        float *cr = c + r * ldc;
        if (nr == NR) {
            float32x4_t base0, base1;
            if (accumulate) {
                base0 = vld1q_f32(cr);
                base1 = vld1q_f32(cr + 4);
            } else if (bias != NULL) {
                base0 = vld1q_f32(bias);
                base1 = vld1q_f32(bias + 4);
            } else {
                base0 = base1 = vdupq_n_f32(0.0f);
            }
            vst1q_f32(cr, vaddq_f32(base0, lo[r]));
            vst1q_f32(cr + 4, vaddq_f32(base1, hi[r]));
            continue;
        }
        float sum[NR];
        vst1q_f32(sum, lo[r]);
        vst1q_f32(sum + 4, hi[r]);
        for (size_t j = 0; j < nr; j++) {
            const float base =
                accumulate ? cr[j] : bias != NULL ? bias[j] : 0.0f;
            cr[j] = base + sum[j];
        }
    }
}

/* y = bias + W x, and r = relu(y) unless r is NULL: one loop for both
 * table entries, so the fused one gives gemv's bits. Each row: four
 * vectors of partial sums over 16 floats at a time, then 4 at a time,
 * then the last few in scalars; nothing past k is read. */
static inline void gemv_body(const float *w, const float *x,
                             const float *bias, float *y, float *r,
                             size_t n, size_t k)
{
    for (size_t j = 0; j < n; j++) {
        const float *wj = w + j * k;
        float32x4_t s0 = vdupq_n_f32(0.0f), s1 = s0, s2 = s0, s3 = s0;
        size_t p = 0;
        for (; p + 16 <= k; p += 16) {
            s0 = vfmaq_f32(s0, vld1q_f32(wj + p), vld1q_f32(x + p));
            s1 = vfmaq_f32(s1, vld1q_f32(wj + p + 4), vld1q_f32(x + p + 4));
            s2 = vfmaq_f32(s2, vld1q_f32(wj + p + 8), vld1q_f32(x + p + 8));
            s3 = vfmaq_f32(s3, vld1q_f32(wj + p + 12),
                           vld1q_f32(x + p + 12));
        }
        for (; p + 4 <= k; p += 4) {
            s0 = vfmaq_f32(s0, vld1q_f32(wj + p), vld1q_f32(x + p));
        }
        float s = vaddvq_f32(vaddq_f32(vaddq_f32(s0, s1), vaddq_f32(s2, s3)));
        for (; p < k; p++) {
            s += wj[p] * x[p];
        }
        const float v = (bias != NULL ? bias[j] : 0.0f) + s;
        y[j] = v;
        if (r != NULL) {
            r[j] = v > 0.0f ? v : 0.0f; /* NaN and -0 give +0 */
        }
    }
}

static void gemv_neon(const float *w, const float *x, const float *bias,
                      float *y, size_t n, size_t k)
{
    gemv_body(w, x, bias, y, NULL, n, k);
}

static void gemv_relu_neon(const float *w, const float *x, const float *bias,
                           float *y, float *r, size_t n, size_t k)
{
    gemv_body(w, x, bias, y, r, n, k);
}

#define TARGET
#define BLOCK 16 /* 16 doubles: eight q-register accumulators */
#define COLUMN_SUMS_FN column_sums_neon
#include "column_sums_impl.h"

const nnlite__gemm_kernels nnlite__gemm_neon = {
    NNLITE__PATH_NEON, "neon", MR, NR, 0, tile_neon, gemv_neon, NULL,
    gemv_relu_neon, column_sums_neon,
};
#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int nnlite__gemm_neon_unused;
#endif
