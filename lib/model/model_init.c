/* Initial weights, drawn from the model's own generator the first time the
 * model needs them, by each layer's init op (dense.c has the rule). A
 * layer learns whether a rectifier follows it, which picks He-uniform
 * over Glorot-uniform. */
#include "model_impl.h"

void nnlite__model_initialize(nnlite_model *m)
{
    if (m->initialized || m->layer_count == 0) {
        return; /* an empty model stays open for layers */
    }
    for (size_t i = 0; i < m->layer_count; i++) {
        const nnlite_layer *l = m->layers[i];
        const bool rectifier_next =
            i + 1 < m->layer_count && m->layers[i + 1]->ops->rectifier;
        if (l->ops->init != NULL) {
            l->ops->init(l, m->params + l->param_offset, &m->rng,
                         rectifier_next);
        }
    }
    m->initialized = true;
}
