/*
 * error_surface: the loss of y = b + w x over (w, b), and gradient descent
 * walking down it with three learning rates.
 *
 * Hung-yi Lee's ML 2021 lecture 1 predicts a YouTube channel's views from
 * yesterday's: y = b + w x (x, y in thousands of views). Each choice of the
 * two parameters (w, b) has a loss L(w, b), here the mean absolute error
 * over the training days (2017-2020). Computed over a grid of (w, b) and
 * coloured, that is the lecture's "error surface": a long narrow valley,
 * because raising w can be undone by lowering b.
 *
 * Gradient descent starts at some (w0, b0) and repeats
 *     w <- w - lr dL/dw,   b <- b - lr dL/db
 * The learning rate lr is a hyperparameter we choose: too small and it
 * crawls, too large and it overshoots the valley and bounces, a good one
 * reaches the valley floor. The program runs all three with nnlite (a model
 * of one dense layer 1 -> 1 is exactly y = b + w x) and draws their paths
 * on the surface in error_surface.svg.
 *
 * It also checks those claims and exits non-zero when one fails, so it
 * doubles as a test: the good rate must end lower than the small one, the
 * large one must end higher than the good one (or diverge), and the loss
 * nnlite reports must equal the surface computed by hand.
 *
 * Usage: error_surface [--data FILE] [--out DIR] [--quick]
 */
#include <nnlite/nnlite.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "svg_plot.h"
#include "views_csv.h"

/* Meson compiles in the shipped file's absolute path; a plain `cc` build
 * looks for it relative to the repository root. */
#ifndef ERROR_SURFACE_DEFAULT_DATA
#define ERROR_SURFACE_DEFAULT_DATA "examples/data/channel_views.csv"
#endif

/* Training data: days before this date (ISO dates compare as text). */
#define FIRST_TEST_DAY "2021-01-01"

/* The grid: w is a ratio (today / yesterday), so a fixed range fits any
 * channel; b is in thousands of views, so its range follows the data. */
#define W_LOW (-0.5)
#define W_HIGH 2.5
#define B_RANGE_IN_MEAN_VIEWS 1.5

/* Where every run starts: low left on the map, far from the valley floor. */
#define START_W_FRACTION 0.1 /* of the way from W_LOW to W_HIGH */
#define START_B_FRACTION 0.2 /* of the way from the lowest b */

/*
 * Stop tests. MAE's gradient never shrinks near the minimum (it is the
 * mean of signs), so "gradient ~0" is rare: the usual stop is that the
 * loss stopped improving, because the steps now overshoot back and forth.
 */
#define GRADIENT_TINY 1e-6
#define IMPROVEMENT 1e-5   /* relative gain that counts as progress */
#define DIVERGED_FACTOR 1e3 /* loss this many times the start's: gone */

typedef struct options {
    const char *data_path;
    const char *out_dir;
    int quick;
} options;

/* Training pairs: x[i] yesterday's views, y[i] today's, in thousands. */
typedef struct dataset {
    float *x;
    float *y;
    size_t n;
    double mean_y;
} dataset;

/* The loss at each grid node: loss[j * nw + i] at (w_i, b_j). */
typedef struct surface {
    double *loss;
    size_t nw, nb;
    double w_low, w_high, b_low, b_high;
} surface;

typedef enum stop_reason {
    STOP_ITERATION_CAP,
    STOP_GRADIENT_ZERO,
    STOP_NO_IMPROVEMENT,
    STOP_DIVERGED
} stop_reason;

/* One gradient-descent run and the path it took. */
typedef struct run {
    float learning_rate;
    const char *verdict; /* what the lecture expects of this rate */
    const char *color;
    double *w;
    double *b;
    size_t points;     /* (w, b) visited, start included */
    size_t updates;    /* updates applied = points - 1 */
    double start_loss; /* L(w0, b0) as the model computed it */
    double final_loss; /* at the last point; NaN if diverged */
    stop_reason reason;
} run;

