/* nnlite-mpi-bench: the benchmark's training workloads W1 and W2
 * (nnlite_bench.c, docs/performance.md) trained data-parallel with
 * nnlite_mpi_fit, and the time of a step's parts, for docs/distributed.md.
 *
 *   mpirun -np N nnlite-mpi-bench --workload W1|W2 [--reps R]
 *                                 [--batch B] [--epochs E] [--breakdown]
 *
 * Throughput: the workload's rows are dealt to the ranks (row i to rank
 * i mod N); rank 0's model is broadcast; after one untimed epoch,
 * nnlite_mpi_fit runs the workload's epochs at B rows per rank per update
 * (the workload's batch by default), one thread per rank. The last line is
 * "W<n> ranks <N> samples_per_s <m>", m the median over repetitions of all
 * ranks' rows per second of wall time.
 * --breakdown: per batch size 8 .. 1024, the mean time of a step's parts
 * over 50 steps after 5 untimed ones: compute_gradients, the weighted
 * all-reduce (nnlite_mpi_average_gradients), apply_gradients. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nnlite/mpi.h"
#include "nnlite/nnlite.h"

typedef struct workload {
    const char *name;
    size_t in, rows, epochs, batch;
    int classify, shuffle;
} workload;

static const workload workloads[] = {
    {"W1", 56, 1000, 50, 32, 0, 1},
    {"W2", 784, 10000, 3, 64, 1, 1},
};

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void check(nnlite_status s, const char *what)
{
    if (s != NNLITE_OK) {
        fprintf(stderr, "nnlite-mpi-bench: %s: %s\n", what,
                nnlite_status_string(s));
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
}

static void add(nnlite_model *m, nnlite_status s, nnlite_layer **l)
{
    check(s, "layer");
    check(nnlite_model_add(m, *l), "add");
}

/* The networks of nnlite-bench: W1 56 -> 100 ReLU x3 -> 1, MSE, SGD;
 * W2 784 -> 256 ReLU -> 256 ReLU -> 10, cross-entropy, Adam. */
static nnlite_model *build(const workload *w, uint64_t seed)
{
    nnlite_model *m;
    nnlite_layer *l;
    nnlite_loss *loss;
    nnlite_optimizer *o;
    check(nnlite_model_create(&m, w->in, seed), "model");
    if (w->classify) {
        add(m, nnlite_dense_create(&l, 784, 256), &l);
        add(m, nnlite_relu_create(&l), &l);
        add(m, nnlite_dense_create(&l, 256, 256), &l);
        add(m, nnlite_relu_create(&l), &l);
        add(m, nnlite_dense_create(&l, 256, 10), &l);
        check(nnlite_loss_cross_entropy_create(&loss), "loss");
        check(nnlite_adam_create(&o, 1e-3f, 0.9f, 0.999f, 1e-8f), "adam");
    } else {
        add(m, nnlite_dense_create(&l, 56, 100), &l);
        for (int i = 0; i < 2; i++) {
            add(m, nnlite_relu_create(&l), &l);
            add(m, nnlite_dense_create(&l, 100, 100), &l);
        }
        add(m, nnlite_relu_create(&l), &l);
        add(m, nnlite_dense_create(&l, 100, 1), &l);
        check(nnlite_loss_mse_create(&loss), "loss");
        check(nnlite_sgd_create(&o, 1e-3f, 0.0f), "sgd");
    }
    check(nnlite_model_set_loss(m, loss), "set loss");
    check(nnlite_model_set_optimizer(m, o), "set optimizer");
    return m;
}

/* Rank r's rows of the workload's data (row i goes to rank i mod N):
 * inputs in [-1, 1) from a fixed-seed xorshift, targets a fixed function
 * of them (a class for W2). */
static void make_shard(const workload *w, int rank, int ranks, float **x,
                       float **t, size_t *rows)
{
    uint64_t s = 0x9e3779b97f4a7c15u;
    size_t k = 0;
    *rows = (w->rows - (size_t)rank + (size_t)ranks - 1) / (size_t)ranks;
    *x = malloc(*rows * w->in * sizeof(float));
    *t = malloc(*rows * sizeof(float));
    if (*x == NULL || *t == NULL) {
        check(NNLITE_ENOMEM, "data");
    }
    for (size_t r = 0; r < w->rows; r++) {
        const int mine = (int)(r % (size_t)ranks) == rank;
        double sum = 0.0;
        for (size_t i = 0; i < w->in; i++) {
            s ^= s >> 12;
            s ^= s << 25;
            s ^= s >> 27;
            const float v =
                (float)((s * 2685821657736338717u) >> 40) / 8388608.0f -
                1.0f;
            sum += (double)v * (double)((i % 7) + 1) / (double)w->in;
            if (mine) {
                (*x)[k * w->in + i] = v;
            }
        }
        if (mine) {
            (*t)[k++] = w->classify
                            ? (float)((r * 7 + (size_t)(sum > 0)) % 10)
                            : (float)sum;
        }
    }
}

