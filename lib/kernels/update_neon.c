/* The optimizer updates on 4-float NEON vectors (see update_impl.h), for
 * aarch64. NEON has no masked loads or stores, so the last, partial
 * vector goes through a zeroed stack copy; its division and square root
 * are IEEE, as the portable path's, so the bits are the same. */
#include "update_impl.h"

#if defined(__aarch64__) && defined(__ARM_NEON)
#include <arm_neon.h>
#include <string.h>

/* The first m (< 4) floats at p, zeros in the other lanes. */
static inline float32x4_t load_first(size_t m, const float *p)
{
    float lanes[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    memcpy(lanes, p, m * sizeof(float));
    return vld1q_f32(lanes);
}

/* Store only the first m (< 4) lanes of v at p. */
static inline void store_first(float *p, size_t m, float32x4_t v)
{
    float lanes[4];
    vst1q_f32(lanes, v);
    memcpy(p, lanes, m * sizeof(float));
}

#define TARGET
#define VEC float32x4_t
#define WIDTH 4
#define MASK size_t /* the number of lanes in use */
#define TAIL_MASK(n) ((size_t)(n))
#define LOAD vld1q_f32
#define STORE vst1q_f32
#define LOAD_MASKED(m, p) load_first(m, p)
#define STORE_MASKED(p, m, v) store_first(p, m, v)
#define SET1 vdupq_n_f32
#define ADD vaddq_f32
#define SUB vsubq_f32
#define MUL vmulq_f32
#define DIV vdivq_f32
#define SQRT vsqrtq_f32
#define MAX vmaxq_f32
#define ALL_ZERO(v) (vminvq_u32(vceqq_f32((v), vdupq_n_f32(0.0f))) != 0)
#define SGD_FN sgd_neon
#define MOMENTUM_FN momentum_neon
#define ADAM_FN adam_neon
#include "update_simd_impl.h"

const nnlite__update_kernels nnlite__update_neon = {
    sgd_neon, momentum_neon, adam_neon,
};
#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int nnlite__update_neon_unused;
#endif
