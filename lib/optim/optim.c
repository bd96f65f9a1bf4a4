/* Optimizer handles: option checks, state, the step dispatch. */
#include "optim_impl.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "alloc_impl.h"
#include "message_impl.h"
#include "nnlite/config.h"

/* The kinds this build has (meson option -Doptimizers); only those are
 * linked into a program. */
static const nnlite__optimizer_ops *ops_for_kind(nnlite_optimizer_kind kind)
{
    switch (kind) {
#if NNLITE_HAVE_OPTIMIZER_SGD
    case NNLITE_OPTIMIZER_SGD:
        return &nnlite__sgd_ops;
#endif
#if NNLITE_HAVE_OPTIMIZER_ADAM
    case NNLITE_OPTIMIZER_ADAM:
        return &nnlite__adam_ops;
#endif
    default:
        return NULL;
    }
}

/* Every kind's name, built in or not. */
static const char *kind_name(nnlite_optimizer_kind kind)
{
    switch (kind) {
    case NNLITE_OPTIMIZER_SGD:
        return "SGD";
    case NNLITE_OPTIMIZER_ADAM:
        return "Adam";
    default:
        return NULL;
    }
}

static bool valid_learning_rate(float lr)
{
    return isfinite(lr) && lr > 0.0f;
}

/* The options as this version of the library sees them: a version-1
 * struct ends before `dampening` (the caller's may be that short, so
 * nothing past it is read) and gets the defaults of the fields after. */
static nnlite_status normalize(const nnlite_optimizer_options *in,
                               nnlite_optimizer_options *out, char *msg,
                               size_t size)
{
    if (in == NULL) {
        nnlite__format(msg, size, "options is NULL");
        return NNLITE_EINVAL;
    }
    switch (in->version) {
    case 1:
        *out = (nnlite_optimizer_options)NNLITE_SGD_OPTIONS_INIT;
        memcpy(out, in, offsetof(nnlite_optimizer_options, dampening));
        out->version = NNLITE_OPTIMIZER_OPTIONS_VERSION;
        return NNLITE_OK;
    case NNLITE_OPTIMIZER_OPTIONS_VERSION:
        *out = *in;
        return NNLITE_OK;
    default:
        nnlite__format(msg, size,
                       "options version %u is unknown (this library "
                       "reads 1 to %u)",
                       in->version, NNLITE_OPTIMIZER_OPTIONS_VERSION);
        return NNLITE_EINVAL;
    }
}

/* Every check of a set of options, for the constructor and its twins
 * alike: *norm gets the normalised options, *ops the rule; msg says what
 * is wrong ("" when nothing is). */
static nnlite_status check_options(const nnlite_optimizer_options *in,
                                   nnlite_optimizer_options *norm,
                                   const nnlite__optimizer_ops **ops,
                                   char *msg, size_t size)
{
    nnlite_status s;
    nnlite__format(msg, size, "%s", "");
    if ((s = normalize(in, norm, msg, size)) != NNLITE_OK) {
        return s;
    }
    if ((*ops = ops_for_kind(norm->kind)) == NULL) {
        nnlite__format(msg, size, "optimizer kind %d is unknown",
                       (int)norm->kind);
#if !(NNLITE_HAVE_OPTIMIZER_SGD && NNLITE_HAVE_OPTIMIZER_ADAM)
        if (kind_name(norm->kind) != NULL) { /* left out of this build */
            nnlite__format(msg, size,
                           "optimizer kind %d (%s) is not built into this "
                           "nnlite (meson option -Doptimizers)",
                           (int)norm->kind, kind_name(norm->kind));
        }
#endif
        return NNLITE_EINVAL;
    }
    if (!valid_learning_rate(norm->learning_rate)) {
        nnlite__format(msg, size,
                       "learning rate %g is not a finite number > 0",
                       (double)norm->learning_rate);
        return NNLITE_EINVAL;
    }
    if (!(isfinite(norm->weight_decay) && norm->weight_decay >= 0.0f)) {
        nnlite__format(msg, size,
                       "weight decay %g is not a finite number >= 0",
                       (double)norm->weight_decay);
        return NNLITE_EINVAL;
    }
    return (*ops)->check(norm, msg, size);
}

nnlite_status nnlite_optimizer_options_check(
    const nnlite_optimizer_options *options, char *message, size_t size)
{
    nnlite_optimizer_options norm;
    const nnlite__optimizer_ops *ops;
    return check_options(options, &norm, &ops, message, size);
}

