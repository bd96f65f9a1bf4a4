/* nnlite_model_fit: epochs, batches, updates, shuffling, validation, the
 * callback, determinism, option errors and allocation-free epochs. */
#include "model_util.h"

#include <math.h>
#include <string.h>

#define ROWS 10

typedef struct fixture {
    float xs[ROWS * 2];
    float ts[ROWS];
    nnlite_tensor *x;
    nnlite_tensor *t;
} fixture;

static int setup(void **state)
{
    fixture *f = test_calloc(1, sizeof(*f));
    if (f == NULL) {
        return -1;
    }
    for (size_t i = 0; i < ROWS; i++) {
        f->xs[2 * i] = (float)i / ROWS;
        f->xs[2 * i + 1] = 1.0f - (float)i / ROWS;
        f->ts[i] = 0.5f * f->xs[2 * i] - f->xs[2 * i + 1];
    }
    if (nnlite_tensor_wrap2d(&f->x, f->xs, ROWS, 2) != NNLITE_OK ||
        nnlite_tensor_wrap2d(&f->t, f->ts, ROWS, 1) != NNLITE_OK) {
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    nnlite_tensor_destroy(f->x);
    nnlite_tensor_destroy(f->t);
    test_free(f);
    return 0;
}

static nnlite_model *make_model(uint64_t seed)
{
    nnlite_model *m = NULL;
    assert_int_equal(nnlite_model_create(&m, 2, seed), NNLITE_OK);
    add_dense(m, 2, 4);
    add_tanh(m);
    add_dense(m, 4, 1);
    set_mse(m);
    set_sgd(m, 0.05f, 0.5f);
    return m;
}

typedef struct record {
    size_t calls;
    size_t stop_after; /* 0: never stop */
    nnlite_epoch_stats last;
    size_t updates[16];
    float train[16];
    float validation[16];
} record;

static int remember(const nnlite_epoch_stats *s, void *user)
{
    record *r = user;
    if (r->calls < 16) {
        r->updates[r->calls] = s->updates;
        r->train[r->calls] = s->train_loss;
        r->validation[r->calls] = s->validation_loss;
    }
    r->calls++;
    r->last = *s;
    return r->stop_after != 0 && r->calls >= r->stop_after;
}

static void test_fit_counts_updates(void **state)
{
    fixture *f = *state;
    nnlite_model *m = make_model(1);
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    record r = {0};
    o.epochs = 5;
    o.batch_size = 3; /* 10 rows: batches of 3, 3, 3, 1 -> 4 per epoch */
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, remember, &r),
                     NNLITE_OK);
    assert_int_equal(r.calls, 5);
    assert_int_equal(r.last.epoch, 5);
    for (size_t e = 0; e < 5; e++) {
        assert_int_equal(r.updates[e], 4 * (e + 1));
        assert_true(isnan(r.validation[e])); /* no validation set */
    }
    assert_int_equal(
        nnlite_optimizer_step_count(nnlite_model_get_optimizer(m)), 20);
    /* A batch larger than the data set is one update per epoch. */
    o.epochs = 2;
    o.batch_size = 64;
    r = (record){0};
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, remember, &r),
                     NNLITE_OK);
    assert_int_equal(r.last.updates, 2);
    nnlite_model_destroy(m);
}

static void test_fit_callback_stops_early(void **state)
{
    fixture *f = *state;
    nnlite_model *m = make_model(1);
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    record r = {0};
    o.epochs = 100;
    o.batch_size = 5;
    r.stop_after = 2;
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, remember, &r),
                     NNLITE_OK);
    assert_int_equal(r.calls, 2);
    assert_int_equal(r.last.updates, 4);
    nnlite_model_destroy(m);
}

static void test_fit_loss_decreases_and_validation_matches(void **state)
{
    fixture *f = *state;
    nnlite_model *m = make_model(2);
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    record r = {0};
    float eval;
    o.epochs = 12;
    o.batch_size = 2;
    o.validation_x = f->x;
    o.validation_target = f->t;
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, remember, &r),
                     NNLITE_OK);
    assert_true(r.train[11] < r.train[0]);
    /* The last validation loss is the loss of the final parameters. */
    assert_int_equal(nnlite_model_evaluate(m, f->x, f->t, &eval), NNLITE_OK);
    assert_float_equal(r.validation[11], eval, 1e-7f);
    nnlite_model_destroy(m);
}

