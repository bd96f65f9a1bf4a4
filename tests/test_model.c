/* The sequential model: building, parameter layout, initialisation,
 * forward/backward correctness, learning, numeric safety, memory. */
#include "model_util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- building ----------------------------------------------------------- */

static void test_model_create_errors(void **state)
{
    nnlite_model *m = (nnlite_model *)(uintptr_t)1;
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    (void)state;
    assert_int_equal(nnlite_model_create(NULL, 3, 1), NNLITE_EINVAL);
    assert_int_equal(nnlite_model_create(&m, 0, 1), NNLITE_EINVAL);
    assert_null(m);
    st.fail_at = 1;
    m = (nnlite_model *)(uintptr_t)1;
    assert_int_equal(nnlite_model_create_advanced(&m, 3, 1, &a),
                     NNLITE_ENOMEM);
    assert_null(m);
    a.alloc = NULL;
    assert_int_equal(nnlite_model_create_advanced(&m, 3, 1, &a),
                     NNLITE_EINVAL);
    nnlite_model_destroy(NULL);
}

static void test_model_queries(void **state)
{
    nnlite_model *m = NULL;
    (void)state;
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_input_features(m), 2);
    assert_int_equal(nnlite_model_output_features(m), 0);
    assert_int_equal(nnlite_model_param_count(m), 0);
    assert_null(nnlite_model_params(m));
    assert_null(nnlite_model_grads(m));
    add_dense(m, 2, 3);
    add_relu(m);
    add_dense(m, 3, 1);
    assert_int_equal(nnlite_model_layer_count(m), 3);
    assert_int_equal(nnlite_model_output_features(m), 1);
    /* 2*3 + 3, then 3*1 + 1 */
    assert_int_equal(nnlite_model_param_count(m), 13);
    assert_string_equal(nnlite_model_last_error(m), "");
    assert_null(nnlite_model_get_optimizer(m));
    nnlite_model_destroy(m);

    assert_int_equal(nnlite_model_input_features(NULL), 0);
    assert_int_equal(nnlite_model_output_features(NULL), 0);
    assert_int_equal(nnlite_model_layer_count(NULL), 0);
    assert_int_equal(nnlite_model_param_count(NULL), 0);
    assert_null(nnlite_model_params(NULL));
    assert_null(nnlite_model_grads(NULL));
    assert_null(nnlite_model_get_optimizer(NULL));
    assert_string_equal(nnlite_model_last_error(NULL), "");
}

static void test_model_add_shape_mismatch_names_widths(void **state)
{
    nnlite_model *m = NULL;
    nnlite_layer *l = NULL;
    (void)state;
    assert_int_equal(nnlite_model_create(&m, 4, 1), NNLITE_OK);
    assert_int_equal(nnlite_dense_create(&l, 5, 2), NNLITE_OK);
    assert_int_equal(nnlite_model_add(m, l), NNLITE_ESHAPE);
    assert_non_null(strstr(nnlite_model_last_error(m), "5"));
    assert_non_null(strstr(nnlite_model_last_error(m), "4"));
    add_dense(m, 4, 3);
    assert_int_equal(nnlite_dense_create(&l, 2, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_add(m, l), NNLITE_ESHAPE);
    assert_non_null(strstr(nnlite_model_last_error(m), "expects 2"));
    assert_non_null(strstr(nnlite_model_last_error(m), "gives 3"));
    /* The failed adds left the model as it was. */
    assert_int_equal(nnlite_model_layer_count(m), 1);
    assert_int_equal(nnlite_model_param_count(m), 15);
    nnlite_model_destroy(m);
}

static void test_model_add_takes_ownership_on_failure(void **state)
{
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    const nnlite_layer_spec dense = {NNLITE_LAYER_DENSE, 9, 2, 0.0f};
    nnlite_layer *l = NULL;
    nnlite_loss *loss = NULL;
    nnlite_optimizer *o = NULL;
    const nnlite_optimizer_options sgd = NNLITE_SGD_OPTIONS_INIT;
    nnlite_model *m = NULL;
    (void)state;
    /* NULL model: the layer, loss and optimizer are still released. */
    assert_int_equal(nnlite_layer_create_advanced(&l, &dense, &a), NNLITE_OK);
    assert_int_equal(nnlite_model_add(NULL, l), NNLITE_EINVAL);
    assert_int_equal(
        nnlite_loss_create_advanced(&loss, NNLITE_LOSS_MSE, &a), NNLITE_OK);
    assert_int_equal(nnlite_model_set_loss(NULL, loss), NNLITE_EINVAL);
    assert_int_equal(nnlite_optimizer_create_advanced(&o, &sgd, &a),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(NULL, o), NNLITE_EINVAL);
    assert_int_equal(st.live, 0);
    /* Shape mismatch: the layer is destroyed too. */
    assert_int_equal(nnlite_model_create(&m, 3, 1), NNLITE_OK);
    assert_int_equal(nnlite_layer_create_advanced(&l, &dense, &a), NNLITE_OK);
    assert_int_equal(nnlite_model_add(m, l), NNLITE_ESHAPE);
    assert_int_equal(st.live, 0);
    assert_int_equal(nnlite_model_add(m, NULL), NNLITE_EINVAL);
    assert_int_equal(nnlite_model_set_loss(m, NULL), NNLITE_EINVAL);
    assert_int_equal(nnlite_model_set_optimizer(m, NULL), NNLITE_EINVAL);
    nnlite_model_destroy(m);
}

static void test_model_add_after_init_is_estate(void **state)
{
    nnlite_model *m = NULL;
    nnlite_layer *l = NULL;
    (void)state;
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    add_dense(m, 2, 2);
    assert_non_null(nnlite_model_params(m)); /* draws the weights */
    assert_int_equal(nnlite_relu_create(&l), NNLITE_OK);
    assert_int_equal(nnlite_model_add(m, l), NNLITE_ESTATE);
    assert_non_null(strstr(nnlite_model_last_error(m), "initialised"));
    assert_int_equal(nnlite_model_layer_count(m), 1);
    nnlite_model_destroy(m);
}

/* ---- parameters and initialisation -------------------------------------- */

static void test_model_param_layout_and_forward(void **state)
{
    /* 2 -> dense(2) -> relu -> dense(1):
     * W1 = [[1, -1], [0.5, 2]], b1 = [0, -1], W2 = [[2, 3]], b2 = [0.5]
     * x = [3, 1]: h = relu([3-1+0, 1.5+2-1]) = [2, 2.5]
     *             y = 2*2 + 3*2.5 + 0.5 = 12
     * x = [-1, 0]: h = relu([-1, -1.5]) = [0, 0], y = 0.5 */
    const float p[9] = {1, -1, 0.5f, 2, 0, -1, 2, 3, 0.5f};
    float xs[4] = {3, 1, -1, 0}, ys[2];
    nnlite_tensor *x = NULL, *y = NULL;
    nnlite_model *m = NULL;
    (void)state;
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    add_dense(m, 2, 2);
    add_relu(m);
    add_dense(m, 2, 1);
    assert_int_equal(nnlite_model_param_count(m), 9);
    memcpy(nnlite_model_params(m), p, sizeof(p));
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, 2, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&y, ys, 2, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_forward(m, x, y), NNLITE_OK);
    assert_float_equal(ys[0], 12.0f, 1e-5f);
    assert_float_equal(ys[1], 0.5f, 1e-6f);
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(y);
    nnlite_model_destroy(m);
}

