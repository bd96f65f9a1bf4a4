/*
 * svg_plot.c: the charts of svg_plot.h, written as plain SVG text.
 *
 * Not part of nnlite: example code with no dependency beyond libm. Every
 * chart has the same layout: a title, a plot area with grid lines and
 * "nice" tick values (1, 2 or 5 times a power of ten), axis labels, and a
 * column on the right for the legend (and, for heat maps, a colour bar).
 *
 * Data are never trusted to be tidy: NaN and infinite values are skipped
 * (a line is broken there), a single point or constant data still get a
 * non-zero range, and lines are clipped to the plot area in the code, so a
 * diverging gradient-descent path at 1e30 still draws a clean edge.
 */
#include "svg_plot.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- Layout (pixels) ---- */

#define CANVAS_WIDTH 860.0
#define CANVAS_HEIGHT 520.0
#define PLOT_LEFT 80.0
#define PLOT_TOP 50.0
#define PLOT_HEIGHT 400.0
#define LINE_PLOT_WIDTH 560.0 /* leaves room for the legend */
#define HEATMAP_WIDTH 480.0   /* leaves room for colour bar and legend */
#define COLOR_BAR_WIDTH 16.0
#define TARGET_TICKS 6
#define MAX_TICKS 40
#define MAX_PATH_MARKERS 40
#define FEW_POINTS 20 /* lines this short also get a dot per point */

/* NAN is a float constant; spelling the cast once keeps
 * -Wdouble-promotion quiet. */
#define NOT_A_NUMBER ((double)NAN)

/* Matplotlib's "tab10": distinct hues that stay apart for colour-blind
 * readers better than a rainbow does. */
static const char *const palette[] = {
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
};
#define PALETTE_SIZE (sizeof palette / sizeof palette[0])

/* ---- Series storage ---- */

typedef struct series {
    double *x;
    double *y;
    size_t n;
    char *label;
    char *color;
    int as_dots; /* 1: unjoined dots; 0: a polyline */
} series;

typedef struct series_list {
    series *items;
    size_t count;
    size_t capacity;
} series_list;

static char *copy_text(const char *text)
{
    if (text == NULL)
        text = "";
    size_t size = strlen(text) + 1;
    char *copy = malloc(size);
    if (copy != NULL)
        memcpy(copy, text, size);
    return copy;
}

static double *copy_values(const double *values, size_t n)
{
    if (n > SIZE_MAX / sizeof *values)
        return NULL;
    double *copy = malloc(n * sizeof *copy);
    if (copy != NULL)
        memcpy(copy, values, n * sizeof *copy);
    return copy;
}

static void series_free(series *s)
{
    free(s->x);
    free(s->y);
    free(s->label);
    free(s->color);
}

static void series_list_free(series_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        series_free(&list->items[i]);
    free(list->items);
    list->items = NULL;
    list->count = list->capacity = 0;
}

/* Copy a series into the list. NULL colour: the next palette entry, so
 * each series differs from the ones before it. */
static int series_list_add(series_list *list, const double *x,
                           const double *y, size_t n, const char *label,
                           const char *color, int as_dots)
{
    if (x == NULL || y == NULL || n == 0)
        return -1;
    if (list->count == list->capacity) {
        size_t capacity = list->capacity ? 2 * list->capacity : 4;
        series *items = realloc(list->items, capacity * sizeof *items);
        if (items == NULL)
            return -1;
        list->items = items;
        list->capacity = capacity;
    }
    series s = {0};
    s.n = n;
    s.as_dots = as_dots;
    s.x = copy_values(x, n);
    s.y = copy_values(y, n);
    s.label = copy_text(label);
    s.color = copy_text(color ? color
                              : palette[list->count % PALETTE_SIZE]);
    if (!s.x || !s.y || !s.label || !s.color) {
        series_free(&s);
        return -1;
    }
    list->items[list->count++] = s;
    return 0;
}

/* ---- Axes: ranges, mapping, ticks ---- */

/* One axis. lo and hi are in axis units: the value itself, or its log10
 * on a logarithmic axis. */
typedef struct axis {
    double lo;
    double hi;
    int log_scale;
} axis;

/* The value in axis units, or NaN when it cannot be drawn (NaN, infinite,
 * or not positive on a log axis). */
static double axis_units(const axis *a, double v)
{
    if (!isfinite(v))
        return NOT_A_NUMBER;
    if (a->log_scale)
        return v > 0.0 ? log10(v) : NOT_A_NUMBER;
    return v;
}

/* Where v lies between the axis ends: 0 at lo, 1 at hi. */
static double axis_fraction(const axis *a, double v)
{
    return (axis_units(a, v) - a->lo) / (a->hi - a->lo);
}

/* 1, 2 or 5 times a power of ten, near span / target: steps people read
 * at a glance. */
static double nice_step(double span, int target)
{
    double raw = span / target;
    double magnitude = pow(10.0, floor(log10(raw)));
    double fraction = raw / magnitude;
    double nice = fraction < 1.5 ? 1.0 : fraction < 3.0 ? 2.0
                : fraction < 7.0 ? 5.0 : 10.0;
    return nice * magnitude;
}

/*
 * Set the axis to cover [lo, hi] (raw values, finite; positive on a log
 * axis). A zero span is widened, since a range of zero maps every point to
 * infinity. `round_out` extends the ends to whole tick steps (or decades).
 */