/* ---- Command line ---- */

static void print_usage(FILE *out)
{
    fputs("usage: error_surface [--data FILE] [--out DIR] [--quick]\n"
          "  --data FILE  daily views CSV (Date,Views); default:\n"
          "               " ERROR_SURFACE_DEFAULT_DATA "\n"
          "  --out DIR    where error_surface.svg goes (default: .)\n"
          "  --quick      coarse grid and few steps (for the test suite)\n",
          out);
}

/* 0: run; 1: exit successfully (help shown); -1: bad usage. */
static int parse_options(int argc, char **argv, options *opt)
{
    opt->data_path = ERROR_SURFACE_DEFAULT_DATA;
    opt->out_dir = ".";
    opt->quick = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            print_usage(stdout);
            return 1;
        } else if (strcmp(argv[i], "--quick") == 0) {
            opt->quick = 1;
        } else if (strcmp(argv[i], "--data") == 0 && i + 1 < argc) {
            opt->data_path = argv[++i];
        } else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            opt->out_dir = argv[++i];
        } else {
            fprintf(stderr, "error_surface: unexpected argument '%s'\n",
                    argv[i]);
            print_usage(stderr);
            return -1;
        }
    }
    return 0;
}

/* ---- Data ---- */

/* Day number of FIRST_TEST_DAY (a valid date, so date_parse succeeds). */
static long first_test_day(void)
{
    long day = 0;
    date_parse(FIRST_TEST_DAY, strlen(FIRST_TEST_DAY), &day);
    return day;
}

/*
 * Pairs (yesterday, today) from the days before FIRST_TEST_DAY, in
 * thousands: the 1-day model's inputs and targets. A day after a gap in
 * the file has no yesterday, so it starts no pair.
 */
static int make_pairs(const views_series *series, const char *path,
                      dataset *data)
{
    const long test_start = first_test_day();
    size_t days = 0;
    while (days < series->count && series->days[days] < test_start)
        days++;
    if (days < 2) {
        fprintf(stderr, "%s: need at least 2 days before %s\n", path,
                FIRST_TEST_DAY);
        return -1;
    }
    data->n = 0;
    data->x = malloc((days - 1) * sizeof *data->x);
    data->y = malloc((days - 1) * sizeof *data->y);
    if (data->x == NULL || data->y == NULL) {
        fputs("error_surface: out of memory\n", stderr);
        return -1;
    }
    double sum = 0.0;
    for (size_t i = 1; i < days; i++) {
        if (series->days[i] != series->days[i - 1] + 1)
            continue;
        data->x[data->n] = (float)(series->views[i - 1] / 1000.0);
        data->y[data->n] = (float)(series->views[i] / 1000.0);
        sum += (double)data->y[data->n];
        data->n++;
    }
    if (data->n == 0) {
        fprintf(stderr, "%s: no two consecutive days before %s\n", path,
                FIRST_TEST_DAY);
        return -1;
    }
    data->mean_y = sum / (double)data->n;
    return 0;
}

/* Read the file with the examples' CSV reader (examples/common), which
 * rejects malformed data naming the line, then pair up the days. */
static int load_dataset(const char *path, dataset *data)
{
    views_series series;
    char error[256];
    if (views_csv_read(&series, path, error, sizeof error) != 0) {
        fprintf(stderr, "error_surface: %s\n", error);
        return -1;
    }
    int status = make_pairs(&series, path, data);
    views_series_free(&series);
    return status;
}

/* ---- The error surface ---- */

static double grid_value(double low, double high, size_t i, size_t n)
{
    return low + (high - low) * (double)i / (double)(n - 1);
}

static void report_loss_failure(nnlite_loss *loss, nnlite_status s)
{
    fprintf(stderr, "error_surface: loss: %s (%s)\n",
            nnlite_status_string(s), nnlite_loss_last_error(loss));
}

