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
 * and whole fit epochs at that size allocate nothing. To train in a
 * fixed buffer (arena.h), nnlite_model_memory_needed() and
 * nnlite_model_fit_memory_needed() say how large it must be;
 * nnlite_model_set_chunk_rows(), nnlite_optimizer_set_rollback() and
 * nnlite_fit_options.shuffle_stream make it smaller (docs/memory.md).
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
 * A layer belongs to one model: one that a model already holds (this or
 * another) is refused and left where it is, never destroyed or freed
 * twice.
 * @return NNLITE_OK; NNLITE_EINVAL for NULL arguments, or a layer a model
 *         already holds; NNLITE_ESHAPE when a dense layer's in_features
 *         differs from the current output width; NNLITE_ESTATE once the
 *         weights were initialised; NNLITE_ENOMEM.
 */
NNLITE_API nnlite_status nnlite_model_add(nnlite_model *model,
                                          nnlite_layer *layer);

/**
 * Set the loss, replacing (and destroying) any previous one. The model takes
 * ownership of `loss` even when this call fails. Passing the model's own
 * loss again changes nothing; another model's loss is refused and left
 * with that model.
 * @return NNLITE_OK; NNLITE_EINVAL for NULL arguments or another model's
 *         loss; NNLITE_ESTATE from a fit callback.
 */
NNLITE_API nnlite_status nnlite_model_set_loss(nnlite_model *model,
                                               nnlite_loss *loss);

/**
 * Set the optimizer, replacing (and destroying) any previous one; the new
 * one starts with fresh state. The model takes ownership even when this call
 * fails. Passing the model's own optimizer again (as returned by
 * nnlite_model_get_optimizer) changes nothing; another model's optimizer
 * is refused and left with that model.
 * @return NNLITE_OK; NNLITE_EINVAL for NULL arguments or another model's
 *         optimizer; NNLITE_ESTATE from a fit callback; NNLITE_ENOMEM when
 *         its state cannot be allocated (the previous optimizer is kept).
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

/** Which kernels a model runs on; see nnlite_model_set_kernels(). */
typedef enum nnlite_kernels {
    /** The fastest this CPU has (the default): vector units where there
     *  are, so results differ in the last bits between machines. */
    NNLITE_KERNELS_FASTEST = 0,
    /** The plain C kernels ("generic") every machine has: the same
     *  results, bit for bit, on every machine nnlite runs on (x86-64 and
     *  ARM alike, a Cortex-M4 included), slower where vector units go
     *  unused. */
    NNLITE_KERNELS_PORTABLE = 1
} nnlite_kernels;

/**
 * Choose the model's kernels: NNLITE_KERNELS_PORTABLE to train on a PC
 * exactly as a microcontroller would, or to compare runs across
 * machines; NNLITE_KERNELS_FASTEST to go back. The choice is not saved
 * with the model: a loaded model starts on the fastest.
 * @return NNLITE_OK; NNLITE_EINVAL for a NULL model or an unknown value;
 *         NNLITE_ESTATE from a fit callback.
 */
NNLITE_API nnlite_status nnlite_model_set_kernels(nnlite_model *model,
                                                  nnlite_kernels kernels);

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
 * Inference on plain arrays: y = model(x), without tensor handles.
 * @code
 *   float x[2][7] = {...}, y[2][1];
 *   nnlite_model_predict(model, &x[0][0], 2, &y[0][0]);
 * @endcode
 * @param x    rows * input_features floats, row-major; read only.
 * @param rows number of samples, >= 1.
 * @param y    rows * output_features floats; written.
 * Nothing is allocated once a call with as many rows (or more) was made.
 * @return NNLITE_OK; NNLITE_EINVAL for NULL arguments or 0 rows;
 *         NNLITE_ESTATE with no layers; NNLITE_ENUMERIC when x holds NaN
 *         or infinity (y untouched); NNLITE_ENOMEM (also when rows *
 *         features overflows).
 */
NNLITE_API nnlite_status nnlite_model_predict(nnlite_model *model,
                                              const float *x, size_t rows,
                                              float *y);