static nnlite_model *make_mlp(uint64_t seed, size_t in, size_t hidden,
                              int relu)
{
    nnlite_model *m = NULL;
    assert_int_equal(nnlite_model_create(&m, in, seed), NNLITE_OK);
    add_dense(m, in, hidden);
    if (relu) {
        add_relu(m);
    } else {
        add_sigmoid(m);
    }
    add_dense(m, hidden, 1);
    return m;
}

static void test_model_init_deterministic(void **state)
{
    nnlite_model *a = make_mlp(7, 5, 16, 1), *b = make_mlp(7, 5, 16, 1);
    nnlite_model *c = make_mlp(8, 5, 16, 1);
    const size_t n = nnlite_model_param_count(a);
    (void)state;
    assert_memory_equal(nnlite_model_params(a), nnlite_model_params(b),
                        n * sizeof(float));
    assert_memory_not_equal(nnlite_model_params(a), nnlite_model_params(c),
                            n * sizeof(float));
    nnlite_model_destroy(a);
    nnlite_model_destroy(b);
    nnlite_model_destroy(c);
}

static void test_model_init_he_and_glorot_ranges(void **state)
{
    /* 40 -> 60: He limit sqrt(6/40) = 0.387, Glorot sqrt(6/100) = 0.245.
     * Second layer 60 -> 1 is Glorot: sqrt(6/61) = 0.314. */
    nnlite_model *relu = make_mlp(3, 40, 60, 1);
    nnlite_model *sig = make_mlp(3, 40, 60, 0);
    const float *pr = nnlite_model_params(relu), *ps = nnlite_model_params(sig);
    float max_relu = 0.0f, max_sig = 0.0f;
    (void)state;
    for (size_t i = 0; i < 40 * 60; i++) {
        max_relu = fmaxf(max_relu, fabsf(pr[i]));
        max_sig = fmaxf(max_sig, fabsf(ps[i]));
    }
    assert_true(max_relu <= 0.3873f && max_relu > 0.35f);
    assert_true(max_sig <= 0.2450f && max_sig > 0.22f);
    for (size_t i = 0; i < 60; i++) { /* biases zero */
        assert_true(pr[40 * 60 + i] == 0.0f);
    }
    for (size_t i = 0; i < 60; i++) { /* output layer: Glorot */
        assert_true(fabsf(pr[40 * 60 + 60 + i]) <= 0.3137f);
    }
    assert_true(pr[40 * 60 + 60 + 60] == 0.0f);
    nnlite_model_destroy(relu);
    nnlite_model_destroy(sig);
}

/* ---- gradients through the whole model ---------------------------------- */

static double model_loss(nnlite_model *m, const nnlite_tensor *x,
                         const nnlite_tensor *t)
{
    float loss = 0.0f;
    assert_int_equal(nnlite_model_evaluate(m, x, t, &loss), NNLITE_OK);
    return (double)loss;
}

