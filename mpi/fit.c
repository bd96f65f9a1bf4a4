/* nnlite_mpi_fit: every rank checks its options and sizes its buffers
 * (through a nnlite_model_fit stopped before its first update), the
 * ranks agree on the shape of the run, then run epochs in step. */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "fit_impl.h"

/* Stops the check-and-size fit before its first update. */
static int stop_at_once(nnlite_model *model, float *grads, size_t count,
                        size_t rows, void *user)
{
    (void)model;
    (void)grads;
    (void)count;
    (void)rows;
    (void)user;
    return 1;
}

/* The caller's options as this version: an older struct is shorter, so
 * only its fields are read and the rest keep their defaults (as
 * nnlite_model_fit reads them). */
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

/* nnlite_model_fit's own checks of the options and data, and every
 * buffer it sizes (batches, validation chunks, optimizer state). */
static nnlite_status check_and_size(nnlite__mpi_fit *f,
                                    const nnlite_tensor *x,
                                    const nnlite_tensor *target)
{
    nnlite_fit_options pre = f->o;
    /* An older struct was read into this version's defaults; any other
     * version goes to nnlite_model_fit as it came, to be refused. */
    pre.version = f->o.version >= 1 && f->o.version < NNLITE_FIT_OPTIONS_VERSION
                      ? NNLITE_FIT_OPTIONS_VERSION
                      : f->o.version;
    pre.gradient_hook = stop_at_once;
    pre.gradient_hook_user = NULL;
    pre.result = NULL;
    return nnlite_model_fit(f->model, x, target, &pre, NULL, NULL);
}

/* The rows the options select (already checked by nnlite_model_fit). */
static void resolve_rows(nnlite__mpi_fit *f, const nnlite_tensor *x,
                         const nnlite_tensor *target)
{
    nnlite_fit_options *o = &f->o;
    const nnlite_tensor *vx = o->validation_x, *vt = o->validation_target;
    size_t first = o->first_row, rows = o->row_count;
    f->in = nnlite_tensor_dim(x, 1);
    f->tcols = nnlite_tensor_dim(target, 1);
    if (rows == 0) {
        rows = nnlite_tensor_dim(x, 0) - first;
    }
    f->x = nnlite_tensor_const_data(x) + first * f->in;
    f->t = nnlite_tensor_const_data(target) + first * f->tcols;
    f->rows = rows;
    if (o->validation_split > 0.0f) { /* the last rows, as fit splits */
        f->rows = rows - (size_t)floor((double)rows *
                                           (double)o->validation_split +
                                       0.5);
        f->vx = f->x + f->rows * f->in;
        f->vt = f->t + f->rows * f->tcols;
        f->vrows = rows - f->rows;
    } else if (vx != NULL) {
        f->vrows = o->validation_row_count != 0
                       ? o->validation_row_count
                       : nnlite_tensor_dim(vx, 0) - o->validation_first_row;
        f->vx = nnlite_tensor_const_data(vx) +
                o->validation_first_row * f->in;
        f->vt = nnlite_tensor_const_data(vt) +
                o->validation_first_row * f->tcols;
    }
}

/* A read-only [rows, cols] view through the context's allocator. */
static int view(const nnlite__mpi_fit *f, nnlite_tensor **out,
                const float *data, size_t rows, size_t cols)
{
    const size_t shape[2] = {rows, cols};
    return nnlite_tensor_wrap_const_advanced(out, data, 2, shape,
                                             &f->mpi->allocator) ==
           NNLITE_OK;
}

/* With shuffle: the row order and the gathered batch. */
static int shuffle_buffers(nnlite__mpi_fit *f, size_t batch)
{
    const size_t shape[2] = {f->rows, 2};
    return nnlite_tensor_create_advanced(&f->order, 2, shape,
                                         &f->mpi->allocator) == NNLITE_OK &&
           (f->gather_x = nnlite__mpi_alloc(f->mpi, batch * f->in,
                                            sizeof(float))) != NULL &&
           (f->gather_t = nnlite__mpi_alloc(f->mpi, batch * f->tcols,
                                            sizeof(float))) != NULL;
}

