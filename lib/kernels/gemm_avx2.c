/* AVX2 + FMA kernels: a 6 x 16 micro-tile (12 accumulators of 8 floats,
 * the classic fit for 16 ymm registers) and an 8-row GEMV. Per-function
 * target attributes keep the library's baseline x86-64; cpu.c decides at
 * run time whether these may run. */
#include "gemm_impl.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define TARGET __attribute__((target("avx,avx2,fma")))
#define MR 6
#define NR 16

/* Lane mask with the first n of 8 lanes set. */
TARGET static inline __m256i lanes(size_t n)
{
    const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const int count = n >= 8 ? 8 : (int)n;
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), idx);
}

TARGET static inline void store_row(float *c, __m256 lo, __m256 hi,
                                    size_t nr, __m256i m0, __m256i m1,
                                    int accumulate, const float *bias)
{
    if (nr == NR) {
        if (accumulate) {
            lo = _mm256_add_ps(_mm256_loadu_ps(c), lo);
            hi = _mm256_add_ps(_mm256_loadu_ps(c + 8), hi);
        } else if (bias != NULL) {
            lo = _mm256_add_ps(_mm256_loadu_ps(bias), lo);
            hi = _mm256_add_ps(_mm256_loadu_ps(bias + 8), hi);
        }
        _mm256_storeu_ps(c, lo);
        _mm256_storeu_ps(c + 8, hi);
        return;
    }
    if (accumulate) {
        lo = _mm256_add_ps(_mm256_maskload_ps(c, m0), lo);
        hi = _mm256_add_ps(_mm256_maskload_ps(c + 8, m1), hi);
    } else if (bias != NULL) {
        lo = _mm256_add_ps(_mm256_maskload_ps(bias, m0), lo);
        hi = _mm256_add_ps(_mm256_maskload_ps(bias + 8, m1), hi);
    }
    _mm256_maskstore_ps(c, m0, lo);
    _mm256_maskstore_ps(c + 8, m1, hi);
}

