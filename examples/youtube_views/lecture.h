/*
 * lecture: the figures the lecture shows about its channel, measured on
 * ours: the 1-day fit (lecture: w = 0.97, b = 0.1k), how much worse the
 * test year is than the training years (lecture: 1.2 to 1.4 times), the
 * 7-day fit's weights and the weekly profile (lecture: Fridays and
 * Saturdays are low).
 */
#ifndef YOUTUBE_VIEWS_LECTURE_H
#define YOUTUBE_VIEWS_LECTURE_H

#include "prepare.h"
#include "study.h"

typedef struct lecture_figures {
    double one_day[2];    /* w, b of the exact LAD 1-day fit */
    double seven_days[8]; /* the 7-day fit, oldest day first, then b */
    double ratio_1d;      /* test MAE / train MAE of linear-1d */
    double ratio_56d;     /* and of linear-56d */
    double weekday[7];    /* views / their centred 7-day mean, Sunday
                             first, averaged over the training days */
} lecture_figures;

/*
 * Measure the figures: the fits on all training days of `p`, the ratios
 * from the study's linear-1d and linear-56d.
 * @return 0; -1 when out of memory.
 */
int lecture_figures_measure(lecture_figures *out, const prepared *p,
                            const model_summary *linear_1d,
                            const model_summary *linear_56d);

#endif /* YOUTUBE_VIEWS_LECTURE_H */