static void axis_fit(axis *a, double lo, double hi, int log_scale,
                     int round_out)
{
    a->log_scale = log_scale;
    if (log_scale) {
        lo = log10(lo);
        hi = log10(hi);
        if (round_out) {
            lo = floor(lo);
            hi = ceil(hi);
        }
        if (hi - lo < 1e-9) {
            lo -= 0.5;
            hi += 0.5;
        }
    } else {
        double scale = fmax(fabs(lo), fabs(hi));
        if (hi - lo <= 1e-12 * scale || hi - lo < 1e-300) {
            double pad = scale > 0.0 ? 0.1 * scale : 0.5;
            lo -= pad;
            hi += pad;
        }
        if (round_out) {
            double step = nice_step(hi - lo, TARGET_TICKS);
            lo = floor(lo / step) * step;
            hi = ceil(hi / step) * step;
        }
    }
    a->lo = lo;
    a->hi = hi;
}

/* Widen the axis by `fraction` of its span at each end. */
static void axis_pad(axis *a, double fraction)
{
    double pad = fraction * (a->hi - a->lo);
    a->lo -= pad;
    a->hi += pad;
}

/*
 * Tick values (raw) inside the axis; returns how many. *step receives the
 * linear step, which fixes how many decimals the labels need.
 */
static size_t axis_ticks(const axis *a, double *ticks, double *step)
{
    size_t count = 0;
    double eps = 1e-9 * (a->hi - a->lo);
    if (!a->log_scale) {
        *step = nice_step(a->hi - a->lo, TARGET_TICKS);
        double first = ceil((a->lo - eps) / *step);
        for (double k = first; count < MAX_TICKS; k += 1.0) {
            double v = k * *step;
            if (v > a->hi + eps)
                break;
            ticks[count++] = fabs(v) < 1e-9 * *step ? 0.0 : v;
        }
        return count;
    }
    /* Log axis: every decade; 2 and 5 too when there are few decades;
     * every few decades when there are many. */
    static const double short_span[] = {1.0, 2.0, 5.0};
    double span = a->hi - a->lo;
    size_t mantissas = span <= 2.5 ? 3 : 1;
    double decade_step = span > 10.0 ? ceil(span / 10.0) : 1.0;
    *step = 0.0;
    for (double d = floor(a->lo); d <= ceil(a->hi); d += decade_step)
        for (size_t m = 0; m < mantissas && count < MAX_TICKS; m++) {
            double units = d + log10(short_span[m]);
            if (units >= a->lo - eps && units <= a->hi + eps)
                ticks[count++] = pow(10.0, units);
        }
    return count;
}

/* A tick label with as many decimals as the step needs. */
static void format_tick(char *text, size_t size, double v, double step)
{
    double magnitude = fabs(v);
    if (step <= 0.0 || magnitude >= 1e6 || (v != 0.0 && magnitude < 1e-4)) {
        snprintf(text, size, "%g", v);
        return;
    }
    int decimals = step >= 1.0 ? 0 : (int)ceil(-log10(step) - 1e-9);
    snprintf(text, size, "%.*f", decimals, v);
}

/* The plot area and the two axes that map data into it. */
typedef struct frame {
    double left, top, width, height;
    axis x;
    axis y;
} frame;

static double frame_px(const frame *f, double x)
{
    return f->left + axis_fraction(&f->x, x) * f->width;
}

static double frame_py(const frame *f, double y)
{
    return f->top + (1.0 - axis_fraction(&f->y, y)) * f->height;
}

/* Pixel position of a data point; 0 when it cannot be drawn. */
static int frame_point(const frame *f, double x, double y, double *px,
                       double *py)
{
    *px = frame_px(f, x);
    *py = frame_py(f, y);
    return isfinite(*px) && isfinite(*py);
}

static int frame_contains(const frame *f, double px, double py)
{
    return px >= f->left - 0.5 && px <= f->left + f->width + 0.5 &&
           py >= f->top - 0.5 && py <= f->top + f->height + 0.5;
}

/* ---- SVG writing ---- */

/* Text with XML's special characters escaped, so any label is safe. */
static void write_escaped(FILE *out, const char *text)
{
    for (; *text; text++) {
        switch (*text) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*text, out); break;
        }
    }
}

static void write_text(FILE *out, double x, double y, const char *anchor,
                       const char *style, const char *text)
{
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s>", x, y,
            anchor, style);
    write_escaped(out, text);
    fputs("</text>\n", out);
}

/* The document's root element, `width` wide, on a white page. */
static void write_root(FILE *out, double width)
{
    fprintf(out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
            "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
            "font-family=\"sans-serif\" font-size=\"12\">\n"
            "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
            width, CANVAS_HEIGHT, width, CANVAS_HEIGHT);
}

static void write_title(FILE *out, const char *title)
{
    write_text(out, CANVAS_WIDTH / 2.0, 28.0, "middle",
               " font-size=\"16\" font-weight=\"bold\"", title);
}

static void write_header(FILE *out, const char *title)
{
    write_root(out, CANVAS_WIDTH);
    write_title(out, title);
}

/* The clip path, so markers and strokes never spill out of the plot;
 * `id` names it (one per chart in a file). */
