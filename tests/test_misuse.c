/* The misuse matrix: every public function called with NULL handles and
 * arguments, in the wrong state, with shapes that do not fit and with NaN
 * data, each returning its documented code (with a message where there is
 * a handle to keep one), and never crashing. */
#include "model_util.h"

#include <math.h>
#include <string.h>

static void test_misuse_null_handles(void **state)
{
    nnlite_tensor *t = NULL;
    float buf[4] = {0}, value;
    const size_t shape[1] = {1};
    size_t size;
    const float *values;
    nnlite_load_options lo = NNLITE_LOAD_OPTIONS_INIT;
    const nnlite_optimizer_options oo = NNLITE_SGD_OPTIONS_INIT;
    const nnlite_layer_spec spec = {NNLITE_LAYER_RELU, 0, 0, 0.0f};
    (void)state;
    assert_int_equal(nnlite_tensor_wrap2d(&t, buf, 1, 1), NNLITE_OK);

    /* Constructors with a NULL out-parameter. */
    assert_int_equal(nnlite_tensor_create(NULL, 1, shape), NNLITE_EINVAL);
    assert_int_equal(nnlite_tensor_create_advanced(NULL, 1, shape, NULL),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_tensor_create2d(NULL, 1, 1), NNLITE_EINVAL);
    assert_int_equal(nnlite_tensor_wrap(NULL, buf, 1, shape), NNLITE_EINVAL);
    assert_int_equal(nnlite_tensor_wrap_advanced(NULL, buf, 1, shape, NULL),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_tensor_wrap2d(NULL, buf, 1, 1), NNLITE_EINVAL);
    assert_int_equal(nnlite_layer_create_advanced(NULL, &spec, NULL),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_dense_create(NULL, 1, 1), NNLITE_EINVAL);
    assert_int_equal(nnlite_sigmoid_create(NULL), NNLITE_EINVAL);
    assert_int_equal(nnlite_relu_create(NULL), NNLITE_EINVAL);
    assert_int_equal(nnlite_tanh_create(NULL), NNLITE_EINVAL);
    assert_int_equal(nnlite_hard_sigmoid_create(NULL), NNLITE_EINVAL);
    assert_int_equal(nnlite_leaky_relu_create(NULL, 0.1f), NNLITE_EINVAL);
    assert_int_equal(nnlite_loss_create_advanced(NULL, NNLITE_LOSS_MSE, NULL),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_loss_mae_create(NULL), NNLITE_EINVAL);
    assert_int_equal(nnlite_loss_mse_create(NULL), NNLITE_EINVAL);
    assert_int_equal(nnlite_loss_cross_entropy_create(NULL), NNLITE_EINVAL);
    assert_int_equal(nnlite_optimizer_create(NULL, &oo), NNLITE_EINVAL);
    assert_int_equal(nnlite_optimizer_create_advanced(NULL, &oo, NULL),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_sgd_create(NULL, 0.1f, 0.0f), NNLITE_EINVAL);
    assert_int_equal(nnlite_adam_create(NULL, 0.1f, 0.9f, 0.99f, 1e-8f),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_model_create(NULL, 1, 1), NNLITE_EINVAL);
    assert_int_equal(nnlite_model_create_advanced(NULL, 1, 1, NULL),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_model_load(NULL, "x"), NNLITE_EINVAL);
    assert_int_equal(nnlite_model_load_advanced(NULL, "x", &lo),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_model_load_buffer(NULL, buf, 4), NNLITE_EINVAL);
    assert_int_equal(nnlite_model_load_buffer_advanced(NULL, buf, 4, &lo),
                     NNLITE_EINVAL);

    /* Calls on a NULL handle. */
    assert_int_equal(nnlite_loss_compute(NULL, t, t, &value, NULL),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_optimizer_set_learning_rate(NULL, 0.1f),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_model_add(NULL, NULL), NNLITE_EINVAL);
    assert_int_equal(nnlite_model_set_loss(NULL, NULL), NNLITE_EINVAL);
    assert_int_equal(nnlite_model_set_optimizer(NULL, NULL), NNLITE_EINVAL);
    assert_int_equal(nnlite_model_forward(NULL, t, t), NNLITE_EINVAL);
    assert_int_equal(nnlite_model_predict_probabilities(NULL, t, t),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_model_compute_gradients(NULL, t, t, &value),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_model_apply_gradients(NULL), NNLITE_EINVAL);
    assert_int_equal(nnlite_model_train_batch(NULL, t, t, &value),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_model_evaluate(NULL, t, t, &value),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_model_fit(NULL, t, t, NULL, NULL, NULL),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_model_save(NULL, "x"), NNLITE_EINVAL);
    assert_int_equal(nnlite_model_save_buffer(NULL, NULL, 0, &size),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_model_set_metadata(NULL, "a", buf, 1),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_model_get_metadata(NULL, "a", &values, &size),
                     NNLITE_EINVAL);

    /* Queries and destructors accept NULL. */
    nnlite_tensor_destroy(NULL);
    nnlite_layer_destroy(NULL);
    nnlite_loss_destroy(NULL);
    nnlite_optimizer_destroy(NULL);
    nnlite_model_destroy(NULL);
    assert_null(nnlite_tensor_data(NULL));
    assert_null(nnlite_tensor_const_data(NULL));
    assert_int_equal(nnlite_tensor_rank(NULL), 0);
    assert_int_equal(nnlite_tensor_dim(NULL, 0), 0);
    assert_int_equal(nnlite_tensor_size(NULL), 0);
    assert_int_equal(nnlite_layer_kind_of(NULL), 0);
    assert_int_equal(nnlite_loss_kind_of(NULL), 0);
    assert_string_equal(nnlite_loss_last_error(NULL), "");
    assert_true(nnlite_optimizer_get_learning_rate(NULL) == 0.0f);
    assert_int_equal(nnlite_optimizer_step_count(NULL), 0);
    assert_null(nnlite_model_get_optimizer(NULL));
    assert_int_equal(nnlite_model_input_features(NULL), 0);
    assert_int_equal(nnlite_model_output_features(NULL), 0);
    assert_int_equal(nnlite_model_layer_count(NULL), 0);
    assert_string_equal(nnlite_model_last_error(NULL), "");
    assert_int_equal(nnlite_model_param_count(NULL), 0);
    assert_null(nnlite_model_params(NULL));
    assert_null(nnlite_model_grads(NULL));
    assert_int_equal(nnlite_model_metadata_count(NULL), 0);
    assert_null(nnlite_model_metadata_name(NULL, 0));
    nnlite_tensor_destroy(t);
}