static int compare(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* One timed run of nnlite_mpi_fit; all ranks' rows per second. */
static double fit_once(nnlite_mpi *mpi, const workload *w, int rep,
                       nnlite_tensor *x, nnlite_tensor *t)
{
    nnlite_model *m = nnlite_mpi_rank(mpi) == 0
                          ? build(w, (uint64_t)rep + 1)
                          : NULL;
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    double t0, dt;
    check(nnlite_mpi_broadcast_model(mpi, &m, 0), "broadcast");
    o.batch_size = w->batch;
    o.shuffle = w->shuffle;
    o.epochs = 1;
    check(nnlite_mpi_fit(mpi, m, x, t, &o, NULL, NULL), "warm-up fit");
    o.epochs = w->epochs;
    MPI_Barrier(MPI_COMM_WORLD);
    t0 = now();
    check(nnlite_mpi_fit(mpi, m, x, t, &o, NULL, NULL), "fit");
    MPI_Barrier(MPI_COMM_WORLD);
    dt = now() - t0;
    nnlite_model_destroy(m);
    return (double)(w->rows * w->epochs) / dt;
}

/* Mean milliseconds of a step's parts at batch b. */
static void breakdown(nnlite_mpi *mpi, const workload *w, size_t b,
                      const float *xd, const float *td, size_t rows)
{
    enum { WARM = 5, STEPS = 50 };
    nnlite_model *m = nnlite_mpi_rank(mpi) == 0 ? build(w, 1) : NULL;
    nnlite_tensor *x, *t;
    double parts[3] = {0.0, 0.0, 0.0};
    check(nnlite_mpi_broadcast_model(mpi, &m, 0), "broadcast");
    check(nnlite_tensor_wrap2d_const(&x, xd, b, w->in), "tensor");
    check(nnlite_tensor_wrap2d_const(&t, td, b, 1), "tensor");
    for (int k = 0; k < WARM + STEPS; k++) {
        const size_t first = (size_t)k * b % (rows - b + 1);
        double t0, t1, t2, t3;
        check(nnlite_tensor_rewrap_const(x, xd + first * w->in, b), "rows");
        check(nnlite_tensor_rewrap_const(t, td + first, b), "rows");
        MPI_Barrier(MPI_COMM_WORLD);
        t0 = now();
        nnlite_status s = nnlite_model_compute_gradients(m, x, t, NULL);
        t1 = now();
        check(nnlite_mpi_average_gradients(mpi, m, b, s, NULL), "average");
        t2 = now();
        check(nnlite_model_apply_gradients(m), "apply");
        t3 = now();
        if (k >= WARM) {
            parts[0] += t1 - t0;
            parts[1] += t2 - t1;
            parts[2] += t3 - t2;
        }
    }
    if (nnlite_mpi_rank(mpi) == 0) {
        printf("%s ranks %d batch %zu compute_ms %.4f allreduce_ms %.4f "
               "update_ms %.4f params %zu\n",
               w->name, nnlite_mpi_size(mpi), b, parts[0] * 1e3 / STEPS,
               parts[1] * 1e3 / STEPS, parts[2] * 1e3 / STEPS,
               nnlite_model_param_count(m));
    }
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_model_destroy(m);
}

static int usage(void)
{
    fprintf(stderr, "usage: nnlite-mpi-bench --workload W1|W2 [--reps R] "
                    "[--batch B] [--epochs E] [--breakdown]\n");
    return 2;
}

int main(int argc, char **argv)
{
    workload w;
    int found = 0, reps = 3, split = 0;
    nnlite_mpi *mpi;
    MPI_Init(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : "";
        if (strcmp(argv[i], "--breakdown") == 0) {
            split = 1;
            continue;
        }
        if (strcmp(argv[i], "--workload") == 0) {
            for (size_t k = 0; k < 2; k++) {
                if (strcmp(value, workloads[k].name) == 0) {
                    w = workloads[k];
                    found = 1;
                }
            }
        } else if (strcmp(argv[i], "--reps") == 0) {
            reps = atoi(value);
        } else if (strcmp(argv[i], "--batch") == 0 && found) {
            w.batch = (size_t)strtoul(value, NULL, 10);
        } else if (strcmp(argv[i], "--epochs") == 0 && found) {
            w.epochs = (size_t)strtoul(value, NULL, 10);
        } else {
            found = 0;
            break;
        }
        i++;
    }
    if (!found || reps < 1 || reps > 100 || w.batch == 0 || w.epochs == 0) {
        MPI_Finalize();
        return usage();
    }
    check(nnlite_mpi_create(&mpi, MPI_COMM_WORLD), "context");
    {
        float *xd, *td;
        size_t rows;
        nnlite_tensor *x, *t;
        double results[100];
        make_shard(&w, nnlite_mpi_rank(mpi), nnlite_mpi_size(mpi), &xd, &td,
                   &rows);
        if (split) {
            for (size_t b = 8; b <= 1024 && b <= rows; b *= 2) {
                breakdown(mpi, &w, b, xd, td, rows);
            }
        } else {
            check(nnlite_tensor_wrap2d(&x, xd, rows, w.in), "tensor");
            check(nnlite_tensor_wrap2d(&t, td, rows, 1), "tensor");
            for (int r = 0; r < reps; r++) {
                results[r] = fit_once(mpi, &w, r, x, t);
            }
            qsort(results, (size_t)reps, sizeof results[0], compare);
            if (nnlite_mpi_rank(mpi) == 0) {
                printf("%s ranks %d samples_per_s %.0f\n", w.name,
                       nnlite_mpi_size(mpi), results[reps / 2]);
            }
            nnlite_tensor_destroy(x);
            nnlite_tensor_destroy(t);
        }
        free(xd);
        free(td);
    }
    nnlite_mpi_destroy(mpi);
    MPI_Finalize();
    return 0;
}
