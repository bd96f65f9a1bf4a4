/*
 * piecewise: the lecture's "red curve = constant + sum of blue curves",
 * built exactly and then learned by networks of sigmoids and of ReLUs.
 *
 * Hung-yi Lee's ML 2021 lecture 1 leaves the straight line y = b + w x
 * behind with one observation: any piecewise-linear curve (the "red
 * curve") is a constant plus a sum of "blue curves", hard sigmoids that
 * are flat, rise along a straight ramp, then are flat again:
 *
 *     red(x) = y0 + sum_k dy_k * blue(x; a_k, b_k),
 *     blue(x; a, b) = clamp((x - a) / (b - a), 0, 1),
 *
 * one blue curve per linear piece [a_k, b_k], scaled by how much the red
 * curve rises over it (dy_k). A smooth sigmoid 1 / (1 + e^-(w x + c))
 * approximates a blue curve, so a layer of N sigmoids approximates a red
 * curve with about N pieces; more units, closer fit. And two ReLUs make a
 * blue curve exactly:
 *
 *     relu(x - a) - relu(x - b) = 0 for x <= a, x - a on the ramp, and
 *     b - a for x >= b; divided by (b - a) that is blue(x; a, b).
 *
 * This program
 *   1. checks that identity numerically, and builds the red curve exactly
 *      in two nnlite networks with hand-set weights: K hard-sigmoid units,
 *      and K pairs of ReLUs (K = number of pieces);
 *   2. trains networks with one hidden layer of N sigmoids (1 -> N -> 1)
 *      and of N ReLU pairs (1 -> 2N -> 1) on the red curve, for several N,
 *      with MSE and Adam, and prints the final loss per N;
 *   3. writes piecewise_blue.svg (the decomposition), piecewise_sigmoid.svg
 *      and piecewise_relu.svg (the fits) and piecewise_loss.svg (loss
 *      against N, log-log).
 * It exits non-zero when a check fails, so it doubles as a test.
 *
 * Usage: piecewise [--out DIR] [--quick]
 */
#include <nnlite/nnlite.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svg_plot.h"

/* The red curve: straight lines between these knots on [0, 1]. */
#define PIECES 5
static const double knot_x[PIECES + 1] = {0.0, 0.2, 0.45, 0.65, 0.85, 1.0};
static const double knot_y[PIECES + 1] = {0.3, 0.9, 0.4, 0.6, 0.1, 0.5};

#define SAMPLES 201            /* x = 0, 0.005, ..., 1 */
#define IDENTITY_TOLERANCE 1e-5 /* float arithmetic, values near 1 */
#define MAX_SIZES 8

/* Training: Adam with a rate well above its 1e-3 default, because these
 * tiny networks need their weights to grow large (steep steps). */
#define LEARNING_RATE 0.01f
#define BATCH_SIZE 32

typedef enum unit_kind {
    UNITS_SIGMOID,      /* dense 1 -> N, sigmoid, dense N -> 1 */
    UNITS_RELU_PAIRS,   /* dense 1 -> 2N, ReLU, dense 2N -> 1 */
    UNITS_HARD_SIGMOID  /* dense 1 -> N, hard sigmoid, dense N -> 1 */
} unit_kind;

typedef struct options {
    const char *out_dir;
    int quick;
} options;

/* The training set: the red curve sampled on a grid, as float tensors
 * (x [SAMPLES, 1], y [SAMPLES, 1]) and as doubles for the charts. */
typedef struct samples {
    float x[SAMPLES];
    float y[SAMPLES];
    double xd[SAMPLES];
    double yd[SAMPLES];
    nnlite_tensor *x_tensor;
    nnlite_tensor *y_tensor;
} samples;

/* One unit kind trained at several sizes. */
typedef struct sweep {
    unit_kind kind;
    size_t count;
    size_t units[MAX_SIZES];
    double loss[MAX_SIZES];
    double fit[MAX_SIZES][SAMPLES]; /* predictions on the samples */
} sweep;

/* ---- The red curve and its blue pieces ---- */

static double red_curve(double x)
{
    size_t k = 0;
    while (k + 1 < PIECES && x > knot_x[k + 1])
        k++;
    double t = (x - knot_x[k]) / (knot_x[k + 1] - knot_x[k]);
    return knot_y[k] + t * (knot_y[k + 1] - knot_y[k]);
}

