/* Adam's constants for one step; the rule itself (PyTorch's arithmetic,
 * L2 or decoupled AdamW decay) is in update_generic.c and, lane by lane,
 * update_simd_impl.h.
 * b^t is a running product, so no pow() can round differently; the step
 * size and sqrt(1 - b2^t) are rounded to float once, as PyTorch does. */
#include <math.h>

#include "optim_impl.h"

void nnlite__adam_begin(const nnlite_optimizer *o, nnlite__update *u)
{
    const nnlite_optimizer_options *opt = &o->options;
    u->beta1_power = o->beta1_power * (double)opt->beta1;
    u->beta2_power = o->beta2_power * (double)opt->beta2;
    u->beta1 = opt->beta1;
    u->beta2 = opt->beta2;
    u->epsilon = opt->epsilon;
    u->weight_decay = opt->weight_decay;
    u->decoupled = opt->decoupled_weight_decay;
    u->step_size =
        (float)((double)opt->learning_rate / (1.0 - u->beta1_power));
    u->bc2_sqrt = (float)sqrt(1.0 - u->beta2_power);
    u->decay = u->decoupled ? 1.0f - opt->learning_rate * opt->weight_decay
                            : 1.0f;
}
