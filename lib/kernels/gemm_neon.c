/* NEON kernels for aarch64, where Advanced SIMD is part of every core
 * (no run-time check): an 8 x 8 micro-tile (16 accumulators of 4 floats,
 * of the 32 q-registers) over packed B panels, and a GEMV four rows at a
 * time. Multiply-adds are fused (vfmaq), as on
 * the x86 paths; the tests hold them to the double-precision reference. */
#include "gemm_impl.h"

#if defined(__aarch64__) && defined(__ARM_NEON)
#include <arm_neon.h>

#define MR 8
#define NR 8

/* The eight rows' accumulators are named, not an array: GCC 12 keeps an
 * indexed array of vectors in memory, loading and storing every
 * accumulator at every step. */
#define ROW(r)                                                              \
    const float *a##r = a + ((r) < mr ? (r) : mr - 1) * ars;                \
    float32x4_t lo##r = vdupq_n_f32(0.0f), hi##r = lo##r
#define STEP(r)                                                             \
    do {                                                                    \
        const float32x4_t ar = vld1q_dup_f32(a##r + offset);                \
        lo##r = vfmaq_f32(lo##r, b0, ar);                                   \
        hi##r = vfmaq_f32(hi##r, b1, ar);                                   \
    } while (0)

static void tile_neon(size_t k, const float *a, size_t ars, size_t acs,
                      const float *b, size_t ldb, float *c, size_t ldc,
                      size_t mr, size_t nr, int accumulate,
                      const float *bias)
{
    /* Rows past mr repeat the last real row: computed, never stored. */
    ROW(0);
    ROW(1);
    ROW(2);
    ROW(3);
    ROW(4);
    ROW(5);
    ROW(6);
    ROW(7);
    size_t offset = 0; /* p * acs */
    for (size_t p = 0; p < k; p++, offset += acs) {
        /* A packed panel: NR floats a row, zeros past nr. */
        const float32x4_t b0 = vld1q_f32(b + p * ldb);
        const float32x4_t b1 = vld1q_f32(b + p * ldb + 4);
        STEP(0);
        STEP(1);
        STEP(2);
        STEP(3);
        STEP(4);
        STEP(5);
        STEP(6);
        STEP(7);
    }
    const float32x4_t lo[MR] = {lo0, lo1, lo2, lo3, lo4, lo5, lo6, lo7};
    const float32x4_t hi[MR] = {hi0, hi1, hi2, hi3, hi4, hi5, hi6, hi7};
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

#undef STEP
#undef ROW

/* One output of the GEMV: bias (or 0) plus the sum s, and its ReLU. */
static inline void put_output(const float *bias, float *y, float *r,
                              size_t j, float s)
{
    const float v = (bias != NULL ? bias[j] : 0.0f) + s;
    y[j] = v;
    if (r != NULL) {
        r[j] = v > 0.0f ? v : 0.0f; /* NaN and -0 give +0 */
    }
}

/* y = bias + W x, and r = relu(y) unless r is NULL: one loop for both
 * table entries, so the fused one gives gemv's bits. Four rows at a time
 * share each load of x (two vectors of partial sums a row), a last row
 * or three alone; the last k % 4 products in scalars, so nothing past k
 * is read. */
static inline void gemv_body(const float *w, const float *x,
                             const float *bias, float *y, float *r,
                             size_t n, size_t k)
{
    size_t j = 0;
    for (; j + 4 <= n; j += 4) {
        const float *w0 = w + j * k, *w1 = w0 + k, *w2 = w1 + k;
        const float *w3 = w2 + k;
        float32x4_t s0 = vdupq_n_f32(0.0f), s1 = s0, s2 = s0, s3 = s0;
        float32x4_t t0 = s0, t1 = s0, t2 = s0, t3 = s0;
        size_t p = 0;
        for (; p + 8 <= k; p += 8) {
            const float32x4_t xa = vld1q_f32(x + p), xb = vld1q_f32(x + p + 4);
            s0 = vfmaq_f32(s0, vld1q_f32(w0 + p), xa);
            s1 = vfmaq_f32(s1, vld1q_f32(w1 + p), xa);
            s2 = vfmaq_f32(s2, vld1q_f32(w2 + p), xa);
            s3 = vfmaq_f32(s3, vld1q_f32(w3 + p), xa);
            t0 = vfmaq_f32(t0, vld1q_f32(w0 + p + 4), xb);
            t1 = vfmaq_f32(t1, vld1q_f32(w1 + p + 4), xb);
            t2 = vfmaq_f32(t2, vld1q_f32(w2 + p + 4), xb);
            t3 = vfmaq_f32(t3, vld1q_f32(w3 + p + 4), xb);
        }
        for (; p + 4 <= k; p += 4) {
            const float32x4_t xa = vld1q_f32(x + p);
            s0 = vfmaq_f32(s0, vld1q_f32(w0 + p), xa);
            s1 = vfmaq_f32(s1, vld1q_f32(w1 + p), xa);
            s2 = vfmaq_f32(s2, vld1q_f32(w2 + p), xa);
            s3 = vfmaq_f32(s3, vld1q_f32(w3 + p), xa);
        }
        float a0 = vaddvq_f32(vaddq_f32(s0, t0));
        float a1 = vaddvq_f32(vaddq_f32(s1, t1));
        float a2 = vaddvq_f32(vaddq_f32(s2, t2));
        float a3 = vaddvq_f32(vaddq_f32(s3, t3));
        for (; p < k; p++) {
            a0 += w0[p] * x[p];
            a1 += w1[p] * x[p];
            a2 += w2[p] * x[p];
            a3 += w3[p] * x[p];
        }
        put_output(bias, y, r, j, a0);
        put_output(bias, y, r, j + 1, a1);
        put_output(bias, y, r, j + 2, a2);
        put_output(bias, y, r, j + 3, a3);
    }
    for (; j < n; j++) {
        const float *wj = w + j * k;
        float32x4_t s0 = vdupq_n_f32(0.0f), t0 = s0;
        size_t p = 0;
        for (; p + 8 <= k; p += 8) {
            s0 = vfmaq_f32(s0, vld1q_f32(wj + p), vld1q_f32(x + p));
            t0 = vfmaq_f32(t0, vld1q_f32(wj + p + 4), vld1q_f32(x + p + 4));
        }
        for (; p + 4 <= k; p += 4) {
            s0 = vfmaq_f32(s0, vld1q_f32(wj + p), vld1q_f32(x + p));
        }
        float a0 = vaddvq_f32(vaddq_f32(s0, t0));
        for (; p < k; p++) {
            a0 += wj[p] * x[p];
        }
        put_output(bias, y, r, j, a0);
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
    gemv_relu_neon, column_sums_neon, NULL, 0,
};
#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int nnlite__gemm_neon_unused;
#endif
