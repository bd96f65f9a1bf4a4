/* SGD, PyTorch's rule: g += wd p; v = mu v + g (v starts at 0, so the first
 * step sets v = g); g = g + mu v (Nesterov) or v; p -= lr g. */
#include "optim_impl.h"

bool nnlite__sgd_step(nnlite_optimizer *o, float *params, const float *grads,
                      size_t n, bool commit)
{
    const float lr = o->options.learning_rate;
    const float mu = o->options.momentum;
    const float wd = o->options.weight_decay;
    const int nesterov = o->options.nesterov;
    float *v = o->state; /* NULL without momentum */
    float bad = 0.0f;    /* x - x is 0 for finite x, NaN otherwise */

    for (size_t i = 0; i < n; i++) {
        const float g = grads[i] + wd * params[i];
        const float velocity = v == NULL ? g : mu * v[i] + g;
        const float step = v == NULL ? g : (nesterov ? g + mu * velocity
                                                     : velocity);
        const float p = params[i] - lr * step;
        if (commit) {
            params[i] = p;
            if (v != NULL) {
                v[i] = velocity;
            }
        } else {
            bad += (p - p) + (velocity - velocity);
        }
    }
    return bad == 0.0f;
}
