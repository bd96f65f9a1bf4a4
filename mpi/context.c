/* The context: a duplicate communicator that returns MPI errors instead
 * of aborting, the allocator, the message, and the exchange buffer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpi_impl.h"

static void *default_alloc(void *user, size_t size)
{
    (void)user;
    return malloc(size);
}

static void default_free(void *user, void *p)
{
    (void)user;
    free(p);
}

void *nnlite__mpi_alloc(const nnlite_mpi *mpi, size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size) {
        return NULL;
    }
    return mpi->allocator.alloc(mpi->allocator.user,
                                count * size > 0 ? count * size : 1);
}

void nnlite__mpi_free(const nnlite_mpi *mpi, void *p)
{
    if (p != NULL) {
        mpi->allocator.free(mpi->allocator.user, p);
    }
}

void nnlite__mpi_format(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (size > 0) {
        vsnprintf(buf, size, fmt, ap);
    }
    va_end(ap);
}

nnlite_status nnlite__mpi_fail(nnlite_mpi *mpi, nnlite_status s,
                               const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(mpi->error, sizeof mpi->error, fmt, ap);
    va_end(ap);
    return s;
}

/* The context and its record buffer on this rank, or NULL. */
static nnlite_mpi *allocate(const nnlite_allocator *a, MPI_Comm comm)
{
    nnlite_mpi *mpi = a->alloc(a->user, sizeof *mpi);
    if (mpi == NULL) {
        return NULL;
    }
    memset(mpi, 0, sizeof *mpi);
    mpi->allocator = *a;
    mpi->comm = comm;
    if (MPI_Comm_rank(comm, &mpi->rank) != MPI_SUCCESS ||
        MPI_Comm_size(comm, &mpi->size) != MPI_SUCCESS ||
        (mpi->records = nnlite__mpi_alloc(
             mpi, (size_t)mpi->size, NNLITE__MPI_FIELDS * sizeof(double))) ==
            NULL) {
        a->free(a->user, mpi);
        return NULL;
    }
    return mpi;
}

nnlite_status nnlite_mpi_create_advanced(nnlite_mpi **out, MPI_Comm comm,
                                         const nnlite_allocator *allocator)
{
    nnlite_allocator a = {default_alloc, default_free, NULL};
    MPI_Comm dup = MPI_COMM_NULL;
    nnlite_mpi *mpi;
    int initialized = 0, local, agreed = (int)NNLITE_EIO;

    if (out == NULL) {
        return NNLITE_EINVAL;
    }
    *out = NULL;
    if (allocator != NULL) {
        if (allocator->alloc == NULL || allocator->free == NULL) {
            return NNLITE_EINVAL;
        }
        a = *allocator;
    }
    if (MPI_Initialized(&initialized) != MPI_SUCCESS || !initialized ||
        MPI_Comm_dup(comm, &dup) != MPI_SUCCESS) {
        return NNLITE_EIO;
    }
    MPI_Comm_set_errhandler(dup, MPI_ERRORS_RETURN);
    mpi = allocate(&a, dup);
    /* Every rank learns of an allocation that failed on one, so all of
     * them return ENOMEM and none waits for the others later. */
    local = mpi == NULL ? (int)NNLITE_ENOMEM : (int)NNLITE_OK;
    if (MPI_Allreduce(&local, &agreed, 1, MPI_INT, MPI_MIN, dup) !=
            MPI_SUCCESS ||
        agreed != (int)NNLITE_OK) {
        if (mpi != NULL) {
            nnlite__mpi_free(mpi, mpi->records);
            a.free(a.user, mpi);
        }
        MPI_Comm_free(&dup);
        return agreed == (int)NNLITE_ENOMEM ? NNLITE_ENOMEM : NNLITE_EIO;
    }
    *out = mpi;
    return NNLITE_OK;
}

nnlite_status nnlite_mpi_create(nnlite_mpi **out, MPI_Comm comm)
{
    return nnlite_mpi_create_advanced(out, comm, NULL);
}

void nnlite_mpi_destroy(nnlite_mpi *mpi)
{
    if (mpi == NULL) {
        return;
    }
    if (mpi->comm != MPI_COMM_NULL) {
        MPI_Comm_free(&mpi->comm);
    }
    nnlite__mpi_free(mpi, mpi->records);
    nnlite__mpi_free(mpi, mpi->chunk);
    mpi->allocator.free(mpi->allocator.user, mpi);
}

int nnlite_mpi_rank(const nnlite_mpi *mpi)
{
    return mpi == NULL ? 0 : mpi->rank;
}

int nnlite_mpi_size(const nnlite_mpi *mpi)
{
    return mpi == NULL ? 0 : mpi->size;
}

const char *nnlite_mpi_last_error(const nnlite_mpi *mpi)
{
    return mpi == NULL ? "" : mpi->error;
}
