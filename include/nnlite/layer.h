/**
 * @file layer.h
 * @brief Layers: the building blocks a sequential model stacks.
 *
 * A layer is created on its own, then handed to nnlite_model_add(), which
 * takes ownership. Destroy a layer yourself only if you never added it.
 *
 * Activation layers (sigmoid, ReLU, ...) and dropout have no parameters;
 * their width is the width of the layer before them, fixed when they are
 * added. A dense layer's `in_features` and a scaling layer's `features`
 * must equal that width (else nnlite_model_add() fails with NNLITE_ESHAPE).
 *
 * Dropout acts only in training calls (nnlite_model_compute_gradients(),
 * nnlite_model_train_batch(), nnlite_model_fit()), drawing from the
 * model's seeded generator; in forward, predict and evaluate it is the
 * identity (PyTorch's model.eval()).
 *
 * The scaling layers (standardize, destandardize) hold fixed per-column
 * means and standard deviations, copied into the layer and saved with the
 * model, but they are not parameters: no optimizer changes them. Put a
 * standardize layer first and a destandardize layer last, and the model
 * takes and returns data in its own units.
 *
 * Every constructor that takes arguments has a check twin,
 * nnlite_X_check(), with the same arguments minus `out` plus a message
 * buffer: it returns the status nnlite_X_create() would return for them
 * and says why in one sentence ("" when they are valid; the constructor
 * may still fail with NNLITE_ENOMEM or for a NULL `out`). Twin and
 * constructor run the same validation. `message` may be NULL when `size`
 * is 0; the sentence is truncated to `size` bytes.
 */
#ifndef NNLITE_LAYER_H
#define NNLITE_LAYER_H

#include <stddef.h>

#include "nnlite/alloc.h"
#include "nnlite/export.h"
#include "nnlite/status.h"
#include "nnlite/tensor.h"

NNLITE_BEGIN_DECLS

/** Opaque layer handle. */
typedef struct nnlite_layer nnlite_layer;

/** The kinds of layer. Values are fixed (they are stored in model files). */
typedef enum nnlite_layer_kind {
    NNLITE_LAYER_DENSE = 1,        /**< y = x W^T + b */
    NNLITE_LAYER_SIGMOID = 2,      /**< y = 1 / (1 + e^-x) */
    NNLITE_LAYER_RELU = 3,         /**< y = max(0, x) */
    NNLITE_LAYER_TANH = 4,         /**< y = tanh(x) */
    NNLITE_LAYER_HARD_SIGMOID = 5, /**< y = clamp(x / 6 + 1/2, 0, 1) */
    NNLITE_LAYER_LEAKY_RELU = 6,   /**< y = x > 0 ? x : slope * x */
    NNLITE_LAYER_DROPOUT = 7,      /**< training: y = x * mask / (1 - p) */
    NNLITE_LAYER_STANDARDIZE = 8,  /**< y = (x - mean) / std */
    NNLITE_LAYER_DESTANDARDIZE = 9 /**< y = x * std + mean */
} nnlite_layer_kind;

/**
 * Everything that configures a layer of kinds 1 to 6; used by
 * nnlite_layer_create_advanced. Fields a kind does not use are ignored.
 * Its size is part of the ABI and never grows: dropout and the scaling
 * layers, which need more, have their own _create_advanced() functions.
 */
typedef struct nnlite_layer_spec {
    nnlite_layer_kind kind; /**< one of kinds 1 to 6 */
    size_t in_features;  /**< dense only: width of its input, >= 1 */
    size_t out_features; /**< dense only: width of its output, >= 1 */
    float slope;         /**< leaky ReLU only: finite, usually 0.01 */
} nnlite_layer_spec;

/**
 * Create a layer of any kind with an allocator for it.
 *
 * @param out       receives the layer (caller owns it until it is added to
 *                  a model). Set to NULL on failure.
 * @param spec      kind and configuration; copied.
 * @param allocator NULL for malloc/free; otherwise copied and used for the
 *                  layer's own allocation and release.
 * @return NNLITE_OK; NNLITE_EINVAL for NULL `out`/`spec`, an unknown kind,
 *         a kind a spec cannot describe (7 and up), a dense width of 0, a
 *         non-finite slope or a half-set allocator; NNLITE_ENOMEM when the
 *         weight count overflows or allocation fails.
 */
