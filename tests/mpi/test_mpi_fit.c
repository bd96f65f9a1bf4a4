/* nnlite_mpi_fit under mpirun at 1, 2 and 3 ranks: one rank is
 * nnlite_model_fit bit for bit; N ranks at batch b make one process's
 * updates at batch N * b; every update leaves every rank with the same
 * bits, reproducibly; a failure on one rank is every rank's; checkpoints
 * resume on any number of ranks; the callback, early stopping and the
 * validation loss see global figures. */
#include "mpi_util.h"

/* Every test gets a context on MPI_COMM_WORLD. */
static int setup(void **state)
{
    nnlite_mpi *mpi;
    if (nnlite_mpi_create(&mpi, MPI_COMM_WORLD) != NNLITE_OK) {
        return -1;
    }
    *state = mpi;
    return 0;
}

static int teardown(void **state)
{
    nnlite_mpi_destroy(*state);
    return 0;
}

/* This rank's shard of `rows` rows of the test data at batch b, as
 * tensors over buffers the caller frees (test_free on *xs, *ts). */
typedef struct shard {
    float *x, *t;       /* the whole data set */
    float *xs, *ts;     /* this rank's rows */
    size_t rows, mine;
    nnlite_tensor *all_x, *all_t, *my_x, *my_t;
} shard;

static void shard_make(shard *s, size_t rows, size_t batch)
{
    s->rows = rows;
    s->x = test_malloc(rows * IN * sizeof(float));
    s->t = test_malloc(rows * sizeof(float));
    s->xs = test_malloc(rows * IN * sizeof(float));
    s->ts = test_malloc(rows * sizeof(float));
    make_data(s->x, s->t, rows);
    s->mine = take_shard(s->xs, s->ts, s->x, s->t, rows, world_rank(),
                         world_size(), batch);
    assert_true(s->mine > 0);
    assert_int_equal(nnlite_tensor_wrap2d(&s->all_x, s->x, rows, IN),
                     NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&s->all_t, s->t, rows, 1),
                     NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&s->my_x, s->xs, s->mine, IN),
                     NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&s->my_t, s->ts, s->mine, 1),
                     NNLITE_OK);
}

static void shard_free(shard *s)
{
    nnlite_tensor_destroy(s->all_x);
    nnlite_tensor_destroy(s->all_t);
    nnlite_tensor_destroy(s->my_x);
    nnlite_tensor_destroy(s->my_t);
    test_free(s->x);
    test_free(s->t);
    test_free(s->xs);
    test_free(s->ts);
}

/* What the epoch callback saw, epoch by epoch. */
typedef struct seen {
    size_t epochs;
    float train[16], validation[16], reference[16];
    size_t best[16], updates[16];
    int stop[16];
    int stop_at;       /* return 1 at this epoch (0: never) */
    const nnlite_tensor *vx, *vt; /* the whole validation set */
} seen;

static int record(const nnlite_epoch_stats *st, void *user)
{
    seen *s = user;
    const size_t e = s->epochs++;
    if (e < 16) {
        s->train[e] = st->train_loss;
        s->validation[e] = st->validation_loss;
        s->best[e] = st->best_epoch;
        s->updates[e] = st->updates;
        s->stop[e] = (int)st->stop;
        s->reference[e] = NAN;
        if (s->vx != NULL) {
            (void)nnlite_model_evaluate(st->model, s->vx, s->vt,
                                        &s->reference[e]);
        }
    }
    return s->stop_at != 0 && (size_t)s->stop_at == st->epoch;
}

/* On a context of its own (MPI_COMM_SELF), each rank is a one-rank run:
 * it must give nnlite_model_fit's parameters bit for bit, with
 * validation, clipping, a schedule, early stopping and restore_best. */
