#include "study.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static spread spread_of(const double *values, size_t n)
{
    spread s = {0.0, 0.0};
    for (size_t i = 0; i < n; i++) {
        s.mean += values[i];
    }
    s.mean /= (double)n;
    for (size_t i = 0; n > 1 && i < n; i++) {
        s.sd += (values[i] - s.mean) * (values[i] - s.mean);
    }
    s.sd = n > 1 ? sqrt(s.sd / (double)(n - 1)) : 0.0;
    return s;
}

#define MAX_SEEDS 100

/* Every seed under one transform. */
static int run_seeds(model_summary *out, const model_spec *spec,
                     const study_plan *plan, const prepared *p,
                     transform_kind kind, char *error, size_t error_size)
{
    double train[MAX_SEEDS], validation[MAX_SEEDS], test[MAX_SEEDS];
    double epochs[MAX_SEEDS];
    model_data data = prepared_model_data(p, spec->window, kind);
    size_t n = plan->seeds < MAX_SEEDS ? plan->seeds : MAX_SEEDS;
    memset(out, 0, sizeof *out);
    out->transform = kind;
    for (size_t i = 0; i < n; i++) {
        training_plan t = plan->training;
        model_result r;
        t.seed += i;
        if (model_run(&r, spec, &t, &data, error, error_size) != 0) {
            model_result_free(&r);
            return -1;
        }
        train[i] = r.train_mae;
        validation[i] = r.validation_mae;
        test[i] = r.test_mae;
        epochs[i] = (double)r.best_epoch;
        if (i == 0) {
            out->first = r; /* kept for the pictures */
        } else {
            model_result_free(&r);
        }
    }
    out->train = spread_of(train, n);
    out->validation = spread_of(validation, n);
    out->test = spread_of(test, n);
    out->best_epoch = spread_of(epochs, n);
    return 0;
}

int study_run(model_summary *out, const model_spec *spec,
              const study_plan *plan, const prepared *p, char *error,
              size_t error_size)
{
    model_summary other;
    int both = plan->transform < 0;
    transform_kind first = both ? TRANSFORM_SCALE
                                : (transform_kind)plan->transform;
    memset(&other, 0, sizeof other);
    fprintf(stderr, "%-13s", spec->name);
    int failed = run_seeds(out, spec, plan, p, first, error, error_size);
    if (!failed && both) {
        failed = run_seeds(&other, spec, plan, p, TRANSFORM_LOG, error,
                           error_size);
        if (!failed && other.validation.mean < out->validation.mean) {
            model_summary swap = *out;
            *out = other;
            other = swap;
        }
    }
    model_summary_free(&other);
    if (!failed) {
        fprintf(stderr, " %-5s, %4.0f epochs, %5.2f s\n",
                transform_name(out->transform), out->best_epoch.mean,
                out->first.seconds);
    }
    return failed ? -1 : 0;
}

model_summary study_single(model_result *result)
{
    model_summary s;
    memset(&s, 0, sizeof s);
    s.transform = TRANSFORM_SCALE;
    s.train.mean = result->train_mae;
    s.validation.mean = result->validation_mae;
    s.test.mean = result->test_mae;
    s.first = *result;
    memset(result, 0, sizeof *result);
    return s;
}

void model_summary_free(model_summary *s)
{
    if (!s) {
        return;
    }
    model_result_free(&s->first);
    memset(s, 0, sizeof *s);
}
