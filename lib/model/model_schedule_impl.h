/* Private: the learning-rate schedule fit() follows (model_schedule.c). */
#ifndef NNLITE_MODEL_SCHEDULE_IMPL_H
#define NNLITE_MODEL_SCHEDULE_IMPL_H

#include <stddef.h>

#include "nnlite/model.h"

typedef struct nnlite__schedule {
    nnlite_lr_schedule settings; /* checked by nnlite__model_check_fit */
    double lr0;                  /* the optimizer's rate when fit began */
    float lr;                    /* plateau: the rate now */
    size_t t_max;                /* cosine: settings.t_max, or the epochs */
    double best;                 /* plateau: the lowest loss seen */
    size_t bad_epochs;           /* plateau: epochs since it improved */
} nnlite__schedule;

/* Begin a fit of `epochs` epochs; lr0 is the optimizer's rate now (used
 * unless settings->base_lr is set). */
void nnlite__schedule_start(nnlite__schedule *sc,
                            const nnlite_lr_schedule *settings, float lr0,
                            size_t epochs);

/* The rate for this fit's epoch fit_epoch (0 for the first), always > 0. */
float nnlite__schedule_rate(const nnlite__schedule *sc, size_t fit_epoch);

/* After an epoch: the loss it ended with (plateau counts bad epochs). */
void nnlite__schedule_observe(nnlite__schedule *sc, float loss);

#endif /* NNLITE_MODEL_SCHEDULE_IMPL_H */