static void test_one_rank_is_model_fit(void **state)
{
    nnlite_mpi *self;
    shard d;
    seen a = {0}, b = {0};
    nnlite_fit_result ra = NNLITE_FIT_RESULT_INIT, rb = NNLITE_FIT_RESULT_INIT;
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    nnlite_model *m1 = make_model(21, 1, NULL), *m2 = make_model(21, 1, NULL);
    (void)state;
    shard_make(&d, 90, 8);
    assert_int_equal(nnlite_mpi_create(&self, MPI_COMM_SELF), NNLITE_OK);
    o.epochs = 6;
    o.batch_size = 8;
    o.shuffle = 0;
    o.validation_split = 0.2f;
    o.clip_grad_norm = 0.5f;
    o.patience = 3;
    o.restore_best = 1;
    o.schedule.kind = NNLITE_LR_COSINE;
    o.result = &ra;
    assert_int_equal(nnlite_model_fit(m1, d.all_x, d.all_t, &o, record, &a),
                     NNLITE_OK);
    o.result = &rb;
    assert_int_equal(nnlite_mpi_fit(self, m2, d.all_x, d.all_t, &o, record, &b),
                     NNLITE_OK);
    assert_memory_equal(nnlite_model_params(m1), nnlite_model_params(m2),
                        nnlite_model_param_count(m1) * sizeof(float));
    assert_int_equal(ra.stop, rb.stop);
    assert_int_equal(ra.epochs_run, rb.epochs_run);
    assert_int_equal(ra.updates, rb.updates);
    assert_int_equal(ra.best_epoch, rb.best_epoch);
    assert_true(ra.learning_rate == rb.learning_rate);
    assert_true(ra.validation_loss == rb.validation_loss);
    assert_int_equal(ra.restored_best, rb.restored_best);
    assert_int_equal(a.epochs, b.epochs);
    for (size_t e = 0; e < a.epochs; e++) {
        assert_float_equal(a.train[e], b.train[e], 1e-6f * a.train[e]);
        assert_true(a.validation[e] == b.validation[e]);
        assert_int_equal(a.stop[e], b.stop[e]);
    }
    nnlite_mpi_destroy(self);
    nnlite_model_destroy(m1);
    nnlite_model_destroy(m2);
    shard_free(&d);
}

/* N ranks at batch b against one process at batch N * b on the same rows,
 * after 100 updates; prints the largest relative difference. */
static void equivalence(nnlite_mpi *mpi, int adam, double bound)
{
    const size_t b = 8, ranks = (size_t)world_size();
    const size_t rows = b * ranks * 25; /* 25 updates an epoch */
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    nnlite_fit_result r = NNLITE_FIT_RESULT_INIT;
    nnlite_model *dp = make_model(31, adam, NULL);
    nnlite_model *one = make_model(31, adam, NULL);
    double rel, abs_diff;
    int agree = 0;
    shard d;
    shard_make(&d, rows, b);
    o.epochs = 4;
    o.shuffle = 0;
    o.batch_size = b;
    o.result = &r;
    assert_int_equal(nnlite_mpi_fit(mpi, dp, d.my_x, d.my_t, &o, NULL, NULL),
                     NNLITE_OK);
    assert_int_equal(r.updates, 100);
    o.batch_size = b * ranks;
    o.result = NULL;
    assert_int_equal(nnlite_model_fit(one, d.all_x, d.all_t, &o, NULL, NULL),
                     NNLITE_OK);
    rel = max_rel_diff(nnlite_model_params(dp), nnlite_model_params(one),
                       nnlite_model_param_count(dp), &abs_diff);
    if (world_rank() == 0) {
        printf("equivalence (%s): %zu ranks at batch %zu vs 1 at %zu, 100 "
               "updates: largest relative difference %.3g, absolute %.3g\n",
               adam ? "Adam" : "SGD momentum", ranks, b, b * ranks, rel,
               abs_diff);
    }
    assert_true(rel <= bound);
    if (ranks == 1) {
        assert_true(rel == 0.0);
    }
    assert_int_equal(nnlite_mpi_params_agree(mpi, dp, &agree), NNLITE_OK);
    assert_int_equal(agree, 1);
    nnlite_model_destroy(dp);
    nnlite_model_destroy(one);
    shard_free(&d);
}

static void test_equivalence_sgd(void **state)
{
    equivalence(*state, 0, 1e-4);
}

static void test_equivalence_adam(void **state)
{
    equivalence(*state, 1, 1e-3);
}

/* The hook checks, on a second context, that all ranks hold the same bits
 * after every update. */
typedef struct checker {
    nnlite_mpi *mpi;
    size_t calls, agreed;
} checker;

static int check_agree(nnlite_model *model, float *grads, size_t count,
                       size_t rows, void *user)
{
    checker *c = user;
    int agree = 0;
    (void)grads;
    (void)count;
    (void)rows;
    c->calls++;
    if (nnlite_mpi_params_agree(c->mpi, model, &agree) == NNLITE_OK &&
        agree) {
        c->agreed++;
    }
    return 0;
}

