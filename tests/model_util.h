/* Helpers shared by the model tests: build small models in one call. */
#ifndef NNLITE_TEST_MODEL_UTIL_H
#define NNLITE_TEST_MODEL_UTIL_H

#include "harness.h"

/* Take a freshly created layer and add it, asserting both steps. */
static inline void add_created(nnlite_model *m, nnlite_status created,
                               nnlite_layer **l)
{
    assert_int_equal(created, NNLITE_OK);
    assert_int_equal(nnlite_model_add(m, *l), NNLITE_OK);
}

static inline void add_dense(nnlite_model *m, size_t in, size_t out)
{
    nnlite_layer *l = NULL;
    add_created(m, nnlite_dense_create(&l, in, out), &l);
}

static inline void add_relu(nnlite_model *m)
{
    nnlite_layer *l = NULL;
    add_created(m, nnlite_relu_create(&l), &l);
}

static inline void add_sigmoid(nnlite_model *m)
{
    nnlite_layer *l = NULL;
    add_created(m, nnlite_sigmoid_create(&l), &l);
}

static inline void add_tanh(nnlite_model *m)
{
    nnlite_layer *l = NULL;
    add_created(m, nnlite_tanh_create(&l), &l);
}

static inline void set_mse(nnlite_model *m)
{
    nnlite_loss *loss = NULL;
    assert_int_equal(nnlite_loss_mse_create(&loss), NNLITE_OK);
    assert_int_equal(nnlite_model_set_loss(m, loss), NNLITE_OK);
}

static inline void set_sgd(nnlite_model *m, float lr, float momentum)
{
    nnlite_optimizer *o = NULL;
    assert_int_equal(nnlite_sgd_create(&o, lr, momentum), NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(m, o), NNLITE_OK);
}

#endif /* NNLITE_TEST_MODEL_UTIL_H */
