/* Dense + ReLU in one pass for a few samples. On one-sample inference the
 * ReLU's own pass re-reads the dense output just written and costs a call
 * per layer; the fused kernel applies the ReLU to the results while they
 * are still in registers (on AVX-512, one max per block of 16 or 8
 * rows). Training keeps working unchanged: the dense output (the ReLU's
 * input, which its backward reads) is still stored, bit for bit as the
 * unfused GEMV gives it. */
#include "dense_impl.h"

void nnlite__dense_relu_forward_fast(const nnlite_layer *dense,
                                     const float *params, const float *x,
                                     float *y, float *r, size_t batch,
                                     const nnlite__compute *cx)
{
    const size_t in = dense->in, out = dense->out;
    const float *w = params, *b = params + in * out;
    for (size_t n = 0; n < batch; n++) {
        cx->kernels->gemv_relu(w, x + n * in, b, y + n * out, r + n * out,
                               out, in);
    }
}
