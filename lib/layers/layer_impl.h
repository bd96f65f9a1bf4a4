/* Private: the layer struct and the ops table every layer kind fills in.
 * The table is the only dispatch: the model never asks which kind a layer
 * is, it calls the op. */
#ifndef NNLITE_LAYER_IMPL_H
#define NNLITE_LAYER_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "compute_impl.h"
#include "nnlite/layer.h"
#include "rng_impl.h"

/* Everything any constructor is given: the public spec's fields and the
 * arguments only the newer kinds take (a nnlite_layer_spec cannot grow:
 * its size is ABI). Arrays are borrowed. */
typedef struct nnlite__layer_config {
    nnlite_layer_spec spec; /* kind, dense widths, leaky ReLU slope */
    float p;                /* dropout: drop probability */
    size_t features;        /* scaling: width */
    const float *mean;      /* scaling: features values */
    const float *std;       /* scaling: features values */
} nnlite__layer_config;

/*
 * One static const table per kind. Buffers are row-major [batch, width];
 * `params` points at this layer's slice of the model's flat buffer. The
 * passes run on the kernels of the compute context cx, which the model
 * owns; activations ignore it.
 */
typedef struct nnlite__layer_ops {
    nnlite_layer_kind kind;
    const char *name;
    /* Check the settings this kind uses (the widths of a dense layer, a
     * leaky ReLU's slope, ...) and take them into layer, allocating
     * nothing; layer->value_count says how many floats the layer owns.
     * On a bad setting: its status and one sentence naming the argument
     * and its value in message (size bytes). The one validation both the
     * constructors and their check twins run. */
    nnlite_status (*configure)(nnlite_layer *layer,
                               const nnlite__layer_config *config,
                               char *message, size_t size);
    /* Fill layer->values (value_count floats) from config; NULL for kinds
     * that own none. They are what a model file stores for the layer. */
    void (*store)(nnlite_layer *layer, const nnlite__layer_config *config);
    /* The reverse, for a decoder: config's kind-specific fields from the
     * `count` values a file stored (borrowed); NULL for kinds that store
     * none. Wrong counts: NNLITE_EINVAL and a message. */
    nnlite_status (*parse)(nnlite__layer_config *config, const float *values,
                           size_t count, char *message, size_t size);
    /* The forward pass of a training step keeps one float per output
     * element in cx->mask for the backward pass (dropout). */
    bool keeps_mask;
    /* The layer is stacked on an output of `width` features: set in and
     * out; false (nothing changed) when it cannot take that width. */
    bool (*bind)(nnlite_layer *layer, size_t width);
    /* Parameters of a layer of these widths, 0 for activations; SIZE_MAX
     * when their bytes would overflow a size_t. */
    size_t (*param_count)(size_t in, size_t out);
    /* Draw the initial parameters; NULL for kinds without any.
     * rectifier_next: the next layer is a rectifier (see below). */
    void (*init)(const nnlite_layer *layer, float *params, nnlite__rng *rng,
                 bool rectifier_next);
    /* A rectifier (ReLU, leaky ReLU) asks the layer before it for
     * He-uniform rather than Glorot-uniform weights. */
    bool rectifier;
    /* Outputs in [0, 1] (sigmoid, hard sigmoid): as a model's last layer,
     * one output is a probability, not a logit, for the accuracy. */
    bool probability;
    /* y = f(x). */
    void (*forward)(const nnlite_layer *layer, const float *params,
                    const float *x, float *y, size_t batch,
                    const nnlite__compute *cx);
    /* This layer and `next` in one pass: y as forward writes it, and
     * next_y as next's forward would write it from y. false, writing
     * nothing, when the pair cannot be fused at this batch size; NULL for
     * kinds that never fuse. */
    bool (*forward_pair)(const nnlite_layer *layer, const nnlite_layer *next,
                         const float *params, const float *x, float *y,
                         float *next_y, size_t batch,
                         const nnlite__compute *cx);
    /*
     * Given dy = dL/dy: overwrite dparams with dL/dparams (a step computes
     * each layer's gradients once, so nothing needs zeroing first) and dx
     * with dL/dx unless dx is NULL (the first layer's is never needed). x
     * and y are the values of the forward pass.
     */
    void (*backward)(const nnlite_layer *layer, const float *params,
                     const float *x, const float *y, const float *dy,
                     float *dx, float *dparams, size_t batch,
                     const nnlite__compute *cx);
    /* Write the kind's settings for nnlite_model_summary() into buf
     * (NUL-terminated, truncated to size), as "name=value" pairs joined by
     * ", " (e.g. "slope=0.01", floats with %g); NULL for kinds without
     * settings (their widths are printed anyway). */
    void (*describe)(const nnlite_layer *layer, char *buf, size_t size);
} nnlite__layer_ops;

