/*
 * prepare: from the series read to the samples every model trains on:
 * single missing days filled (gaps.h), the periods split (windows.h),
 * samples for each window length of the study, and those encoded both
 * ways (transform.h).
 */
#ifndef YOUTUBE_VIEWS_PREPARE_H
#define YOUTUBE_VIEWS_PREPARE_H

#include <stddef.h>

#include "gaps.h"
#include "models.h"
#include "transform.h"
#include "views_csv.h"
#include "windows.h"

/* Every model predicts the same days: those with this many days of
 * history, the longest window in the study. */
#define HISTORY 56
#define WINDOW_COUNT 4
#define TRANSFORM_COUNT 2

typedef struct prepared {
    filled_series filled;
    split sp;
    transform transforms[TRANSFORM_COUNT]; /* by transform_kind */
    size_t windows[WINDOW_COUNT];          /* 1, 7, 28, 56 */
    sample_split samples[WINDOW_COUNT];
    encoded_set training[WINDOW_COUNT][TRANSFORM_COUNT];
    encoded_set test[WINDOW_COUNT][TRANSFORM_COUNT];
} prepared;

/*
 * Prepare `series`, testing from `test_from` (windows_choose_split).
 * @return 0; -1 with a message in `error` (too few days, out of memory).
 *         Free `out` with prepared_free in both cases.
 */
int prepare(prepared *out, const views_series *series, long test_from,
            char *error, size_t error_size);

/* The samples of window length `window` (one of `windows`). */
const sample_split *prepared_samples(const prepared *p, size_t window);

/* What a model of window `window` trains on under `kind`. */
model_data prepared_model_data(const prepared *p, size_t window,
                               transform_kind kind);

/* Free everything; NULL is fine. */
void prepared_free(prepared *p);

#endif /* YOUTUBE_VIEWS_PREPARE_H */