/**
 * Inference for a classifier trained with cross-entropy: the model's logits
 * turned into probabilities (softmax over each row, or a sigmoid when the
 * model has one output). Use this, not a softmax layer, so training always
 * sees logits.
 * @return as nnlite_model_forward(); NNLITE_ESTATE also when the model's
 *         loss is not cross-entropy (its outputs are then not logits) or
 *         it has no loss.
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
 * the lecture's words. It needs gradients: from a successful
 * nnlite_model_compute_gradients() (or train_batch, fit) since the model
 * was created or loaded. The update is all or nothing: when a gradient is
 * NaN or infinite, or when the new parameters or optimizer state would
 * overflow float (a learning rate far too large for the data), it is
 * undone (parameters restored bit for bit) and nothing changes, not even
 * the optimizer's step count. (An optimizer whose rollback is turned off
 * to save memory undoes only what a non-finite gradient would do: see
 * nnlite_optimizer_set_rollback().)
 * @return NNLITE_OK; NNLITE_EINVAL for NULL; NNLITE_ESTATE without layers,
 *         optimizer or computed gradients (none yet, or the last
 *         compute_gradients failed), or from a fit callback;
 *         NNLITE_ENUMERIC as above;
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

/** Why training ended (or that it goes on). Values are fixed. */
typedef enum nnlite_fit_stop {
    NNLITE_FIT_RUNNING = 0,          /**< more epochs follow */
    NNLITE_FIT_COMPLETED = 1,        /**< every epoch asked for ran */
    NNLITE_FIT_EARLY_STOPPED = 2,    /**< the validation loss stopped
                                          improving for `patience` epochs */
    NNLITE_FIT_CALLBACK_STOPPED = 3, /**< the epoch callback said stop */
    NNLITE_FIT_HOOK_STOPPED = 4,     /**< the gradient hook said stop (in
                                          the middle of an epoch) */
    NNLITE_FIT_FAILED = 5            /**< an error ended it (see fit's
                                          status) */
} nnlite_fit_stop;

/** What the epoch callback is told after each epoch. */
typedef struct nnlite_epoch_stats {
    size_t epoch;          /**< 1 for the first epoch of this fit */
    size_t epochs;         /**< epochs this fit was asked for */
    size_t updates;        /**< optimizer updates so far in this fit */
    float train_loss;      /**< mean of this epoch's batch losses,
                                weighted by batch size */
    float validation_loss; /**< loss on the validation set after the
                                epoch, or NaN when there is none */
    /* Since nnlite 0.3: */
    nnlite_model *model;   /**< the model being trained (see
                                nnlite_epoch_callback for what it may do) */
    float learning_rate;   /**< the rate this epoch's updates used */
    size_t best_epoch;     /**< epoch of the lowest validation loss so far
                                (as early stopping counts it, with
                                min_delta); 0 without a validation set */
    float best_validation_loss; /**< that loss; NaN without one */
    nnlite_fit_stop stop;  /**< NNLITE_FIT_RUNNING, or why this is the last
                                epoch (COMPLETED, EARLY_STOPPED); a
                                callback may still stop a running fit */
} nnlite_epoch_stats;

/**
 * Called after every epoch of nnlite_model_fit(); return non-zero to stop
 * training (fit then returns NNLITE_OK). `stats` is valid during the call.
 * The callback may use the model being trained (stats->model) for
 * inference (forward, predict, predict_probabilities, evaluate, metrics:
 * e.g. to track accuracy), read its parameters and change the optimizer's
 * learning rate (a schedule set in the options overrides it at the next
 * epoch). Calling nnlite_model_fit, train_batch, compute_gradients,
 * apply_gradients, set_loss or set_optimizer on it from the callback
 * returns NNLITE_ESTATE.
 */
typedef int (*nnlite_epoch_callback)(const nnlite_epoch_stats *stats,
                                     void *user);

