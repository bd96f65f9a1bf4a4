/* A ring all-reduce of our own, so the order of the additions is fixed:
 * MPI_Allreduce may add in any order (even a different one per call or
 * per rank), and float addition is not associative.
 *
 * The buffer is cut into N chunks, chunk c being elements
 * [c * count / N, (c + 1) * count / N). Reduce-scatter: at step s
 * (0 .. N-2) rank r sends its partial chunk (r - s) mod N to rank r + 1
 * and adds the chunk (r - s - 1) mod N it receives from rank r - 1 into
 * its own, so chunk c collects ((x_c + x_{c+1}) + x_{c+2}) + ... in ring
 * order starting at rank c (indices mod N), and rank c - 1 ends with its
 * sum. All-gather: N - 1 more steps pass the finished chunks around as
 * they are. Every rank sends and receives 2 (N - 1) / N of the buffer;
 * each element is added by one rank only and copied to the others, so
 * all ranks hold the same bits. */
#include <limits.h>
#include <string.h>

#include "mpi_impl.h"

static size_t chunk_start(size_t count, int chunks, int c)
{
    /* count * c / chunks without overflow for any realistic count */
    const size_t n = (size_t)chunks, i = (size_t)c;
    return count / n * i + count % n * i / n;
}

static int wrap(int i, int n)
{
    return ((i % n) + n) % n;
}

nnlite_status nnlite__mpi_reserve_ring(nnlite_mpi *mpi, size_t count,
                                       char *message, size_t size)
{
    const size_t need = count / (size_t)mpi->size + 1;
    float *p;
    if (need > (size_t)INT_MAX) {
        nnlite__mpi_format(message, size,
                           "%zu gradients are too many for one MPI message "
                           "per rank",
                           count);
        return NNLITE_ENOMEM;
    }
    if (need <= mpi->chunk_capacity) {
        return NNLITE_OK;
    }
    p = nnlite__mpi_alloc(mpi, need, sizeof(float));
    if (p == NULL) {
        nnlite__mpi_format(message, size,
                           "out of memory for the all-reduce buffer");
        return NNLITE_ENOMEM;
    }
    nnlite__mpi_free(mpi, mpi->chunk);
    mpi->chunk = p;
    mpi->chunk_capacity = need;
    return NNLITE_OK;
}

/* One ring step: send chunk `out` to the next rank, receive chunk `in`
 * from the previous one into `into`. */
static nnlite_status step(nnlite_mpi *mpi, float *buf, size_t count,
                          int out, int in, float *into)
{
    const int n = mpi->size;
    const size_t o0 = chunk_start(count, n, out);
    const size_t i0 = chunk_start(count, n, in);
    const int olen = (int)(chunk_start(count, n, out + 1) - o0);
    const int ilen = (int)(chunk_start(count, n, in + 1) - i0);
    if (MPI_Sendrecv(buf + o0, olen, MPI_FLOAT, wrap(mpi->rank + 1, n), 0,
                     into != NULL ? into : buf + i0, ilen, MPI_FLOAT,
                     wrap(mpi->rank - 1, n), 0, mpi->comm,
                     MPI_STATUS_IGNORE) != MPI_SUCCESS) {
        return nnlite__mpi_fail(mpi, NNLITE_EIO,
                                "MPI_Sendrecv failed on rank %d",
                                mpi->rank);
    }
    return NNLITE_OK;
}

nnlite_status nnlite__mpi_ring_sum(nnlite_mpi *mpi, float *buf,
                                   size_t count)
{
    const int n = mpi->size, r = mpi->rank;
    nnlite_status s;
    for (int k = 0; k < n - 1; k++) {
        const int in = wrap(r - k - 1, n);
        const size_t i0 = chunk_start(count, n, in);
        const size_t len = chunk_start(count, n, in + 1) - i0;
        if ((s = step(mpi, buf, count, wrap(r - k, n), in, mpi->chunk)) !=
            NNLITE_OK) {
            return s;
        }
        for (size_t i = 0; i < len; i++) {
            buf[i0 + i] = mpi->chunk[i] + buf[i0 + i];
        }
    }
    /* Rank r now holds the sum of chunk r + 1; pass the sums around. */
    for (int k = 0; k < n - 1; k++) {
        if ((s = step(mpi, buf, count, wrap(r + 1 - k, n),
                      wrap(r - k, n), NULL)) != NNLITE_OK) {
            return s;
        }
    }
    return NNLITE_OK;
}

nnlite_status nnlite__mpi_weighted_sum(nnlite_mpi *mpi, float *grads,
                                       size_t count, size_t rows,
                                       size_t total)
{
    /* rows / total in double, rounded once: 1 exactly on a lone rank, so
     * one rank's update is nnlite_model_fit's bit for bit. */
    const float w = (float)((double)rows / (double)total);
    if (rows == 0) {
        memset(grads, 0, count * sizeof(float));
    } else if (w != 1.0f) {
        for (size_t i = 0; i < count; i++) {
            grads[i] *= w;
        }
    }
    return mpi->size > 1 ? nnlite__mpi_ring_sum(mpi, grads, count)
                         : NNLITE_OK;
}