static void test_updates_agree_and_reproduce(void **state)
{
    nnlite_mpi *mpi = *state;
    checker c = {NULL, 0, 0};
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    nnlite_fit_result r = NNLITE_FIT_RESULT_INIT;
    nnlite_model *first = make_model(41, 1, NULL), *second;
    float *again;
    size_t n;
    int agree = 0;
    shard d;
    shard_make(&d, 101, 6); /* uneven shards, a partial last batch */
    second = make_model(41, 1, NULL);
    n = nnlite_model_param_count(first);
    assert_int_equal(nnlite_mpi_create(&c.mpi, MPI_COMM_WORLD), NNLITE_OK);
    o.epochs = 3;
    o.batch_size = 6;
    o.shuffle = 1;
    o.gradient_hook = check_agree;
    o.gradient_hook_user = &c;
    o.result = &r;
    assert_int_equal(nnlite_mpi_fit(mpi, first, d.my_x, d.my_t, &o, NULL,
                                    NULL),
                     NNLITE_OK);
    assert_int_equal(nnlite_mpi_params_agree(mpi, first, &agree), NNLITE_OK);
    assert_int_equal(agree, 1);
    /* updates per epoch: the most batches any rank has */
    {
        size_t most = 0;
        for (int rank = 0; rank < world_size(); rank++) {
            size_t rows = 0;
            for (size_t i = 0; i < 101; i++) {
                rows += (i % (6 * (size_t)world_size())) / 6 == (size_t)rank;
            }
            most = (rows + 5) / 6 > most ? (rows + 5) / 6 : most;
        }
        assert_int_equal(r.updates, 3 * most);
    }
    assert_int_equal(c.calls, r.updates);
    assert_int_equal(c.agreed, c.calls);
    /* The same run again: the same bits. */
    assert_int_equal(nnlite_mpi_fit(mpi, second, d.my_x, d.my_t, &o, NULL,
                                    NULL),
                     NNLITE_OK);
    again = nnlite_model_params(second);
    assert_memory_equal(again, nnlite_model_params(first), n * sizeof(float));
    nnlite_mpi_destroy(c.mpi);
    nnlite_model_destroy(first);
    nnlite_model_destroy(second);
    shard_free(&d);
}

/* A target in the last rank's third batch that makes the loss overflow
 * (finite data, so it passes fit's checks; the gradient step finds it):
 * every rank returns ENUMERIC after two updates, with the parameters of
 * those two everywhere. A NaN input on that rank is refused before any
 * update, everywhere. */
static void test_nan_on_one_rank_stops_all(void **state)
{
    nnlite_mpi *mpi = *state;
    const int last = world_size() - 1;
    const size_t b = 4;
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    nnlite_fit_result r = NNLITE_FIT_RESULT_INIT;
    nnlite_model *m = make_model(51, 0, NULL), *two = make_model(51, 0, NULL);
    char expect[64];
    int agree = 0;
    shard d;
    shard_make(&d, 40 * (size_t)world_size(), b);
    o.epochs = 1;
    o.batch_size = b;
    o.shuffle = 0;
    o.result = &r;
    /* the reference: the same fit on two batches a rank */
    o.row_count = 2 * b;
    assert_int_equal(nnlite_mpi_fit(mpi, two, d.my_x, d.my_t, &o, NULL, NULL),
                     NNLITE_OK);
    assert_int_equal(r.updates, 2);
    o.row_count = 0;
    o.epochs = 2;
    if (world_rank() == last) {
        d.ts[2 * b + 1] = 3e38f;
    }
    assert_int_equal(nnlite_mpi_fit(mpi, m, d.my_x, d.my_t, &o, NULL, NULL),
                     NNLITE_ENUMERIC);
    snprintf(expect, sizeof expect, "rank %d: the loss is not", last);
    assert_memory_equal(nnlite_mpi_last_error(mpi), expect, strlen(expect));
    assert_int_equal(r.stop, NNLITE_FIT_FAILED);
    assert_int_equal(r.updates, 2);
    assert_memory_equal(nnlite_model_params(m), nnlite_model_params(two),
                        nnlite_model_param_count(m) * sizeof(float));
    if (world_rank() == last) {
        d.ts[2 * b + 1] = 0.0f;
        d.xs[(2 * b + 1) * IN] = NAN;
    }
    assert_int_equal(nnlite_mpi_fit(mpi, m, d.my_x, d.my_t, &o, NULL, NULL),
                     NNLITE_ENUMERIC);
    assert_int_equal(r.updates, 0);
    assert_memory_equal(nnlite_model_params(m), nnlite_model_params(two),
                        nnlite_model_param_count(m) * sizeof(float));
    assert_int_equal(nnlite_mpi_params_agree(mpi, m, &agree), NNLITE_OK);
    assert_int_equal(agree, 1);
    nnlite_model_destroy(m);
    nnlite_model_destroy(two);
    shard_free(&d);
}

