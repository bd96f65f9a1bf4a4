/**
 * @file model.h
 * @brief The sequential model: layers in order, a loss, an optimizer, and
 * the training loop of the lecture (forward, loss, backward, update).
 *
 * @code
 *   nnlite_model *model;
 *   nnlite_layer *layer;
 *   nnlite_model_create(&model, 7, 42);          // 7 features, seed 42
 *   nnlite_dense_create(&layer, 7, 16); nnlite_model_add(model, layer);
 *   nnlite_relu_create(&layer);         nnlite_model_add(model, layer);
 *   nnlite_dense_create(&layer, 16, 1); nnlite_model_add(model, layer);
 *   nnlite_loss *loss;           nnlite_loss_mae_create(&loss);
 *   nnlite_model_set_loss(model, loss);
 *   nnlite_optimizer *optimizer; nnlite_sgd_create(&optimizer, 0.01f, 0.9f);
 *   nnlite_model_set_optimizer(model, optimizer);
 *   nnlite_fit_options fit = NNLITE_FIT_OPTIONS_INIT;
 *   nnlite_model_fit(model, x, y, &fit, NULL, NULL);
 *   nnlite_model_forward(model, x_new, y_new);
 *   nnlite_model_destroy(model);        // frees layers, loss, optimizer
 * @endcode
 *
 * Every function checks its arguments; on failure it returns a status and
 * nnlite_model_last_error() says what was wrong. A failed call leaves the
 * model as it was: parameters are never left half-updated.
 *
 * Parameter layout. All parameters live in one flat float buffer, and their
 * gradients in another with the same layout: layers in order; for each dense
 * layer, W ([out, in], row-major) then b ([out]). Activation layers have no
 * parameters. So the first dense layer's weight W[o][i] is params[o*in + i]
 * and its bias b[o] is params[out*in + o]. This is what lets a program
 * average gradients across processes between compute_gradients and
 * apply_gradients.
 *
 * Initialisation is deterministic: the same seed gives bit-identical weights,
 * shuffles and results on every run and machine. Weights are drawn when the
 * model first needs them (the first forward, training, evaluation or
 * params call); after that no layer can be added.
 *
 * Memory. Buffers for activations and gradients are sized for the largest
 * batch seen so far; once a batch size has been used, forward, train_batch
 * and whole fit epochs at that size allocate nothing.
 *
 * Thread safety: a model is used by one thread at a time; different models
 * need no locking (nnlite has no global state).
 */
#ifndef NNLITE_MODEL_H
#define NNLITE_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "nnlite/alloc.h"
#include "nnlite/export.h"
#include "nnlite/layer.h"
#include "nnlite/loss.h"
#include "nnlite/optim.h"
#include "nnlite/status.h"
#include "nnlite/tensor.h"

NNLITE_BEGIN_DECLS

/** Opaque model handle. */
typedef struct nnlite_model nnlite_model;

/**
 * Create an empty model.
 * @param out            receives the model; free with nnlite_model_destroy.
 *                       NULL on failure.
 * @param input_features width of each input sample, >= 1.
 * @param seed           seeds the model's own random generator (weights,
 *                       shuffles).
 * @return NNLITE_OK; NNLITE_EINVAL for NULL `out` or 0 features;
 *         NNLITE_ENOMEM.
 */
NNLITE_API nnlite_status nnlite_model_create(nnlite_model **out,
                                             size_t input_features,
                                             uint64_t seed);

/**
 * nnlite_model_create() with an allocator for every buffer the model makes
 * (parameters, gradients, activations, batches). Layers, losses and
 * optimizers use the allocator they were created with.
 * @return as nnlite_model_create(); NNLITE_EINVAL also for a half-set
 *         allocator.
 */
NNLITE_API nnlite_status nnlite_model_create_advanced(
    nnlite_model **out, size_t input_features, uint64_t seed,
    const nnlite_allocator *allocator);

/**
 * Destroy the model with every layer, loss and optimizer it owns.
 * @param model may be NULL.
 */
NNLITE_API void nnlite_model_destroy(nnlite_model *model);

/**
 * Append a layer. The model takes ownership of `layer` even when this call
 * fails (the layer is then destroyed): never use or free it afterwards.
 * @return NNLITE_OK; NNLITE_EINVAL for NULL arguments, or a layer this
 *         model already holds (it is then left in place, not destroyed);
 *         NNLITE_ESHAPE when a dense layer's in_features differs from the
 *         current output width; NNLITE_ESTATE once the weights were
 *         initialised; NNLITE_ENOMEM.
 */
NNLITE_API nnlite_status nnlite_model_add(nnlite_model *model,
                                          nnlite_layer *layer);

/**
 * Set the loss, replacing (and destroying) any previous one. The model takes
 * ownership of `loss` even when this call fails. Passing the model's own
 * loss again changes nothing.
 * @return NNLITE_OK; NNLITE_EINVAL for NULL arguments; NNLITE_ESTATE from a
 *         fit callback.
 */
