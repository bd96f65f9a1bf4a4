/* Inspecting a model: kind names, the per-layer queries and parameter
 * offsets, nnlite_model_summary() (exact text, the snprintf contract)
 * and the model constructor's check twin. */
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
    assert_string_equal(nnlite_layer_kind_name(NNLITE_LAYER_DROPOUT),
                        "dropout");
    assert_string_equal(nnlite_layer_kind_name(NNLITE_LAYER_STANDARDIZE),
                        "standardize");
    assert_string_equal(nnlite_layer_kind_name(NNLITE_LAYER_DESTANDARDIZE),
                        "destandardize");
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
    assert_string_equal(nnlite_loss_kind_name(NNLITE_LOSS_HUBER), "Huber");
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

/* ---- summary ------------------------------------------------------------ */

static const char summary_sgd[] =
    "Model: input=4, layers=3\n"
    "  (0) dense: 4 -> 8, params=40\n"
    "  (1) leaky_relu: 8 -> 8, params=0, slope=0.01\n"
    "  (2) dense: 8 -> 1, params=9\n"
    "Total params: 49\n"
    "Loss: MSE\n"
    "Optimizer: SGD (lr=0.1, weight_decay=0, momentum=0.9, dampening=0, "
    "nesterov=0), "
    "steps=3\n";

/* The model of model.h's example, after three updates. */
static nnlite_model *make_sgd_model(void)
{
    float xs[2 * 4] = {0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 0.6f, 0.7f, -0.8f};
    float ts[2] = {0.5f, -0.5f};
    nnlite_tensor *x = NULL, *t = NULL;
    nnlite_layer *l = NULL;
    nnlite_model *m = NULL;
    float loss;
    assert_int_equal(nnlite_model_create(&m, 4, 7), NNLITE_OK);
    add_dense(m, 4, 8);
    add_created(m, nnlite_leaky_relu_create(&l, 0.01f), &l);
    add_dense(m, 8, 1);
    set_mse(m);
    set_sgd(m, 0.1f, 0.9f);
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, 2, 4), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, ts, 2, 1), NNLITE_OK);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(nnlite_model_train_batch(m, x, t, &loss), NNLITE_OK);
    }
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    return m;
}

static void expect_summary(const nnlite_model *m, const char *expect)
{
    char buf[1024];
    const size_t n = nnlite_model_summary(m, buf, sizeof(buf));
    assert_string_equal(buf, expect);
    assert_int_equal(n, strlen(expect));
}

static void test_summary_sgd_model(void **state)
{
    nnlite_model *m = make_sgd_model();
    (void)state;
    expect_summary(m, summary_sgd);
    nnlite_model_destroy(m);
}

static void test_summary_adam_model(void **state)
{
    nnlite_optimizer_options o = NNLITE_ADAM_OPTIONS_INIT;
    nnlite_optimizer *opt = NULL;
    nnlite_loss *loss = NULL;
    nnlite_model *m = NULL;
    nnlite_layer *l = NULL;
    (void)state;
    o.learning_rate = 0.002f;
    o.weight_decay = 0.01f;
    o.beta1 = 0.8f;
    o.beta2 = 0.99f;
    o.epsilon = 1e-7f;
    o.decoupled_weight_decay = 5; /* any non-zero is on: printed as 1 */
    assert_int_equal(nnlite_model_create(&m, 3, 1), NNLITE_OK);
    add_dense(m, 3, 5);
    add_tanh(m);
    add_created(m, nnlite_hard_sigmoid_create(&l), &l);
    add_dense(m, 5, 2);
    add_sigmoid(m);
    add_relu(m);
    assert_int_equal(nnlite_loss_cross_entropy_create(&loss), NNLITE_OK);
    assert_int_equal(nnlite_model_set_loss(m, loss), NNLITE_OK);
    assert_int_equal(nnlite_optimizer_create(&opt, &o), NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(m, opt), NNLITE_OK);
    assert_int_equal(nnlite_optimizer_set_learning_rate(opt, 0.25f),
                     NNLITE_OK);
    expect_summary(m,
                   "Model: input=3, layers=6\n"
                   "  (0) dense: 3 -> 5, params=20\n"
                   "  (1) tanh: 5 -> 5, params=0\n"
                   "  (2) hard_sigmoid: 5 -> 5, params=0\n"
                   "  (3) dense: 5 -> 2, params=12\n"
                   "  (4) sigmoid: 2 -> 2, params=0\n"
                   "  (5) relu: 2 -> 2, params=0\n"
                   "Total params: 32\n"
                   "Loss: cross-entropy\n"
                   "Optimizer: Adam (lr=0.25, weight_decay=0.01, "
                   "beta1=0.8, beta2=0.99, epsilon=1e-07, decoupled=1, "
                   "amsgrad=0), "
                   "steps=0\n");
    nnlite_model_destroy(m);
}

