/* nnlite_model_memory_needed() against the arena: for several
 * architectures, losses and optimizers the figure equals the arena's
 * high-water mark after the first training step, an arena of exactly
 * that size trains and evaluates (with chunks no larger than the batch)
 * and one of a byte less runs out. */
#include "harness.h"

#include "gemm_impl.h"
#include "model_impl.h"
#include "model_permute_impl.h"

#include <math.h>
#include <stdalign.h>
#include <string.h>

#define RAM (512 * 1024)

static alignas(max_align_t) unsigned char ram[RAM];

enum { DENSE, RELU, SIGMOID, TANH, LEAKY, DROPOUT, STANDARDIZE, HARD };

typedef struct step {
    int kind;
    size_t in, out;
} step;

typedef struct recipe {
    size_t inputs;
    step layers[8];
    size_t layer_count;
    nnlite_loss_kind loss;
    nnlite_optimizer_options optimizer;
    int in_place; /* rollback off */
    size_t batch;
} recipe;

static nnlite_status make_layer(const step *s, nnlite_layer **l,
                                const nnlite_allocator *a)
{
    static const float mean[8];
    static const float std[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    nnlite_layer_spec spec = {NNLITE_LAYER_DENSE, s->in, s->out, 0.01f};
    switch (s->kind) {
    case DROPOUT:
        return nnlite_dropout_create_advanced(l, 0.25f, a);
    case STANDARDIZE:
        return nnlite_standardize_create_advanced(l, s->in, mean, std, a);
    case RELU:
        spec.kind = NNLITE_LAYER_RELU;
        break;
    case SIGMOID:
        spec.kind = NNLITE_LAYER_SIGMOID;
        break;
    case TANH:
        spec.kind = NNLITE_LAYER_TANH;
        break;
    case LEAKY:
        spec.kind = NNLITE_LAYER_LEAKY_RELU;
        break;
    case HARD:
        spec.kind = NNLITE_LAYER_HARD_SIGMOID;
        break;
    default:
        break;
    }
    return nnlite_layer_create_advanced(l, &spec, a);
}

/* Data of `rows` rows that every loss accepts (class 0 or 1 for
 * cross-entropy with one output, else values in [0, 1]). */
typedef struct data {
    float xs[64 * 64];
    float ts[64 * 8];
    nnlite_tensor *x, *t;
} data;

static data *make_data(const recipe *r, size_t rows, size_t outputs)
{
    data *d = test_calloc(1, sizeof(*d));
    assert_non_null(d);
    for (size_t i = 0; i < rows * r->inputs; i++) {
        d->xs[i] = (float)((i * 7) % 11) / 11.0f - 0.4f;
    }
    for (size_t i = 0; i < rows * outputs; i++) {
        d->ts[i] = (float)(i % 2);
    }
    assert_int_equal(nnlite_tensor_wrap2d(&d->x, d->xs, rows, r->inputs),
                     NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&d->t, d->ts, rows, outputs),
                     NNLITE_OK);
    return d;
}

static void free_data(data *d)
{
    nnlite_tensor_destroy(d->x);
    nnlite_tensor_destroy(d->t);
    test_free(d);
}

/* Build in an arena of `size` bytes; train `steps` batches and evaluate
 * 3 batches' worth of rows in chunks of the batch. Returns the first
 * failure (NNLITE_ENOMEM when the arena runs out), the arena's high-water
 * mark in *high. */
static nnlite_status run(const recipe *r, size_t size, size_t steps,
                         size_t *high, size_t *needed)
{
    nnlite_arena *arena;
    nnlite_model *m = NULL;
    nnlite_loss *loss = NULL;
    nnlite_optimizer *o = NULL;
    nnlite_status s = NNLITE_OK;
    float value;
    assert_int_equal(nnlite_arena_create(&arena, ram, size), NNLITE_OK);
    const nnlite_allocator a = nnlite_arena_allocator(arena);
    if ((s = nnlite_model_create_advanced(&m, r->inputs, 3, &a)) !=
        NNLITE_OK) {
        goto done;
    }
    for (size_t i = 0; i < r->layer_count; i++) {
        nnlite_layer *l;
        if ((s = make_layer(&r->layers[i], &l, &a)) != NNLITE_OK ||
            (s = nnlite_model_add(m, l)) != NNLITE_OK) {
            goto done;
        }
    }
    if ((s = nnlite_loss_create_advanced(&loss, r->loss, &a)) !=
            NNLITE_OK ||
        (s = nnlite_model_set_loss(m, loss)) != NNLITE_OK ||
        (s = nnlite_optimizer_create_advanced(&o, &r->optimizer, &a)) !=
            NNLITE_OK ||
        (s = nnlite_optimizer_set_rollback(o, !r->in_place)) != NNLITE_OK ||
        (s = nnlite_model_set_optimizer(m, o)) != NNLITE_OK ||
        (s = nnlite_model_set_chunk_rows(m, r->batch)) != NNLITE_OK) {
        goto done;
    }
    const size_t outputs = nnlite_model_output_features(m);
    const size_t tcols = r->loss == NNLITE_LOSS_CROSS_ENTROPY && outputs > 1
                             ? 1
                             : outputs;
    data *d = make_data(r, 3 * r->batch, tcols);
    nnlite_tensor *bx, *bt;
    assert_int_equal(nnlite_tensor_wrap2d(&bx, d->xs, r->batch, r->inputs),
                     NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&bt, d->ts, r->batch, tcols),
                     NNLITE_OK);
    for (size_t i = 0; s == NNLITE_OK && i < steps; i++) {
        s = nnlite_model_train_batch(m, bx, bt, &value);
        if (i == 0) {
            *high = nnlite_arena_high_water(arena);
            assert_int_equal(nnlite_model_memory_needed(m, r->batch, needed),
                             NNLITE_OK);
        }
    }
    if (s == NNLITE_OK) {
        s = nnlite_model_evaluate(m, d->x, d->t, &value);
    }
    if (s == NNLITE_OK) {
        assert_int_equal(nnlite_arena_high_water(arena), *high);
    }
    nnlite_tensor_destroy(bx);
    nnlite_tensor_destroy(bt);
    free_data(d);