/*
 * L(w, b) = mean |b + w x - y| at every grid node. The predictions are
 * written by hand into one tensor (the model is just b + w x), and
 * nnlite_loss_compute, the same MAE the model trains with, scores them.
 */
static int compute_surface(const dataset *data, surface *surf)
{
    nnlite_loss *loss = NULL;
    nnlite_tensor *pred = NULL, *target = NULL;
    int result = -1;
    nnlite_status s = nnlite_loss_mae_create(&loss);
    if (s == NNLITE_OK)
        s = nnlite_tensor_create2d(&pred, data->n, 1);
    if (s == NNLITE_OK)
        s = nnlite_tensor_wrap2d(&target, data->y, data->n, 1);
    if (s != NNLITE_OK) {
        fprintf(stderr, "error_surface: setup: %s\n",
                nnlite_status_string(s));
        goto done;
    }
    float *p = nnlite_tensor_data(pred);
    for (size_t j = 0; j < surf->nb; j++) {
        float b = (float)grid_value(surf->b_low, surf->b_high, j, surf->nb);
        for (size_t i = 0; i < surf->nw; i++) {
            float w = (float)grid_value(surf->w_low, surf->w_high, i,
                                        surf->nw);
            for (size_t k = 0; k < data->n; k++)
                p[k] = b + w * data->x[k];
            float value;
            s = nnlite_loss_compute(loss, pred, target, &value, NULL);
            if (s != NNLITE_OK) {
                report_loss_failure(loss, s);
                goto done;
            }
            surf->loss[j * surf->nw + i] = (double)value;
        }
    }
    result = 0;
done:
    nnlite_tensor_destroy(target);
    nnlite_tensor_destroy(pred);
    nnlite_loss_destroy(loss);
    return result;
}

/* The lowest grid node: where the valley floor is, to within a cell. */
static size_t surface_minimum(const surface *surf)
{
    size_t best = 0;
    for (size_t k = 1; k < surf->nw * surf->nb; k++)
        if (surf->loss[k] < surf->loss[best])
            best = k;
    return best;
}

/* ---- Gradient descent with nnlite ---- */

static void report_model_failure(nnlite_model *model, const char *what,
                                 nnlite_status s)
{
    fprintf(stderr, "error_surface: %s: %s (%s)\n", what,
            nnlite_status_string(s), nnlite_model_last_error(model));
}

/*
 * y = b + w x as an nnlite model: one dense layer 1 -> 1, MAE loss and
 * plain gradient descent (SGD, momentum 0). Its parameter buffer holds W
 * then b, so params[0] is w and params[1] is b.
 */
static nnlite_status make_linear_model(nnlite_model **out, float lr)
{
    nnlite_model *model = NULL;
    nnlite_layer *dense = NULL;
    nnlite_loss *loss = NULL;
    nnlite_optimizer *sgd = NULL;
    nnlite_status s = nnlite_model_create(&model, 1, 1);
    if (s == NNLITE_OK)
        s = nnlite_dense_create(&dense, 1, 1);
    if (s == NNLITE_OK)
        s = nnlite_model_add(model, dense); /* owns it, even on failure */
    if (s == NNLITE_OK)
        s = nnlite_loss_mae_create(&loss);
    if (s == NNLITE_OK)
        s = nnlite_model_set_loss(model, loss);
    if (s == NNLITE_OK)
        s = nnlite_sgd_create(&sgd, lr, 0.0f);
    if (s == NNLITE_OK)
        s = nnlite_model_set_optimizer(model, sgd);
    if (s != NNLITE_OK) {
        report_model_failure(model, "building the model", s);
        nnlite_model_destroy(model);
        model = NULL;
    }
    *out = model;
    return s;
}

static const char *stop_text(stop_reason reason)
{
    switch (reason) {
    case STOP_ITERATION_CAP: return "hit the iteration cap";
    case STOP_GRADIENT_ZERO: return "gradient ~0";
    case STOP_NO_IMPROVEMENT: return "loss stopped improving";
    case STOP_DIVERGED: return "diverged (loss blew up)";
    }
    return "?";
}

