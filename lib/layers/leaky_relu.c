/* Leaky ReLU y = x > 0 ? x : slope * x; dy/dx = 1 or slope (slope at 0). */
#include <math.h>

#include "layer_impl.h"
#include "message_impl.h"

static nnlite_status leaky_relu_configure(nnlite_layer *layer,
                                          const nnlite__layer_config *config,
                                          char *message, size_t size)
{
    const float slope = config->spec.slope;
    if (!isfinite(slope)) {
        nnlite__format(message, size, "slope %g is not finite",
                       (double)slope);
        return NNLITE_EINVAL;
    }
    layer->slope = slope;
    return NNLITE_OK;
}

static void leaky_relu_forward(const nnlite_layer *layer, const float *params,
                               const float *x, float *y, size_t batch,
                               const nnlite__compute *cx)
{
    const size_t n = batch * layer->out;
    const float slope = layer->slope;
    (void)params, (void)cx;
    for (size_t i = 0; i < n; i++) {
        y[i] = x[i] > 0.0f ? x[i] : slope * x[i];
    }
}

static void leaky_relu_backward(const nnlite_layer *layer, const float *params,
                                const float *x, const float *y, const float *dy,
                                float *dx, float *dparams, size_t batch,
                                const nnlite__compute *cx)
{
    const size_t n = batch * layer->out;
    const float slope = layer->slope;
    (void)params, (void)y, (void)dparams, (void)cx;
    if (dx == NULL) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        dx[i] = x[i] > 0.0f ? dy[i] : slope * dy[i];
    }
}

static void leaky_relu_describe(const nnlite_layer *layer, char *buf,
                                size_t size)
{
    nnlite__format(buf, size, "slope=%g", (double)layer->slope);
}

const nnlite__layer_ops nnlite__leaky_relu_ops = {
    .kind = NNLITE_LAYER_LEAKY_RELU,
    .name = "leaky_relu",
    .configure = leaky_relu_configure,
    .bind = nnlite__activation_bind,
    .param_count = nnlite__no_params,
    .rectifier = true,
    .forward = leaky_relu_forward,
    .backward = leaky_relu_backward,
    .describe = leaky_relu_describe,
};
