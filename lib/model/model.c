/* Model handle: creation, the layer list, loss and optimizer ownership,
 * queries and the checks every entry point shares. */
#include "model_impl.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "alloc_impl.h"
#include "analyzer_impl.h"

#if NNLITE_HAVE_MESSAGE_TEXT
nnlite_status nnlite__fail(nnlite_model *m, nnlite_status s, const char *fmt,
                           ...)
{
    va_list ap;
    va_start(ap, fmt);
    nnlite__vformat(m->error, sizeof(m->error), fmt, ap);
    va_end(ap);
    return s;
}
#else
nnlite_status nnlite__fail_status(nnlite_model *m, nnlite_status s)
{
    const char *text = nnlite_status_string(s);
    size_t n = strlen(text);
    n = n < sizeof(m->error) - 1 ? n : sizeof(m->error) - 1;
    memcpy(m->error, text, n);
    m->error[n] = '\0';
    return s;
}
#endif

/* The one check of nnlite_model_create*()'s arguments, behind
 * nnlite_model_create_check() too; msg says why it refuses ("" if not). */
static nnlite_status check_create(size_t input_features, char *msg,
                                  size_t size)
{
    nnlite__format(msg, size, "%s", "");
    if (input_features == 0) {
        nnlite__format(msg, size,
                       "input_features 0 is not at least 1 (the width of "
                       "each input sample)");
        return NNLITE_EINVAL;
    }
    return NNLITE_OK;
}

nnlite_status nnlite_model_create_advanced(nnlite_model **out,
                                           size_t input_features,
                                           uint64_t seed,
                                           const nnlite_allocator *allocator)
{
    nnlite_allocator a;
    nnlite_model *m;

    if (out == NULL) {
        return NNLITE_EINVAL;
    }
    *out = NULL;
    if (check_create(input_features, NULL, 0) != NNLITE_OK ||
        nnlite__allocator_resolve(&a, allocator) != NNLITE_OK) {
        return NNLITE_EINVAL;
    }
    m = nnlite__calloc(&a, sizeof(*m));
    if (m == NULL) {
        return NNLITE_ENOMEM;
    }
    m->allocator = a;
    m->input_features = input_features;
    m->max_width = input_features;
    nnlite__rng_seed(&m->rng, seed);
    *out = m;
    return NNLITE_OK;
}

nnlite_status nnlite_model_create(nnlite_model **out, size_t input_features,
                                  uint64_t seed)
{
    return nnlite_model_create_advanced(out, input_features, seed, NULL);
}

/* Free what the model owns: the public destroy functions leave a part
 * that a model holds alone, so the owner mark goes first. */
static void release_layer(nnlite_layer *layer)
{
    layer->owner = NULL;
    nnlite_layer_destroy(layer);
}

static void release_loss(nnlite_loss *loss)
{
    if (loss != NULL) {
        loss->owner = NULL;
        nnlite_loss_destroy(loss);
    }
}

static void release_optimizer(nnlite_optimizer *o)
{
    if (o != NULL) {
        o->owner = NULL;
        nnlite_optimizer_destroy(o);
    }
}

void nnlite_model_destroy(nnlite_model *m)
{
    if (m == NULL) {
        return;
    }
    for (size_t i = 0; i < m->layer_count; i++) {
        release_layer(m->layers[i]);
    }
    release_loss(m->loss);
    release_optimizer(m->optimizer);
    nnlite__model_release_workspace(m);
    nnlite__free(&m->allocator, m->layers);
    nnlite__free(&m->allocator, m->outputs);
    nnlite__free(&m->allocator, m->params);
    nnlite__free(&m->allocator, m->grads);
    nnlite__free(&m->allocator, m->fit_x);
    nnlite__free(&m->allocator, m->fit_target);
    nnlite__free(&m->allocator, m->order);
    nnlite__free(&m->allocator, m->best_params);
    nnlite__metadata_free_all(m);
    nnlite__model_release_compute(m);
    nnlite_allocator a = m->allocator;
    nnlite__free(&a, m);
}

size_t nnlite__model_width(const nnlite_model *m)
{
    return m->layer_count == 0 ? m->input_features
                               : m->layers[m->layer_count - 1]->out;
}

