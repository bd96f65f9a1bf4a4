/* One training step: forward, loss, backward into the flat gradient
 * buffer, then the optimizer's update. Nothing here allocates once the
 * workspace holds the batch. */
#include <math.h>

#include "model_impl.h"
#include "tensor_impl.h"

/* Backward through every layer; the loss gradient is in delta[0]. Each
 * layer overwrites its gradients, and the first layer's input gradient
 * is never needed. */
static void backward(nnlite_model *m, const float *x, size_t rows)
{
    float *dy = m->delta[0], *dx = m->delta[1];
    float *mask = m->masks;
    for (size_t i = 0; i < m->layer_count; i++) { /* past the last mask */
        mask += nnlite__model_mask_floats(m->layers[i], m->batch_capacity);
    }
    for (size_t i = m->layer_count; i-- > 0;) {
        const nnlite_layer *l = m->layers[i];
        const float *in = i == 0 ? x : m->outputs[i - 1];
        mask -= nnlite__model_mask_floats(l, m->batch_capacity);
        m->compute.mask = mask; /* the one its forward pass filled */
        l->ops->backward(l, m->params + l->param_offset, in, m->outputs[i],
                         dy, i == 0 ? NULL : dx, m->grads + l->param_offset,
                         rows, &m->compute);
        float *t = dy;
        dy = dx;
        dx = t;
    }
    m->compute.mask = NULL;
}

nnlite_status nnlite__model_gradients_rows(nnlite_model *m, const float *x,
                                           const float *target, size_t rows,
                                           size_t target_cols, double *loss)
{
    const size_t width = nnlite__model_width(m);
    const float *out;
    nnlite_status s;

    m->grads_ready = false; /* until this pass has written them all */
    if ((s = nnlite__model_reserve_rows(m, rows)) != NNLITE_OK ||
        (s = nnlite__model_reserve_compute(m)) != NNLITE_OK) {
        return s;
    }
    /* The one training forward pass: dropout draws its masks. */
    m->compute.training = true;
    out = nnlite__model_forward_rows(m, x, rows);
    m->compute.training = false;
    *loss = m->loss->ops->compute(m->loss, out, target, rows, width,
                                  target_cols, m->delta[0]);
    if (!isfinite((float)*loss)) { /* as the caller will see it */
        return nnlite__fail(m, NNLITE_ENUMERIC,
                            "the loss is not finite (diverging? try a "
                            "smaller learning rate)");
    }
    backward(m, x, rows);
    m->grads_ready = true;
    return NNLITE_OK;
}

static nnlite_status gradients(nnlite_model *m, const nnlite_tensor *x,
                               const nnlite_tensor *target, float *loss)
{
    double value;
    nnlite_status s;
    nnlite__model_initialize(m);
    s = nnlite__model_gradients_rows(m, x->data, target->data, x->shape[0],
                                     target->shape[1], &value);
    if (s == NNLITE_OK && loss != NULL) {
        *loss = (float)value;
    }
    return s;
}

nnlite_status nnlite_model_compute_gradients(nnlite_model *m,
                                             const nnlite_tensor *x,
                                             const nnlite_tensor *target,
                                             float *loss)
{
    nnlite_status s;
    if (m == NULL) {
        return NNLITE_EINVAL;
    }
    m->error[0] = '\0';
    if ((s = nnlite__model_check_step(m, x, target, false)) != NNLITE_OK ||
        (s = gradients(m, x, target, loss)) != NNLITE_OK) {
        return s;
    }
    return nnlite__model_check_grads(m);
}

nnlite_status nnlite_model_apply_gradients(nnlite_model *m)
{
    nnlite_status s;
    if (m == NULL) {
        return NNLITE_EINVAL;
    }
    m->error[0] = '\0';
    if ((s = nnlite__model_check_apply(m)) != NNLITE_OK) {
        return s;
    }
    nnlite__model_initialize(m);
    return nnlite__model_apply(m);
}

nnlite_status nnlite_model_train_batch(nnlite_model *m,
                                       const nnlite_tensor *x,
                                       const nnlite_tensor *target,
                                       float *loss)
{
    nnlite_status s;
    if (m == NULL) {
        return NNLITE_EINVAL;
    }
    m->error[0] = '\0';
    if ((s = nnlite__model_check_step(m, x, target, true)) != NNLITE_OK ||
        (s = gradients(m, x, target, loss)) != NNLITE_OK) {
        return s;
    }
    return nnlite__model_apply(m);
}
