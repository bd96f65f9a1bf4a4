/* Layer construction and destruction; the math is in one file per kind. */
#include "layer_impl.h"

#include <stdint.h>

#include "alloc_impl.h"
#include "message_impl.h"
#include "nnlite/config.h"

/* The kinds this build has (meson option -Dlayers): only a kind named
 * here is linked into a program, so a microcontroller build carries the
 * ones it uses. */
static const nnlite__layer_ops *ops_for_kind(nnlite_layer_kind kind)
{
    switch (kind) {
#if NNLITE_HAVE_LAYER_DENSE
    case NNLITE_LAYER_DENSE:
        return &nnlite__dense_ops;
#endif
#if NNLITE_HAVE_LAYER_SIGMOID
    case NNLITE_LAYER_SIGMOID:
        return &nnlite__sigmoid_ops;
#endif
#if NNLITE_HAVE_LAYER_RELU
    case NNLITE_LAYER_RELU:
        return &nnlite__relu_ops;
#endif
#if NNLITE_HAVE_LAYER_TANH
    case NNLITE_LAYER_TANH:
        return &nnlite__tanh_ops;
#endif
#if NNLITE_HAVE_LAYER_HARD_SIGMOID
    case NNLITE_LAYER_HARD_SIGMOID:
        return &nnlite__hard_sigmoid_ops;
#endif
#if NNLITE_HAVE_LAYER_LEAKY_RELU
    case NNLITE_LAYER_LEAKY_RELU:
        return &nnlite__leaky_relu_ops;
#endif
#if NNLITE_HAVE_LAYER_DROPOUT
    case NNLITE_LAYER_DROPOUT:
        return &nnlite__dropout_ops;
#endif
#if NNLITE_HAVE_LAYER_SCALING
    case NNLITE_LAYER_STANDARDIZE:
        return &nnlite__standardize_ops;
    case NNLITE_LAYER_DESTANDARDIZE:
        return &nnlite__destandardize_ops;
#endif
    default:
        return NULL;
    }
}

/* Every kind's name, built in or not. */
static const char *kind_name(nnlite_layer_kind kind)
{
    static const char *const names[] = {
        NULL,           "dense",      "sigmoid", "relu",        "tanh",
        "hard_sigmoid", "leaky_relu", "dropout", "standardize", "destandardize",
    };
    return kind >= NNLITE_LAYER_DENSE && kind <= NNLITE_LAYER_DESTANDARDIZE
               ? names[kind]
               : NULL;
}

/* Every kind is built in (the default): a kind without ops is unknown. */
#define ALL_KINDS                                                              \
    (NNLITE_HAVE_LAYER_DENSE && NNLITE_HAVE_LAYER_RELU &&                     \
     NNLITE_HAVE_LAYER_SIGMOID && NNLITE_HAVE_LAYER_TANH &&                   \
     NNLITE_HAVE_LAYER_HARD_SIGMOID && NNLITE_HAVE_LAYER_LEAKY_RELU &&        \
     NNLITE_HAVE_LAYER_DROPOUT && NNLITE_HAVE_LAYER_SCALING)

/* Why a kind has no ops: unknown, or left out of this build. */
static void say_missing_kind(nnlite_layer_kind kind, char *message,
                             size_t size)
{
#if !ALL_KINDS
    if (kind_name(kind) != NULL) {
        nnlite__format(message, size,
                       "layer kind %d (%s) is not built into this nnlite "
                       "(meson option -Dlayers)",
                       (int)kind, kind_name(kind));
        return;
    }
#endif
    nnlite__format(message, size, "layer kind %d is unknown", (int)kind);
}

size_t nnlite__layer_spec_param_count(const nnlite_layer_spec *spec)
{
    const nnlite__layer_ops *ops = ops_for_kind(spec->kind);
    return ops == NULL ? 0
                       : ops->param_count(spec->in_features,
                                          spec->out_features);
}