/* Fix an incoming layer's widths against the current output width. */
static nnlite_status bind_layer(nnlite_model *m, nnlite_layer *layer)
{
    const size_t width = nnlite__model_width(m);
    if (!layer->ops->bind(layer, width)) {
        return nnlite__fail(m, NNLITE_ESHAPE,
                            "layer %zu (%s) expects %zu input features "
                            "but the previous %s gives %zu",
                            m->layer_count + 1, layer->ops->name, layer->in,
                            m->layer_count == 0 ? "input" : "layer", width);
    }
    return NNLITE_OK;
}

/* Allocate everything a model with one more layer needs, then commit;
 * on failure nothing changes. */
static nnlite_status grow_for_layer(nnlite_model *m, nnlite_layer *layer)
{
    const size_t count = nnlite__layer_param_count(layer);
    size_t new_params, new_capacity = m->layer_capacity;
    nnlite_layer **layers = NULL;
    float **outputs = NULL;
    float *params = NULL, *grads = NULL;

    if (!nnlite__add_size(&new_params, m->param_count, count)) {
        return nnlite__fail(m, NNLITE_ENOMEM, "parameter count overflows");
    }
    if (m->layer_count == m->layer_capacity) {
        new_capacity = m->layer_capacity == 0 ? 8 : 2 * m->layer_capacity;
        layers = nnlite__calloc_array(&m->allocator, new_capacity,
                                      sizeof(*layers));
        outputs = nnlite__calloc_array(&m->allocator, new_capacity,
                                       sizeof(*outputs));
        if (layers == NULL || outputs == NULL) {
            goto fail;
        }
    }
    if (count > 0 || m->params == NULL) {
        /* Weights are drawn later (initialisation), so nothing to copy.
         * Even a model of activations only gets (1-float) buffers, so
         * params + offset is never arithmetic on NULL. */
        params = nnlite__calloc_array(&m->allocator, new_params,
                                      sizeof(float));
        grads = nnlite__calloc_array(&m->allocator, new_params,
                                     sizeof(float));
        if (params == NULL || grads == NULL) {
            goto fail;
        }
    }
    if (layers != NULL) {
        if (m->layer_count > 0) {
            memcpy(layers, m->layers, m->layer_count * sizeof(*layers));
        }
        nnlite__free(&m->allocator, m->layers);
        nnlite__free(&m->allocator, m->outputs);
        m->layers = layers;
        m->outputs = outputs;
        m->layer_capacity = new_capacity;
    }
    if (params != NULL) {
        nnlite__free(&m->allocator, m->params);
        nnlite__free(&m->allocator, m->grads);
        m->params = params;
        m->grads = grads;
    }
    layer->param_offset = m->param_count;
    m->param_count = new_params;
    return NNLITE_OK;
fail:
    nnlite__free(&m->allocator, layers);
    nnlite__free(&m->allocator, outputs);
    nnlite__free(&m->allocator, params);
    nnlite__free(&m->allocator, grads);
    return nnlite__fail(m, NNLITE_ENOMEM, "out of memory adding layer %zu",
                        m->layer_count + 1);
}

size_t nnlite__model_layer_index(const nnlite_model *m,
                                 const nnlite_layer *layer)
{
    for (size_t i = 0; i < m->layer_count; i++) {
        if (m->layers[i] == layer) {
            return i;
        }
    }
    return m->layer_count;
}

nnlite_status nnlite_model_add(nnlite_model *m, nnlite_layer *layer)
{
    nnlite_status s;
    if (m == NULL) {
        nnlite_layer_destroy(layer); /* ownership is taken even on failure */
        return NNLITE_EINVAL;
    }
    m->error[0] = '\0';
    /* On failure the layer is taken even so, but destroy leaves one that
     * a model (this or another) holds: that one is in use. */
    if ((s = nnlite__model_check_add(m, layer)) != NNLITE_OK ||
        (s = bind_layer(m, layer)) != NNLITE_OK ||
        (s = grow_for_layer(m, layer)) != NNLITE_OK) {
        nnlite_layer_destroy(layer);
        return s;
    }
    layer->owner = m;
    m->layers[m->layer_count++] = layer;
    if (layer->out > m->max_width) {
        m->max_width = layer->out;
    }
    /* Widths changed: the workspace is re-sized on next use. */
    nnlite__model_release_workspace(m);
    return NNLITE_OK;
}