done:
    if (s != NNLITE_OK) {
        /* Everything made so far goes back to the arena. */
        nnlite_loss_destroy(loss);
        nnlite_optimizer_destroy(o);
    }
    nnlite_model_destroy(m);
    assert_int_equal(nnlite_arena_in_use(arena), nnlite_arena_overhead());
    return s;
}

static void check_layout(const recipe *r)
{
    size_t high = 0, needed = 0, again_high = 0, again_needed = 0;
    /* From a roomy arena: the figure equals the high-water mark. */
    assert_int_equal(run(r, RAM, 3, &high, &needed), NNLITE_OK);
    assert_int_equal(needed, high);
    /* Exactly that much is enough; a byte less is not. */
    assert_int_equal(run(r, needed, 3, &again_high, &again_needed),
                     NNLITE_OK);
    assert_int_equal(again_high, needed);
    assert_int_equal(again_needed, needed);
    assert_int_equal(run(r, needed - 1, 3, &again_high, &again_needed),
                     NNLITE_ENOMEM);
}

/* Both optimizer layouts: the one without rollback needs less. */
static void check_recipe(const recipe *r)
{
    recipe in_place = *r;
    size_t rollback_bytes = 0, in_place_bytes = 0, high;
    check_layout(r);
    in_place.in_place = 1;
    check_layout(&in_place);
    assert_int_equal(run(r, RAM, 1, &high, &rollback_bytes), NNLITE_OK);
    assert_int_equal(run(&in_place, RAM, 1, &high, &in_place_bytes),
                     NNLITE_OK);
    assert_true(in_place_bytes < rollback_bytes);
}

static recipe base(size_t inputs, nnlite_loss_kind loss, size_t batch)
{
    recipe r;
    memset(&r, 0, sizeof(r));
    r.inputs = inputs;
    r.loss = loss;
    r.batch = batch;
    r.optimizer = (nnlite_optimizer_options)NNLITE_SGD_OPTIONS_INIT;
    return r;
}

static void add(recipe *r, int kind, size_t in, size_t out)
{
    r->layers[r->layer_count++] = (step){kind, in, out};
}

static void test_memory_one_dense_layer_plain_sgd(void **state)
{
    (void)state;
    recipe r = base(3, NNLITE_LOSS_MSE, 5);
    add(&r, DENSE, 3, 1);
    check_recipe(&r);
}

static void test_memory_the_issue_network_adam(void **state)
{
    (void)state;
    recipe r = base(56, NNLITE_LOSS_MAE, 8);
    add(&r, DENSE, 56, 16);
    add(&r, RELU, 0, 0);
    add(&r, DENSE, 16, 1);
    r.optimizer = (nnlite_optimizer_options)NNLITE_ADAM_OPTIONS_INIT;
    check_recipe(&r);
}

static void test_memory_sigmoid_momentum_cross_entropy(void **state)
{
    (void)state;
    recipe r = base(4, NNLITE_LOSS_CROSS_ENTROPY, 6);
    add(&r, STANDARDIZE, 4, 4);
    add(&r, DENSE, 4, 6);
    add(&r, SIGMOID, 0, 0);
    add(&r, DENSE, 6, 3);
    r.optimizer.momentum = 0.9f;
    check_recipe(&r);
}

static void test_memory_four_dense_layers_amsgrad_huber(void **state)
{
    (void)state;
    recipe r = base(5, NNLITE_LOSS_HUBER, 4);
    add(&r, DENSE, 5, 7);
    add(&r, LEAKY, 0, 0);
    add(&r, DROPOUT, 0, 0);
    add(&r, DENSE, 7, 9);
    add(&r, TANH, 0, 0);
    add(&r, DENSE, 9, 2);
    add(&r, HARD, 0, 0);
    add(&r, DENSE, 2, 2);
    r.optimizer = (nnlite_optimizer_options)NNLITE_ADAM_OPTIONS_INIT;
    r.optimizer.amsgrad = 1;
    check_recipe(&r);
}

static void test_memory_wide_then_narrow_batch_one(void **state)
{
    (void)state;
    recipe r = base(2, NNLITE_LOSS_MSE, 1);
    add(&r, DENSE, 2, 40);
    add(&r, TANH, 0, 0);
    add(&r, DENSE, 40, 1);
    r.optimizer.momentum = 0.5f;
    r.optimizer.nesterov = 1;
    check_recipe(&r);
}

static void test_memory_refuses(void **state)
{
    (void)state;
    nnlite_model *m;
    size_t bytes = 7;
    assert_int_equal(nnlite_model_memory_needed(NULL, 1, &bytes),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_model_create(&m, 3, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_memory_needed(m, 1, NULL), NNLITE_EINVAL);
    assert_int_equal(nnlite_model_memory_needed(m, 0, &bytes),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_model_memory_needed(m, 1, &bytes),
                     NNLITE_ESTATE);
    nnlite_layer *l;
    assert_int_equal(nnlite_dense_create(&l, 3, 2), NNLITE_OK);
    assert_int_equal(nnlite_model_add(m, l), NNLITE_OK);
    /* Without loss or optimizer: the model and a forward pass. */
    assert_int_equal(nnlite_model_memory_needed(m, 1, &bytes), NNLITE_OK);
    assert_true(bytes > nnlite_arena_overhead());
    assert_int_equal(nnlite_model_memory_needed(m, SIZE_MAX / 2, &bytes),
                     NNLITE_ENOMEM);
#if NNLITE_HAVE_THREADS
    assert_int_equal(nnlite_model_set_threads(m, 2), NNLITE_OK);
    assert_int_equal(nnlite_model_memory_needed(m, 1, &bytes),
                     NNLITE_ESTATE);
    assert_true(bytes > nnlite_arena_overhead()); /* untouched */
#endif
    nnlite_model_destroy(m);
}

static void test_memory_chunk_rows_setting(void **state)
{
    (void)state;
    nnlite_model *m;
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_get_chunk_rows(m), 1024);
    assert_int_equal(nnlite_model_set_chunk_rows(m, 0), NNLITE_EINVAL);
    assert_non_null(strstr(nnlite_model_last_error(m), "chunk rows 0"));
    assert_int_equal(nnlite_model_get_chunk_rows(m), 1024);
    assert_int_equal(nnlite_model_set_chunk_rows(m, 3), NNLITE_OK);
    assert_string_equal(nnlite_model_last_error(m), "");
    assert_int_equal(nnlite_model_get_chunk_rows(m), 3);
    assert_int_equal(nnlite_model_set_chunk_rows(NULL, 3), NNLITE_EINVAL);
    assert_int_equal(nnlite_model_get_chunk_rows(NULL), 0);
    nnlite_model_destroy(m);
}