/* What the stop test remembers between updates. */
typedef struct progress {
    double start_loss;
    double best_loss;
    size_t best_step;
} progress;

/*
 * Decide whether to stop after seeing the loss and gradient at `step`
 * (updates applied so far): 1 with *why set, or 0 to go on.
 */
static int should_stop(progress *p, size_t step, double loss,
                       double gradient_norm, size_t max_updates,
                       size_t patience, stop_reason *why)
{
    if (step == 0)
        p->start_loss = p->best_loss = loss;
    if (!isfinite(loss) || loss > DIVERGED_FACTOR * p->start_loss)
        *why = STOP_DIVERGED;
    else if (gradient_norm < GRADIENT_TINY)
        *why = STOP_GRADIENT_ZERO;
    else if (step - p->best_step >= patience)
        *why = STOP_NO_IMPROVEMENT;
    else if (step == max_updates)
        *why = STOP_ITERATION_CAP;
    else {
        if (loss < p->best_loss * (1.0 - IMPROVEMENT)) {
            p->best_loss = loss;
            p->best_step = step;
        }
        return 0;
    }
    return 1;
}

/*
 * Gradient descent from (w0, b0) on the whole training set (one batch,
 * so each step follows the exact gradient of L). compute_gradients and
 * apply_gradients are the two halves of train_batch; calling them apart
 * lets us look at the gradient before each update, for the stop test.
 * nnlite refuses a NaN or infinite loss or gradient (NNLITE_ENUMERIC),
 * which here means the run diverged.
 */
static int descend(const dataset *data, run *r, double w0, double b0,
                   size_t max_updates, size_t patience)
{
    nnlite_model *model = NULL;
    nnlite_tensor *x = NULL, *y = NULL;
    int result = -1;
    if (make_linear_model(&model, r->learning_rate) != NNLITE_OK)
        return -1;
    nnlite_status s = nnlite_tensor_wrap2d(&x, data->x, data->n, 1);
    if (s == NNLITE_OK)
        s = nnlite_tensor_wrap2d(&y, data->y, data->n, 1);
    if (s != NNLITE_OK) {
        report_model_failure(model, "wrapping the data", s);
        goto done;
    }
    float *params = nnlite_model_params(model); /* [w, b] */
    const float *grads = nnlite_model_grads(model);
    if (params == NULL || grads == NULL) {
        fputs("error_surface: the model has no parameters\n", stderr);
        goto done;
    }
    params[0] = (float)w0;
    params[1] = (float)b0;

    progress p = {0.0, 0.0, 0};
    for (size_t step = 0;; step++) {
        float loss = NAN; /* stays NaN if nnlite refuses it */
        r->w[step] = (double)params[0];
        r->b[step] = (double)params[1];
        r->points = step + 1;
        r->updates = step;
        s = nnlite_model_compute_gradients(model, x, y, &loss);
        if (s != NNLITE_OK && s != NNLITE_ENUMERIC) {
            report_model_failure(model, "compute_gradients", s);
            goto done;
        }
        r->final_loss = (double)loss;
        if (step == 0)
            r->start_loss = (double)loss;
        double norm = hypot((double)grads[0], (double)grads[1]);
        if (should_stop(&p, step, (double)loss, norm, max_updates,
                        patience, &r->reason))
            break;
        s = nnlite_model_apply_gradients(model);
        if (s == NNLITE_ENUMERIC) {
            r->reason = STOP_DIVERGED;
            break;
        }
        if (s != NNLITE_OK) {
            report_model_failure(model, "apply_gradients", s);
            goto done;
        }
    }
    result = 0;
done:
    nnlite_tensor_destroy(y);
    nnlite_tensor_destroy(x);
    nnlite_model_destroy(model);
    return result;
}

/* ---- Checks and output ---- */