/* The lecture's blue curve: 0 before a, a straight ramp to 1 at b, then
 * 1. It is a hard sigmoid whose ramp is [a, b]. */
static double blue(double x, double a, double b)
{
    return fmin(fmax((x - a) / (b - a), 0.0), 1.0);
}

static double relu(double v)
{
    return v > 0.0 ? v : 0.0;
}

/*
 * Step 1a: relu(x - a) - relu(x - b), divided by (b - a), is the blue
 * curve with ramp [a, b]. Checked well beyond [0, 1] on both sides, where
 * both terms are 0 (left) or both are growing (right).
 */
static int check_relu_pair_identity(void)
{
    double worst = 0.0;
    for (size_t k = 0; k < PIECES; k++) {
        double a = knot_x[k], b = knot_x[k + 1];
        for (int i = 0; i <= 4000; i++) {
            double x = -1.0 + 3.0 * i / 4000.0;
            double pair = (relu(x - a) - relu(x - b)) / (b - a);
            worst = fmax(worst, fabs(pair - blue(x, a, b)));
        }
    }
    int ok = worst < IDENTITY_TOLERANCE;
    printf("  %s (relu(x - a) - relu(x - b)) / (b - a) = blue(x; a, b)\n"
           "          (max error %.2g)\n",
           ok ? "ok:    " : "FAILED:", worst);
    return ok ? 0 : -1;
}

/* ---- Building models ---- */

static void report_failure(nnlite_model *model, const char *what,
                           nnlite_status s)
{
    fprintf(stderr, "piecewise: %s: %s (%s)\n", what,
            nnlite_status_string(s), nnlite_model_last_error(model));
}

static size_t hidden_width(unit_kind kind, size_t units)
{
    return kind == UNITS_RELU_PAIRS ? 2 * units : units;
}

static nnlite_status create_activation(nnlite_layer **out, unit_kind kind)
{
    switch (kind) {
    case UNITS_SIGMOID: return nnlite_sigmoid_create(out);
    case UNITS_RELU_PAIRS: return nnlite_relu_create(out);
    case UNITS_HARD_SIGMOID: return nnlite_hard_sigmoid_create(out);
    }
    return NNLITE_EINVAL;
}

/*
 * One hidden layer: dense 1 -> H, activation, dense H -> 1, with MSE and
 * Adam. Every layer, the loss and the optimizer belong to the model once
 * handed over (even when that call fails), so one destroy frees all.
 */
static nnlite_status build_model(nnlite_model **out, unit_kind kind,
                                 size_t units, uint64_t seed)
{
    size_t width = hidden_width(kind, units);
    nnlite_model *model = NULL;
    nnlite_layer *layer = NULL;
    nnlite_loss *loss = NULL;
    nnlite_optimizer *adam = NULL;
    nnlite_status s = nnlite_model_create(&model, 1, seed);
    if (s == NNLITE_OK)
        s = nnlite_dense_create(&layer, 1, width);
    if (s == NNLITE_OK)
        s = nnlite_model_add(model, layer);
    if (s == NNLITE_OK)
        s = create_activation(&layer, kind);
    if (s == NNLITE_OK)
        s = nnlite_model_add(model, layer);
    if (s == NNLITE_OK)
        s = nnlite_dense_create(&layer, width, 1);
    if (s == NNLITE_OK)
        s = nnlite_model_add(model, layer);
    if (s == NNLITE_OK)
        s = nnlite_loss_mse_create(&loss);
    if (s == NNLITE_OK)
        s = nnlite_model_set_loss(model, loss);
    if (s == NNLITE_OK)
        s = nnlite_adam_create(&adam, LEARNING_RATE, 0.9f, 0.999f, 1e-8f);
    if (s == NNLITE_OK)
        s = nnlite_model_set_optimizer(model, adam);
    if (s != NNLITE_OK) {
        report_failure(model, "building the model", s);
        nnlite_model_destroy(model);
        model = NULL;
    }
    *out = model;
    return s;
}

/*
 * Step 1b: hand-set weights that make the network equal the red curve.
 * Parameter layout (model.h): W1 [H, 1], b1 [H], W2 [1, H], b2 [1].
 *
 * Hard sigmoid: nnlite's is clamp(z / 6 + 1/2, 0, 1), a ramp over
 * z in [-3, 3]; z = 6 (x - a) / (b - a) - 3 moves that ramp onto [a, b].
 * ReLU pair: units x - a and x - b, weighted +-1 / (b - a).
 * Output: y0 plus each blue curve times its rise dy_k.
 */
