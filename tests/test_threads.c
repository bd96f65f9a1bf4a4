/* Worker threads: results bit-identical to one thread, argument errors,
 * and the pool's memory through the model's allocator (no leaks). */
#include <string.h>

#include "harness.h"

#include "model_util.h"

enum { IN = 200, ROWS = 64 };

static float x_data[ROWS * IN], t_data[ROWS];

static void fill_data(void)
{
    uint64_t s = 5;
    for (size_t i = 0; i < ROWS * IN; i++) {
        s = s * 6364136223846793005u + 1442695040888963407u;
        x_data[i] = (float)(s >> 40) / 8388608.0f - 1.0f;
    }
    for (size_t r = 0; r < ROWS; r++) {
        t_data[r] = (float)(r % 3);
    }
}

/* Train a model big enough that its products are split; return the
 * parameters after three steps and a forward pass (caller frees). */
static float *train_with(size_t threads, test_alloc_state *st,
                         float *out_y)
{
    nnlite_allocator a = test_allocator(st);
    nnlite_model *m = NULL;
    nnlite_loss *loss = NULL;
    nnlite_optimizer *o = NULL;
    nnlite_tensor *x = NULL, *t = NULL, *y = NULL;
    assert_int_equal(nnlite_model_create_advanced(&m, IN, 3, &a), NNLITE_OK);
    add_dense(m, IN, 256); /* 64 x 256 x 200: above the split threshold */
    add_relu(m);
    add_dense(m, 256, 67); /* 67 columns: an uneven split */
    add_relu(m);
    add_dense(m, 67, 3);
    assert_int_equal(nnlite_loss_cross_entropy_create(&loss), NNLITE_OK);
    assert_int_equal(nnlite_model_set_loss(m, loss), NNLITE_OK);
    assert_int_equal(nnlite_adam_create(&o, 1e-3f, 0.9f, 0.999f, 1e-8f),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(m, o), NNLITE_OK);
    assert_int_equal(nnlite_model_set_threads(m, threads), NNLITE_OK);
    assert_int_equal(nnlite_model_get_threads(m), threads);
    assert_int_equal(nnlite_tensor_wrap2d(&x, x_data, ROWS, IN), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, t_data, ROWS, 1), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&y, out_y, ROWS, 3), NNLITE_OK);
    for (int step = 0; step < 3; step++) {
        assert_int_equal(nnlite_model_train_batch(m, x, t, NULL), NNLITE_OK);
    }
    assert_int_equal(nnlite_model_forward(m, x, y), NNLITE_OK);
    const size_t n = nnlite_model_param_count(m);
    float *p = test_malloc(n * sizeof(float));
    assert_non_null(p);
    memcpy(p, nnlite_model_params(m), n * sizeof(float));
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_tensor_destroy(y);
    nnlite_model_destroy(m);
    return p;
}

static void test_threads_bit_identical(void **state)
{
    test_alloc_state st = {0};
    static float y1[ROWS * 3], yn[ROWS * 3];
    const size_t n = (size_t)IN * 256 + 256 + 256 * 67 + 67 + 67 * 3 + 3;
    (void)state;
    fill_data();
    float *one = train_with(1, &st, y1);
    for (size_t threads = 2; threads <= 3; threads++) {
        float *many = train_with(threads, &st, yn);
        assert_memory_equal(one, many, n * sizeof(float));
        assert_memory_equal(y1, yn, sizeof(y1));
        test_free(many);
    }
    test_free(one);
    assert_int_equal(st.live, 0);
}

static void test_threads_errors(void **state)
{
    nnlite_model *m = NULL;
    (void)state;
    assert_int_equal(nnlite_model_set_threads(NULL, 2), NNLITE_EINVAL);
    assert_int_equal(nnlite_model_get_threads(NULL), 0);
    assert_string_equal(nnlite_model_kernel_name(NULL), "");
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_get_threads(m), 1);
    assert_int_equal(nnlite_model_set_threads(m, 0), NNLITE_EINVAL);
    assert_int_equal(nnlite_model_set_threads(m, 100000), NNLITE_EINVAL);
    assert_true(strlen(nnlite_model_kernel_name(m)) > 0);
    /* Changing the count with no work done, then destroying: no leak. */
    assert_int_equal(nnlite_model_set_threads(m, 2), NNLITE_OK);
    assert_int_equal(nnlite_model_set_threads(m, 1), NNLITE_OK);
    nnlite_model_destroy(m);
}

/* Every allocation of a threaded training call may fail: the status says
 * so and nothing leaks. */
static void test_threads_out_of_memory(void **state)
{
    (void)state;
    fill_data();
    for (size_t fail = 1; fail <= 40; fail++) {
        test_alloc_state st = {0};
        nnlite_allocator a = test_allocator(&st);
        nnlite_model *m = NULL;
        nnlite_tensor *x = NULL, *tx = NULL;
        if (nnlite_model_create_advanced(&m, IN, 3, &a) != NNLITE_OK) {
            continue;
        }
        add_dense(m, IN, 64);
        set_mse(m);
        set_sgd(m, 0.01f, 0.0f);
        assert_int_equal(nnlite_model_set_threads(m, 2), NNLITE_OK);
        st.fail_at = st.calls + fail;
        assert_int_equal(nnlite_tensor_wrap2d(&x, x_data, ROWS, IN),
                         NNLITE_OK);
        assert_int_equal(nnlite_tensor_wrap2d(&tx, x_data, ROWS, 64),
                         NNLITE_OK);
        nnlite_status s = nnlite_model_train_batch(m, x, tx, NULL);
        assert_true(s == NNLITE_OK || s == NNLITE_ENOMEM);
        nnlite_tensor_destroy(x);
        nnlite_tensor_destroy(tx);
        nnlite_model_destroy(m);
        assert_int_equal(st.live, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_bit_identical),
        cmocka_unit_test(test_threads_errors),
        cmocka_unit_test(test_threads_out_of_memory),
    };
    return cmocka_run_group_tests_name("threads", tests, NULL, NULL);
}
