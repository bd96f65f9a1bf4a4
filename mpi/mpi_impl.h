/* The context's body and the helpers nnlite-mpi's files share. Private:
 * never installed. nnlite-mpi sees nnlite through its public headers only. */
#ifndef NNLITE_MPI_IMPL_H
#define NNLITE_MPI_IMPL_H

#include <stdarg.h>
#include <stddef.h>

#include "nnlite/mpi.h"

/* Longest message a context keeps (also what travels from a failing rank
 * to the others). */
#define NNLITE__MPI_MESSAGE 256

/* Doubles per rank in one exchange of small figures; field 0 is always
 * the rank's status. */
#define NNLITE__MPI_FIELDS 8

struct nnlite_mpi {
    MPI_Comm comm; /* our duplicate of the caller's */
    int rank, size;
    nnlite_allocator allocator;
    char error[NNLITE__MPI_MESSAGE];
    double *records; /* size * NNLITE__MPI_FIELDS: the last exchange */
    float *chunk;    /* the ring's receive buffer */
    size_t chunk_capacity;
};

/* The record of `rank` in the last exchange. */
#define NNLITE__MPI_RECORD(mpi, rank)                                         \
    ((mpi)->records + (size_t)(rank) * NNLITE__MPI_FIELDS)

void *nnlite__mpi_alloc(const nnlite_mpi *mpi, size_t count, size_t size);
void nnlite__mpi_free(const nnlite_mpi *mpi, void *p);

/* Writes a message into buf (size bytes), printf style. */
void nnlite__mpi_format(char *buf, size_t size, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Every rank contributes `fields` doubles (mine[0] its status); afterwards
 * NNLITE__MPI_RECORD holds every rank's. Returns the first failing rank's
 * status (the same on every rank), with that rank's `message` ("rank R:
 * ...") in mpi->error everywhere; NNLITE_OK clears the message. */
nnlite_status nnlite__mpi_exchange(nnlite_mpi *mpi, double *mine,
                                   size_t fields, const char *message);

/* A failure every rank found the same way (the same figures): the same
 * status and message everywhere, with no communication. */
nnlite_status nnlite__mpi_fail(nnlite_mpi *mpi, nnlite_status s,
                               const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Grow the ring's receive buffer for `count` floats across the ranks;
 * local only (the caller agrees on the status). */
nnlite_status nnlite__mpi_reserve_ring(nnlite_mpi *mpi, size_t count,
                                       char *message, size_t size);

/* Sum buf (count floats, the same count on every rank) over the ranks,
 * in place, in an order fixed by the number of ranks; every rank ends
 * with the same bits. The buffer must be reserved. */
nnlite_status nnlite__mpi_ring_sum(nnlite_mpi *mpi, float *buf,
                                   size_t count);

/* Scale this rank's gradients by rows / total (or zero them) and sum
 * them over the ranks; the exchange that agreed on the rows is done. */
nnlite_status nnlite__mpi_weighted_sum(nnlite_mpi *mpi, float *grads,
                                       size_t count, size_t rows,
                                       size_t total);

#endif /* NNLITE_MPI_IMPL_H */
