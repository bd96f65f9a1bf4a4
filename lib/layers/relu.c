/* Rectified linear unit y = max(0, x); dy/dx = 1 for x > 0, else 0 (also
 * at 0, as PyTorch). */
#include "layer_impl.h"

static void relu_forward(const nnlite_layer *layer, const float *params,
                         const float *x, float *y, size_t batch)
{
    const size_t n = batch * layer->out;
    (void)params;
    for (size_t i = 0; i < n; i++) {
        y[i] = x[i] > 0.0f ? x[i] : 0.0f;
    }
}

static void relu_backward(const nnlite_layer *layer, const float *params,
                          const float *x, const float *y, const float *dy,
                          float *dx, float *dparams, size_t batch)
{
    const size_t n = batch * layer->out;
    (void)params, (void)y, (void)dparams;
    if (dx == NULL) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        /* Load dy unconditionally: a select, not a branch, vectorises. */
        const float g = dy[i];
        dx[i] = x[i] > 0.0f ? g : 0.0f;
    }
}

const nnlite__layer_ops nnlite__relu_ops = {
    NNLITE_LAYER_RELU, "relu", nnlite__no_params, relu_forward,
    relu_backward,
};
