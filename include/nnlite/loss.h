/**
 * @file loss.h
 * @brief Losses: how far predictions are from targets.
 *
 * A loss works on its own (nnlite_loss_compute, e.g. to draw an error
 * surface) or inside a model (nnlite_model_set_loss, which takes ownership).
 *
 * - MAE: mean over all elements of |pred - target|.
 * - MSE: mean over all elements of (pred - target)^2.
 *   For both, pred and target have the same shape [batch, n]; there is no
 *   broadcasting. The MAE gradient at pred == target is 0.
 * - Cross-entropy takes logits, never probabilities (apply no softmax or
 *   sigmoid layer before it; use nnlite_model_predict_probabilities() at
 *   inference). With C > 1 outputs it is softmax cross-entropy and the
 *   target is either class indices [batch, 1] (whole numbers 0..C-1 stored
 *   as float) or probabilities [batch, C] (each in [0, 1]); with C = 1 it is
 *   binary cross-entropy on one logit, target [batch, 1] in [0, 1].
 *   Mean over the batch; computed stably with log-sum-exp.
 * - Huber (PyTorch's nn.HuberLoss(delta)): mean over all elements of
 *   (pred - target)^2 / 2 where |pred - target| < delta, and of
 *   delta * (|pred - target| - delta / 2) elsewhere: MSE's shape near the
 *   target, MAE's slope far from it, so outliers pull less. pred and
 *   target have the same shape [batch, n]. The gradient is
 *   (pred - target) / N inside, +-delta / N outside.
 */
#ifndef NNLITE_LOSS_H
#define NNLITE_LOSS_H

#include "nnlite/alloc.h"
#include "nnlite/export.h"
#include "nnlite/status.h"
#include "nnlite/tensor.h"

NNLITE_BEGIN_DECLS

/** Opaque loss handle. */
typedef struct nnlite_loss nnlite_loss;

/** The kinds of loss. Values are fixed (they are stored in model files). */
typedef enum nnlite_loss_kind {
    NNLITE_LOSS_MAE = 1,           /**< mean of |pred - target| */
    NNLITE_LOSS_MSE = 2,           /**< mean of (pred - target)^2 */
    NNLITE_LOSS_CROSS_ENTROPY = 3, /**< softmax or binary, on logits */
    NNLITE_LOSS_HUBER = 4          /**< MSE near the target, MAE far */
} nnlite_loss_kind;

/**
 * Create a loss of any kind with an allocator for it.
 * @param out       receives the loss (caller owns it until a model takes
 *                  it). NULL on failure.
 * @param kind      any kind; NNLITE_LOSS_HUBER gets delta 1 (PyTorch's
 *                  default; nnlite_loss_huber_create() takes another).
 * @param allocator NULL for malloc/free; otherwise copied.
 * @return NNLITE_OK; NNLITE_EINVAL for NULL `out`, an unknown kind or a
 *         half-set allocator; NNLITE_ENOMEM.
 */
NNLITE_API nnlite_status nnlite_loss_create_advanced(
    nnlite_loss **out, nnlite_loss_kind kind,
    const nnlite_allocator *allocator);

/**
 * Say why nnlite_loss_create_advanced() would refuse this kind.
 * @param message receives one sentence ("loss kind 9 is unknown"),
 *                truncated to `size` bytes; "" when the kind is fine. May
 *                be NULL when `size` is 0.
 * @return the status nnlite_loss_create_advanced() returns for it
 *         (NNLITE_OK for a known kind; creating may still fail with
 *         NNLITE_ENOMEM, a NULL `out` or a half-set allocator).
 */
NNLITE_API nnlite_status nnlite_loss_check(nnlite_loss_kind kind,
                                           char *message, size_t size);

/** Mean absolute error. Errors as nnlite_loss_create_advanced(). */
NNLITE_API nnlite_status nnlite_loss_mae_create(nnlite_loss **out);

/** Mean squared error. Errors as nnlite_loss_create_advanced(). */
NNLITE_API nnlite_status nnlite_loss_mse_create(nnlite_loss **out);