static void test_model_gradient_matches_finite_differences(void **state)
{
    /* 3 -> dense 4 -> tanh -> dense 2 -> sigmoid, MSE, batch 5. */
    float xs[15], ts[10];
    nnlite_tensor *x = NULL, *t = NULL;
    nnlite_model *m = NULL;
    double worst = 0.0;
    float loss;
    (void)state;
    for (size_t i = 0; i < 15; i++) {
        xs[i] = (float)((double)((i * 7) % 11) / 5.0 - 1.0);
    }
    for (size_t i = 0; i < 10; i++) {
        ts[i] = (float)((double)((i * 3) % 5) / 4.0);
    }
    assert_int_equal(nnlite_model_create(&m, 3, 11), NNLITE_OK);
    add_dense(m, 3, 4);
    add_tanh(m);
    add_dense(m, 4, 2);
    add_sigmoid(m);
    set_mse(m);
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, 5, 3), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, ts, 5, 2), NNLITE_OK);
    assert_int_equal(nnlite_model_compute_gradients(m, x, t, &loss),
                     NNLITE_OK);
    assert_float_equal(loss, (float)model_loss(m, x, t), 1e-6f);

    float *p = nnlite_model_params(m);
    const float *g = nnlite_model_grads(m);
    const float h = 1e-2f;
    for (size_t j = 0; j < nnlite_model_param_count(m); j++) {
        const float saved = p[j];
        p[j] = saved + h;
        const double up = model_loss(m, x, t);
        p[j] = saved - h;
        const double down = model_loss(m, x, t);
        p[j] = saved;
        const double numeric = (up - down) / (2.0 * (double)h);
        const double scale = fmax(fabs((double)g[j]) + fabs(numeric), 1e-2);
        worst = fmax(worst, fabs((double)g[j] - numeric) / scale);
    }
    printf("gradient check model (dense-tanh-dense-sigmoid, MSE): max "
           "relative error %.2e\n",
           worst);
    assert_true(worst < 5e-3);
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_model_destroy(m);
}

/* ---- learning ----------------------------------------------------------- */

static void test_model_learns_xor(void **state)
{
    float xs[8] = {0, 0, 0, 1, 1, 0, 1, 1}, ts[4] = {0, 1, 1, 0}, ys[4];
    nnlite_tensor *x = NULL, *t = NULL, *y = NULL;
    nnlite_model *m = NULL;
    nnlite_loss *ce = NULL;
    float loss = 1.0f;
    (void)state;
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    add_dense(m, 2, 8);
    add_sigmoid(m);
    add_dense(m, 8, 1); /* one logit: binary cross-entropy */
    assert_int_equal(nnlite_loss_cross_entropy_create(&ce), NNLITE_OK);
    assert_int_equal(nnlite_model_set_loss(m, ce), NNLITE_OK);
    set_sgd(m, 1.0f, 0.9f);
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, 4, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, ts, 4, 1), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&y, ys, 4, 1), NNLITE_OK);
    for (int step = 0; step < 2000 && loss > 0.02f; step++) {
        assert_int_equal(nnlite_model_train_batch(m, x, t, &loss), NNLITE_OK);
    }
    assert_true(loss <= 0.02f);
    assert_int_equal(nnlite_model_predict_probabilities(m, x, y), NNLITE_OK);
    for (size_t i = 0; i < 4; i++) {
        assert_true(ts[i] > 0.5f ? ys[i] > 0.9f : ys[i] < 0.1f);
    }
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_tensor_destroy(y);
    nnlite_model_destroy(m);
}

static void test_model_recovers_line_with_gradient_descent(void **state)
{
    /* y = 3x - 2 on x = -1, -0.5, ..., 1; plain full-batch gradient descent
     * on MSE is a convex problem and converges to w = 3, b = -2. */
    float xs[5] = {-1, -0.5f, 0, 0.5f, 1}, ts[5];
    nnlite_tensor *x = NULL, *t = NULL;
    nnlite_model *m = NULL;
    float loss;
    (void)state;
    for (size_t i = 0; i < 5; i++) {
        ts[i] = 3.0f * xs[i] - 2.0f;
    }
    assert_int_equal(nnlite_model_create(&m, 1, 5), NNLITE_OK);
    add_dense(m, 1, 1);
    set_mse(m);
    set_sgd(m, 0.1f, 0.0f);
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, 5, 1), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, ts, 5, 1), NNLITE_OK);
    for (int step = 0; step < 500; step++) {
        assert_int_equal(nnlite_model_train_batch(m, x, t, &loss), NNLITE_OK);
    }
    assert_float_equal(nnlite_model_params(m)[0], 3.0f, 1e-4f);
    assert_float_equal(nnlite_model_params(m)[1], -2.0f, 1e-4f);
    assert_true(loss < 1e-8f);
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_model_destroy(m);
}

/* ---- probabilities ------------------------------------------------------ */

static void test_model_predict_probabilities(void **state)
{
    /* Identity-ish dense 2 -> 3 with W = [[1,0],[0,1],[0,0]], b = 0:
     * logits of x = [ln 2, 0] are [ln 2, 0, 0]: softmax = [1/2, 1/4, 1/4]. */
    const float p[9] = {1, 0, 0, 1, 0, 0, 0, 0, 0};
    float xs[2] = {(float)log(2.0), 0}, ys[3];
    nnlite_tensor *x = NULL, *y = NULL;
    nnlite_model *m = NULL;
    (void)state;
    nnlite_loss *ce = NULL;
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    add_dense(m, 2, 3);
    memcpy(nnlite_model_params(m), p, sizeof(p));
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, 1, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&y, ys, 1, 3), NNLITE_OK);
    /* Outputs are logits only under cross-entropy. */
    assert_int_equal(nnlite_model_predict_probabilities(m, x, y),
                     NNLITE_ESTATE);
    assert_non_null(strstr(nnlite_model_last_error(m), "not set"));
    set_mse(m);
    assert_int_equal(nnlite_model_predict_probabilities(m, x, y),
                     NNLITE_ESTATE);
    assert_non_null(strstr(nnlite_model_last_error(m), "loss is MSE"));
    assert_int_equal(nnlite_loss_cross_entropy_create(&ce), NNLITE_OK);
    assert_int_equal(nnlite_model_set_loss(m, ce), NNLITE_OK);
    assert_int_equal(nnlite_model_predict_probabilities(m, x, y), NNLITE_OK);
    assert_float_equal(ys[0], 0.5f, 1e-6f);
    assert_float_equal(ys[1], 0.25f, 1e-6f);
    assert_float_equal(ys[2], 0.25f, 1e-6f);
    /* Wrong y shape: an error, not a write. */
    nnlite_tensor_destroy(y);
    assert_int_equal(nnlite_tensor_wrap2d(&y, ys, 1, 2), NNLITE_OK);
    assert_int_equal(nnlite_model_predict_probabilities(m, x, y),
                     NNLITE_ESHAPE);
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(y);
    nnlite_model_destroy(m);
}