/* Inference in chunks of 3 rows over 10: the arena ends where a forward
 * pass of 3 rows would, and the outputs are those of one pass. */
static void test_memory_chunks_bound_inference(void **state)
{
    (void)state;
    nnlite_arena *arena;
    nnlite_model *m[2];
    float xs[20], y[2][10];
    size_t three = 0, ten = 0;
    for (size_t i = 0; i < 20; i++) {
        xs[i] = (float)i / 7.0f - 1.0f;
    }
    assert_int_equal(nnlite_arena_create(&arena, ram, RAM), NNLITE_OK);
    const nnlite_allocator arena_hooks = nnlite_arena_allocator(arena);
    for (int k = 0; k < 2; k++) {
        const nnlite_allocator *a = k == 0 ? &arena_hooks : NULL;
        nnlite_layer_spec spec = {NNLITE_LAYER_DENSE, 2, 5, 0.0f};
        nnlite_layer *l;
        assert_int_equal(nnlite_model_create_advanced(&m[k], 2, 9, a),
                         NNLITE_OK);
        assert_int_equal(nnlite_layer_create_advanced(&l, &spec, a),
                         NNLITE_OK);
        assert_int_equal(nnlite_model_add(m[k], l), NNLITE_OK);
        spec.kind = NNLITE_LAYER_TANH;
        assert_int_equal(nnlite_layer_create_advanced(&l, &spec, a),
                         NNLITE_OK);
        assert_int_equal(nnlite_model_add(m[k], l), NNLITE_OK);
        spec = (nnlite_layer_spec){NNLITE_LAYER_DENSE, 5, 1, 0.0f};
        assert_int_equal(nnlite_layer_create_advanced(&l, &spec, a),
                         NNLITE_OK);
        assert_int_equal(nnlite_model_add(m[k], l), NNLITE_OK);
    }
    assert_int_equal(nnlite_model_set_chunk_rows(m[0], 3), NNLITE_OK);
    assert_int_equal(nnlite_model_predict(m[0], xs, 10, y[0]), NNLITE_OK);
    assert_int_equal(nnlite_model_predict(m[1], xs, 10, y[1]), NNLITE_OK);
    for (size_t i = 0; i < 10; i++) {
        assert_float_equal(y[0][i], y[1][i], 1e-6f);
    }
    assert_int_equal(nnlite_model_memory_needed(m[0], 3, &three), NNLITE_OK);
    assert_int_equal(nnlite_model_memory_needed(m[0], 10, &ten), NNLITE_OK);
    assert_int_equal(nnlite_arena_high_water(arena), three);
    assert_true(ten > three);
    nnlite_model_destroy(m[0]);
    nnlite_model_destroy(m[1]);
}

/* ---- fit ----------------------------------------------------------- */

typedef struct fit_case {
    size_t rows;
    nnlite_fit_options o;
    int use_validation; /* the training data as validation set too */
    size_t chunk_rows;  /* 0: the default */
} fit_case;

/* Build the recipe's model in an arena of `size` bytes and fit as its
 * first pass; *high and *needed as in run(). */
static nnlite_status run_fit(const recipe *r, const fit_case *c, size_t size,
                             size_t *high, size_t *needed)
{
    nnlite_arena *arena;
    nnlite_model *m = NULL;
    nnlite_loss *loss = NULL;
    nnlite_optimizer *o = NULL;
    nnlite_status s;
    assert_int_equal(nnlite_arena_create(&arena, ram, size), NNLITE_OK);
    const nnlite_allocator a = nnlite_arena_allocator(arena);
    float *xs = test_malloc(c->rows * r->inputs * sizeof(float));
    float *ts = test_malloc(c->rows * 2 * sizeof(float));
    nnlite_tensor *x, *t;
    for (size_t i = 0; i < c->rows * r->inputs; i++) {
        xs[i] = (float)((i * 7) % 13) / 13.0f - 0.5f;
    }
    for (size_t i = 0; i < c->rows * 2; i++) {
        ts[i] = (float)((i * 5) % 3) / 3.0f;
    }
    if ((s = nnlite_model_create_advanced(&m, r->inputs, 3, &a)) !=
        NNLITE_OK) {
        goto done;
    }
    for (size_t i = 0; i < r->layer_count; i++) {
        nnlite_layer *l;
        if ((s = make_layer(&r->layers[i], &l, &a)) != NNLITE_OK ||
            (s = nnlite_model_add(m, l)) != NNLITE_OK) {
            goto done;
        }
    }
    if ((s = nnlite_loss_create_advanced(&loss, r->loss, &a)) !=
            NNLITE_OK ||
        (s = nnlite_model_set_loss(m, loss)) != NNLITE_OK ||
        (s = nnlite_optimizer_create_advanced(&o, &r->optimizer, &a)) !=
            NNLITE_OK ||
        (s = nnlite_optimizer_set_rollback(o, !r->in_place)) != NNLITE_OK ||
        (s = nnlite_model_set_optimizer(m, o)) != NNLITE_OK) {
        goto done;
    }
    if (c->chunk_rows > 0) {
        assert_int_equal(nnlite_model_set_chunk_rows(m, c->chunk_rows),
                         NNLITE_OK);
    }
    const size_t outputs = nnlite_model_output_features(m);
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, c->rows, r->inputs),
                     NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, ts, c->rows, outputs),
                     NNLITE_OK);
    nnlite_fit_options o2 = c->o;
    if (c->use_validation) {
        o2.validation_x = x;
        o2.validation_target = t;
    }
    assert_int_equal(nnlite_model_fit_memory_needed(m, x, t, &o2, needed),
                     NNLITE_OK);
    s = nnlite_model_fit(m, x, t, &o2, NULL, NULL);
    *high = nnlite_arena_high_water(arena);
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
done:
    if (s != NNLITE_OK) {
        nnlite_loss_destroy(loss);
        nnlite_optimizer_destroy(o);
    }
    nnlite_model_destroy(m);
    test_free(xs);
    test_free(ts);
    assert_int_equal(nnlite_arena_in_use(arena), nnlite_arena_overhead());
    return s;
}