/**
 * Called by nnlite_model_fit() for every batch, between computing the
 * gradients and applying them (before clip_grad_norm): the place to change
 * gradients, log their size or average them across processes.
 * @param model the model being trained (as for the epoch callback: no
 *              training calls on it).
 * @param grads the flat gradient buffer (layout above), `count` floats,
 *              of the batch's mean loss; you may change it in place.
 * @param rows  rows in this batch (the last batch may be smaller).
 * @return 0 to go on; non-zero stops training at once, without applying
 *         this batch's update (fit returns NNLITE_OK and reports
 *         NNLITE_FIT_HOOK_STOPPED).
 */
typedef int (*nnlite_gradient_hook)(nnlite_model *model, float *grads,
                                    size_t count, size_t rows, void *user);

/**
 * Learning-rate schedules, as torch.optim.lr_scheduler stepped once per
 * epoch. lr0 is the schedule's base_lr, or the optimizer's rate when fit
 * starts if that is 0, and e counts epochs from the schedule's
 * first_epoch (0: from the first epoch of this fit); the rate for epoch e
 * is
 * - CONSTANT: lr0 (no schedule);
 * - STEP (StepLR): lr0 * gamma^floor(e / step_size);
 * - EXPONENTIAL (ExponentialLR): lr0 * gamma^e;
 * - COSINE (CosineAnnealingLR): min_lr + (lr0 - min_lr) *
 *   (1 + cos(pi * e / t_max)) / 2, with t_max 0 meaning the fit's epochs
 *   (a rate of exactly 0 becomes FLT_MIN: the optimizer needs one > 0);
 * - PLATEAU (ReduceLROnPlateau, mode min, relative threshold, no
 *   cooldown): after an epoch whose loss (validation, else training) is not
 *   below best * (1 - threshold), a bad epoch is counted; once more than
 *   `patience` bad epochs pass in a row the rate becomes
 *   max(rate * gamma, min_lr) and the count restarts.
 * The last rate stays with the optimizer after fit (and in saved files).
 * To resume a run in another fit (or process) on the same curve, set
 * first_epoch to the epochs already run and base_lr to the first rate;
 * a plateau schedule starts counting afresh in every fit.
 */
typedef enum nnlite_lr_schedule_kind {
    NNLITE_LR_CONSTANT = 0,    /**< lr0 (no schedule) */
    NNLITE_LR_STEP = 1,        /**< StepLR */
    NNLITE_LR_EXPONENTIAL = 2, /**< ExponentialLR */
    NNLITE_LR_COSINE = 3,      /**< CosineAnnealingLR */
    NNLITE_LR_PLATEAU = 4      /**< ReduceLROnPlateau */
} nnlite_lr_schedule_kind;

/** A schedule's settings; fields a kind does not use are ignored. */
typedef struct nnlite_lr_schedule {
    nnlite_lr_schedule_kind kind; /**< which schedule */
    size_t step_size; /**< STEP: epochs per decay, >= 1 */
    float gamma;      /**< STEP, EXPONENTIAL, PLATEAU: the factor, in
                           (0, 1] (PyTorch: 0.1 for STEP and PLATEAU) */
    size_t t_max;     /**< COSINE: epochs from lr0 down to min_lr; 0:
                           first_epoch plus the fit's epochs */
    float min_lr;     /**< COSINE, PLATEAU: the floor, >= 0 and finite */
    size_t patience;  /**< PLATEAU: bad epochs tolerated (PyTorch: 10) */
    float threshold;  /**< PLATEAU: relative improvement that counts, in
                           [0, 1) (PyTorch: 1e-4) */
    size_t first_epoch; /**< STEP, EXPONENTIAL, COSINE: the e of this
                             fit's first epoch (PyTorch's last_epoch + 1
                             when resuming) */
    float base_lr;      /**< lr0, >= 0 and finite; 0: the optimizer's
                             rate when fit starts */
} nnlite_lr_schedule;

/** Version of nnlite_fit_result this header describes. */
#define NNLITE_FIT_RESULT_VERSION 1

/**
 * How a fit went, filled in when it returns. Start from
 * NNLITE_FIT_RESULT_INIT: its version tells the library what it may write.
 */
