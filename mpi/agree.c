/* Agreement: every rank's small figures to every rank, in rank order, so
 * all of them take the same decisions; a failure on one rank becomes the
 * same status and message on all. */
#include <string.h>

#include "mpi_impl.h"

/* The lowest rank whose record holds a failure, or -1. */
static int first_failure(const nnlite_mpi *mpi)
{
    for (int r = 0; r < mpi->size; r++) {
        if (NNLITE__MPI_RECORD(mpi, r)[0] != 0.0) {
            return r;
        }
    }
    return -1;
}

nnlite_status nnlite__mpi_exchange(nnlite_mpi *mpi, double *mine,
                                   size_t fields, const char *message)
{
    char text[NNLITE__MPI_MESSAGE];
    double status;
    int failed;

    for (size_t i = fields; i < NNLITE__MPI_FIELDS; i++) {
        mine[i] = 0.0;
    }
    if (MPI_Allgather(mine, NNLITE__MPI_FIELDS, MPI_DOUBLE, mpi->records,
                      NNLITE__MPI_FIELDS, MPI_DOUBLE, mpi->comm) !=
        MPI_SUCCESS) {
        return nnlite__mpi_fail(mpi, NNLITE_EIO,
                                "MPI_Allgather failed on rank %d",
                                mpi->rank);
    }
    failed = first_failure(mpi);
    if (failed < 0) {
        mpi->error[0] = '\0';
        return NNLITE_OK;
    }
    /* Only the failing rank knows why; it tells the others. */
    status = NNLITE__MPI_RECORD(mpi, failed)[0];
    if (failed == mpi->rank) {
        nnlite__mpi_format(text, sizeof text, "rank %d: %s", failed,
                           message != NULL ? message : "");
    }
    if (MPI_Bcast(text, (int)sizeof text, MPI_CHAR, failed, mpi->comm) !=
        MPI_SUCCESS) {
        return nnlite__mpi_fail(mpi, NNLITE_EIO,
                                "MPI_Bcast failed on rank %d", mpi->rank);
    }
    text[sizeof text - 1] = '\0';
    memcpy(mpi->error, text, sizeof text);
    return (nnlite_status)(int)status;
}

nnlite_status nnlite_mpi_agree(nnlite_mpi *mpi, nnlite_status local,
                               const char *message)
{
    double mine[NNLITE__MPI_FIELDS] = {(double)local};
    if (mpi == NULL) {
        return NNLITE_EINVAL;
    }
    return nnlite__mpi_exchange(mpi, mine, 1, message);
}