static void check_fit(const recipe *r, const fit_case *c)
{
    size_t high = 0, needed = 0, h2 = 0, n2 = 0;
    assert_int_equal(run_fit(r, c, RAM, &high, &needed), NNLITE_OK);
    assert_int_equal(needed, high);
    assert_int_equal(run_fit(r, c, needed, &h2, &n2), NNLITE_OK);
    assert_int_equal(h2, needed);
    assert_int_equal(run_fit(r, c, needed - 1, &h2, &n2), NNLITE_ENOMEM);
}

static fit_case fit_base(size_t rows, size_t batch)
{
    fit_case c;
    memset(&c, 0, sizeof(c));
    c.rows = rows;
    c.o = (nnlite_fit_options)NNLITE_FIT_OPTIONS_INIT;
    c.o.epochs = 2;
    c.o.batch_size = batch;
    return c;
}

static void test_fit_memory_matches_the_arena(void **state)
{
    (void)state;
    recipe net = base(56, NNLITE_LOSS_MAE, 8);
    add(&net, DENSE, 56, 16);
    add(&net, RELU, 0, 0);
    add(&net, DENSE, 16, 1);
    net.optimizer = (nnlite_optimizer_options)NNLITE_ADAM_OPTIONS_INIT;
    recipe deep = base(5, NNLITE_LOSS_MSE, 4);
    add(&deep, DENSE, 5, 7);
    add(&deep, DROPOUT, 0, 0);
    add(&deep, DENSE, 7, 9);
    add(&deep, SIGMOID, 0, 0);
    add(&deep, DENSE, 9, 2);
    deep.optimizer.momentum = 0.9f;
    const recipe *recipes[] = {&net, &deep};
    for (int k = 0; k < 2; k++) {
        recipe r = *recipes[k];
        for (int in_place = 0; in_place < 2; in_place++) {
            r.in_place = in_place;
            fit_case c = fit_base(40, 8);
            check_fit(&r, &c); /* shuffled through the stored order */
            c.o.shuffle_stream = 1;
            check_fit(&r, &c);
            c.o.shuffle = 0;
            check_fit(&r, &c);
            c = fit_base(37, 5); /* a validation set in chunks of 16 */
            c.use_validation = 1;
            c.chunk_rows = 16;
            c.o.restore_best = 1;
            c.o.patience = 1;
            check_fit(&r, &c);
            c.chunk_rows = 2; /* chunks no larger than the batch */
            check_fit(&r, &c);
            c = fit_base(30, 50); /* a batch larger than the rows */
            c.o.validation_split = 0.2f;
            c.o.shuffle_stream = 1;
            check_fit(&r, &c);
        }
    }
}

/* With shuffle_stream the figure does not grow with the rows. */
static void test_fit_memory_stream_any_rows(void **state)
{
    (void)state;
    recipe r = base(4, NNLITE_LOSS_MSE, 8);
    add(&r, DENSE, 4, 1);
    fit_case c = fit_base(20, 8);
    size_t high, small, large, listed;
    c.o.epochs = 1;
    c.o.shuffle_stream = 1;
    assert_int_equal(run_fit(&r, &c, RAM, &high, &small), NNLITE_OK);
    c.rows = 5000;
    assert_int_equal(run_fit(&r, &c, RAM, &high, &large), NNLITE_OK);
    assert_int_equal(small, large);
    c.o.shuffle_stream = 0;
    assert_int_equal(run_fit(&r, &c, RAM, &high, &listed), NNLITE_OK);
    assert_true(listed >= large + 5000 * sizeof(size_t));
}