/* Views, shuffle buffers, the best parameters, the ring's buffer; every
 * one through the context's allocator. */
static nnlite_status allocate(nnlite__mpi_fit *f, char *why, size_t size)
{
    const size_t b = f->o.batch_size < f->rows ? f->o.batch_size : f->rows;
    f->grads = nnlite_model_grads(f->model);
    f->count = nnlite_model_param_count(f->model);
    if (!view(f, &f->batch_x, f->x, 1, f->in) ||
        !view(f, &f->batch_t, f->t, 1, f->tcols) ||
        (f->vrows > 0 && (!view(f, &f->val_x, f->vx, f->vrows, f->in) ||
                          !view(f, &f->val_t, f->vt, f->vrows, f->tcols))) ||
        (f->o.shuffle && !shuffle_buffers(f, b)) ||
        (f->o.restore_best &&
         (f->best = nnlite__mpi_alloc(f->mpi, f->count, sizeof(float))) ==
             NULL)) {
        nnlite__mpi_format(why, size, "out of memory for the fit's buffers");
        return NNLITE_ENOMEM;
    }
    return nnlite__mpi_reserve_ring(f->mpi, f->count, why, size);
}

static void release(nnlite__mpi_fit *f)
{
    nnlite_tensor_destroy(f->batch_x);
    nnlite_tensor_destroy(f->batch_t);
    nnlite_tensor_destroy(f->val_x);
    nnlite_tensor_destroy(f->val_t);
    nnlite_tensor_destroy(f->order);
    nnlite__mpi_free(f->mpi, f->gather_x);
    nnlite__mpi_free(f->mpi, f->gather_t);
    nnlite__mpi_free(f->mpi, f->best);
}

/* This rank's part of the run, set up; or why not. */
static nnlite_status prepare(nnlite__mpi_fit *f, const nnlite_tensor *x,
                             const nnlite_tensor *target, char *why,
                             size_t size)
{
    nnlite_status s;
    if (f->model == NULL) {
        nnlite__mpi_format(why, size, "model is NULL");
        return NNLITE_EINVAL;
    }
    if ((s = check_and_size(f, x, target)) != NNLITE_OK) {
        nnlite__mpi_format(why, size, "%s", nnlite_model_last_error(f->model));
        return s;
    }
    resolve_rows(f, x, target);
    return allocate(f, why, size);
}

/* Do the ranks' records agree on what decides when the run stops (so
 * that all stop together)? Sets the steps per epoch and whether any rank
 * has a hook. */
static nnlite_status agree_on_run(nnlite__mpi_fit *f)
{
    const double *zero = NNLITE__MPI_RECORD(f->mpi, 0);
    f->steps = 0;
    f->any_hook = 0;
    for (int r = 0; r < f->mpi->size; r++) {
        const double *rec = NNLITE__MPI_RECORD(f->mpi, r);
        if (rec[1] != zero[1] || rec[2] != zero[2] || rec[5] != zero[5] ||
            rec[6] != zero[6]) {
            return nnlite__mpi_fail(
                f->mpi, NNLITE_EINVAL,
                "rank %d disagrees with rank 0 (epochs %.0f and %.0f, "
                "validation set %s and %s, patience %.0f and %.0f, "
                "min_delta %g and %g): give every rank the same",
                r, rec[1], zero[1], rec[2] != 0.0 ? "yes" : "no",
                zero[2] != 0.0 ? "yes" : "no", rec[5], zero[5], rec[6],
                zero[6]);
        }
        f->steps = (size_t)rec[3] > f->steps ? (size_t)rec[3] : f->steps;
        f->any_hook = f->any_hook || rec[4] != 0.0;
    }
    f->validate = zero[2] != 0.0;
    return NNLITE_OK;
}

