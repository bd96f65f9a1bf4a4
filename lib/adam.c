/* Adam with bias correction, PyTorch's arithmetic:
 *   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
 *   p -= (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * L2 decay adds wd p to g; AdamW's decoupled decay scales p by 1 - lr wd
 * first. b^t is a running product, so no pow() can round differently. */
#include <math.h>

#include "optim_impl.h"

bool nnlite__adam_step(nnlite_optimizer *o, float *params, const float *grads,
                       size_t n, bool commit)
{
    const nnlite_optimizer_options *opt = &o->options;
    const float b1 = opt->beta1, b2 = opt->beta2, eps = opt->epsilon;
    const float wd = opt->weight_decay;
    const int decoupled = opt->decoupled_weight_decay;
    const double beta1_power = o->beta1_power * (double)b1;
    const double beta2_power = o->beta2_power * (double)b2;
    const float step_size =
        (float)((double)opt->learning_rate / (1.0 - beta1_power));
    const float bc2_sqrt = (float)sqrt(1.0 - beta2_power);
    const float decay = decoupled ? 1.0f - opt->learning_rate * wd : 1.0f;
    float bad = 0.0f; /* x - x is 0 for finite x, NaN otherwise */

    if (n == 0) {
        return true; /* no parameters: state may be NULL */
    }
    float *m = o->state, *v = o->state + n;
    for (size_t i = 0; i < n; i++) {
        const float g = decoupled ? grads[i] : grads[i] + wd * params[i];
        const float m1 = b1 * m[i] + (1.0f - b1) * g;
        const float v1 = b2 * v[i] + (1.0f - b2) * g * g;
        const float p =
            params[i] * decay - step_size * m1 / (sqrtf(v1) / bc2_sqrt + eps);
        if (commit) {
            m[i] = m1;
            v[i] = v1;
            params[i] = p;
        } else {
            bad += (p - p) + (m1 - m1) + (v1 - v1);
        }
    }
    if (commit) {
        o->beta1_power = beta1_power;
        o->beta2_power = beta2_power;
    }
    return bad == 0.0f;
}