/* A learning rate that overflows the parameters: the update fails on
 * every rank alike, the same status everywhere. */
static void test_update_failure_is_everyones(void **state)
{
    nnlite_mpi *mpi = *state;
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    nnlite_model *m = make_model(53, 0, NULL);
    int agree = 0;
    shard d;
    shard_make(&d, 12 * (size_t)world_size(), 4);
    for (size_t i = 0; i < d.mine; i++) {
        d.ts[i] = 3e38f;
    }
    assert_int_equal(nnlite_optimizer_set_learning_rate(
                         nnlite_model_get_optimizer(m), 3e38f),
                     NNLITE_OK);
    o.epochs = 1;
    o.batch_size = 4;
    assert_int_equal(nnlite_mpi_fit(mpi, m, d.my_x, d.my_t, &o, NULL, NULL),
                     NNLITE_ENUMERIC);
    assert_int_equal(nnlite_mpi_params_agree(mpi, m, &agree), NNLITE_OK);
    assert_int_equal(agree, 1);
    nnlite_model_destroy(m);
    shard_free(&d);
}

/* Allocation failures on the last rank, in the context and in the model,
 * one call after another: every rank returns the same status, and the
 * parameters agree (and are the starting ones after a failure). */
static void test_allocation_failures_on_one_rank(void **state)
{
    const int last = world_rank() == world_size() - 1;
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    nnlite_mpi *mpi = *state;
    size_t worked = 0;
    shard d;
    (void)state;
    shard_make(&d, 30 * (size_t)world_size(), 4);
    o.epochs = 2;
    o.batch_size = 4;
    o.validation_split = 0.25f;
    o.restore_best = 1;
    for (int which = 0; which < 2; which++) {
        for (size_t k = 1; k < 200 && worked < (size_t)which + 1; k++) {
            test_alloc_state cs = {0, 0, 0, 0}, ms = {0, 0, 0, 0};
            nnlite_allocator ca = test_allocator(&cs), ma = test_allocator(&ms);
            nnlite_mpi *ctx;
            nnlite_model *m = make_model(61, 1, &ma);
            float start[64];
            nnlite_status s, first = NNLITE_OK;
            int agree = 0;
            assert_non_null(m);
            memcpy(start, nnlite_model_params(m),
                   nnlite_model_param_count(m) * sizeof(float));
            assert_int_equal(nnlite_mpi_create_advanced(&ctx, MPI_COMM_WORLD,
                                                        &ca),
                             NNLITE_OK);
            if (last) { /* count from here: the fit's own calls */
                if (which == 0) {
                    cs.fail_at = cs.calls + k;
                } else {
                    ms.fail_at = ms.calls + k;
                }
            }
            s = nnlite_mpi_fit(ctx, m, d.my_x, d.my_t, &o, NULL, NULL);
            first = s;
            MPI_Bcast(&first, (int)sizeof first, MPI_BYTE, 0, MPI_COMM_WORLD);
            assert_int_equal(s, first);
            assert_true(s == NNLITE_OK || s == NNLITE_ENOMEM);
            cs.fail_at = ms.fail_at = 0;
            assert_int_equal(nnlite_mpi_params_agree(mpi, m, &agree),
                             NNLITE_OK);
            assert_int_equal(agree, 1);
            if (s != NNLITE_OK) {
                assert_memory_equal(start, nnlite_model_params(m),
                                    nnlite_model_param_count(m) *
                                        sizeof(float));
            } else {
                worked++;
            }
            nnlite_mpi_destroy(ctx);
            nnlite_model_destroy(m);
            assert_int_equal(cs.live, 0);
            assert_int_equal(ms.live, 0);
        }
    }
    assert_int_equal(worked, 2);
    shard_free(&d);
}