static void write_clip(FILE *out, const frame *f, const char *id)
{
    fprintf(out,
            "<defs><clipPath id=\"%s\"><rect x=\"%.1f\" y=\"%.1f\" "
            "width=\"%.1f\" height=\"%.1f\"/></clipPath></defs>\n",
            id, f->left, f->top, f->width, f->height);
}

/* Grid lines and tick labels; `grid` 0 for ticks only (on heat maps). */
static void write_axes(FILE *out, const frame *f, const char *x_label,
                       const char *y_label, int grid)
{
    double ticks[MAX_TICKS];
    double step;
    char text[64];
    double bottom = f->top + f->height;
    const char *line_style = grid ? "stroke=\"#dddddd\"" : "stroke=\"#333\"";

    size_t n = axis_ticks(&f->x, ticks, &step);
    for (size_t i = 0; i < n; i++) {
        double px = frame_px(f, ticks[i]);
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                     "y2=\"%.1f\" %s/>\n",
                px, grid ? f->top : bottom, px, bottom + 5.0, line_style);
        format_tick(text, sizeof text, ticks[i], step);
        write_text(out, px, bottom + 18.0, "middle", "", text);
    }
    n = axis_ticks(&f->y, ticks, &step);
    for (size_t i = 0; i < n; i++) {
        double py = frame_py(f, ticks[i]);
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                     "y2=\"%.1f\" %s/>\n",
                f->left - 5.0, py, grid ? f->left + f->width : f->left, py,
                line_style);
        format_tick(text, sizeof text, ticks[i], step);
        write_text(out, f->left - 8.0, py + 4.0, "end", "", text);
    }
    write_text(out, f->left + f->width / 2.0, bottom + 42.0, "middle",
               " font-size=\"13\"", x_label);
    fprintf(out, "<g transform=\"translate(22 %.1f) rotate(-90)\">\n",
            f->top + f->height / 2.0);
    write_text(out, 0.0, 0.0, "middle", " font-size=\"13\"", y_label);
    fputs("</g>\n", out);
}

static void write_border(FILE *out, const frame *f)
{
    fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                 "fill=\"none\" stroke=\"#333\"/>\n",
            f->left, f->top, f->width, f->height);
}

/*
 * Clip the segment (x0,y0)-(x1,y1) to the plot area (Liang-Barsky): each
 * rectangle side bounds the segment parameter t in [0, 1] from one side.
 * Returns 0 when nothing of it is inside.
 */
static int clip_segment(const frame *f, double *x0, double *y0, double *x1,
                        double *y1)
{
    double dx = *x1 - *x0, dy = *y1 - *y0;
    double p[4] = {-dx, dx, -dy, dy};
    double q[4] = {*x0 - f->left, f->left + f->width - *x0, *y0 - f->top,
                   f->top + f->height - *y0};
    double t0 = 0.0, t1 = 1.0;
    for (int k = 0; k < 4; k++) {
        if (p[k] == 0.0) {
            if (q[k] < 0.0)
                return 0; /* parallel to this side and outside it */
            continue;
        }
        double t = q[k] / p[k];
        if (p[k] < 0.0)
            t0 = fmax(t0, t);
        else
            t1 = fmin(t1, t);
    }
    if (t0 > t1)
        return 0;
    double sx = *x0, sy = *y0;
    *x0 = sx + t0 * dx;
    *y0 = sy + t0 * dy;
    *x1 = sx + t1 * dx;
    *y1 = sy + t1 * dy;
    return 1;
}

static void write_dot(FILE *out, double px, double py, double radius,
                      const char *color)
{
    fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"", px,
            py, radius);
    write_escaped(out, color);
    fputs("\"/>\n", out);
}

/*
 * A series as one SVG path: each visible piece of each segment, with a
 * new "M" only where the pen has to jump (a gap or a clipped stretch).
 * A point with no drawable neighbour gets a dot, else it would vanish.
 */
static void write_polyline(FILE *out, const frame *f, const series *s,
                           double stroke_width, double opacity)
{
    fputs("<path fill=\"none\" stroke-linejoin=\"round\" stroke=\"", out);
    write_escaped(out, s->color);
    fprintf(out, "\" stroke-width=\"%.1f\" stroke-opacity=\"%.2f\" d=\"",
            stroke_width, opacity);
    int pen_down = 0;
    double pen_x = 0.0, pen_y = 0.0;
    for (size_t i = 0; i + 1 < s->n; i++) {
        double x0, y0, x1, y1;
        if (!frame_point(f, s->x[i], s->y[i], &x0, &y0) ||
            !frame_point(f, s->x[i + 1], s->y[i + 1], &x1, &y1) ||
            !clip_segment(f, &x0, &y0, &x1, &y1)) {
            pen_down = 0;
            continue;
        }
        if (!pen_down || fabs(x0 - pen_x) > 0.01 || fabs(y0 - pen_y) > 0.01)
            fprintf(out, "M%.2f %.2f", x0, y0);
        pen_down = 1;
        fprintf(out, "L%.2f %.2f", x1, y1);
        pen_x = x1;
        pen_y = y1;
    }
    fputs("\"/>\n", out);
    for (size_t i = 0; i < s->n; i++) {
        double px, py, unused_x, unused_y;
        if (!frame_point(f, s->x[i], s->y[i], &px, &py) ||
            !frame_contains(f, px, py))
            continue;
        int lonely =
            (i == 0 || !frame_point(f, s->x[i - 1], s->y[i - 1], &unused_x,
                                    &unused_y)) &&
            (i + 1 == s->n || !frame_point(f, s->x[i + 1], s->y[i + 1],
                                           &unused_x, &unused_y));
        if (lonely || s->n <= FEW_POINTS)
            write_dot(out, px, py, 2.5 + stroke_width / 2.0, s->color);
    }
}

