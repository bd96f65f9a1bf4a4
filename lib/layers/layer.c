/* Layer construction and destruction; the math is in one file per kind. */
#include "layer_impl.h"

#include <stdint.h>

#include "alloc_impl.h"
#include "message_impl.h"

static const nnlite__layer_ops *ops_for_kind(nnlite_layer_kind kind)
{
    switch (kind) {
    case NNLITE_LAYER_DENSE:
        return &nnlite__dense_ops;
    case NNLITE_LAYER_SIGMOID:
        return &nnlite__sigmoid_ops;
    case NNLITE_LAYER_RELU:
        return &nnlite__relu_ops;
    case NNLITE_LAYER_TANH:
        return &nnlite__tanh_ops;
    case NNLITE_LAYER_HARD_SIGMOID:
        return &nnlite__hard_sigmoid_ops;
    case NNLITE_LAYER_LEAKY_RELU:
        return &nnlite__leaky_relu_ops;
    }
    return NULL;
}

size_t nnlite__layer_spec_param_count(const nnlite_layer_spec *spec)
{
    const nnlite__layer_ops *ops = ops_for_kind(spec->kind);
    return ops == NULL ? 0
                       : ops->param_count(spec->in_features,
                                          spec->out_features);
}

nnlite_status nnlite__activation_configure(nnlite_layer *layer,
                                           const nnlite_layer_spec *spec)
{
    (void)layer, (void)spec;
    return NNLITE_OK;
}

bool nnlite__activation_bind(nnlite_layer *layer, size_t width)
{
    layer->in = layer->out = width;
    return true;
}

size_t nnlite__no_params(size_t in, size_t out)
{
    (void)in, (void)out;
    return 0;
}

nnlite_status nnlite_layer_create_advanced(nnlite_layer **out,
                                           const nnlite_layer_spec *spec,
                                           const nnlite_allocator *allocator)
{
    nnlite_allocator a;
    const nnlite__layer_ops *ops;
    nnlite_layer *layer;
    nnlite_status s;

    if (out == NULL) {
        return NNLITE_EINVAL;
    }
    *out = NULL;
    if (spec == NULL || (ops = ops_for_kind(spec->kind)) == NULL ||
        nnlite__allocator_resolve(&a, allocator) != NNLITE_OK) {
        return NNLITE_EINVAL;
    }
    /* Settings are checked before anything is allocated. The slope is
     * kept for every kind (only a leaky ReLU uses it), as files store it. */
    nnlite_layer probe = {.ops = ops, .allocator = a, .slope = spec->slope};
    if ((s = ops->configure(&probe, spec)) != NNLITE_OK) {
        return s;
    }
    if (nnlite__layer_param_count(&probe) == SIZE_MAX) {
        return NNLITE_ENOMEM; /* more weights than memory can address */
    }
    layer = nnlite__alloc(&a, sizeof(*layer));
    if (layer == NULL) {
        return NNLITE_ENOMEM;
    }
    *layer = probe;
    *out = layer;
    return NNLITE_OK;
}

static nnlite_status create_kind(nnlite_layer **out, nnlite_layer_kind kind)
{
    const nnlite_layer_spec spec = {kind, 0, 0, 0.0f};
    return nnlite_layer_create_advanced(out, &spec, NULL);
}

nnlite_status nnlite_dense_create(nnlite_layer **out, size_t in_features,
                                  size_t out_features)
{
    const nnlite_layer_spec spec = {NNLITE_LAYER_DENSE, in_features,
                                    out_features, 0.0f};
    return nnlite_layer_create_advanced(out, &spec, NULL);
}

nnlite_status nnlite_sigmoid_create(nnlite_layer **out)
{
    return create_kind(out, NNLITE_LAYER_SIGMOID);
}

nnlite_status nnlite_relu_create(nnlite_layer **out)
{
    return create_kind(out, NNLITE_LAYER_RELU);
}

nnlite_status nnlite_tanh_create(nnlite_layer **out)
{
    return create_kind(out, NNLITE_LAYER_TANH);
}

nnlite_status nnlite_hard_sigmoid_create(nnlite_layer **out)
{
    return create_kind(out, NNLITE_LAYER_HARD_SIGMOID);
}

nnlite_status nnlite_leaky_relu_create(nnlite_layer **out, float slope)
{
    const nnlite_layer_spec spec = {NNLITE_LAYER_LEAKY_RELU, 0, 0, slope};
    return nnlite_layer_create_advanced(out, &spec, NULL);
}

void nnlite_layer_destroy(nnlite_layer *layer)
{
    if (layer != NULL && layer->owner == NULL) { /* else the model's */
        nnlite_allocator a = layer->allocator;
        nnlite__free(&a, layer);
    }
}

nnlite_layer_kind nnlite_layer_kind_of(const nnlite_layer *layer)
{
    return layer == NULL ? (nnlite_layer_kind)0 : layer->ops->kind;
}

nnlite_layer_kind nnlite_layer_get_kind(const nnlite_layer *layer)
{
    return nnlite_layer_kind_of(layer);
}

size_t nnlite_layer_input_features(const nnlite_layer *layer)
{
    return layer == NULL ? 0 : layer->in;
}

size_t nnlite_layer_output_features(const nnlite_layer *layer)
{
    return layer == NULL ? 0 : layer->out;
}

size_t nnlite_layer_param_count(const nnlite_layer *layer)
{
    return layer == NULL ? 0 : nnlite__layer_param_count(layer);
}

const char *nnlite_layer_kind_name(nnlite_layer_kind kind)
{
    /* A kind whose table has no name yet reads as unknown too. */
    const nnlite__layer_ops *ops = ops_for_kind(kind);
    return ops == NULL || ops->name == NULL ? "unknown" : ops->name;
}

void nnlite__layer_describe(const nnlite_layer *layer, char *buf, size_t size)
{
    nnlite__format(buf, size, "%s", "");
    if (layer->ops->describe != NULL) {
        layer->ops->describe(layer, buf, size);
    }
}
