/*
 * youtube_views: the case study of Hung-yi Lee's Machine Learning 2021,
 * lecture 1. Predict tomorrow's views of a YouTube channel in the
 * lecture's three steps:
 *
 *   1. A function with unknown parameters: y = b + w x1, where x1 is
 *      today's views and y tomorrow's; later x1..x56, the 56 days before.
 *   2. A loss from training data: the mean absolute error (MAE) between y
 *      and the views that really came.
 *   3. Optimization: gradient descent on mini-batches, one update per
 *      batch, for a number of epochs.
 *
 * Then it asks what more days, sigmoids or ReLUs, and deeper networks
 * buy, and where they start to overfit. The data is the channel shipped
 * in examples/data (simulated: the lecture's is not public) or your own
 * YouTube Studio export (--csv). Run with --help for the options.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nnlite/nnlite.h>

#include "dates.h"
#include "models.h"
#include "options.h"
#include "plots.h"
#include "report.h"
#include "views_csv.h"
#include "windows.h"

#ifndef YOUTUBE_VIEWS_DATA /* Meson passes the shipped file's full path */
#define YOUTUBE_VIEWS_DATA "examples/data/channel_views.csv"
#endif

/* The lecture's models, with its MAE in thousands of views (train, 2021).
 * It gives no numbers for sigmoids. */
static const model_spec study[] = {
    {"linear-1d", "linear, 1 day", 1, NO_ACTIVATION, 0, 0, 0.48, 0.58},
    {"linear-7d", "linear, 7 days", 7, NO_ACTIVATION, 0, 0, 0.38, 0.49},
    {"linear-28d", "linear, 28 days", 28, NO_ACTIVATION, 0, 0, 0.33, 0.46},
    {"linear-56d", "linear, 56 days", 56, NO_ACTIVATION, 0, 0, 0.32, 0.46},
    {"sigmoid-10", "56 days, 10 sigmoid", 56, NNLITE_LAYER_SIGMOID, 10, 1,
     (double)NAN, (double)NAN},
    {"sigmoid-100", "56 days, 100 sigmoid", 56, NNLITE_LAYER_SIGMOID, 100, 1,
     (double)NAN, (double)NAN},
    {"sigmoid-1000", "56 days, 1000 sigmoid", 56, NNLITE_LAYER_SIGMOID,
     1000, 1, (double)NAN, (double)NAN},
    {"relu-10", "56 days, 10 ReLU", 56, NNLITE_LAYER_RELU, 10, 1, 0.32,
     0.45},
    {"relu-100", "56 days, 100 ReLU", 56, NNLITE_LAYER_RELU, 100, 1, 0.28,
     0.43},
    {"relu-1000", "56 days, 1000 ReLU", 56, NNLITE_LAYER_RELU, 1000, 1,
     0.27, 0.43},
    {"relu-100x1", "100 ReLU x 1 layer", 56, NNLITE_LAYER_RELU, 100, 1,
     0.28, 0.43},
    {"relu-100x2", "100 ReLU x 2 layers", 56, NNLITE_LAYER_RELU, 100, 2,
     0.18, 0.39},
    {"relu-100x3", "100 ReLU x 3 layers", 56, NNLITE_LAYER_RELU, 100, 3,
     0.14, 0.38},
    {"relu-100x4", "100 ReLU x 4 layers", 56, NNLITE_LAYER_RELU, 100, 4,
     0.10, 0.44},
};
#define STUDY_SIZE (sizeof study / sizeof study[0])

/* Every model predicts the same days: those with this many days of
 * history, the longest window in the study. */
#define HISTORY 56

/* Where to find things in `study`. */
enum { LINEAR_1D = 0, LINEAR_7D = 1, LINEAR_56D = 3, FIRST_DEEP = 10 };

/* Step 3's settings, the same for every model. Adam copes with the very
 * different gradient scales of a 1-weight line and a 4-layer network, so
 * one learning rate serves them all. */
static training_plan default_plan(const options *opt)
{
    training_plan plan;
    nnlite_optimizer_options adam = NNLITE_ADAM_OPTIONS_INIT;
    plan.optimizer = adam;
    plan.optimizer.learning_rate = 1e-3f;
    plan.batch_size = 32;
    plan.epochs = opt->epochs ? opt->epochs : 40;
    plan.seed = 2021;
    return plan;
}

/* Epochs for one model. --quick trains every network for a single epoch
 * but keeps the linear models' epochs: they cost next to nothing, and the
 * test compares them with each other. */
static training_plan plan_for(const model_spec *spec,
                              const training_plan *plan, int quick)
{
    training_plan p = *plan;
    if (spec->depth > 0 && quick) {
        p.epochs = 1;
    }
    return p;
}

