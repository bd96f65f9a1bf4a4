/* Shared by the MPI tests: a data set every rank can make on its own, the
 * shard each rank trains on, the model, and an independent single-process
 * reference. Every rank holds the whole data set, so each can compute
 * what one process would have done and compare. */
#ifndef NNLITE_TEST_MPI_UTIL_H
#define NNLITE_TEST_MPI_UTIL_H

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../harness.h"
#include "nnlite/mpi.h"

enum { IN = 4, HIDDEN = 8 };

/* The rank and size of MPI_COMM_WORLD. */
static inline int world_rank(void)
{
    int r = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

static inline int world_size(void)
{
    int n = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &n);
    return n;
}

/* rows x [rows, IN] in [-1, 1) and targets a smooth function of them. */
static inline void make_data(float *x, float *t, size_t rows)
{
    uint32_t s = 12345u;
    for (size_t r = 0; r < rows; r++) {
        double y = 0.0;
        for (size_t i = 0; i < IN; i++) {
            s = s * 1664525u + 1013904223u;
            x[r * IN + i] = (float)(s >> 8) / 8388608.0f - 1.0f;
            y += sin((double)x[r * IN + i] * (double)(i + 1));
        }
        t[r] = (float)y;
    }
}

/* Rank r's rows of every run of ranks * batch rows (the assignment under
 * which N ranks at batch b make the updates of one process at N * b);
 * returns how many rows it copied into xs, ts. */
static inline size_t take_shard(float *xs, float *ts, const float *x,
                                const float *t, size_t rows, int rank,
                                int ranks, size_t batch)
{
    const size_t run = batch * (size_t)ranks;
    size_t k = 0;
    for (size_t r = 0; r < rows; r++) {
        if ((r % run) / batch == (size_t)rank) {
            memcpy(xs + k * IN, x + r * IN, IN * sizeof(float));
            ts[k++] = t[r];
        }
    }
    return k;
}

/* IN -> HIDDEN tanh -> 1, MSE, Adam (or SGD with momentum). */
static inline nnlite_model *make_model(uint64_t seed, int adam,
                                       const nnlite_allocator *a)
{
    nnlite_model *m = NULL;
    nnlite_layer *l;
    nnlite_loss *loss;
    nnlite_optimizer *o;
    if (nnlite_model_create_advanced(&m, IN, seed, a) != NNLITE_OK) {
        return NULL;
    }
    if (nnlite_dense_create(&l, IN, HIDDEN) != NNLITE_OK ||
        nnlite_model_add(m, l) != NNLITE_OK ||
        nnlite_tanh_create(&l) != NNLITE_OK ||
        nnlite_model_add(m, l) != NNLITE_OK ||
        nnlite_dense_create(&l, HIDDEN, 1) != NNLITE_OK ||
        nnlite_model_add(m, l) != NNLITE_OK ||
        nnlite_loss_mse_create(&loss) != NNLITE_OK ||
        nnlite_model_set_loss(m, loss) != NNLITE_OK ||
        (adam ? nnlite_adam_create(&o, 0.01f, 0.9f, 0.999f, 1e-8f)
              : nnlite_sgd_create(&o, 0.05f, 0.9f)) != NNLITE_OK ||
        nnlite_model_set_optimizer(m, o) != NNLITE_OK) {
        nnlite_model_destroy(m);
        return NULL;
    }
    return m;
}

/* Largest |a - b| / |b| over parameters with |b| >= 1e-3 (smaller ones
 * are compared absolutely), and the largest |a - b|. */
static inline double max_rel_diff(const float *a, const float *b, size_t n,
                                  double *abs_out)
{
    double worst = 0.0, worst_abs = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double d = fabs((double)a[i] - (double)b[i]);
        const double scale = fabs((double)b[i]) >= 1e-3 ? fabs((double)b[i])
                                                        : 1e-3;
        worst = d / scale > worst ? d / scale : worst;
        worst_abs = d > worst_abs ? d : worst_abs;
    }
    if (abs_out != NULL) {
        *abs_out = worst_abs;
    }
    return worst;
}

/* Is `v` the same on every rank (bit for bit)? */
static inline int same_everywhere(const void *v, size_t bytes)
{
    unsigned char root[256];
    int same, all = 0;
    assert_true(bytes <= sizeof root);
    memcpy(root, v, bytes);
    MPI_Bcast(root, (int)bytes, MPI_BYTE, 0, MPI_COMM_WORLD);
    same = memcmp(root, v, bytes) == 0;
    MPI_Allreduce(&same, &all, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
    return all;
}

#endif /* NNLITE_TEST_MPI_UTIL_H */