static void test_fit_memory_refuses(void **state)
{
    (void)state;
    nnlite_model *m;
    nnlite_tensor *x, *t;
    float xs[4] = {1, 2, 3, 4}, ts[2] = {1, 0};
    size_t bytes = 3;
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, 2, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, ts, 2, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_fit_memory_needed(NULL, x, t, &o, &bytes),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_fit_memory_needed(m, x, t, &o, NULL),
                     NNLITE_EINVAL);
    assert_non_null(strstr(nnlite_model_last_error(m), "bytes"));
    assert_int_equal(nnlite_model_fit_memory_needed(m, x, t, &o, &bytes),
                     NNLITE_ESTATE);
    nnlite_layer *l;
    assert_int_equal(nnlite_dense_create(&l, 2, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_add(m, l), NNLITE_OK);
    /* No loss: fit's own check says so. */
    assert_int_equal(nnlite_model_fit_memory_needed(m, x, t, &o, &bytes),
                     NNLITE_ESTATE);
    assert_non_null(strstr(nnlite_model_last_error(m), "loss"));
    nnlite_loss *loss;
    nnlite_optimizer *opt;
    assert_int_equal(nnlite_loss_mse_create(&loss), NNLITE_OK);
    assert_int_equal(nnlite_model_set_loss(m, loss), NNLITE_OK);
    assert_int_equal(nnlite_sgd_create(&opt, 0.1f, 0.0f), NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(m, opt), NNLITE_OK);
    o.version = 99;
    assert_int_equal(nnlite_model_fit_memory_needed(m, x, t, &o, &bytes),
                     NNLITE_EINVAL);
    o = (nnlite_fit_options)NNLITE_FIT_OPTIONS_INIT;
    o.batch_size = 0;
    assert_int_equal(nnlite_model_fit_memory_needed(m, x, t, &o, &bytes),
                     NNLITE_EINVAL);
    assert_int_equal(bytes, 3); /* untouched */
    assert_int_equal(nnlite_model_fit_memory_needed(m, x, t, NULL, &bytes),
                     NNLITE_OK);
    assert_true(bytes > 3);
    /* Older option structs are read as fit reads them. */
    o = (nnlite_fit_options)NNLITE_FIT_OPTIONS_INIT;
    o.version = 2;
    o.shuffle_stream = 1; /* not a version-2 field: ignored */
    size_t v2 = 0, v3 = 0;
    assert_int_equal(nnlite_model_fit_memory_needed(m, x, t, &o, &v2),
                     NNLITE_OK);
    o.version = 3;
    assert_int_equal(nnlite_model_fit_memory_needed(m, x, t, &o, &v3),
                     NNLITE_OK);
    assert_true(v3 < v2);
#if NNLITE_HAVE_THREADS
    assert_int_equal(nnlite_model_set_threads(m, 2), NNLITE_OK);
    assert_int_equal(nnlite_model_fit_memory_needed(m, x, t, NULL, &bytes),
                     NNLITE_ESTATE);
#endif
    nnlite_model_destroy(m);
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
}

/* The streamed order is a permutation of the rows, new each time. */
static void test_fit_stream_order_is_a_permutation(void **state)
{
    (void)state;
    static const size_t sizes[] = {1, 2, 3, 4, 5, 16, 17, 100, 1000, 4099};
    unsigned char *seen = test_malloc(4099);
    nnlite__rng rng;
    nnlite__rng_seed(&rng, 5);
    for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
        const size_t n = sizes[s];
        nnlite__permutation p, q;
        size_t moved = 0, differ = 0;
        nnlite__permutation_init(&p, &rng, n);
        nnlite__permutation_init(&q, &rng, n);
        memset(seen, 0, n);
        for (size_t i = 0; i < n; i++) {
            const size_t r = nnlite__permutation_at(&p, i);
            assert_true(r < n);
            assert_int_equal(seen[r], 0);
            seen[r] = 1;
            moved += r != i;
            differ += r != nnlite__permutation_at(&q, i);
        }
        if (n >= 100) { /* shuffled, and differently each time */
            assert_true(moved > n * 9 / 10);
            assert_true(differ > n * 9 / 10);
        }
    }
    test_free(seen);
}

/* Training with the streamed order works as well as with the list. */
static void test_fit_stream_trains(void **state)
{
    (void)state;
    nnlite_model *m[2];
    float xs[64 * 2], ts[64];
    nnlite_tensor *x, *t;
    for (size_t i = 0; i < 64; i++) {
        xs[2 * i] = (float)(i % 8) / 8.0f;
        xs[2 * i + 1] = (float)(i / 8) / 8.0f;
        ts[i] = 0.7f * xs[2 * i] - 0.3f * xs[2 * i + 1] + 0.1f;
    }
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, 64, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, ts, 64, 1), NNLITE_OK);
    float before = 0.0f, after[2];
    for (int k = 0; k < 2; k++) {
        nnlite_layer *l;
        nnlite_loss *loss;
        nnlite_optimizer *o;
        assert_int_equal(nnlite_model_create(&m[k], 2, 4), NNLITE_OK);
        assert_int_equal(nnlite_dense_create(&l, 2, 1), NNLITE_OK);
        assert_int_equal(nnlite_model_add(m[k], l), NNLITE_OK);
        assert_int_equal(nnlite_loss_mse_create(&loss), NNLITE_OK);
        assert_int_equal(nnlite_model_set_loss(m[k], loss), NNLITE_OK);
        assert_int_equal(nnlite_sgd_create(&o, 0.2f, 0.0f), NNLITE_OK);
        assert_int_equal(nnlite_model_set_optimizer(m[k], o), NNLITE_OK);
        assert_int_equal(nnlite_model_evaluate(m[k], x, t, &before),
                         NNLITE_OK);
        nnlite_fit_options f = NNLITE_FIT_OPTIONS_INIT;
        f.epochs = 60;
        f.batch_size = 8;
        f.shuffle_stream = k;
        assert_int_equal(nnlite_model_fit(m[k], x, t, &f, NULL, NULL),
                         NNLITE_OK);
        assert_int_equal(nnlite_model_evaluate(m[k], x, t, &after[k]),
                         NNLITE_OK);
        assert_true(after[k] < before / 20.0f);
    }
    /* A different order: different parameters. */
    assert_memory_not_equal(nnlite_model_params(m[0]),
                            nnlite_model_params(m[1]), 3 * sizeof(float));
    nnlite_model_destroy(m[0]);
    nnlite_model_destroy(m[1]);
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
}

/* The goal of issue 14: the 56 -> 16 ReLU -> 1 network with MAE and
 * Adam, trained at batch 8 (fit with a shuffle) and evaluated, on any
 * number of rows, in at most 24 KB of heap on a 32-bit target: rollback
 * off, shuffle_stream, chunks of 8 rows, the portable kernels. */
#define GOAL_BYTES (24 * 1024)

