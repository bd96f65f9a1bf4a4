/* One epoch of the data-parallel fit. Every update is one exchange of
 * each rank's status, rows and loss (a failure anywhere stops every rank
 * before any of them applies the update), the weighted ring sum of the
 * gradients, the hook (and its vote, when some rank has one), clipping
 * and the optimizer's update, which then runs on identical gradients,
 * parameters and state on every rank. */
#include <math.h>
#include <string.h>

#include "fit_impl.h"
#include "nnlite/data.h"

/* PyTorch's clip_grad_norm_, as nnlite_model_fit does it: scale by
 * max / (norm + 1e-6) when that is below 1, the L2 norm summed in
 * double. */
static void clip_gradients(float *g, size_t n, float max_norm)
{
    double sum = 0.0;
    float norm, coef;
    for (size_t i = 0; i < n; i++) {
        sum += (double)g[i] * (double)g[i];
    }
    norm = (float)sqrt(sum);
    coef = max_norm / (norm + 1e-6f);
    if (coef < 1.0f) {
        for (size_t i = 0; i < n; i++) {
            g[i] *= coef;
        }
    }
}

/* A new order of this rank's rows: row numbers written as two exact
 * float halves, permuted by nnlite_data_shuffle. */
static nnlite_status shuffle(nnlite__mpi_fit *f)
{
    float *pair = nnlite_tensor_data(f->order);
    const uint64_t seed =
        f->seed ^ ((uint64_t)f->stats.epoch * 0x9e3779b97f4a7c15u);
    for (size_t r = 0; r < f->rows; r++) {
        pair[2 * r] = (float)(r >> 24);
        pair[2 * r + 1] = (float)(r & 0xffffffu);
    }
    return nnlite_data_shuffle(f->order, NULL, seed);
}

static void gather(float *dst, const float *src, const float *pairs,
                   size_t n, size_t cols)
{
    for (size_t i = 0; i < n; i++) {
        const size_t row =
            (size_t)pairs[2 * i] << 24 | (size_t)pairs[2 * i + 1];
        memcpy(dst + i * cols, src + row * cols, cols * sizeof(float));
    }
}

/* Point the batch views at this rank's k-th batch; *n = its rows, 0 once
 * the rank's rows ran out. */
static nnlite_status local_batch(nnlite__mpi_fit *f, size_t k, size_t *n)
{
    const size_t b = f->o.batch_size, start = k * b;
    nnlite_status s;
    *n = 0;
    if (start >= f->rows) {
        return NNLITE_OK;
    }
    *n = f->rows - start < b ? f->rows - start : b;
    if (f->o.shuffle) {
        const float *pairs = nnlite_tensor_const_data(f->order) + 2 * start;
        gather(f->gather_x, f->x, pairs, *n, f->in);
        gather(f->gather_t, f->t, pairs, *n, f->tcols);
        if ((s = nnlite_tensor_rewrap(f->batch_x, f->gather_x, *n)) !=
            NNLITE_OK) {
            return s;
        }
        return nnlite_tensor_rewrap(f->batch_t, f->gather_t, *n);
    }
    if ((s = nnlite_tensor_rewrap_const(f->batch_x, f->x + start * f->in,
                                        *n)) != NNLITE_OK) {
        return s;
    }
    return nnlite_tensor_rewrap_const(f->batch_t, f->t + start * f->tcols,
                                      *n);
}

/* Does any rank say yes? (One exchange.) */
static nnlite_status vote(nnlite__mpi_fit *f, int mine, int *any)
{
    double rec[NNLITE__MPI_FIELDS] = {0.0, (double)(mine != 0)};
    nnlite_status s = nnlite__mpi_exchange(f->mpi, rec, 2, NULL);
    *any = 0;
    for (int r = 0; s == NNLITE_OK && r < f->mpi->size; r++) {
        *any = *any || NNLITE__MPI_RECORD(f->mpi, r)[1] != 0.0;
    }
    return s;
}

/* The gradient hook on the averaged gradients, and the ranks' vote. */
static nnlite_status hook(nnlite__mpi_fit *f, size_t total, int *stop)
{
    int mine = 0;
    if (f->o.gradient_hook != NULL) {
        mine = f->o.gradient_hook(f->model, f->grads, f->count, total,
                                  f->o.gradient_hook_user);
    }
    return vote(f, mine, stop);
}

/* Update k of the epoch; adds the step's rows and loss * rows of all
 * ranks to the sums. */
