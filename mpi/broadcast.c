/* One rank's parameters, or whole model, to every rank; and the check
 * that all ranks hold the same parameter bits. */
#include <stdint.h>
#include <string.h>

#include "mpi_impl.h"
#include "nnlite/io.h"
#include "nnlite/threads.h"

/* Largest piece one MPI call moves (its counts are int). */
#define PIECE ((size_t)1 << 30)

static nnlite_status bcast_bytes(nnlite_mpi *mpi, void *data, size_t size,
                                 int root)
{
    unsigned char *p = data;
    for (size_t done = 0; done < size; done += PIECE) {
        const size_t n = size - done < PIECE ? size - done : PIECE;
        if (MPI_Bcast(p + done, (int)n, MPI_BYTE, root, mpi->comm) !=
            MPI_SUCCESS) {
            return nnlite__mpi_fail(mpi, NNLITE_EIO,
                                    "MPI_Bcast failed on rank %d",
                                    mpi->rank);
        }
    }
    return NNLITE_OK;
}

static nnlite_status check_root(const nnlite_mpi *mpi, int root,
                                char *message, size_t size)
{
    if (root < 0 || root >= mpi->size) {
        nnlite__mpi_format(message, size,
                           "root %d is not a rank (there are %d)", root,
                           mpi->size);
        return NNLITE_EINVAL;
    }
    return NNLITE_OK;
}

/* This rank's parameters and their count, or a failure. */
static nnlite_status local_params(nnlite_model *model, float **params,
                                  size_t *count, char *message,
                                  size_t size)
{
    *params = NULL;
    *count = 0;
    if (model == NULL) {
        nnlite__mpi_format(message, size, "model is NULL");
        return NNLITE_EINVAL;
    }
    *params = nnlite_model_params(model);
    *count = nnlite_model_param_count(model);
    if (*params == NULL) {
        nnlite__mpi_format(message, size, "the model has no parameters");
        return NNLITE_EINVAL;
    }
    return NNLITE_OK;
}

/* After an exchange whose field 1 is each rank's parameter count: do they
 * all equal the root's? */
static int counts_match(const nnlite_mpi *mpi, int root)
{
    const double want = NNLITE__MPI_RECORD(mpi, root)[1];
    for (int r = 0; r < mpi->size; r++) {
        if (NNLITE__MPI_RECORD(mpi, r)[1] != want) {
            return 0;
        }
    }
    return 1;
}

nnlite_status nnlite_mpi_broadcast_params(nnlite_mpi *mpi,
                                          nnlite_model *model, int root)
{
    char why[NNLITE__MPI_MESSAGE] = "";
    double rec[NNLITE__MPI_FIELDS];
    float *params = NULL;
    size_t count = 0;
    nnlite_status s;
    if (mpi == NULL) {
        return NNLITE_EINVAL;
    }
    s = check_root(mpi, root, why, sizeof why);
    if (s == NNLITE_OK) {
        s = local_params(model, &params, &count, why, sizeof why);
    }
    rec[0] = (double)s;
    rec[1] = (double)count;
    if ((s = nnlite__mpi_exchange(mpi, rec, 2, why)) != NNLITE_OK) {
        return s;
    }
    if (!counts_match(mpi, root)) {
        return nnlite__mpi_fail(mpi, NNLITE_ESHAPE,
                                "parameter counts differ between ranks "
                                "(rank %d has %.0f)",
                                root, NNLITE__MPI_RECORD(mpi, root)[1]);
    }
    return bcast_bytes(mpi, params, count * sizeof(float), root);
}

/* The root's model as bytes; *bytes is NULL when it fails. */
static nnlite_status save_root(nnlite_mpi *mpi, nnlite_model *model,
                               void **bytes, size_t *size, char *why,
                               size_t why_size)
{
    nnlite_status s;
    *bytes = NULL;
    *size = 0;
    if (model == NULL) {
        nnlite__mpi_format(why, why_size, "the root's model is NULL");
        return NNLITE_EINVAL;
    }
    if ((s = nnlite_model_save_buffer(model, NULL, 0, size)) != NNLITE_OK) {
        nnlite__mpi_format(why, why_size, "%s", nnlite_model_last_error(model));
        return s;
    }
    if ((*bytes = nnlite__mpi_alloc(mpi, *size, 1)) == NULL) {
        nnlite__mpi_format(why, why_size, "out of memory for %zu bytes",
                           *size);
        return NNLITE_ENOMEM;
    }
    return nnlite_model_save_buffer(model, *bytes, *size, size);
}