NNLITE_API nnlite_status nnlite_layer_create_advanced(
    nnlite_layer **out, const nnlite_layer_spec *spec,
    const nnlite_allocator *allocator);

/**
 * Say why nnlite_layer_create_advanced() would refuse this spec.
 * @param message receives one NUL-terminated sentence naming the field
 *                and its value (e.g. "in_features 0 must be at least 1"),
 *                truncated to `size` bytes; "" when the spec is fine.
 *                May be NULL when `size` is 0.
 * @return the status nnlite_layer_create_advanced() returns for this spec
 *         (NNLITE_OK when it is valid; it may still fail with
 *         NNLITE_ENOMEM, for a NULL `out` or a half-set allocator).
 */
NNLITE_API nnlite_status nnlite_layer_spec_check(const nnlite_layer_spec *spec,
                                                 char *message, size_t size);

/**
 * Create a fully connected layer, y = x W^T + b, with W stored
 * [out_features, in_features] (PyTorch's Linear layout) and b [out_features].
 *
 * Its weights are initialised when the model first needs them: He-uniform
 * (U(-sqrt(6/in), sqrt(6/in))) when a ReLU or leaky ReLU follows it,
 * Glorot-uniform (U(-sqrt(6/(in+out)), +...)) otherwise; biases zero.
 *
 * @return as nnlite_layer_create_advanced().
 */
NNLITE_API nnlite_status nnlite_dense_create(nnlite_layer **out,
                                             size_t in_features,
                                             size_t out_features);

/**
 * Say why nnlite_dense_create() would refuse these widths: a width of 0
 * (NNLITE_EINVAL), or more weights than memory can address
 * (NNLITE_ENOMEM). `message` and the return as nnlite_layer_spec_check().
 */
NNLITE_API nnlite_status nnlite_dense_check(size_t in_features,
                                            size_t out_features,
                                            char *message, size_t size);

/** Create a logistic sigmoid, 1 / (1 + e^-x). Errors: NULL `out`, ENOMEM. */
NNLITE_API nnlite_status nnlite_sigmoid_create(nnlite_layer **out);

/** Create a rectified linear unit, max(0, x) (gradient 0 at x = 0). */
NNLITE_API nnlite_status nnlite_relu_create(nnlite_layer **out);

/** Create a hyperbolic tangent. Errors as nnlite_sigmoid_create(). */
NNLITE_API nnlite_status nnlite_tanh_create(nnlite_layer **out);

/**
 * Create a hard sigmoid, clamp(x / 6 + 1/2, 0, 1) (PyTorch's Hardsigmoid):
 * the lecture's "blue function", flat, then a straight ramp, then flat.
 * Errors as nnlite_sigmoid_create().
 */
NNLITE_API nnlite_status nnlite_hard_sigmoid_create(nnlite_layer **out);

/**
 * Create a leaky ReLU, x > 0 ? x : slope * x.
 * @return NNLITE_EINVAL also for a non-finite `slope`.
 */
NNLITE_API nnlite_status nnlite_leaky_relu_create(nnlite_layer **out,
                                                  float slope);

/**
 * Say why nnlite_leaky_relu_create() would refuse `slope` (not finite:
 * NNLITE_EINVAL). `message` and the return as nnlite_layer_spec_check().
 */
NNLITE_API nnlite_status nnlite_leaky_relu_check(float slope, char *message,
                                                 size_t size);

/**
 * Create an inverted dropout layer (PyTorch's nn.Dropout): in training
 * calls each element is zeroed with probability `p` and the kept ones are
 * scaled by 1 / (1 - p); the backward pass uses the same mask. Elsewhere
 * it is the identity. The mask is drawn from the model's generator (so a
 * seed, or a saved and loaded model, reproduces a run bit for bit) and
 * kept in the model's workspace (no allocation per step). p = 0 draws
 * nothing and is the identity everywhere.
 *
 * @param out receives the layer (caller owns it until it is added to a
 *            model). Set to NULL on failure.
 * @param p   drop probability in [0, 1).
 * @return NNLITE_OK; NNLITE_EINVAL for NULL `out` or `p` outside [0, 1)
 *         (NaN included); NNLITE_ENOMEM.
 */
