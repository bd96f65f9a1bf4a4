/* The portable one-sample passes of small dense layers (small_impl.h):
 * plain loops, which beat any call or packing at these sizes. */
#include "small_impl.h"

static void forward_generic(const float *restrict w,
                            const float *restrict x,
                            const float *restrict b, float *restrict y,
                            size_t out, size_t in)
{
    for (size_t o = 0; o < out; o++) {
        const float *wo = w + o * in;
        float s = 0.0f;
        for (size_t i = 0; i < in; i++) {
            s += wo[i] * x[i];
        }
        y[o] = b[o] + s;
    }
}

static void backward_generic(const float *restrict w,
                             const float *restrict x,
                             const float *restrict dy, float *restrict dx,
                             float *restrict dw, float *restrict db,
                             size_t in, size_t out)
{
    for (size_t o = 0; o < out; o++) {
        const float g = dy[o];
        float *dwo = dw + o * in;
        for (size_t i = 0; i < in; i++) {
            dwo[i] = g * x[i];
        }
        db[o] = g;
    }
    if (dx == NULL) {
        return;
    }
    for (size_t i = 0; i < in; i++) {
        dx[i] = 0.0f;
    }
    for (size_t o = 0; o < out; o++) {
        const float g = dy[o];
        const float *wo = w + o * in;
        for (size_t i = 0; i < in; i++) {
            dx[i] += g * wo[i];
        }
    }
}

const nnlite__small_kernels nnlite__small_generic = {
    forward_generic, backward_generic,
};

const nnlite__small_kernels *nnlite__small_kernels_for(nnlite__gemm_path p)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (p == NNLITE__PATH_AVX512) {
        return &nnlite__small_avx512;
    }
#else
    (void)p;
#endif
    return &nnlite__small_generic;
}
