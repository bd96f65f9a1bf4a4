/*
 * baselines: what any model must beat, scored on the same days as the
 * study's models: yesterday's views (naive-1d), the views a week before
 * (seasonal-7d), and the exact least-absolute-deviation linear fit on the
 * 56 days before (lad-56d, lad.h): the best any linear model trained on
 * the MAE can do on the training days.
 */
#ifndef YOUTUBE_VIEWS_BASELINES_H
#define YOUTUBE_VIEWS_BASELINES_H

#include <stddef.h>

#include "lad.h"
#include "models.h"
#include "views_csv.h"
#include "windows.h"

enum { NAIVE_1D, SEASONAL_7D, LAD_56D, BASELINE_COUNT };

/* Names and labels, as a model_spec gives them. */
extern const model_spec baseline_specs[BASELINE_COUNT];

/*
 * Score the baselines on `samples` (their window is the study's history,
 * at least 56 days): train, validation and test MAE; the LAD fit
 * validated as every model is (fitted on the days before the validation
 * period), then refitted on all training days. Only the MAEs of `out`
 * are set, plus the test predictions. `cert` gets the refit's
 * certificate.
 * @return 0; -1 when out of memory.
 */
int baselines_run(model_result out[BASELINE_COUNT], lad_certificate *cert,
                  const views_series *series, const sample_split *samples);

/*
 * The exact LAD fit on raw views of a `window`-day model over the first
 * `rows` samples of `set`: coef [window + 1], oldest day's weight first,
 * then b.
 * @return 0; -1 when out of memory.
 */
int baselines_lad(double *coef, lad_certificate *cert,
                  const views_series *series, const window_set *set,
                  size_t rows, size_t window);

#endif /* YOUTUBE_VIEWS_BASELINES_H */
