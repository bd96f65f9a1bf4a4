/* nnlite_model_predict on plain arrays, and read-only views where the
 * library would write. */
#include "model_util.h"

#include <math.h>
#include <string.h>

/* y = 2 x1 - x2 + 0.5, set by hand. */
static nnlite_model *line(void)
{
    static const float p[3] = {2.0f, -1.0f, 0.5f};
    nnlite_model *m = NULL;
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    add_dense(m, 2, 1);
    memcpy(nnlite_model_params(m), p, sizeof(p));
    return m;
}

static void test_predict_hand_computed(void **state)
{
    const float x[3][2] = {{1, 0}, {0, 1}, {3, 2}};
    float y[3] = {0};
    nnlite_model *m = line();
    (void)state;
    assert_int_equal(nnlite_model_predict(m, &x[0][0], 3, y), NNLITE_OK);
    assert_float_equal(y[0], 2.5f, 1e-6f);
    assert_float_equal(y[1], -0.5f, 1e-6f);
    assert_float_equal(y[2], 4.5f, 1e-6f);
    nnlite_model_destroy(m);
}

/* The same numbers as forward, for a batch spanning many chunks. */
static void test_predict_equals_forward(void **state)
{
    enum { N = 5000 };
    float *x = test_malloc(N * 4 * sizeof(float));
    float *a = test_malloc(N * 3 * sizeof(float));
    float *b = test_malloc(N * 3 * sizeof(float));
    nnlite_tensor *tx = NULL, *ty = NULL;
    nnlite_model *m = NULL;
    (void)state;
    for (size_t i = 0; i < N * 4; i++) {
        x[i] = sinf((float)i);
    }
    assert_int_equal(nnlite_model_create(&m, 4, 3), NNLITE_OK);
    add_dense(m, 4, 16);
    add_relu(m);
    add_dense(m, 16, 3);
    assert_int_equal(nnlite_model_predict(m, x, N, a), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d_const(&tx, x, N, 4), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&ty, b, N, 3), NNLITE_OK);
    assert_int_equal(nnlite_model_forward(m, tx, ty), NNLITE_OK);
    assert_memory_equal(a, b, N * 3 * sizeof(float));
    nnlite_tensor_destroy(tx);
    nnlite_tensor_destroy(ty);
    nnlite_model_destroy(m);
    test_free(x);
    test_free(a);
    test_free(b);
}

static void test_predict_errors(void **state)
{
    const float x[2] = {1, 2}, bad[2] = {1, NAN};
    float y[1] = {42.0f};
    nnlite_model *m = NULL;
    (void)state;
    assert_int_equal(nnlite_model_predict(NULL, x, 1, y), NNLITE_EINVAL);
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_predict(m, x, 1, y), NNLITE_ESTATE);
    assert_string_equal(nnlite_model_last_error(m), "the model has no layers");
    add_dense(m, 2, 1);
    assert_int_equal(nnlite_model_predict(m, NULL, 1, y), NNLITE_EINVAL);
    assert_string_equal(nnlite_model_last_error(m), "x is NULL");
    assert_int_equal(nnlite_model_predict(m, x, 1, NULL), NNLITE_EINVAL);
    assert_string_equal(nnlite_model_last_error(m), "y is NULL");
    assert_int_equal(nnlite_model_predict(m, x, 0, y), NNLITE_EINVAL);
    assert_string_equal(nnlite_model_last_error(m), "rows must be at least 1");
    assert_int_equal(nnlite_model_predict(m, x, SIZE_MAX / 4, y),
                     NNLITE_ENOMEM);
    assert_non_null(strstr(nnlite_model_last_error(m), "more bytes"));
    assert_int_equal(nnlite_model_predict(m, bad, 1, y), NNLITE_ENUMERIC);
    assert_string_equal(nnlite_model_last_error(m), "x[0][1] is not finite");
    assert_true(y[0] == 42.0f); /* untouched by every failure */
    nnlite_model_destroy(m);
}

/* After one call at a size, calls at that size or smaller allocate
 * nothing. */
