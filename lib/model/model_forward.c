/* Inference and evaluation: forward passes in chunks that fit the
 * workspace, so any number of rows works without a huge allocation. */
#include <math.h>

#include "model_impl.h"
#include "tensor_impl.h"

/* Every layer over `rows` rows of x, on the reserved kernels. A layer
 * may run together with the one after it (a dense layer on the GEMV and
 * its ReLU). Training behaviour (dropout) follows m->compute.training,
 * which only a training step sets. */
const float *nnlite__model_forward_rows(nnlite_model *m, const float *x,
                                        size_t rows)
{
    nnlite__compute *cx = &m->compute;
    const float *in = x;
    float *mask = m->masks; /* each mask layer's, in layer order */
    for (size_t i = 0; i < m->layer_count; i++) {
        const nnlite_layer *l = m->layers[i];
        const float *p = m->params + l->param_offset;
        cx->mask = mask;
        mask += nnlite__model_mask_floats(l, m->batch_capacity);
        if (i + 1 < m->layer_count && l->ops->forward_pair != NULL &&
            l->ops->forward_pair(l, m->layers[i + 1], p, in, m->outputs[i],
                                 m->outputs[i + 1], rows, cx)) {
            i++; /* the next layer is done too */
            mask += nnlite__model_mask_floats(m->layers[i],
                                              m->batch_capacity);
        } else {
            l->ops->forward(l, p, in, m->outputs[i], rows, cx);
        }
        in = m->outputs[i];
    }
    cx->mask = NULL;
    return in;
}

/* y = model(x) for `rows` checked rows, in chunks the workspace holds. */
static nnlite_status forward_into(nnlite_model *m, const float *x,
                                  size_t rows, float *y)
{
    const size_t width = nnlite__model_width(m);
    const size_t chunk = nnlite__model_chunk_rows(m, rows);
    nnlite_status s;

    nnlite__model_initialize(m);
    if ((s = nnlite__model_reserve_rows(m, chunk)) != NNLITE_OK ||
        (s = nnlite__model_reserve_compute(m)) != NNLITE_OK) {
        return s;
    }
    for (size_t r = 0; r < rows; r += chunk) {
        const size_t n = rows - r < chunk ? rows - r : chunk;
        const float *out =
            nnlite__model_forward_rows(m, x + r * m->input_features, n);
        for (size_t i = 0; i < n * width; i++) {
            y[r * width + i] = out[i];
        }
    }
    return NNLITE_OK;
}

nnlite_status nnlite_model_forward(nnlite_model *m, const nnlite_tensor *x,
                                   nnlite_tensor *y)
{
    nnlite_status s;
    if (m == NULL) {
        return NNLITE_EINVAL;
    }
    m->error[0] = '\0';
    if ((s = nnlite__model_check_forward(m, x, y)) != NNLITE_OK) {
        return s;
    }
    return forward_into(m, x->data, x->shape[0], y->data);
}

nnlite_status nnlite_model_predict(nnlite_model *m, const float *x,
                                   size_t rows, float *y)
{
    nnlite_status s;
    if (m == NULL) {
        return NNLITE_EINVAL;
    }
    m->error[0] = '\0';
    if ((s = nnlite__model_check_predict(m, x, rows, y)) != NNLITE_OK) {
        return s;
    }
    return forward_into(m, x, rows, y);
}

/* Softmax of one row in place (max subtracted: no overflow). */
static void softmax_row(float *z, size_t n)
{
    float max = z[0];
    double sum = 0.0;
    for (size_t j = 1; j < n; j++) {
        max = z[j] > max ? z[j] : max;
    }
    for (size_t j = 0; j < n; j++) {
        z[j] = expf(z[j] - max);
        sum += (double)z[j];
    }
    for (size_t j = 0; j < n; j++) {
        z[j] = (float)((double)z[j] / sum);
    }
}

nnlite_status nnlite_model_predict_probabilities(nnlite_model *m,
                                                 const nnlite_tensor *x,
                                                 nnlite_tensor *y)
{
    nnlite_status s;
    if (m == NULL) {
        return NNLITE_EINVAL;
    }
    if (m->loss == NULL || !m->loss->ops->takes_logits) {
        return nnlite__fail(m, NNLITE_ESTATE,
                            "probabilities need a model trained with "
                            "cross-entropy (its outputs are logits); this "
                            "model's loss is %s: use nnlite_model_forward",
                            m->loss == NULL ? "not set" : m->loss->ops->name);
    }
    if ((s = nnlite_model_forward(m, x, y)) != NNLITE_OK) {
        return s;
    }
    const size_t rows = y->shape[0], cols = y->shape[1];
    for (size_t r = 0; r < rows; r++) {
        float *z = y->data + r * cols;
        if (cols == 1) {
            z[0] = z[0] >= 0.0f ? 1.0f / (1.0f + expf(-z[0]))
                                : expf(z[0]) / (1.0f + expf(z[0]));
        } else {
            softmax_row(z, cols);
        }
    }
    return NNLITE_OK;
}

nnlite_status nnlite__model_evaluate_rows(nnlite_model *m, const float *x,
                                          const float *target, size_t rows,
                                          size_t target_cols, double *loss)
{
    const size_t width = nnlite__model_width(m);
    const size_t chunk = nnlite__model_chunk_rows(m, rows);
    const nnlite__loss_ops *ops = m->loss->ops;
    double sum = 0.0;
    nnlite_status s;

    if ((s = nnlite__model_reserve_rows(m, chunk)) != NNLITE_OK ||
        (s = nnlite__model_reserve_compute(m)) != NNLITE_OK) {
        return s;
    }
    for (size_t r = 0; r < rows; r += chunk) {
        const size_t n = rows - r < chunk ? rows - r : chunk;
        const float *out =
            nnlite__model_forward_rows(m, x + r * m->input_features, n);
        /* Every loss is a mean over rows (times a constant per row), so
         * weighting each chunk's mean by its rows gives the overall mean. */
        sum += ops->compute(m->loss, out, target + r * target_cols, n,
                            width, target_cols, NULL) *
               (double)n;
    }
    *loss = sum / (double)rows;
    if (!isfinite((float)*loss)) { /* as the caller will see it */
        return nnlite__fail(m, NNLITE_ENUMERIC, "the loss is not finite");
    }
    return NNLITE_OK;
}

nnlite_status nnlite_model_evaluate(nnlite_model *m, const nnlite_tensor *x,
                                    const nnlite_tensor *target, float *loss)
{
    nnlite_status s;
    double value;
    if (m == NULL) {
        return NNLITE_EINVAL;
    }
    m->error[0] = '\0';
    if ((s = nnlite__model_check_evaluate(m, x, target, loss)) != NNLITE_OK) {
        return s;
    }
    nnlite__model_initialize(m);
    s = nnlite__model_evaluate_rows(m, x->data, target->data, x->shape[0],
                                    target->shape[1], &value);
    if (s == NNLITE_OK) {
        *loss = (float)value;
    }
    return s;
}
