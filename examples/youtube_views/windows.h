/*
 * windows: turns a daily series into the lecture's training data. Each
 * sample predicts one day's views from the views of the days just before
 * it (a sliding window), split in time into a training and a test period,
 * and scaled to mean 0 and standard deviation 1 with statistics of the
 * training days only (so nothing about the test period leaks into
 * training, and series of any scale train alike).
 */
#ifndef YOUTUBE_VIEWS_WINDOWS_H
#define YOUTUBE_VIEWS_WINDOWS_H

#include <stddef.h>

#include "views_csv.h"

/* Where the test period starts. */
typedef struct split {
    long test_from; /* first test day (day number, dates.h) */
    int fell_back;  /* 1 when no day fell on or after the requested date,
                       so the last 20% of days are the test period */
} split;

/*
 * Test on the days from `requested` on, or, when the series ends before
 * it, on the last 20% of its days.
 * @return 0; -1 (message in `error`) when no day comes before the split.
 */
int windows_choose_split(split *out, const views_series *series,
                         long requested, char *error, size_t error_size);

/* views = mean + std * z, for inputs and targets alike. */
typedef struct normaliser {
    double mean;
    double std;
} normaliser;

/*
 * Mean and (population) standard deviation of the views on days before
 * `test_from`.
 * @return 0; -1 (message in `error`) when they are constant or fewer
 *         than two.
 */
int windows_normaliser(normaliser *out, const views_series *series,
                       long test_from, char *error, size_t error_size);

/* Samples for one window length. */
typedef struct window_set {
    size_t window; /* features: views of this many previous days */
    size_t count;  /* samples */
    float *x;      /* [count, window], normalised, oldest day first (so
                      x[i * window + window - 1] is the day before) */
    float *y;      /* [count], the normalised views to predict */
    double *views; /* [count], the same in the data's own units */
    long *day;     /* [count], the day each sample predicts */
} window_set;

/*
 * Make training and test samples. A day is a sample when the `history`
 * days before it are all in the series (history >= window, the longest
 * window of the study, so that every model sees the same days); its
 * features are the last `window` of them. Days whose history would reach
 * over a missing day are skipped and counted in `*skipped`.
 * @return 0; -1 when out of memory (sets are then empty).
 */
int windows_make(window_set *train, window_set *test, size_t *skipped,
                 const views_series *series, size_t window, size_t history,
                 long test_from, const normaliser *norm);

/* Free the arrays of a set; NULL is fine. */
void window_set_free(window_set *set);

#endif /* YOUTUBE_VIEWS_WINDOWS_H */
