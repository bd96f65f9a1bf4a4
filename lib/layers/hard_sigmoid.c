/* Hard sigmoid y = clamp(x / 6 + 1/2, 0, 1) (PyTorch's Hardsigmoid): the
 * lecture's "blue function". dy/dx = 1/6 strictly inside (-3, 3), else 0. */
#include "layer_impl.h"

static void hard_sigmoid_forward(const nnlite_layer *layer, const float *params,
                                 const float *x, float *y, size_t batch,
                                 const nnlite__compute *cx)
{
    const size_t n = batch * layer->out;
    (void)params, (void)cx;
    for (size_t i = 0; i < n; i++) {
        const float v = x[i] / 6.0f + 0.5f;
        y[i] = v <= 0.0f ? 0.0f : (v >= 1.0f ? 1.0f : v);
    }
}

static void hard_sigmoid_backward(const nnlite_layer *layer,
                                  const float *params, const float *x,
                                  const float *y, const float *dy, float *dx,
                                  float *dparams, size_t batch,
                                  const nnlite__compute *cx)
{
    const size_t n = batch * layer->out;
    (void)params, (void)y, (void)dparams, (void)cx;
    if (dx == NULL) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        dx[i] = (x[i] > -3.0f && x[i] < 3.0f) ? dy[i] / 6.0f : 0.0f;
    }
}

const nnlite__layer_ops nnlite__hard_sigmoid_ops = {
    .kind = NNLITE_LAYER_HARD_SIGMOID,
    .name = "hard_sigmoid",
    .probability = true,
    .configure = nnlite__activation_configure,
    .bind = nnlite__activation_bind,
    .param_count = nnlite__no_params,
    .forward = hard_sigmoid_forward,
    .backward = hard_sigmoid_backward,
};