NNLITE_API nnlite_status nnlite_dropout_create(nnlite_layer **out, float p);

/**
 * nnlite_dropout_create() with an allocator (NULL for malloc/free;
 * otherwise copied and used for the layer's allocation and release).
 * @return as nnlite_dropout_create(); NNLITE_EINVAL also for a half-set
 *         allocator.
 */
NNLITE_API nnlite_status nnlite_dropout_create_advanced(
    nnlite_layer **out, float p, const nnlite_allocator *allocator);

/**
 * Say why nnlite_dropout_create() would refuse `p` (outside [0, 1):
 * NNLITE_EINVAL). `message` and the return as nnlite_layer_spec_check().
 */
NNLITE_API nnlite_status nnlite_dropout_check(float p, char *message,
                                              size_t size);

/**
 * A dropout layer's drop probability, e.g. of a loaded model's layer.
 * @param p receives it.
 * @return NNLITE_OK; NNLITE_EINVAL for a NULL argument or a layer that is
 *         not a dropout layer (nothing written).
 */
NNLITE_API nnlite_status nnlite_layer_dropout(const nnlite_layer *layer,
                                              float *p);

/**
 * Create a standardizing layer, y = (x - mean) / std per column, for a
 * model's input side. Not trainable; its width is fixed to `features`.
 * The backward pass gives dx = dy / std.
 *
 * @param out      receives the layer (caller owns it until it is added to
 *                 a model). Set to NULL on failure.
 * @param features the width, >= 1.
 * @param mean     `features` finite values; copied.
 * @param std      `features` positive finite values; copied.
 * @return NNLITE_OK; NNLITE_EINVAL for NULL `out`, `mean` or `std`, 0
 *         features, a non-finite mean or a std that is not positive and
 *         finite; NNLITE_ENOMEM when allocation fails or 2 x `features`
 *         floats overflow.
 */
NNLITE_API nnlite_status nnlite_standardize_create(nnlite_layer **out,
                                                   size_t features,
                                                   const float *mean,
                                                   const float *std);

/**
 * Create a destandardizing layer, y = x * std + mean per column, for a
 * model's output side (put it last: the model returns outputs in the
 * data's units, and a loss compares them with targets in those units).
 * The backward pass gives dx = dy * std. Arguments and errors as
 * nnlite_standardize_create().
 */
NNLITE_API nnlite_status nnlite_destandardize_create(nnlite_layer **out,
                                                     size_t features,
                                                     const float *mean,
                                                     const float *std);

/**
 * Say why nnlite_standardize_create() or nnlite_destandardize_create()
 * (which validate alike) would refuse these arguments. `message` and the
 * return as nnlite_layer_spec_check().
 */
NNLITE_API nnlite_status nnlite_standardize_check(size_t features,
                                                  const float *mean,
                                                  const float *std,
                                                  char *message, size_t size);

/** nnlite_standardize_create() with an allocator, as
 * nnlite_dropout_create_advanced() takes it. */
NNLITE_API nnlite_status nnlite_standardize_create_advanced(
    nnlite_layer **out, size_t features, const float *mean, const float *std,
    const nnlite_allocator *allocator);

/** nnlite_destandardize_create() with an allocator, as
 * nnlite_dropout_create_advanced() takes it. */
NNLITE_API nnlite_status nnlite_destandardize_create_advanced(
    nnlite_layer **out, size_t features, const float *mean, const float *std,
    const nnlite_allocator *allocator);

/**
 * Create a standardizing layer fitted to `data`: the mean and the
 * population standard deviation (divided by rows, as numpy's std and
 * scikit-learn's StandardScaler) of each column, accumulated in double.
 * A constant column (std 0) gets std 1, as StandardScaler does: it is
 * only shifted.
 *
 * @param out  receives the layer. Set to NULL on failure.
 * @param data a [rows, features] tensor; read only, not kept.
 * @return NNLITE_OK; NNLITE_EINVAL for NULL `out` or `data`;
 *         NNLITE_ESHAPE when `data` is not of rank 2; NNLITE_ENUMERIC when
 *         it holds a NaN or an infinity, or a column's mean or std does not
 *         fit a float; NNLITE_ENOMEM.
 */