static void write_dots(FILE *out, const frame *f, const series *s)
{
    for (size_t i = 0; i < s->n; i++) {
        double px, py;
        if (frame_point(f, s->x[i], s->y[i], &px, &py) &&
            frame_contains(f, px, py))
            write_dot(out, px, py, 2.5, s->color);
    }
}

/* One legend row per series, top to bottom from (x, y). */
static void write_legend(FILE *out, const series_list *list, double x,
                         double y)
{
    for (size_t i = 0; i < list->count; i++, y += 20.0) {
        const series *s = &list->items[i];
        if (s->as_dots) {
            write_dot(out, x + 12.0, y, 3.5, s->color);
        } else {
            fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                         "y2=\"%.1f\" stroke-width=\"2.5\" stroke=\"",
                    x, y, x + 24.0, y);
            write_escaped(out, s->color);
            fputs("\"/>\n", out);
        }
        write_text(out, x + 32.0, y + 4.0, "start", "", s->label);
    }
}

/* Close the file and turn any write error into -1 with errno set. */
static int finish_file(FILE *out)
{
    int failed = ferror(out);
    if (fclose(out) != 0)
        failed = 1;
    if (failed && errno == 0)
        errno = EIO;
    return failed ? -1 : 0;
}

/* ---- Line and dot charts ---- */

struct svg_plot {
    char *title;
    char *x_label;
    char *y_label;
    series_list series;
    int log_x;
    int log_y;
    int fixed_y;       /* y spans [y_lo, y_hi], not the data */
    double y_lo, y_hi;
};

svg_plot *svg_plot_create(const char *title, const char *x_label,
                          const char *y_label)
{
    svg_plot *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->title = copy_text(title);
    p->x_label = copy_text(x_label);
    p->y_label = copy_text(y_label);
    if (!p->title || !p->x_label || !p->y_label) {
        svg_plot_destroy(p);
        return NULL;
    }
    return p;
}

int svg_plot_add_line(svg_plot *p, const double *x, const double *y, size_t n,
                      const char *label, const char *color)
{
    return p ? series_list_add(&p->series, x, y, n, label, color, 0) : -1;
}

int svg_plot_add_points(svg_plot *p, const double *x, const double *y,
                        size_t n, const char *label, const char *color)
{
    return p ? series_list_add(&p->series, x, y, n, label, color, 1) : -1;
}

void svg_plot_set_log_x(svg_plot *p, int on)
{
    if (p != NULL)
        p->log_x = on != 0;
}

void svg_plot_set_log_y(svg_plot *p, int on)
{
    if (p != NULL)
        p->log_y = on != 0;
}

void svg_plot_set_y_range(svg_plot *p, double lo, double hi)
{
    if (p != NULL && isfinite(lo) && isfinite(hi) && lo < hi &&
        (!p->log_y || lo > 0.0)) {
        p->fixed_y = 1;
        p->y_lo = lo;
        p->y_hi = hi;
    }
}

void svg_plot_destroy(svg_plot *p)
{
    if (p == NULL)
        return;
    series_list_free(&p->series);
    free(p->title);
    free(p->x_label);
    free(p->y_label);
    free(p);
}

/* The smallest and largest drawable value of one coordinate over all
 * series; [1, 10] (fine on either scale) when there is none. */
static void data_range(const series_list *list, int use_y, int log_scale,
                       double *lo, double *hi)
{
    axis probe = {0.0, 1.0, log_scale};
    *lo = HUGE_VAL;
    *hi = -HUGE_VAL;
    for (size_t i = 0; i < list->count; i++) {
        const series *s = &list->items[i];
        for (size_t k = 0; k < s->n; k++) {
            /* A point counts only when both coordinates can be drawn. */
            double px = s->x[k], py = s->y[k];
            double v = use_y ? py : px;
            if (!isfinite(px) || !isfinite(py) ||
                isnan(axis_units(&probe, v)))
                continue;
            *lo = fmin(*lo, v);
            *hi = fmax(*hi, v);
        }
    }
    if (*lo > *hi) {
        *lo = 1.0;
        *hi = 10.0;
    }
}

static void plot_frame(const svg_plot *p, frame *f)
{
    double lo, hi;
    int any_dots = 0;
    for (size_t i = 0; i < p->series.count; i++)
        any_dots |= p->series.items[i].as_dots;
    f->left = PLOT_LEFT;
    f->top = PLOT_TOP;
    f->width = LINE_PLOT_WIDTH;
    f->height = PLOT_HEIGHT;
    /* x spans the data exactly (a time series fills the width); y is
     * rounded out to whole ticks so the curve never touches the border. */
    data_range(&p->series, 0, p->log_x, &lo, &hi);
    axis_fit(&f->x, lo, hi, p->log_x, 0);
    if (any_dots || p->log_x)
        axis_pad(&f->x, 0.03); /* dots at the ends stay whole */
    data_range(&p->series, 1, p->log_y, &lo, &hi);
    if (p->fixed_y) {
        lo = p->y_lo;
        hi = p->y_hi;
    }
    axis_fit(&f->y, lo, hi, p->log_y, 1);
    if (any_dots)
        axis_pad(&f->y, 0.02); /* a dot on a round value is not halved */
}

