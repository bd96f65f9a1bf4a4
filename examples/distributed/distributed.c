/*
 * distributed: the digits classifier trained data-parallel over MPI.
 *
 * Every rank reads the digits (8x8 images, 64 pixels, 10 classes) and
 * keeps its own shard: of each run of ranks * batch rows, rank r takes
 * rows r * batch .. r * batch + batch - 1. Rank 0 builds the model and
 * broadcasts it (parameters, optimizer and its state), so every rank
 * starts from the same bits; nnlite_mpi_fit then averages each update's
 * gradients over the ranks, weighted by their rows. With N ranks and
 * --batch B, the updates are those of one process with batch N * B on the
 * same rows (the rows are not shuffled, so that the two runs see the same
 * batches): `mpirun -np 2 distributed --batch 16` and `distributed --batch
 * 32` print the same final loss, to float rounding.
 *
 * Build out of tree (Open MPI's mpicc adds MPI's flags):
 *   mpicc -std=c11 -o distributed examples/distributed/distributed.c \
 *      $(pkg-config --cflags --libs nnlite-mpi)
 * Run: mpirun -np 2 distributed [--data FILE] [--epochs E] [--batch B]
 *                               [--save FILE]
 * Rank 0 prints "ranks N", "final loss X" (the last epoch's mean training
 * loss over all ranks' rows) and, after checking that every rank holds
 * the same parameter bits, "ranks agree: yes" (or "no", exiting 1).
 */
#include <nnlite/mpi.h>
#include <nnlite/nnlite.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef DIGITS_DEFAULT_DATA
#define DIGITS_DEFAULT_DATA "examples/data/digits.csv"
#endif

enum { PIXELS = 64, CLASSES = 10, HIDDEN = 32, MODEL_SEED = 42 };

typedef struct options {
    const char *data;
    const char *save;
    size_t epochs, batch;
} options;

static int parse_size(const char *text, size_t *out)
{
    char *end;
    unsigned long v = strtoul(text, &end, 10);
    if (*text == '\0' || *end != '\0' || v == 0) {
        return 0;
    }
    *out = (size_t)v;
    return 1;
}

static int parse(int argc, char **argv, options *o)
{
    o->data = DIGITS_DEFAULT_DATA;
    o->save = NULL;
    o->epochs = 10;
    o->batch = 16;
    for (int i = 1; i < argc; i++) {
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (next != NULL && strcmp(argv[i], "--data") == 0) {
            o->data = argv[++i];
        } else if (next != NULL && strcmp(argv[i], "--save") == 0) {
            o->save = argv[++i];
        } else if (next != NULL && strcmp(argv[i], "--epochs") == 0 &&
                   parse_size(next, &o->epochs)) {
            i++;
        } else if (next != NULL && strcmp(argv[i], "--batch") == 0 &&
                   parse_size(next, &o->batch)) {
            i++;
        } else {
            return 0;
        }
    }
    return 1;
}

/* Rank r's rows of every run of ranks * batch rows, pixels scaled to
 * [0, 1]; *x_out, *t_out owned by the caller. */
static nnlite_status shard(nnlite_tensor **x_out, nnlite_tensor **t_out,
                           const nnlite_tensor *x, const nnlite_tensor *t,
                           int rank, int ranks, size_t batch)
{
    const size_t rows = nnlite_tensor_dim(x, 0), run = batch * (size_t)ranks;
    const float *xs = nnlite_tensor_const_data(x);
    const float *ts = nnlite_tensor_const_data(t);
    size_t mine = 0, k = 0;
    nnlite_status s;
    for (size_t i = 0; i < rows; i++) {
        mine += (i % run) / batch == (size_t)rank;
    }
    *x_out = *t_out = NULL;
    if (mine == 0) {
        return NNLITE_EINVAL; /* this rank would have no row */
    }
    if ((s = nnlite_tensor_create2d(x_out, mine, PIXELS)) != NNLITE_OK ||
        (s = nnlite_tensor_create2d(t_out, mine, 1)) != NNLITE_OK) {
        return s;
    }
    for (size_t i = 0; i < rows; i++) {
        if ((i % run) / batch != (size_t)rank) {
            continue;
        }
        for (size_t p = 0; p < PIXELS; p++) {
            nnlite_tensor_data(*x_out)[k * PIXELS + p] =
                xs[i * PIXELS + p] / 16.0f;
        }
        nnlite_tensor_data(*t_out)[k++] = ts[i];
    }
    return NNLITE_OK;
}