static void test_fit_is_deterministic(void **state)
{
    fixture *f = *state;
    nnlite_model *a = make_model(9), *b = make_model(9), *c = make_model(9);
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    const size_t n = nnlite_model_param_count(a);
    o.epochs = 3;
    o.batch_size = 3;
    assert_int_equal(nnlite_model_fit(a, f->x, f->t, &o, NULL, NULL),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_fit(b, f->x, f->t, &o, NULL, NULL),
                     NNLITE_OK);
    assert_memory_equal(nnlite_model_params(a), nnlite_model_params(b),
                        n * sizeof(float));
    /* Without shuffling the order differs, and so do the results. */
    o.shuffle = 0;
    assert_int_equal(nnlite_model_fit(c, f->x, f->t, &o, NULL, NULL),
                     NNLITE_OK);
    assert_memory_not_equal(nnlite_model_params(a), nnlite_model_params(c),
                            n * sizeof(float));
    nnlite_model_destroy(a);
    nnlite_model_destroy(b);
    nnlite_model_destroy(c);
}

static void test_fit_unshuffled_equals_manual_batches(void **state)
{
    fixture *f = *state;
    nnlite_model *a = make_model(4), *b = make_model(4);
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    const size_t n = nnlite_model_param_count(a);
    o.epochs = 2;
    o.batch_size = 4;
    o.shuffle = 0;
    assert_int_equal(nnlite_model_fit(a, f->x, f->t, &o, NULL, NULL),
                     NNLITE_OK);
    /* The same updates by hand: rows 0-3, 4-7, 8-9, twice. */
    for (int epoch = 0; epoch < 2; epoch++) {
        for (size_t start = 0; start < ROWS; start += 4) {
            const size_t rows = ROWS - start < 4 ? ROWS - start : 4;
            nnlite_tensor *x = NULL, *t = NULL;
            float loss;
            assert_int_equal(
                nnlite_tensor_wrap2d(&x, f->xs + 2 * start, rows, 2),
                NNLITE_OK);
            assert_int_equal(nnlite_tensor_wrap2d(&t, f->ts + start, rows, 1),
                             NNLITE_OK);
            assert_int_equal(nnlite_model_train_batch(b, x, t, &loss),
                             NNLITE_OK);
            nnlite_tensor_destroy(x);
            nnlite_tensor_destroy(t);
        }
    }
    assert_memory_equal(nnlite_model_params(a), nnlite_model_params(b),
                        n * sizeof(float));
    nnlite_model_destroy(a);
    nnlite_model_destroy(b);
}

typedef struct reentry {
    nnlite_model *m;
    fixture *f;
    size_t calls;
} reentry;

