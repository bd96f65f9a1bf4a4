/* Logistic sigmoid y = 1 / (1 + e^-x). Backward uses the cached output:
 * dy/dx = y (1 - y), so no exponential is recomputed. */
#include <math.h>

#include "layer_impl.h"

static void sigmoid_forward(const nnlite_layer *layer, const float *params,
                            const float *x, float *y, size_t batch,
                            const nnlite__compute *cx)
{
    const size_t n = batch * layer->out;
    (void)params, (void)cx;
    for (size_t i = 0; i < n; i++) {
        /* e^-|x| never overflows: y = 1 / (1 + e) for x >= 0 and
         * e / (1 + e) below. Selecting the numerator, not branching,
         * spares a mispredicted jump on inputs of either sign. */
        const float e = expf(-fabsf(x[i]));
        const float numerator = x[i] >= 0.0f ? 1.0f : e;
        y[i] = numerator / (1.0f + e);
    }
}

static void sigmoid_backward(const nnlite_layer *layer, const float *params,
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
        dx[i] = dy[i] * y[i] * (1.0f - y[i]);
    }
}

const nnlite__layer_ops nnlite__sigmoid_ops = {
    .kind = NNLITE_LAYER_SIGMOID,
    .name = "sigmoid",
    .probability = true,
    .configure = nnlite__activation_configure,
    .bind = nnlite__activation_bind,
    .param_count = nnlite__no_params,
    .forward = sigmoid_forward,
    .backward = sigmoid_backward,
};