/*
 * The model's loss at its start must be the surface's L(w0, b0) done by
 * hand: same data, same MAE, once through nnlite's dense layer and loss.
 */
static int check_model_matches_hand(const dataset *data, const run *r)
{
    double sum = 0.0;
    for (size_t k = 0; k < data->n; k++)
        sum += fabs(r->b[0] + r->w[0] * (double)data->x[k] -
                    (double)data->y[k]);
    double by_hand = sum / (double)data->n;
    int ok = fabs(by_hand - r->start_loss) <= 1e-4 * by_hand + 1e-6;
    printf("  %s the model's loss at (w0, b0) equals L by hand "
           "(%.5f, %.5f)\n",
           ok ? "ok:    " : "FAILED:", r->start_loss, by_hand);
    return ok ? 0 : -1;
}

static long file_size(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return -1;
    long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    fclose(f);
    return size;
}

static int write_svg(const surface *surf, const run *runs, size_t n_runs,
                     const char *path)
{
    svg_heatmap *map = svg_heatmap_create(
        "Error surface of y = b + w x (MAE, thousands of views)",
        "w (weight)", "b (bias, thousands of views)", surf->loss, surf->nw,
        surf->nb, surf->w_low, surf->w_high, surf->b_low, surf->b_high, 14,
        1);
    int status = map ? 0 : -1;
    /* Last run first: later paths are drawn on top, and the slow, short
     * steps of the smallest rate would vanish under the others. */
    for (size_t k = n_runs; k-- > 0 && status == 0;) {
        char label[64];
        snprintf(label, sizeof label, "lr %g (%s)",
                 (double)runs[k].learning_rate, runs[k].verdict);
        status = svg_heatmap_add_path(map, runs[k].w, runs[k].b,
                                      runs[k].points, label, runs[k].color);
    }
    if (status == 0)
        status = svg_heatmap_save(map, path);
    svg_heatmap_destroy(map);
    if (status != 0)
        perror(path);
    return status;
}

/* ---- The lesson ---- */

static void print_run(const run *r)
{
    printf("  lr %-7g (%s): %s after %zu updates\n"
           "      at w = %.4f, b = %.4f, loss = %.4f\n",
           (double)r->learning_rate, r->verdict, stop_text(r->reason),
           r->updates, r->w[r->points - 1], r->b[r->points - 1],
           r->final_loss);
}

/* The lecture's claims about learning rates, checked on these runs. */
static int check_learning_rates(const run *small, const run *good,
                                const run *large)
{
    int failures = 0;
    int good_beats_small = good->final_loss < small->final_loss;
    int large_is_worse = large->reason == STOP_DIVERGED ||
                         large->final_loss > good->final_loss;
    printf("  %s the good rate ends lower than the too-small one "
           "(%.4f, %.4f)\n",
           good_beats_small ? "ok:    " : "FAILED:", good->final_loss,
           small->final_loss);
    printf("  %s the too-large rate ends higher or diverges (%.4f)\n",
           large_is_worse ? "ok:    " : "FAILED:", large->final_loss);
    failures += !good_beats_small;
    failures += !large_is_worse;
    return failures ? -1 : 0;
}