/* ---- errors and numeric safety ------------------------------------------ */

static void test_model_state_errors(void **state)
{
    float xs[2] = {1, 2}, ts[1] = {1}, ys[1];
    nnlite_tensor *x = NULL, *t = NULL, *y = NULL;
    nnlite_model *m = NULL;
    float loss;
    (void)state;
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, 1, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, ts, 1, 1), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&y, ys, 1, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    /* No layers. */
    assert_int_equal(nnlite_model_forward(m, x, y), NNLITE_ESTATE);
    assert_non_null(strstr(nnlite_model_last_error(m), "no layers"));
    add_dense(m, 2, 1);
    /* No loss, no optimizer. */
    assert_int_equal(nnlite_model_compute_gradients(m, x, t, &loss),
                     NNLITE_ESTATE);
    assert_non_null(strstr(nnlite_model_last_error(m), "loss"));
    assert_int_equal(nnlite_model_evaluate(m, x, t, &loss), NNLITE_ESTATE);
    set_mse(m);
    assert_int_equal(nnlite_model_train_batch(m, x, t, &loss), NNLITE_ESTATE);
    assert_non_null(strstr(nnlite_model_last_error(m), "optimizer"));
    assert_int_equal(nnlite_model_apply_gradients(m), NNLITE_ESTATE);
    assert_int_equal(nnlite_model_fit(m, x, t, NULL, NULL, NULL),
                     NNLITE_ESTATE);
    /* The model still works, and success clears the message. */
    assert_int_equal(nnlite_model_forward(m, x, y), NNLITE_OK);
    assert_string_equal(nnlite_model_last_error(m), "");
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_tensor_destroy(y);
    nnlite_model_destroy(m);
}

static void test_model_argument_errors(void **state)
{
    float buf[12] = {0};
    nnlite_tensor *x = NULL, *x3 = NULL, *t = NULL, *t2 = NULL, *y = NULL;
    nnlite_tensor *rank1 = NULL, *yrows = NULL;
    const size_t one[1] = {2};
    nnlite_model *m = NULL;
    float loss;
    (void)state;
    assert_int_equal(nnlite_tensor_wrap2d(&x, buf, 2, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&x3, buf, 2, 3), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, buf, 2, 1), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t2, buf, 3, 1), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&y, buf + 8, 2, 1), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&yrows, buf + 8, 3, 1), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap(&rank1, buf, 1, one), NNLITE_OK);
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    add_dense(m, 2, 1);
    set_mse(m);
    set_sgd(m, 0.1f, 0.0f);

    assert_int_equal(nnlite_model_forward(NULL, x, y), NNLITE_EINVAL);
    assert_int_equal(nnlite_model_forward(m, NULL, y), NNLITE_EINVAL);
    assert_int_equal(nnlite_model_forward(m, x, NULL), NNLITE_EINVAL);
    assert_int_equal(nnlite_model_forward(m, x3, y), NNLITE_ESHAPE);
    assert_non_null(strstr(nnlite_model_last_error(m), "3 features"));
    assert_int_equal(nnlite_model_forward(m, rank1, y), NNLITE_ESHAPE);
    assert_int_equal(nnlite_model_forward(m, x, yrows), NNLITE_ESHAPE);
    assert_int_equal(nnlite_model_predict_probabilities(NULL, x, y),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_model_compute_gradients(NULL, x, t, &loss),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_model_compute_gradients(m, NULL, t, &loss),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_model_compute_gradients(m, x, NULL, &loss),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_model_compute_gradients(m, x, t2, &loss),
                     NNLITE_ESHAPE);
    assert_non_null(strstr(nnlite_model_last_error(m), "rows"));
    assert_int_equal(nnlite_model_compute_gradients(m, x, x, &loss),
                     NNLITE_ESHAPE); /* MSE target must be [2, 1] */
    assert_int_equal(nnlite_model_compute_gradients(m, x, rank1, &loss),
                     NNLITE_ESHAPE);
    assert_int_equal(nnlite_model_train_batch(NULL, x, t, &loss),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_model_train_batch(m, x3, t, &loss),
                     NNLITE_ESHAPE);
    assert_int_equal(nnlite_model_apply_gradients(NULL), NNLITE_EINVAL);
    assert_int_equal(nnlite_model_evaluate(NULL, x, t, &loss), NNLITE_EINVAL);
    assert_int_equal(nnlite_model_evaluate(m, x, t, NULL), NNLITE_EINVAL);
    assert_int_equal(nnlite_model_evaluate(m, x, t2, &loss), NNLITE_ESHAPE);
    /* compute_gradients' loss out-parameter is optional. */
    assert_int_equal(nnlite_model_compute_gradients(m, x, t, NULL),
                     NNLITE_OK);

    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(x3);
    nnlite_tensor_destroy(t);
    nnlite_tensor_destroy(t2);
    nnlite_tensor_destroy(y);
    nnlite_tensor_destroy(yrows);
    nnlite_tensor_destroy(rank1);
    nnlite_model_destroy(m);
}