NNLITE_API nnlite_status nnlite_standardize_create_fitted(
    nnlite_layer **out, const nnlite_tensor *data);

/** A destandardizing layer fitted to `data` (typically the training
 * targets), as nnlite_standardize_create_fitted() fits it. */
NNLITE_API nnlite_status nnlite_destandardize_create_fitted(
    nnlite_layer **out, const nnlite_tensor *data);

/**
 * Say why the _create_fitted() functions would refuse `data` (the same
 * statuses). Scans the data as they do. `message` as
 * nnlite_layer_spec_check().
 */
NNLITE_API nnlite_status nnlite_standardize_fitted_check(
    const nnlite_tensor *data, char *message, size_t size);

/** nnlite_standardize_create_fitted() with an allocator (also for its
 * scratch), as nnlite_dropout_create_advanced() takes it. */
NNLITE_API nnlite_status nnlite_standardize_create_fitted_advanced(
    nnlite_layer **out, const nnlite_tensor *data,
    const nnlite_allocator *allocator);

/** nnlite_destandardize_create_fitted() with an allocator (also for its
 * scratch), as nnlite_dropout_create_advanced() takes it. */
NNLITE_API nnlite_status nnlite_destandardize_create_fitted_advanced(
    nnlite_layer **out, const nnlite_tensor *data,
    const nnlite_allocator *allocator);

/**
 * A scaling layer's values, e.g. of a loaded model's first layer.
 * @param mean, std receive pointers to `*features` floats each, borrowed
 *                  from the layer: valid while it lives, read only.
 * @return NNLITE_OK; NNLITE_EINVAL for a NULL argument or a layer that is
 *         not a standardize or destandardize layer (nothing written).
 */
NNLITE_API nnlite_status nnlite_layer_scaling(const nnlite_layer *layer,
                                              const float **mean,
                                              const float **std,
                                              size_t *features);

/**
 * Destroy a layer that was never added to a model.
 * @param layer may be NULL. A layer a model holds is left alone (the model
 *              frees it when it is destroyed), so this never frees a layer
 *              in use.
 */
NNLITE_API void nnlite_layer_destroy(nnlite_layer *layer);

/** @return the layer's kind, or 0 when `layer` is NULL. */
NNLITE_API nnlite_layer_kind nnlite_layer_kind_of(const nnlite_layer *layer);

/** Deprecated name of nnlite_layer_kind_of() (0.1); removed at 1.0. */
NNLITE_DEPRECATED("use nnlite_layer_kind_of")
NNLITE_API nnlite_layer_kind nnlite_layer_get_kind(const nnlite_layer *layer);

/**
 * @return the layer's input width: a dense layer's in_features; for an
 *         activation the width it was stacked on, so 0 until it is added to
 *         a model. 0 for NULL.
 */
NNLITE_API size_t nnlite_layer_input_features(const nnlite_layer *layer);

/**
 * @return the layer's output width (as nnlite_layer_input_features(): 0
 *         for an activation not yet added, and for NULL).
 */
NNLITE_API size_t nnlite_layer_output_features(const nnlite_layer *layer);

/**
 * @return the number of parameters the layer holds in its model's flat
 *         buffer (a dense layer's out * in + out; 0 for activations and
 *         for NULL).
 */
NNLITE_API size_t nnlite_layer_param_count(const nnlite_layer *layer);

/**
 * @return the kind's name as static text (never freed, never NULL): the
 *         name messages and nnlite_model_summary() use, one lowercase word
 *         per kind: "dense", "sigmoid", "relu", "tanh", "hard_sigmoid",
 *         "leaky_relu", "dropout", "standardize", "destandardize".
 *         "unknown" for a value that is not a kind.
 */
NNLITE_API const char *nnlite_layer_kind_name(nnlite_layer_kind kind);

NNLITE_END_DECLS

#endif /* NNLITE_LAYER_H */