static int run_all(const options *opt, const dataset *data, surface *surf)
{
    size_t max_updates = opt->quick ? 300 : 3000;
    size_t patience = 100;
    run runs[3] = {
        {0.001f, "too small", "#ff40ff", NULL, NULL, 0, 0, 0.0, 0.0, 0},
        {0.05f, "good", "#ff8c00", NULL, NULL, 0, 0, 0.0, 0.0, 0},
        {0.3f, "too large", "#000000", NULL, NULL, 0, 0, 0.0, 0.0, 0},
    };
    double w0 = W_LOW + START_W_FRACTION * (W_HIGH - W_LOW);
    double b0 = surf->b_low + START_B_FRACTION * (surf->b_high - surf->b_low);
    char svg_path[4096];
    int status = 0;

    printf("\nGradient descent from w0 = %.3f, b0 = %.3f on all %zu days "
           "at once.\nA run stops at the gradient ~0, when the loss has set "
           "no new low for %zu\nupdates, when it blows up, or after %zu "
           "updates:\n",
           w0, b0, data->n, patience, max_updates);
    for (size_t k = 0; k < 3 && status == 0; k++) {
        runs[k].w = malloc((max_updates + 1) * sizeof *runs[k].w);
        runs[k].b = malloc((max_updates + 1) * sizeof *runs[k].b);
        if (runs[k].w == NULL || runs[k].b == NULL)
            status = -1;
        else
            status = descend(data, &runs[k], w0, b0, max_updates,
                             patience);
        if (status == 0)
            print_run(&runs[k]);
    }
    if (status == 0)
        printf("Too small: still creeping along the valley at the end. "
               "Good: reaches the\nfloor. Too large: every step "
               "overshoots the valley, so it bounces across it.\n");

    if (status == 0) {
        snprintf(svg_path, sizeof svg_path, "%s/error_surface.svg",
                 opt->out_dir);
        status = write_svg(surf, runs, 3, svg_path);
    }
    if (status == 0) {
        long size = file_size(svg_path);
        printf("\nWrote %s (%ld bytes):\nthe surface, contour lines "
               "(equal loss) and the three paths.\n\nChecks:\n",
               svg_path, size);
        int failures = 0;
        failures += check_model_matches_hand(data, &runs[0]) != 0;
        failures += check_learning_rates(&runs[0], &runs[1], &runs[2]) != 0;
        printf("  %s the SVG file is not empty\n",
               size > 0 ? "ok:    " : "FAILED:");
        failures += size <= 0;
        status = failures ? -1 : 0;
    }
    for (size_t k = 0; k < 3; k++) {
        free(runs[k].w);
        free(runs[k].b);
    }
    return status;
}

int main(int argc, char **argv)
{
    options opt;
    int parsed = parse_options(argc, argv, &opt);
    if (parsed != 0)
        return parsed > 0 ? 0 : 2;

    dataset data = {0};
    surface surf = {0};
    int status = -1;
    printf("The error surface of the 1-day model y = b + w x\n"
           "(x: yesterday's views, y: today's, in thousands).\n\n");
    if (load_dataset(opt.data_path, &data) != 0)
        goto done;
    printf("Data: %s\n%zu (yesterday, today) pairs from the days before "
           "%s;\nmean %.3f thousand views a day.\n",
           opt.data_path, data.n, FIRST_TEST_DAY, data.mean_y);

    surf.nw = surf.nb = opt.quick ? 25 : 101;
    surf.w_low = W_LOW;
    surf.w_high = W_HIGH;
    surf.b_high = ceil(B_RANGE_IN_MEAN_VIEWS * data.mean_y);
    surf.b_low = -surf.b_high;
    surf.loss = malloc(surf.nw * surf.nb * sizeof *surf.loss);
    if (surf.loss == NULL || compute_surface(&data, &surf) != 0)
        goto done;
    size_t best = surface_minimum(&surf);
    printf("\nL(w, b) = mean |b + w x - y| on a %zu x %zu grid,\nw in "
           "[%g, %g], b in [%g, %g]: lowest at w = %.3f, b = %.3f,\n"
           "L = %.4f. The valley is long and narrow: raising w can be\n"
           "undone by lowering b (b = mean y - w mean x).\n",
           surf.nw, surf.nb, surf.w_low, surf.w_high, surf.b_low,
           surf.b_high,
           grid_value(surf.w_low, surf.w_high, best % surf.nw, surf.nw),
           grid_value(surf.b_low, surf.b_high, best / surf.nw, surf.nb),
           surf.loss[best]);
    status = run_all(&opt, &data, &surf);
done:
    free(surf.loss);
    free(data.x);
    free(data.y);
    if (status != 0)
        fputs("error_surface: FAILED\n", stderr);
    return status == 0 ? 0 : 1;
}