/* The bytes on every rank: saved on the root, received elsewhere. */
static nnlite_status share_bytes(nnlite_mpi *mpi, nnlite_model **model,
                                 int root, void **bytes, size_t *size)
{
    char why[NNLITE__MPI_MESSAGE] = "";
    double rec[NNLITE__MPI_FIELDS];
    nnlite_status s = check_root(mpi, root, why, sizeof why);
    *bytes = NULL;
    *size = 0;
    if (s == NNLITE_OK && model == NULL) {
        nnlite__mpi_format(why, sizeof why, "model is NULL");
        s = NNLITE_EINVAL;
    }
    if (s == NNLITE_OK && mpi->rank == root) {
        s = save_root(mpi, *model, bytes, size, why, sizeof why);
    }
    rec[0] = (double)s;
    rec[1] = (double)*size;
    if ((s = nnlite__mpi_exchange(mpi, rec, 2, why)) != NNLITE_OK) {
        return s;
    }
    if (mpi->rank != root) {
        *size = (size_t)NNLITE__MPI_RECORD(mpi, root)[1];
        *bytes = nnlite__mpi_alloc(mpi, *size, 1);
        s = *bytes == NULL ? NNLITE_ENOMEM : NNLITE_OK;
        nnlite__mpi_format(why, sizeof why, "out of memory for %zu bytes",
                           *size);
    }
    if ((s = nnlite_mpi_agree(mpi, s, why)) != NNLITE_OK) {
        return s;
    }
    return bcast_bytes(mpi, *bytes, *size, root);
}

nnlite_status nnlite_mpi_broadcast_model(nnlite_mpi *mpi,
                                         nnlite_model **model, int root)
{
    char why[NNLITE__MPI_MESSAGE] = "";
    nnlite_load_options load = NNLITE_LOAD_OPTIONS_INIT;
    nnlite_model *fresh = NULL;
    void *bytes;
    size_t size;
    nnlite_status s;
    if (mpi == NULL) {
        return NNLITE_EINVAL;
    }
    /* Once the bytes are shared (or not, on every rank alike), the ranks
     * that load them agree before any of them drops its old model. */
    if ((s = share_bytes(mpi, model, root, &bytes, &size)) != NNLITE_OK) {
        nnlite__mpi_free(mpi, bytes);
        return s;
    }
    if (mpi->rank != root) {
        load.error = why;
        load.error_size = sizeof why;
        s = nnlite_model_load_buffer_advanced(&fresh, bytes, size, &load);
        if (s == NNLITE_OK && *model != NULL) {
            s = nnlite_model_set_threads(fresh,
                                         nnlite_model_get_threads(*model));
        }
    }
    nnlite__mpi_free(mpi, bytes);
    if ((s = nnlite_mpi_agree(mpi, s, why)) != NNLITE_OK) {
        nnlite_model_destroy(fresh);
        return s;
    }
    if (mpi->rank != root) {
        nnlite_model_destroy(*model);
        *model = fresh;
    }
    return NNLITE_OK;
}

/* The root's parameters into `copy` on every other rank; then each
 * compares. */
static nnlite_status compare_with_root(nnlite_mpi *mpi, const float *params,
                                       size_t count, int *same)
{
    char why[NNLITE__MPI_MESSAGE] = "";
    const int root = mpi->rank == 0;
    float *copy = NULL;
    nnlite_status s = NNLITE_OK;
    if (!root &&
        (copy = nnlite__mpi_alloc(mpi, count, sizeof(float))) == NULL) {
        nnlite__mpi_format(why, sizeof why, "out of memory for %zu floats",
                           count);
        s = NNLITE_ENOMEM;
    }
    if ((s = nnlite_mpi_agree(mpi, s, why)) == NNLITE_OK) {
        if (root) {
            s = bcast_bytes(mpi, (void *)(uintptr_t)params,
                            count * sizeof(float), 0);
        } else if (copy != NULL &&
                   (s = bcast_bytes(mpi, copy, count * sizeof(float), 0)) ==
                       NNLITE_OK) {
            *same = memcmp(copy, params, count * sizeof(float)) == 0;
        }
    }
    nnlite__mpi_free(mpi, copy);
    return s;
}

nnlite_status nnlite_mpi_params_agree(nnlite_mpi *mpi, nnlite_model *model,
                                      int *agree)
{
    char why[NNLITE__MPI_MESSAGE] = "";
    double rec[NNLITE__MPI_FIELDS];
    float *params = NULL;
    size_t count = 0;
    int same = 1;
    nnlite_status local = NNLITE_OK, s;
    if (mpi == NULL) {
        return NNLITE_EINVAL;
    }
    if (agree == NULL) {
        nnlite__mpi_format(why, sizeof why, "agree is NULL");
        local = NNLITE_EINVAL;
    } else if (model == NULL) {
        nnlite__mpi_format(why, sizeof why, "model is NULL");
        local = NNLITE_EINVAL;
    } else {
        params = nnlite_model_params(model);
        count = nnlite_model_param_count(model);
    }
    rec[0] = (double)local;
    rec[1] = (double)count;
    /* A local failure is every rank's failure: the exchange returns it. */
    if ((s = nnlite__mpi_exchange(mpi, rec, 2, why)) != NNLITE_OK ||
        local != NNLITE_OK) {
        return s;
    }
    *agree = 0;
    if (!counts_match(mpi, 0)) {
        return NNLITE_OK;
    }
    if (count > 0 &&
        (s = compare_with_root(mpi, params, count, &same)) != NNLITE_OK) {
        return s;
    }
    rec[0] = 0.0;
    rec[1] = (double)same;
    if ((s = nnlite__mpi_exchange(mpi, rec, 2, NULL)) != NNLITE_OK) {
        return s;
    }
    *agree = 1;
    for (int r = 0; r < mpi->size; r++) {
        *agree = *agree && NNLITE__MPI_RECORD(mpi, r)[1] != 0.0;
    }
    return NNLITE_OK;
}
