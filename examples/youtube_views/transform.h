/*
 * transform: what the models see instead of raw views. Two ways:
 *
 * - scale: z = (views - mean) / std, with the mean and standard deviation
 *   of the training days (so nothing of the later periods leaks in); the
 *   lecture's setting, up to the scaling.
 * - log: u = log1p(views) - m, where m is the mean of log1p(views) over
 *   the sample's own window; the target is log1p(tomorrow) - m. A model
 *   then predicts tomorrow relative to the recent level, so a channel
 *   twice as big looks the same, and growth the training days never saw
 *   does not take the inputs out of range.
 *
 * Either way a prediction turns back into views, and never below 0.
 */
#ifndef YOUTUBE_VIEWS_TRANSFORM_H
#define YOUTUBE_VIEWS_TRANSFORM_H

#include <stddef.h>

#include "views_csv.h"
#include "windows.h"

typedef enum transform_kind { TRANSFORM_SCALE, TRANSFORM_LOG } transform_kind;

typedef struct transform {
    transform_kind kind;
    double mean; /* scale: of the training days' views */
    double std;  /* scale: their (population) standard deviation */
} transform;

/* "scale" or "log". */
const char *transform_name(transform_kind kind);

/*
 * A transform of `kind` fitted to the views on days before `until`.
 * @return 0; -1 (message in `error`) when those are constant or fewer
 *         than two.
 */
int transform_fit(transform *out, transform_kind kind,
                  const views_series *series, long until, char *error,
                  size_t error_size);

/* A window set as the models see it. */
typedef struct encoded_set {
    size_t count, window;
    float *x;       /* [count, window], oldest day first */
    float *y;       /* [count]: the target */
    double *offset; /* [count]: log: the window's mean m; scale: 0 */
} encoded_set;

/* Encode `set` (rows of `series`). @return 0; -1 when out of memory. */
int transform_encode(encoded_set *out, const transform *t,
                     const views_series *series, const window_set *set);

/* Views from a model's output z for a sample with `offset`; >= 0. */
double transform_decode(const transform *t, double z, double offset);

/* Free an encoded set; NULL is fine. */
void encoded_set_free(encoded_set *set);

#endif /* YOUTUBE_VIEWS_TRANSFORM_H */