static void test_model_class_index_out_of_range(void **state)
{
    float xs[4] = {1, 2, 3, 4}, ts[2] = {0, 3};
    nnlite_tensor *x = NULL, *t = NULL;
    nnlite_model *m = NULL;
    nnlite_loss *ce = NULL;
    float loss;
    (void)state;
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    add_dense(m, 2, 3);
    assert_int_equal(nnlite_loss_cross_entropy_create(&ce), NNLITE_OK);
    assert_int_equal(nnlite_model_set_loss(m, ce), NNLITE_OK);
    set_sgd(m, 0.1f, 0.0f);
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, 2, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, ts, 2, 1), NNLITE_OK);
    const float before = nnlite_model_params(m)[0];
    assert_int_equal(nnlite_model_train_batch(m, x, t, &loss), NNLITE_EINVAL);
    assert_non_null(strstr(nnlite_model_last_error(m), "class index 3"));
    assert_true(nnlite_model_params(m)[0] == before);
    ts[1] = 2; /* in range now */
    assert_int_equal(nnlite_model_train_batch(m, x, t, &loss), NNLITE_OK);
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_model_destroy(m);
}

static void test_model_nan_input_is_enumeric(void **state)
{
    float xs[4] = {1, 2, NAN, 4}, ts[2] = {0, 1}, ys[2] = {-7, -7};
    nnlite_tensor *x = NULL, *t = NULL, *y = NULL;
    nnlite_model *m = NULL;
    float loss = -7.0f;
    (void)state;
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    add_dense(m, 2, 1);
    set_mse(m);
    set_sgd(m, 0.1f, 0.0f);
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, 2, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, ts, 2, 1), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&y, ys, 2, 1), NNLITE_OK);
    float saved[3];
    memcpy(saved, nnlite_model_params(m), sizeof(saved));
    assert_int_equal(nnlite_model_forward(m, x, y), NNLITE_ENUMERIC);
    assert_non_null(strstr(nnlite_model_last_error(m), "x[1][0]"));
    assert_true(ys[0] == -7.0f && ys[1] == -7.0f); /* y untouched */
    assert_int_equal(nnlite_model_train_batch(m, x, t, &loss),
                     NNLITE_ENUMERIC);
    assert_true(loss == -7.0f);
    assert_memory_equal(nnlite_model_params(m), saved, sizeof(saved));
    xs[2] = 1.0f;
    ts[0] = INFINITY;
    assert_int_equal(nnlite_model_train_batch(m, x, t, &loss),
                     NNLITE_ENUMERIC);
    assert_non_null(strstr(nnlite_model_last_error(m), "target[0][0]"));
    assert_memory_equal(nnlite_model_params(m), saved, sizeof(saved));
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_tensor_destroy(y);
    nnlite_model_destroy(m);
}

static void test_model_nonfinite_update_leaves_params(void **state)
{
    float xs[2] = {1, 2}, ts[1] = {1};
    nnlite_tensor *x = NULL, *t = NULL;
    nnlite_model *m = NULL;
    float saved[3], loss;
    (void)state;
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    add_dense(m, 2, 1);
    set_mse(m);
    set_sgd(m, 0.1f, 0.0f);
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, 1, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, ts, 1, 1), NNLITE_OK);

    /* A NaN gradient handed to apply_gradients. */
    assert_int_equal(nnlite_model_compute_gradients(m, x, t, &loss),
                     NNLITE_OK);
    memcpy(saved, nnlite_model_params(m), sizeof(saved));
    nnlite_model_grads(m)[1] = NAN;
    assert_int_equal(nnlite_model_apply_gradients(m), NNLITE_ENUMERIC);
    assert_memory_equal(nnlite_model_params(m), saved, sizeof(saved));
    assert_int_equal(
        nnlite_optimizer_step_count(nnlite_model_get_optimizer(m)), 0);

    /* Weights so large that the loss overflows float. */
    float *p = nnlite_model_params(m);
    p[0] = p[1] = 1e30f;
    memcpy(saved, p, sizeof(saved));
    assert_int_equal(nnlite_model_train_batch(m, x, t, &loss),
                     NNLITE_ENUMERIC);
    assert_non_null(strstr(nnlite_model_last_error(m), "not finite"));
    assert_memory_equal(nnlite_model_params(m), saved, sizeof(saved));
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_model_destroy(m);
}

/* A finite loss with an infinite gradient: (y - t)^2 = 1e30 fits a float,
 * dL/dw0 = 2 (y - t) x0 = 2e45 does not. compute_gradients scans the
 * gradients; train_batch leaves that to the update, which must still
 * refuse, name the gradient and change nothing: in the first round with
 * the optimizer set before the layers (its state is sized by the first
 * update, after a scan), in the second once its state exists (no scan
 * runs before the update). */
static void test_model_infinite_gradient_finite_loss(void **state)
{
    float xs[2] = {1e30f, 0.0f}, ts[1] = {0.0f}, good[2] = {1, 2};
    nnlite_tensor *x = NULL, *t = NULL, *xg = NULL;
    nnlite_model *m = NULL;
    float saved[3], loss;
    (void)state;
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    set_mse(m);
    set_sgd(m, 0.1f, 0.9f);
    add_dense(m, 2, 1);
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, 1, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, ts, 1, 1), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&xg, good, 1, 2), NNLITE_OK);
    for (int sized = 0; sized < 2; sized++) {
        float *p = nnlite_model_params(m);
        p[0] = 1e-15f;
        p[1] = p[2] = 0.0f;
        memcpy(saved, p, sizeof(saved));
        const unsigned long long steps =
            nnlite_optimizer_step_count(nnlite_model_get_optimizer(m));
        assert_int_equal(nnlite_model_compute_gradients(m, x, t, &loss),
                         NNLITE_ENUMERIC);
        assert_non_null(strstr(nnlite_model_last_error(m),
                               "gradient of parameter 0 is not finite"));
        assert_int_equal(nnlite_model_train_batch(m, x, t, &loss),
                         NNLITE_ENUMERIC);
        assert_non_null(strstr(nnlite_model_last_error(m),
                               "gradient of parameter 0 is not finite"));
        assert_memory_equal(nnlite_model_params(m), saved, sizeof(saved));
        assert_int_equal(nnlite_optimizer_step_count(
                             nnlite_model_get_optimizer(m)),
                         steps);
        /* A good step (the first one sizes the optimizer's state). */
        assert_int_equal(nnlite_model_train_batch(m, xg, t, &loss),
                         NNLITE_OK);
    }
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_tensor_destroy(xg);
    nnlite_model_destroy(m);
}