static size_t issue_network_bytes(size_t rows, size_t size)
{
    nnlite_arena *arena;
    nnlite_model *m;
    nnlite_layer *l;
    nnlite_loss *loss;
    nnlite_optimizer *o;
    nnlite_layer_spec spec = {NNLITE_LAYER_DENSE, 56, 16, 0.0f};
    nnlite_optimizer_options adam = NNLITE_ADAM_OPTIONS_INIT;
    nnlite_fit_options f = NNLITE_FIT_OPTIONS_INIT;
    float *xs = test_malloc(rows * 56 * sizeof(float));
    float *ts = test_malloc(rows * sizeof(float));
    nnlite_tensor *x, *t;
    size_t needed = 0;
    float mae;
    for (size_t i = 0; i < rows * 56; i++) {
        xs[i] = (float)((i * 7919) % 1000) / 1000.0f;
    }
    for (size_t i = 0; i < rows; i++) {
        ts[i] = xs[i * 56] + xs[i * 56 + 3];
    }
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, rows, 56), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, ts, rows, 1), NNLITE_OK);
    assert_int_equal(nnlite_arena_create(&arena, ram, size), NNLITE_OK);
    const nnlite_allocator a = nnlite_arena_allocator(arena);
    assert_int_equal(nnlite_model_create_advanced(&m, 56, 42, &a),
                     NNLITE_OK);
    assert_int_equal(nnlite__model_force_path(m, NNLITE__PATH_GENERIC),
                     NNLITE_OK);
    assert_int_equal(nnlite_layer_create_advanced(&l, &spec, &a), NNLITE_OK);
    assert_int_equal(nnlite_model_add(m, l), NNLITE_OK);
    spec.kind = NNLITE_LAYER_RELU;
    assert_int_equal(nnlite_layer_create_advanced(&l, &spec, &a), NNLITE_OK);
    assert_int_equal(nnlite_model_add(m, l), NNLITE_OK);
    spec = (nnlite_layer_spec){NNLITE_LAYER_DENSE, 16, 1, 0.0f};
    assert_int_equal(nnlite_layer_create_advanced(&l, &spec, &a), NNLITE_OK);
    assert_int_equal(nnlite_model_add(m, l), NNLITE_OK);
    assert_int_equal(nnlite_loss_create_advanced(&loss, NNLITE_LOSS_MAE, &a),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_set_loss(m, loss), NNLITE_OK);
    assert_int_equal(nnlite_optimizer_create_advanced(&o, &adam, &a),
                     NNLITE_OK);
    assert_int_equal(nnlite_optimizer_set_rollback(o, 0), NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(m, o), NNLITE_OK);
    assert_int_equal(nnlite_model_set_chunk_rows(m, 8), NNLITE_OK);
    f.epochs = 2;
    f.batch_size = 8;
    f.shuffle_stream = 1;
    assert_int_equal(nnlite_model_fit_memory_needed(m, x, t, &f, &needed),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_fit(m, x, t, &f, NULL, NULL), NNLITE_OK);
    assert_int_equal(nnlite_model_evaluate(m, x, t, &mae), NNLITE_OK);
    assert_int_equal(nnlite_model_evaluate_metric(m, NNLITE_METRIC_MAE, x, t,
                                                  &mae),
                     NNLITE_OK);
    assert_int_equal(nnlite_arena_high_water(arena), needed);
    nnlite_model_destroy(m);
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    test_free(xs);
    test_free(ts);
    return needed;
}

static void test_memory_issue_goal(void **state)
{
    (void)state;
    const size_t few = issue_network_bytes(128, RAM);
    const size_t many = issue_network_bytes(3000, RAM);
    assert_int_equal(few, many);
    print_message("issue network, %zu-bit: %zu bytes\n",
                  8 * sizeof(void *), few);
    if (sizeof(void *) == 4) {
        assert_true(few <= GOAL_BYTES);
        assert_int_equal(issue_network_bytes(3000, GOAL_BYTES), few);
    }
}

/* ---- products read in place ------------------------------------------ */

/* The generic kernels give the same bits reading B in place as packing
 * it, for B with contiguous rows or columns (W^T), with a bias or
 * accumulating, across KC blocks and partial tiles. */
static void test_gemm_in_place_gives_the_packed_bits(void **state)
{
    (void)state;
    const nnlite__gemm_kernels *k =
        nnlite__gemm_kernels_for(NNLITE__PATH_GENERIC);
    static const size_t shapes[][3] = {{1, 1, 1}, {3, 5, 7}, {8, 16, 56},
                                       {5, 9, 300}, {13, 33, 4}};
    float *a = test_malloc(40 * 300 * sizeof(float));
    float *b = test_malloc(300 * 40 * sizeof(float));
    float *bias = test_malloc(40 * sizeof(float));
    float *c1 = test_malloc(40 * 40 * sizeof(float));
    float *c2 = test_malloc(40 * 40 * sizeof(float));
    float *pack = test_malloc(nnlite__gemm_pack_floats(40) * sizeof(float));
    assert_non_null(k->tile_strided);
    for (size_t i = 0; i < 300 * 40; i++) {
        a[i] = (float)((i * 37) % 101) / 50.0f - 1.0f;
        b[i] = (float)((i * 53) % 97) / 40.0f - 1.2f;
    }
    for (size_t j = 0; j < 40; j++) {
        bias[j] = (float)j / 9.0f;
    }
    for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++) {
        for (int variant = 0; variant < 4; variant++) {
            const size_t m = shapes[s][0], n = shapes[s][1], kk = shapes[s][2];
            const int transposed = variant & 1, accumulate = variant >> 1;
            nnlite__gemm_args g = {m, n, kk, a, kk, 1, b,
                                   transposed ? 1 : n, transposed ? kk : 1,
                                   c1, n, accumulate ? NULL : bias,
                                   accumulate};
            for (size_t i = 0; i < m * n; i++) {
                c1[i] = c2[i] = (float)i / 3.0f;
            }
            nnlite__gemm_cols(k, &g, 0, n, pack);
            g.c = c2;
            nnlite__gemm_cols(k, &g, 0, n, NULL);
            assert_memory_equal(c1, c2, m * n * sizeof(float));
        }
    }
    test_free(a);
    test_free(b);
    test_free(bias);
    test_free(c1);
    test_free(c2);
    test_free(pack);
}

/* Scratch sizes: none for small products on kernels that read in place,
 * else KC (or the longest reduction) rows of panels. */