/* Rank 0 trains alone and keeps a checkpoint (a buffer here, as a file
 * would be); broadcast to every rank, it trains on there as one process
 * at batch N * b would from the same checkpoint. */
static void test_checkpoint_resumes_on_any_ranks(void **state)
{
    nnlite_mpi *mpi = *state;
    const size_t b = 4, ranks = (size_t)world_size();
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    nnlite_model *trained = make_model(71, 1, NULL), *dp = NULL, *one = NULL;
    unsigned char *bytes;
    size_t size;
    double rel, abs_diff;
    int agree = 0;
    shard d;
    shard_make(&d, b * ranks * 10, b);
    o.shuffle = 0;
    o.epochs = 2;
    o.batch_size = 10; /* rank 0's own run, any batch */
    assert_int_equal(nnlite_model_fit(trained, d.all_x, d.all_t, &o, NULL,
                                      NULL),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_save_buffer(trained, NULL, 0, &size),
                     NNLITE_OK);
    bytes = test_malloc(size);
    assert_int_equal(nnlite_model_save_buffer(trained, bytes, size, &size),
                     NNLITE_OK);
    nnlite_model_destroy(trained);
    if (world_rank() == 0) {
        assert_int_equal(nnlite_model_load_buffer(&dp, bytes, size),
                         NNLITE_OK);
    }
    assert_int_equal(nnlite_mpi_broadcast_model(mpi, &dp, 0), NNLITE_OK);
    o.batch_size = b;
    assert_int_equal(nnlite_mpi_fit(mpi, dp, d.my_x, d.my_t, &o, NULL, NULL),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_load_buffer(&one, bytes, size), NNLITE_OK);
    o.batch_size = b * ranks;
    assert_int_equal(nnlite_model_fit(one, d.all_x, d.all_t, &o, NULL, NULL),
                     NNLITE_OK);
    rel = max_rel_diff(nnlite_model_params(dp), nnlite_model_params(one),
                       nnlite_model_param_count(dp), &abs_diff);
    assert_true(rel <= 1e-4);
    assert_int_equal(nnlite_optimizer_step_count(
                         nnlite_model_get_optimizer(dp)),
                     nnlite_optimizer_step_count(
                         nnlite_model_get_optimizer(one)));
    assert_int_equal(nnlite_mpi_params_agree(mpi, dp, &agree), NNLITE_OK);
    assert_int_equal(agree, 1);
    test_free(bytes);
    nnlite_model_destroy(dp);
    nnlite_model_destroy(one);
    shard_free(&d);
}

/* Each rank validates on its share of a validation set: the loss every
 * callback sees is the whole set's (as evaluate computes it), the same
 * on every rank, as are the best epoch and the stop decision. */
static void test_validation_and_callback_are_global(void **state)
{
    nnlite_mpi *mpi = *state;
    const size_t vrows = 12 * (size_t)world_size();
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    nnlite_fit_result r = NNLITE_FIT_RESULT_INIT;
    nnlite_model *m = make_model(81, 1, NULL);
    nnlite_tensor *vx, *vt;
    seen s = {0};
    shard d, v;
    shard_make(&d, 64 * (size_t)world_size(), 8);
    shard_make(&v, vrows, 3);
    s.vx = v.all_x;
    s.vt = v.all_t;
    assert_int_equal(nnlite_tensor_wrap2d(&vx, v.xs, v.mine, IN), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&vt, v.ts, v.mine, 1), NNLITE_OK);
    o.epochs = 4;
    o.batch_size = 8;
    o.validation_x = vx;
    o.validation_target = vt;
    o.schedule.kind = NNLITE_LR_PLATEAU;
    o.schedule.gamma = 0.5f;
    o.result = &r;
    assert_int_equal(nnlite_mpi_fit(mpi, m, d.my_x, d.my_t, &o, record, &s),
                     NNLITE_OK);
    assert_int_equal(s.epochs, 4);
    for (size_t e = 0; e < s.epochs; e++) {
        assert_float_equal(s.validation[e], s.reference[e],
                           1e-5f * s.reference[e]);
    }
    assert_true(same_everywhere(s.validation, sizeof s.validation));
    assert_true(same_everywhere(s.train, sizeof s.train));
    assert_true(same_everywhere(s.best, sizeof s.best));
    assert_true(same_everywhere(s.stop, sizeof s.stop));
    assert_true(same_everywhere(&r, sizeof r));
    assert_int_equal(r.stop, NNLITE_FIT_COMPLETED);
    nnlite_tensor_destroy(vx);
    nnlite_tensor_destroy(vt);
    nnlite_model_destroy(m);
    shard_free(&d);
    shard_free(&v);
}

