/* AVX-512F kernels: an 8 x 32 micro-tile (16 accumulators of 16 floats)
 * and an 8-row GEMV. Compiled with per-function target attributes, so the
 * rest of the library stays baseline x86-64 and the dispatch in cpu.c
 * decides at run time whether these may run. */
#include "gemm_impl.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define TARGET __attribute__((target("avx,avx2,fma,avx512f")))
#define MR 8
#define NR 32

/* Bits of the first n of 16 lanes. */
static inline __mmask16 lanes(size_t n)
{
    /* An if, not ?:, whose int result -Wconversion would flag. */
    if (n >= 16) {
        return (__mmask16)0xffffu;
    }
    const unsigned bits = (1u << (unsigned)n) - 1u;
    return (__mmask16)bits;
}

TARGET static inline void store_row(float *c, __m512 lo, __m512 hi,
                                    __mmask16 m0, __mmask16 m1,
                                    int accumulate, const float *bias)
{
    if (accumulate) {
        lo = _mm512_add_ps(_mm512_maskz_loadu_ps(m0, c), lo);
        hi = _mm512_add_ps(_mm512_maskz_loadu_ps(m1, c + 16), hi);
    } else if (bias != NULL) {
        lo = _mm512_add_ps(_mm512_maskz_loadu_ps(m0, bias), lo);
        hi = _mm512_add_ps(_mm512_maskz_loadu_ps(m1, bias + 16), hi);
    }
    _mm512_mask_storeu_ps(c, m0, lo);
    _mm512_mask_storeu_ps(c + 16, m1, hi);
}

TARGET static void tile_avx512(size_t k, const float *a, size_t ars,
                               size_t acs, const float *b, float *c,
                               size_t ldc, size_t mr, size_t nr,
                               int accumulate, const float *bias)
{
    /* Rows past mr repeat the last real row: computed, never stored. */
    const float *a0 = a, *a1 = a + (1 < mr ? 1 : mr - 1) * ars;
    const float *a2 = a + (2 < mr ? 2 : mr - 1) * ars;
    const float *a3 = a + (3 < mr ? 3 : mr - 1) * ars;
    const float *a4 = a + (4 < mr ? 4 : mr - 1) * ars;
    const float *a5 = a + (5 < mr ? 5 : mr - 1) * ars;
    const float *a6 = a + (6 < mr ? 6 : mr - 1) * ars;
    const float *a7 = a + (7 < mr ? 7 : mr - 1) * ars;
    __m512 c00 = _mm512_setzero_ps(), c01 = c00, c10 = c00, c11 = c00;
    __m512 c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    __m512 c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    __m512 c60 = c00, c61 = c00, c70 = c00, c71 = c00;

    for (size_t p = 0, off = 0; p < k; p++, off += acs, b += NR) {
        const __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
        __m512 av;
#define ROW(r)                                                              \
    av = _mm512_set1_ps(a##r[off]);                                         \
    c##r##0 = _mm512_fmadd_ps(av, b0, c##r##0);                             \
    c##r##1 = _mm512_fmadd_ps(av, b1, c##r##1)
        ROW(0); ROW(1); ROW(2); ROW(3); ROW(4); ROW(5); ROW(6); ROW(7);
#undef ROW
    }
    const __mmask16 m0 = lanes(nr), m1 = lanes(nr > 16 ? nr - 16 : 0);
    store_row(c, c00, c01, m0, m1, accumulate, bias);
    if (mr > 1) store_row(c + ldc, c10, c11, m0, m1, accumulate, bias);
    if (mr > 2) store_row(c + 2 * ldc, c20, c21, m0, m1, accumulate, bias);
    if (mr > 3) store_row(c + 3 * ldc, c30, c31, m0, m1, accumulate, bias);
    if (mr > 4) store_row(c + 4 * ldc, c40, c41, m0, m1, accumulate, bias);
    if (mr > 5) store_row(c + 5 * ldc, c50, c51, m0, m1, accumulate, bias);
    if (mr > 6) store_row(c + 6 * ldc, c60, c61, m0, m1, accumulate, bias);
    if (mr > 7) store_row(c + 7 * ldc, c70, c71, m0, m1, accumulate, bias);
}

/* Sum the halves of a 16-lane vector into 8 lanes. */
TARGET static inline __m256 fold(__m512 v)
{
    const __m512d d = _mm512_castps_pd(v);
    return _mm256_add_ps(_mm512_castps512_ps256(v),
                         _mm256_castpd_ps(_mm512_extractf64x4_pd(d, 1)));
}

/* Eight dot products at once: y[j..j+8) = bias + rows . x. Each row has
 * its own accumulator (eight independent FMA chains hide the latency),
 * reduced together by a transpose-add tree. */
TARGET static __m256 dot8(const float *w, const float *x, size_t k)
{
    __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    __m512 s4 = s0, s5 = s0, s6 = s0, s7 = s0;
    for (size_t p = 0; p < k; p += 16) {
        const __mmask16 m = lanes(k - p);
        const __m512 xv = _mm512_maskz_loadu_ps(m, x + p);
#define ROW(r)                                                              \
    s##r = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, w + r * k + p), xv, s##r)
        ROW(0); ROW(1); ROW(2); ROW(3); ROW(4); ROW(5); ROW(6); ROW(7);
#undef ROW
    }
    const __m256 h01 = _mm256_hadd_ps(fold(s0), fold(s1));
    const __m256 h23 = _mm256_hadd_ps(fold(s2), fold(s3));
    const __m256 h45 = _mm256_hadd_ps(fold(s4), fold(s5));
    const __m256 h67 = _mm256_hadd_ps(fold(s6), fold(s7));
    const __m256 h03 = _mm256_hadd_ps(h01, h23);
    const __m256 h47 = _mm256_hadd_ps(h45, h67);
    return _mm256_add_ps(_mm256_permute2f128_ps(h03, h47, 0x20),
                         _mm256_permute2f128_ps(h03, h47, 0x31));
}

TARGET static float dot1(const float *w, const float *x, size_t k)
{
    __m512 s = _mm512_setzero_ps();
    for (size_t p = 0; p < k; p += 16) {
        const __mmask16 m = lanes(k - p);
        s = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, w + p),
                            _mm512_maskz_loadu_ps(m, x + p), s);
    }
    return _mm512_reduce_add_ps(s);
}

TARGET static void gemv_avx512(const float *w, const float *x,
                               const float *bias, float *y, size_t n,
                               size_t k)
{
    size_t j = 0;
    for (; j + 8 <= n; j += 8) {
        __m256 v = dot8(w + j * k, x, k);
        if (bias != NULL) {
            v = _mm256_add_ps(_mm256_loadu_ps(bias + j), v);
        }
        _mm256_storeu_ps(y + j, v);
    }
    for (; j < n; j++) {
        y[j] = (bias != NULL ? bias[j] : 0.0f) + dot1(w + j * k, x, k);
    }
}

const nnlite__gemm_kernels nnlite__gemm_avx512 = {
    NNLITE__PATH_AVX512, "avx512", MR, NR, tile_avx512, gemv_avx512,
};
#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int nnlite__gemm_avx512_unused;
#endif