/* A small triangle on the top edge over each point of `s` above the
 * axis: a value the fixed scale leaves out is marked, not hidden.
 * Returns how many were drawn. */
static size_t write_overflow_marks(FILE *out, const frame *f,
                                   const series *s)
{
    size_t marks = 0;
    for (size_t i = 0; i < s->n; i++) {
        double px, py;
        if (!frame_point(f, s->x[i], s->y[i], &px, &py) || py >= f->top ||
            px < f->left - 0.5 || px > f->left + f->width + 0.5)
            continue;
        fprintf(out, "<path d=\"M%.1f %.1fl-4 7h8z\" fill=\"", px,
                f->top + 1.0);
        write_escaped(out, s->color);
        fputs("\"/>\n", out);
        marks++;
    }
    return marks;
}

/* One line chart, drawn at the document's origin; `clip_id` must be
 * unique in the document. */
static void write_line_chart(FILE *out, const svg_plot *p,
                             const char *clip_id)
{
    frame f;
    size_t marks = 0;
    plot_frame(p, &f);
    write_title(out, p->title);
    write_clip(out, &f, clip_id);
    write_axes(out, &f, p->x_label, p->y_label, 1);
    fprintf(out, "<g clip-path=\"url(#%s)\">\n", clip_id);
    for (size_t i = 0; i < p->series.count; i++) {
        const series *s = &p->series.items[i];
        if (s->as_dots)
            write_dots(out, &f, s);
        else
            write_polyline(out, &f, s, 2.0, 1.0);
    }
    fputs("</g>\n", out);
    for (size_t i = 0; p->fixed_y && i < p->series.count; i++)
        marks += write_overflow_marks(out, &f, &p->series.items[i]);
    write_border(out, &f);
    write_legend(out, &p->series, f.left + f.width + 20.0, f.top + 10.0);
    if (marks > 0)
        write_text(out, f.left + f.width + 20.0,
                   f.top + 14.0 + 20.0 * (double)p->series.count, "start",
                   " fill=\"#555\"", "triangles: above the scale");
}

int svg_plot_save(const svg_plot *p, const char *path)
{
    if (p == NULL || path == NULL) {
        errno = EINVAL;
        return -1;
    }
    errno = 0;
    FILE *out = fopen(path, "w");
    if (out == NULL)
        return -1;
    write_root(out, CANVAS_WIDTH);
    write_line_chart(out, p, "plot-area");
    fputs("</svg>\n", out);
    return finish_file(out);
}

int svg_plot_save_pair(const svg_plot *left, const svg_plot *right,
                       const char *path)
{
    if (left == NULL || right == NULL || path == NULL) {
        errno = EINVAL;
        return -1;
    }
    errno = 0;
    FILE *out = fopen(path, "w");
    if (out == NULL)
        return -1;
    write_root(out, 2.0 * CANVAS_WIDTH);
    write_line_chart(out, left, "plot-area-left");
    fprintf(out, "<g transform=\"translate(%.0f 0)\">\n", CANVAS_WIDTH);
    write_line_chart(out, right, "plot-area-right");
    fputs("</g>\n</svg>\n", out);
    return finish_file(out);
}

/* ---- Heat maps ---- */

struct svg_heatmap {
    char *title;
    char *x_label;
    char *y_label;
    double *z;
    size_t nx, ny;
    double x_min, x_max, y_min, y_max;
    size_t n_contours;
    int log_scale;
    series_list paths;
};

svg_heatmap *svg_heatmap_create(const char *title, const char *x_label,
                                const char *y_label, const double *z,
                                size_t nx, size_t ny, double x_min,
                                double x_max, double y_min, double y_max,
                                size_t n_contours, int log_scale)
{
    if (z == NULL || nx < 2 || ny < 2 || nx > SIZE_MAX / ny ||
        !(x_min < x_max) || !(y_min < y_max) || !isfinite(x_max - x_min) ||
        !isfinite(y_max - y_min))
        return NULL;
    svg_heatmap *h = calloc(1, sizeof *h);
    if (h == NULL)
        return NULL;
    h->nx = nx;
    h->ny = ny;
    h->x_min = x_min;
    h->x_max = x_max;
    h->y_min = y_min;
    h->y_max = y_max;
    h->n_contours = n_contours;
    h->log_scale = log_scale != 0;
    h->title = copy_text(title);
    h->x_label = copy_text(x_label);
    h->y_label = copy_text(y_label);
    h->z = copy_values(z, nx * ny);
    if (!h->title || !h->x_label || !h->y_label || !h->z) {
        svg_heatmap_destroy(h);
        return NULL;
    }
    return h;
}

int svg_heatmap_add_path(svg_heatmap *h, const double *x, const double *y,
                         size_t n, const char *label, const char *color)
{
    return h ? series_list_add(&h->paths, x, y, n, label, color, 0) : -1;
}