typedef struct nnlite_fit_result {
    unsigned version;      /**< NNLITE_FIT_RESULT_VERSION, set by you */
    nnlite_fit_stop stop;  /**< why training ended */
    size_t epochs_run;     /**< epochs completed */
    size_t updates;        /**< optimizer updates applied */
    size_t best_epoch;     /**< as in nnlite_epoch_stats; 0 without a
                                validation set */
    float best_validation_loss; /**< NaN without a validation set */
    float train_loss;      /**< of the last completed epoch (NaN: none) */
    float validation_loss; /**< after the last completed epoch (NaN: none) */
    float learning_rate;   /**< the optimizer's rate at the end */
    int restored_best;     /**< non-zero when restore_best put back the
                                best epoch's parameters */
} nnlite_fit_result;

/** Nothing known yet. */
#define NNLITE_FIT_RESULT_INIT                                                \
    {NNLITE_FIT_RESULT_VERSION, NNLITE_FIT_RUNNING, 0, 0, 0, 0.0f, 0.0f,     \
     0.0f, 0.0f, 0}

/**
 * Version of nnlite_fit_options this header describes. Version-1 structs
 * (nnlite 0.2: the fields before first_row) and version-2 structs
 * (nnlite 0.3: the fields before shuffle_stream) are still accepted.
 */
#define NNLITE_FIT_OPTIONS_VERSION 3

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
    /* Version 2: */
    size_t first_row;   /**< train on rows first_row .. first_row +
                             row_count - 1 of x and target ... */
    size_t row_count;   /**< ... (0: up to the last row) */
    size_t validation_first_row; /**< the same for the validation set, */
    size_t validation_row_count; /**< which may be x and target itself */
    float validation_split; /**< in (0, 1): instead of a validation set,
                                 hold out this fraction of the rows trained
                                 on, the last ones (as Keras's
                                 validation_split): of N rows, the last
                                 N * split, rounded to the nearest row,
                                 validate; 0: off */
    nnlite_gradient_hook gradient_hook; /**< NULL, or called per batch */
    void *gradient_hook_user;           /**< handed to the hook */
    float clip_grad_norm; /**< > 0: scale the gradients so that their L2
                               norm (all parameters together) is at most
                               this, as PyTorch's clip_grad_norm_ (by
                               max / (norm + 1e-6) when that is below 1);
                               0: off */
    size_t patience;    /**< > 0: stop once the validation loss has not
                             improved for this many epochs (needs a
                             validation set); 0: off */
    float min_delta;    /**< how much lower a validation loss must be to
                             count as improving, >= 0 */
    int restore_best;   /**< non-zero: when training ends (not on an
                             error), put back the parameters of the best
                             epoch (Keras's restore_best_weights; the
                             optimizer's state is not rewound); needs a
                             validation set */
    nnlite_lr_schedule schedule; /**< the learning rate per epoch */
    nnlite_fit_result *result;   /**< NULL, or filled in when fit returns
                                      (also on failure, once the options
                                      were accepted) */
    /* Version 3: */
    int shuffle_stream; /**< with shuffle: compute each epoch's order
                             row by row (a seeded permutation of the
                             rows) instead of shuffling a stored list of
                             them, which takes a size_t per row trained
                             on: for many rows in little memory. The
                             order differs from the list's (so do the
                             results); 0: the list */
} nnlite_fit_options;

/**
 * 10 epochs of shuffled batches of 32 over all rows; no validation set,
 * hook, clipping, early stopping or schedule.
 */
#define NNLITE_FIT_OPTIONS_INIT                                               \
    {NNLITE_FIT_OPTIONS_VERSION,                                             \
     10,                                                                     \
     32,                                                                     \
     1,                                                                      \
     NULL,                                                                   \
     NULL,                                                                   \
     0,                                                                      \
     0,                                                                      \
     0,                                                                      \
     0,                                                                      \
     0.0f,                                                                   \
     NULL,                                                                   \
     NULL,                                                                   \
     0.0f,                                                                   \
     0,                                                                      \
     0.0f,                                                                   \
     0,                                                                      \
     {NNLITE_LR_CONSTANT, 0, 0.0f, 0, 0.0f, 0, 0.0f, 0, 0.0f},              \
     NULL,                                                                   \
     0}

