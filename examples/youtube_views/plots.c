/*
 * plots: each chart is made, saved and freed here; the caller only says
 * which model to draw.
 */
#include "plots.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "svg_plot.h"

#define ZOOM_DAYS 56 /* 8 weeks: the weekly cycle stays readable */

/* Save and free the charts (right may be NULL); -1 when one is NULL or
 * saving fails. */
static int save(svg_plot *left, svg_plot *right, int pair, const char *dir,
                const char *kind, const char *name, int failed)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s_%s.svg", dir, kind, name);
    errno = 0;
    failed |= !left || (pair && !right);
    if (!failed) {
        failed = (pair ? svg_plot_save_pair(left, right, path)
                       : svg_plot_save(left, path)) != 0;
    }
    svg_plot_destroy(left);
    svg_plot_destroy(right);
    if (failed) {
        fprintf(stderr, "could not write %s: %s\n", path,
                errno ? strerror(errno) : "out of memory");
        return -1;
    }
    printf("wrote %s\n", path);
    return 0;
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The q-quantile (0..1) of n finite values; NaN for none. */
static double quantile(const double *values, size_t n, double q)
{
    double *sorted = malloc((n ? n : 1) * sizeof *sorted);
    size_t m = 0;
    for (size_t i = 0; sorted && i < n; i++) {
        if (isfinite(values[i])) {
            sorted[m++] = values[i];
        }
    }
    double result = (double)NAN;
    if (m > 0) {
        qsort(sorted, m, sizeof *sorted, compare_doubles);
        result = sorted[(size_t)(q * (double)(m - 1) + 0.5)];
    }
    free(sorted);
    return result;
}

/* A y range for the bulk of the values: from the 1st to the 98th
 * percentile of `actual`, with a margin; the rest is marked as spikes. */
static void robust_range(svg_plot *p, const double *actual, size_t n)
{
    double lo = quantile(actual, n, 0.01), hi = quantile(actual, n, 0.98);
    double margin = 0.15 * (hi - lo);
    svg_plot_set_y_range(p, fmax(0.0, lo - margin), hi + margin);
}

/*
 * Days [first, last) of the test set as x (days since `origin`), actual
 * and predicted values, with a NaN row wherever days are missing, so
 * that lines break there instead of bridging the gap. Returns the rows.
 */
static size_t with_breaks(const window_set *test, const double *predicted,
                          size_t first, size_t last, double *x, double *a,
                          double *p)
{
    size_t n = 0;
    for (size_t i = first; i < last; i++) {
        if (i > first && test->day[i] - test->day[i - 1] > 1) {
            x[n] = a[n] = p[n] = (double)NAN;
            n++;
        }
        x[n] = (double)(test->day[i] - test->day[0]);
        a[n] = test->views[i];
        p[n] = predicted[i];
        n++;
    }
    return n;
}

/* One panel: actual and predicted over days [first, last). */
static svg_plot *panel(const char *title, const char *value_name,
                       const window_set *test, const double *predicted,
                       size_t first, size_t last)
{
    char x_label[64], origin[DATE_TEXT_SIZE];
    size_t cap = 2 * (last - first) + 1;
    double *x = malloc(cap * sizeof *x), *a = malloc(cap * sizeof *a);
    double *p = malloc(cap * sizeof *p);
    date_format(test->day[0], origin);
    snprintf(x_label, sizeof x_label, "days since %s", origin);
    svg_plot *plot = svg_plot_create(title, x_label, value_name);
    int failed = !x || !a || !p || !plot;
    if (!failed) {
        size_t n = with_breaks(test, predicted, first, last, x, a, p);
        failed = svg_plot_add_line(plot, x, a, n, "actual", NULL) != 0 ||
                 svg_plot_add_line(plot, x, p, n, "predicted", NULL) != 0;
        robust_range(plot, a, n);
    }
    free(x);
    free(a);
    free(p);
    if (failed) {
        svg_plot_destroy(plot);
        return NULL;
    }
    return plot;
}

