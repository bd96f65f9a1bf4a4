/**
 * @file layer.h
 * @brief Layers: the building blocks a sequential model stacks.
 *
 * A layer is created on its own, then handed to nnlite_model_add(), which
 * takes ownership. Destroy a layer yourself only if you never added it.
 *
 * Activation layers (sigmoid, ReLU, ...) have no parameters; their width is
 * the width of the layer before them, fixed when they are added. A dense
 * layer's `in_features` must equal that width (else NNLITE_ESHAPE).
 */
#ifndef NNLITE_LAYER_H
#define NNLITE_LAYER_H

#include <stddef.h>

#include "nnlite/alloc.h"
#include "nnlite/export.h"
#include "nnlite/status.h"

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
    NNLITE_LAYER_LEAKY_RELU = 6    /**< y = x > 0 ? x : slope * x */
} nnlite_layer_kind;

/**
 * Everything that configures a layer; used by nnlite_layer_create_advanced.
 * Fields a kind does not use are ignored.
 */
typedef struct nnlite_layer_spec {
    nnlite_layer_kind kind;
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
 * @return NNLITE_OK; NNLITE_EINVAL for NULL `out`/`spec`, an unknown kind, a
 *         dense width of 0, a non-finite slope or a half-set allocator;
 *         NNLITE_ENOMEM when the weight count overflows or allocation fails.
 */
NNLITE_API nnlite_status nnlite_layer_create_advanced(
    nnlite_layer **out, const nnlite_layer_spec *spec,
    const nnlite_allocator *allocator);

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
 *         "leaky_relu". "unknown" for a value that is not a kind.
 */
NNLITE_API const char *nnlite_layer_kind_name(nnlite_layer_kind kind);

NNLITE_END_DECLS

#endif /* NNLITE_LAYER_H */