/**
 * Train for options->epochs epochs of mini-batches: one update per batch,
 * ceil(N / batch_size) updates per epoch, where N is the number of rows
 * trained on. Per batch: gradients, the gradient hook, clipping, the
 * update; per epoch: the validation loss, early stopping, the callback,
 * then the schedule's next rate.
 * Memory: the batch, the row order and (with restore_best) one copy of
 * the parameters are allocated before the first epoch; epochs allocate
 * nothing. nnlite_model_fit_memory_needed() says how much an arena
 * needs.
 * @param x         training inputs [N, input_features]; read only.
 * @param target    training targets, N rows shaped for the loss; read only.
 * @param options   NULL for NNLITE_FIT_OPTIONS_INIT.
 * @param callback  NULL, or called after every epoch (may stop training).
 * @param user      handed to the callback.
 * @return NNLITE_OK (also when the callback, the hook or early stopping
 *         ended training: see options->result); errors as
 *         nnlite_model_train_batch(), and NNLITE_EINVAL for bad options
 *         (the message names the field). On failure the parameters are
 *         those after the last good update.
 */
NNLITE_API nnlite_status nnlite_model_fit(nnlite_model *model,
                                          const nnlite_tensor *x,
                                          const nnlite_tensor *target,
                                          const nnlite_fit_options *options,
                                          nnlite_epoch_callback callback,
                                          void *user);

/**
 * Bound the rows that inference works on at once: forward, predict,
 * predict_probabilities, evaluate, evaluate_metric and fit's validation
 * run over a data set in chunks of at most max(rows, the largest batch
 * trained on so far) rows, and the workspace grows only to that. The
 * default is 1024. Set it to your training batch size on a small target
 * and inference allocates nothing beyond what training took, however
 * many rows it sees. A loss or metric is summed over chunks, so another
 * chunk size may change its last bits.
 * @param rows >= 1.
 * @return NNLITE_OK; NNLITE_EINVAL for NULL or 0 rows.
 */
NNLITE_API nnlite_status nnlite_model_set_chunk_rows(nnlite_model *model,
                                                     size_t rows);

/** @return the chunk bound nnlite_model_set_chunk_rows() set (1024 by
 *          default); 0 for NULL. */
NNLITE_API size_t nnlite_model_get_chunk_rows(const nnlite_model *model);

/**
 * The bytes an nnlite_arena (arena.h) needs to hold this model and train
 * it one step at `batch_size` rows: what nnlite_arena_high_water() reports
 * after the first nnlite_model_train_batch() of that many rows when
 * everything was allocated from an aligned arena, in this order:
 * nnlite_arena_create(); nnlite_model_create_advanced(); each layer made
 * (nnlite_layer_create_advanced() or its kind's `_create_advanced`) and
 * added at once, in order; the loss; the optimizer (set after the
 * layers). It counts the arena's
 * bookkeeping and, with their headers, the model, its layers, loss and
 * optimizer structs, the parameters and gradients, the optimizer's state
 * and backup, the workspace for `batch_size` rows and the packing
 * scratch. Without a loss or optimizer it counts what is there: the
 * model and a forward pass of `batch_size` rows.
 *
 * Afterwards, training, forward, predict and evaluate allocate nothing
 * more as long as no call sees more than `batch_size` rows at once:
 * set nnlite_model_set_chunk_rows() to at most `batch_size` so that
 * evaluation of a larger data set works in chunks of that size.
 * nnlite_model_fit() needs more: see nnlite_model_fit_memory_needed().
 *
 * So that you can size the buffer before making anything in it, build
 * the same model once with malloc (on the host, say) and ask: the answer
 * depends on the layers' kinds and widths, the optimizer's settings and
 * the target (the sizes of size_t and pointers, and the alignment, so
 * ask on the target's architecture or a 32-bit build for a 32-bit one).
 * Metadata, tensors, a fitted scaling layer's scratch and the threads'
 * pool are not counted.
 * @param model      the model; not changed.
 * @param batch_size rows of the training step, >= 1.
 * @param bytes      receives the size; untouched on failure.
 * @return NNLITE_OK; NNLITE_EINVAL for NULL arguments or a batch_size of
 *         0; NNLITE_ESTATE for a model without layers or set to more than
 *         one thread; NNLITE_ENOMEM when the sizes overflow or the model
 *         has too many layers to plan (hundreds).
 */
