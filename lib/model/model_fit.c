/* fit(): epochs of (optionally shuffled) mini-batches, one update per
 * batch, the last partial batch included; per batch the gradient hook and
 * clipping, per epoch validation, early stopping, the callback and the
 * learning-rate schedule. Buffers are sized before the first epoch, so
 * epochs themselves allocate nothing. */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "alloc_impl.h"
#include "model_impl.h"
#include "model_permute_impl.h"
#include "model_schedule_impl.h"
#include "tensor_impl.h"

/* One fit in progress: the options (as version 2, row counts resolved),
 * the data, what the callback is told and the early-stopping count. */
typedef struct fit_run {
    nnlite_fit_options o;
    const nnlite_tensor *x;
    const nnlite_tensor *target;
    nnlite_epoch_callback callback;
    void *user;
    nnlite_epoch_stats stats;
    nnlite__schedule schedule;
    size_t epochs_run;
    size_t bad_epochs;   /* since the validation loss last improved */
    size_t best_updates; /* updates when the best parameters were kept */
    bool restored_best;
} fit_run;

/* Grow a buffer to at least `count` elements of `size` bytes (contents
 * discarded). */
static nnlite_status reserve(nnlite_model *m, void **buf, size_t *capacity,
                             size_t count, size_t size, const char *what)
{
    void *p;
    if (count <= *capacity) {
        return NNLITE_OK;
    }
    p = nnlite__calloc_array(&m->allocator, count, size);
    if (p == NULL) {
        return nnlite__fail(m, NNLITE_ENOMEM, "out of memory for %s", what);
    }
    nnlite__free(&m->allocator, *buf);
    *buf = p;
    *capacity = count;
    return NNLITE_OK;
}

static nnlite_status reserve_floats(nnlite_model *m, float **buf,
                                    size_t *capacity, size_t count,
                                    const char *what)
{
    void *p = *buf;
    nnlite_status s = reserve(m, &p, capacity, count, sizeof(float), what);
    *buf = p;
    return s;
}

/* Everything the epochs need, allocated up front. */
static nnlite_status prepare(nnlite_model *m, const fit_run *run)
{
    const nnlite_fit_options *o = &run->o;
    const size_t rows = o->row_count;
    const size_t batch = o->batch_size < rows ? o->batch_size : rows;
    nnlite_status s = NNLITE_OK;
    void *order;

    nnlite__model_initialize(m);
    if ((s = nnlite__model_reserve_rows(m, batch)) != NNLITE_OK ||
        (s = nnlite__model_reserve_optimizer(m, m->optimizer)) !=
            NNLITE_OK) {
        return s;
    }
    if (o->validation_x != NULL &&
        (s = nnlite__model_reserve_rows(
             m, nnlite__model_chunk_rows(m, o->validation_row_count))) !=
            NNLITE_OK) {
        return s;
    }
    if (o->restore_best &&
        (s = reserve_floats(m, &m->best_params, &m->best_params_capacity,
                            m->param_count, "the best parameters")) !=
            NNLITE_OK) {
        return s;
    }
    if (!o->shuffle) {
        return NNLITE_OK; /* batches are contiguous slices of x, target */
    }
    if (!o->shuffle_stream) {
        order = m->order;
        s = reserve(m, &order, &m->order_capacity, rows, sizeof(size_t),
                    "the row order");
        m->order = order;
    }
    if (s != NNLITE_OK ||
        (s = reserve_floats(m, &m->fit_x, &m->fit_x_capacity,
                            batch * run->x->shape[1], "batches")) !=
            NNLITE_OK) {
        return s;
    }
    return reserve_floats(m, &m->fit_target, &m->fit_target_capacity,
                          batch * run->target->shape[1], "batches");
}

/* The row at position i of this epoch's order: from the stored list,
 * or computed (shuffle_stream). */
static size_t row_at(const nnlite_model *m, const nnlite__permutation *p,
                     size_t i)
{
    return p == NULL ? m->order[i] : nnlite__permutation_at(p, i);
}

/* Copy the rows at positions start .. start + n - 1 of the order from
 * src ([*, cols]) into dst. */
static void gather(const nnlite_model *m, const nnlite__permutation *p,
                   float *dst, const float *src, size_t start, size_t n,
                   size_t cols)
{
    for (size_t r = 0; r < n; r++) {
        memcpy(dst + r * cols, src + row_at(m, p, start + r) * cols,
               cols * sizeof(float));
    }
}

/* PyTorch's clip_grad_norm_: scale every gradient by max / (norm + 1e-6)
 * when that is below 1, norm being the L2 norm of all of them (summed in
 * double here). */
static void clip_gradients(nnlite_model *m, float max_norm)
{
    double sum = 0.0;
    float norm, coef;
    for (size_t i = 0; i < m->param_count; i++) {
        sum += (double)m->grads[i] * (double)m->grads[i];
    }
    norm = (float)sqrt(sum);
    coef = max_norm / (norm + 1e-6f);
    if (coef < 1.0f) {
        for (size_t i = 0; i < m->param_count; i++) {
            m->grads[i] *= coef;
        }
    }
}