/* Training and test samples for each window length the study uses. */
typedef struct sample_sets {
    size_t windows[4];
    window_set train[4];
    window_set test[4];
    size_t skipped; /* days skipped because their history has a gap */
} sample_sets;

static int make_samples(sample_sets *sets, const views_series *series,
                        const split *sp, const normaliser *norm)
{
    static const size_t windows[4] = {1, 7, 28, 56};
    memset(sets, 0, sizeof *sets);
    for (size_t i = 0; i < 4; i++) {
        sets->windows[i] = windows[i];
        if (windows_make(&sets->train[i], &sets->test[i], &sets->skipped,
                         series, windows[i], HISTORY, sp->test_from,
                         norm) != 0) {
            return -1;
        }
    }
    return 0;
}

static size_t set_index(const sample_sets *sets, size_t window)
{
    size_t i = 0;
    while (i < 3 && sets->windows[i] != window) {
        i++;
    }
    return i;
}

static void free_samples(sample_sets *sets)
{
    for (size_t i = 0; i < 4; i++) {
        window_set_free(&sets->train[i]);
        window_set_free(&sets->test[i]);
    }
}

static void describe_data(const char *path, const views_series *series,
                          const split *sp, const normaliser *norm,
                          const sample_sets *sets)
{
    char first[DATE_TEXT_SIZE], last[DATE_TEXT_SIZE], from[DATE_TEXT_SIZE];
    date_format(series->days[0], first);
    date_format(series->days[series->count - 1], last);
    date_format(sp->test_from, from);
    printf("data: %s\n%zu days from %s to %s (%ld missing)\n", path,
           series->count, first, last, views_series_missing_days(series));
    if (sp->fell_back) {
        printf("no day on or after the requested test date: testing on "
               "the last 20%% of days instead\n");
    }
    printf("train on days before %s, test on the rest: %zu and %zu days "
           "predicted\n", from, sets->train[0].count, sets->test[0].count);
    printf("each from the %d days before it (%zu days skipped because those "
           "reach\nover a missing day)\n", HISTORY, sets->skipped);
    printf("training views: mean %.1f, standard deviation %.1f (inputs and "
           "targets\nare scaled with these)\n\n", norm->mean, norm->std);
}

static void describe_plan(const training_plan *plan, int quick)
{
    const nnlite_optimizer_options *o = &plan->optimizer;
    printf("every model: MAE loss, Adam (lr %g, betas %g/%g, eps %g),\n"
           "batch %zu, shuffled, seed %llu, %zu epochs",
           (double)o->learning_rate, (double)o->beta1, (double)o->beta2,
           (double)o->epsilon, plan->batch_size,
           (unsigned long long)plan->seed, plan->epochs);
    printf("%s\n", quick ? " (--quick: networks 1)" : "");
}

/* Train every model of the study, reporting progress on stderr. */
static int run_study(model_result *results, const sample_sets *sets,
                     const training_plan *plan, int quick,
                     const normaliser *norm)
{
    char error[512];
    for (size_t i = 0; i < STUDY_SIZE; i++) {
        const model_spec *spec = &study[i];
        size_t k = set_index(sets, spec->window);
        training_plan p = plan_for(spec, plan, quick);
        fprintf(stderr, "[%2zu/%zu] %-13s %3zu epoch%s ...", i + 1,
                STUDY_SIZE, spec->name, p.epochs, p.epochs == 1 ? "" : "s");
        fflush(stderr);
        if (model_run(&results[i], spec, &p, &sets->train[k],
                      &sets->test[k], norm, error, sizeof error) != 0) {
            fprintf(stderr, "\n%s\n", error);
            return -1;
        }
        fprintf(stderr, " %5.1f s\n", results[i].seconds);
    }
    return 0;
}

/* The best deep model by its test MAE, as the lecture picks 3 layers:
 * fine for a picture, but a choice made on the test set. */
static size_t best_deep(const model_result *results)
{
    size_t best = FIRST_DEEP;
    for (size_t i = FIRST_DEEP + 1; i < STUDY_SIZE; i++) {
        if (results[i].test_mae < results[best].test_mae) {
            best = i;
        }
    }
    return best;
}

static int write_plots(const char *dir, const model_result *results,
                       const sample_sets *sets)
{
    const size_t pictured[3] = {LINEAR_1D, LINEAR_56D, best_deep(results)};
    int failed = 0;
    printf("\nPictured deep model: %s, the lowest test MAE of the 1 to 4 "
           "layer models\n(picked on the test set, as the lecture picks 3 "
           "layers).\n", study[pictured[2]].name);
    for (size_t i = 0; i < 3; i++) {
        const model_spec *spec = &study[pictured[i]];
        size_t k = set_index(sets, spec->window);
        failed |= plots_predictions(dir, spec, &results[pictured[i]],
                                    &sets->test[k]) != 0;
    }
    for (size_t i = FIRST_DEEP; i < STUDY_SIZE; i++) {
        failed |= plots_losses(dir, &study[i], &results[i]) != 0;
    }
    return failed ? -1 : 0;
}

