/* The weighted gradient average, on its own (the fit does the same per
 * update). */
#include "mpi_impl.h"

/* This rank's part: the model's gradient buffer, and the ring's buffer
 * sized for it, or why not. */
static nnlite_status prepare(nnlite_mpi *mpi, nnlite_model *model,
                             float **grads, size_t *count, char *why,
                             size_t size)
{
    *grads = NULL;
    *count = 0;
    if (model == NULL) {
        nnlite__mpi_format(why, size, "model is NULL");
        return NNLITE_EINVAL;
    }
    *grads = nnlite_model_grads(model);
    *count = nnlite_model_param_count(model);
    if (*grads == NULL) {
        nnlite__mpi_format(why, size, "the model has no parameters");
        return NNLITE_EINVAL;
    }
    return nnlite__mpi_reserve_ring(mpi, *count, why, size);
}

nnlite_status nnlite_mpi_average_gradients(nnlite_mpi *mpi,
                                           nnlite_model *model, size_t rows,
                                           nnlite_status local,
                                           size_t *total_rows)
{
    char why[NNLITE__MPI_MESSAGE] = "";
    double rec[NNLITE__MPI_FIELDS];
    double total = 0.0;
    float *grads = NULL;
    size_t count = 0;
    nnlite_status s;
    if (mpi == NULL) {
        return NNLITE_EINVAL;
    }
    if (local != NNLITE_OK) {
        nnlite__mpi_format(why, sizeof why, "%s",
                           model != NULL ? nnlite_model_last_error(model)
                                         : nnlite_status_string(local));
        s = local;
    } else {
        s = prepare(mpi, model, &grads, &count, why, sizeof why);
    }
    rec[0] = (double)s;
    rec[1] = (double)count;
    rec[2] = (double)rows;
    if ((s = nnlite__mpi_exchange(mpi, rec, 3, why)) != NNLITE_OK) {
        return s;
    }
    for (int r = 0; r < mpi->size; r++) {
        if (NNLITE__MPI_RECORD(mpi, r)[1] != NNLITE__MPI_RECORD(mpi, 0)[1]) {
            return nnlite__mpi_fail(mpi, NNLITE_ESHAPE,
                                    "parameter counts differ between ranks "
                                    "(rank %d has %.0f, rank 0 %.0f)",
                                    r, NNLITE__MPI_RECORD(mpi, r)[1],
                                    NNLITE__MPI_RECORD(mpi, 0)[1]);
        }
        total += NNLITE__MPI_RECORD(mpi, r)[2];
    }
    if (total == 0.0) {
        return nnlite__mpi_fail(mpi, NNLITE_EINVAL,
                                "no rank has a row in this step");
    }
    if (total_rows != NULL) {
        *total_rows = (size_t)total;
    }
    return nnlite__mpi_weighted_sum(mpi, grads, count, rows, (size_t)total);
}