NNLITE_API nnlite_status nnlite_model_set_loss(nnlite_model *model,
                                               nnlite_loss *loss);

/**
 * Set the optimizer, replacing (and destroying) any previous one; the new
 * one starts with fresh state. The model takes ownership even when this call
 * fails. Passing the model's own optimizer again (as returned by
 * nnlite_model_get_optimizer) changes nothing.
 * @return NNLITE_OK; NNLITE_EINVAL for NULL arguments; NNLITE_ESTATE from a
 *         fit callback; NNLITE_ENOMEM when its state cannot be allocated
 *         (the previous optimizer is kept).
 */
NNLITE_API nnlite_status nnlite_model_set_optimizer(
    nnlite_model *model, nnlite_optimizer *optimizer);

/**
 * @return the optimizer the model owns (borrowed: valid until it is replaced
 *         or the model destroyed; e.g. to change its learning rate), or NULL.
 */
NNLITE_API nnlite_optimizer *nnlite_model_get_optimizer(nnlite_model *model);

/** @return the width of an input sample, or 0 for NULL. */
NNLITE_API size_t nnlite_model_input_features(const nnlite_model *model);

/** @return the width of an output (the last layer's), or 0 for NULL. */
NNLITE_API size_t nnlite_model_output_features(const nnlite_model *model);

/** @return the number of layers added, or 0 for NULL. */
NNLITE_API size_t nnlite_model_layer_count(const nnlite_model *model);

/**
 * Look at one of the model's layers (e.g. a loaded model's scaling
 * layers, through nnlite_layer_scaling()).
 * @return layer `index` (0 is the first), borrowed: owned by the model,
 *         valid while it lives; never destroy or add it. NULL for a NULL
 *         model or an index past the last layer.
 */
NNLITE_API const nnlite_layer *nnlite_model_layer(const nnlite_model *model,
                                                  size_t index);

/**
 * @return a message about the last failure on `model` ("" when the last
 *         call succeeded), owned by the model and valid until the next call
 *         on it. Never NULL ("" for NULL).
 */
NNLITE_API const char *nnlite_model_last_error(const nnlite_model *model);

/**
 * @return the name of the instruction-set path the model's kernels run
 *         on, chosen once from the CPU: "avx512" or "avx2" (with FMA) on
 *         x86-64 that has them, "neon" on aarch64, "generic" otherwise.
 *         Static text, never freed; "" for NULL.
 */
NNLITE_API const char *nnlite_model_kernel_name(const nnlite_model *model);

/**
 * Inference: y = model(x).
 * @param x [batch, input_features], batch >= 1; read only.
 * @param y [batch, output_features]; written.
 * @return NNLITE_OK; NNLITE_EINVAL for NULL arguments; NNLITE_ESTATE with no
 *         layers; NNLITE_ESHAPE for shapes that do not fit; NNLITE_ENUMERIC
 *         when x holds NaN or infinity (y untouched); NNLITE_ENOMEM.
 */
NNLITE_API nnlite_status nnlite_model_forward(nnlite_model *model,
                                              const nnlite_tensor *x,
                                              nnlite_tensor *y);

/**
 * Inference for a classifier trained with cross-entropy: the model's logits
 * turned into probabilities (softmax over each row, or a sigmoid when the
 * model has one output). Use this, not a softmax layer, so training always
 * sees logits. Errors as nnlite_model_forward().
 */
NNLITE_API nnlite_status nnlite_model_predict_probabilities(
    nnlite_model *model, const nnlite_tensor *x, nnlite_tensor *y);

/**
 * Forward, loss and backward for one batch: the gradient of the mean loss
 * lands in nnlite_model_grads() (overwritten, not accumulated); parameters
 * do not change.
 * @param x      [batch, input_features].
 * @param target shaped for the loss (see loss.h) with the same batch.
 * @param loss   receives the batch's loss; may be NULL.
 * @return NNLITE_OK; NNLITE_EINVAL for NULL arguments or bad class targets;
 *         NNLITE_ESTATE without layers or loss; NNLITE_ESHAPE;
 *         NNLITE_ENUMERIC for a non-finite input, loss or gradient;
 *         NNLITE_ENOMEM.
 */
NNLITE_API nnlite_status nnlite_model_compute_gradients(
    nnlite_model *model, const nnlite_tensor *x, const nnlite_tensor *target,
    float *loss);

/**
 * One optimizer update from the current gradient buffer: one "update" in
 * the lecture's words. The update is all or nothing: when a gradient is
 * NaN or infinite, or when the new parameters or optimizer state would
 * overflow float (a learning rate far too large for the data), it is
 * undone (parameters restored bit for bit) and nothing changes, not even
 * the optimizer's step count.
 * @return NNLITE_OK; NNLITE_EINVAL for NULL; NNLITE_ESTATE without layers or
 *         optimizer, or from a fit callback; NNLITE_ENUMERIC as above;
 *         NNLITE_ENOMEM when the optimizer's state (set before the layers
 *         were added) cannot be allocated.
 */