/* The callback of the last rank alone says stop after epoch 2: all stop
 * there. */
static void test_callback_stop_on_one_rank(void **state)
{
    nnlite_mpi *mpi = *state;
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    nnlite_fit_result r = NNLITE_FIT_RESULT_INIT;
    nnlite_model *m = make_model(83, 1, NULL);
    seen s = {0};
    shard d;
    shard_make(&d, 32 * (size_t)world_size(), 8);
    s.stop_at = world_rank() == world_size() - 1 ? 2 : 0;
    o.epochs = 5;
    o.batch_size = 8;
    o.result = &r;
    assert_int_equal(nnlite_mpi_fit(mpi, m, d.my_x, d.my_t, &o, record, &s),
                     NNLITE_OK);
    assert_int_equal(r.stop, NNLITE_FIT_CALLBACK_STOPPED);
    assert_int_equal(r.epochs_run, 2);
    assert_int_equal(s.epochs, 2);
    nnlite_model_destroy(m);
    shard_free(&d);
}

/* With min_delta too large for any epoch to improve on the first, and
 * patience 2, every rank stops after epoch 3 and puts back epoch 1's
 * parameters (those of a one-epoch run). */
static void test_early_stopping_is_the_same_everywhere(void **state)
{
    nnlite_mpi *mpi = *state;
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    nnlite_fit_result r = NNLITE_FIT_RESULT_INIT;
    nnlite_model *m = make_model(85, 1, NULL), *one = make_model(85, 1, NULL);
    int agree = 0;
    shard d;
    shard_make(&d, 40 * (size_t)world_size(), 8);
    o.batch_size = 8;
    o.shuffle = 0;
    o.validation_split = 0.2f;
    o.epochs = 1;
    assert_int_equal(nnlite_mpi_fit(mpi, one, d.my_x, d.my_t, &o, NULL, NULL),
                     NNLITE_OK);
    o.epochs = 10;
    o.patience = 2;
    o.min_delta = 1e9f;
    o.restore_best = 1;
    o.result = &r;
    assert_int_equal(nnlite_mpi_fit(mpi, m, d.my_x, d.my_t, &o, NULL, NULL),
                     NNLITE_OK);
    assert_int_equal(r.stop, NNLITE_FIT_EARLY_STOPPED);
    assert_int_equal(r.epochs_run, 3);
    assert_int_equal(r.best_epoch, 1);
    assert_int_equal(r.restored_best, 1);
    assert_memory_equal(nnlite_model_params(m), nnlite_model_params(one),
                        nnlite_model_param_count(m) * sizeof(float));
    assert_int_equal(nnlite_mpi_params_agree(mpi, m, &agree), NNLITE_OK);
    assert_int_equal(agree, 1);
    nnlite_model_destroy(m);
    nnlite_model_destroy(one);
    shard_free(&d);
}

static int stop_on_rank0_third(nnlite_model *model, float *grads,
                               size_t count, size_t rows, void *user)
{
    size_t *calls = user;
    (void)model;
    (void)grads;
    (void)count;
    (void)rows;
    return ++*calls == 3 && world_rank() == 0;
}

/* The gradient hook says stop on rank 0 only: every rank stops there,
 * before the third update. */
static void test_hook_stop_on_one_rank(void **state)
{
    nnlite_mpi *mpi = *state;
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    nnlite_fit_result r = NNLITE_FIT_RESULT_INIT;
    nnlite_model *m = make_model(87, 1, NULL);
    size_t calls = 0;
    shard d;
    shard_make(&d, 32 * (size_t)world_size(), 4);
    o.batch_size = 4;
    o.gradient_hook = world_rank() == 0 ? stop_on_rank0_third : NULL;
    o.gradient_hook_user = &calls;
    o.result = &r;
    assert_int_equal(nnlite_mpi_fit(mpi, m, d.my_x, d.my_t, &o, NULL, NULL),
                     NNLITE_OK);
    assert_int_equal(r.stop, NNLITE_FIT_HOOK_STOPPED);
    assert_int_equal(r.updates, 2);
    assert_int_equal(r.epochs_run, 0);
    nnlite_model_destroy(m);
    shard_free(&d);
}