nnlite_status nnlite_model_set_loss(nnlite_model *m, nnlite_loss *loss)
{
    nnlite_status s;
    if (m == NULL) {
        nnlite_loss_destroy(loss); /* ownership is taken even on failure */
        return NNLITE_EINVAL;
    }
    m->error[0] = '\0';
    if (loss != NULL && loss == m->loss) {
        return NNLITE_OK; /* the model's own loss, set again */
    }
    if ((s = nnlite__model_check_replace(m, loss,
                                         loss == NULL ? NULL : loss->owner,
                                         "loss", "nnlite_model_set_loss")) !=
        NNLITE_OK) {
        nnlite_loss_destroy(loss); /* leaves another model's alone */
        return s;
    }
    /* nnlite__model_check_replace refused a NULL loss */
    NNLITE__ANALYZER_ASSUME(loss != NULL);
    release_loss(m->loss);
    loss->owner = m;
    m->loss = loss;
    return NNLITE_OK;
}

nnlite_status nnlite_model_set_optimizer(nnlite_model *m,
                                         nnlite_optimizer *opt)
{
    nnlite_status s;
    if (m == NULL) {
        nnlite_optimizer_destroy(opt); /* ownership is taken on failure */
        return NNLITE_EINVAL;
    }
    m->error[0] = '\0';
    if (opt != NULL && opt == m->optimizer) {
        return NNLITE_OK; /* e.g. set_optimizer(m, get_optimizer(m)) */
    }
    if ((s = nnlite__model_check_replace(m, opt,
                                         opt == NULL ? NULL : opt->owner,
                                         "optimizer",
                                         "nnlite_model_set_optimizer")) !=
            NNLITE_OK ||
        (s = nnlite__model_reserve_optimizer(m, opt)) != NNLITE_OK) {
        nnlite_optimizer_destroy(opt); /* leaves another model's alone */
        return s;
    }
    /* nnlite__model_check_replace refused a NULL optimizer */
    NNLITE__ANALYZER_ASSUME(opt != NULL);
    release_optimizer(m->optimizer);
    opt->owner = m;
    m->optimizer = opt;
    return NNLITE_OK;
}

nnlite_optimizer *nnlite_model_get_optimizer(nnlite_model *m)
{
    return m == NULL ? NULL : m->optimizer;
}

size_t nnlite_model_input_features(const nnlite_model *m)
{
    return m == NULL ? 0 : m->input_features;
}

size_t nnlite_model_output_features(const nnlite_model *m)
{
    return m == NULL || m->layer_count == 0 ? 0 : nnlite__model_width(m);
}

size_t nnlite_model_layer_count(const nnlite_model *m)
{
    return m == NULL ? 0 : m->layer_count;
}

const char *nnlite_model_last_error(const nnlite_model *m)
{
    return m == NULL ? "" : m->error;
}

size_t nnlite_model_param_count(const nnlite_model *m)
{
    return m == NULL ? 0 : m->param_count;
}

float *nnlite_model_params(nnlite_model *m)
{
    if (m == NULL || m->param_count == 0) {
        return NULL;
    }
    nnlite__model_initialize(m);
    return m->params;
}

float *nnlite_model_grads(nnlite_model *m)
{
    if (m == NULL || m->param_count == 0) {
        return NULL;
    }
    /* As params(): the layer list freezes, so the buffer never moves. */
    nnlite__model_initialize(m);
    return m->grads;
}


nnlite_status nnlite_model_create_check(size_t input_features, char *message,
                                        size_t size)
{
    return check_create(input_features, message, size);
}

const nnlite_layer *nnlite_model_layer(const nnlite_model *m, size_t index)
{
    return m == NULL || index >= m->layer_count ? NULL : m->layers[index];
}

size_t nnlite_model_layer_param_offset(const nnlite_model *m, size_t index)
{
    /* A layer without parameters has the offset where the next layer's
     * would start: grow_for_layer sets it to the count before it. */
    return m == NULL || index >= m->layer_count
               ? SIZE_MAX
               : m->layers[index]->param_offset;
}
