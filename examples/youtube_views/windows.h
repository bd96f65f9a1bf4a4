/*
 * windows: turns a daily series into the lecture's samples. Each sample
 * predicts one day's views from the views of the days just before it (a
 * sliding window). Time splits the samples three ways: the test period
 * (2021, the future the lecture scores on), and before it the training
 * days, whose last year is also the validation period: models are fitted
 * on the days before it, choose their number of epochs and everything
 * else on it, and are then refitted on all training days. The test
 * period is never used to choose anything.
 */
#ifndef YOUTUBE_VIEWS_WINDOWS_H
#define YOUTUBE_VIEWS_WINDOWS_H

#include <stddef.h>

#include "views_csv.h"

/* The validation period: a year, as the test period is. */
#define VALIDATION_DAYS 365

/* Where the periods start. */
typedef struct split {
    long validation_from; /* first validation day (day number, dates.h) */
    long test_from;       /* first test day */
    int fell_back;  /* 1 when no day fell on or after the requested date,
                       so the last 20% of days are the test period */
} split;

/*
 * Test on the days from `requested` on, or, when the series ends before
 * it, on the last 20% of its days. Validate on the last VALIDATION_DAYS
 * days before the test period, or on the last 20% of the training days
 * when those span less than two years (a year would leave too few to fit
 * on).
 * @return 0; -1 (message in `error`) when no day comes before the split.
 */
int windows_choose_split(split *out, const views_series *series,
                         long requested, char *error, size_t error_size);

/* Samples for one window length. */
typedef struct window_set {
    size_t window; /* features: views of this many previous days */
    size_t count;  /* samples, in time order */
    size_t *row;   /* [count]: the series row of the day each predicts */
    long *day;     /* [count]: that day */
    double *views; /* [count]: its views, the target in the data's units */
} window_set;

/* Samples of one window length in the three periods. The training set
 * holds every training day; its first `fit_count` samples are those
 * before the validation period. */
typedef struct sample_split {
    window_set training; /* fitting, then validation days */
    size_t fit_count;    /* samples before the validation period */
    window_set test;
    size_t skipped;      /* days skipped: a longer gap in their history */
} sample_split;

/*
 * Make the samples. A day is a sample when it is a real day (`filled`
 * is NULL or 0 for it) and the `history` days before it are all in the
 * series (history >= window, the longest window of the study, so that
 * every model sees the same days); its features are the last `window` of
 * them. Days whose history reaches over a missing day are counted in
 * `skipped`.
 * @return 0; -1 when out of memory (the sets are then empty).
 */
int windows_make(sample_split *out, const views_series *series,
                 const unsigned char *filled, size_t window, size_t history,
                 const split *sp);

/* Free the arrays of the sets; NULL is fine. */
void sample_split_free(sample_split *s);

#endif /* YOUTUBE_VIEWS_WINDOWS_H */
