/* Rectified linear unit y = max(0, x); dy/dx = 1 for x > 0, else 0 (also
 * at 0, as PyTorch). */
#include "layer_impl.h"

static void relu_forward(const nnlite_layer *layer, const float *params,
                         const float *x, float *y, size_t batch,
                         const nnlite__compute *cx)
{
    const size_t n = batch * layer->out;
    (void)params, (void)cx;
    for (size_t i = 0; i < n; i++) {
        y[i] = x[i] > 0.0f ? x[i] : 0.0f;
    }
}

static void relu_backward(const nnlite_layer *layer, const float *params,
                          const float *x, const float *y, const float *dy,
                          float *dx, float *dparams, size_t batch,
                          const nnlite__compute *cx)
{
    const size_t n = batch * layer->out;
    (void)params, (void)y, (void)dparams, (void)cx;
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
    .kind = NNLITE_LAYER_RELU,
    .name = "relu",
    .configure = nnlite__activation_configure,
    .bind = nnlite__activation_bind,
    .param_count = nnlite__no_params,
    .rectifier = true,
    .forward = relu_forward,
    .backward = relu_backward,
};