/* Every data-taking model call, in turn: the same bad input must give the
 * same code, and a message. */
typedef nnlite_status (*model_call)(nnlite_model *m, const nnlite_tensor *x,
                                    const nnlite_tensor *t);

static nnlite_status call_forward(nnlite_model *m, const nnlite_tensor *x,
                                  const nnlite_tensor *t)
{
    (void)t;
    float out[8];
    nnlite_tensor *y = NULL;
    nnlite_status s =
        nnlite_tensor_wrap2d(&y, out, nnlite_tensor_dim(x, 0), 1);
    if (s == NNLITE_OK) {
        s = nnlite_model_forward(m, x, y);
    }
    nnlite_tensor_destroy(y);
    return s;
}

static nnlite_status call_gradients(nnlite_model *m, const nnlite_tensor *x,
                                    const nnlite_tensor *t)
{
    float loss;
    return nnlite_model_compute_gradients(m, x, t, &loss);
}

static nnlite_status call_train(nnlite_model *m, const nnlite_tensor *x,
                                const nnlite_tensor *t)
{
    float loss;
    return nnlite_model_train_batch(m, x, t, &loss);
}

static nnlite_status call_evaluate(nnlite_model *m, const nnlite_tensor *x,
                                   const nnlite_tensor *t)
{
    float loss;
    return nnlite_model_evaluate(m, x, t, &loss);
}

static nnlite_status call_fit(nnlite_model *m, const nnlite_tensor *x,
                              const nnlite_tensor *t)
{
    return nnlite_model_fit(m, x, t, NULL, NULL, NULL);
}

static const model_call calls[] = {call_forward, call_gradients, call_train,
                                   call_evaluate, call_fit};
#define N_CALLS (sizeof(calls) / sizeof(calls[0]))

static void expect_all(nnlite_model *m, const nnlite_tensor *x,
                       const nnlite_tensor *t, nnlite_status expect,
                       size_t first, const char *in_message)
{
    for (size_t i = first; i < N_CALLS; i++) {
        assert_int_equal(calls[i](m, x, t), expect);
        assert_non_null(strstr(nnlite_model_last_error(m), in_message));
    }
}

