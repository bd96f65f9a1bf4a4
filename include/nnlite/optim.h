/**
 * @file optim.h
 * @brief Optimizers: how a model turns gradients into parameter updates.
 *
 * Update rules are PyTorch's, so hyperparameters carry over unchanged.
 * With parameters p, gradient g, learning rate lr, at step t = 1, 2, ...:
 *
 * - SGD: g += weight_decay * p; if momentum mu > 0: v = mu * v +
 *   (1 - dampening) * g (v = g at the first step, whatever the
 *   dampening), then g = g + mu * v with Nesterov, else g = v;
 *   p -= lr * g. With mu = 0 and no decay this is plain gradient descent.
 *   Nesterov needs momentum > 0 and dampening 0 (as PyTorch).
 * - Adam: g += weight_decay * p (unless decoupled); m = b1 m + (1 - b1) g;
 *   v = b2 v + (1 - b2) g^2; p -= lr * (m / (1 - b1^t)) /
 *   (sqrt(v / (1 - b2^t)) + eps). AdamW (decoupled) instead first scales
 *   p *= 1 - lr * weight_decay. AMSGrad keeps the largest v seen,
 *   vmax = max(vmax, v), and divides by sqrt(vmax / (1 - b2^t)) + eps
 *   instead.
 *
 * An optimizer is handed to nnlite_model_set_optimizer(), which takes
 * ownership. Its state (momentum, Adam moments, step count) lives with it.
 *
 * Memory, allocated once for the model's parameters: an update is all or
 * nothing (one that would leave a value NaN or infinite changes nothing),
 * so the optimizer keeps a copy of the parameters to restore and writes
 * new state beside the old. Per parameter: 1 float for plain SGD, 3 with
 * momentum, 5 for Adam, 7 for Adam with AMSGrad. Where memory is short,
 * nnlite_optimizer_set_rollback() turns the copy off: 0, 1, 2 and 3
 * floats.
 *
 * Every constructor has a check twin (nnlite_optimizer_options_check(),
 * nnlite_sgd_check(), nnlite_adam_check()) that says in words why the
 * constructor would refuse its arguments; both run the same checks.
 */
#ifndef NNLITE_OPTIM_H
#define NNLITE_OPTIM_H

#include "nnlite/alloc.h"
#include "nnlite/export.h"
#include "nnlite/status.h"

NNLITE_BEGIN_DECLS

/** Opaque optimizer handle. */
typedef struct nnlite_optimizer nnlite_optimizer;

/** The kinds of optimizer. Values are fixed (stored in model files). */
typedef enum nnlite_optimizer_kind {
    NNLITE_OPTIMIZER_SGD = 1, /**< SGD, with momentum and Nesterov */
    NNLITE_OPTIMIZER_ADAM = 2 /**< Adam, AdamW and AMSGrad */
} nnlite_optimizer_kind;

/** Version of nnlite_optimizer_options this header describes. */
#define NNLITE_OPTIMIZER_OPTIONS_VERSION 2

/**
 * Every optimizer setting. Start from NNLITE_SGD_OPTIONS_INIT or
 * NNLITE_ADAM_OPTIONS_INIT and change what you need, so fields added in
 * later versions keep their defaults.
 *
 * Version 1 ended after `decoupled_weight_decay`; version 2 added
 * `dampening` and `amsgrad`. A program built against version 1 passes the
 * shorter struct with `version` 1: the library then reads only the
 * version-1 fields and uses the defaults (0) for the rest.
 */
typedef struct nnlite_optimizer_options {
    unsigned version;           /**< NNLITE_OPTIMIZER_OPTIONS_VERSION */
    nnlite_optimizer_kind kind; /**< SGD or Adam */
    float learning_rate;        /**< > 0 and finite */
    float momentum;             /**< SGD: in [0, 1) */
    int nesterov;               /**< SGD: non-zero for Nesterov momentum
                                     (needs momentum > 0) */
    float weight_decay;         /**< >= 0: L2 penalty added to the gradient,
                                     or AdamW's decoupled decay */
    float beta1;                /**< Adam: in [0, 1) */
    float beta2;                /**< Adam: in [0, 1) */
    float epsilon;              /**< Adam: > 0 */
    int decoupled_weight_decay; /**< Adam: non-zero for AdamW */
    /* version 2 */
    float dampening;            /**< SGD: in [0, 1]; scales the gradient
                                     added to the velocity by
                                     1 - dampening after the first step;
                                     must be 0 with Nesterov */
    int amsgrad;                /**< Adam: non-zero for AMSGrad */
} nnlite_optimizer_options;

