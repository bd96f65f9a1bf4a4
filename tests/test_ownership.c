/* Who owns what: a layer, loss or optimizer belongs to one model; the
 * destroy functions leave parts a model holds; and calls the model used
 * to accept silently (apply without gradients) now say no. */
#include "model_util.h"

#include <string.h>

static nnlite_layer *dense(const nnlite_allocator *a, size_t in, size_t out)
{
    const nnlite_layer_spec spec = {NNLITE_LAYER_DENSE, in, out, 0.0f};
    nnlite_layer *l = NULL;
    assert_int_equal(nnlite_layer_create_advanced(&l, &spec, a), NNLITE_OK);
    return l;
}

/* The double free of the issue: add(a, l); add(b, l); destroy both. The
 * tracking allocator fails the test on a second free or a leak. */
static void test_layer_belongs_to_one_model(void **state)
{
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    nnlite_model *m1 = NULL, *m2 = NULL;
    nnlite_layer *l = dense(&a, 2, 1);
    (void)state;
    assert_int_equal(nnlite_model_create(&m1, 2, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_create(&m2, 2, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_add(m1, l), NNLITE_OK);
    assert_int_equal(nnlite_model_add(m2, l), NNLITE_EINVAL);
    assert_string_equal(nnlite_model_last_error(m2),
                        "this layer belongs to another model; a layer "
                        "cannot be shared (create one per model)");
    assert_int_equal(nnlite_model_layer_count(m2), 0);
    assert_int_equal(nnlite_model_layer_count(m1), 1);
    /* Added twice to its own model: refused, still there. */
    assert_int_equal(nnlite_model_add(m1, l), NNLITE_EINVAL);
    assert_non_null(strstr(nnlite_model_last_error(m1), "already added"));
    assert_int_equal(nnlite_model_layer_count(m1), 1);
    nnlite_model_destroy(m1);
    assert_int_equal(st.live, 0); /* freed with its model, once */
    nnlite_model_destroy(m2);
    assert_int_equal(st.frees, 1);
}

static void test_loss_and_optimizer_belong_to_one_model(void **state)
{
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    const nnlite_optimizer_options sgd = NNLITE_SGD_OPTIONS_INIT;
    nnlite_model *m1 = NULL, *m2 = NULL;
    nnlite_loss *loss = NULL;
    nnlite_optimizer *opt = NULL;
    (void)state;
    assert_int_equal(nnlite_model_create(&m1, 2, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_create(&m2, 2, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_add(m1, dense(&a, 2, 1)), NNLITE_OK);
    assert_int_equal(nnlite_model_add(m2, dense(&a, 2, 1)), NNLITE_OK);
    assert_int_equal(
        nnlite_loss_create_advanced(&loss, NNLITE_LOSS_MSE, &a), NNLITE_OK);
    assert_int_equal(nnlite_optimizer_create_advanced(&opt, &sgd, &a),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_set_loss(m1, loss), NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(m1, opt), NNLITE_OK);
    assert_int_equal(nnlite_model_set_loss(m2, loss), NNLITE_EINVAL);
    assert_string_equal(nnlite_model_last_error(m2),
                        "this loss belongs to another model; it cannot be "
                        "shared (create one per model)");
    assert_int_equal(nnlite_model_set_optimizer(m2, opt), NNLITE_EINVAL);
    assert_non_null(
        strstr(nnlite_model_last_error(m2), "this optimizer belongs"));
    assert_null(nnlite_model_get_optimizer(m2));
    assert_ptr_equal(nnlite_model_get_optimizer(m1), opt);
    /* m1 still trains with them. */
    float xs[2] = {1, 2}, ts[1] = {3};
    nnlite_tensor *x = NULL, *t = NULL;
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, 1, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, ts, 1, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_train_batch(m1, x, t, NULL), NNLITE_OK);
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_model_destroy(m2);
    nnlite_model_destroy(m1);
    assert_int_equal(st.live, 0);
}

/* Destroying a part a model holds would leave the model with freed
 * memory: the destroy functions leave it alone, the model frees it. */
static void test_destroy_leaves_what_a_model_holds(void **state)
{
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    nnlite_model *m = NULL;
    nnlite_layer *l = dense(&a, 2, 1);
    nnlite_loss *loss = NULL;
    const float x[2] = {1, 2};
    float y[1];
    (void)state;
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_add(m, l), NNLITE_OK);
    assert_int_equal(
        nnlite_loss_create_advanced(&loss, NNLITE_LOSS_MAE, &a), NNLITE_OK);
    assert_int_equal(nnlite_model_set_loss(m, loss), NNLITE_OK);
    nnlite_layer_destroy(l);
    nnlite_loss_destroy(loss);
    assert_int_equal(st.frees, 0);
    assert_int_equal(nnlite_model_predict(m, x, 1, y), NNLITE_OK);
    nnlite_model_destroy(m);
    assert_int_equal(st.frees, 2);
    assert_int_equal(st.live, 0);
}

/* A replaced loss is freed by the model, not left owned. */
static void test_replaced_parts_are_freed(void **state)
{
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    nnlite_model *m = NULL;
    nnlite_loss *first = NULL, *second = NULL;
    (void)state;
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    assert_int_equal(
        nnlite_loss_create_advanced(&first, NNLITE_LOSS_MAE, &a), NNLITE_OK);
    assert_int_equal(
        nnlite_loss_create_advanced(&second, NNLITE_LOSS_MSE, &a),
        NNLITE_OK);
    assert_int_equal(nnlite_model_set_loss(m, first), NNLITE_OK);
    assert_int_equal(nnlite_model_set_loss(m, second), NNLITE_OK);
    assert_int_equal(st.live, 1);
    nnlite_model_destroy(m);
    assert_int_equal(st.live, 0);
}

/* apply_gradients with nothing computed used to succeed and count a
 * step; now it is a state error, also on a freshly loaded model. */
static void test_apply_needs_computed_gradients(void **state)
{
    float xs[2] = {1, 2}, ts[1] = {3}, loss;
    nnlite_tensor *x = NULL, *t = NULL;
    nnlite_model *m = NULL, *loaded = NULL;
    unsigned char file[4096];
    size_t size;
    (void)state;
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    add_dense(m, 2, 1);
    set_mse(m);
    set_sgd(m, 0.1f, 0.0f);
    assert_int_equal(nnlite_model_apply_gradients(m), NNLITE_ESTATE);
    assert_non_null(strstr(nnlite_model_last_error(m),
                           "no gradients to apply"));
    assert_int_equal(
        nnlite_optimizer_step_count(nnlite_model_get_optimizer(m)), 0);
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, 1, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, ts, 1, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_compute_gradients(m, x, t, &loss),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_apply_gradients(m), NNLITE_OK);
    assert_int_equal(
        nnlite_optimizer_step_count(nnlite_model_get_optimizer(m)), 1);
    assert_int_equal(
        nnlite_model_save_buffer(m, file, sizeof(file), &size), NNLITE_OK);
    assert_int_equal(nnlite_model_load_buffer(&loaded, file, size),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_apply_gradients(loaded), NNLITE_ESTATE);
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_model_destroy(m);
    nnlite_model_destroy(loaded);
}

/* Messages that used to mislead. */
static void test_messages_name_the_argument(void **state)
{
    float xs[2] = {1, 2}, ts[2] = {3, 4}, value;
    nnlite_tensor *x = NULL, *t = NULL, *t2 = NULL;
    nnlite_model *m = NULL;
    nnlite_loss *mse = NULL;
    (void)state;
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    add_dense(m, 2, 1);
    set_mse(m);
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, 1, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, ts, 1, 1), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t2, ts, 1, 2), NNLITE_OK);
    assert_int_equal(nnlite_model_evaluate(m, x, t, NULL), NNLITE_EINVAL);
    assert_string_equal(nnlite_model_last_error(m),
                        "loss is NULL (x, target and the float * that "
                        "receives the loss are all needed)");
    assert_int_equal(nnlite_model_evaluate(m, x, t2, &value), NNLITE_ESHAPE);
    assert_string_equal(nnlite_model_last_error(m),
                        "MSE target has 2 columns; the model's 1 output "
                        "needs 1");
    assert_int_equal(nnlite_loss_mse_create(&mse), NNLITE_OK);
    assert_int_equal(nnlite_loss_compute(mse, t, t2, &value, NULL),
                     NNLITE_ESHAPE);
    assert_string_equal(nnlite_loss_last_error(mse),
                        "MSE target has 2 columns; predictions of 1 column "
                        "need 1");
    nnlite_loss_destroy(mse);
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_tensor_destroy(t2);
    nnlite_model_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layer_belongs_to_one_model),
        cmocka_unit_test(test_loss_and_optimizer_belong_to_one_model),
        cmocka_unit_test(test_destroy_leaves_what_a_model_holds),
        cmocka_unit_test(test_replaced_parts_are_freed),
        cmocka_unit_test(test_apply_needs_computed_gradients),
        cmocka_unit_test(test_messages_name_the_argument),
    };
    return cmocka_run_group_tests_name("ownership", tests, NULL, NULL);
}
