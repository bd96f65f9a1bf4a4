/* Adam with bias correction, PyTorch's arithmetic:
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
 *   p -= (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * L2 decay adds wd p to g; AdamW's decoupled decay scales p by 1 - lr wd
 * first. b^t is a running product, so no pow() can round differently. */
#include <math.h>

#include "optim_impl.h"

void nnlite__adam_step(nnlite_optimizer *o, float *params, const float *grads,
                       size_t n)
{
    const nnlite_optimizer_options *opt = &o->options;
    const float b1 = opt->beta1, b2 = opt->beta2, eps = opt->epsilon;
    const float wd = opt->weight_decay;
    const int decoupled = opt->decoupled_weight_decay;
    float *m = o->state, *v = o->state + n;

    o->beta1_power *= (double)b1;
    o->beta2_power *= (double)b2;
    const float step_size =
        (float)((double)opt->learning_rate / (1.0 - o->beta1_power));
    const float bc2_sqrt = (float)sqrt(1.0 - o->beta2_power);
    const float decay = decoupled ? 1.0f - opt->learning_rate * wd : 1.0f;

    for (size_t i = 0; i < n; i++) {
        const float g = decoupled ? grads[i] : grads[i] + wd * params[i];
        m[i] = b1 * m[i] + (1.0f - b1) * g;
        v[i] = b2 * v[i] + (1.0f - b2) * g * g;
        params[i] = params[i] * decay -
                    step_size * m[i] / (sqrtf(v[i]) / bc2_sqrt + eps);
    }
}
