/* Loss handles and the standalone nnlite_loss_compute(). */
#include "loss_impl.h"

#include <math.h>

#include "alloc_impl.h"
#include "nnlite/config.h"
#include "numeric_impl.h"
#include "tensor_impl.h"

bool nnlite__same_width(size_t cols, size_t tcols)
{
    return cols == tcols;
}

void nnlite__describe_same_width(size_t cols, char *buf, size_t size)
{
    nnlite__format(buf, size, "%zu", cols);
}

/* The kinds this build has (meson option -Dlosses); only those are
 * linked into a program. */
static const nnlite__loss_ops *ops_for_kind(nnlite_loss_kind kind)
{
    switch (kind) {
#if NNLITE_HAVE_LOSS_MAE
    case NNLITE_LOSS_MAE:
        return &nnlite__mae_ops;
#endif
#if NNLITE_HAVE_LOSS_MSE
    case NNLITE_LOSS_MSE:
        return &nnlite__mse_ops;
#endif
#if NNLITE_HAVE_LOSS_CROSS_ENTROPY
    case NNLITE_LOSS_CROSS_ENTROPY:
        return &nnlite__cross_entropy_ops;
#endif
#if NNLITE_HAVE_LOSS_HUBER
    case NNLITE_LOSS_HUBER:
        return &nnlite__huber_ops;
#endif
    default:
        return NULL;
    }
}

/* Every kind's name, built in or not. */
static const char *kind_name(nnlite_loss_kind kind)
{
    static const char *const names[] = {NULL, "MAE", "MSE", "cross-entropy",
                                        "Huber"};
    return kind >= NNLITE_LOSS_MAE && kind <= NNLITE_LOSS_HUBER ? names[kind]
                                                                 : NULL;
}

/* Every check of a loss's settings, for the constructors and their
 * twins alike; msg says what is wrong ("" when nothing is). Only Huber
 * has a setting: the other kinds take delta 0. */
static nnlite_status check_loss(nnlite_loss_kind kind, float delta,
                                const nnlite__loss_ops **ops, char *msg,
                                size_t size)
{
    nnlite__format(msg, size, "%s", "");
    if ((*ops = ops_for_kind(kind)) == NULL) {
        nnlite__format(msg, size, "loss kind %d is unknown", (int)kind);
#if !(NNLITE_HAVE_LOSS_MAE && NNLITE_HAVE_LOSS_MSE &&                        \
      NNLITE_HAVE_LOSS_CROSS_ENTROPY && NNLITE_HAVE_LOSS_HUBER)
        if (kind_name(kind) != NULL) { /* a kind left out of this build */
            nnlite__format(msg, size,
                           "loss kind %d (%s) is not built into this nnlite "
                           "(meson option -Dlosses)",
                           (int)kind, kind_name(kind));
        }
#endif
        return NNLITE_EINVAL;
    }
    if (kind == NNLITE_LOSS_HUBER && !(isfinite(delta) && delta > 0.0f)) {
        nnlite__format(msg, size, "delta %g is not a finite number > 0",
                       (double)delta);
        return NNLITE_EINVAL;
    }
    if (kind != NNLITE_LOSS_HUBER && delta != 0.0f) {
        nnlite__format(msg, size, "the %s loss takes no delta (%g given)",
                       (*ops)->name, (double)delta);
        return NNLITE_EINVAL;
    }
    return NNLITE_OK;
}

nnlite_status nnlite__loss_check(nnlite_loss_kind kind, float delta,
                                 char *msg, size_t size)
{
    const nnlite__loss_ops *ops;
    return check_loss(kind, delta, &ops, msg, size);
}

nnlite_status nnlite__loss_create(nnlite_loss **out, nnlite_loss_kind kind,
                                  float delta,
                                  const nnlite_allocator *allocator)
{
    nnlite_allocator a;
    const nnlite__loss_ops *ops;
    nnlite_loss *loss;
    nnlite_status s;

    if (out == NULL) {
        return NNLITE_EINVAL;
    }
    *out = NULL;
    if ((s = check_loss(kind, delta, &ops, NULL, 0)) != NNLITE_OK) {
        return s;
    }
    if (nnlite__allocator_resolve(&a, allocator) != NNLITE_OK) {
        return NNLITE_EINVAL;
    }
    loss = nnlite__calloc(&a, sizeof(*loss));
    if (loss == NULL) {
        return NNLITE_ENOMEM;
    }
    loss->ops = ops;
    loss->allocator = a;
    loss->delta = delta;
    *out = loss;
    return NNLITE_OK;
}

nnlite_status nnlite_loss_create_advanced(nnlite_loss **out,
                                          nnlite_loss_kind kind,
                                          const nnlite_allocator *allocator)
{
    return nnlite__loss_create(out, kind,
                               kind == NNLITE_LOSS_HUBER
                                   ? NNLITE__HUBER_DEFAULT_DELTA
                                   : 0.0f,
                               allocator);
}

nnlite_status nnlite_loss_check(nnlite_loss_kind kind, char *message,
                                size_t size)
{
    return nnlite__loss_check(kind,
                              kind == NNLITE_LOSS_HUBER
                                  ? NNLITE__HUBER_DEFAULT_DELTA
                                  : 0.0f,
                              message, size);
}

nnlite_status nnlite_loss_huber_create(nnlite_loss **out, float delta)
{
    return nnlite__loss_create(out, NNLITE_LOSS_HUBER, delta, NULL);
}

nnlite_status nnlite_loss_huber_check(float delta, char *message,
                                      size_t size)
{
    return nnlite__loss_check(NNLITE_LOSS_HUBER, delta, message, size);
}

float nnlite_loss_huber_delta(const nnlite_loss *loss)
{
    return loss == NULL ? 0.0f : loss->delta;
}

