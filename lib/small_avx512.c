/* One-sample passes of small dense layers on AVX-512 (small_impl.h): a
 * weight row, fewer than 16 floats, is one masked vector, so a layer costs
 * a few instructions per output instead of a loop each. */
#include "small_impl.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <string.h>

#include <immintrin.h>

#define TARGET __attribute__((target("avx,avx2,fma,avx512f")))

/* The first n (< 16) of 16 lanes. */
static inline __mmask16 first_lanes(size_t n)
{
    const unsigned bits = (1u << (unsigned)n) - 1u;
    return (__mmask16)bits;
}

TARGET static void forward_avx512(const float *w, const float *x,
                                  const float *b, float *y, size_t out,
                                  size_t in)
{
    const __mmask16 m = first_lanes(in);
    const __m512 xv = _mm512_maskz_loadu_ps(m, x);
    for (size_t o = 0; o < out; o++) {
        const __m512 row = _mm512_maskz_loadu_ps(m, w + o * in);
        y[o] = b[o] + _mm512_reduce_add_ps(_mm512_mul_ps(row, xv));
    }
}

/* Lane i does the portable loop's operations on element i, in order:
 * products, and dx summed over outputs from 0 (multiply, then add). */
TARGET static void backward_avx512(const float *w, const float *x,
                                   const float *dy, float *dx, float *dw,
                                   float *db, size_t in, size_t out)
{
    const __mmask16 m = first_lanes(in);
    const __m512 xv = _mm512_maskz_loadu_ps(m, x);
    __m512 sum = _mm512_setzero_ps();
    for (size_t o = 0; o < out; o++) {
        const __m512 g = _mm512_set1_ps(dy[o]);
        _mm512_mask_storeu_ps(dw + o * in, m, _mm512_mul_ps(g, xv));
        if (dx != NULL) {
            const __m512 row = _mm512_maskz_loadu_ps(m, w + o * in);
            sum = _mm512_add_ps(sum, _mm512_mul_ps(g, row));
        }
    }
    memcpy(db, dy, out * sizeof(float));
    if (dx != NULL) {
        _mm512_mask_storeu_ps(dx, m, sum);
    }
}

const nnlite__small_kernels nnlite__small_avx512 = {
    forward_avx512, backward_avx512,
};
#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int nnlite__small_avx512_unused;
#endif