static void set_exact_params(float *params, unit_kind kind)
{
    size_t width = hidden_width(kind, PIECES);
    float *w1 = params, *b1 = params + width;
    float *w2 = params + 2 * width, *b2 = params + 3 * width;
    for (size_t k = 0; k < PIECES; k++) {
        double a = knot_x[k], b = knot_x[k + 1];
        double rise = knot_y[k + 1] - knot_y[k];
        if (kind == UNITS_RELU_PAIRS) {
            w1[2 * k] = w1[2 * k + 1] = 1.0f;
            b1[2 * k] = (float)-a;
            b1[2 * k + 1] = (float)-b;
            w2[2 * k] = (float)(rise / (b - a));
            w2[2 * k + 1] = (float)(-rise / (b - a));
        } else {
            w1[k] = (float)(6.0 / (b - a));
            b1[k] = (float)(-6.0 * a / (b - a) - 3.0);
            w2[k] = (float)rise;
        }
    }
    b2[0] = (float)knot_y[0];
}

/* Forward the samples and return the largest |prediction - red(x)|, or
 * a negative value on failure. */
static double max_error(nnlite_model *model, const samples *data,
                        double *predictions)
{
    float y[SAMPLES];
    nnlite_tensor *out = NULL;
    double worst = -1.0;
    nnlite_status s = nnlite_tensor_wrap2d(&out, y, SAMPLES, 1);
    if (s == NNLITE_OK)
        s = nnlite_model_forward(model, data->x_tensor, out);
    if (s != NNLITE_OK) {
        report_failure(model, "forward", s);
    } else {
        worst = 0.0;
        for (size_t i = 0; i < SAMPLES; i++) {
            worst = fmax(worst, fabs((double)y[i] - data->yd[i]));
            if (predictions)
                predictions[i] = (double)y[i];
        }
    }
    nnlite_tensor_destroy(out);
    return worst;
}

static int check_exact_network(const samples *data, unit_kind kind,
                               const char *unit_name)
{
    nnlite_model *model;
    if (build_model(&model, kind, PIECES, 1) != NNLITE_OK)
        return -1;
    float *params = nnlite_model_params(model);
    double worst = -1.0;
    if (params == NULL ||
        nnlite_model_param_count(model) !=
            3 * hidden_width(kind, PIECES) + 1)
        fputs("piecewise: unexpected parameter layout\n", stderr);
    else {
        set_exact_params(params, kind);
        worst = max_error(model, data, NULL);
    }
    nnlite_model_destroy(model);
    int ok = worst >= 0.0 && worst < IDENTITY_TOLERANCE;
    printf("  %s %d %s (1 -> %zu -> 1) equal the red curve\n"
           "          (max error %.2g)\n",
           ok ? "ok:    " : "FAILED:", PIECES, unit_name,
           hidden_width(kind, PIECES), worst);
    return ok ? 0 : -1;
}

/* ---- Learning the red curve ---- */

/*
 * Start every hidden unit somewhere useful. nnlite initialises biases to
 * 0, so every ReLU would bend at x = 0 and every sigmoid would be centred
 * there, and with |w| < 2 a sigmoid is nearly straight over [0, 1]:
 * training would first have to pull the units apart, and often stalls.
 * A unit w x + c bends at x = -c / w, so set c to put those points evenly
 * over [0, 1]; and give each sigmoid a slope of SIGMOID_STEEPNESS (the
 * library's sign kept), steep enough to be a soft step inside [0, 1].
 * The first dense layer's parameters are W1 [H, 1] then b1 [H].
 */
#define SIGMOID_STEEPNESS 20.0f

static void place_hidden_units(float *params, unit_kind kind, size_t width)
{
    float *w1 = params, *b1 = params + width;
    for (size_t i = 0; i < width; i++) {
        float centre = ((float)i + 0.5f) / (float)width;
        if (kind == UNITS_SIGMOID)
            w1[i] = w1[i] < 0.0f ? -SIGMOID_STEEPNESS : SIGMOID_STEEPNESS;
        b1[i] = -w1[i] * centre;
    }
}