int plots_predictions(const char *dir, const model_spec *spec,
                      const model_result *result, const window_set *test,
                      const char *value_name)
{
    char title[160], zoom_title[160];
    size_t zoom_end = 0;
    while (zoom_end < test->count &&
           test->day[zoom_end] - test->day[0] < ZOOM_DAYS) {
        zoom_end++;
    }
    snprintf(title, sizeof title, "%s: predicted and actual", spec->label);
    snprintf(zoom_title, sizeof zoom_title, "the first %d days, closer",
             ZOOM_DAYS);
    svg_plot *year = panel(title, value_name, test, result->test_predictions,
                           0, test->count);
    svg_plot *zoom = panel(zoom_title, value_name, test,
                           result->test_predictions, 0, zoom_end);
    return save(year, zoom, 1, dir, "predictions", spec->name, 0);
}

/* Epochs 1..n as x. */
static double *epoch_numbers(size_t n)
{
    double *x = malloc((n ? n : 1) * sizeof *x);
    for (size_t i = 0; x && i < n; i++) {
        x[i] = (double)(i + 1);
    }
    return x;
}

/* Curves in the units the model trains on: views for scale. */
static double *in_units(const double *curve, size_t n, const transform *t)
{
    double *y = malloc((n ? n : 1) * sizeof *y);
    double factor = t->kind == TRANSFORM_SCALE ? t->std : 1.0;
    for (size_t i = 0; y && i < n; i++) {
        y[i] = curve[i] * factor;
    }
    return y;
}

/* The y range of every curve from the second epoch on. */
static void range_after_first(svg_plot *p, double *const curves[3],
                              const size_t lengths[3])
{
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    for (size_t c = 0; c < 3; c++) {
        for (size_t i = 1; i < lengths[c]; i++) {
            if (isfinite(curves[c][i])) {
                lo = fmin(lo, curves[c][i]);
                hi = fmax(hi, curves[c][i]);
            }
        }
    }
    if (lo < hi) {
        svg_plot_set_y_range(p, lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo));
    }
}

int plots_losses(const char *dir, const model_spec *spec,
                 const model_result *result, const transform *t)
{
    char title[160], y_label[64];
    size_t best = result->best_epoch;
    snprintf(title, sizeof title, "%s: MAE per epoch (%s input)",
             spec->label, transform_name(t->kind));
    snprintf(y_label, sizeof y_label, "%s", t->kind == TRANSFORM_SCALE
             ? "MAE (views)" : "MAE of log1p(views)");
    svg_plot *p = svg_plot_create(title,
                                  "epoch (training: running mean during "
                                  "the epoch; others: after it)", y_label);
    size_t n = result->epochs;
    double *x = epoch_numbers(n);
    size_t refit = result->refit_epochs;
    double *curves[3] = {in_units(result->train_curve, n, t),
                         in_units(result->validation_curve, n, t),
                         in_units(result->test_curve, refit, t)};
    const size_t lengths[3] = {n, n, refit};
    int failed = !x || !curves[0] || !curves[1] || !curves[2] || n == 0;
    if (p && !failed) {
        double best_x = (double)best;
        double best_y = best > 0 ? curves[1][best - 1] : (double)NAN;
        failed = svg_plot_add_line(p, x, curves[0], n, "training (during)",
                                   NULL) != 0 ||
                 svg_plot_add_line(p, x, curves[1], n, "validation (after)",
                                   NULL) != 0 ||
                 (refit > 0 &&
                  svg_plot_add_line(p, x, curves[2], refit,
                                    "test, refit (after)", NULL) != 0) ||
                 svg_plot_add_points(p, &best_x, &best_y, 1,
                                     "epoch chosen", "#000000") != 0;
        range_after_first(p, curves, lengths);
    }
    free(x);
    for (size_t c = 0; c < 3; c++) {
        free(curves[c]);
    }
    return save(p, NULL, 0, dir, "losses", spec->name, failed);
}