static void report(nnlite__mpi_fit *f)
{
    nnlite_fit_result *r = f->o.result;
    const int any = f->epochs_run > 0;
    if (r == NULL) {
        return;
    }
    r->stop = f->stats.stop;
    r->epochs_run = f->epochs_run;
    r->updates = f->stats.updates;
    r->best_epoch = f->stats.best_epoch;
    r->best_validation_loss = f->stats.best_validation_loss;
    r->train_loss = any ? f->stats.train_loss : NAN;
    r->validation_loss = any ? f->stats.validation_loss : NAN;
    r->learning_rate = nnlite_optimizer_get_learning_rate(
        nnlite_model_get_optimizer(f->model));
    r->restored_best = f->restored_best;
}

static nnlite_status run(nnlite__mpi_fit *f)
{
    nnlite_optimizer *opt = nnlite_model_get_optimizer(f->model);
    nnlite_status s = NNLITE_OK;
    f->stats.epochs = f->o.epochs;
    f->stats.model = f->model;
    nnlite__mpi_schedule_start(&f->schedule, &f->o.schedule,
                               nnlite_optimizer_get_learning_rate(opt),
                               f->o.epochs);
    /* The shuffles' seed: the run so far, and the rank. */
    f->seed = (uint64_t)nnlite_optimizer_step_count(opt) *
                  0xbf58476d1ce4e5b9u +
              (uint64_t)f->mpi->rank * 0x94d049bb133111ebu + 1u;
    while (f->stats.stop == NNLITE_FIT_RUNNING &&
           (s = nnlite__mpi_fit_epoch(f)) == NNLITE_OK) {
    }
    if (s != NNLITE_OK) {
        f->stats.stop = NNLITE_FIT_FAILED;
        return s;
    }
    /* Updates after the best epoch are undone, as nnlite_model_fit does;
     * every rank holds the same copy. */
    if (f->best != NULL && f->stats.best_epoch != 0 &&
        f->stats.updates != f->best_updates) {
        memcpy(nnlite_model_params(f->model), f->best,
               f->count * sizeof(float));
        f->restored_best = 1;
    }
    return NNLITE_OK;
}

nnlite_status nnlite_mpi_fit(nnlite_mpi *mpi, nnlite_model *model,
                             const nnlite_tensor *x,
                             const nnlite_tensor *target,
                             const nnlite_fit_options *options,
                             nnlite_epoch_callback callback, void *user)
{
    char why[NNLITE__MPI_MESSAGE] = "";
    double rec[NNLITE__MPI_FIELDS];
    nnlite__mpi_fit f;
    nnlite_status s;
    if (mpi == NULL) {
        return NNLITE_EINVAL;
    }
    memset(&f, 0, sizeof f);
    f.mpi = mpi;
    f.model = model;
    f.callback = callback;
    f.user = user;
    f.stats.validation_loss = NAN;
    f.stats.best_validation_loss = NAN;
    read_options(&f.o, options);
    s = prepare(&f, x, target, why, sizeof why);
    rec[0] = (double)s;
    rec[1] = (double)f.o.epochs;
    rec[2] = (double)(f.vrows > 0);
    rec[3] = f.rows == 0 ? 0.0
                         : (double)((f.rows + f.o.batch_size - 1) /
                                    f.o.batch_size);
    rec[4] = (double)(f.o.gradient_hook != NULL);
    rec[5] = (double)f.o.patience;
    rec[6] = (double)f.o.min_delta;
    if ((s = nnlite__mpi_exchange(mpi, rec, 7, why)) == NNLITE_OK &&
        (s = agree_on_run(&f)) == NNLITE_OK) {
        s = run(&f);
    } else {
        f.stats.stop = NNLITE_FIT_FAILED;
    }
    if (model != NULL && f.o.version >= 2 &&
        f.o.version <= NNLITE_FIT_OPTIONS_VERSION) {
        report(&f); /* structs from version 2 on have a result pointer */
    }
    release(&f);
    return s;
}
