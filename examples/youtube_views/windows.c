/*
 * windows: the series is sorted with unique days, so the `history` rows
 * before row i are exactly the `history` days before it if and only if
 * days[i] - days[i - history] == history: a single subtraction finds gaps.
 */
#include "windows.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"

/* The first of the last 20% of the first `count` rows. */
static long last_fifth(const long *days, size_t count)
{
    return days[count - count / 5 - (count % 5 != 0)];
}

int windows_choose_split(split *out, const views_series *series,
                         long requested, char *error, size_t error_size)
{
    const long *days = series->days;
    size_t n = series->count, before = 0;
    out->test_from = requested;
    out->fell_back = 0;
    if (days[n - 1] < requested) {
        out->test_from = last_fifth(days, n);
        out->fell_back = 1;
    }
    while (before < n && days[before] < out->test_from) {
        before++;
    }
    if (before < 2) {
        char text[DATE_TEXT_SIZE];
        date_format(out->test_from, text);
        snprintf(error, error_size, "too few days before %s to train and "
                 "validate on", text);
        return -1;
    }
    out->validation_from = out->test_from - VALIDATION_DAYS;
    if (out->test_from - days[0] < 2 * VALIDATION_DAYS) {
        out->validation_from = last_fifth(days, before);
    }
    return 0;
}

static int reserve(window_set *set, size_t window, size_t count)
{
    memset(set, 0, sizeof *set);
    set->window = window;
    set->row = malloc(count * sizeof *set->row);
    set->day = malloc(count * sizeof *set->day);
    set->views = malloc(count * sizeof *set->views);
    return set->row && set->day && set->views ? 0 : -1;
}

static void add_sample(window_set *set, const views_series *series,
                       size_t i)
{
    set->row[set->count] = i;
    set->day[set->count] = series->days[i];
    set->views[set->count] = series->views[i];
    set->count++;
}

int windows_make(sample_split *out, const views_series *series,
                 const unsigned char *filled, size_t window, size_t history,
                 const split *sp)
{
    const long *days = series->days;
    long span = (long)history;
    memset(out, 0, sizeof *out);
    /* The series holds at most `count` samples; sizing both sets for all
     * of them wastes a little memory and saves a counting pass. */
    if (reserve(&out->training, window, series->count) != 0 ||
        reserve(&out->test, window, series->count) != 0) {
        sample_split_free(out);
        return -1;
    }
    for (size_t i = 0; i < series->count; i++) {
        if (days[i] - span < days[0] || (filled && filled[i])) {
            continue; /* too early for a history, or not a real day */
        }
        if (i < history || days[i] - days[i - history] != span) {
            out->skipped++; /* a gap inside the history */
            continue;
        }
        if (days[i] >= sp->test_from) {
            add_sample(&out->test, series, i);
        } else {
            out->fit_count += days[i] < sp->validation_from;
            add_sample(&out->training, series, i);
        }
    }
    return 0;
}

static void window_set_free(window_set *set)
{
    free(set->row);
    free(set->day);
    free(set->views);
    memset(set, 0, sizeof *set);
}

void sample_split_free(sample_split *s)
{
    if (!s) {
        return;
    }
    window_set_free(&s->training);
    window_set_free(&s->test);
    memset(s, 0, sizeof *s);
}
