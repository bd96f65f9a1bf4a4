/*
 * plots: the study's SVG charts, drawn with the examples' svg_plot helper.
 */
#ifndef YOUTUBE_VIEWS_PLOTS_H
#define YOUTUBE_VIEWS_PLOTS_H

#include "models.h"
#include "transform.h"
#include "windows.h"

/*
 * DIR/predictions_NAME.svg: the test period's actual values and the
 * model's predictions, by day since the first test day, with a zoom into
 * its first 8 weeks beside it. Lines break where days are missing; the
 * y scale follows the bulk of the days, and spikes above it are marked.
 * `value_name` (the CSV's column, e.g. "Views") labels the y axis.
 * @return 0; -1 when the chart cannot be made or written.
 */
int plots_predictions(const char *dir, const model_spec *spec,
                      const model_result *result, const window_set *test,
                      const char *value_name);

/*
 * DIR/losses_NAME.svg: the first fit's training MAE (the running mean
 * over each epoch's batches, while the weights change) and validation MAE
 * (after each epoch), the epoch chosen, and the refit's test MAE (after
 * each epoch, recorded only). The y scale leaves out the first epoch,
 * whose loss would flatten the rest.
 * @return 0; -1 when the chart cannot be made or written.
 */
int plots_losses(const char *dir, const model_spec *spec,
                 const model_result *result, const transform *t);

#endif /* YOUTUBE_VIEWS_PLOTS_H */
