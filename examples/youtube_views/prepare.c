#include "prepare.h"

#include <stdio.h>
#include <string.h>

static const size_t study_windows[WINDOW_COUNT] = {1, 7, 28, 56};

static size_t index_of(const prepared *p, size_t window)
{
    size_t i = 0;
    while (i + 1 < WINDOW_COUNT && p->windows[i] != window) {
        i++;
    }
    return i;
}

static int make_sets(prepared *out)
{
    const views_series *s = &out->filled.series;
    for (size_t i = 0; i < WINDOW_COUNT; i++) {
        if (windows_make(&out->samples[i], s, out->filled.filled,
                         out->windows[i], HISTORY, &out->sp) != 0) {
            return -1;
        }
        for (size_t k = 0; k < TRANSFORM_COUNT; k++) {
            if (transform_encode(&out->training[i][k], &out->transforms[k],
                                 s, &out->samples[i].training) != 0 ||
                transform_encode(&out->test[i][k], &out->transforms[k], s,
                                 &out->samples[i].test) != 0) {
                return -1;
            }
        }
    }
    return 0;
}

int prepare(prepared *out, const views_series *series, long test_from,
            char *error, size_t error_size)
{
    memset(out, 0, sizeof *out);
    memcpy(out->windows, study_windows, sizeof study_windows);
    if (gaps_fill_single_days(&out->filled, series) != 0) {
        snprintf(error, error_size, "out of memory");
        return -1;
    }
    const views_series *s = &out->filled.series;
    if (windows_choose_split(&out->sp, s, test_from, error,
                             error_size) != 0 ||
        transform_fit(&out->transforms[TRANSFORM_SCALE], TRANSFORM_SCALE, s,
                      out->sp.test_from, error, error_size) != 0) {
        return -1;
    }
    out->transforms[TRANSFORM_LOG] = out->transforms[TRANSFORM_SCALE];
    out->transforms[TRANSFORM_LOG].kind = TRANSFORM_LOG;
    if (make_sets(out) != 0) {
        snprintf(error, error_size, "out of memory");
        return -1;
    }
    const sample_split *longest = &out->samples[WINDOW_COUNT - 1];
    if (longest->fit_count < 2 ||
        longest->training.count <= longest->fit_count ||
        longest->test.count < 1) {
        snprintf(error, error_size, "too few days: every prediction needs "
                 "the %d days before it without a longer gap, in each of "
                 "the training, validation and test periods", HISTORY);
        return -1;
    }
    return 0;
}

const sample_split *prepared_samples(const prepared *p, size_t window)
{
    return &p->samples[index_of(p, window)];
}

model_data prepared_model_data(const prepared *p, size_t window,
                               transform_kind kind)
{
    size_t i = index_of(p, window);
    model_data d = {&p->transforms[kind], &p->training[i][kind],
                    p->samples[i].fit_count, &p->test[i][kind],
                    p->samples[i].training.views, p->samples[i].test.views};
    return d;
}

void prepared_free(prepared *p)
{
    if (!p) {
        return;
    }
    for (size_t i = 0; i < WINDOW_COUNT; i++) {
        sample_split_free(&p->samples[i]);
        for (size_t k = 0; k < TRANSFORM_COUNT; k++) {
            encoded_set_free(&p->training[i][k]);
            encoded_set_free(&p->test[i][k]);
        }
    }
    filled_series_free(&p->filled);
    memset(p, 0, sizeof *p);
}