struct nnlite_layer {
    const nnlite__layer_ops *ops;
    nnlite_allocator allocator;
    size_t in;           /* input width (activations: set when added) */
    size_t out;          /* output width */
    size_t param_offset; /* where this layer's parameters start */
    float slope;         /* leaky ReLU */
    const void *owner;   /* the model holding it, or NULL */
    float p;             /* dropout */
    float *values;       /* value_count floats owned with the layer (one
                          * block): dropout p; scaling mean then std */
    size_t value_count;
};

extern const nnlite__layer_ops nnlite__dense_ops;
extern const nnlite__layer_ops nnlite__sigmoid_ops;
extern const nnlite__layer_ops nnlite__relu_ops;
extern const nnlite__layer_ops nnlite__tanh_ops;
extern const nnlite__layer_ops nnlite__hard_sigmoid_ops;
extern const nnlite__layer_ops nnlite__leaky_relu_ops;
extern const nnlite__layer_ops nnlite__dropout_ops;
extern const nnlite__layer_ops nnlite__standardize_ops;
extern const nnlite__layer_ops nnlite__destandardize_ops;

/* The layer's parameter count (its ops' param_count at its widths). */
static inline size_t nnlite__layer_param_count(const nnlite_layer *layer)
{
    return layer->ops->param_count(layer->in, layer->out);
}

/* Parameters a layer made from spec would have (0 for an unknown kind;
 * SIZE_MAX on overflow), without making it: lets a decoder bound a
 * layer by the bytes its file has left before anything is allocated. */
size_t nnlite__layer_spec_param_count(const nnlite_layer_spec *spec);

/* Shared by the activations, whose width is whatever they are stacked
 * on: no settings, any width, no parameters. */
nnlite_status nnlite__activation_configure(nnlite_layer *layer,
                                           const nnlite__layer_config *config,
                                           char *message, size_t size);
bool nnlite__activation_bind(nnlite_layer *layer, size_t width);
size_t nnlite__no_params(size_t in, size_t out);

/* The layer's settings through its describe op; "" when it has none. */
void nnlite__layer_describe(const nnlite_layer *layer, char *buf,
                            size_t size);
/* Why a layer could not be made from config: its status and a message
 * (NNLITE_OK and "" when it can). The constructors, their check twins
 * and the decoder all run it. */
nnlite_status nnlite__layer_check_config(const nnlite__layer_config *config,
                                         char *message, size_t size);

/* Make a layer from config with allocator a (NULL: malloc/free); the
 * message as nnlite__layer_check_config writes it. */
nnlite_status nnlite__layer_create_config(nnlite_layer **out,
                                          const nnlite__layer_config *config,
                                          const nnlite_allocator *allocator,
                                          char *message, size_t size);

/* A decoder's constructor: the layer a file describes by spec and the
 * `count` values stored after it (borrowed), through the same checks. */
nnlite_status nnlite__layer_create_record(nnlite_layer **out,
                                          const nnlite_layer_spec *spec,
                                          const float *values, size_t count,
                                          const nnlite_allocator *allocator,
                                          char *message, size_t size);

#endif /* NNLITE_LAYER_IMPL_H */
