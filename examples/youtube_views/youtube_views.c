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
 * buy, and where they start to overfit. Unlike the lecture, it chooses
 * (epochs, the input transform, the best model) on a validation year cut
 * from the end of the training days, never on the test year, and it
 * scores simple baselines beside the models. The data is the channel shipped
 * in examples/data (simulated: the lecture's is not public) or your own
 * YouTube Studio export (--csv). Run with --help for the options.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nnlite/nnlite.h>

#include "baselines.h"
#include "dates.h"
#include "lecture.h"
#include "models.h"
#include "options.h"
#include "plots.h"
#include "prepare.h"
#include "report.h"
#include "study.h"
#include "views_csv.h"

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

/* Where to find things in `study`; the baselines follow it. */
enum { LINEAR_1D = 0, LINEAR_7D = 1, LINEAR_56D = 3, FIRST_NETWORK = 4 };
#define ROWS (STUDY_SIZE + BASELINE_COUNT)

/* Step 3's settings, the same for every model. Adam copes with the very
 * different gradient scales of a 1-weight line and a 4-layer network, so
 * one learning rate serves them all; early stopping on the validation
 * period picks each model's epochs, up to a ceiling.
 *
 * --quick is for the test suite, which also runs under valgrind and
 * emulators: linear models get at most 10 epochs (from the least-squares
 * start they need few), networks one epoch on the log transform (unless
 * --transform says otherwise) and no refit. */
static study_plan make_plan(const options *opt, const model_spec *spec)
{
    study_plan plan;
    nnlite_optimizer_options adam = NNLITE_ADAM_OPTIONS_INIT;
    plan.training.optimizer = adam;
    plan.training.optimizer.learning_rate = 1e-3f;
    plan.training.batch_size = 32;
    plan.training.max_epochs = opt->epochs ? opt->epochs : 200;
    plan.training.patience = 20;
    plan.training.seed = 2021;
    plan.training.refit = 1;
    plan.seeds = opt->seeds;
    plan.transform = opt->transform;
    if (opt->quick && spec->depth == 0) {
        plan.training.max_epochs = 10;
        plan.training.patience = 3;
    } else if (opt->quick) {
        plan.training.max_epochs = 1;
        plan.training.refit = 0;
        plan.transform = opt->transform < 0 ? TRANSFORM_LOG : opt->transform;
    }
    return plan;
}

static void describe_data(const char *path, const views_series *series,
                          const prepared *p)
{
    char first[DATE_TEXT_SIZE], last[DATE_TEXT_SIZE];
    char validation[DATE_TEXT_SIZE], test[DATE_TEXT_SIZE];
    const sample_split *s = prepared_samples(p, HISTORY);
    date_format(series->days[0], first);
    date_format(series->days[series->count - 1], last);
    date_format(p->sp.validation_from, validation);
    date_format(p->sp.test_from, test);
    printf("data: %s\n%zu days from %s to %s, %ld missing.\n"
           "Single missing days filled in (each the mean of its "
           "neighbours): %zu.\nDays not predicted because their 56 days "
           "reach over a longer gap: %zu.\n",
           path, series->count, first, last,
           views_series_missing_days(series), p->filled.filled_count,
           s->skipped);
    if (p->sp.fell_back) {
        printf("no day on or after the requested test date: testing on "
               "the last 20%% of days instead\n");
    }
    printf("periods: fit before %s (%zu days predicted), validate until "
           "%s (%zu),\ntest from %s on (%zu); each day from the %d days "
           "before it\n\n", validation, s->fit_count, test,
           s->training.count - s->fit_count, test, s->test.count, HISTORY);
}

static void describe_plan(const study_plan *plan, int quick)
{
    const nnlite_optimizer_options *o = &plan->training.optimizer;
    printf("every model: MAE loss, Adam (lr %g), batch %zu, shuffled;\n"
           "at most %zu epochs, stopping once %zu bring no better "
           "validation MAE%s;\nthen refitted on all training days for "
           "the best epoch's count.\nLinear models start from the "
           "least-squares fit. Seeds %llu to %llu.\n",
           (double)o->learning_rate, plan->training.batch_size,
           plan->training.max_epochs, plan->training.patience,
           quick ? " (--quick: 10 for linear\nmodels, 1 for networks, "
                   "not refitted; none over 10,000 parameters)" : "",
           (unsigned long long)plan->training.seed,
           (unsigned long long)(plan->training.seed + plan->seeds - 1));
}

/* --quick leaves out the networks with more parameters than this: an
 * epoch of them costs minutes under valgrind or an emulator, and the
 * checks do not need them. */
#define QUICK_MAX_PARAMETERS 10000

static size_t parameters(const model_spec *spec)
{
    size_t count = 0, in = spec->window;
    for (size_t i = 0; i < spec->depth; i++) {
        count += (in + 1) * spec->width;
        in = spec->width;
    }
    return count + in + 1;
}

/* Train every model of the study, then score the baselines. */
static int run_all(model_summary *results, model_spec *specs,
                   const options *opt, const prepared *p)
{
    char error[512];
    lad_certificate cert;
    model_result baselines[BASELINE_COUNT];
    for (size_t i = 0; i < STUDY_SIZE; i++) {
        study_plan plan = make_plan(opt, &study[i]);
        specs[i] = study[i];
        if (opt->quick && parameters(&study[i]) > QUICK_MAX_PARAMETERS) {
            results[i].skipped = 1;
            continue;
        }
        if (study_run(&results[i], &study[i], &plan, p, error,
                      sizeof error) != 0) {
            fprintf(stderr, "\n%s\n", error);
            return -1;
        }
    }
    if (baselines_run(baselines, &cert, &p->filled.series,
                      prepared_samples(p, HISTORY)) != 0) {
        fprintf(stderr, "baselines: out of memory\n");
        for (size_t k = 0; k < BASELINE_COUNT; k++) {
            model_result_free(&baselines[k]);
        }
        return -1;
    }
    for (size_t k = 0; k < BASELINE_COUNT; k++) {
        specs[STUDY_SIZE + k] = baseline_specs[k];
        results[STUDY_SIZE + k] = study_single(&baselines[k]);
    }
    printf("lad-56d: %zu reweighted least-squares fits, then %zu "
           "vertices; its training MAE\nand a proven lower bound for any "
           "linear fit's differ by %.1e (relative)\n\n", cert.iterations,
           cert.steps,
           fabs(cert.objective - cert.lower_bound) / cert.objective);
    return 0;
}

/* The model of [first, last) with the lowest mean validation MAE. */
static size_t choose(const model_summary *results, size_t first,
                     size_t last)
{
    size_t best = first;
    for (size_t i = first + 1; i < last; i++) {
        if (!results[i].skipped &&
            results[i].validation.mean < results[best].validation.mean) {
            best = i;
        }
    }
    return best;
}

static int write_plots(const char *dir, const model_summary *results,
                       const model_spec *specs, const size_t chosen[2],
                       const prepared *p)
{
    const size_t pictured[3] = {LINEAR_1D, chosen[0], chosen[1]};
    const window_set *test = &prepared_samples(p, HISTORY)->test;
    const char *name = p->filled.series.name;
    int failed = 0;
    for (size_t i = 0; i < 3; i++) {
        if (i == 1 && pictured[1] == LINEAR_1D) {
            continue;
        }
        failed |= plots_predictions(dir, &specs[pictured[i]],
                                    &results[pictured[i]].first, test,
                                    name) != 0;
    }
    for (size_t i = FIRST_NETWORK; i < STUDY_SIZE; i++) {
        if (!results[i].skipped &&
            (i == chosen[1] || specs[i].width == 100)) {
            const model_summary *r = &results[i];
            failed |= plots_losses(dir, &specs[i], &r->first,
                                   &p->transforms[r->transform]) != 0;
        }
    }
    return failed ? -1 : 0;
}

/* --check: what must hold on the shipped data even with --quick. */
static int sanity_check(const model_summary *results,
                        const model_spec *specs, const size_t chosen[2],
                        const prepared *p)
{
    int ok = 1;
    for (size_t k = 0; k < 2; k++) {
        const model_summary *r = &results[chosen[k]];
        int family_ok = k == 0 ? specs[chosen[k]].depth == 0
                               : specs[chosen[k]].depth > 0;
        if (!family_ok || r->skipped || !isfinite(r->test.mean) ||
            !isfinite(r->validation.mean)) {
            fprintf(stderr, "check: no %s was chosen with a test MAE\n",
                    k == 0 ? "linear model" : "network");
            ok = 0;
        }
    }
    const window_set *test = &prepared_samples(p, HISTORY)->test;
    double mean = p->transforms[TRANSFORM_SCALE].mean, mean_mae = 0.0;
    for (size_t i = 0; i < test->count; i++) {
        mean_mae += fabs(test->views[i] - mean);
    }
    mean_mae /= (double)test->count; /* always predicting the mean */
    for (size_t i = 0; i < ROWS; i++) {
        const model_result *r = &results[i].first;
        if (results[i].skipped) {
            continue;
        }
        if (!(results[i].test.mean < mean_mae) ||
            !isfinite(results[i].train.mean)) {
            fprintf(stderr, "check: %s (test MAE %.1f) does not beat "
                    "predicting the mean (%.1f)\n", specs[i].name,
                    results[i].test.mean, mean_mae);
            ok = 0;
        }
        for (size_t k = 0; k < test->count; k++) {
            if (!(r->test_predictions[k] >= 0.0)) {
                fprintf(stderr, "check: %s predicts %g on test day %zu\n",
                        specs[i].name, r->test_predictions[k], k);
                ok = 0;
                break;
            }
        }
    }
    if (!(results[LINEAR_7D].test.mean < results[LINEAR_1D].test.mean)) {
        fprintf(stderr, "check: the 7-day model does not beat the 1-day "
                "model on the test days\n");
        ok = 0;
    }
    lecture_figures f; /* tomorrow is nearly today, as in the lecture */
    if (lecture_figures_measure(&f, p, &results[LINEAR_1D],
                                &results[LINEAR_56D]) != 0 ||
        !(f.one_day[0] > 0.5 && f.one_day[0] < 1.5)) {
        fprintf(stderr, "check: the 1-day fit's weight %.3f is not near "
                "1\n", f.one_day[0]);
        ok = 0;
    }
    return ok ? 0 : -1;
}

static void print_results(const model_summary *results,
                          const model_spec *specs, const size_t chosen[2],
                          const prepared *p)
{
    int marks[ROWS] = {0};
    lecture_figures figures;
    double unit = p->transforms[TRANSFORM_SCALE].mean >= 1000.0 ? 1000.0
                                                               : 1.0;
    marks[chosen[0]] = marks[chosen[1]] = 1;
    printf("MAE, ours in %s of this data,\nthe lecture's in thousands "
           "of views of its channel (* chosen on validation):\n\n",
           unit == 1000.0 ? "thousands (k)" : "units");
    report_print_table(stdout, specs, results, ROWS, marks, unit);
    printf("\nchosen on validation: linear %s, test MAE %.4g (sd %.2g); "
           "network %s,\ntest MAE %.4g (sd %.2g)\n\n", specs[chosen[0]].name,
           results[chosen[0]].test.mean, results[chosen[0]].test.sd,
           specs[chosen[1]].name, results[chosen[1]].test.mean,
           results[chosen[1]].test.sd);
    if (lecture_figures_measure(&figures, p, &results[LINEAR_1D],
                                &results[LINEAR_56D]) == 0) {
        report_print_lecture(stdout, &figures, unit);
    }
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

    /* The data: views per day, split in time. The past trains (its last
     * year validates), the future (2021, unless told otherwise) tests. */
    views_series series;
    prepared p;
    model_summary results[ROWS];
    model_spec specs[ROWS];
    int status = 1;
    memset(&p, 0, sizeof p);
    memset(results, 0, sizeof results);
    if (views_csv_read(&series, opt.csv, error, sizeof error) != 0 ||
        prepare(&p, &series, opt.test_from, error, sizeof error) != 0) {
        fprintf(stderr, "%s: %s\n", opt.csv, error);
        goto done;
    }
    describe_data(opt.csv, &series, &p);

    /* Steps 1 to 3 for every model of the lecture, and the baselines. */
    study_plan plan = make_plan(&opt, &study[0]);
    describe_plan(&plan, opt.quick);
    fflush(stdout); /* before the progress lines on stderr */
    if (run_all(results, specs, &opt, &p) != 0) {
        goto done;
    }

    /* What came out, beside what the lecture reports. */
    const size_t chosen[2] = {choose(results, 0, FIRST_NETWORK),
                              choose(results, FIRST_NETWORK, STUDY_SIZE)};
    print_results(results, specs, chosen, &p);
    status = 0;
    if (opt.report &&
        report_write_csv(opt.report, specs, results, ROWS,
                         prepared_samples(&p, HISTORY)->test.count) != 0) {
        perror(opt.report);
        status = 1;
    }
    if (opt.plots && write_plots(opt.plots, results, specs, chosen, &p) != 0) {
        status = 1;
    }
    if (opt.check && sanity_check(results, specs, chosen, &p) != 0) {
        status = 1;
    }
done:
    for (size_t i = 0; i < ROWS; i++) {
        model_summary_free(&results[i]);
    }
    prepared_free(&p);
    views_series_free(&series);
    return status;
}
