/*
 * plots: the study's SVG charts, drawn with the examples' svg_plot helper.
 */
#ifndef YOUTUBE_VIEWS_PLOTS_H
#define YOUTUBE_VIEWS_PLOTS_H

#include "models.h"
#include "windows.h"

/*
 * DIR/predictions_NAME.svg: the test period's actual views and the
 * model's predictions, by day since the first test day.
 * @return 0; -1 when the chart cannot be made or written.
 */
int plots_predictions(const char *dir, const model_spec *spec,
                      const model_result *result, const window_set *test);

/*
 * DIR/losses_NAME.svg: training and test MAE after every epoch (the
 * training value is the mean over the epoch's batches).
 * @return 0; -1 when the chart cannot be made or written.
 */
int plots_losses(const char *dir, const model_spec *spec,
                 const model_result *result);

#endif /* YOUTUBE_VIEWS_PLOTS_H */