nnlite_status nnlite__activation_configure(nnlite_layer *layer,
                                           const nnlite__layer_config *config,
                                           char *message, size_t size)
{
    (void)layer, (void)config, (void)message, (void)size;
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

/* The configured probe, or a status and message. Both the checks and
 * the constructors come through here: they cannot disagree. */
static nnlite_status configure(nnlite_layer *probe,
                               const nnlite__layer_config *config,
                               char *message, size_t size)
{
    const nnlite__layer_ops *ops = ops_for_kind(config->spec.kind);
    size_t bytes;
    nnlite_status s;
    nnlite__format(message, size, "%s", "");
    if (ops == NULL) {
        say_missing_kind(config->spec.kind, message, size);
        return NNLITE_EINVAL;
    }
    /* The slope is kept for every kind (only a leaky ReLU uses it), as
     * files store it. */
    *probe = (nnlite_layer){.ops = ops, .slope = config->spec.slope};
    if ((s = ops->configure(probe, config, message, size)) != NNLITE_OK) {
        return s;
    }
    if (nnlite__layer_param_count(probe) == SIZE_MAX ||
        !nnlite__mul_size(&bytes, probe->value_count, sizeof(float)) ||
        !nnlite__add_size(&bytes, bytes, sizeof(nnlite_layer))) {
        nnlite__format(message, size,
                       "a %s layer of %zu -> %zu features needs more memory "
                       "than can be addressed",
                       ops->name, probe->in, probe->out);
        return NNLITE_ENOMEM;
    }
    return NNLITE_OK;
}

nnlite_status nnlite__layer_check_config(const nnlite__layer_config *config,
                                         char *message, size_t size)
{
    nnlite_layer probe;
    return configure(&probe, config, message, size);
}

nnlite_status nnlite__layer_create_config(nnlite_layer **out,
                                          const nnlite__layer_config *config,
                                          const nnlite_allocator *allocator,
                                          char *message, size_t size)
{
    nnlite_allocator a;
    nnlite_layer probe, *layer;
    nnlite_status s;

    if (out == NULL) {
        nnlite__format(message, size, "out is NULL");
        return NNLITE_EINVAL;
    }
    *out = NULL;
    if (nnlite__allocator_resolve(&a, allocator) != NNLITE_OK) {
        nnlite__format(message, size,
                       "the allocator sets only one of alloc and free");
        return NNLITE_EINVAL;
    }
    /* Settings are checked before anything is allocated. */
    if ((s = configure(&probe, config, message, size)) != NNLITE_OK) {
        return s;
    }
    /* One block: the layer, then the values it owns (sizes checked by
     * configure). */
    layer = nnlite__alloc(&a, sizeof(*layer) +
                                  probe.value_count * sizeof(float));
    if (layer == NULL) {
        nnlite__format(message, size, "out of memory for a %s layer",
                       probe.ops->name);
        return NNLITE_ENOMEM;
    }
    *layer = probe;
    layer->allocator = a;
    if (probe.value_count > 0) {
        layer->values = (float *)(void *)(layer + 1);
        probe.ops->store(layer, config);
    }
    *out = layer;
    return NNLITE_OK;
}

nnlite_status nnlite__layer_create_record(nnlite_layer **out,
                                          const nnlite_layer_spec *spec,
                                          const float *values, size_t count,
                                          const nnlite_allocator *allocator,
                                          char *message, size_t size)
{
    const nnlite__layer_ops *ops = ops_for_kind(spec->kind);
    nnlite__layer_config config = {*spec, 0.0f, 0, NULL, NULL};
    nnlite_status s;
    *out = NULL;
    if (ops == NULL) {
        say_missing_kind(spec->kind, message, size);
        return NNLITE_EINVAL;
    }
    if (ops->parse == NULL && count != 0) {
        nnlite__format(message, size,
                       "a %s layer stores no values, but %zu follow it",
                       ops->name, count);
        return NNLITE_EINVAL;
    }
    if (ops->parse != NULL &&
        (s = ops->parse(&config, values, count, message, size)) !=
            NNLITE_OK) {
        return s;
    }
    return nnlite__layer_create_config(out, &config, allocator, message,
                                       size);
}

/* The kinds a nnlite_layer_spec can describe: those of version 0.1. */
static bool spec_kind(nnlite_layer_kind kind)
{
    return kind >= NNLITE_LAYER_DENSE && kind <= NNLITE_LAYER_LEAKY_RELU;
}

nnlite_status nnlite_layer_spec_check(const nnlite_layer_spec *spec,
                                      char *message, size_t size)
{
    if (spec == NULL) {
        nnlite__format(message, size, "spec is NULL");
        return NNLITE_EINVAL;
    }
    if (kind_name(spec->kind) != NULL && !spec_kind(spec->kind)) {
        nnlite__format(message, size,
                       "layer kind %d (%s) cannot be described by a "
                       "nnlite_layer_spec; use its own _create_advanced()",
                       (int)spec->kind, kind_name(spec->kind));
        return NNLITE_EINVAL;
    }
    const nnlite__layer_config config = {*spec, 0.0f, 0, NULL, NULL};
    return nnlite__layer_check_config(&config, message, size);
}

nnlite_status nnlite_layer_create_advanced(nnlite_layer **out,
                                           const nnlite_layer_spec *spec,
                                           const nnlite_allocator *allocator)
{
    nnlite_allocator a;
    if (out == NULL) {
        return NNLITE_EINVAL;
    }
    *out = NULL;
    if (spec == NULL || nnlite__allocator_resolve(&a, allocator) !=
                            NNLITE_OK) {
        return NNLITE_EINVAL;
    }
    nnlite_status s = nnlite_layer_spec_check(spec, NULL, 0);
    if (s != NNLITE_OK) {
        return s;
    }
    const nnlite__layer_config config = {*spec, 0.0f, 0, NULL, NULL};
    return nnlite__layer_create_config(out, &config, allocator, NULL, 0);
}

static nnlite_status create_kind(nnlite_layer **out, nnlite_layer_kind kind)
{
    const nnlite_layer_spec spec = {kind, 0, 0, 0.0f};
    return nnlite_layer_create_advanced(out, &spec, NULL);
}

nnlite_status nnlite_dense_check(size_t in_features, size_t out_features,
                                 char *message, size_t size)
{
    const nnlite_layer_spec spec = {NNLITE_LAYER_DENSE, in_features,
                                    out_features, 0.0f};
    return nnlite_layer_spec_check(&spec, message, size);
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

nnlite_status nnlite_leaky_relu_check(float slope, char *message,
                                      size_t size)
{
    const nnlite_layer_spec spec = {NNLITE_LAYER_LEAKY_RELU, 0, 0, slope};
    return nnlite_layer_spec_check(&spec, message, size);
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
    const char *name = kind_name(kind);
    return name == NULL ? "unknown" : name;
}

void nnlite__layer_describe(const nnlite_layer *layer, char *buf, size_t size)
{
    nnlite__format(buf, size, "%s", "");
    if (layer->ops->describe != NULL) {
        layer->ops->describe(layer, buf, size);
    }
}
