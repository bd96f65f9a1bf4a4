/*
 * windows: the series is sorted with unique days, so the `history` rows
 * before row i are exactly the `history` days before it if and only if
 * days[i] - days[i - history] == history: a single subtraction finds gaps.
 */
#include "windows.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"

int windows_choose_split(split *out, const views_series *series,
                         long requested, char *error, size_t error_size)
{
    const long *days = series->days;
    out->test_from = requested;
    out->fell_back = 0;
    if (days[series->count - 1] < requested) {
        out->test_from = days[series->count - series->count / 5 -
                              (series->count % 5 != 0)];
        out->fell_back = 1;
    }
    if (days[0] >= out->test_from) {
        char text[DATE_TEXT_SIZE];
        date_format(out->test_from, text);
        snprintf(error, error_size, "no days before %s to train on", text);
        return -1;
    }
    return 0;
}

int windows_normaliser(normaliser *out, const views_series *series,
                       long test_from, char *error, size_t error_size)
{
    double sum = 0.0, squares = 0.0;
    size_t n = 0;
    for (; n < series->count && series->days[n] < test_from; n++) {
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
    out->mean = mean;
    out->std = std;
    return 0;
}

static int reserve(window_set *set, size_t window, size_t count)
{
    memset(set, 0, sizeof *set);
    set->window = window;
    if (count == 0) {
        return 0;
    }
    if (window > SIZE_MAX / sizeof(float) / count) {
        return -1;
    }
    set->x = malloc(count * window * sizeof *set->x);
    set->y = malloc(count * sizeof *set->y);
    set->views = malloc(count * sizeof *set->views);
    set->day = malloc(count * sizeof *set->day);
    return set->x && set->y && set->views && set->day ? 0 : -1;
}

/* Append the sample that predicts row `i` from the rows before it. */
static void add_sample(window_set *set, const views_series *series,
                       size_t i, const normaliser *norm)
{
    float *x = set->x + set->count * set->window;
    for (size_t j = 0; j < set->window; j++) {
        double v = series->views[i - set->window + j];
        x[j] = (float)((v - norm->mean) / norm->std);
    }
    set->y[set->count] = (float)((series->views[i] - norm->mean) / norm->std);
    set->views[set->count] = series->views[i];
    set->day[set->count] = series->days[i];
    set->count++;
}

int windows_make(window_set *train, window_set *test, size_t *skipped,
                 const views_series *series, size_t window, size_t history,
                 long test_from, const normaliser *norm)
{
    const long *days = series->days;
    long span = (long)history;
    *skipped = 0;
    /* The series holds at most `count` samples; sizing both sets for all
     * of them wastes a little memory and saves a counting pass. */
    if (reserve(train, window, series->count) != 0 ||
        reserve(test, window, series->count) != 0) {
        window_set_free(train);
        window_set_free(test);
        return -1;
    }
    for (size_t i = 0; i < series->count; i++) {
        if (days[i] - span < days[0]) {
            continue; /* the series starts too late to have a history */
        }
        if (i < history || days[i] - days[i - history] != span) {
            ++*skipped; /* a missing day inside the history */
            continue;
        }
        add_sample(days[i] < test_from ? train : test, series, i, norm);
    }
    return 0;
}

void window_set_free(window_set *set)
{
    if (!set) {
        return;
    }
    free(set->x);
    free(set->y);
    free(set->views);
    free(set->day);
    memset(set, 0, sizeof *set);
}