NNLITE_API nnlite_status nnlite_model_memory_needed(
    const nnlite_model *model, size_t batch_size, size_t *bytes);

/**
 * nnlite_model_memory_needed() for nnlite_model_fit() with these
 * arguments as the model's first pass: the bytes an aligned arena needs
 * for the model made in the order described there and then this fit,
 * the evaluations of its validation set included. On top of a training
 * step at the batch size it counts what fit allocates: the shuffled
 * batch (batch_size rows of x and of the target), the row order (a size_t
 * per row trained on, unless shuffle_stream), a copy of the parameters
 * for restore_best, and a workspace for the validation set's chunks
 * (nnlite_model_set_chunk_rows()) when they are larger than the batch.
 * Checks its arguments as nnlite_model_fit() does; trains nothing.
 * @return NNLITE_OK; nnlite_model_fit()'s errors for its arguments
 *         (nnlite_model_last_error() says which); NNLITE_EINVAL for a
 *         NULL `bytes`; NNLITE_ESTATE as nnlite_model_memory_needed();
 *         NNLITE_ENOMEM when the figure cannot be planned.
 */
NNLITE_API nnlite_status nnlite_model_fit_memory_needed(
    nnlite_model *model, const nnlite_tensor *x, const nnlite_tensor *target,
    const nnlite_fit_options *options, size_t *bytes);

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

/**
 * Say why nnlite_model_create() and nnlite_model_create_advanced() would
 * refuse these arguments (they run this check).
 * @param input_features as for nnlite_model_create().
 * @param message receives one NUL-terminated sentence naming the argument
 *                and its value (e.g. "input_features 0 is not at least 1
 *                (the width of each input sample)"), truncated to `size`
 *                bytes; "" when the arguments are fine. May be NULL when
 *                `size` is 0.
 * @param size    bytes at `message`.
 * @return the status nnlite_model_create() returns for these arguments
 *         (NNLITE_OK when they are valid; it may still fail with
 *         NNLITE_ENOMEM, for a NULL `out` or a half-set allocator).
 */
NNLITE_API nnlite_status nnlite_model_create_check(size_t input_features,
                                                   char *message,
                                                   size_t size);

/**
 * @param index 0 for the first layer added.
 * @return layer `index`, borrowed: owned by the model, valid until it is
 *         destroyed; query it with nnlite_layer_kind_of(),
 *         nnlite_layer_input_features() and the like, never destroy it.
 *         NULL for a NULL model or `index` >= nnlite_model_layer_count().
 */
NNLITE_API const nnlite_layer *nnlite_model_layer(const nnlite_model *model,
                                                  size_t index);

/**
 * @return where layer `index`'s parameters start in nnlite_model_params()
 *         and nnlite_model_grads() (the layout above): the number of
 *         parameters of the layers before it. A layer without parameters
 *         gets the offset the next layer's parameters start at (its slice
 *         is empty). SIZE_MAX for a NULL model or `index` >=
 *         nnlite_model_layer_count().
 */
NNLITE_API size_t nnlite_model_layer_param_offset(const nnlite_model *model,
                                                  size_t index);

