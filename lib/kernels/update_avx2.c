/* The optimizer updates on 8-float AVX vectors (see update_impl.h); a
 * per-function target attribute, as in gemm_avx2.c. */
#include "update_impl.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define TARGET __attribute__((target("avx,avx2,fma")))

/* The first n (<= 8) of 8 lanes (sign bits set). */
TARGET static inline __m256i tail_mask(size_t n)
{
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), lane);
}

#define VEC __m256
#define WIDTH 8
#define MASK __m256i
#define TAIL_MASK(n) tail_mask(n)
#define LOAD _mm256_loadu_ps
#define STORE _mm256_storeu_ps
#define LOAD_MASKED(m, p) _mm256_maskload_ps(p, m)
#define STORE_MASKED _mm256_maskstore_ps
#define SET1 _mm256_set1_ps
#define ADD _mm256_add_ps
#define SUB _mm256_sub_ps
#define MUL _mm256_mul_ps
#define DIV _mm256_div_ps
#define SQRT _mm256_sqrt_ps
#define MAX _mm256_max_ps
#define ALL_ZERO(v)                                                         \
    (_mm256_movemask_ps(_mm256_cmp_ps(v, SET1(0.0f), _CMP_NEQ_UQ)) == 0)
#define SGD_FN sgd_avx2
#define MOMENTUM_FN momentum_avx2
#define ADAM_FN adam_avx2
#include "update_simd_impl.h"

const nnlite__update_kernels nnlite__update_avx2 = {
    sgd_avx2, momentum_avx2, adam_avx2,
};
#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int nnlite__update_avx2_unused;
#endif
