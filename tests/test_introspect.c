/* Inspecting a model: kind names, the per-layer queries and parameter
 * offsets and the model constructor's check twin. */
#include "model_util.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- kind names --------------------------------------------------------- */

static void test_layer_kind_names(void **state)
{
    (void)state;
    assert_string_equal(nnlite_layer_kind_name(NNLITE_LAYER_DENSE), "dense");
    assert_string_equal(nnlite_layer_kind_name(NNLITE_LAYER_SIGMOID),
                        "sigmoid");
    assert_string_equal(nnlite_layer_kind_name(NNLITE_LAYER_RELU), "relu");
    assert_string_equal(nnlite_layer_kind_name(NNLITE_LAYER_TANH), "tanh");
    assert_string_equal(nnlite_layer_kind_name(NNLITE_LAYER_HARD_SIGMOID),
                        "hard_sigmoid");
    assert_string_equal(nnlite_layer_kind_name(NNLITE_LAYER_LEAKY_RELU),
                        "leaky_relu");
    assert_string_equal(nnlite_layer_kind_name((nnlite_layer_kind)0),
                        "unknown");
    assert_string_equal(nnlite_layer_kind_name((nnlite_layer_kind)999),
                        "unknown");
}

static void test_loss_and_optimizer_kind_names(void **state)
{
    (void)state;
    assert_string_equal(nnlite_loss_kind_name(NNLITE_LOSS_MAE), "MAE");
    assert_string_equal(nnlite_loss_kind_name(NNLITE_LOSS_MSE), "MSE");
    assert_string_equal(nnlite_loss_kind_name(NNLITE_LOSS_CROSS_ENTROPY),
                        "cross-entropy");
    assert_string_equal(nnlite_loss_kind_name((nnlite_loss_kind)0),
                        "unknown");
    assert_string_equal(nnlite_loss_kind_name((nnlite_loss_kind)-3),
                        "unknown");
    assert_string_equal(nnlite_optimizer_kind_name(NNLITE_OPTIMIZER_SGD),
                        "SGD");
    assert_string_equal(nnlite_optimizer_kind_name(NNLITE_OPTIMIZER_ADAM),
                        "Adam");
    assert_string_equal(nnlite_optimizer_kind_name((nnlite_optimizer_kind)0),
                        "unknown");
    assert_string_equal(
        nnlite_optimizer_kind_name((nnlite_optimizer_kind)77), "unknown");
}

/* ---- per-layer queries -------------------------------------------------- */

