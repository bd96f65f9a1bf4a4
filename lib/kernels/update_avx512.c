/* The optimizer updates on 16-float AVX-512 vectors (see update_impl.h);
 * a per-function target attribute, as in gemm_avx512.c. */
#include "update_impl.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define TARGET __attribute__((target("avx,avx2,fma,avx512f")))

/* The first n (<= 16) of 16 lanes. */
static inline __mmask16 tail_mask(size_t n)
{
    const unsigned bits = n >= 16 ? 0xffffu : (1u << (unsigned)n) - 1u;
    return (__mmask16)bits;
}

#define VEC __m512
#define WIDTH 16
#define MASK __mmask16
#define TAIL_MASK(n) tail_mask(n)
#define LOAD _mm512_loadu_ps
#define STORE _mm512_storeu_ps
#define LOAD_MASKED _mm512_maskz_loadu_ps
#define STORE_MASKED _mm512_mask_storeu_ps
#define SET1 _mm512_set1_ps
#define ADD _mm512_add_ps
#define SUB _mm512_sub_ps
#define MUL _mm512_mul_ps
#define DIV _mm512_div_ps
#define SQRT _mm512_sqrt_ps
#define MAX _mm512_max_ps
#define ALL_ZERO(v) (_mm512_cmp_ps_mask(v, SET1(0.0f), _CMP_NEQ_UQ) == 0)
#define SGD_FN sgd_avx512
#define MOMENTUM_FN momentum_avx512
#define ADAM_FN adam_avx512
#include "update_simd_impl.h"

const nnlite__update_kernels nnlite__update_avx512 = {
    sgd_avx512, momentum_avx512, adam_avx512,
};
#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int nnlite__update_avx512_unused;
#endif