/* A failed Adam step leaves everything a file records as it was: the
 * parameters, both moments, the step count and the bias corrections'
 * running powers. */
static void test_model_failed_adam_step_changes_nothing(void **state)
{
    float xs[4] = {1, 2, -1, 0.5f}, ts[2] = {1, -1};
    nnlite_tensor *x = NULL, *t = NULL;
    nnlite_model *m = NULL;
    nnlite_optimizer *o = NULL;
    static unsigned char before[4096], after[4096];
    size_t size_before = 0, size_after = 0;
    (void)state;
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    add_dense(m, 2, 3);
    add_relu(m);
    add_dense(m, 3, 1);
    set_mse(m);
    assert_int_equal(nnlite_adam_create(&o, 0.01f, 0.9f, 0.999f, 1e-8f),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(m, o), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, 2, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, ts, 2, 1), NNLITE_OK);
    for (int step = 0; step < 2; step++) {
        assert_int_equal(nnlite_model_train_batch(m, x, t, NULL), NNLITE_OK);
    }
    assert_int_equal(nnlite_model_compute_gradients(m, x, t, NULL),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_save_buffer(m, before, sizeof(before),
                                              &size_before),
                     NNLITE_OK);
    nnlite_model_grads(m)[nnlite_model_param_count(m) - 1] = NAN;
    assert_int_equal(nnlite_model_apply_gradients(m), NNLITE_ENUMERIC);
    assert_int_equal(nnlite_model_save_buffer(m, after, sizeof(after),
                                              &size_after),
                     NNLITE_OK);
    assert_int_equal(size_before, size_after);
    assert_memory_equal(before, after, size_before);
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_model_destroy(m);
}

/* ---- evaluate ------------------------------------------------------------ */

static void test_model_evaluate_in_chunks(void **state)
{
    /* y = 2x + 1 with w = 2, b = 1 set by hand; targets = 2x (so every
     * error is exactly 1): MSE = 1 and MAE = 1 over 3000 rows, which is
     * more than one chunk. */
    enum { N = 3000 };
    static float xs[N], ts[N];
    nnlite_tensor *x = NULL, *t = NULL;
    nnlite_model *m = NULL;
    float loss = 0.0f;
    (void)state;
    for (size_t i = 0; i < N; i++) {
        xs[i] = (float)i / 1000.0f;
        ts[i] = 2.0f * xs[i];
    }
    assert_int_equal(nnlite_model_create(&m, 1, 1), NNLITE_OK);
    add_dense(m, 1, 1);
    set_mse(m);
    nnlite_model_params(m)[0] = 2.0f;
    nnlite_model_params(m)[1] = 1.0f;
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, N, 1), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, ts, N, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_evaluate(m, x, t, &loss), NNLITE_OK);
    assert_float_equal(loss, 1.0f, 1e-5f);
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_model_destroy(m);
}

/* ---- memory ------------------------------------------------------------- */

static void test_model_steady_state_allocates_nothing(void **state)
{
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    float xs[8 * 4] = {0}, ts[8] = {0}, ys[8];
    nnlite_tensor *x = NULL, *t = NULL, *y = NULL;
    nnlite_model *m = NULL;
    float loss;
    (void)state;
    for (size_t i = 0; i < 32; i++) {
        xs[i] = (float)i / 32.0f;
    }
    assert_int_equal(nnlite_model_create_advanced(&m, 4, 1, &a), NNLITE_OK);
    add_dense(m, 4, 16);
    add_relu(m);
    add_dense(m, 16, 1);
    set_mse(m);
    set_sgd(m, 0.01f, 0.9f);
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, 8, 4), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, ts, 8, 1), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&y, ys, 8, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_train_batch(m, x, t, &loss), NNLITE_OK);
    const size_t after_first = st.calls;
    for (int i = 0; i < 10; i++) {
        assert_int_equal(nnlite_model_train_batch(m, x, t, &loss), NNLITE_OK);
        assert_int_equal(nnlite_model_forward(m, x, y), NNLITE_OK);
    }
    printf("allocations: %zu to build and take the first step, %zu per "
           "later step\n",
           after_first, (st.calls - after_first) / 10);
    assert_int_equal(st.calls, after_first);
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_tensor_destroy(y);
    nnlite_model_destroy(m);
    assert_int_equal(st.live, 0);
}

