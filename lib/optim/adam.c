/* Adam and AdamW, PyTorch's arithmetic (L2 or decoupled weight decay),
 * with or without AMSGrad.
 * The arithmetic is in update_generic.c and, lane by lane,
 * update_simd_impl.h; here are its settings and constants.
 * b^t is a running product, so no pow() can round differently; the step
 * size and sqrt(1 - b2^t) are rounded to float once, as PyTorch does. */
#include <math.h>

#include "message_impl.h"
#include "optim_impl.h"

static nnlite_status adam_check(const nnlite_optimizer_options *o,
                                char *msg, size_t size)
{
    if (!(o->beta1 >= 0.0f && o->beta1 < 1.0f)) {
        nnlite__format(msg, size, "beta1 %g is outside [0, 1)",
                       (double)o->beta1);
        return NNLITE_EINVAL;
    }
    if (!(o->beta2 >= 0.0f && o->beta2 < 1.0f)) {
        nnlite__format(msg, size, "beta2 %g is outside [0, 1)",
                       (double)o->beta2);
        return NNLITE_EINVAL;
    }
    if (!(isfinite(o->epsilon) && o->epsilon > 0.0f)) {
        nnlite__format(msg, size, "epsilon %g is not a finite number > 0",
                       (double)o->epsilon);
        return NNLITE_EINVAL;
    }
    return NNLITE_OK;
}

/* The first moment m, then the second v, then (AMSGrad) the largest v. */
static size_t adam_state_per_param(const nnlite_optimizer_options *o)
{
    return o->amsgrad ? 3 : 2;
}

static void adam_begin(const nnlite_optimizer *o, nnlite__update *u)
{
    const nnlite_optimizer_options *opt = &o->options;
    u->beta1_power = o->beta1_power * (double)opt->beta1;
    u->beta2_power = o->beta2_power * (double)opt->beta2;
    u->beta1 = opt->beta1;
    u->beta2 = opt->beta2;
    u->epsilon = opt->epsilon;
    u->weight_decay = opt->weight_decay;
    u->decoupled = opt->decoupled_weight_decay;
    u->amsgrad = opt->amsgrad;
    u->step_size =
        (float)((double)opt->learning_rate / (1.0 - u->beta1_power));
    u->bc2_sqrt = (float)sqrt(1.0 - u->beta2_power);
    u->decay = u->decoupled ? 1.0f - opt->learning_rate * opt->weight_decay
                            : 1.0f;
}

static nnlite__update_fn adam_kernel(const nnlite_optimizer *o,
                                     const nnlite__update_kernels *k)
{
    (void)o;
    return k->adam;
}

static void adam_commit(nnlite_optimizer *o, const nnlite__update *u)
{
    o->beta1_power = u->beta1_power;
    o->beta2_power = u->beta2_power;
}

static void adam_describe(const nnlite_optimizer *o, char *buf, size_t size)
{
    const nnlite_optimizer_options *opt = &o->options;
    nnlite__format(buf, size,
                   "beta1=%g, beta2=%g, epsilon=%g, decoupled=%d, "
                   "amsgrad=%d",
                   (double)opt->beta1, (double)opt->beta2,
                   (double)opt->epsilon, opt->decoupled_weight_decay != 0,
                   opt->amsgrad != 0);
}

const nnlite__optimizer_ops nnlite__adam_ops = {
    .kind = NNLITE_OPTIMIZER_ADAM,
    .name = "Adam",
    .check = adam_check,
    .state_per_param = adam_state_per_param,
    .begin = adam_begin,
    .kernel = adam_kernel,
    .commit = adam_commit,
    .bias_corrected = true,
    .describe = adam_describe,
};