/*
 * Step 2: train one network with `units` units (sigmoids, or ReLU pairs)
 * on the samples: MSE, Adam, shuffled mini-batches. *loss receives the
 * final MSE over all samples, fit[] the network's curve.
 */
static int fit_network(const samples *data, unit_kind kind, size_t units,
                       size_t epochs, double *loss, double *fit)
{
    nnlite_model *model;
    if (build_model(&model, kind, units, 1000 + units) != NNLITE_OK)
        return -1;
    float *params = nnlite_model_params(model); /* draws the weights */
    if (params == NULL) {
        fputs("piecewise: the model has no parameters\n", stderr);
        nnlite_model_destroy(model);
        return -1;
    }
    place_hidden_units(params, kind, hidden_width(kind, units));
    nnlite_fit_options fit_options = NNLITE_FIT_OPTIONS_INIT;
    fit_options.epochs = epochs;
    fit_options.batch_size = BATCH_SIZE;
    float final_loss = 0.0f;
    nnlite_status s = nnlite_model_fit(model, data->x_tensor,
                                       data->y_tensor, &fit_options, NULL,
                                       NULL);
    if (s == NNLITE_OK)
        s = nnlite_model_evaluate(model, data->x_tensor, data->y_tensor,
                                  &final_loss);
    int result = -1;
    if (s != NNLITE_OK)
        report_failure(model, "training", s);
    else if (max_error(model, data, fit) >= 0.0)
        result = 0;
    *loss = (double)final_loss;
    nnlite_model_destroy(model);
    return result;
}

static int run_sweep(const samples *data, sweep *sw, size_t epochs)
{
    for (size_t k = 0; k < sw->count; k++)
        if (fit_network(data, sw->kind, sw->units[k], epochs, &sw->loss[k],
                        sw->fit[k]) != 0)
            return -1;
    return 0;
}

/* More units must fit better: the lecture's point, checked. */
static int check_more_units_help(const sweep *sw, const char *name)
{
    size_t last = sw->count - 1;
    int ok = sw->loss[last] < 0.5 * sw->loss[0];
    printf("  %s %zu %s: less than half the loss of 1 (%.3g vs %.3g)\n",
           ok ? "ok:    " : "FAILED:", sw->units[last], name,
           sw->loss[last], sw->loss[0]);
    return ok ? 0 : -1;
}

/* ---- Charts ---- */

static const char *const fit_colors[MAX_SIZES] = {
    "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd",
    "#8c564b", "#e377c2", "#17becf", "#7f7f7f",
};
#define RED "#d62728"

static int save_plot(svg_plot *p, const char *out_dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", out_dir, name);
    int status = svg_plot_save(p, path);
    if (status != 0)
        perror(path);
    else
        printf("  %s\n", path);
    return status;
}

/* The red curve, the constant y0 and each scaled blue curve dy_k blue_k:
 * added up, the last ones give back the first. */
static int write_decomposition(const samples *data, const char *out_dir)
{
    static const char *const blues[PIECES] = {
        "#08306b", "#08519c", "#2171b5", "#4292c6", "#6baed6",
    };
    double constant[SAMPLES], piece[SAMPLES];
    svg_plot *p = svg_plot_create(
        "Red curve = constant + sum of blue curves", "x", "y");
    int status = p ? 0 : -1;
    if (status == 0)
        status = svg_plot_add_line(p, data->xd, data->yd, SAMPLES,
                                   "red curve (target)", RED);
    for (size_t i = 0; i < SAMPLES; i++)
        constant[i] = knot_y[0];
    if (status == 0)
        status = svg_plot_add_line(p, data->xd, constant, SAMPLES,
                                   "constant y0", "#555555");
    for (size_t k = 0; k < PIECES && status == 0; k++) {
        char label[64];
        double rise = knot_y[k + 1] - knot_y[k];
        for (size_t i = 0; i < SAMPLES; i++)
            piece[i] = rise * blue(data->xd[i], knot_x[k], knot_x[k + 1]);
        snprintf(label, sizeof label, "%+.1f blue(x; %.2f, %.2f)", rise,
                 knot_x[k], knot_x[k + 1]);
        status = svg_plot_add_line(p, data->xd, piece, SAMPLES, label,
                                   blues[k]);
    }
    if (status == 0)
        status = save_plot(p, out_dir, "piecewise_blue.svg");
    svg_plot_destroy(p);
    return status;
}

