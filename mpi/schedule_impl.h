/* The learning-rate schedules of nnlite_fit_options, stepped per epoch of
 * the data-parallel fit with the formulas of model.h (the same double
 * arithmetic as nnlite_model_fit, so one rank gives its rates bit for
 * bit). A plateau schedule watches the global loss. */
#ifndef NNLITE_MPI_SCHEDULE_IMPL_H
#define NNLITE_MPI_SCHEDULE_IMPL_H

#include <stddef.h>

#include "nnlite/model.h"

typedef struct nnlite__mpi_schedule {
    nnlite_lr_schedule settings;
    double lr0;
    float lr; /* the plateau schedule's current rate */
    size_t t_max;
    double best;
    size_t bad_epochs;
} nnlite__mpi_schedule;

void nnlite__mpi_schedule_start(nnlite__mpi_schedule *sc,
                                const nnlite_lr_schedule *settings,
                                float lr0, size_t epochs);

/* The rate for the fit's epoch `fit_epoch` (0 for the first). */
float nnlite__mpi_schedule_rate(const nnlite__mpi_schedule *sc,
                                size_t fit_epoch);

/* After an epoch: the loss the plateau schedule watches. */
void nnlite__mpi_schedule_observe(nnlite__mpi_schedule *sc, float loss);

#endif /* NNLITE_MPI_SCHEDULE_IMPL_H */
