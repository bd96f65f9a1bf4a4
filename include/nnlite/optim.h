/**
 * @file optim.h
 * @brief Optimizers: how a model turns gradients into parameter updates.
 *
 * Update rules are PyTorch's, so hyperparameters carry over unchanged.
 * With parameters p, gradient g, learning rate lr, at step t = 1, 2, ...:
 *
 * - SGD: g += weight_decay * p; if momentum mu > 0: v = mu * v + g (v = g
 *   at the first step), then g = g + mu * v with Nesterov, else g = v;
 *   p -= lr * g. With mu = 0 and no decay this is plain gradient descent.
 * - Adam: g += weight_decay * p (unless decoupled); m = b1 m + (1 - b1) g;
 *   v = b2 v + (1 - b2) g^2; p -= lr * (m / (1 - b1^t)) /
 *   (sqrt(v / (1 - b2^t)) + eps). AdamW (decoupled) instead first scales
 *   p *= 1 - lr * weight_decay.
 *
 * An optimizer is handed to nnlite_model_set_optimizer(), which takes
 * ownership. Its state (momentum, Adam moments, step count) lives with it.
 *
 * Memory, allocated once for the model's parameters: an update is all or
 * nothing (one that would leave a value NaN or infinite changes nothing),
 * so the optimizer keeps a copy of the parameters to restore and writes
 * new state beside the old. Per parameter: 1 float for plain SGD, 3 with
 * momentum, 5 for Adam.
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
    NNLITE_OPTIMIZER_SGD = 1,
    NNLITE_OPTIMIZER_ADAM = 2
} nnlite_optimizer_kind;

/** Version of nnlite_optimizer_options this header describes. */
#define NNLITE_OPTIMIZER_OPTIONS_VERSION 1

/**
 * Every optimizer setting. Start from NNLITE_SGD_OPTIONS_INIT or
 * NNLITE_ADAM_OPTIONS_INIT and change what you need, so fields added in
 * later versions keep their defaults.
 */
typedef struct nnlite_optimizer_options {
    unsigned version;           /**< NNLITE_OPTIMIZER_OPTIONS_VERSION */
    nnlite_optimizer_kind kind;
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
} nnlite_optimizer_options;

/** Plain gradient descent, learning rate 0.01. */
#define NNLITE_SGD_OPTIONS_INIT                                               \
    {NNLITE_OPTIMIZER_OPTIONS_VERSION, NNLITE_OPTIMIZER_SGD, 0.01f, 0.0f, 0,  \
     0.0f, 0.9f, 0.999f, 1e-8f, 0}

/** Adam with PyTorch's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8. */
#define NNLITE_ADAM_OPTIONS_INIT                                              \
    {NNLITE_OPTIMIZER_OPTIONS_VERSION, NNLITE_OPTIMIZER_ADAM, 1e-3f, 0.0f, 0, \
     0.0f, 0.9f, 0.999f, 1e-8f, 0}

/**
 * Create an optimizer from options, with an allocator for it and its state.
 *
 * @param out       receives the optimizer (caller owns it until a model
 *                  takes it). NULL on failure.
 * @param options   settings; copied.
 * @param allocator NULL for malloc/free; otherwise copied.
 * @return NNLITE_OK; NNLITE_EINVAL for NULL `out`/`options`, an unknown
 *         version or kind, a setting out of the range documented above, or
 *         a half-set allocator; NNLITE_ENOMEM.
 */
NNLITE_API nnlite_status nnlite_optimizer_create_advanced(
    nnlite_optimizer **out, const nnlite_optimizer_options *options,
    const nnlite_allocator *allocator);

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
 * Adam (PyTorch defaults: 1e-3, 0.9, 0.999, 1e-8).
 * Errors as nnlite_optimizer_create_advanced().
 */
NNLITE_API nnlite_status nnlite_adam_create(nnlite_optimizer **out,
                                            float learning_rate, float beta1,
                                            float beta2, float epsilon);

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
