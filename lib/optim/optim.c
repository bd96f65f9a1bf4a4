/* Optimizer handles: option checks, state, the step dispatch. */
#include "optim_impl.h"

#include <math.h>
#include <string.h>

#include "alloc_impl.h"

static int in_unit_interval(float v) /* [0, 1) */
{
    return v >= 0.0f && v < 1.0f;
}

static int valid_learning_rate(float lr)
{
    return isfinite(lr) && lr > 0.0f;
}

static nnlite_status check_options(const nnlite_optimizer_options *o)
{
    if (o->version != NNLITE_OPTIMIZER_OPTIONS_VERSION ||
        !valid_learning_rate(o->learning_rate) ||
        !(isfinite(o->weight_decay) && o->weight_decay >= 0.0f)) {
        return NNLITE_EINVAL;
    }
    switch (o->kind) {
    case NNLITE_OPTIMIZER_SGD:
        if (!in_unit_interval(o->momentum) ||
            (o->nesterov && o->momentum == 0.0f)) {
            return NNLITE_EINVAL;
        }
        return NNLITE_OK;
    case NNLITE_OPTIMIZER_ADAM:
        if (!in_unit_interval(o->beta1) || !in_unit_interval(o->beta2) ||
            !(isfinite(o->epsilon) && o->epsilon > 0.0f)) {
            return NNLITE_EINVAL;
        }
        return NNLITE_OK;
    }
    return NNLITE_EINVAL;
}

nnlite_status nnlite_optimizer_create_advanced(
    nnlite_optimizer **out, const nnlite_optimizer_options *options,
    const nnlite_allocator *allocator)
{
    nnlite_allocator a;
    nnlite_optimizer *o;

    if (out == NULL) {
        return NNLITE_EINVAL;
    }
    *out = NULL;
    if (options == NULL || check_options(options) != NNLITE_OK ||
        nnlite__allocator_resolve(&a, allocator) != NNLITE_OK) {
        return NNLITE_EINVAL;
    }
    o = nnlite__calloc(&a, sizeof(*o));
    if (o == NULL) {
        return NNLITE_ENOMEM;
    }
    o->options = *options;
    o->allocator = a;
    o->beta1_power = 1.0;
    o->beta2_power = 1.0;
    *out = o;
    return NNLITE_OK;
}

nnlite_status nnlite_optimizer_create(nnlite_optimizer **out,
                                      const nnlite_optimizer_options *options)
{
    return nnlite_optimizer_create_advanced(out, options, NULL);
}

nnlite_status nnlite_sgd_create(nnlite_optimizer **out, float learning_rate,
                                float momentum)
{
    nnlite_optimizer_options o = NNLITE_SGD_OPTIONS_INIT;
    o.learning_rate = learning_rate;
    o.momentum = momentum;
    return nnlite_optimizer_create_advanced(out, &o, NULL);
}

nnlite_status nnlite_adam_create(nnlite_optimizer **out, float learning_rate,
                                 float beta1, float beta2, float epsilon)
{
    nnlite_optimizer_options o = NNLITE_ADAM_OPTIONS_INIT;
    o.learning_rate = learning_rate;
    o.beta1 = beta1;
    o.beta2 = beta2;
    o.epsilon = epsilon;
    return nnlite_optimizer_create_advanced(out, &o, NULL);
}

void nnlite_optimizer_destroy(nnlite_optimizer *optimizer)
{
    if (optimizer != NULL) {
        nnlite_allocator a = optimizer->allocator;
        nnlite__free(&a, optimizer->buffer);
        nnlite__free(&a, optimizer);
    }
}

nnlite_status nnlite_optimizer_set_learning_rate(nnlite_optimizer *optimizer,
                                                 float learning_rate)
{
    if (optimizer == NULL || !valid_learning_rate(learning_rate)) {
        return NNLITE_EINVAL;
    }
    optimizer->options.learning_rate = learning_rate;
    return NNLITE_OK;
}

float nnlite_optimizer_get_learning_rate(const nnlite_optimizer *optimizer)
{
    return optimizer == NULL ? 0.0f : optimizer->options.learning_rate;
}

unsigned long long nnlite_optimizer_get_step_count(
    const nnlite_optimizer *optimizer)
{
    return optimizer == NULL ? 0 : optimizer->steps;
}

/* Floats of state per parameter. */
static size_t state_per_param(const nnlite_optimizer *o)
{
    if (o->options.kind == NNLITE_OPTIMIZER_ADAM) {
        return 2;
    }
    return o->options.momentum > 0.0f ? 1 : 0;
}

nnlite_status nnlite__optimizer_reserve(nnlite_optimizer *o, size_t n)
{
    const size_t half = state_per_param(o);
    size_t per_param, count;
    float *buffer;
    if (o->param_count == n && (n == 0 || o->buffer != NULL)) {
        return NNLITE_OK;
    }
    /* Two halves of state, then the backup: (2 half + 1) n floats. */
    if (!nnlite__mul_size(&per_param, half, 2) ||
        !nnlite__add_size(&per_param, per_param, 1) ||
        !nnlite__mul_size(&count, n, per_param)) {
        return NNLITE_ENOMEM;
    }
    buffer = NULL;
    if (count > 0 &&
        (buffer = nnlite__calloc_array(&o->allocator, count,
                                       sizeof(float))) == NULL) {
        return NNLITE_ENOMEM;
    }
    /* A new parameter set starts the optimizer afresh. */
    nnlite__free(&o->allocator, o->buffer);
    o->buffer = buffer;
    o->state = half > 0 ? buffer : NULL;
    o->spare = half > 0 ? buffer + half * n : NULL;
    o->backup = n > 0 ? buffer + 2 * half * n : NULL;
    o->param_count = n;
    o->steps = 0;
    o->beta1_power = 1.0;
    o->beta2_power = 1.0;
    return NNLITE_OK;
}

void nnlite__optimizer_begin(const nnlite_optimizer *o, float *params,
                             const float *grads, nnlite__update *u)
{
    *u = (nnlite__update){0};
    u->params = params;
    u->grads = grads;
    u->backup = o->backup;
    u->state = o->state;
    u->next_state = o->spare;
    u->n = o->param_count;
    if (o->options.kind == NNLITE_OPTIMIZER_ADAM) {
        nnlite__adam_begin(o, u);
    } else {
        nnlite__sgd_begin(o, u);
    }
}

nnlite__update_fn nnlite__optimizer_kernel(const nnlite_optimizer *o,
                                           const nnlite__update_kernels *k)
{
    if (o->options.kind == NNLITE_OPTIMIZER_ADAM) {
        return k->adam;
    }
    return o->state != NULL ? k->momentum : k->sgd;
}

void nnlite__optimizer_finish(nnlite_optimizer *o, const nnlite__update *u,
                              bool ok)
{
    if (!ok) { /* the spare state half is scratch: nothing to undo there */
        memcpy(u->params, u->backup, u->n * sizeof(float));
        return;
    }
    float *t = o->state;
    o->state = o->spare;
    o->spare = t;
    o->steps++;
    if (o->options.kind == NNLITE_OPTIMIZER_ADAM) {
        o->beta1_power = u->beta1_power;
        o->beta2_power = u->beta2_power;
    }
}