static void test_gemm_pack_sizes(void **state)
{
    (void)state;
    nnlite__gemm_kernels in_place =
        *nnlite__gemm_kernels_for(NNLITE__PATH_GENERIC);
    nnlite__gemm_kernels packing = in_place;
    const nnlite__gemm_kernels *g = &in_place;
    in_place.small_in_place = 1;
    packing.small_in_place = 0;
    assert_int_equal(nnlite__gemm_pack_floats_for(g, 56, 56), 0);
    assert_int_equal(nnlite__gemm_pack_floats_for(g, 4096, 1), 0);
    assert_int_equal(nnlite__gemm_pack_floats_for(g, 5, 0), 0);
    assert_int_equal(nnlite__gemm_pack_floats_for(g, 4097, 1),
                     NNLITE__GEMM_KC * g->nr);
    assert_int_equal(nnlite__gemm_pack_floats_for(g, 65, 64), 65 * 64);
    assert_int_equal(nnlite__gemm_pack_floats_for(&packing, 56, 13),
                     56 * ((13 + g->nr - 1) / g->nr * g->nr));
    assert_int_equal(nnlite__gemm_pack_floats_for(&packing, 1000, 5000),
                     nnlite__gemm_pack_floats(5000));
}

/* ---- the optimizer without rollback ---------------------------------- */

static nnlite_model *small_model(const nnlite_optimizer_options *opt,
                                 int rollback, const nnlite_allocator *a)
{
    nnlite_model *m;
    nnlite_layer *l;
    nnlite_loss *loss;
    nnlite_optimizer *o;
    nnlite_layer_spec spec = {NNLITE_LAYER_DENSE, 3, 4, 0.0f};
    assert_int_equal(nnlite_model_create_advanced(&m, 3, 11, a), NNLITE_OK);
    assert_int_equal(nnlite_layer_create_advanced(&l, &spec, a), NNLITE_OK);
    assert_int_equal(nnlite_model_add(m, l), NNLITE_OK);
    spec.kind = NNLITE_LAYER_TANH;
    assert_int_equal(nnlite_layer_create_advanced(&l, &spec, a), NNLITE_OK);
    assert_int_equal(nnlite_model_add(m, l), NNLITE_OK);
    spec = (nnlite_layer_spec){NNLITE_LAYER_DENSE, 4, 2, 0.0f};
    assert_int_equal(nnlite_layer_create_advanced(&l, &spec, a), NNLITE_OK);
    assert_int_equal(nnlite_model_add(m, l), NNLITE_OK);
    assert_int_equal(nnlite_loss_create_advanced(&loss, NNLITE_LOSS_MSE, a),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_set_loss(m, loss), NNLITE_OK);
    assert_int_equal(nnlite_optimizer_create_advanced(&o, opt, a),
                     NNLITE_OK);
    assert_int_equal(nnlite_optimizer_set_rollback(o, rollback), NNLITE_OK);
    assert_int_equal(nnlite_optimizer_get_rollback(o), rollback != 0);
    assert_int_equal(nnlite_model_set_optimizer(m, o), NNLITE_OK);
    return m;
}

static const float small_x[12] = {0.1f, -0.2f, 0.3f, 0.5f, 0.4f, -0.6f,
                                  -0.7f, 0.8f, 0.2f, 0.9f, -0.1f, 0.0f};
static const float small_t[8] = {0.5f, -0.5f, 1.0f, 0.0f,
                                 -1.0f, 0.3f, 0.2f, 0.7f};

static void train_steps(nnlite_model *m, int steps)
{
    nnlite_tensor *x, *t;
    assert_int_equal(nnlite_tensor_wrap2d_const(&x, small_x, 4, 3),
                     NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d_const(&t, small_t, 4, 2),
                     NNLITE_OK);
    for (int i = 0; i < steps; i++) {
        assert_int_equal(nnlite_model_train_batch(m, x, t, NULL), NNLITE_OK);
    }
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
}

static nnlite_optimizer_options rule(int which)
{
    nnlite_optimizer_options o = NNLITE_SGD_OPTIONS_INIT;
    switch (which) {
    case 0: /* plain SGD with decay */
        o.weight_decay = 0.01f;
        break;
    case 1:
        o.momentum = 0.9f;
        o.nesterov = 1;
        break;
    case 2:
        o = (nnlite_optimizer_options)NNLITE_ADAM_OPTIONS_INIT;
        o.learning_rate = 0.01f;
        break;
    default:
        o = (nnlite_optimizer_options)NNLITE_ADAM_OPTIONS_INIT;
        o.amsgrad = 1;
        o.decoupled_weight_decay = 1;
        o.weight_decay = 0.1f;
        break;
    }
    return o;
}

/* Every rule gives the same bits in place, also when the layout changes
 * between steps (the state moves along). */
static void test_rollback_off_gives_the_same_bits(void **state)
{
    (void)state;
    for (int which = 0; which < 4; which++) {
        const nnlite_optimizer_options opt = rule(which);
        nnlite_model *on = small_model(&opt, 1, NULL);
        nnlite_model *off = small_model(&opt, 0, NULL);
        nnlite_model *mixed = small_model(&opt, 1, NULL);
        train_steps(on, 6);
        train_steps(off, 6);
        train_steps(mixed, 2);
        nnlite_optimizer *o = nnlite_model_get_optimizer(mixed);
        assert_int_equal(nnlite_optimizer_set_rollback(o, 0), NNLITE_OK);
        assert_int_equal(nnlite_optimizer_set_rollback(o, 0), NNLITE_OK);
        train_steps(mixed, 2);
        assert_int_equal(nnlite_optimizer_set_rollback(o, 1), NNLITE_OK);
        train_steps(mixed, 2);
        const size_t n = nnlite_model_param_count(on);
        assert_memory_equal(nnlite_model_params(on), nnlite_model_params(off),
                            n * sizeof(float));
        assert_memory_equal(nnlite_model_params(on),
                            nnlite_model_params(mixed), n * sizeof(float));
        assert_int_equal(nnlite_optimizer_step_count(
                             nnlite_model_get_optimizer(off)),
                         6);
        assert_int_equal(nnlite_optimizer_step_count(o), 6);
        nnlite_model_destroy(on);
        nnlite_model_destroy(off);
        nnlite_model_destroy(mixed);
    }
}