/* Build, train, evaluate; the allocator may fail at any point. */
static nnlite_status build_and_train(nnlite_model **out, nnlite_allocator *a)
{
    float xs[6] = {0, 1, 1, 0, 1, 1}, ts[3] = {1, 1, 0};
    nnlite_tensor *x = NULL, *t = NULL;
    nnlite_layer *l = NULL;
    nnlite_loss *loss = NULL;
    nnlite_optimizer *o = NULL;
    const nnlite_layer_spec dense1 = {NNLITE_LAYER_DENSE, 2, 4, 0.0f};
    const nnlite_layer_spec relu = {NNLITE_LAYER_RELU, 0, 0, 0.0f};
    const nnlite_layer_spec dense2 = {NNLITE_LAYER_DENSE, 4, 1, 0.0f};
    const nnlite_optimizer_options adam = NNLITE_ADAM_OPTIONS_INIT;
    nnlite_fit_options fit = NNLITE_FIT_OPTIONS_INIT;
    nnlite_status s;
    float value;

    fit.epochs = 2;
    fit.batch_size = 2;
    *out = NULL;
    if ((s = nnlite_model_create_advanced(out, 2, 3, a)) != NNLITE_OK ||
        (s = nnlite_layer_create_advanced(&l, &dense1, a)) != NNLITE_OK ||
        (s = nnlite_model_add(*out, l)) != NNLITE_OK ||
        (s = nnlite_layer_create_advanced(&l, &relu, a)) != NNLITE_OK ||
        (s = nnlite_model_add(*out, l)) != NNLITE_OK ||
        (s = nnlite_layer_create_advanced(&l, &dense2, a)) != NNLITE_OK ||
        (s = nnlite_model_add(*out, l)) != NNLITE_OK ||
        (s = nnlite_loss_create_advanced(&loss, NNLITE_LOSS_MSE, a)) !=
            NNLITE_OK ||
        (s = nnlite_model_set_loss(*out, loss)) != NNLITE_OK ||
        (s = nnlite_optimizer_create_advanced(&o, &adam, a)) != NNLITE_OK ||
        (s = nnlite_model_set_optimizer(*out, o)) != NNLITE_OK ||
        (s = nnlite_tensor_wrap_advanced(&x, xs, 2,
                                         (const size_t[]){3, 2}, a)) !=
            NNLITE_OK ||
        (s = nnlite_tensor_wrap_advanced(&t, ts, 2,
                                         (const size_t[]){3, 1}, a)) !=
            NNLITE_OK) {
        goto done;
    }
    if ((s = nnlite_model_train_batch(*out, x, t, &value)) != NNLITE_OK ||
        (s = nnlite_model_fit(*out, x, t, &fit, NULL, NULL)) != NNLITE_OK ||
        (s = nnlite_model_evaluate(*out, x, t, &value)) != NNLITE_OK) {
        goto done;
    }
done:
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    return s;
}

static void test_model_every_allocation_failure(void **state)
{
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    nnlite_model *m = NULL;
    (void)state;
    assert_int_equal(build_and_train(&m, &a), NNLITE_OK);
    const size_t total = st.calls;
    nnlite_model_destroy(m);
    assert_int_equal(st.live, 0);
    printf("build + train + fit + evaluate make %zu allocations\n", total);

    for (size_t n = 1; n <= total; n++) {
        st = (test_alloc_state){0};
        st.fail_at = n;
        nnlite_status s = build_and_train(&m, &a);
        assert_int_equal(s, NNLITE_ENOMEM);
        if (m != NULL) {
            /* The model is still usable: the same work now succeeds. */
            nnlite_model *again = NULL;
            nnlite_model_destroy(m);
            assert_int_equal(build_and_train(&again, &a), NNLITE_OK);
            nnlite_model_destroy(again);
        }
        assert_int_equal(st.live, 0);
    }
}

/* After an allocation failure mid-training, the same model trains on. */
static void test_model_usable_after_enomem(void **state)
{
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    float xs[64] = {0}, ts[32] = {0};
    nnlite_tensor *x = NULL, *t = NULL;
    nnlite_model *m = NULL;
    float loss;
    (void)state;
    assert_int_equal(nnlite_model_create_advanced(&m, 2, 1, &a), NNLITE_OK);
    add_dense(m, 2, 1);
    set_mse(m);
    set_sgd(m, 0.1f, 0.0f);
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, 32, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, ts, 32, 1), NNLITE_OK);
    st.fail_at = st.calls + 1; /* the workspace for 32 rows */
    assert_int_equal(nnlite_model_train_batch(m, x, t, &loss), NNLITE_ENOMEM);
    assert_non_null(strstr(nnlite_model_last_error(m), "32 rows"));
    assert_int_equal(nnlite_model_train_batch(m, x, t, &loss), NNLITE_OK);
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_model_destroy(m);
    assert_int_equal(st.live, 0);
}


/* An update that would overflow float (huge inputs, a legal learning rate)
 * is refused: parameters, optimizer state and step count stay as they were,
 * so the model can still be saved and loaded. */
static void check_overflowing_update(nnlite_optimizer *o)
{
    float xs[2] = {1e19f, 1e19f}, ts[1] = {0.0f};
    nnlite_tensor *x = NULL, *t = NULL;
    nnlite_model *m = NULL, *loaded = NULL;
    float saved[3], loss = -1.0f;
    unsigned char file[512];
    size_t size;
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    add_dense(m, 2, 1);
    set_mse(m);
    assert_int_equal(nnlite_model_set_optimizer(m, o), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, 1, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, ts, 1, 1), NNLITE_OK);
    memcpy(saved, nnlite_model_params(m), sizeof(saved));
    assert_int_equal(nnlite_model_train_batch(m, x, t, &loss),
                     NNLITE_ENUMERIC);
    assert_non_null(strstr(nnlite_model_last_error(m), "overflow"));
    assert_memory_equal(nnlite_model_params(m), saved, sizeof(saved));
    assert_int_equal(
        nnlite_optimizer_step_count(nnlite_model_get_optimizer(m)), 0);
    assert_int_equal(nnlite_model_save_buffer(m, file, sizeof(file), &size),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_load_buffer(&loaded, file, size),
                     NNLITE_OK);
    nnlite_model_destroy(loaded);
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_model_destroy(m);
}