void svg_heatmap_destroy(svg_heatmap *h)
{
    if (h == NULL)
        return;
    series_list_free(&h->paths);
    free(h->title);
    free(h->x_label);
    free(h->y_label);
    free(h->z);
    free(h);
}

/*
 * How z turns into a colour position in [0, 1]. On a log scale we use
 * log(z - z_lo + offset): plain log z when all z > 0, and still defined
 * (lowest values stretched out) when some are 0 or negative.
 */
typedef struct color_scale {
    double z_lo, z_hi;
    double offset;
    double f_lo, f_hi;
    int log_scale;
} color_scale;

static double scale_transform(const color_scale *c, double z)
{
    return c->log_scale ? log(z - c->z_lo + c->offset) : z;
}

static void scale_init(color_scale *c, const svg_heatmap *h)
{
    size_t n = h->nx * h->ny;
    c->z_lo = HUGE_VAL;
    c->z_hi = -HUGE_VAL;
    for (size_t i = 0; i < n; i++)
        if (isfinite(h->z[i])) {
            c->z_lo = fmin(c->z_lo, h->z[i]);
            c->z_hi = fmax(c->z_hi, h->z[i]);
        }
    if (c->z_lo > c->z_hi)
        c->z_lo = c->z_hi = 0.0; /* nothing finite: all cells blank */
    double span = c->z_hi - c->z_lo;
    c->log_scale = h->log_scale;
    c->offset = c->z_lo > 0.0 ? c->z_lo : (span > 0.0 ? 1e-3 * span : 1.0);
    c->f_lo = scale_transform(c, c->z_lo);
    c->f_hi = scale_transform(c, c->z_hi);
}

/* Position of z on the colour ramp, or NaN for a value not to draw. */
static double scale_position(const color_scale *c, double z)
{
    if (!isfinite(z))
        return NOT_A_NUMBER;
    if (!(c->f_hi > c->f_lo))
        return 0.5; /* constant data: one mid colour */
    return (scale_transform(c, z) - c->f_lo) / (c->f_hi - c->f_lo);
}

/* The z at ramp position t: scale_position inverted, for bar labels. */
static double scale_value(const color_scale *c, double t)
{
    double f = c->f_lo + t * (c->f_hi - c->f_lo);
    return c->log_scale ? exp(f) - c->offset + c->z_lo : f;
}

/*
 * Viridis sampled at 9 points, linearly interpolated: lightness rises
 * steadily from dark purple to yellow, so equal steps in z look like
 * equal steps in colour, and it survives grey-scale printing.
 */