/* --check: what must hold on the shipped data even with --quick. */
static int sanity_check(const model_result *results, const sample_sets *sets,
                        const normaliser *norm)
{
    int ok = 1;
    const window_set *test = &sets->test[0];
    double mean_mae = 0.0; /* always predicting the training mean */
    for (size_t i = 0; i < test->count; i++) {
        mean_mae += fabs(test->views[i] - norm->mean);
    }
    mean_mae /= (double)test->count;
    for (size_t i = 0; i < STUDY_SIZE; i++) {
        if (!(results[i].test_mae < mean_mae) ||
            !isfinite(results[i].train_mae)) {
            fprintf(stderr, "check: %s (test MAE %.1f) does not beat "
                    "predicting the mean (%.1f)\n", study[i].name,
                    results[i].test_mae, mean_mae);
            ok = 0;
        }
    }
    if (!(results[LINEAR_7D].test_mae < results[LINEAR_1D].test_mae)) {
        fprintf(stderr, "check: the 7-day model does not beat the 1-day "
                "model on the test days\n");
        ok = 0;
    }
    double w = results[LINEAR_1D].weights ? results[LINEAR_1D].weights[0]
                                          : 0.0;
    if (!(w > 0.5 && w < 1.5)) {
        fprintf(stderr, "check: the 1-day weight %.3f is not near 1\n", w);
        ok = 0;
    }
    return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
    options opt;
    char error[512];
    if (options_parse(&opt, argc, argv, YOUTUBE_VIEWS_DATA, error,
                      sizeof error) != 0) {
        fprintf(stderr, "%s: %s\n", argv[0], error);
        return 2;
    }
    if (opt.help) {
        options_print_help(argv[0], YOUTUBE_VIEWS_DATA);
        return 0;
    }

    /* The data: views per day, split in time. The past trains, the
     * future (2021, unless told otherwise) tests. */
    views_series series;
    split sp;
    normaliser norm;
    sample_sets sets;
    model_result results[STUDY_SIZE];
    int status = 1;
    memset(&sets, 0, sizeof sets);
    memset(results, 0, sizeof results);
    if (views_csv_read(&series, opt.csv, error, sizeof error) != 0 ||
        windows_choose_split(&sp, &series, opt.test_from, error,
                             sizeof error) != 0 ||
        windows_normaliser(&norm, &series, sp.test_from, error,
                           sizeof error) != 0) {
        fprintf(stderr, "%s\n", error);
        goto done;
    }
    if (make_samples(&sets, &series, &sp, &norm) != 0) {
        fprintf(stderr, "out of memory\n");
        goto done;
    }
    if (sets.train[0].count < 2 || sets.test[0].count < 1) {
        fprintf(stderr, "%s: too few days: every prediction needs the %d "
                "days before it, without gaps\n", opt.csv, HISTORY);
        goto done;
    }
    describe_data(opt.csv, &series, &sp, &norm, &sets);

    /* Steps 1 to 3 for every model of the lecture. */
    training_plan plan = default_plan(&opt);
    describe_plan(&plan, opt.quick);
    fflush(stdout); /* before the progress lines on stderr */
    if (run_study(results, &sets, &plan, opt.quick, &norm) != 0) {
        goto done;
    }

    /* What came out, beside what the lecture reports. */
    double unit = norm.mean >= 1000.0 ? 1000.0 : 1.0;
    printf("\nMAE, ours in %s of this data,\nthe lecture's in thousands "
           "of views of its channel:\n\n",
           unit == 1000.0 ? "thousands of views (k)" : "views");
    report_print_table(stdout, study, results, STUDY_SIZE, unit);
    printf("\n");
    report_print_linear(stdout, &results[LINEAR_1D], &results[LINEAR_7D],
                        unit);
    status = 0;
    if (opt.report &&
        report_write_csv(opt.report, study, results, STUDY_SIZE) != 0) {
        perror(opt.report);
        status = 1;
    }
    if (opt.plots && write_plots(opt.plots, results, &sets) != 0) {
        status = 1;
    }
    if (opt.check && sanity_check(results, &sets, &norm) != 0) {
        status = 1;
    }
done:
    for (size_t i = 0; i < STUDY_SIZE; i++) {
        model_result_free(&results[i]);
    }
    free_samples(&sets);
    views_series_free(&series);
    return status;
}
