/* Initial weights, drawn from the model's own generator the first time the
 * model needs them: He-uniform for a dense layer followed by (leaky) ReLU,
 * Glorot-uniform otherwise, biases zero. Only sqrt (exactly rounded by
 * IEEE 754) is used, so every machine draws the same bits. */
#include <math.h>
#include <string.h>

#include "model_impl.h"

static bool feeds_relu(const nnlite_model *m, size_t i)
{
    if (i + 1 >= m->layer_count) {
        return false;
    }
    const nnlite_layer_kind next = m->layers[i + 1]->ops->kind;
    return next == NNLITE_LAYER_RELU || next == NNLITE_LAYER_LEAKY_RELU;
}

static void init_dense(nnlite_model *m, const nnlite_layer *layer, bool he)
{
    const size_t in = layer->in, out = layer->out;
    const double fan = he ? (double)in : (double)(in + out);
    const float limit = (float)sqrt(6.0 / fan);
    float *w = m->params + layer->param_offset;

    for (size_t i = 0; i < in * out; i++) {
        w[i] = (2.0f * nnlite__rng_uniform(&m->rng) - 1.0f) * limit;
    }
    memset(w + in * out, 0, out * sizeof(float));
}

void nnlite__model_initialize(nnlite_model *m)
{
    if (m->initialized || m->layer_count == 0) {
        return; /* an empty model stays open for layers */
    }
    for (size_t i = 0; i < m->layer_count; i++) {
        if (m->layers[i]->ops->kind == NNLITE_LAYER_DENSE) {
            init_dense(m, m->layers[i], feeds_relu(m, i));
        }
    }
    m->initialized = true;
}