/* From inside fit: inference works, training and replacing parts do not. */
static int try_reentry(const nnlite_epoch_stats *s, void *user)
{
    reentry *r = user;
    fixture *f = r->f;
    float ys[ROWS], loss;
    nnlite_tensor *y = NULL;
    nnlite_loss *mae = NULL;
    nnlite_optimizer *o = NULL;
    assert_int_equal(s->epochs, 3);
    assert_int_equal(nnlite_tensor_wrap2d(&y, ys, ROWS, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_forward(r->m, f->x, y), NNLITE_OK);
    assert_int_equal(nnlite_model_evaluate(r->m, f->x, f->t, &loss),
                     NNLITE_OK);
    assert_int_equal(nnlite_optimizer_set_learning_rate(
                         nnlite_model_get_optimizer(r->m), 0.01f),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_fit(r->m, f->x, f->t, NULL, NULL, NULL),
                     NNLITE_ESTATE);
    assert_non_null(strstr(nnlite_model_last_error(r->m), "fit callback"));
    assert_int_equal(nnlite_model_train_batch(r->m, f->x, f->t, &loss),
                     NNLITE_ESTATE);
    assert_int_equal(nnlite_model_compute_gradients(r->m, f->x, f->t, &loss),
                     NNLITE_ESTATE);
    assert_int_equal(nnlite_model_apply_gradients(r->m), NNLITE_ESTATE);
    assert_int_equal(nnlite_loss_mae_create(&mae), NNLITE_OK);
    assert_int_equal(nnlite_model_set_loss(r->m, mae), NNLITE_ESTATE);
    assert_int_equal(nnlite_sgd_create(&o, 0.1f, 0.0f), NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(r->m, o), NNLITE_ESTATE);
    nnlite_tensor_destroy(y);
    r->calls++;
    return 0;
}

static void test_fit_callback_reentry(void **state)
{
    fixture *f = *state;
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    reentry r = {make_model(1), f, 0};
    o.epochs = 3;
    assert_int_equal(nnlite_model_fit(r.m, f->x, f->t, &o, try_reentry, &r),
                     NNLITE_OK);
    assert_int_equal(r.calls, 3);
    /* The learning rate set in the callback stuck; after fit, training
     * works again. */
    assert_float_equal(
        nnlite_optimizer_get_learning_rate(nnlite_model_get_optimizer(r.m)),
        0.01f, 0.0f);
    float loss;
    assert_int_equal(nnlite_model_train_batch(r.m, f->x, f->t, &loss),
                     NNLITE_OK);
    nnlite_model_destroy(r.m);
}

static void test_fit_option_errors(void **state)
{
    fixture *f = *state;
    nnlite_model *m = make_model(1);
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    float other[3 * 2] = {0};
    nnlite_tensor *bad_x = NULL;
    assert_int_equal(nnlite_tensor_wrap2d(&bad_x, other, 2, 3), NNLITE_OK);

    assert_int_equal(nnlite_model_fit(NULL, f->x, f->t, &o, NULL, NULL),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_model_fit(m, NULL, f->t, &o, NULL, NULL),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_model_fit(m, f->x, NULL, &o, NULL, NULL),
                     NNLITE_EINVAL);
    o.version = 99;
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, NULL, NULL),
                     NNLITE_EINVAL);
    assert_non_null(strstr(nnlite_model_last_error(m), "version"));
    o = (nnlite_fit_options)NNLITE_FIT_OPTIONS_INIT;
    o.epochs = 0;
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, NULL, NULL),
                     NNLITE_EINVAL);
    o.epochs = 1;
    o.batch_size = 0;
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, NULL, NULL),
                     NNLITE_EINVAL);
    o.batch_size = 2;
    o.validation_x = f->x; /* without validation_target */
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, NULL, NULL),
                     NNLITE_EINVAL);
    o.validation_x = bad_x;
    o.validation_target = f->t;
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, NULL, NULL),
                     NNLITE_ESHAPE);
    assert_non_null(strstr(nnlite_model_last_error(m), "validation_x"));
    /* Training data with a wrong shape. */
    assert_int_equal(nnlite_model_fit(m, bad_x, f->t, NULL, NULL, NULL),
                     NNLITE_ESHAPE);
    /* None of the failures trained: no update happened. */
    assert_int_equal(
        nnlite_optimizer_step_count(nnlite_model_get_optimizer(m)), 0);
    nnlite_tensor_destroy(bad_x);
    nnlite_model_destroy(m);
}

static void test_fit_nan_data_changes_nothing(void **state)
{
    fixture *f = *state;
    nnlite_model *m = make_model(1);
    const size_t n = nnlite_model_param_count(m);
    float saved[64];
    memcpy(saved, nnlite_model_params(m), n * sizeof(float));
    f->xs[13] = NAN;
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, NULL, NULL, NULL),
                     NNLITE_ENUMERIC);
    assert_non_null(strstr(nnlite_model_last_error(m), "x[6][1]"));
    assert_memory_equal(nnlite_model_params(m), saved, n * sizeof(float));
    nnlite_model_destroy(m);
}

static void test_fit_divergence_is_enumeric(void **state)
{
    fixture *f = *state;
    nnlite_model *m = NULL;
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    o.epochs = 1000;
    o.batch_size = 10;
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    add_dense(m, 2, 1);
    set_mse(m);
    set_sgd(m, 50.0f, 0.0f); /* far too large: every step overshoots */
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, NULL, NULL),
                     NNLITE_ENUMERIC);
    /* Parameters are those of the last good update: all finite. */
    for (size_t i = 0; i < nnlite_model_param_count(m); i++) {
        assert_true(isfinite(nnlite_model_params(m)[i]));
    }
    nnlite_model_destroy(m);
}

