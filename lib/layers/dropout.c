/* Inverted dropout (PyTorch's nn.Dropout). In a training pass each
 * element is zeroed with probability p and the kept ones are scaled by
 * 1 / (1 - p), so the expected output is the input; outside training it
 * is the identity. The mask (0 or 1 / (1 - p) per element) is drawn from
 * the model's generator into cx->mask and multiplies the gradient on the
 * way back:
 *   y = x * mask,  dx = dy * mask.
 * An element is dropped when a uniform draw u in [0, 1) (24 random bits)
 * is below p, so it is dropped with probability p rounded up to a
 * multiple of 2^-24. p = 0 draws nothing: the identity, which leaves the
 * generator's stream as it was. */
#include <math.h>
#include <string.h>

#include "layer_impl.h"
#include "message_impl.h"

static nnlite_status dropout_configure(nnlite_layer *layer,
                                       const nnlite__layer_config *config,
                                       char *message, size_t size)
{
    const float p = config->p;
    if (!(p >= 0.0f && p < 1.0f)) { /* NaN fails too */
        nnlite__format(message, size, "p %g is outside [0, 1)", (double)p);
        return NNLITE_EINVAL;
    }
    layer->p = p;
    layer->value_count = 1;
    return NNLITE_OK;
}

static void dropout_store(nnlite_layer *layer,
                          const nnlite__layer_config *config)
{
    layer->values[0] = config->p;
}

static nnlite_status dropout_parse(nnlite__layer_config *config,
                                   const float *values, size_t count,
                                   char *message, size_t size)
{
    if (count != 1) {
        nnlite__format(message, size,
                       "a dropout layer stores 1 value (p), not %zu", count);
        return NNLITE_EINVAL;
    }
    config->p = values[0];
    return NNLITE_OK;
}

static void dropout_forward(const nnlite_layer *layer, const float *params,
                            const float *x, float *y, size_t batch,
                            const nnlite__compute *cx)
{
    const size_t n = batch * layer->out;
    const float p = layer->p, scale = 1.0f / (1.0f - p);
    (void)params;
    if (!cx->training || p == 0.0f) {
        memcpy(y, x, n * sizeof(float));
        if (cx->training) {
            for (size_t i = 0; i < n; i++) {
                cx->mask[i] = 1.0f;
            }
        }
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const float keep = nnlite__rng_uniform(cx->rng) < p ? 0.0f : scale;
        cx->mask[i] = keep;
        y[i] = x[i] * keep;
    }
}

static void dropout_backward(const nnlite_layer *layer, const float *params,
                             const float *x, const float *y, const float *dy,
                             float *dx, float *dparams, size_t batch,
                             const nnlite__compute *cx)
{
    const size_t n = batch * layer->out;
    (void)params, (void)x, (void)y, (void)dparams;
    if (dx == NULL) {
        return;
    }
    for (size_t i = 0; i < n; i++) {
        dx[i] = dy[i] * cx->mask[i];
    }
}

static void dropout_describe(const nnlite_layer *layer, char *buf,
                             size_t size)
{
    nnlite__format(buf, size, "p=%g", (double)layer->p);
}

const nnlite__layer_ops nnlite__dropout_ops = {
    .kind = NNLITE_LAYER_DROPOUT,
    .name = "dropout",
    .configure = dropout_configure,
    .store = dropout_store,
    .parse = dropout_parse,
    .keeps_mask = true,
    .bind = nnlite__activation_bind,
    .param_count = nnlite__no_params,
    .forward = dropout_forward,
    .backward = dropout_backward,
    .describe = dropout_describe,
};

nnlite_status nnlite_dropout_check(float p, char *message, size_t size)
{
    const nnlite__layer_config c = {{NNLITE_LAYER_DROPOUT, 0, 0, 0.0f}, p,
                                    0, NULL, NULL};
    return nnlite__layer_check_config(&c, message, size);
}

nnlite_status nnlite_dropout_create_advanced(
    nnlite_layer **out, float p, const nnlite_allocator *allocator)
{
    const nnlite__layer_config c = {{NNLITE_LAYER_DROPOUT, 0, 0, 0.0f}, p,
                                    0, NULL, NULL};
    return nnlite__layer_create_config(out, &c, allocator, NULL, 0);
}

nnlite_status nnlite_dropout_create(nnlite_layer **out, float p)
{
    return nnlite_dropout_create_advanced(out, p, NULL);
}

nnlite_status nnlite_layer_dropout(const nnlite_layer *layer, float *p)
{
    if (layer == NULL || p == NULL || layer->ops != &nnlite__dropout_ops) {
        return NNLITE_EINVAL;
    }
    *p = layer->p;
    return NNLITE_OK;
}