/* One batch of n rows: gradients, hook, clipping, update. *stopped is set
 * when the hook asks to stop (the update is then not applied). */
static nnlite_status run_batch(nnlite_model *m, fit_run *run, const float *x,
                               const float *t, size_t n, double *loss,
                               bool *stopped)
{
    const nnlite_fit_options *o = &run->o;
    nnlite_status s;
    if ((s = nnlite__model_gradients_rows(m, x, t, n, run->target->shape[1],
                                          loss)) != NNLITE_OK) {
        return s;
    }
    if (o->gradient_hook != NULL &&
        o->gradient_hook(m, m->grads, m->param_count, n,
                         o->gradient_hook_user) != 0) {
        *stopped = true;
        return NNLITE_OK;
    }
    if (o->clip_grad_norm > 0.0f) {
        clip_gradients(m, o->clip_grad_norm);
    }
    if ((s = nnlite__model_apply(m)) == NNLITE_OK) {
        run->stats.updates++;
    }
    return s;
}

/* One pass over the rows; *loss = mean batch loss weighted by rows. */
static nnlite_status run_epoch(nnlite_model *m, fit_run *run, double *loss,
                               bool *stopped)
{
    const nnlite_fit_options *o = &run->o;
    const size_t rows = o->row_count, in = run->x->shape[1];
    const size_t tcols = run->target->shape[1];
    const float *x = run->x->data + o->first_row * in;
    const float *t = run->target->data + o->first_row * tcols;
    double sum = 0.0, batch_loss;
    nnlite__permutation stream, *p = NULL;
    nnlite_status s;

    if (o->shuffle && o->shuffle_stream) {
        nnlite__permutation_init(&stream, &m->rng, rows);
        p = &stream;
    } else if (o->shuffle) {
        for (size_t r = 0; r < rows; r++) {
            m->order[r] = r;
        }
        nnlite__rng_shuffle(&m->rng, m->order, rows);
    }
    for (size_t start = 0; start < rows; start += o->batch_size) {
        const size_t n =
            rows - start < o->batch_size ? rows - start : o->batch_size;
        const float *bx = x + start * in, *bt = t + start * tcols;
        if (o->shuffle) {
            gather(m, p, m->fit_x, x, start, n, in);
            gather(m, p, m->fit_target, t, start, n, tcols);
            bx = m->fit_x;
            bt = m->fit_target;
        }
        if ((s = run_batch(m, run, bx, bt, n, &batch_loss, stopped)) !=
                NNLITE_OK ||
            *stopped) {
            return s;
        }
        sum += batch_loss * (double)n;
    }
    *loss = sum / (double)rows;
    return NNLITE_OK;
}

/* The validation loss after an epoch, and what early stopping makes of
 * it: a new best (kept for restore_best) or one more bad epoch. */
static nnlite_status validate(nnlite_model *m, fit_run *run)
{
    const nnlite_fit_options *o = &run->o;
    const nnlite_tensor *vx = o->validation_x, *vt = o->validation_target;
    nnlite_epoch_stats *st = &run->stats;
    double loss;
    nnlite_status s = nnlite__model_evaluate_rows(
        m, vx->data + o->validation_first_row * vx->shape[1],
        vt->data + o->validation_first_row * vt->shape[1],
        o->validation_row_count, vt->shape[1], &loss);
    if (s != NNLITE_OK) {
        return s;
    }
    st->validation_loss = (float)loss;
    /* Keras's rule: better by more than min_delta (the first always is). */
    if (st->best_epoch == 0 ||
        st->validation_loss < st->best_validation_loss - o->min_delta) {
        st->best_epoch = st->epoch;
        st->best_validation_loss = st->validation_loss;
        run->bad_epochs = 0;
        if (o->restore_best && m->param_count > 0) {
            memcpy(m->best_params, m->params,
                   m->param_count * sizeof(float));
        }
        run->best_updates = st->updates;
    } else {
        run->bad_epochs++;
    }
    return NNLITE_OK;
}

/* One epoch and everything after it; sets stats.stop when it is the
 * last. */
