/* The optimizer updates on 8-float AVX vectors (see update_impl.h); a
 * per-function target attribute, as in gemm_avx2.c. */
#include "update_impl.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define TARGET __attribute__((target("avx,avx2,fma")))
#define VEC __m256
#define WIDTH 8
#define LOAD _mm256_loadu_ps
#define STORE _mm256_storeu_ps
#define SET1 _mm256_set1_ps
#define ADD _mm256_add_ps
#define SUB _mm256_sub_ps
#define MUL _mm256_mul_ps
#define DIV _mm256_div_ps
#define SQRT _mm256_sqrt_ps
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
