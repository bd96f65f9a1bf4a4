/* SGD, PyTorch's rule: g += wd p; v = mu v + g (v starts at 0, so the first
 * step sets v = g); g = g + mu v (Nesterov) or v; p -= lr g. */
#include "optim_impl.h"

void nnlite__sgd_step(nnlite_optimizer *o, float *params, const float *grads,
                      size_t n)
{
    const float lr = o->options.learning_rate;
    const float mu = o->options.momentum;
    const float wd = o->options.weight_decay;
    float *v = o->state;

    if (mu == 0.0f) {
        for (size_t i = 0; i < n; i++) {
            params[i] -= lr * (grads[i] + wd * params[i]);
        }
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const float g = grads[i] + wd * params[i];
        v[i] = mu * v[i] + g;
        params[i] -= lr * (o->options.nesterov ? g + mu * v[i] : v[i]);
    }
}