static void ramp_color(double t, char *hex, size_t size)
{
    static const unsigned char stops[9][3] = {
        {68, 1, 84},    {71, 45, 123},  {59, 82, 139},
        {44, 114, 142}, {33, 145, 140}, {40, 174, 128},
        {94, 201, 98},  {173, 220, 48}, {253, 231, 37},
    };
    t = fmin(fmax(t, 0.0), 1.0) * 8.0;
    size_t k = (size_t)fmin(floor(t), 7.0);
    double u = t - (double)k;
    int rgb[3];
    for (size_t c = 0; c < 3; c++)
        rgb[c] = (int)lround((1.0 - u) * stops[k][c] + u * stops[k + 1][c]);
    snprintf(hex, size, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
}

static double grid_x(const svg_heatmap *h, double i)
{
    return h->x_min + i * (h->x_max - h->x_min) / (double)(h->nx - 1);
}

static double grid_y(const svg_heatmap *h, double j)
{
    return h->y_min + j * (h->y_max - h->y_min) / (double)(h->ny - 1);
}

/* Colour position rounded to one of this many shades, or -1 for a value
 * not to draw: neighbours with the same shade merge into one rectangle. */
#define SHADES 128

static int cell_shade(const svg_heatmap *h, const color_scale *c, size_t i,
                      size_t j)
{
    double t = scale_position(c, h->z[j * h->nx + i]);
    if (isnan(t))
        return -1;
    return (int)lround(fmin(fmax(t, 0.0), 1.0) * (SHADES - 1));
}

/* The rectangle of grid nodes i_begin..i_end-1 in row j, as path data:
 * each node's cell is centred on it (half cells at the edges). It is
 * 0.5 px larger than its cells so no hairline seams show between
 * neighbours; the clip path trims the overhang at the border. */
static void write_run(FILE *out, const frame *f, const svg_heatmap *h,
                      size_t j, size_t i_begin, size_t i_end)
{
    double y_top = frame_py(f, grid_y(h, (double)j + 0.5));
    double y_bottom = frame_py(f, grid_y(h, (double)j - 0.5));
    double x_left = frame_px(f, grid_x(h, (double)i_begin - 0.5));
    double x_right = frame_px(f, grid_x(h, (double)i_end - 0.5));
    double width = x_right - x_left + 0.5;
    fprintf(out, "M%.1f %.1fh%.1fv%.1fh%.1fz", x_left, y_top, width,
            y_bottom - y_top + 0.5, -width);
}

/*
 * The coloured cells: one SVG path per shade, holding every run of
 * neighbours in a row that share it. 128 shades look smooth, and this
 * keeps a 100 x 100 map to a few hundred kilobytes.
 */
static int write_cells(FILE *out, const frame *f, const svg_heatmap *h,
                       const color_scale *c)
{
    size_t n = h->nx * h->ny;
    int *shades = malloc(n * sizeof *shades);
    if (shades == NULL)
        return -1;
    for (size_t j = 0; j < h->ny; j++)
        for (size_t i = 0; i < h->nx; i++)
            shades[j * h->nx + i] = cell_shade(h, c, i, j);
    for (int shade = 0; shade < SHADES; shade++) {
        int started = 0;
        for (size_t j = 0; j < h->ny; j++) {
            const int *row = shades + j * h->nx;
            for (size_t i = 0, end; i < h->nx; i = end) {
                for (end = i + 1; end < h->nx && row[end] == row[i]; end++)
                    continue;
                if (row[i] != shade)
                    continue;
                if (!started) {
                    char hex[8];
                    ramp_color((double)shade / (SHADES - 1), hex,
                               sizeof hex);
                    fprintf(out, "<path fill=\"%s\" d=\"", hex);
                    started = 1;
                }
                write_run(out, f, h, j, i, end);
            }
        }
        if (started)
            fputs("\"/>\n", out);
    }
    free(shades);
    return 0;
}

/*
 * Marching squares on one grid cell. Corners v[0..3] are (i,j), (i+1,j),
 * (i+1,j+1), (i,j+1): anticlockwise from bottom left, and edge e runs from
 * corner e to corner e+1. A contour crosses an edge whose ends lie on
 * opposite sides of the level, at the linearly interpolated point.
 */
static const double corner_di[4] = {0.0, 1.0, 1.0, 0.0};
static const double corner_dj[4] = {0.0, 0.0, 1.0, 1.0};

/* Write the contour segment between the crossings on edges a and b. */
static void write_crossing_segment(FILE *out, const frame *f,
                                   const svg_heatmap *h, size_t i,
                                   size_t j, const double v[4],
                                   double level, int edge_a, int edge_b)
{
    int edges[2] = {edge_a, edge_b};
    double px[2], py[2];
    for (int e = 0; e < 2; e++) {
        int from = edges[e], to = (edges[e] + 1) % 4;
        double s = (level - v[from]) / (v[to] - v[from]);
        double gi = corner_di[from] + s * (corner_di[to] - corner_di[from]);
        double gj = corner_dj[from] + s * (corner_dj[to] - corner_dj[from]);
        px[e] = frame_px(f, grid_x(h, (double)i + gi));
        py[e] = frame_py(f, grid_y(h, (double)j + gj));
    }
    fprintf(out, "M%.1f %.1fL%.1f %.1f", px[0], py[0], px[1], py[1]);
}

/* The segment that cuts corner k off from the rest of the cell: it joins
 * the two edges that meet at k. */
static void write_corner_cut(FILE *out, const frame *f,
                             const svg_heatmap *h, size_t i, size_t j,
                             const double v[4], double level, int corner)
{
    write_crossing_segment(out, f, h, i, j, v, level, (corner + 3) % 4,
                           corner);
}

static void write_cell_contour(FILE *out, const frame *f,
                               const svg_heatmap *h, size_t i, size_t j,
                               const double v[4], double level)
{
    int above[4], count = 0;
    for (int k = 0; k < 4; k++) {
        above[k] = v[k] >= level;
        count += above[k];
    }
    if (count == 0 || count == 4)
        return;
    if (count == 1 || count == 3) {
        /* One corner is the odd one out: cut it off. */
        for (int k = 0; k < 4; k++)
            if (above[k] == (count == 1))
                write_corner_cut(out, f, h, i, j, v, level, k);
    } else if (above[0] == above[2]) {
        /* A saddle: diagonal corners agree. The cell centre's average
         * decides which pair is joined through the middle; the other two
         * corners are cut off. */
        int centre_above = (v[0] + v[1] + v[2] + v[3]) / 4.0 >= level;
        int first = above[0] == centre_above ? 1 : 0;
        write_corner_cut(out, f, h, i, j, v, level, first);
        write_corner_cut(out, f, h, i, j, v, level, first + 2);
    } else {
        /* Corners k and k+1 above, the others below: one line across,
         * from the edge entering k to the edge leaving k+1. */
        int k = 0;
        while (!(above[k] && !above[(k + 3) % 4]))
            k++;
        write_crossing_segment(out, f, h, i, j, v, level, (k + 3) % 4,
                               (k + 1) % 4);
    }
}

/*
 * Contour lines at evenly spaced colour positions (so evenly spaced in
 * log z on a log scale): the lecture's "same loss" rings. Cells with a
 * value that cannot be drawn are skipped.
 */
static void write_contours(FILE *out, const frame *f, const svg_heatmap *h,
                           const color_scale *c)
{
    if (!(c->f_hi > c->f_lo))
        return; /* flat data has no contours */
    fputs("<path fill=\"none\" stroke=\"white\" stroke-opacity=\"0.7\" "
          "stroke-width=\"0.8\" d=\"",
          out);
    for (size_t k = 1; k <= h->n_contours; k++) {
        double level = (double)k / (double)(h->n_contours + 1);
        for (size_t j = 0; j + 1 < h->ny; j++)
            for (size_t i = 0; i + 1 < h->nx; i++) {
                double v[4] = {
                    scale_position(c, h->z[j * h->nx + i]),
                    scale_position(c, h->z[j * h->nx + i + 1]),
                    scale_position(c, h->z[(j + 1) * h->nx + i + 1]),
                    scale_position(c, h->z[(j + 1) * h->nx + i]),
                };
                if (isnan(v[0]) || isnan(v[1]) || isnan(v[2]) ||
                    isnan(v[3]))
                    continue;
                write_cell_contour(out, f, h, i, j, v, level);
            }
    }
    fputs("\"/>\n", out);
}

/* The colour ramp as a vertical bar (an SVG gradient through the same
 * stops, so no seams) with z values beside it; white marks show the
 * contour levels. */
static void write_color_bar(FILE *out, const frame *f, const color_scale *c,
                            size_t n_contours)
{
    enum { STOPS = 17, LABELS = 5 };
    double x = f->left + f->width + 16.0;
    char text[32], hex[8];
    fputs("<defs><linearGradient id=\"ramp\" x1=\"0\" y1=\"1\" x2=\"0\" "
          "y2=\"0\">\n",
          out);
    for (int k = 0; k < STOPS; k++) {
        double t = (double)k / (STOPS - 1);
        ramp_color(t, hex, sizeof hex);
        fprintf(out, "<stop offset=\"%.4f\" stop-color=\"%s\"/>\n", t, hex);
    }
    fputs("</linearGradient></defs>\n", out);
    fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                 "fill=\"url(#ramp)\" stroke=\"#333\"/>\n",
            x, f->top, COLOR_BAR_WIDTH, f->height);
    for (size_t k = 1; k <= n_contours; k++) {
        double y = f->top + f->height *
                                (1.0 - (double)k / (double)(n_contours + 1));
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                     "stroke=\"white\" stroke-opacity=\"0.7\"/>\n",
                x, y, x + COLOR_BAR_WIDTH, y);
    }
    for (int k = 0; k < LABELS; k++) {
        double t = (double)k / (LABELS - 1);
        snprintf(text, sizeof text, "%.3g", scale_value(c, t));
        write_text(out, x + COLOR_BAR_WIDTH + 5.0,
                   f->top + (1.0 - t) * f->height + 4.0, "start", "", text);
    }
}

