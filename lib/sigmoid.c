/* Logistic sigmoid y = 1 / (1 + e^-x). Backward uses the cached output:
 * dy/dx = y (1 - y), so no exponential is recomputed. */
#include <math.h>

#include "layer_impl.h"

static void sigmoid_forward(const nnlite_layer *layer, const float *params,
                            const float *x, float *y, size_t batch)
{
    const size_t n = batch * layer->out;
    (void)params;
    for (size_t i = 0; i < n; i++) {
        /* Both branches keep expf's argument <= 0, so it never overflows. */
        if (x[i] >= 0.0f) {
            y[i] = 1.0f / (1.0f + expf(-x[i]));
        } else {
            const float e = expf(x[i]);
            y[i] = e / (1.0f + e);
        }
    }
}

static void sigmoid_backward(const nnlite_layer *layer, const float *params,
                             const float *x, const float *y, const float *dy,
                             float *dx, float *dparams, size_t batch)
{
    const size_t n = batch * layer->out;
    (void)params, (void)x, (void)dparams;
    if (dx == NULL) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        dx[i] = dy[i] * y[i] * (1.0f - y[i]);
    }
}

const nnlite__layer_ops nnlite__sigmoid_ops = {
    NNLITE_LAYER_SIGMOID, "sigmoid", nnlite__no_params, sigmoid_forward,
    sigmoid_backward,
};