/**
 * Describe the model in text, like PyTorch's print(model) with Keras's
 * summary(): the input width and layer count; one line per layer with its
 * index, kind name, input -> output widths, parameter count and any
 * setting (a leaky ReLU's slope); the total parameter count; the loss;
 * the optimizer with its learning rate, weight decay, its own settings
 * and its step count. Every line ends in '\n'; floats are written with
 * "%g", so the text is the same on every run and machine. For example
 * (4 inputs, dense 4 -> 8, leaky ReLU, dense 8 -> 1, MSE, SGD with lr
 * 0.1 and momentum 0.9 after 3 updates):
 *
 * @code
 * Model: input=4, layers=3
 *   (0) dense: 4 -> 8, params=40
 *   (1) leaky_relu: 8 -> 8, params=0, slope=0.01
 *   (2) dense: 8 -> 1, params=9
 * Total params: 49
 * Loss: MSE
 * Optimizer: SGD (lr=0.1, weight_decay=0, momentum=0.9, dampening=0,
 * nesterov=0), steps=3
 * @endcode
 * (the optimizer's line is one line; it is wrapped here).
 *
 * Adam's line reads "Optimizer: Adam (lr=0.001, weight_decay=0,
 * beta1=0.9, beta2=0.999, epsilon=1e-08, decoupled=0, amsgrad=0),
 * steps=0"; flags
 * are 0 or 1. Without a loss or optimizer the line says "Loss: none" or
 * "Optimizer: none". Kinds are named as nnlite_layer_kind_name() and its
 * siblings name them; a kind with settings of its own adds them as
 * name=value pairs: after a layer's parameter count (", slope=0.01"), in
 * parentheses after a loss's name ("Loss: X (delta=1)"), after the
 * optimizer's weight decay.
 *
 * Works as snprintf: writes at most `size` bytes, NUL-terminated whenever
 * `size` > 0 (truncated text is a prefix of the whole), and returns the
 * length of the whole text excluding the NUL, so a call with size 0
 * tells how big a buffer to allocate (that length + 1). Changes nothing
 * and never initialises the weights.
 *
 * @param model the model; NULL writes "" (when `size` > 0) and returns 0.
 * @param buf   receives the text; may be NULL when `size` is 0.
 * @param size  bytes at `buf`.
 * @return the length of the full text, excluding the NUL.
 */
NNLITE_API size_t nnlite_model_summary(const nnlite_model *model, char *buf,
                                       size_t size);

/** Quality measures nnlite_model_evaluate_metric() computes. Values are
 * fixed. */
typedef enum nnlite_metric {
    /** Fraction of rows classified right. With C > 1 outputs, a row is
     * right when its arg-max output (the first largest) is the target
     * class: a class index (target [N, 1], a whole number 0..C-1) or the
     * arg-max of a target row [N, C] (one-hot or probabilities). With one
     * output, class 1 when it is > 0 (a logit), or > 0.5 when the last
     * layer is a sigmoid or hard sigmoid (a probability), against a
     * target [N, 1] in [0, 1] read as class 1 when >= 0.5. */
    NNLITE_METRIC_ACCURACY = 1,
    /** Mean over all elements of |output - target|; target shaped like
     * the output [N, C]. */
    NNLITE_METRIC_MAE = 2,
    /** Mean over all elements of (output - target)^2; target shaped like
     * the output [N, C]. */
    NNLITE_METRIC_MSE = 3
} nnlite_metric;

/**
 * A metric of the model's outputs over a whole data set, whatever loss
 * the model trains with (none is needed); nothing changes. Done in chunks
 * as nnlite_model_evaluate(), so any size works and, once the model has
 * seen a batch that size, nothing is allocated; sums are kept in double.
 * Initialises the weights if that has not happened yet.
 * @param metric what to compute (see nnlite_metric).
 * @param x      [N, input_features], N >= 1, finite; read only.
 * @param target [N, ...] as `metric` describes, finite; read only.
 * @param value  receives the metric; untouched on failure.
 * @return NNLITE_OK; NNLITE_EINVAL for a NULL argument, an unknown metric,
 *         a class index that is not a whole number in 0..C-1 or a binary
 *         target outside [0, 1]; NNLITE_ESTATE with no layers;
 *         NNLITE_ESHAPE for shapes that do not fit; NNLITE_ENUMERIC when
 *         x or target hold NaN or infinity, or the mean is not finite;
 *         NNLITE_ENOMEM. nnlite_model_last_error() names the problem.
 */
NNLITE_API nnlite_status nnlite_model_evaluate_metric(
    nnlite_model *model, nnlite_metric metric, const nnlite_tensor *x,
    const nnlite_tensor *target, float *value);

NNLITE_END_DECLS

#endif /* NNLITE_MODEL_H */