nnlite_status nnlite_optimizer_create_advanced(
    nnlite_optimizer **out, const nnlite_optimizer_options *options,
    const nnlite_allocator *allocator)
{
    const nnlite__optimizer_ops *ops;
    nnlite_optimizer_options norm;
    nnlite_allocator a;
    nnlite_optimizer *o;
    nnlite_status s;

    if (out == NULL) {
        return NNLITE_EINVAL;
    }
    *out = NULL;
    if ((s = check_options(options, &norm, &ops, NULL, 0)) != NNLITE_OK) {
        return s;
    }
    if (nnlite__allocator_resolve(&a, allocator) != NNLITE_OK) {
        return NNLITE_EINVAL;
    }
    o = nnlite__calloc(&a, sizeof(*o));
    if (o == NULL) {
        return NNLITE_ENOMEM;
    }
    o->ops = ops;
    o->options = norm;
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

static nnlite_optimizer_options sgd_options(float learning_rate,
                                            float momentum)
{
    nnlite_optimizer_options o = NNLITE_SGD_OPTIONS_INIT;
    o.learning_rate = learning_rate;
    o.momentum = momentum;
    return o;
}

static nnlite_optimizer_options adam_options(float learning_rate,
                                             float beta1, float beta2,
                                             float epsilon)
{
    nnlite_optimizer_options o = NNLITE_ADAM_OPTIONS_INIT;
    o.learning_rate = learning_rate;
    o.beta1 = beta1;
    o.beta2 = beta2;
    o.epsilon = epsilon;
    return o;
}

nnlite_status nnlite_sgd_create(nnlite_optimizer **out, float learning_rate,
                                float momentum)
{
    const nnlite_optimizer_options o = sgd_options(learning_rate, momentum);
    return nnlite_optimizer_create_advanced(out, &o, NULL);
}

nnlite_status nnlite_sgd_check(float learning_rate, float momentum,
                               char *message, size_t size)
{
    const nnlite_optimizer_options o = sgd_options(learning_rate, momentum);
    return nnlite_optimizer_options_check(&o, message, size);
}

nnlite_status nnlite_adam_create(nnlite_optimizer **out, float learning_rate,
                                 float beta1, float beta2, float epsilon)
{
    const nnlite_optimizer_options o =
        adam_options(learning_rate, beta1, beta2, epsilon);
    return nnlite_optimizer_create_advanced(out, &o, NULL);
}

nnlite_status nnlite_adam_check(float learning_rate, float beta1,
                                float beta2, float epsilon, char *message,
                                size_t size)
{
    const nnlite_optimizer_options o =
        adam_options(learning_rate, beta1, beta2, epsilon);
    return nnlite_optimizer_options_check(&o, message, size);
}

void nnlite_optimizer_destroy(nnlite_optimizer *optimizer)
{
    if (optimizer != NULL && optimizer->owner == NULL) { /* else a model's */
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

nnlite_status nnlite_optimizer_get_options(const nnlite_optimizer *optimizer,
                                           nnlite_optimizer_options *out)
{
    if (optimizer == NULL || out == NULL) {
        return NNLITE_EINVAL;
    }
    switch (out->version) {
    case 1: /* the caller's struct ends before `dampening` */
        memcpy(out, &optimizer->options,
               offsetof(nnlite_optimizer_options, dampening));
        out->version = 1;
        return NNLITE_OK;
    case NNLITE_OPTIMIZER_OPTIONS_VERSION:
        *out = optimizer->options;
        return NNLITE_OK;
    default:
        return NNLITE_EINVAL;
    }
}

nnlite_optimizer_kind nnlite_optimizer_kind_of(
    const nnlite_optimizer *optimizer)
{
    return optimizer == NULL ? (nnlite_optimizer_kind)0
                             : optimizer->ops->kind;
}

unsigned long long nnlite_optimizer_step_count(
    const nnlite_optimizer *optimizer)
{
    return optimizer == NULL ? 0 : optimizer->steps;
}

unsigned long long nnlite_optimizer_get_step_count(
    const nnlite_optimizer *optimizer)
{
    return nnlite_optimizer_step_count(optimizer);
}

/* Floats of the buffer for n parameters in either layout. */
static bool buffer_floats(const nnlite_optimizer *o, bool in_place,
                          size_t n, size_t *floats)
{
    const size_t half = o->ops->state_per_param(&o->options);
    size_t per_param = half;
    /* Rollback: two halves of state, then the backup, (2 half + 1) n
     * floats; in place: the state alone. */
    return (in_place || (nnlite__mul_size(&per_param, half, 2) &&
                         nnlite__add_size(&per_param, per_param, 1))) &&
           nnlite__mul_size(floats, n, per_param);
}

bool nnlite__optimizer_buffer_floats(const nnlite_optimizer *o, size_t n,
                                     size_t *floats)
{
    return buffer_floats(o, o->in_place, n, floats);
}

/* Point state, spare and backup into buffer for n parameters. */
static void lay_out(nnlite_optimizer *o, float *buffer, size_t n)
{
    const size_t half = o->ops->state_per_param(&o->options);
    o->buffer = buffer;
    o->state = half > 0 ? buffer : NULL;
    if (o->in_place) { /* new state over the old; no backup */
        o->spare = o->state;
        o->backup = NULL;
    } else {
        o->spare = half > 0 ? buffer + half * n : NULL;
        o->backup = n > 0 ? buffer + 2 * half * n : NULL;
    }
    o->param_count = n;
}

nnlite_status nnlite__optimizer_reserve(nnlite_optimizer *o, size_t n)
{
    size_t count;
    float *buffer;
    if (!nnlite__optimizer_buffer_floats(o, n, &count)) {
        return NNLITE_ENOMEM;
    }
    /* Sized already (plain SGD in place keeps no buffer at all). */
    if (o->param_count == n && (count == 0 || o->buffer != NULL)) {
        return NNLITE_OK;
    }
    buffer = NULL;
    if (count > 0 &&
        (buffer = nnlite__calloc_array(&o->allocator, count,
                                       sizeof(float))) == NULL) {
        return NNLITE_ENOMEM;
    }
    /* A new parameter set starts the optimizer afresh. */
    nnlite__free(&o->allocator, o->buffer);
    lay_out(o, buffer, n);
    o->steps = 0;
    o->beta1_power = 1.0;
    o->beta2_power = 1.0;
    return NNLITE_OK;
}

size_t nnlite__optimizer_state_floats(const nnlite_optimizer *o, size_t n)
{
    if (o->state == NULL || o->param_count != n) {
        return 0;
    }
    return o->ops->state_per_param(&o->options) * n;
}

bool nnlite__optimizer_restore(nnlite_optimizer *o, unsigned long long steps,
                               double beta1_power, double beta2_power)
{
    if (!(beta1_power >= 0.0 && beta1_power <= 1.0 && beta2_power >= 0.0 &&
          beta2_power <= 1.0)) {
        return false;
    }
    if (o->ops->bias_corrected && steps > 0 &&
        (beta1_power >= 1.0 || beta2_power >= 1.0)) {
        return false;
    }
    o->steps = steps;
    o->beta1_power = beta1_power;
    o->beta2_power = beta2_power;
    return true;
}

void nnlite__optimizer_begin(const nnlite_optimizer *o, float *params,
                             const float *grads, nnlite__update *u)
{
    *u = (nnlite__update){0};
    u->params = params;
    u->grads = grads;
    /* In place the kernels' copy of each parameter lands on itself,
     * before the new value does. */
    u->backup = o->in_place ? params : o->backup;
    u->state = o->state;
    u->next_state = o->spare;
    u->n = o->param_count;
    o->ops->begin(o, u);
}

nnlite__update_fn nnlite__optimizer_kernel(const nnlite_optimizer *o,
                                           const nnlite__update_kernels *k)
{
    /* A function pointer, not an integer: cppcheck 2.10 misreads the
     * call through the ops table's function-pointer member. */
    // cppcheck-suppress CastIntegerToAddressAtReturn
    return o->ops->kernel(o, k);
}

void nnlite__optimizer_finish(nnlite_optimizer *o, const nnlite__update *u,
                              bool ok)
{
    if (!ok) { /* the spare state half is scratch: nothing to undo there */
        if (!o->in_place) {
            memcpy(u->params, u->backup, u->n * sizeof(float));
        }
        return;
    }
    float *t = o->state;
    o->state = o->spare;
    o->spare = t;
    o->steps++;
    if (o->ops->commit != NULL) {
        o->ops->commit(o, u);
    }
}

const char *nnlite_optimizer_kind_name(nnlite_optimizer_kind kind)
{
    const char *name = kind_name(kind);
    return name == NULL ? "unknown" : name;
}

void nnlite__optimizer_describe(const nnlite_optimizer *o, char *buf,
                                size_t size)
{
    char own[NNLITE__ERROR_SIZE] = "";
    if (o->ops->describe != NULL) {
        o->ops->describe(o, own, sizeof(own));
    }
    nnlite__format(buf, size, "lr=%g, weight_decay=%g%s%s",
                   (double)o->options.learning_rate,
                   (double)o->options.weight_decay, own[0] ? ", " : "", own);
}

nnlite_status nnlite_optimizer_set_rollback(nnlite_optimizer *optimizer,
                                           int rollback)
{
    const bool in_place = rollback == 0;
    float *buffer = NULL;
    size_t count, n;
    if (optimizer == NULL) {
        return NNLITE_EINVAL;
    }
    if (in_place == optimizer->in_place) {
        return NNLITE_OK;
    }
    n = optimizer->param_count;
    /* Sized already (a buffer, or plain SGD in place with none): the
     * state moves into the new layout. */
    if (n > 0 && (!buffer_floats(optimizer, in_place, n, &count) ||
                  (count > 0 &&
                   (buffer = nnlite__calloc_array(&optimizer->allocator,
                                                  count, sizeof(float))) ==
                       NULL))) {
        return NNLITE_ENOMEM;
    }
    if (buffer != NULL && optimizer->state != NULL) {
        memcpy(buffer, optimizer->state,
               nnlite__optimizer_state_floats(optimizer, n) * sizeof(float));
    }
    nnlite__free(&optimizer->allocator, optimizer->buffer);
    optimizer->in_place = in_place;
    lay_out(optimizer, buffer, n);
    return NNLITE_OK;
}

int nnlite_optimizer_get_rollback(const nnlite_optimizer *optimizer)
{
    return optimizer != NULL && !optimizer->in_place;
}
