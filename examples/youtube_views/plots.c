/*
 * plots: each chart is made, saved and freed here; the caller only says
 * which model to draw.
 */
#include "plots.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "svg_plot.h"

/* Save and free `p`; -1 when it is NULL or saving fails. */
static int save(svg_plot *p, const char *dir, const char *kind,
                const char *name, int failed)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s_%s.svg", dir, kind, name);
    errno = 0;
    if (p && !failed) {
        failed = svg_plot_save(p, path) != 0;
    }
    svg_plot_destroy(p);
    if (!p || failed) {
        fprintf(stderr, "could not write %s: %s\n", path,
                errno ? strerror(errno) : "out of memory");
        return -1;
    }
    printf("wrote %s\n", path);
    return 0;
}

int plots_predictions(const char *dir, const model_spec *spec,
                      const model_result *result, const window_set *test)
{
    char title[160], first[DATE_TEXT_SIZE], x_label[64];
    date_format(test->day[0], first);
    snprintf(title, sizeof title, "%s: predicted and actual views",
             spec->label);
    snprintf(x_label, sizeof x_label, "days since %s", first);
    svg_plot *p = svg_plot_create(title, x_label, "views");
    double *x = malloc(test->count * sizeof *x);
    int failed = !x;
    for (size_t i = 0; !failed && i < test->count; i++) {
        x[i] = (double)(test->day[i] - test->day[0]);
    }
    if (p && !failed) {
        failed = svg_plot_add_line(p, x, test->views, test->count, "actual",
                                   NULL) != 0 ||
                 svg_plot_add_line(p, x, result->test_predictions,
                                   test->count, "predicted", NULL) != 0;
    }
    free(x);
    return save(p, dir, "predictions", spec->name, failed);
}

int plots_losses(const char *dir, const model_spec *spec,
                 const model_result *result)
{
    char title[160];
    snprintf(title, sizeof title, "%s: MAE per epoch", spec->label);
    svg_plot *p = svg_plot_create(title, "epoch", "MAE (views)");
    double *x = malloc(result->epochs * sizeof *x);
    int failed = !x || result->epochs == 0;
    for (size_t i = 0; !failed && i < result->epochs; i++) {
        x[i] = (double)(i + 1);
    }
    if (p && !failed) {
        failed = svg_plot_add_line(p, x, result->train_curve, result->epochs,
                                   "training", NULL) != 0 ||
                 svg_plot_add_line(p, x, result->test_curve, result->epochs,
                                   "test", NULL) != 0;
    }
    free(x);
    return save(p, dir, "losses", spec->name, failed);
}