NNLITE_API nnlite_status nnlite_model_apply_gradients(nnlite_model *model);

/**
 * compute_gradients then apply_gradients. On any failure the parameters are
 * exactly as before the call. Errors as those two (NNLITE_ESTATE also
 * without an optimizer).
 */
NNLITE_API nnlite_status nnlite_model_train_batch(nnlite_model *model,
                                                  const nnlite_tensor *x,
                                                  const nnlite_tensor *target,
                                                  float *loss);

/**
 * The mean loss over a whole data set, without changing anything; done in
 * chunks, so any size works.
 * @param loss receives the loss; required.
 * @return as nnlite_model_compute_gradients().
 */
NNLITE_API nnlite_status nnlite_model_evaluate(nnlite_model *model,
                                               const nnlite_tensor *x,
                                               const nnlite_tensor *target,
                                               float *loss);

/** What the epoch callback is told after each epoch. */
typedef struct nnlite_epoch_stats {
    size_t epoch;          /**< 1 for the first epoch of this fit */
    size_t epochs;         /**< epochs this fit was asked for */
    size_t updates;        /**< optimizer updates so far in this fit */
    float train_loss;      /**< mean of this epoch's batch losses,
                                weighted by batch size */
    float validation_loss; /**< loss on the validation set after the
                                epoch, or NaN when there is none */
} nnlite_epoch_stats;

/**
 * Called after every epoch of nnlite_model_fit(); return non-zero to stop
 * training (fit then returns NNLITE_OK). `stats` is valid during the call.
 * The callback may use the model being trained for inference
 * (forward, predict_probabilities, evaluate: e.g. to track accuracy), read
 * its parameters and change the optimizer's learning rate. Calling
 * nnlite_model_fit, train_batch, compute_gradients, apply_gradients,
 * set_loss or set_optimizer on it from the callback returns NNLITE_ESTATE.
 */
typedef int (*nnlite_epoch_callback)(const nnlite_epoch_stats *stats,
                                     void *user);

/** Version of nnlite_fit_options this header describes. */
#define NNLITE_FIT_OPTIONS_VERSION 1

/** How nnlite_model_fit() trains. Start from NNLITE_FIT_OPTIONS_INIT. */
typedef struct nnlite_fit_options {
    unsigned version;   /**< NNLITE_FIT_OPTIONS_VERSION */
    size_t epochs;      /**< passes over the data, >= 1 */
    size_t batch_size;  /**< samples per update, >= 1; the last batch of an
                             epoch may be smaller (it is used, not dropped) */
    int shuffle;        /**< non-zero: a new order every epoch, from the
                             model's seeded generator */
    const nnlite_tensor *validation_x;      /**< optional, with target */
    const nnlite_tensor *validation_target; /**< optional, with x */
} nnlite_fit_options;

/** 10 epochs of shuffled batches of 32, no validation set. */
#define NNLITE_FIT_OPTIONS_INIT                                               \
    {NNLITE_FIT_OPTIONS_VERSION, 10, 32, 1, NULL, NULL}

/**
 * Train for options->epochs epochs of mini-batches: one update per batch,
 * ceil(N / batch_size) updates per epoch.
 * @param x         training inputs [N, input_features]; read only.
 * @param target    training targets, N rows shaped for the loss; read only.
 * @param options   NULL for NNLITE_FIT_OPTIONS_INIT.
 * @param callback  NULL, or called after every epoch (may stop training).
 * @param user      handed to the callback.
 * @return NNLITE_OK (also when the callback stopped training); errors as
 *         nnlite_model_train_batch(), and NNLITE_EINVAL for bad options. On
 *         failure the parameters are those after the last good update.
 */
NNLITE_API nnlite_status nnlite_model_fit(nnlite_model *model,
                                          const nnlite_tensor *x,
                                          const nnlite_tensor *target,
                                          const nnlite_fit_options *options,
                                          nnlite_epoch_callback callback,
                                          void *user);

/** @return the number of parameters (see the layout above), 0 for NULL. */
NNLITE_API size_t nnlite_model_param_count(const nnlite_model *model);

/**
 * @return the flat parameter buffer (layout above), borrowed: valid until
 *         the model is destroyed; you may read and write it. Initialises the
 *         weights if that has not happened yet. NULL for NULL or a model
 *         without parameters.
 */
NNLITE_API float *nnlite_model_params(nnlite_model *model);

/**
 * @return the flat gradient buffer, same layout and lifetime as the
 *         parameters; written by compute_gradients and train_batch, read by
 *         apply_gradients (so you may change it between them). Like
 *         nnlite_model_params(), it initialises the weights, so no layer can
 *         be added afterwards and the buffer never moves. NULL for NULL or a
 *         model without parameters.
 */
NNLITE_API float *nnlite_model_grads(nnlite_model *model);

NNLITE_END_DECLS

#endif /* NNLITE_MODEL_H */