/* The fits as lines, and the red curve on top of them as dots (every
 * 5th sample), so a fit lying exactly on it still shows. */
static int write_fits(const samples *data, const sweep *sw,
                      const char *title, const char *unit_name,
                      const char *out_dir, const char *file)
{
    enum { DOT_EVERY = 5, DOTS = (SAMPLES - 1) / DOT_EVERY + 1 };
    double dot_x[DOTS], dot_y[DOTS];
    svg_plot *p = svg_plot_create(title, "x", "y");
    int status = p ? 0 : -1;
    for (size_t k = 0; k < sw->count && status == 0; k++) {
        char label[64];
        snprintf(label, sizeof label, "%zu %s%s", sw->units[k], unit_name,
                 sw->units[k] == 1 ? "" : "s");
        status = svg_plot_add_line(p, data->xd, sw->fit[k], SAMPLES, label,
                                   fit_colors[k]);
    }
    for (size_t i = 0; i < DOTS; i++) {
        dot_x[i] = data->xd[i * DOT_EVERY];
        dot_y[i] = data->yd[i * DOT_EVERY];
    }
    if (status == 0)
        status = svg_plot_add_points(p, dot_x, dot_y, DOTS,
                                     "red curve (target)", RED);
    if (status == 0)
        status = save_plot(p, out_dir, file);
    svg_plot_destroy(p);
    return status;
}

static int write_losses(const sweep *sigmoids, const sweep *relus,
                        const char *out_dir)
{
    double n[MAX_SIZES];
    svg_plot *p = svg_plot_create("Final training loss against units",
                                  "units N (sigmoids, or pairs of ReLUs)",
                                  "MSE (log scale)");
    int status = p ? 0 : -1;
    svg_plot_set_log_x(p, 1);
    svg_plot_set_log_y(p, 1);
    for (size_t k = 0; k < sigmoids->count; k++)
        n[k] = (double)sigmoids->units[k];
    if (status == 0)
        status = svg_plot_add_line(p, n, sigmoids->loss, sigmoids->count,
                                   "N sigmoids", "#1f77b4");
    if (status == 0)
        status = svg_plot_add_line(p, n, relus->loss, relus->count,
                                   "N ReLU pairs", "#ff7f0e");
    if (status == 0)
        status = save_plot(p, out_dir, "piecewise_loss.svg");
    svg_plot_destroy(p);
    return status;
}

/* ---- Putting it together ---- */

static void print_usage(FILE *out)
{
    fputs("usage: piecewise [--out DIR] [--quick]\n"
          "  --out DIR  where the SVG charts go (default: .)\n"
          "  --quick    fewer sizes and epochs (for the test suite)\n",
          out);
}

/* 0: run; 1: exit successfully (help shown); -1: bad usage. */
static int parse_options(int argc, char **argv, options *opt)
{
    opt->out_dir = ".";
    opt->quick = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            print_usage(stdout);
            return 1;
        } else if (strcmp(argv[i], "--quick") == 0) {
            opt->quick = 1;
        } else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            opt->out_dir = argv[++i];
        } else {
            fprintf(stderr, "piecewise: unexpected argument '%s'\n",
                    argv[i]);
            print_usage(stderr);
            return -1;
        }
    }
    return 0;
}

static int make_samples(samples *data)
{
    for (size_t i = 0; i < SAMPLES; i++) {
        data->xd[i] = (double)i / (SAMPLES - 1);
        data->yd[i] = red_curve(data->xd[i]);
        data->x[i] = (float)data->xd[i];
        data->y[i] = (float)data->yd[i];
    }
    nnlite_status s = nnlite_tensor_wrap2d(&data->x_tensor, data->x,
                                           SAMPLES, 1);
    if (s == NNLITE_OK)
        s = nnlite_tensor_wrap2d(&data->y_tensor, data->y, SAMPLES, 1);
    if (s != NNLITE_OK)
        fprintf(stderr, "piecewise: %s\n", nnlite_status_string(s));
    return s == NNLITE_OK ? 0 : -1;
}