nnlite_status nnlite_loss_mae_create(nnlite_loss **out)
{
    return nnlite_loss_create_advanced(out, NNLITE_LOSS_MAE, NULL);
}

nnlite_status nnlite_loss_mse_create(nnlite_loss **out)
{
    return nnlite_loss_create_advanced(out, NNLITE_LOSS_MSE, NULL);
}

nnlite_status nnlite_loss_cross_entropy_create(nnlite_loss **out)
{
    return nnlite_loss_create_advanced(out, NNLITE_LOSS_CROSS_ENTROPY, NULL);
}

void nnlite_loss_destroy(nnlite_loss *loss)
{
    if (loss != NULL && loss->owner == NULL) { /* else the model's */
        nnlite_allocator a = loss->allocator;
        nnlite__free(&a, loss);
    }
}

nnlite_loss_kind nnlite_loss_kind_of(const nnlite_loss *loss)
{
    return loss == NULL ? (nnlite_loss_kind)0 : loss->ops->kind;
}

nnlite_loss_kind nnlite_loss_get_kind(const nnlite_loss *loss)
{
    return nnlite_loss_kind_of(loss);
}

const char *nnlite_loss_last_error(const nnlite_loss *loss)
{
    return loss == NULL ? "" : loss->error;
}

static nnlite_status fail(nnlite_loss *loss, nnlite_status s, const char *what)
{
    nnlite__format(loss->error, sizeof(loss->error), "%s", what);
    return s;
}

static nnlite_status check_shapes(nnlite_loss *loss, const nnlite_tensor *pred,
                                  const nnlite_tensor *target,
                                  const nnlite_tensor *grad)
{
    char want[64];
    if (pred->rank != 2 || target->rank != 2) {
        return fail(loss, NNLITE_ESHAPE, "pred and target must be rank 2");
    }
    if (target->shape[0] != pred->shape[0]) {
        nnlite__format(loss->error, sizeof(loss->error),
                       "pred has %zu rows but target has %zu",
                       pred->shape[0], target->shape[0]);
        return NNLITE_ESHAPE;
    }
    if (!loss->ops->target_fits(pred->shape[1], target->shape[1])) {
        loss->ops->describe_target(pred->shape[1], want, sizeof(want));
        nnlite__format(loss->error, sizeof(loss->error),
                       "%s target has %zu column%s; predictions of %zu "
                       "column%s need %s",
                       loss->ops->name, target->shape[1],
                       target->shape[1] == 1 ? "" : "s", pred->shape[1],
                       pred->shape[1] == 1 ? "" : "s", want);
        return NNLITE_ESHAPE;
    }
    if (grad != NULL &&
        (grad->rank != 2 || grad->shape[0] != pred->shape[0] ||
         grad->shape[1] != pred->shape[1])) {
        return fail(loss, NNLITE_ESHAPE, "grad must have pred's shape");
    }
    if (grad != NULL && !nnlite__tensor_writable(grad)) {
        return fail(loss, NNLITE_EINVAL,
                    "grad is a read-only view (wrap_const): it cannot "
                    "receive the gradient");
    }
    return NNLITE_OK;
}

nnlite_status nnlite_loss_compute(nnlite_loss *loss, const nnlite_tensor *pred,
                                  const nnlite_tensor *target, float *value,
                                  nnlite_tensor *grad)
{
    nnlite_status s;
    size_t bad;
    double v;

    if (loss == NULL) {
        return NNLITE_EINVAL;
    }
    loss->error[0] = '\0';
    if (pred == NULL || target == NULL || value == NULL) {
        return fail(loss, NNLITE_EINVAL, "pred, target and value are needed");
    }
    if ((s = check_shapes(loss, pred, target, grad)) != NNLITE_OK) {
        return s;
    }
    if (!nnlite__all_finite(pred->data, pred->size, &bad)) {
        nnlite__format(loss->error, sizeof(loss->error),
                       "pred[%zu][%zu] is not finite", bad / pred->shape[1],
                       bad % pred->shape[1]);
        return NNLITE_ENUMERIC;
    }
    if (!nnlite__all_finite(target->data, target->size, &bad)) {
        nnlite__format(loss->error, sizeof(loss->error),
                       "target[%zu][%zu] is not finite",
                       bad / target->shape[1], bad % target->shape[1]);
        return NNLITE_ENUMERIC;
    }
    if (loss->ops->check_targets != NULL &&
        (s = loss->ops->check_targets(target->data, pred->shape[0],
                                      pred->shape[1], target->shape[1],
                                      loss->error, sizeof(loss->error))) !=
            NNLITE_OK) {
        return s;
    }
    /* The value first, so that an overflowing loss leaves grad untouched;
     * the standalone call is not on the training path, where the model
     * computes both in one pass. */
    v = loss->ops->compute(loss, pred->data, target->data, pred->shape[0],
                           pred->shape[1], target->shape[1], NULL);
    if (!isfinite((float)v)) {
        return fail(loss, NNLITE_ENUMERIC, "the loss overflowed");
    }
    if (grad != NULL) {
        loss->ops->compute(loss, pred->data, target->data, pred->shape[0],
                           pred->shape[1], target->shape[1], grad->data);
    }
    *value = (float)v;
    return NNLITE_OK;
}

const char *nnlite_loss_kind_name(nnlite_loss_kind kind)
{
    const char *name = kind_name(kind);
    return name == NULL ? "unknown" : name;
}

void nnlite__loss_describe(const nnlite_loss *loss, char *buf, size_t size)
{
    nnlite__format(buf, size, "%s", "");
    if (loss->ops->describe != NULL) {
        loss->ops->describe(loss, buf, size);
    }
}