/* Bad arguments on one rank are every rank's error, named. */
static void test_errors_are_agreed(void **state)
{
    nnlite_mpi *mpi = *state;
    const int last = world_size() - 1, rank = world_rank();
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    nnlite_fit_result r = NNLITE_FIT_RESULT_INIT;
    nnlite_model *m = make_model(89, 1, NULL);
    char expect[64];
    shard d;
    shard_make(&d, 16 * (size_t)world_size(), 4);
    o.batch_size = 4;
    o.epochs = 2;
    o.result = &r;
    assert_int_equal(nnlite_mpi_fit(mpi, rank == last ? NULL : m, d.my_x,
                                    d.my_t, &o, NULL, NULL),
                     NNLITE_EINVAL);
    snprintf(expect, sizeof expect, "rank %d: model is NULL", last);
    assert_string_equal(nnlite_mpi_last_error(mpi), expect);
    o.batch_size = rank == last ? 0 : 4;
    assert_int_equal(nnlite_mpi_fit(mpi, m, d.my_x, d.my_t, &o, NULL, NULL),
                     NNLITE_EINVAL);
    snprintf(expect, sizeof expect, "rank %d: batch_size must be at least 1",
             last);
    assert_string_equal(nnlite_mpi_last_error(mpi), expect);
    assert_int_equal(r.stop, NNLITE_FIT_FAILED);
    o.batch_size = 4;
    o.epochs = rank == last ? 3 : 2;
    assert_int_equal(nnlite_mpi_fit(mpi, m, d.my_x, d.my_t, &o, NULL, NULL),
                     world_size() > 1 ? NNLITE_EINVAL : NNLITE_OK);
    o.epochs = 2;
    o.min_delta = rank == last ? 0.5f : 0.0f;
    assert_int_equal(nnlite_mpi_fit(mpi, m, d.my_x, d.my_t, &o, NULL, NULL),
                     world_size() > 1 ? NNLITE_EINVAL : NNLITE_OK);
    o.min_delta = 0.0f;
    o.validation_split = rank == last ? 0.25f : 0.0f;
    assert_int_equal(nnlite_mpi_fit(mpi, m, d.my_x, d.my_t, &o, NULL, NULL),
                     world_size() > 1 ? NNLITE_EINVAL : NNLITE_OK);
    if (world_size() > 1) {
        assert_non_null(strstr(nnlite_mpi_last_error(mpi), "validation set"));
    }
    o.validation_split = 0.0f;
    o.version = 99;
    assert_int_equal(nnlite_mpi_fit(mpi, m, d.my_x, d.my_t, &o, NULL, NULL),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_mpi_fit(NULL, m, d.my_x, d.my_t, &o, NULL, NULL),
                     NNLITE_EINVAL);
    /* Version-1 options and NULL options are read as nnlite_model_fit
     * reads them. */
    o.version = 1;
    assert_int_equal(nnlite_mpi_fit(mpi, m, d.my_x, d.my_t, &o, NULL, NULL),
                     NNLITE_OK);
    assert_int_equal(nnlite_mpi_fit(mpi, m, d.my_x, d.my_t, NULL, NULL, NULL),
                     NNLITE_OK);
    nnlite_model_destroy(m);
    shard_free(&d);
}

int main(int argc, char **argv)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_one_rank_is_model_fit),
        T(test_equivalence_sgd),
        T(test_equivalence_adam),
        T(test_updates_agree_and_reproduce),
        T(test_nan_on_one_rank_stops_all),
        T(test_update_failure_is_everyones),
        T(test_allocation_failures_on_one_rank),
        T(test_checkpoint_resumes_on_any_ranks),
        T(test_validation_and_callback_are_global),
        T(test_callback_stop_on_one_rank),
        T(test_early_stopping_is_the_same_everywhere),
        T(test_hook_stop_on_one_rank),
        T(test_errors_are_agreed),
    };
#undef T
    int failed;
    MPI_Init(&argc, &argv);
    failed = cmocka_run_group_tests_name("mpi fit", tests, NULL, NULL);
    MPI_Finalize();
    return failed;
}