static void print_decomposition(void)
{
    printf("The red curve: %d straight pieces on [0, 1] through\n ",
           PIECES);
    for (size_t k = 0; k <= PIECES; k++)
        printf(" (%.2g, %.2g)", knot_x[k], knot_y[k]);
    printf(",\nis a constant plus one blue curve per piece:\n"
           "  red(x) = %.1f\n",
           knot_y[0]);
    for (size_t k = 0; k < PIECES; k++)
        printf("           %+.1f blue(x; %.2f, %.2f)\n",
               knot_y[k + 1] - knot_y[k], knot_x[k], knot_x[k + 1]);
}

static void print_table(const sweep *sigmoids, const sweep *relus)
{
    printf("\n  units N | MSE, N sigmoids | MSE, N ReLU pairs (2N ReLUs)\n"
           "  --------+-----------------+-----------------------------\n");
    for (size_t k = 0; k < sigmoids->count; k++)
        printf("  %7zu | %15.3g | %15.3g\n", sigmoids->units[k],
               sigmoids->loss[k], relus->loss[k]);
}

static void set_sizes(sweep *sw, unit_kind kind, int quick)
{
    static const size_t full[] = {1, 2, 4, 8, 16};
    static const size_t brief[] = {1, 4, 16};
    const size_t *sizes = quick ? brief : full;
    sw->kind = kind;
    sw->count = quick ? sizeof brief / sizeof *brief
                      : sizeof full / sizeof *full;
    for (size_t k = 0; k < sw->count; k++)
        sw->units[k] = sizes[k];
}

int main(int argc, char **argv)
{
    options opt;
    int parsed = parse_options(argc, argv, &opt);
    if (parsed != 0)
        return parsed > 0 ? 0 : 2;

    /* Static: with their curves these hold ~35 KB, impolite on a stack. */
    static samples data;
    static sweep sigmoids;
    static sweep relus;
    size_t epochs = opt.quick ? 300 : 2000;
    int failures = 0, status = -1;
    if (make_samples(&data) != 0)
        return 1;

    print_decomposition();
    printf("\nStep 1: blue curves from two ReLUs, and the red curve "
           "built exactly:\n");
    failures += check_relu_pair_identity() != 0;
    failures += check_exact_network(&data, UNITS_HARD_SIGMOID,
                                    "hard sigmoids") != 0;
    failures += check_exact_network(&data, UNITS_RELU_PAIRS,
                                    "ReLU pairs") != 0;

    set_sizes(&sigmoids, UNITS_SIGMOID, opt.quick);
    set_sizes(&relus, UNITS_RELU_PAIRS, opt.quick);
    printf("\nStep 2: learn it. One hidden layer, MSE, Adam (lr %g), "
           "%zu epochs of\nbatches of %d from %d samples:\n",
           (double)LEARNING_RATE, epochs, BATCH_SIZE, SAMPLES);
    fflush(stdout);
    if (run_sweep(&data, &sigmoids, epochs) != 0 ||
        run_sweep(&data, &relus, epochs) != 0)
        goto fail;
    print_table(&sigmoids, &relus);
    printf("\nNeighbouring blue curves share their bends, so ReLUs can fit "
           "the red curve\nexactly with one ReLU per change of slope (%d "
           "here, counting the start),\nnot two per piece (%d): given "
           "enough epochs, from 3 pairs on. Sigmoids\nround every corner "
           "off; more of them, sharper corners, lower loss.\n",
           PIECES, 2 * PIECES);
    failures += check_more_units_help(&sigmoids, "sigmoids") != 0;
    failures += check_more_units_help(&relus, "ReLU pairs") != 0;

    printf("\nStep 3: charts:\n");
    if (write_decomposition(&data, opt.out_dir) != 0 ||
        write_fits(&data, &sigmoids, "Fitting the red curve with sigmoids",
                   "sigmoid", opt.out_dir, "piecewise_sigmoid.svg") != 0 ||
        write_fits(&data, &relus, "Fitting the red curve with ReLU pairs",
                   "ReLU pair", opt.out_dir, "piecewise_relu.svg") != 0 ||
        write_losses(&sigmoids, &relus, opt.out_dir) != 0)
        goto fail;
    if (failures != 0)
        fprintf(stderr, "piecewise: %d check(s) FAILED\n", failures);
    else
        status = 0;
fail:
    nnlite_tensor_destroy(data.x_tensor);
    nnlite_tensor_destroy(data.y_tensor);
    return status == 0 ? 0 : 1;
}