static void test_misuse_state_shape_and_nan_matrix(void **state)
{
    float xs[8] = {1, 2, 3, 4, 5, 6, 7, 8}, ts[4] = {1, 2, 3, 4};
    nnlite_tensor *x = NULL, *t = NULL, *x3 = NULL, *rank3 = NULL;
    nnlite_tensor *t_rows = NULL;
    const size_t cube[3] = {2, 2, 2};
    nnlite_model *m = NULL;
    (void)state;
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, 4, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, ts, 4, 1), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&x3, xs, 2, 3), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t_rows, ts, 3, 1), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap(&rank3, xs, 3, cube), NNLITE_OK);
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);

    /* Wrong state: no layers, then no loss (all but forward), then no
     * optimizer (train and fit). */
    expect_all(m, x, t, NNLITE_ESTATE, 0, "no layers");
    add_dense(m, 2, 1);
    expect_all(m, x, t, NNLITE_ESTATE, 1, "no loss");
    set_mse(m);
    assert_int_equal(call_train(m, x, t), NNLITE_ESTATE);
    assert_non_null(strstr(nnlite_model_last_error(m), "no optimizer"));
    assert_int_equal(call_fit(m, x, t), NNLITE_ESTATE);
    assert_int_equal(nnlite_model_apply_gradients(m), NNLITE_ESTATE);
    set_sgd(m, 0.01f, 0.0f);

    /* Shapes that do not fit. */
    expect_all(m, x3, t, NNLITE_ESHAPE, 0, "3 features");
    expect_all(m, rank3, t, NNLITE_ESHAPE, 0, "rank 2");
    expect_all(m, x, t_rows, NNLITE_ESHAPE, 1, "rows");
    expect_all(m, x, rank3, NNLITE_ESHAPE, 1, "rank 2");

    /* NaN and infinity in inputs and targets; the parameters never move. */
    float saved[3];
    memcpy(saved, nnlite_model_params(m), sizeof(saved));
    xs[5] = NAN;
    expect_all(m, x, t, NNLITE_ENUMERIC, 0, "x[2][1]");
    xs[5] = 6.0f;
    ts[3] = -INFINITY;
    expect_all(m, x, t, NNLITE_ENUMERIC, 1, "target[3][0]");
    assert_memory_equal(nnlite_model_params(m), saved, sizeof(saved));
    ts[3] = 4.0f;

    /* NULL data arguments. */
    for (size_t i = 0; i < N_CALLS; i++) {
        assert_int_equal(calls[i](m, NULL, t), NNLITE_EINVAL);
        assert_true(nnlite_model_last_error(m)[0] != '\0');
    }
    for (size_t i = 1; i < N_CALLS; i++) {
        assert_int_equal(calls[i](m, x, NULL), NNLITE_EINVAL);
    }
    /* And with everything right, every call succeeds. */
    for (size_t i = 0; i < N_CALLS; i++) {
        assert_int_equal(calls[i](m, x, t), NNLITE_OK);
        assert_string_equal(nnlite_model_last_error(m), "");
    }
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_tensor_destroy(x3);
    nnlite_tensor_destroy(t_rows);
    nnlite_tensor_destroy(rank3);
    nnlite_model_destroy(m);
}

static void test_misuse_overflowing_sizes(void **state)
{
    nnlite_layer *l = (nnlite_layer *)(uintptr_t)1;
    nnlite_tensor *t = (nnlite_tensor *)(uintptr_t)1;
    const size_t huge[4] = {1u << 16, 1u << 16, 1u << 16, 1u << 16};
    (void)state;
    assert_int_equal(nnlite_dense_create(&l, SIZE_MAX / 2, SIZE_MAX / 2),
                     NNLITE_ENOMEM);
    assert_null(l);
    assert_int_equal(nnlite_dense_create(&l, SIZE_MAX, 1), NNLITE_ENOMEM);
    assert_null(l);
    /* 2^64 elements: the product of the dimensions overflows. */
    assert_int_equal(nnlite_tensor_create(&t, 4, huge), NNLITE_ENOMEM);
    assert_null(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_misuse_null_handles),
        cmocka_unit_test(test_misuse_state_shape_and_nan_matrix),
        cmocka_unit_test(test_misuse_overflowing_sizes),
    };
    return cmocka_run_group_tests_name("misuse", tests, NULL, NULL);
}
