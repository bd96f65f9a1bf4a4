#include "transform.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *transform_name(transform_kind kind)
{
    return kind == TRANSFORM_LOG ? "log" : "scale";
}

int transform_fit(transform *out, transform_kind kind,
                  const views_series *series, long until, char *error,
                  size_t error_size)
{
    double sum = 0.0, squares = 0.0;
    size_t n = 0;
    for (; n < series->count && series->days[n] < until; n++) {
        sum += series->views[n];
    }
    double mean = n > 0 ? sum / (double)n : 0.0;
    for (size_t i = 0; i < n; i++) {
        double d = series->views[i] - mean;
        squares += d * d;
    }
    double std = n > 1 ? sqrt(squares / (double)n) : 0.0;
    if (!(std > 0.0)) {
        snprintf(error, error_size,
                 "the training days' views are constant or too few");
        return -1;
    }
    out->kind = kind;
    out->mean = mean;
    out->std = std;
    return 0;
}

/* One sample: inputs from the `window` rows before `row`. */
static void encode_one(const transform *t, const views_series *series,
                       size_t row, size_t window, float *x, float *y,
                       double *offset)
{
    const double *v = series->views + row - window;
    double m = 0.0;
    if (t->kind == TRANSFORM_LOG) {
        for (size_t j = 0; j < window; j++) {
            m += log1p(v[j]);
        }
        m /= (double)window;
        for (size_t j = 0; j < window; j++) {
            x[j] = (float)(log1p(v[j]) - m);
        }
        *y = (float)(log1p(series->views[row]) - m);
    } else {
        for (size_t j = 0; j < window; j++) {
            x[j] = (float)((v[j] - t->mean) / t->std);
        }
        *y = (float)((series->views[row] - t->mean) / t->std);
    }
    *offset = m;
}

int transform_encode(encoded_set *out, const transform *t,
                     const views_series *series, const window_set *set)
{
    size_t n = set->count ? set->count : 1; /* malloc(0) may be NULL */
    memset(out, 0, sizeof *out);
    out->count = set->count;
    out->window = set->window;
    if (set->window > SIZE_MAX / sizeof(float) / n) {
        return -1;
    }
    out->x = malloc(n * set->window * sizeof *out->x);
    out->y = malloc(n * sizeof *out->y);
    out->offset = malloc(n * sizeof *out->offset);
    if (!out->x || !out->y || !out->offset) {
        encoded_set_free(out);
        return -1;
    }
    for (size_t i = 0; i < set->count; i++) {
        encode_one(t, series, set->row[i], set->window,
                   out->x + i * set->window, out->y + i, out->offset + i);
    }
    return 0;
}

double transform_decode(const transform *t, double z, double offset)
{
    double v = t->kind == TRANSFORM_LOG ? expm1(z + offset)
                                        : t->mean + t->std * z;
    return v > 0.0 ? v : 0.0; /* views are never negative */
}

void encoded_set_free(encoded_set *set)
{
    if (!set) {
        return;
    }
    free(set->x);
    free(set->y);
    free(set->offset);
    memset(set, 0, sizeof *set);
}
