#include "lecture.h"

#include <string.h>

#include "baselines.h"

/* 1970-01-01, day 0, was a Thursday. */
static int weekday_of(long day)
{
    return (int)(((day + 4) % 7 + 7) % 7);
}

/* Each training day against the mean of the week around it (only where
 * that week has no gap), averaged by weekday. */
static void weekly_profile(double profile[7], const prepared *p)
{
    const views_series *s = &p->filled.series;
    double sum[7] = {0}, count[7] = {0};
    for (size_t i = 3; i + 3 < s->count; i++) {
        if (s->days[i] >= p->sp.test_from ||
            s->days[i + 3] - s->days[i - 3] != 6) {
            continue;
        }
        double week = 0.0;
        for (size_t j = i - 3; j <= i + 3; j++) {
            week += s->views[j] / 7.0;
        }
        if (week > 0.0) {
            int d = weekday_of(s->days[i]);
            sum[d] += s->views[i] / week;
            count[d] += 1.0;
        }
    }
    for (int d = 0; d < 7; d++) {
        profile[d] = count[d] > 0.0 ? sum[d] / count[d] : 0.0;
    }
}

int lecture_figures_measure(lecture_figures *out, const prepared *p,
                            const model_summary *linear_1d,
                            const model_summary *linear_56d)
{
    const views_series *s = &p->filled.series;
    const window_set *train = &prepared_samples(p, HISTORY)->training;
    lad_certificate unused;
    memset(out, 0, sizeof *out);
    if (baselines_lad(out->one_day, &unused, s, train, train->count, 1) !=
            0 ||
        baselines_lad(out->seven_days, &unused, s, train, train->count,
                      7) != 0) {
        return -1;
    }
    out->ratio_1d = linear_1d->test.mean / linear_1d->train.mean;
    out->ratio_56d = linear_56d->test.mean / linear_56d->train.mean;
    weekly_profile(out->weekday, p);
    return 0;
}