static void test_model_overflowing_update_changes_nothing(void **state)
{
    nnlite_optimizer *o = NULL;
    (void)state;
    /* SGD: p - lr * g with g ~ 1e38 overflows. */
    assert_int_equal(nnlite_sgd_create(&o, 10.0f, 0.9f), NNLITE_OK);
    check_overflowing_update(o);
    /* Adam: the second moment g^2 overflows even when p stays finite. */
    assert_int_equal(nnlite_adam_create(&o, 1e-3f, 0.9f, 0.999f, 1e-8f),
                     NNLITE_OK);
    check_overflowing_update(o);
}

static void test_model_grads_freezes_layers(void **state)
{
    nnlite_model *m = NULL;
    nnlite_layer *l = NULL;
    (void)state;
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    add_dense(m, 2, 2);
    float *g = nnlite_model_grads(m);
    assert_non_null(g);
    /* The buffer must not move: adding a layer is refused. */
    assert_int_equal(nnlite_relu_create(&l), NNLITE_OK);
    assert_int_equal(nnlite_model_add(m, l), NNLITE_ESTATE);
    g[0] = 1.0f; /* still valid (ASan would report a freed buffer) */
    assert_ptr_equal(nnlite_model_grads(m), g);
    nnlite_model_destroy(m);
}

static void test_model_without_parameters_trains(void **state)
{
    /* Activations only: nothing to learn, but every call must work (and
     * stay clear of undefined behaviour on empty buffers). */
    float xs[4] = {-1, 2, 3, -4}, ts[4] = {0, 2, 3, 0}, ys[4];
    nnlite_tensor *x = NULL, *t = NULL, *y = NULL;
    nnlite_model *m = NULL;
    nnlite_optimizer *o = NULL;
    float loss = -1.0f;
    (void)state;
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    add_relu(m);
    set_mse(m);
    assert_int_equal(nnlite_adam_create(&o, 1e-3f, 0.9f, 0.999f, 1e-8f),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(m, o), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, 2, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, ts, 2, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&y, ys, 2, 2), NNLITE_OK);
    assert_int_equal(nnlite_model_param_count(m), 0);
    assert_int_equal(nnlite_model_train_batch(m, x, t, &loss), NNLITE_OK);
    assert_true(loss == 0.0f); /* relu(x) equals the targets exactly */
    assert_int_equal(nnlite_model_forward(m, x, y), NNLITE_OK);
    assert_true(ys[0] == 0.0f && ys[1] == 2.0f);
    assert_int_equal(nnlite_model_fit(m, x, t, NULL, NULL, NULL), NNLITE_OK);
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_tensor_destroy(y);
    nnlite_model_destroy(m);
}

static void test_model_same_handle_twice(void **state)
{
    nnlite_model *m = NULL;
    nnlite_layer *l = NULL;
    nnlite_loss *loss = NULL;
    (void)state;
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    assert_int_equal(nnlite_dense_create(&l, 2, 2), NNLITE_OK);
    assert_int_equal(nnlite_model_add(m, l), NNLITE_OK);
    /* The same layer again: refused, and not freed (the model uses it). */
    assert_int_equal(nnlite_model_add(m, l), NNLITE_EINVAL);
    assert_non_null(strstr(nnlite_model_last_error(m), "already added"));
    assert_int_equal(nnlite_model_layer_count(m), 1);
    /* The model's own loss and optimizer handed back: nothing changes. */
    assert_int_equal(nnlite_loss_mse_create(&loss), NNLITE_OK);
    assert_int_equal(nnlite_model_set_loss(m, loss), NNLITE_OK);
    assert_int_equal(nnlite_model_set_loss(m, loss), NNLITE_OK);
    set_sgd(m, 0.5f, 0.0f);
    assert_int_equal(
        nnlite_model_set_optimizer(m, nnlite_model_get_optimizer(m)),
        NNLITE_OK);
    assert_true(nnlite_optimizer_get_learning_rate(
                    nnlite_model_get_optimizer(m)) == 0.5f);
    nnlite_model_destroy(m); /* frees each exactly once */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model_create_errors),
        cmocka_unit_test(test_model_queries),
        cmocka_unit_test(test_model_add_shape_mismatch_names_widths),
        cmocka_unit_test(test_model_add_takes_ownership_on_failure),
        cmocka_unit_test(test_model_add_after_init_is_estate),
        cmocka_unit_test(test_model_param_layout_and_forward),
        cmocka_unit_test(test_model_init_deterministic),
        cmocka_unit_test(test_model_init_he_and_glorot_ranges),
        cmocka_unit_test(test_model_gradient_matches_finite_differences),
        cmocka_unit_test(test_model_learns_xor),
        cmocka_unit_test(test_model_recovers_line_with_gradient_descent),
        cmocka_unit_test(test_model_predict_probabilities),
        cmocka_unit_test(test_model_state_errors),
        cmocka_unit_test(test_model_argument_errors),
        cmocka_unit_test(test_model_class_index_out_of_range),
        cmocka_unit_test(test_model_nan_input_is_enumeric),
        cmocka_unit_test(test_model_nonfinite_update_leaves_params),
        cmocka_unit_test(test_model_infinite_gradient_finite_loss),
        cmocka_unit_test(test_model_failed_adam_step_changes_nothing),
        cmocka_unit_test(test_model_evaluate_in_chunks),
        cmocka_unit_test(test_model_steady_state_allocates_nothing),
        cmocka_unit_test(test_model_every_allocation_failure),
        cmocka_unit_test(test_model_usable_after_enomem),
        cmocka_unit_test(test_model_overflowing_update_changes_nothing),
        cmocka_unit_test(test_model_grads_freezes_layers),
        cmocka_unit_test(test_model_without_parameters_trains),
        cmocka_unit_test(test_model_same_handle_twice),
    };
    return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
