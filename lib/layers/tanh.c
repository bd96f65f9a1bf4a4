/* Hyperbolic tangent; backward from the cached output: 1 - y^2. */
#include <math.h>

#include "layer_impl.h"

static void tanh_forward(const nnlite_layer *layer, const float *params,
                         const float *x, float *y, size_t batch,
                         const nnlite__compute *cx)
{
    const size_t n = batch * layer->out;
    (void)params, (void)cx;
    for (size_t i = 0; i < n; i++) {
        y[i] = tanhf(x[i]);
    }
}

static void tanh_backward(const nnlite_layer *layer, const float *params,
                          const float *x, const float *y, const float *dy,
                          float *dx, float *dparams, size_t batch,
                          const nnlite__compute *cx)
{
    const size_t n = batch * layer->out;
    (void)params, (void)x, (void)dparams, (void)cx;
    if (dx == NULL) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        dx[i] = dy[i] * (1.0f - y[i] * y[i]);
    }
}

const nnlite__layer_ops nnlite__tanh_ops = {
    .kind = NNLITE_LAYER_TANH,
    .name = "tanh",
    .configure = nnlite__activation_configure,
    .bind = nnlite__activation_bind,
    .param_count = nnlite__no_params,
    .forward = tanh_forward,
    .backward = tanh_backward,
};
