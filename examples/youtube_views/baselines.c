#include "baselines.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LAD_WINDOW 56

const model_spec baseline_specs[BASELINE_COUNT] = {
    {"naive-1d", "yesterday's views", 1, NO_ACTIVATION, 0, 0, (double)NAN,
     (double)NAN},
    {"seasonal-7d", "views a week before", 7, NO_ACTIVATION, 0, 0,
     (double)NAN, (double)NAN},
    {"lad-56d", "exact LAD fit, 56 days", LAD_WINDOW, NO_ACTIVATION, 0, 0,
     (double)NAN, (double)NAN},
};

/* Raw features of rows [0, rows): the `window` days before each. */
static double *raw_features(const views_series *series,
                            const window_set *set, size_t rows,
                            size_t window)
{
    double *x = malloc((rows ? rows : 1) * window * sizeof *x);
    for (size_t i = 0; x && i < rows; i++) {
        memcpy(x + i * window, series->views + set->row[i] - window,
               window * sizeof *x);
    }
    return x;
}

int baselines_lad(double *coef, lad_certificate *cert,
                  const views_series *series, const window_set *set,
                  size_t rows, size_t window)
{
    double *x = raw_features(series, set, rows, window);
    int status = x ? lad_fit(coef, cert, x, set->views, rows, window) : -1;
    free(x);
    return status;
}

/* A baseline's prediction for the sample predicting series row `row`. */
static double predict(int kind, const double *coef,
                      const views_series *series, size_t row)
{
    const double *v = series->views;
    if (kind == NAIVE_1D) {
        return v[row - 1];
    }
    if (kind == SEASONAL_7D) {
        return v[row - 7];
    }
    double f = coef[LAD_WINDOW];
    for (size_t j = 0; j < LAD_WINDOW; j++) {
        f += coef[j] * v[row - LAD_WINDOW + j];
    }
    return f > 0.0 ? f : 0.0;
}

/* MAE over samples [first, last) of `set`; predictions kept if asked. */
static double mae(int kind, const double *coef, const views_series *series,
                  const window_set *set, size_t first, size_t last,
                  double *predictions)
{
    double sum = 0.0;
    for (size_t i = first; i < last; i++) {
        double p = predict(kind, coef, series, set->row[i]);
        sum += fabs(p - set->views[i]);
        if (predictions) {
            predictions[i - first] = p;
        }
    }
    return last > first ? sum / (double)(last - first) : (double)NAN;
}

static int score(model_result *r, int kind, const double *fit_coef,
                 const double *coef, const views_series *series,
                 const sample_split *s)
{
    const window_set *train = &s->training, *test = &s->test;
    memset(r, 0, sizeof *r);
    r->test_predictions = malloc((test->count ? test->count : 1) *
                                 sizeof *r->test_predictions);
    if (!r->test_predictions) {
        return -1;
    }
    r->validation_mae = mae(kind, fit_coef, series, train, s->fit_count,
                            train->count, NULL);
    r->train_mae = mae(kind, coef, series, train, 0, train->count, NULL);
    r->test_mae = mae(kind, coef, series, test, 0, test->count,
                      r->test_predictions);
    return 0;
}

int baselines_run(model_result out[BASELINE_COUNT], lad_certificate *cert,
                  const views_series *series, const sample_split *samples)
{
    double fit_coef[LAD_WINDOW + 1], coef[LAD_WINDOW + 1];
    lad_certificate first;
    memset(out, 0, BASELINE_COUNT * sizeof *out);
    if (baselines_lad(fit_coef, &first, series, &samples->training,
                      samples->fit_count, LAD_WINDOW) != 0 ||
        baselines_lad(coef, cert, series, &samples->training,
                      samples->training.count, LAD_WINDOW) != 0) {
        return -1;
    }
    for (int k = 0; k < BASELINE_COUNT; k++) {
        if (score(&out[k], k, fit_coef, coef, series, samples) != 0) {
            return -1;
        }
    }
    return 0;
}
