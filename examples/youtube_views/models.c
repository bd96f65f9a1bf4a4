/*
 * models: one nnlite model per study entry. Inputs and targets are
 * normalised (windows.h), so the model learns z(tomorrow) from z(past
 * days); every number leaving this file is back in views:
 * views = mean + std * z, and an MAE in z times std is the MAE in views.
 */
#include "models.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Per-epoch losses, filled by the epoch callback. */
typedef struct recorder {
    double *train;
    double *test;
    size_t count;
    size_t capacity;
    double scale; /* the normaliser's std: z units to views */
} recorder;

static int record_epoch(const nnlite_epoch_stats *stats, void *user)
{
    recorder *r = user;
    if (r->count < r->capacity) {
        r->train[r->count] = (double)stats->train_loss * r->scale;
        r->test[r->count] = (double)stats->validation_loss * r->scale;
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

/* Predict every sample of `set` in views; *mae gets the MAE in views. */
static nnlite_status predict(nnlite_model *m, const window_set *set,
                             const normaliser *norm, double *predictions,
                             double *mae)
{
    nnlite_tensor *x = NULL, *y = NULL;
    nnlite_status s = nnlite_tensor_wrap2d(&x, set->x, set->count,
                                           set->window);
    if (s == NNLITE_OK) {
        s = nnlite_tensor_create2d(&y, set->count, 1);
    }
    if (s == NNLITE_OK) {
        s = nnlite_model_forward(m, x, y);
    }
    if (s == NNLITE_OK) {
        const float *z = nnlite_tensor_const_data(y);
        double sum = 0.0;
        for (size_t i = 0; i < set->count; i++) {
            double p = norm->mean + norm->std * (double)z[i];
            sum += fabs(p - set->views[i]);
            if (predictions) {
                predictions[i] = p;
            }
        }
        *mae = sum / (double)set->count;
    }
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(y);
    return s;
}

/* Fit on the training set, with the test set as fit's validation set
 * only so that the callback can record its loss after every epoch. */
static nnlite_status train(nnlite_model *m, const training_plan *plan,
                           const window_set *train_set,
                           const window_set *test_set, recorder *rec)
{
    nnlite_tensor *x = NULL, *y = NULL, *tx = NULL, *ty = NULL;
    nnlite_status s = nnlite_tensor_wrap2d(&x, train_set->x, train_set->count,
                                           train_set->window);
    if (s == NNLITE_OK) {
        s = nnlite_tensor_wrap2d(&y, train_set->y, train_set->count, 1);
    }
    if (s == NNLITE_OK) {
        s = nnlite_tensor_wrap2d(&tx, test_set->x, test_set->count,
                                 test_set->window);
    }
    if (s == NNLITE_OK) {
        s = nnlite_tensor_wrap2d(&ty, test_set->y, test_set->count, 1);
    }
    if (s == NNLITE_OK) {
        nnlite_fit_options fit = NNLITE_FIT_OPTIONS_INIT;
        fit.epochs = plan->epochs;
        fit.batch_size = plan->batch_size;
        fit.shuffle = 1;
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

/* A linear model z = b' + sum w_i z_i in views: with z = (v - mean) / std,
 * v = mean + std b' - mean sum w_i + sum w_i v_i. The weights stay. */
static int linear_in_views(model_result *r, nnlite_model *m, size_t window,
                           const normaliser *norm)
{
    const float *p = nnlite_model_params(m);
    r->weights = malloc(window * sizeof *r->weights);
    if (!p || !r->weights) {
        return -1;
    }
    double weight_sum = 0.0;
    for (size_t i = 0; i < window; i++) {
        r->weights[i] = (double)p[i]; /* W is [1, window]: W[0][i] */
        weight_sum += r->weights[i];
    }
    r->bias = norm->mean + norm->std * (double)p[window] -
              norm->mean * weight_sum;
    return 0;
}

static int allocate_result(model_result *r, const training_plan *plan,
                           const window_set *test, recorder *rec)
{
    r->train_curve = malloc(plan->epochs * sizeof *r->train_curve);
    r->test_curve = malloc(plan->epochs * sizeof *r->test_curve);
    r->test_predictions = malloc(test->count * sizeof *r->test_predictions);
    rec->train = r->train_curve;
    rec->test = r->test_curve;
    rec->capacity = plan->epochs;
    return r->train_curve && r->test_curve && r->test_predictions ? 0 : -1;
}

int model_run(model_result *out, const model_spec *spec,
              const training_plan *plan, const window_set *train_set,
              const window_set *test_set, const normaliser *norm,
              char *error, size_t error_size)
{
    double start = seconds_now();
    recorder rec = {NULL, NULL, 0, 0, norm->std};
    nnlite_model *m = NULL;
    memset(out, 0, sizeof *out);
    if (allocate_result(out, plan, test_set, &rec) != 0) {
        snprintf(error, error_size, "%s: out of memory", spec->name);
        return -1;
    }
    nnlite_status s = nnlite_model_create(&m, spec->window, plan->seed);
    if (s == NNLITE_OK) {
        s = build(m, spec, plan);
    }
    if (s == NNLITE_OK) {
        s = train(m, plan, train_set, test_set, &rec);
    }
    out->epochs = rec.count;
    if (s == NNLITE_OK) {
        s = predict(m, train_set, norm, NULL, &out->train_mae);
    }
    if (s == NNLITE_OK) {
        s = predict(m, test_set, norm, out->test_predictions,
                    &out->test_mae);
    }
    if (s == NNLITE_OK && spec->depth == 0 &&
        linear_in_views(out, m, spec->window, norm) != 0) {
        s = NNLITE_ENOMEM;
    }
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
    free(result->test_curve);
    free(result->test_predictions);
    free(result->weights);
    memset(result, 0, sizeof *result);
}