static void test_fit_epochs_allocate_nothing(void **state)
{
    fixture *f = *state;
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    nnlite_model *m = NULL;
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    assert_int_equal(nnlite_model_create_advanced(&m, 2, 1, &a), NNLITE_OK);
    add_dense(m, 2, 8);
    add_relu(m);
    add_dense(m, 8, 1);
    set_mse(m);
    set_sgd(m, 0.01f, 0.9f);
    o.epochs = 1;
    o.batch_size = 3;
    o.validation_x = f->x;
    o.validation_target = f->t;
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, NULL, NULL),
                     NNLITE_OK);
    const size_t after_first_fit = st.calls;
    o.epochs = 5;
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, NULL, NULL),
                     NNLITE_OK);
    assert_int_equal(st.calls, after_first_fit);
    nnlite_model_destroy(m);
    assert_int_equal(st.live, 0);
}


static void test_fit_validation_errors_name_the_validation_set(void **state)
{
    fixture *f = *state;
    nnlite_model *m = make_model(1);
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    float vx[4] = {0, 1, 2, 3}, vt[3] = {0, NAN, 1};
    nnlite_tensor *x = NULL, *t = NULL, *t3 = NULL;
    assert_int_equal(nnlite_tensor_wrap2d(&x, vx, 2, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, vt, 2, 1), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t3, vt, 3, 1), NNLITE_OK);
    o.validation_x = x;
    o.validation_target = t3;
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, NULL, NULL),
                     NNLITE_ESHAPE);
    assert_string_equal(nnlite_model_last_error(m),
                        "validation_x has 2 rows but validation_target "
                        "has 3");
    o.validation_target = t;
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, NULL, NULL),
                     NNLITE_ENUMERIC);
    assert_string_equal(nnlite_model_last_error(m),
                        "validation_target[1][0] is not finite");
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_tensor_destroy(t3);
    nnlite_model_destroy(m);
}

/* fit with shuffling and a validation set, on a model whose allocator
 * fails each allocation in turn: ENOMEM, parameters and step count as
 * before, nothing leaked, and the same fit then succeeds. */
static void test_fit_every_allocation_failure(void **state)
{
    fixture *f = *state;
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    nnlite_model *m = NULL;
    float saved[64];
    o.epochs = 2;
    o.batch_size = 3;
    o.validation_x = f->x;
    o.validation_target = f->t;
    for (size_t n = 1;; n++) {
        st = (test_alloc_state){0};
        assert_int_equal(nnlite_model_create_advanced(&m, 2, 1, &a),
                         NNLITE_OK);
        add_dense(m, 2, 4);
        add_tanh(m);
        add_dense(m, 4, 1);
        set_mse(m);
        set_sgd(m, 0.05f, 0.5f);
        const size_t params = nnlite_model_param_count(m);
        memcpy(saved, nnlite_model_params(m), params * sizeof(float));
        st.fail_at = st.calls + n;
        nnlite_status s = nnlite_model_fit(m, f->x, f->t, &o, NULL, NULL);
        if (s == NNLITE_OK) {
            nnlite_model_destroy(m);
            assert_int_equal(st.live, 0);
            assert_true(n > 1); /* fit allocates: the walk saw failures */
            break;
        }
        assert_int_equal(s, NNLITE_ENOMEM);
        assert_memory_equal(nnlite_model_params(m), saved,
                            params * sizeof(float));
        assert_int_equal(
            nnlite_optimizer_step_count(nnlite_model_get_optimizer(m)),
            0);
        st.fail_at = 0;
        assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, NULL, NULL),
                         NNLITE_OK);
        nnlite_model_destroy(m);
        assert_int_equal(st.live, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fit_counts_updates, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_fit_callback_stops_early, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_fit_loss_decreases_and_validation_matches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fit_is_deterministic, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_fit_unshuffled_equals_manual_batches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fit_callback_reentry, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_fit_option_errors, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_fit_nan_data_changes_nothing,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_fit_divergence_is_enumeric,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_fit_epochs_allocate_nothing,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_fit_validation_errors_name_the_validation_set, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_fit_every_allocation_failure,
                                        setup, teardown),
    };
    return cmocka_run_group_tests_name("fit", tests, NULL, NULL);
}