/* The layers of 0.3 print their settings too. */
static void test_summary_dropout_and_scaling(void **state)
{
    const float mean[2] = {1, 2}, std[2] = {3, 4};
    nnlite_model *m = NULL;
    nnlite_layer *l = NULL;
    (void)state;
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    add_created(m, nnlite_standardize_create(&l, 2, mean, std), &l);
    add_dense(m, 2, 3);
    add_created(m, nnlite_dropout_create(&l, 0.25f), &l);
    add_dense(m, 3, 1);
    add_created(m, nnlite_destandardize_create(&l, 1, mean, std), &l);
    expect_summary(m,
                   "Model: input=2, layers=5\n"
                   "  (0) standardize: 2 -> 2, params=0, fixed mean and "
                   "std, not trained\n"
                   "  (1) dense: 2 -> 3, params=9\n"
                   "  (2) dropout: 3 -> 3, params=0, p=0.25\n"
                   "  (3) dense: 3 -> 1, params=4\n"
                   "  (4) destandardize: 1 -> 1, params=0, fixed mean and "
                   "std, not trained\n"
                   "Total params: 13\n"
                   "Loss: none\n"
                   "Optimizer: none\n");
    /* Huber's delta and AMSGrad, the settings of 0.3. */
    nnlite_loss *huber = NULL;
    nnlite_optimizer *adam = NULL;
    nnlite_optimizer_options o = NNLITE_ADAM_OPTIONS_INIT;
    char buf[1024];
    o.amsgrad = 1;
    assert_int_equal(nnlite_loss_huber_create(&huber, 0.5f), NNLITE_OK);
    assert_int_equal(nnlite_model_set_loss(m, huber), NNLITE_OK);
    assert_int_equal(nnlite_optimizer_create(&adam, &o), NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(m, adam), NNLITE_OK);
    nnlite_model_summary(m, buf, sizeof(buf));
    assert_non_null(strstr(buf, "Loss: Huber (delta=0.5)\n"));
    assert_non_null(strstr(buf, "decoupled=0, amsgrad=1), steps=0\n"));
    nnlite_model_destroy(m);
}

static void test_summary_sgd_nesterov_and_mae(void **state)
{
    nnlite_optimizer_options o = NNLITE_SGD_OPTIONS_INIT;
    nnlite_optimizer *opt = NULL;
    nnlite_loss *loss = NULL;
    nnlite_model *m = NULL;
    nnlite_layer *l = NULL;
    (void)state;
    o.learning_rate = 0.05f;
    o.momentum = 0.5f;
    o.nesterov = 1;
    o.weight_decay = 0.001f;
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    add_created(m, nnlite_leaky_relu_create(&l, -1.5e-5f), &l);
    assert_int_equal(nnlite_loss_mae_create(&loss), NNLITE_OK);
    assert_int_equal(nnlite_model_set_loss(m, loss), NNLITE_OK);
    assert_int_equal(nnlite_optimizer_create(&opt, &o), NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(m, opt), NNLITE_OK);
    expect_summary(m,
                   "Model: input=2, layers=1\n"
                   "  (0) leaky_relu: 2 -> 2, params=0, slope=-1.5e-05\n"
                   "Total params: 0\n"
                   "Loss: MAE\n"
                   "Optimizer: SGD (lr=0.05, weight_decay=0.001, "
                   "momentum=0.5, dampening=0, nesterov=1), steps=0\n");
    nnlite_model_destroy(m);
}

