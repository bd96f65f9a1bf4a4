/* Stochastic gradient descent, PyTorch's rule: weight decay, momentum,
 * dampening, Nesterov. The arithmetic is in update_generic.c and, lane by lane,
 * update_simd_impl.h; here are its settings and constants. */
#include "message_impl.h"
#include "optim_impl.h"

/* Momentum in [0, 1), dampening in [0, 1]; Nesterov needs momentum and
 * no dampening (PyTorch refuses it otherwise). */
static nnlite_status sgd_check(const nnlite_optimizer_options *o, char *msg,
                               size_t size)
{
    if (!(o->momentum >= 0.0f && o->momentum < 1.0f)) {
        nnlite__format(msg, size, "momentum %g is outside [0, 1)",
                       (double)o->momentum);
        return NNLITE_EINVAL;
    }
    if (!(o->dampening >= 0.0f && o->dampening <= 1.0f)) {
        nnlite__format(msg, size, "dampening %g is outside [0, 1]",
                       (double)o->dampening);
        return NNLITE_EINVAL;
    }
    if (o->nesterov && o->momentum == 0.0f) {
        nnlite__format(msg, size, "Nesterov momentum needs momentum > 0");
        return NNLITE_EINVAL;
    }
    if (o->nesterov && o->dampening != 0.0f) {
        nnlite__format(msg, size,
                       "Nesterov momentum needs dampening 0, not %g",
                       (double)o->dampening);
        return NNLITE_EINVAL;
    }
    return NNLITE_OK;
}

/* The velocity, when there is momentum. */
static size_t sgd_state_per_param(const nnlite_optimizer_options *o)
{
    return o->momentum > 0.0f ? 1 : 0;
}

static void sgd_begin(const nnlite_optimizer *o, nnlite__update *u)
{
    u->lr = o->options.learning_rate;
    u->momentum = o->options.momentum;
    u->weight_decay = o->options.weight_decay;
    u->nesterov = o->options.nesterov;
    /* PyTorch's first step sets v = g whatever the dampening; the state
     * is 0 then, so a scale of 1 gives exactly that. */
    u->dampen = o->steps == 0 ? 1.0f : 1.0f - o->options.dampening;
}

static nnlite__update_fn sgd_kernel(const nnlite_optimizer *o,
                                    const nnlite__update_kernels *k)
{
    return o->state != NULL ? k->momentum : k->sgd;
}

static void sgd_describe(const nnlite_optimizer *o, char *buf, size_t size)
{
    nnlite__format(buf, size, "momentum=%g, dampening=%g, nesterov=%d",
                   (double)o->options.momentum, (double)o->options.dampening,
                   o->options.nesterov != 0);
}

const nnlite__optimizer_ops nnlite__sgd_ops = {
    .kind = NNLITE_OPTIMIZER_SGD,
    .name = "SGD",
    .check = sgd_check,
    .state_per_param = sgd_state_per_param,
    .begin = sgd_begin,
    .kernel = sgd_kernel,
    .describe = sgd_describe,
};
