/* Leaky ReLU y = x > 0 ? x : slope * x; dy/dx = 1 or slope (slope at 0). */
#include "layer_impl.h"

static void leaky_relu_forward(const nnlite_layer *layer, const float *params,
                               const float *x, float *y, size_t batch)
{
    const size_t n = batch * layer->out;
    const float slope = layer->slope;
    (void)params;
    for (size_t i = 0; i < n; i++) {
        y[i] = x[i] > 0.0f ? x[i] : slope * x[i];
    }
}

static void leaky_relu_backward(const nnlite_layer *layer,
                                const float *params, const float *x,
                                const float *y, const float *dy, float *dx,
                                float *dparams, size_t batch)
{
    const size_t n = batch * layer->out;
    const float slope = layer->slope;
    (void)params, (void)y, (void)dparams;
    if (dx == NULL) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        dx[i] = x[i] > 0.0f ? dy[i] : slope * dy[i];
    }
}

const nnlite__layer_ops nnlite__leaky_relu_ops = {
    NNLITE_LAYER_LEAKY_RELU, "leaky_relu", nnlite__no_params,
    leaky_relu_forward, leaky_relu_backward,
};
