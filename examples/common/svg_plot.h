/*
 * svg_plot: just enough SVG plotting for the examples, with no dependency.
 * Not part of nnlite: example code, free to copy. Line and scatter charts
 * with axes, ticks, a legend and optional log-scaled axes; and heat maps
 * with contour lines and paths drawn over them (the lecture's error
 * surface). Pure C11 and libm; prints nothing. Text (titles, labels) is
 * XML-escaped, so any string is safe.
 *
 * Usage:
 *   svg_plot *p = svg_plot_create("Views in 2021", "day", "views");
 *   svg_plot_add_line(p, xs, ys, n, "actual", NULL);    // NULL: next color
 *   svg_plot_add_line(p, xs, preds, n, "1-day linear", NULL);
 *   if (svg_plot_save(p, "out/predictions.svg") != 0) ...;
 *   svg_plot_destroy(p);
 */
#ifndef EXAMPLES_SVG_PLOT_H
#define EXAMPLES_SVG_PLOT_H

#include <stddef.h>

typedef struct svg_plot svg_plot;

/* A new empty chart; NULL when out of memory. Strings are copied. */
svg_plot *svg_plot_create(const char *title, const char *x_label,
                          const char *y_label);

/* Add a polyline series (x, y copied; n >= 1). color: an SVG color such as
 * "#1f77b4", or NULL for the next color of the palette. 0 ok, -1 on error.
 * NaN and infinite values are skipped and break the line there; series of
 * at most 20 points also get a dot at each point. */
int svg_plot_add_line(svg_plot *p, const double *x, const double *y, size_t n,
                      const char *label, const char *color);

/* Add a series drawn as dots, not joined. Same contract as add_line. */
int svg_plot_add_points(svg_plot *p, const double *x, const double *y,
                        size_t n, const char *label, const char *color);

/* Use a logarithmic y axis: points with y <= 0 are then skipped. */
void svg_plot_set_log_y(svg_plot *p, int on);

/* Use a logarithmic x axis (e.g. a number of units 1, 2, 4, ... 64):
 * points with x <= 0 are then skipped. */
void svg_plot_set_log_x(svg_plot *p, int on);

/* Fix the y axis to [lo, hi] (rounded out to whole ticks) instead of the
 * data's range, so one spike cannot squeeze the rest: lines are clipped
 * at the edge and each point above it is marked by a triangle on the top
 * edge. Ignored unless lo < hi, both finite (and lo > 0 on a log axis). */
void svg_plot_set_y_range(svg_plot *p, double lo, double hi);

/* Write the chart as a standalone SVG file. 0 ok, -1 on error (errno set).
 * x spans the data; y is rounded out to whole tick steps (decades on a log
 * axis). Constant data or a single point still get a non-empty range. */
int svg_plot_save(const svg_plot *p, const char *path);

/* Write two charts side by side in one SVG file (e.g. a year and a zoom
 * into part of it). Same contract as svg_plot_save. */
int svg_plot_save_pair(const svg_plot *left, const svg_plot *right,
                       const char *path);

/* Free the chart; NULL is fine. */
void svg_plot_destroy(svg_plot *p);

/*
 * A heat map of z over a regular grid: z[j * nx + i] is the value at
 * x = x_min + i * (x_max - x_min) / (nx - 1), y = y_min + j * ... (j = 0 is
 * the bottom row). Colors follow z on a viridis-like ramp (log-scaled when
 * `log_scale` is non-zero, which suits losses), with `n_contours` contour
 * lines at evenly spaced colour steps, and a colour bar. nx, ny >= 2,
 * x_min < x_max, y_min < y_max; NULL when these do not hold or memory runs
 * out. z is copied; cells whose z is NaN or infinite are left grey.
 */
typedef struct svg_heatmap svg_heatmap;

svg_heatmap *svg_heatmap_create(const char *title, const char *x_label,
                                const char *y_label, const double *z,
                                size_t nx, size_t ny, double x_min,
                                double x_max, double y_min, double y_max,
                                size_t n_contours, int log_scale);

/* Draw a path (e.g. gradient-descent steps) over the map, clipped to it,
 * with a legend entry: a ring marks its start, a dot its end, small dots
 * (at most about 40) the steps between. Same contract as
 * svg_plot_add_line; points far outside the map (a diverging run) are
 * fine. */
int svg_heatmap_add_path(svg_heatmap *h, const double *x, const double *y,
                         size_t n, const char *label, const char *color);

/* Write the map as a standalone SVG file. 0 ok, -1 on error (errno set). */
int svg_heatmap_save(const svg_heatmap *h, const char *path);

/* Free the map; NULL is fine. */
void svg_heatmap_destroy(svg_heatmap *h);

#endif /* EXAMPLES_SVG_PLOT_H */