static nnlite_status step(nnlite__mpi_fit *f, size_t k, double *loss_sum,
                          double *rows_sum, int *stopped)
{
    char why[NNLITE__MPI_MESSAGE] = "";
    double rec[NNLITE__MPI_FIELDS], total = 0.0;
    float loss = 0.0f;
    size_t n;
    nnlite_status s = local_batch(f, k, &n);
    if (s == NNLITE_OK && n > 0) {
        s = nnlite_model_compute_gradients(f->model, f->batch_x, f->batch_t,
                                           &loss);
    }
    nnlite__mpi_format(why, sizeof why, "%s",
                       nnlite_model_last_error(f->model));
    rec[0] = (double)s;
    rec[1] = (double)n;
    rec[2] = (double)loss * (double)n;
    if ((s = nnlite__mpi_exchange(f->mpi, rec, 3, why)) != NNLITE_OK) {
        return s;
    }
    for (int r = 0; r < f->mpi->size; r++) { /* rank order: same sums */
        total += NNLITE__MPI_RECORD(f->mpi, r)[1];
        *loss_sum += NNLITE__MPI_RECORD(f->mpi, r)[2];
    }
    *rows_sum += total;
    if ((s = nnlite__mpi_weighted_sum(f->mpi, f->grads, f->count, n,
                                      (size_t)total)) != NNLITE_OK) {
        return s;
    }
    if (f->any_hook &&
        ((s = hook(f, (size_t)total, stopped)) != NNLITE_OK || *stopped)) {
        return s;
    }
    if (f->o.clip_grad_norm > 0.0f) {
        clip_gradients(f->grads, f->count, f->o.clip_grad_norm);
    }
    /* Same gradients, parameters and state everywhere: an update fails
     * on every rank or none, and each then reports it in the same
     * exchange. */
    if ((s = nnlite_model_apply_gradients(f->model)) != NNLITE_OK) {
        double failed[NNLITE__MPI_FIELDS] = {(double)s};
        return nnlite__mpi_exchange(f->mpi, failed, 1,
                                    nnlite_model_last_error(f->model));
    }
    f->stats.updates++;
    return NNLITE_OK;
}

/* The validation loss over all ranks' validation rows, and what early
 * stopping makes of it (Keras's rule, as nnlite_model_fit). */
static nnlite_status validate(nnlite__mpi_fit *f)
{
    nnlite_epoch_stats *st = &f->stats;
    double rec[NNLITE__MPI_FIELDS], sum = 0.0, rows = 0.0;
    float loss = 0.0f;
    nnlite_status s =
        nnlite_model_evaluate(f->model, f->val_x, f->val_t, &loss);
    rec[0] = (double)s;
    rec[1] = (double)loss * (double)f->vrows;
    rec[2] = (double)f->vrows;
    if ((s = nnlite__mpi_exchange(f->mpi, rec, 3,
                                  nnlite_model_last_error(f->model))) !=
        NNLITE_OK) {
        return s;
    }
    for (int r = 0; r < f->mpi->size; r++) {
        sum += NNLITE__MPI_RECORD(f->mpi, r)[1];
        rows += NNLITE__MPI_RECORD(f->mpi, r)[2];
    }
    st->validation_loss = (float)(sum / rows);
    if (st->best_epoch == 0 ||
        st->validation_loss < st->best_validation_loss - f->o.min_delta) {
        st->best_epoch = st->epoch;
        st->best_validation_loss = st->validation_loss;
        f->bad_epochs = 0;
        if (f->best != NULL) {
            memcpy(f->best, nnlite_model_params(f->model),
                   f->count * sizeof(float));
        }
        f->best_updates = st->updates;
    } else {
        f->bad_epochs++;
    }
    return NNLITE_OK;
}

/* The updates of one epoch; *loss = their mean loss over all rows. */
static nnlite_status updates(nnlite__mpi_fit *f, double *loss, int *stopped)
{
    double loss_sum = 0.0, rows_sum = 0.0;
    nnlite_status s;
    if (f->o.shuffle && (s = shuffle(f)) != NNLITE_OK) {
        return s;
    }
    for (size_t k = 0; k < f->steps; k++) {
        if ((s = step(f, k, &loss_sum, &rows_sum, stopped)) != NNLITE_OK ||
            *stopped) {
            return s;
        }
    }
    *loss = loss_sum / rows_sum;
    return NNLITE_OK;
}

nnlite_status nnlite__mpi_fit_epoch(nnlite__mpi_fit *f)
{
    nnlite_optimizer *opt = nnlite_model_get_optimizer(f->model);
    nnlite_epoch_stats *st = &f->stats;
    double train_loss = 0.0;
    int stopped = 0, any = 0;
    nnlite_status s;

    if (f->o.schedule.kind != NNLITE_LR_CONSTANT) {
        (void)nnlite_optimizer_set_learning_rate(
            opt, nnlite__mpi_schedule_rate(&f->schedule, st->epoch));
    }
    st->learning_rate = nnlite_optimizer_get_learning_rate(opt);
    st->epoch++;
    if ((s = updates(f, &train_loss, &stopped)) != NNLITE_OK) {
        return s;
    }
    if (stopped) {
        st->stop = NNLITE_FIT_HOOK_STOPPED;
        return NNLITE_OK;
    }
    f->epochs_run = st->epoch;
    st->train_loss = (float)train_loss;
    if (f->validate && (s = validate(f)) != NNLITE_OK) {
        return s;
    }
    if (f->o.patience > 0 && f->bad_epochs >= f->o.patience) {
        st->stop = NNLITE_FIT_EARLY_STOPPED;
    } else if (st->epoch == f->o.epochs) {
        st->stop = NNLITE_FIT_COMPLETED;
    }
    if ((s = vote(f, f->callback != NULL && f->callback(st, f->user) != 0,
                  &any)) != NNLITE_OK) {
        return s;
    }
    if (any && st->stop == NNLITE_FIT_RUNNING) {
        st->stop = NNLITE_FIT_CALLBACK_STOPPED;
    }
    nnlite__mpi_schedule_observe(&f->schedule, f->validate
                                                   ? st->validation_loss
                                                   : st->train_loss);
    return NNLITE_OK;
}
