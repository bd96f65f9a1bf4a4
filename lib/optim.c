/* Optimizer handles: option checks, state, the step dispatch. */
#include "optim_impl.h"

#include <math.h>

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
        nnlite__free(&a, optimizer->state);
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
    size_t count;
    float *state;
    if (o->param_count == n) {
        return NNLITE_OK;
    }
    if (!nnlite__mul_size(&count, n, state_per_param(o))) {
        return NNLITE_ENOMEM;
    }
    state = NULL;
    if (count > 0 &&
        (state = nnlite__calloc_array(&o->allocator, count, sizeof(float))) ==
            NULL) {
        return NNLITE_ENOMEM;
    }
    /* A new parameter set starts the optimizer afresh. */
    nnlite__free(&o->allocator, o->state);
    o->state = state;
    o->param_count = n;
    o->steps = 0;
    o->beta1_power = 1.0;
    o->beta2_power = 1.0;
    return NNLITE_OK;
}

bool nnlite__optimizer_step(nnlite_optimizer *o, float *params,
                            const float *grads, size_t n)
{
    const bool adam = o->options.kind == NNLITE_OPTIMIZER_ADAM;
    bool (*rule)(nnlite_optimizer *, float *, const float *, size_t, bool) =
        adam ? nnlite__adam_step : nnlite__sgd_step;
    /* Check first, then commit: a failed update leaves everything as it
     * was, parameters, state and step count alike. */
    if (!rule(o, params, grads, n, false)) {
        return false;
    }
    rule(o, params, grads, n, true);
    o->steps++;
    return true;
}
