/* fit(): epochs of (optionally shuffled) mini-batches, one update per
 * batch, the last partial batch included. Buffers are sized before the
 * first epoch, so epochs themselves allocate nothing. */
#include <math.h>
#include <string.h>

#include "alloc_impl.h"
#include "model_impl.h"
#include "tensor_impl.h"

/* Grow a float buffer to at least `count` floats (contents discarded). */
static nnlite_status reserve_floats(nnlite_model *m, float **buf,
                                    size_t *capacity, size_t count)
{
    float *p;
    if (count <= *capacity) {
        return NNLITE_OK;
    }
    p = nnlite__calloc_array(&m->allocator, count, sizeof(float));
    if (p == NULL) {
        return nnlite__fail(m, NNLITE_ENOMEM, "out of memory for batches");
    }
    nnlite__free(&m->allocator, *buf);
    *buf = p;
    *capacity = count;
    return NNLITE_OK;
}

static nnlite_status reserve_order(nnlite_model *m, size_t rows)
{
    size_t *p;
    if (rows <= m->order_capacity) {
        return NNLITE_OK;
    }
    p = nnlite__calloc_array(&m->allocator, rows, sizeof(size_t));
    if (p == NULL) {
        return nnlite__fail(m, NNLITE_ENOMEM,
                            "out of memory for the row order");
    }
    nnlite__free(&m->allocator, m->order);
    m->order = p;
    m->order_capacity = rows;
    return NNLITE_OK;
}

/* Everything an epoch needs, allocated up front. */
static nnlite_status prepare(nnlite_model *m, const nnlite_tensor *x,
                             const nnlite_tensor *target,
                             const nnlite_fit_options *o)
{
    const size_t rows = x->shape[0];
    const size_t batch = o->batch_size < rows ? o->batch_size : rows;
    nnlite_status s;

    nnlite__model_initialize(m);
    if ((s = nnlite__model_reserve_rows(m, batch)) != NNLITE_OK ||
        (s = nnlite__model_reserve_optimizer(m, m->optimizer)) !=
            NNLITE_OK) {
        return s;
    }
    if (o->validation_x != NULL &&
        (s = nnlite__model_reserve_rows(
             m, nnlite__model_chunk_rows(m, o->validation_x->shape[0]))) !=
            NNLITE_OK) {
        return s;
    }
    if (!o->shuffle) {
        return NNLITE_OK; /* batches are contiguous slices of x, target */
    }
    if ((s = reserve_order(m, rows)) != NNLITE_OK ||
        (s = reserve_floats(m, &m->fit_x, &m->fit_x_capacity,
                            batch * x->shape[1])) != NNLITE_OK) {
        return s;
    }
    return reserve_floats(m, &m->fit_target, &m->fit_target_capacity,
                          batch * target->shape[1]);
}

/* Copy the rows order[0..n) of src ([*, cols]) into dst. */
static void gather(float *dst, const float *src, const size_t *order,
                   size_t n, size_t cols)
{
    for (size_t r = 0; r < n; r++) {
        memcpy(dst + r * cols, src + order[r] * cols, cols * sizeof(float));
    }
}

/* One pass over the data; *loss = mean batch loss weighted by rows. */
static nnlite_status run_epoch(nnlite_model *m, const nnlite_tensor *x,
                               const nnlite_tensor *target,
                               const nnlite_fit_options *o, size_t *updates,
                               double *loss)
{
    const size_t rows = x->shape[0], in = x->shape[1];
    const size_t tcols = target->shape[1];
    double sum = 0.0, batch_loss;
    nnlite_status s;

    if (o->shuffle) {
        for (size_t r = 0; r < rows; r++) {
            m->order[r] = r;
        }
        nnlite__rng_shuffle(&m->rng, m->order, rows);
    }
    for (size_t start = 0; start < rows; start += o->batch_size) {
        const size_t n =
            rows - start < o->batch_size ? rows - start : o->batch_size;
        const float *bx = x->data + start * in;
        const float *bt = target->data + start * tcols;
        if (o->shuffle) {
            gather(m->fit_x, x->data, m->order + start, n, in);
            gather(m->fit_target, target->data, m->order + start, n, tcols);
            bx = m->fit_x;
            bt = m->fit_target;
        }
        if ((s = nnlite__model_gradients_rows(m, bx, bt, n, tcols,
                                              &batch_loss)) != NNLITE_OK ||
            (s = nnlite__model_apply(m)) != NNLITE_OK) {
            return s;
        }
        sum += batch_loss * (double)n;
        ++*updates;
    }
    *loss = sum / (double)rows;
    return NNLITE_OK;
}

/* The epochs of one fit, with validation and the callback after each. */
static nnlite_status run_epochs(nnlite_model *m, const nnlite_tensor *x,
                                const nnlite_tensor *target,
                                const nnlite_fit_options *o,
                                nnlite_epoch_stats *stats,
                                nnlite_epoch_callback callback, void *user)
{
    nnlite_status s;
    for (size_t epoch = 1; epoch <= o->epochs; epoch++) {
        double train_loss, validation_loss;
        if ((s = run_epoch(m, x, target, o, &stats->updates, &train_loss)) !=
            NNLITE_OK) {
            return s;
        }
        stats->epoch = epoch;
        stats->train_loss = (float)train_loss;
        if (o->validation_x != NULL) {
            if ((s = nnlite__model_evaluate_rows(
                     m, o->validation_x->data, o->validation_target->data,
                     o->validation_x->shape[0],
                     o->validation_target->shape[1], &validation_loss)) !=
                NNLITE_OK) {
                return s;
            }
            stats->validation_loss = (float)validation_loss;
        }
        if (callback != NULL && callback(stats, user) != 0) {
            break;
        }
    }
    return NNLITE_OK;
}

nnlite_status nnlite_model_fit(nnlite_model *m, const nnlite_tensor *x,
                               const nnlite_tensor *target,
                               const nnlite_fit_options *options,
                               nnlite_epoch_callback callback, void *user)
{
    static const nnlite_fit_options defaults = NNLITE_FIT_OPTIONS_INIT;
    const nnlite_fit_options *o = options == NULL ? &defaults : options;
    nnlite_epoch_stats stats = {0, 0, 0, 0.0f, NAN};
    nnlite_status s;

    if (m == NULL) {
        return NNLITE_EINVAL;
    }
    m->error[0] = '\0';
    if ((s = nnlite__model_check_fit(m, x, target, o)) != NNLITE_OK ||
        (s = prepare(m, x, target, o)) != NNLITE_OK) {
        return s;
    }
    stats.epochs = o->epochs;
    m->fitting = true;
    s = run_epochs(m, x, target, o, &stats, callback, user);
    m->fitting = false;
    return s;
}