static void test_layer_widths_and_counts(void **state)
{
    nnlite_layer *relu = NULL, *dense = NULL;
    nnlite_model *m = NULL;
    (void)state;
    assert_int_equal(nnlite_dense_create(&dense, 3, 4), NNLITE_OK);
    assert_int_equal(nnlite_layer_input_features(dense), 3);
    assert_int_equal(nnlite_layer_output_features(dense), 4);
    assert_int_equal(nnlite_layer_param_count(dense), 4 * 3 + 4);
    /* An activation has no width until it is stacked. */
    assert_int_equal(nnlite_relu_create(&relu), NNLITE_OK);
    assert_int_equal(nnlite_layer_input_features(relu), 0);
    assert_int_equal(nnlite_layer_output_features(relu), 0);
    assert_int_equal(nnlite_layer_param_count(relu), 0);

    assert_int_equal(nnlite_model_create(&m, 3, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_add(m, dense), NNLITE_OK);
    assert_int_equal(nnlite_model_add(m, relu), NNLITE_OK);
    add_dense(m, 4, 2);
    assert_ptr_equal(nnlite_model_layer(m, 0), dense);
    assert_ptr_equal(nnlite_model_layer(m, 1), relu);
    assert_int_equal(nnlite_layer_input_features(relu), 4);
    assert_int_equal(nnlite_layer_output_features(relu), 4);
    const nnlite_layer *last = nnlite_model_layer(m, 2);
    assert_non_null(last);
    assert_int_equal(nnlite_layer_kind_of(last), NNLITE_LAYER_DENSE);
    assert_int_equal(nnlite_layer_input_features(last), 4);
    assert_int_equal(nnlite_layer_output_features(last), 2);
    assert_int_equal(nnlite_layer_param_count(last), 10);
    /* The counts add up to the model's. */
    assert_int_equal(nnlite_layer_param_count(nnlite_model_layer(m, 0)) +
                         nnlite_layer_param_count(nnlite_model_layer(m, 1)) +
                         nnlite_layer_param_count(last),
                     nnlite_model_param_count(m));
    assert_null(nnlite_model_layer(m, 3));
    assert_null(nnlite_model_layer(m, SIZE_MAX));
    assert_null(nnlite_model_layer(NULL, 0));
    assert_int_equal(nnlite_layer_input_features(NULL), 0);
    assert_int_equal(nnlite_layer_output_features(NULL), 0);
    assert_int_equal(nnlite_layer_param_count(NULL), 0);
    nnlite_model_destroy(m);
}

/* Offsets address each layer's slice of the flat buffer: parameters set
 * through them give the forward pass worked out by hand. */
static void test_layer_param_offsets(void **state)
{
    float xs[1] = {1.0f}, ys[1] = {0.0f};
    nnlite_tensor *x = NULL, *y = NULL;
    nnlite_model *m = NULL;
    (void)state;
    assert_int_equal(nnlite_model_create(&m, 1, 1), NNLITE_OK);
    add_dense(m, 1, 2); /* W [2, 1], b [2]: 4 */
    add_relu(m);
    add_dense(m, 2, 1); /* W [1, 2], b [1]: 3 */
    assert_int_equal(nnlite_model_layer_param_offset(m, 0), 0);
    /* No parameters: where the next layer's start. */
    assert_int_equal(nnlite_model_layer_param_offset(m, 1), 4);
    assert_int_equal(nnlite_model_layer_param_offset(m, 2), 4);
    assert_int_equal(nnlite_model_layer_param_offset(m, 3), SIZE_MAX);
    assert_int_equal(nnlite_model_layer_param_offset(NULL, 0), SIZE_MAX);

    float *p = nnlite_model_params(m);
    const size_t first = nnlite_model_layer_param_offset(m, 0);
    const size_t second = nnlite_model_layer_param_offset(m, 2);
    p[first + 0] = 1.0f;  /* W0 */
    p[first + 1] = -2.0f;
    p[first + 2] = 0.5f;  /* b0 */
    p[first + 3] = 4.0f;
    p[second + 0] = 3.0f; /* W2 */
    p[second + 1] = 5.0f;
    p[second + 2] = 7.0f; /* b2 */
    /* h = relu((1 + 0.5, -2 + 4)) = (1.5, 2); y = 3 * 1.5 + 5 * 2 + 7. */
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, 1, 1), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&y, ys, 1, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_forward(m, x, y), NNLITE_OK);
    assert_float_equal(ys[0], 21.5f, 1e-6f);
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(y);
    nnlite_model_destroy(m);
}

/* ---- the model constructor's check twin --------------------------------- */

static void test_model_create_check(void **state)
{
    nnlite_model *m = (nnlite_model *)(uintptr_t)0x1;
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    char msg[128];
    (void)state;
    memset(msg, 'x', sizeof(msg));
    assert_int_equal(nnlite_model_create_check(0, msg, sizeof(msg)),
                     NNLITE_EINVAL);
    assert_string_equal(msg, "input_features 0 is not at least 1 (the width "
                             "of each input sample)");
    assert_int_equal(nnlite_model_create(&m, 0, 1), NNLITE_EINVAL);
    assert_null(m);
    m = (nnlite_model *)(uintptr_t)0x1;
    assert_int_equal(nnlite_model_create_advanced(&m, 0, 1, &a),
                     NNLITE_EINVAL);
    assert_null(m);
    assert_int_equal(st.calls, 0);

    assert_int_equal(nnlite_model_create_check(0, NULL, 0), NNLITE_EINVAL);
    assert_int_equal(nnlite_model_create_check(0, msg, 6), NNLITE_EINVAL);
    assert_string_equal(msg, "input");

    assert_int_equal(nnlite_model_create_check(5, msg, sizeof(msg)),
                     NNLITE_OK);
    assert_string_equal(msg, "");
    assert_int_equal(nnlite_model_create_check(SIZE_MAX, NULL, 0), NNLITE_OK);
    assert_int_equal(nnlite_model_create(&m, 5, 1), NNLITE_OK);
    nnlite_model_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layer_kind_names),
        cmocka_unit_test(test_loss_and_optimizer_kind_names),
        cmocka_unit_test(test_layer_widths_and_counts),
        cmocka_unit_test(test_layer_param_offsets),
        cmocka_unit_test(test_model_create_check),
    };
    return cmocka_run_group_tests_name("introspect", tests, NULL, NULL);
}