TARGET static void tile_avx2(size_t k, const float *a, size_t ars,
                             size_t acs, const float *b, size_t ldb,
                             float *c, size_t ldc, size_t mr, size_t nr,
                             int accumulate, const float *bias)
{
    /* Rows past mr repeat the last real row: computed, never stored. */
    const float *a0 = a, *a1 = a + (1 < mr ? 1 : mr - 1) * ars;
    const float *a2 = a + (2 < mr ? 2 : mr - 1) * ars;
    const float *a3 = a + (3 < mr ? 3 : mr - 1) * ars;
    const float *a4 = a + (4 < mr ? 4 : mr - 1) * ars;
    const float *a5 = a + (5 < mr ? 5 : mr - 1) * ars;
    __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00;
    __m256 c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    __m256 c40 = c00, c41 = c00, c50 = c00, c51 = c00;

    for (size_t p = 0, off = 0; p < k; p++, off += acs, b += ldb) {
        const __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
        __m256 av;
#define ROW(r)                                                              \
    av = _mm256_broadcast_ss(a##r + off);                                   \
    c##r##0 = _mm256_fmadd_ps(av, b0, c##r##0);                             \
    c##r##1 = _mm256_fmadd_ps(av, b1, c##r##1)
        ROW(0); ROW(1); ROW(2); ROW(3); ROW(4); ROW(5);
#undef ROW
    }
    const __m256i m0 = lanes(nr), m1 = lanes(nr > 8 ? nr - 8 : 0);
    store_row(c, c00, c01, nr, m0, m1, accumulate, bias);
    if (mr > 1) store_row(c + ldc, c10, c11, nr, m0, m1, accumulate, bias);
    if (mr > 2)
        store_row(c + 2 * ldc, c20, c21, nr, m0, m1, accumulate, bias);
    if (mr > 3)
        store_row(c + 3 * ldc, c30, c31, nr, m0, m1, accumulate, bias);
    if (mr > 4)
        store_row(c + 4 * ldc, c40, c41, nr, m0, m1, accumulate, bias);
    if (mr > 5)
        store_row(c + 5 * ldc, c50, c51, nr, m0, m1, accumulate, bias);
}

/* Eight dot products: one accumulator per row (independent FMA chains),
 * reduced together by a transpose-add tree. */
TARGET static __m256 dot8(const float *w, const float *x, size_t k)
{
    __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    __m256 s4 = s0, s5 = s0, s6 = s0, s7 = s0;
    size_t p = 0;
    for (; p + 8 <= k; p += 8) {
        const __m256 xv = _mm256_loadu_ps(x + p);
#define ROW(r) s##r = _mm256_fmadd_ps(_mm256_loadu_ps(w + r * k + p), xv, s##r)
        ROW(0); ROW(1); ROW(2); ROW(3); ROW(4); ROW(5); ROW(6); ROW(7);
#undef ROW
    }
    if (p < k) {
        const __m256i m = lanes(k - p);
        const __m256 xv = _mm256_maskload_ps(x + p, m);
#define ROW(r)                                                              \
    s##r = _mm256_fmadd_ps(_mm256_maskload_ps(w + r * k + p, m), xv, s##r)
        ROW(0); ROW(1); ROW(2); ROW(3); ROW(4); ROW(5); ROW(6); ROW(7);
#undef ROW
    }
    const __m256 h01 = _mm256_hadd_ps(s0, s1), h23 = _mm256_hadd_ps(s2, s3);
    const __m256 h45 = _mm256_hadd_ps(s4, s5), h67 = _mm256_hadd_ps(s6, s7);
    const __m256 h03 = _mm256_hadd_ps(h01, h23);
    const __m256 h47 = _mm256_hadd_ps(h45, h67);
    return _mm256_add_ps(_mm256_permute2f128_ps(h03, h47, 0x20),
                         _mm256_permute2f128_ps(h03, h47, 0x31));
}

TARGET static float dot1(const float *w, const float *x, size_t k)
{
    __m256 s = _mm256_setzero_ps();
    size_t p = 0;
    for (; p + 8 <= k; p += 8) {
        s = _mm256_fmadd_ps(_mm256_loadu_ps(w + p), _mm256_loadu_ps(x + p),
                            s);
    }
    if (p < k) {
        const __m256i m = lanes(k - p);
        s = _mm256_fmadd_ps(_mm256_maskload_ps(w + p, m),
                            _mm256_maskload_ps(x + p, m), s);
    }
    __m128 q = _mm_add_ps(_mm256_castps256_ps128(s),
                          _mm256_extractf128_ps(s, 1));
    q = _mm_add_ps(q, _mm_movehl_ps(q, q));
    q = _mm_add_ss(q, _mm_movehdup_ps(q));
    return _mm_cvtss_f32(q);
}

/* y = bias + W x, and r = relu(y) unless r is NULL: one body for both
 * table entries, so the fused one gives gemv's bits. max(v, 0) is
 * v > 0 ? v : 0 (the second operand when unordered: NaN gives 0). */
TARGET static inline __attribute__((always_inline)) void
gemv_body(const float *w, const float *x, const float *bias, float *y,
          float *r, size_t n, size_t k)
{
    size_t j = 0;
    for (; j + 8 <= n; j += 8) {
        __m256 v = dot8(w + j * k, x, k);
        if (bias != NULL) {
            v = _mm256_add_ps(_mm256_loadu_ps(bias + j), v);
        }
        _mm256_storeu_ps(y + j, v);
        if (r != NULL) {
            _mm256_storeu_ps(r + j, _mm256_max_ps(v, _mm256_setzero_ps()));
        }
    }
    for (; j < n; j++) {
        const float v =
            (bias != NULL ? bias[j] : 0.0f) + dot1(w + j * k, x, k);
        y[j] = v;
        if (r != NULL) {
            r[j] = v > 0.0f ? v : 0.0f;
        }
    }
}

TARGET static void gemv_avx2(const float *w, const float *x,
                             const float *bias, float *y, size_t n, size_t k)
{
    gemv_body(w, x, bias, y, NULL, n, k);
}

TARGET static void gemv_relu_avx2(const float *w, const float *x,
                                  const float *bias, float *y, float *r,
                                  size_t n, size_t k)
{
    gemv_body(w, x, bias, y, r, n, k);
}

#define BLOCK 16 /* 16 doubles: four ymm accumulators */
#define COLUMN_SUMS_FN column_sums_avx2
#include "column_sums_impl.h"

const nnlite__gemm_kernels nnlite__gemm_avx2 = {
    NNLITE__PATH_AVX2, "avx2", MR, NR, 0, tile_avx2, gemv_avx2, NULL,
    gemv_relu_avx2, column_sums_avx2, NULL, 0,
};
#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int nnlite__gemm_avx2_unused;
#endif