static void test_predict_allocates_once(void **state)
{
    const float x[4][2] = {{1, 2}, {3, 4}, {5, 6}, {7, 8}};
    float y[4];
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    nnlite_model *m = NULL;
    (void)state;
    assert_int_equal(nnlite_model_create_advanced(&m, 2, 1, &a), NNLITE_OK);
    add_dense(m, 2, 5);
    add_relu(m);
    add_dense(m, 5, 1);
    assert_int_equal(nnlite_model_predict(m, &x[0][0], 4, y), NNLITE_OK);
    const size_t calls = st.calls;
    for (size_t rows = 1; rows <= 4; rows++) {
        assert_int_equal(nnlite_model_predict(m, &x[0][0], rows, y),
                         NNLITE_OK);
    }
    assert_int_equal(st.calls, calls);
    nnlite_model_destroy(m);
    assert_int_equal(st.live, 0);
}

/* Every allocation of a first predict failing in turn: ENOMEM with a
 * message, y untouched, then success. */
static void test_predict_allocation_failures(void **state)
{
    const float x[2] = {1, 2};
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    nnlite_model *m = NULL;
    (void)state;
    for (size_t n = 1;; n++) {
        float y[3] = {7, 7, 7};
        st = (test_alloc_state){0};
        assert_int_equal(nnlite_model_create_advanced(&m, 2, 1, &a),
                         NNLITE_OK);
        add_dense(m, 2, 3);
        st.fail_at = st.calls + n;
        nnlite_status s = nnlite_model_predict(m, x, 1, y);
        if (s == NNLITE_OK) {
            nnlite_model_destroy(m);
            assert_true(n > 1);
            break;
        }
        assert_int_equal(s, NNLITE_ENOMEM);
        assert_true(y[0] == 7 && y[1] == 7 && y[2] == 7);
        st.fail_at = 0;
        assert_int_equal(nnlite_model_predict(m, x, 1, y), NNLITE_OK);
        nnlite_model_destroy(m);
        assert_int_equal(st.live, 0);
    }
}

/* Read-only views are read happily and refused where a call writes. */
static void test_read_only_views(void **state)
{
    const float xs[2] = {1, 0}, ts[1] = {2.5f};
    float grad_store[1] = {0}, loss_value;
    nnlite_tensor *x = NULL, *t = NULL, *y = NULL, *g = NULL;
    nnlite_model *m = line();
    nnlite_loss *mse = NULL;
    float loss;
    (void)state;
    assert_int_equal(nnlite_tensor_wrap2d_const(&x, xs, 1, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d_const(&t, ts, 1, 1), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d_const(&y, ts, 1, 1), NNLITE_OK);
    set_mse(m);
    assert_int_equal(nnlite_model_evaluate(m, x, t, &loss), NNLITE_OK);
    assert_float_equal(loss, 0.0f, 1e-12f);
    assert_int_equal(nnlite_model_forward(m, x, y), NNLITE_EINVAL);
    assert_non_null(strstr(nnlite_model_last_error(m), "y is a read-only"));
    assert_true(ts[0] == 2.5f);
    /* A loss's gradient cannot go into one either. */
    assert_int_equal(nnlite_loss_mse_create(&mse), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d_const(&g, grad_store, 1, 1),
                     NNLITE_OK);
    assert_int_equal(nnlite_loss_compute(mse, t, t, &loss_value, g),
                     NNLITE_EINVAL);
    assert_non_null(strstr(nnlite_loss_last_error(mse), "grad is a read-only"));
    assert_int_equal(nnlite_loss_compute(mse, t, t, &loss_value, NULL),
                     NNLITE_OK);
    nnlite_loss_destroy(mse);
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_tensor_destroy(y);
    nnlite_tensor_destroy(g);
    nnlite_model_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_predict_hand_computed),
        cmocka_unit_test(test_predict_equals_forward),
        cmocka_unit_test(test_predict_errors),
        cmocka_unit_test(test_predict_allocates_once),
        cmocka_unit_test(test_predict_allocation_failures),
        cmocka_unit_test(test_read_only_views),
    };
    return cmocka_run_group_tests_name("predict", tests, NULL, NULL);
}