/** Plain gradient descent, learning rate 0.01. */
#define NNLITE_SGD_OPTIONS_INIT                                               \
    {NNLITE_OPTIMIZER_OPTIONS_VERSION, NNLITE_OPTIMIZER_SGD, 0.01f, 0.0f, 0,  \
     0.0f, 0.9f, 0.999f, 1e-8f, 0, 0.0f, 0}

/** Adam with PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8. */
#define NNLITE_ADAM_OPTIONS_INIT                                              \
    {NNLITE_OPTIMIZER_OPTIONS_VERSION, NNLITE_OPTIMIZER_ADAM, 1e-3f, 0.0f, 0, \
     0.0f, 0.9f, 0.999f, 1e-8f, 0, 0.0f, 0}

/**
 * Create an optimizer from options, with an allocator for it and its state.
 *
 * @param out       receives the optimizer (caller owns it until a model
 *                  takes it). NULL on failure.
 * @param options   settings; copied.
 * @param allocator NULL for malloc/free; otherwise copied.
 * @return NNLITE_OK; NNLITE_EINVAL for NULL `out`/`options`, an unknown
 *         version or kind, a setting out of the range documented above, or
 *         a half-set allocator; NNLITE_ENOMEM. nnlite_optimizer_options_check()
 *         says which setting is wrong.
 */
NNLITE_API nnlite_status nnlite_optimizer_create_advanced(
    nnlite_optimizer **out, const nnlite_optimizer_options *options,
    const nnlite_allocator *allocator);

/**
 * Say why nnlite_optimizer_create_advanced() would refuse these options.
 * @param options the options (version 1 or 2); NULL is refused.
 * @param message receives one NUL-terminated sentence naming the setting
 *                and its value (e.g. "momentum 1 is outside [0, 1)"),
 *                truncated to `size` bytes; "" when the options are fine.
 *                May be NULL when `size` is 0.
 * @return the status nnlite_optimizer_create_advanced() returns for these
 *         options (NNLITE_OK when they are valid; it may still fail with
 *         NNLITE_ENOMEM, for a NULL `out` or a half-set allocator).
 */
NNLITE_API nnlite_status nnlite_optimizer_options_check(
    const nnlite_optimizer_options *options, char *message, size_t size);

/** nnlite_optimizer_create_advanced() with malloc/free. */
NNLITE_API nnlite_status nnlite_optimizer_create(
    nnlite_optimizer **out, const nnlite_optimizer_options *options);

/**
 * SGD with momentum `momentum` (0 for plain gradient descent).
 * Errors as nnlite_optimizer_create_advanced().
 */
NNLITE_API nnlite_status nnlite_sgd_create(nnlite_optimizer **out,
                                           float learning_rate,
                                           float momentum);

/**
 * Say why nnlite_sgd_create() would refuse these arguments.
 * @param message as nnlite_optimizer_options_check().
 * @return the status nnlite_sgd_create() returns for these arguments
 *         (NNLITE_OK when they are valid; it may still fail with
 *         NNLITE_ENOMEM or for a NULL `out`).
 */
NNLITE_API nnlite_status nnlite_sgd_check(float learning_rate, float momentum,
                                          char *message, size_t size);

/**
 * Adam (PyTorch defaults: 1e-3, 0.9, 0.999, 1e-8).
 * Errors as nnlite_optimizer_create_advanced().
 */
NNLITE_API nnlite_status nnlite_adam_create(nnlite_optimizer **out,
                                            float learning_rate, float beta1,
                                            float beta2, float epsilon);

/**
 * Say why nnlite_adam_create() would refuse these arguments.
 * @param message as nnlite_optimizer_options_check().
 * @return the status nnlite_adam_create() returns for these arguments
 *         (NNLITE_OK when they are valid; it may still fail with
 *         NNLITE_ENOMEM or for a NULL `out`).
 */