static nnlite_status epoch(nnlite_model *m, fit_run *run)
{
    const nnlite_fit_options *o = &run->o;
    nnlite_epoch_stats *st = &run->stats;
    double train_loss;
    bool hook_stopped = false;
    nnlite_status s;

    if (o->schedule.kind != NNLITE_LR_CONSTANT) {
        m->optimizer->options.learning_rate =
            nnlite__schedule_rate(&run->schedule, st->epoch);
    }
    st->learning_rate = m->optimizer->options.learning_rate;
    st->epoch++;
    if ((s = run_epoch(m, run, &train_loss, &hook_stopped)) != NNLITE_OK) {
        return s;
    }
    if (hook_stopped) {
        st->stop = NNLITE_FIT_HOOK_STOPPED;
        return NNLITE_OK;
    }
    run->epochs_run = st->epoch;
    st->train_loss = (float)train_loss;
    if (o->validation_x != NULL && (s = validate(m, run)) != NNLITE_OK) {
        return s;
    }
    if (o->patience > 0 && run->bad_epochs >= o->patience) {
        st->stop = NNLITE_FIT_EARLY_STOPPED;
    } else if (st->epoch == o->epochs) {
        st->stop = NNLITE_FIT_COMPLETED;
    }
    if (run->callback != NULL && run->callback(st, run->user) != 0 &&
        st->stop == NNLITE_FIT_RUNNING) {
        st->stop = NNLITE_FIT_CALLBACK_STOPPED;
    }
    nnlite__schedule_observe(&run->schedule, o->validation_x != NULL
                                                 ? st->validation_loss
                                                 : st->train_loss);
    return NNLITE_OK;
}

static nnlite_status run_epochs(nnlite_model *m, fit_run *run)
{
    nnlite_status s = NNLITE_OK;
    m->fitting = true;
    while (run->stats.stop == NNLITE_FIT_RUNNING &&
           (s = epoch(m, run)) == NNLITE_OK) {
    }
    m->fitting = false;
    if (s != NNLITE_OK) {
        run->stats.stop = NNLITE_FIT_FAILED;
        return s;
    }
    /* Updates after the best epoch (later epochs, or part of one the hook
     * stopped) are undone; none means the parameters are the best. */
    if (run->o.restore_best && m->param_count > 0 &&
        run->stats.best_epoch != 0 &&
        run->stats.updates != run->best_updates) {
        memcpy(m->params, m->best_params, m->param_count * sizeof(float));
        run->restored_best = true;
    }
    return NNLITE_OK;
}

static void report(const nnlite_model *m, const fit_run *run,
                   nnlite_fit_result *r)
{
    const bool any = run->epochs_run > 0;
    r->stop = run->stats.stop;
    r->epochs_run = run->epochs_run;
    r->updates = run->stats.updates;
    r->best_epoch = run->stats.best_epoch;
    r->best_validation_loss = run->stats.best_validation_loss;
    r->train_loss = any ? run->stats.train_loss : NAN;
    r->validation_loss = any ? run->stats.validation_loss : NAN;
    r->learning_rate = m->optimizer->options.learning_rate;
    r->restored_best = run->restored_best;
}

/* The caller's options as this version: an older struct is shorter, so
 * only its fields are read and the rest keep their defaults. */
static void read_options(nnlite_fit_options *o,
                         const nnlite_fit_options *options)
{
    static const nnlite_fit_options defaults = NNLITE_FIT_OPTIONS_INIT;
    *o = defaults;
    if (options == NULL) {
        return;
    }
    switch (options->version) {
    case 1:
        memcpy(o, options, offsetof(nnlite_fit_options, first_row));
        break;
    case 2:
        memcpy(o, options, offsetof(nnlite_fit_options, shuffle_stream));
        break;
    default:
        *o = *options;
    }
}

nnlite_status nnlite__model_read_fit_options(nnlite_model *m,
                                             const nnlite_fit_options *in,
                                             nnlite_fit_options *out)
{
    nnlite_status s;
    if (in != NULL &&
        (s = nnlite__model_check_fit_version(m, in)) != NNLITE_OK) {
        return s;
    }
    read_options(out, in);
    return NNLITE_OK;
}

nnlite_status nnlite_model_fit(nnlite_model *m, const nnlite_tensor *x,
                               const nnlite_tensor *target,
                               const nnlite_fit_options *options,
                               nnlite_epoch_callback callback, void *user)
{
    fit_run run = {.x = x, .target = target, .callback = callback,
                   .user = user};
    nnlite_status s;

    if (m == NULL) {
        return NNLITE_EINVAL;
    }
    m->error[0] = '\0';
    if ((s = nnlite__model_read_fit_options(m, options, &run.o)) !=
            NNLITE_OK ||
        (s = nnlite__model_check_fit(m, x, target, &run.o)) != NNLITE_OK) {
        return s;
    }
    if ((s = prepare(m, &run)) != NNLITE_OK) {
        if (run.o.result != NULL) {
            run.stats.stop = NNLITE_FIT_FAILED;
            run.stats.validation_loss = NAN;
            run.stats.best_validation_loss = NAN;
            report(m, &run, run.o.result);
        }
        return s;
    }
    run.stats.epochs = run.o.epochs;
    run.stats.validation_loss = NAN;
    run.stats.best_validation_loss = NAN;
    run.stats.model = m;
    nnlite__schedule_start(&run.schedule, &run.o.schedule,
                           m->optimizer->options.learning_rate,
                           run.o.epochs);
    s = run_epochs(m, &run);
    if (run.o.result != NULL) {
        report(m, &run, run.o.result);
    }
    return s;
}