static void test_summary_empty_model(void **state)
{
    nnlite_model *m = NULL;
    (void)state;
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    expect_summary(m, "Model: input=2, layers=0\n"
                      "Total params: 0\n"
                      "Loss: none\n"
                      "Optimizer: none\n");
    nnlite_model_destroy(m);
}

/* As snprintf: every size gives the prefix that fits, NUL-terminated,
 * writes nothing past `size`, and returns the full length. */
static void test_summary_snprintf_contract(void **state)
{
    nnlite_model *m = make_sgd_model();
    const size_t len = strlen(summary_sgd);
    char buf[sizeof(summary_sgd) + 8];
    (void)state;
    assert_int_equal(nnlite_model_summary(m, NULL, 0), len);
    for (size_t size = 0; size <= len + 2; size++) {
        memset(buf, '#', sizeof(buf));
        assert_int_equal(nnlite_model_summary(m, buf, size), len);
        if (size > 0) {
            const size_t kept = size - 1 < len ? size - 1 : len;
            assert_memory_equal(buf, summary_sgd, kept);
            assert_int_equal(buf[kept], '\0');
        }
        for (size_t i = size; i < sizeof(buf); i++) {
            assert_int_equal(buf[i], '#');
        }
    }
    /* The named cases: 1 byte, the exact size, one byte short. */
    assert_int_equal(nnlite_model_summary(m, buf, 1), len);
    assert_string_equal(buf, "");
    assert_int_equal(nnlite_model_summary(m, buf, len + 1), len);
    assert_string_equal(buf, summary_sgd);
    assert_int_equal(nnlite_model_summary(m, buf, len), len);
    assert_int_equal(strlen(buf), len - 1);
    assert_memory_equal(buf, summary_sgd, len - 1);
    nnlite_model_destroy(m);
}

static void test_summary_null_model(void **state)
{
    char buf[4] = "abc";
    (void)state;
    assert_int_equal(nnlite_model_summary(NULL, NULL, 0), 0);
    assert_int_equal(nnlite_model_summary(NULL, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "");
}

/* The summary reads only: it allocates nothing and does not draw the
 * weights, so layers can still be added after it. */
static void test_summary_allocates_and_freezes_nothing(void **state)
{
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    nnlite_model *m = NULL;
    char buf[256];
    (void)state;
    assert_int_equal(nnlite_model_create_advanced(&m, 3, 1, &a), NNLITE_OK);
    add_dense(m, 3, 2);
    const size_t calls = st.calls;
    assert_true(nnlite_model_summary(m, buf, sizeof(buf)) > 0);
    assert_int_equal(st.calls, calls);
    add_relu(m); /* would be NNLITE_ESTATE after initialisation */
    assert_int_equal(nnlite_model_layer_count(m), 2);
    nnlite_model_destroy(m);
    assert_int_equal(st.live, 0);
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
        cmocka_unit_test(test_summary_sgd_model),
        cmocka_unit_test(test_summary_adam_model),
        cmocka_unit_test(test_summary_sgd_nesterov_and_mae),
        cmocka_unit_test(test_summary_dropout_and_scaling),
        cmocka_unit_test(test_summary_empty_model),
        cmocka_unit_test(test_summary_snprintf_contract),
        cmocka_unit_test(test_summary_null_model),
        cmocka_unit_test(test_summary_allocates_and_freezes_nothing),
        cmocka_unit_test(test_model_create_check),
    };
    return cmocka_run_group_tests_name("introspect", tests, NULL, NULL);
}