/* 64 -> 32 ReLU -> 10 logits, cross-entropy, Adam. */
static nnlite_status build(nnlite_model **out)
{
    nnlite_model *m = NULL;
    nnlite_layer *l;
    nnlite_loss *loss;
    nnlite_optimizer *opt;
    nnlite_status s;
    if ((s = nnlite_model_create(&m, PIXELS, MODEL_SEED)) != NNLITE_OK ||
        (s = nnlite_dense_create(&l, PIXELS, HIDDEN)) != NNLITE_OK ||
        (s = nnlite_model_add(m, l)) != NNLITE_OK ||
        (s = nnlite_relu_create(&l)) != NNLITE_OK ||
        (s = nnlite_model_add(m, l)) != NNLITE_OK ||
        (s = nnlite_dense_create(&l, HIDDEN, CLASSES)) != NNLITE_OK ||
        (s = nnlite_model_add(m, l)) != NNLITE_OK ||
        (s = nnlite_loss_cross_entropy_create(&loss)) != NNLITE_OK ||
        (s = nnlite_model_set_loss(m, loss)) != NNLITE_OK ||
        (s = nnlite_adam_create(&opt, 0.005f, 0.9f, 0.999f, 1e-8f)) !=
            NNLITE_OK ||
        (s = nnlite_model_set_optimizer(m, opt)) != NNLITE_OK) {
        nnlite_model_destroy(m);
        return s;
    }
    *out = m;
    return NNLITE_OK;
}

/* Everything after MPI_Init; 0 on success. */
static int train(const options *o, nnlite_mpi *mpi)
{
    const size_t target_column = PIXELS;
    const int rank = nnlite_mpi_rank(mpi), ranks = nnlite_mpi_size(mpi);
    nnlite_csv_options csv = NNLITE_CSV_OPTIONS_INIT;
    nnlite_fit_result result = NNLITE_FIT_RESULT_INIT;
    nnlite_fit_options fit = NNLITE_FIT_OPTIONS_INIT;
    nnlite_tensor *x = NULL, *t = NULL, *my_x = NULL, *my_t = NULL;
    nnlite_model *model = NULL;
    char why[256] = "";
    int agree = 0, code = 1;
    nnlite_status s;

    csv.target_columns = &target_column;
    csv.target_count = 1;
    csv.error = why;
    csv.error_size = sizeof why;
    s = nnlite_csv_read(&x, &t, o->data, &csv);
    if (s == NNLITE_OK) {
        s = shard(&my_x, &my_t, x, t, rank, ranks, o->batch);
        snprintf(why, sizeof why, "cannot take a shard of the data");
    }
    if (s == NNLITE_OK && rank == 0) {
        s = build(&model);
        snprintf(why, sizeof why, "cannot build the model");
    }
    /* Every rank learns whether all got this far. */
    if ((s = nnlite_mpi_agree(mpi, s, why)) != NNLITE_OK ||
        (s = nnlite_mpi_broadcast_model(mpi, &model, 0)) != NNLITE_OK) {
        goto done;
    }
    fit.epochs = o->epochs;
    fit.batch_size = o->batch;
    fit.shuffle = 0;
    fit.result = &result;
    if ((s = nnlite_mpi_fit(mpi, model, my_x, my_t, &fit, NULL, NULL)) !=
            NNLITE_OK ||
        (s = nnlite_mpi_params_agree(mpi, model, &agree)) != NNLITE_OK) {
        goto done;
    }
    if (rank == 0) {
        printf("ranks %d\n", ranks);
        printf("final loss %.6f\n", (double)result.train_loss);
        printf("ranks agree: %s\n", agree ? "yes" : "no");
    }
    if (rank == 0 && o->save != NULL &&
        (s = nnlite_model_save(model, o->save)) != NNLITE_OK) {
        fprintf(stderr, "distributed: %s: %s\n", o->save,
                nnlite_model_last_error(model));
        code = 1;
        goto done_quiet;
    }
    code = agree ? 0 : 1;
    goto done_quiet;
done:
    if (rank == 0) {
        fprintf(stderr, "distributed: %s (%s)\n", nnlite_status_string(s),
                nnlite_mpi_last_error(mpi));
    }
done_quiet:
    nnlite_model_destroy(model);
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_tensor_destroy(my_x);
    nnlite_tensor_destroy(my_t);
    return code;
}

int main(int argc, char **argv)
{
    options o;
    nnlite_mpi *mpi = NULL;
    int code = 1;
    if (MPI_Init(&argc, &argv) != MPI_SUCCESS) {
        fprintf(stderr, "distributed: MPI_Init failed\n");
        return 1;
    }
    if (!parse(argc, argv, &o)) {
        fprintf(stderr, "usage: distributed [--data FILE] [--epochs E] "
                        "[--batch B] [--save FILE]\n");
    } else if (nnlite_mpi_create(&mpi, MPI_COMM_WORLD) != NNLITE_OK) {
        fprintf(stderr, "distributed: cannot set up MPI\n");
    } else {
        code = train(&o, mpi);
    }
    nnlite_mpi_destroy(mpi);
    MPI_Finalize();
    return code;
}