NNLITE_API nnlite_status nnlite_adam_check(float learning_rate, float beta1,
                                           float beta2, float epsilon,
                                           char *message, size_t size);

/**
 * Destroy an optimizer no model owns.
 * @param optimizer may be NULL. One a model holds is left alone (the model
 *                  frees it).
 */
NNLITE_API void nnlite_optimizer_destroy(nnlite_optimizer *optimizer);

/**
 * Change the learning rate; takes effect at the next update (schedules call
 * this between updates or epochs).
 * @return NNLITE_OK; NNLITE_EINVAL for NULL or a rate not > 0 and finite.
 */
NNLITE_API nnlite_status nnlite_optimizer_set_learning_rate(
    nnlite_optimizer *optimizer, float learning_rate);

/** @return the current learning rate, or 0 for NULL. */
NNLITE_API float nnlite_optimizer_get_learning_rate(
    const nnlite_optimizer *optimizer);

/**
 * Copy the optimizer's settings (e.g. to print them) into a struct of the
 * caller's, the learning rate as it is now.
 * @param out receives the settings. Set `out->version` first (to
 *            NNLITE_OPTIMIZER_OPTIONS_VERSION, or 1 from a program built
 *            against version 1): only the fields of that version are
 *            written, so a shorter version-1 struct is safe.
 * @return NNLITE_OK; NNLITE_EINVAL for NULL arguments or an unknown
 *         `out->version` (nothing is written then).
 */
NNLITE_API nnlite_status nnlite_optimizer_get_options(
    const nnlite_optimizer *optimizer, nnlite_optimizer_options *out);

/** @return the optimizer's kind, or 0 for NULL. */
NNLITE_API nnlite_optimizer_kind nnlite_optimizer_kind_of(
    const nnlite_optimizer *optimizer);

/**
 * Choose how an update protects the model. With rollback (the default)
 * an update is all or nothing: it keeps a copy of the parameters and
 * writes the new state beside the old, and an update that would leave a
 * parameter or state value NaN or infinite is undone bit for bit. Without
 * it, the state is updated in place and no copy is kept, which saves
 * (state + 1) floats per parameter (Adam: 5 floats become 2; see the
 * figures above). The model then checks the gradients before updating,
 * so a NaN or infinite gradient still changes nothing; only an update
 * whose result overflows float (a learning rate far too large for the
 * data) can no longer be undone: nnlite_model_apply_gradients() and its
 * callers return NNLITE_ENUMERIC and the parameters and state hold what
 * the update wrote (non-finite values included; the step is not
 * counted). Results are the same bits either way as long as no update
 * fails.
 *
 * May be called at any time; an optimizer already sized for a model
 * moves its state into the new layout (allocating it first: on failure
 * nothing changes). The setting belongs to this optimizer handle and is
 * not saved in model files.
 * @param rollback non-zero: all or nothing (default); 0: in place.
 * @return NNLITE_OK; NNLITE_EINVAL for NULL; NNLITE_ENOMEM.
 */
NNLITE_API nnlite_status nnlite_optimizer_set_rollback(
    nnlite_optimizer *optimizer, int rollback);

/** @return 1 when updates are all or nothing (the default), 0 when
 *          nnlite_optimizer_set_rollback() turned that off or for NULL. */
NNLITE_API int nnlite_optimizer_get_rollback(
    const nnlite_optimizer *optimizer);

/** @return the number of updates applied so far, or 0 for NULL. */
NNLITE_API unsigned long long nnlite_optimizer_step_count(
    const nnlite_optimizer *optimizer);

/** Deprecated name of nnlite_optimizer_step_count() (0.1); removed at 1.0. */
NNLITE_DEPRECATED("use nnlite_optimizer_step_count")
NNLITE_API unsigned long long nnlite_optimizer_get_step_count(
    const nnlite_optimizer *optimizer);

/**
 * @return the kind's name as static text (never freed, never NULL), as
 *         messages and nnlite_model_summary() write it: "SGD", "Adam".
 *         "unknown" for a value that is not a kind.
 */
NNLITE_API const char *nnlite_optimizer_kind_name(nnlite_optimizer_kind kind);

NNLITE_END_DECLS

#endif /* NNLITE_OPTIM_H */
