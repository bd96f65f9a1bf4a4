/* Private: the layer struct and the ops table every layer kind fills in. */
#ifndef NNLITE_LAYER_IMPL_H
#define NNLITE_LAYER_IMPL_H

#include <stddef.h>

#include "nnlite/layer.h"

/*
 * One static const table per kind. Buffers are row-major [batch, width];
 * `params` points at this layer's slice of the model's flat buffer.
 */
typedef struct nnlite__layer_ops {
    nnlite_layer_kind kind;
    const char *name;
    /* Number of parameters; 0 for activations. */
    size_t (*param_count)(const nnlite_layer *layer);
    /* y = f(x). */
    void (*forward)(const nnlite_layer *layer, const float *params,
                    const float *x, float *y, size_t batch);
    /*
     * Given dy = dL/dy: accumulate (+=) dL/dparams into dparams and write
     * dx = dL/dx (overwrite) unless dx is NULL. x and y are the values of
     * the forward pass.
     */
    void (*backward)(const nnlite_layer *layer, const float *params,
                     const float *x, const float *y, const float *dy,
                     float *dx, float *dparams, size_t batch);
} nnlite__layer_ops;

struct nnlite_layer {
    const nnlite__layer_ops *ops;
    nnlite_allocator allocator;
    size_t in;           /* input width (activations: set when added) */
    size_t out;          /* output width */
    size_t param_offset; /* where this layer's parameters start */
    float slope;         /* leaky ReLU */
};

extern const nnlite__layer_ops nnlite__dense_ops;
extern const nnlite__layer_ops nnlite__sigmoid_ops;
extern const nnlite__layer_ops nnlite__relu_ops;
extern const nnlite__layer_ops nnlite__tanh_ops;
extern const nnlite__layer_ops nnlite__hard_sigmoid_ops;
extern const nnlite__layer_ops nnlite__leaky_relu_ops;

/* Parameter count of a dense layer, overflow-checked; 0 on overflow. */
size_t nnlite__dense_param_count_checked(size_t in, size_t out);

/* For activations: no parameters. */
size_t nnlite__no_params(const nnlite_layer *layer);

#endif /* NNLITE_LAYER_IMPL_H */