/* A path with its markers: a ring at the start, a filled dot with an
 * outline at the end, small dots between (thinned out for long paths). */
static void write_path(FILE *out, const frame *f, const series *s)
{
    /* Slightly see-through: a path that bounces back and forth shows as
     * a hatched band, with the contours still visible under it. */
    write_polyline(out, f, s, 1.5, 0.75);
    size_t stride = (s->n + MAX_PATH_MARKERS - 1) / MAX_PATH_MARKERS;
    for (size_t i = 0; i < s->n; i++) {
        double px, py;
        int last = i + 1 == s->n;
        if (!frame_point(f, s->x[i], s->y[i], &px, &py) ||
            !frame_contains(f, px, py))
            continue;
        if (i == 0) {
            fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" "
                         "fill=\"none\" stroke-width=\"2\" stroke=\"",
                    px, py);
            write_escaped(out, s->color);
            fputs("\"/>\n", out);
        } else if (last) {
            fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" "
                         "stroke=\"black\" fill=\"",
                    px, py);
            write_escaped(out, s->color);
            fputs("\"/>\n", out);
        } else if (i % stride == 0) {
            write_dot(out, px, py, 2.0, s->color);
        }
    }
}

int svg_heatmap_save(const svg_heatmap *h, const char *path)
{
    if (h == NULL || path == NULL) {
        errno = EINVAL;
        return -1;
    }
    frame f = {PLOT_LEFT, PLOT_TOP, HEATMAP_WIDTH, PLOT_HEIGHT,
               {h->x_min, h->x_max, 0}, {h->y_min, h->y_max, 0}};
    color_scale c;
    scale_init(&c, h);
    errno = 0;
    FILE *out = fopen(path, "w");
    if (out == NULL)
        return -1;
    write_header(out, h->title);
    write_clip(out, &f, "plot-area");
    fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                 "height=\"%.1f\" fill=\"#bbbbbb\"/>\n",
            f.left, f.top, f.width, f.height);
    fputs("<g clip-path=\"url(#plot-area)\" shape-rendering=\"crispEdges\">\n",
          out);
    if (write_cells(out, &f, h, &c) != 0) {
        fclose(out);
        errno = ENOMEM;
        return -1;
    }
    fputs("</g>\n<g clip-path=\"url(#plot-area)\">\n", out);
    write_contours(out, &f, h, &c);
    for (size_t i = 0; i < h->paths.count; i++)
        write_path(out, &f, &h->paths.items[i]);
    fputs("</g>\n", out);
    write_axes(out, &f, h->x_label, h->y_label, 0);
    write_border(out, &f);
    write_color_bar(out, &f, &c, h->n_contours);
    double legend_x = f.left + f.width + 90.0;
    write_legend(out, &h->paths, legend_x, f.top + 10.0);
    if (h->paths.count > 0)
        write_text(out, legend_x,
                   f.top + 14.0 + 20.0 * (double)h->paths.count, "start",
                   " fill=\"#555\"", "ring: start, dot: end");
    fputs("</svg>\n", out);
    return finish_file(out);
}
