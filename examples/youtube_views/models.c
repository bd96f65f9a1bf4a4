/*
 * models: one nnlite model per study entry; the only file of the example
 * that calls the library. Every number leaving it is in views (decoded by
 * transform.h), except the loss curves.
 */
#include "models.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "least_squares.h"

/* Per-epoch losses, filled by the epoch callback. */
typedef struct recorder {
    double *train;      /* NULL: not recorded */
    double *validation;
    size_t count;
    size_t capacity;
} recorder;

static int record_epoch(const nnlite_epoch_stats *stats, void *user)
{
    recorder *r = user;
    if (r->count < r->capacity) {
        if (r->train) {
            r->train[r->count] = (double)stats->train_loss;
        }
        r->validation[r->count] = (double)stats->validation_loss;
        r->count++;
    }
    return 0;
}

static double seconds_now(void)
{
    struct timespec t;
    if (timespec_get(&t, TIME_UTC) != TIME_UTC) {
        return 0.0;
    }
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Append a layer of `kind` (dense when in/out are given). */
static nnlite_status add_layer(nnlite_model *m, nnlite_layer_kind kind,
                               size_t in, size_t out)
{
    nnlite_layer_spec spec = {kind, in, out, 0.0f};
    nnlite_layer *layer = NULL;
    nnlite_status s = nnlite_layer_create_advanced(&layer, &spec, NULL);
    return s != NNLITE_OK ? s : nnlite_model_add(m, layer);
}

/* window inputs -> depth x (dense, activation) -> dense -> 1 output. */
static nnlite_status build(nnlite_model *m, const model_spec *spec,
                           const training_plan *plan)
{
    nnlite_status s = NNLITE_OK;
    size_t in = spec->window;
    for (size_t i = 0; s == NNLITE_OK && i < spec->depth; i++) {
        s = add_layer(m, NNLITE_LAYER_DENSE, in, spec->width);
        if (s == NNLITE_OK) {
            s = add_layer(m, spec->activation, 0, 0);
        }
        in = spec->width;
    }
    if (s == NNLITE_OK) {
        s = add_layer(m, NNLITE_LAYER_DENSE, in, 1);
    }
    nnlite_loss *loss = NULL;
    if (s == NNLITE_OK && (s = nnlite_loss_mae_create(&loss)) == NNLITE_OK) {
        s = nnlite_model_set_loss(m, loss);
    }
    nnlite_optimizer *opt = NULL;
    if (s == NNLITE_OK &&
        (s = nnlite_optimizer_create(&opt, &plan->optimizer)) == NNLITE_OK) {
        s = nnlite_model_set_optimizer(m, opt);
    }
    return s;
}

/* A linear model's starting point: the least-squares fit on the first
 * `rows` samples (its parameters are W [1, window], then b). */
static nnlite_status start_linear(nnlite_model *m, const encoded_set *set,
                                  size_t rows)
{
    size_t p = set->window;
    double *x = malloc(rows * p * sizeof *x), *y = malloc(rows * sizeof *y);
    double *coef = malloc((p + 1) * sizeof *coef);
    float *params = nnlite_model_params(m);
    nnlite_status s = NNLITE_ENOMEM;
    if (x && y && coef && params) {
        for (size_t i = 0; i < rows * p; i++) {
            x[i] = (double)set->x[i];
        }
        for (size_t i = 0; i < rows; i++) {
            y[i] = (double)set->y[i];
        }
        s = NNLITE_ENUMERIC;
        if (least_squares_fit(coef, x, y, NULL, rows, p, 1e-12) == 0) {
            for (size_t j = 0; j <= p; j++) {
                params[j] = (float)coef[j];
            }
            s = NNLITE_OK;
        }
    }
    free(x);
    free(y);
    free(coef);
    return s;
}

/* A fresh model of `spec`, linear ones at their least-squares start. */
static nnlite_status create(nnlite_model **m, const model_spec *spec,
                            const training_plan *plan,
                            const encoded_set *set, size_t rows)
{
    nnlite_status s = nnlite_model_create(m, spec->window, plan->seed);
    if (s == NNLITE_OK) {
        s = build(*m, spec, plan);
    }
    if (s == NNLITE_OK && spec->depth == 0) {
        s = start_linear(*m, set, rows);
    }
    return s;
}

/* MAE in views of rows [first, first + rows) of `set`; their predicted
 * views go to `predictions` when it is not NULL. */
static nnlite_status measure(nnlite_model *m, const transform *t,
                             const encoded_set *set, const double *views,
                             size_t first, size_t rows, double *predictions,
                             double *mae)
{
    float *z = malloc((rows ? rows : 1) * sizeof *z);
    nnlite_status s = z ? NNLITE_OK : NNLITE_ENOMEM;
    if (s == NNLITE_OK && rows > 0) {
        s = nnlite_model_predict(m, set->x + first * set->window, rows, z);
    }
    double sum = 0.0;
    for (size_t i = 0; s == NNLITE_OK && i < rows; i++) {
        double v = transform_decode(t, (double)z[i],
                                    set->offset[first + i]);
        sum += fabs(v - views[first + i]);
        if (predictions) {
            predictions[i] = v;
        }
    }
    *mae = rows > 0 ? sum / (double)rows : (double)NAN;
    free(z);
    return s;
}

/* Rows [0, rows) of `set` as tensors (wrapped, not copied). */
static nnlite_status wrap(nnlite_tensor **x, nnlite_tensor **y,
                          const encoded_set *set)
{
    nnlite_status s = nnlite_tensor_wrap2d(x, set->x, set->count,
                                           set->window);
    return s != NNLITE_OK ? s : nnlite_tensor_wrap2d(y, set->y, set->count,
                                                     1);
}

/* The first fit: rows before the validation period, early stopping on
 * the rest, the best epoch's parameters restored. */
static nnlite_status fit_and_validate(nnlite_model *m,
                                      const training_plan *plan,
                                      const model_data *d, recorder *rec,
                                      size_t *best_epoch)
{
    nnlite_tensor *x = NULL, *y = NULL;
    nnlite_status s = wrap(&x, &y, d->training);
    if (s == NNLITE_OK) {
        nnlite_fit_result result = NNLITE_FIT_RESULT_INIT;
        nnlite_fit_options fit = NNLITE_FIT_OPTIONS_INIT;
        fit.epochs = plan->max_epochs;
        fit.batch_size = plan->batch_size;
        fit.row_count = d->fit_count;
        fit.validation_x = x;
        fit.validation_target = y;
        fit.validation_first_row = d->fit_count;
        fit.validation_row_count = d->training->count - d->fit_count;
        fit.patience = plan->patience;
        fit.restore_best = 1;
        fit.result = &result;
        s = nnlite_model_fit(m, x, y, &fit, record_epoch, rec);
        *best_epoch = result.best_epoch;
    }
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(y);
    return s;
}

/* The refit on every training day, recording the test loss per epoch. */
static nnlite_status refit(nnlite_model *m, const training_plan *plan,
                           const model_data *d, size_t epochs,
                           recorder *rec)
{
    nnlite_tensor *x = NULL, *y = NULL, *tx = NULL, *ty = NULL;
    nnlite_status s = wrap(&x, &y, d->training);
    if (s == NNLITE_OK && d->test->count > 0) {
        s = wrap(&tx, &ty, d->test);
    }
    if (s == NNLITE_OK) {
        nnlite_fit_options fit = NNLITE_FIT_OPTIONS_INIT;
        fit.epochs = epochs;
        fit.batch_size = plan->batch_size;
        fit.validation_x = tx;
        fit.validation_target = ty;
        s = nnlite_model_fit(m, x, y, &fit, record_epoch, rec);
    }
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(y);
    nnlite_tensor_destroy(tx);
    nnlite_tensor_destroy(ty);
    return s;
}

static int allocate_result(model_result *r, const training_plan *plan,
                           const model_data *d)
{
    size_t n = plan->max_epochs;
    r->train_curve = malloc(n * sizeof *r->train_curve);
    r->validation_curve = malloc(n * sizeof *r->validation_curve);
    r->test_curve = malloc(n * sizeof *r->test_curve);
    r->test_predictions =
        malloc((d->test->count ? d->test->count : 1) * sizeof(double));
    return r->train_curve && r->validation_curve && r->test_curve &&
                   r->test_predictions
               ? 0
               : -1;
}

/* Both fits and the measurements; `*failed` is the model that failed. */
static nnlite_status train_and_measure(model_result *out,
                                       const model_spec *spec,
                                       const training_plan *plan,
                                       const model_data *d,
                                       nnlite_model **failed)
{
    const encoded_set *set = d->training;
    size_t validation_rows = set->count - d->fit_count;
    recorder first = {out->train_curve, out->validation_curve, 0,
                      plan->max_epochs};
    recorder second = {NULL, out->test_curve, 0, plan->max_epochs};
    nnlite_model *m = NULL;
    nnlite_status s = create(&m, spec, plan, set, d->fit_count);
    if (s == NNLITE_OK) {
        s = fit_and_validate(m, plan, d, &first, &out->best_epoch);
    }
    out->epochs = first.count;
    if (s == NNLITE_OK) {
        s = measure(m, d->transform, set, d->training_views, d->fit_count,
                    validation_rows, NULL, &out->validation_mae);
    }
    if (s == NNLITE_OK && plan->refit) { /* same seed, from the start */
        nnlite_model_destroy(m);
        m = NULL;
        s = create(&m, spec, plan, set, set->count);
        if (s == NNLITE_OK) {
            s = refit(m, plan, d, out->best_epoch ? out->best_epoch : 1,
                      &second);
        }
        out->refit_epochs = second.count;
    }
    if (s == NNLITE_OK) {
        s = measure(m, d->transform, set, d->training_views, 0, set->count,
                    NULL, &out->train_mae);
    }
    if (s == NNLITE_OK) {
        s = measure(m, d->transform, d->test, d->test_views, 0,
                    d->test->count, out->test_predictions, &out->test_mae);
    }
    *failed = m;
    return s;
}

int model_run(model_result *out, const model_spec *spec,
              const training_plan *plan, const model_data *data,
              char *error, size_t error_size)
{
    double start = seconds_now();
    nnlite_model *m = NULL;
    memset(out, 0, sizeof *out);
    if (allocate_result(out, plan, data) != 0) {
        snprintf(error, error_size, "%s: out of memory", spec->name);
        return -1;
    }
    nnlite_status s = train_and_measure(out, spec, plan, data, &m);
    if (s != NNLITE_OK) {
        snprintf(error, error_size, "%s: %s (%s)", spec->name,
                 nnlite_status_string(s), nnlite_model_last_error(m));
    }
    nnlite_model_destroy(m);
    out->seconds = seconds_now() - start;
    return s == NNLITE_OK ? 0 : -1;
}

void model_result_free(model_result *result)
{
    if (!result) {
        return;
    }
    free(result->train_curve);
    free(result->validation_curve);
    free(result->test_curve);
    free(result->test_predictions);
    memset(result, 0, sizeof *result);
}