/** Cross-entropy on logits. Errors as nnlite_loss_create_advanced(). */
NNLITE_API nnlite_status nnlite_loss_cross_entropy_create(nnlite_loss **out);

/**
 * Huber loss with threshold `delta`, malloc/free.
 * @param out   receives the loss (caller owns it until a model takes it).
 *              NULL on failure.
 * @param delta where the loss turns from quadratic to linear: > 0 and
 *              finite (PyTorch's default is 1).
 * @return NNLITE_OK; NNLITE_EINVAL for NULL `out` or a bad delta
 *         (nnlite_loss_huber_check() says why); NNLITE_ENOMEM.
 */
NNLITE_API nnlite_status nnlite_loss_huber_create(nnlite_loss **out,
                                                  float delta);

/**
 * Say why nnlite_loss_huber_create() would refuse this delta.
 * @param message receives one NUL-terminated sentence naming the argument
 *                and its value (e.g. "delta -1 is not a finite number
 *                > 0"), truncated to `size` bytes; "" when it is fine.
 *                May be NULL when `size` is 0.
 * @return the status nnlite_loss_huber_create() returns for this delta
 *         (NNLITE_OK when it is valid; it may still fail with
 *         NNLITE_ENOMEM or for a NULL `out`).
 */
NNLITE_API nnlite_status nnlite_loss_huber_check(float delta, char *message,
                                                 size_t size);

/**
 * @return a Huber loss's delta; 0 for the other kinds and for NULL (use
 *         nnlite_loss_kind_of() for the kind).
 */
NNLITE_API float nnlite_loss_huber_delta(const nnlite_loss *loss);

/**
 * Destroy a loss no model owns.
 * @param loss may be NULL. A loss a model holds is left alone (the model
 *             frees it).
 */
NNLITE_API void nnlite_loss_destroy(nnlite_loss *loss);

/** @return the loss's kind, or 0 when `loss` is NULL. */
NNLITE_API nnlite_loss_kind nnlite_loss_kind_of(const nnlite_loss *loss);

/** Deprecated name of nnlite_loss_kind_of() (0.1); removed at 1.0. */
NNLITE_DEPRECATED("use nnlite_loss_kind_of")
NNLITE_API nnlite_loss_kind nnlite_loss_get_kind(const nnlite_loss *loss);

/**
 * Compute the loss and, optionally, its gradient with respect to pred.
 *
 * @param loss   the loss.
 * @param pred   predictions (logits for cross-entropy), rank 2 [batch, C].
 * @param target rank 2; shape as described in this file's introduction.
 * @param value  receives the loss (a mean); untouched on failure.
 * @param grad   NULL to skip, else a tensor shaped like `pred` that
 *               receives d(value)/d(pred); untouched on failure.
 * @return NNLITE_OK; NNLITE_EINVAL for NULL arguments, a class index that is
 *         not a whole number in 0..C-1 or a probability outside [0, 1];
 *         NNLITE_ESHAPE for shapes that do not fit; NNLITE_ENUMERIC when
 *         the inputs hold NaN or infinity or the loss is not finite. The
 *         detail is in nnlite_loss_last_error().
 */
NNLITE_API nnlite_status nnlite_loss_compute(nnlite_loss *loss,
                                             const nnlite_tensor *pred,
                                             const nnlite_tensor *target,
                                             float *value,
                                             nnlite_tensor *grad);

/**
 * @return a message about the last failed nnlite_loss_compute() on `loss`
 *         ("" when none), owned by the loss and valid until the next call
 *         on it. Never NULL ("" for a NULL loss).
 */
NNLITE_API const char *nnlite_loss_last_error(const nnlite_loss *loss);

/**
 * @return the kind's name as static text (never freed, never NULL), as
 *         messages and nnlite_model_summary() write it: "MAE", "MSE",
 *         "cross-entropy", "Huber". "unknown" for a value that is not a
 *         kind.
 */
NNLITE_API const char *nnlite_loss_kind_name(nnlite_loss_kind kind);

NNLITE_END_DECLS

#endif /* NNLITE_LOSS_H */
