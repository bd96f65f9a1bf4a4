/* The data-parallel fit's state, shared by fit.c (setting up, the
 * result) and fit_epoch.c (an epoch's updates, validation, stopping). */
#ifndef NNLITE_MPI_FIT_IMPL_H
#define NNLITE_MPI_FIT_IMPL_H

#include <stdint.h>

#include "mpi_impl.h"
#include "schedule_impl.h"

typedef struct nnlite__mpi_fit {
    nnlite_mpi *mpi;
    nnlite_model *model;
    nnlite_fit_options o; /* as version 2, rows resolved */
    nnlite_epoch_callback callback;
    void *user;
    size_t in, tcols;      /* widths of x and target */
    const float *x, *t;    /* this rank's first training row */
    size_t rows;           /* this rank's training rows */
    const float *vx, *vt;  /* this rank's validation rows, if any */
    size_t vrows;
    int validate;          /* every rank has a validation set */
    int any_hook;          /* some rank has a gradient hook */
    size_t steps;          /* updates per epoch: the most batches a rank
                              has */
    float *grads;          /* the model's gradient buffer */
    size_t count;          /* parameters */
    nnlite_tensor *batch_x, *batch_t; /* views of the current batch */
    nnlite_tensor *val_x, *val_t;     /* views of the validation rows */
    nnlite_tensor *order;  /* with shuffle: [rows, 2] row numbers as
                              (high, low) 24-bit halves */
    float *gather_x, *gather_t; /* with shuffle: the batch's rows */
    float *best;           /* with restore_best: the best parameters */
    uint64_t seed;         /* of this rank's shuffles */
    nnlite__mpi_schedule schedule;
    nnlite_epoch_stats stats;
    size_t epochs_run;
    size_t bad_epochs;     /* since the validation loss last improved */
    size_t best_updates;   /* updates when the best parameters were kept */
    int restored_best;
} nnlite__mpi_fit;

/* One epoch and what follows it (validation, early stopping, callback,
 * schedule); stats.stop says when it was the last. */
nnlite_status nnlite__mpi_fit_epoch(nnlite__mpi_fit *f);

#endif /* NNLITE_MPI_FIT_IMPL_H */
