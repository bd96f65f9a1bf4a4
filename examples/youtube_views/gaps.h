/*
 * gaps: a missing day inside a window would cost every window that
 * covers it (56 of them for the longest window). A single missing day is
 * filled with the mean of its two neighbours, which is what it most
 * likely was; longer gaps are left, and the windows over them skipped
 * (windows.h). A filled day is never a day to predict: only real days
 * are scored.
 */
#ifndef YOUTUBE_VIEWS_GAPS_H
#define YOUTUBE_VIEWS_GAPS_H

#include <stddef.h>

#include "views_csv.h"

/* A series with its single missing days filled in. */
typedef struct filled_series {
    views_series series;    /* the input's days plus the filled ones */
    unsigned char *filled;  /* [series.count]: 1 for a filled day */
    size_t filled_count;    /* days filled */
} filled_series;

/*
 * Copy `in` into `out`, adding each day that is missing alone (its day
 * before and day after are both in `in`) with the mean of those two.
 * @return 0; -1 when out of memory (`out` is then empty).
 */
int gaps_fill_single_days(filled_series *out, const views_series *in);

/* Free what gaps_fill_single_days allocated; NULL is fine. */
void filled_series_free(filled_series *s);

#endif /* YOUTUBE_VIEWS_GAPS_H */