/* A NaN gradient changes nothing, rollback or not. */
static void test_rollback_off_refuses_a_nan_gradient(void **state)
{
    (void)state;
    const nnlite_optimizer_options opt = rule(2);
    nnlite_model *m = small_model(&opt, 0, NULL);
    nnlite_tensor *x, *t;
    float before[26];
    train_steps(m, 1);
    assert_int_equal(nnlite_tensor_wrap2d_const(&x, small_x, 4, 3),
                     NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d_const(&t, small_t, 4, 2),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_param_count(m), 26);
    memcpy(before, nnlite_model_params(m), sizeof(before));
    assert_int_equal(nnlite_model_compute_gradients(m, x, t, NULL),
                     NNLITE_OK);
    nnlite_model_grads(m)[5] = NAN;
    assert_int_equal(nnlite_model_apply_gradients(m), NNLITE_ENUMERIC);
    assert_memory_equal(before, nnlite_model_params(m), sizeof(before));
    assert_int_equal(nnlite_optimizer_step_count(nnlite_model_get_optimizer(m)),
                     1);
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_model_destroy(m);
}

/* An update that overflows: undone with rollback, left in place
 * without (and not counted). */
static void test_rollback_off_cannot_undo_an_overflow(void **state)
{
    (void)state;
    nnlite_optimizer_options opt = rule(0);
    opt.learning_rate = 1e38f;
    for (int rollback = 0; rollback < 2; rollback++) {
        nnlite_model *m = small_model(&opt, rollback, NULL);
        float before[26];
        memcpy(before, nnlite_model_params(m), sizeof(before));
        nnlite_tensor *x, *t;
        assert_int_equal(nnlite_tensor_wrap2d_const(&x, small_x, 4, 3),
                         NNLITE_OK);
        assert_int_equal(nnlite_tensor_wrap2d_const(&t, small_t, 4, 2),
                         NNLITE_OK);
        assert_int_equal(nnlite_model_compute_gradients(m, x, t, NULL),
                         NNLITE_OK);
        for (size_t i = 0; i < 26; i++) {
            nnlite_model_grads(m)[i] = 1e30f;
        }
        assert_int_equal(nnlite_model_apply_gradients(m), NNLITE_ENUMERIC);
        if (rollback) {
            assert_memory_equal(before, nnlite_model_params(m),
                                sizeof(before));
        } else {
            assert_true(isinf(nnlite_model_params(m)[0]));
            assert_non_null(strstr(nnlite_model_last_error(m),
                                   "rollback is off"));
        }
        assert_int_equal(
            nnlite_optimizer_step_count(nnlite_model_get_optimizer(m)), 0);
        nnlite_tensor_destroy(x);
        nnlite_tensor_destroy(t);
        nnlite_model_destroy(m);
    }
}

/* Changing the layout allocates the new one first: when that fails,
 * nothing changes. */
static void test_rollback_switch_out_of_memory(void **state)
{
    (void)state;
    for (int which = 0; which < 4; which++) {
        test_alloc_state st = {0};
        const nnlite_allocator a = test_allocator(&st);
        const nnlite_optimizer_options opt = rule(which);
        nnlite_model *m = small_model(&opt, 1, &a);
        nnlite_model *twin = small_model(&opt, 1, NULL);
        nnlite_optimizer *o = nnlite_model_get_optimizer(m);
        train_steps(m, 2);
        train_steps(twin, 2);
        st.fail_at = st.calls + 1;
        const int to = which == 0 ? 1 : 0; /* plain SGD in place has none */
        if (which == 0) {
            assert_int_equal(nnlite_optimizer_set_rollback(o, 0), NNLITE_OK);
        }
        assert_int_equal(nnlite_optimizer_set_rollback(o, to),
                         NNLITE_ENOMEM);
        assert_int_equal(nnlite_optimizer_get_rollback(o), !to);
        train_steps(m, 2);
        train_steps(twin, 2);
        assert_memory_equal(nnlite_model_params(m), nnlite_model_params(twin),
                            26 * sizeof(float));
        nnlite_model_destroy(m);
        nnlite_model_destroy(twin);
    }
    assert_int_equal(nnlite_optimizer_set_rollback(NULL, 0), NNLITE_EINVAL);
    assert_int_equal(nnlite_optimizer_get_rollback(NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memory_one_dense_layer_plain_sgd),
        cmocka_unit_test(test_memory_the_issue_network_adam),
        cmocka_unit_test(test_memory_sigmoid_momentum_cross_entropy),
        cmocka_unit_test(test_memory_four_dense_layers_amsgrad_huber),
        cmocka_unit_test(test_memory_wide_then_narrow_batch_one),
        cmocka_unit_test(test_memory_refuses),
        cmocka_unit_test(test_memory_issue_goal),
        cmocka_unit_test(test_fit_memory_matches_the_arena),
        cmocka_unit_test(test_fit_memory_stream_any_rows),
        cmocka_unit_test(test_fit_memory_refuses),
        cmocka_unit_test(test_fit_stream_order_is_a_permutation),
        cmocka_unit_test(test_fit_stream_trains),
        cmocka_unit_test(test_gemm_in_place_gives_the_packed_bits),
        cmocka_unit_test(test_gemm_pack_sizes),
        cmocka_unit_test(test_rollback_off_gives_the_same_bits),
        cmocka_unit_test(test_rollback_off_refuses_a_nan_gradient),
        cmocka_unit_test(test_rollback_off_cannot_undo_an_overflow),
        cmocka_unit_test(test_rollback_switch_out_of_memory),
        cmocka_unit_test(test_memory_chunk_rows_setting),
        cmocka_unit_test(test_memory_chunks_bound_inference),
    };
    return cmocka_run_group_tests_name("memory", tests, NULL, NULL);
}
