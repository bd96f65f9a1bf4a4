/* Separate models trained at the same time from several threads give the
 * same bits as training them one after another: nnlite has no global state
 * to share. Run under ThreadSanitizer by scripts/test.sh. */
#include "model_util.h"

#include <pthread.h>
#include <string.h>

#define MODELS 4
#define ROWS 64
#define FEATURES 5

typedef struct job {
    uint64_t seed;
    const float *xs;
    const float *ts;
    float params[FEATURES * 16 + 16 + 16 + 1];
    size_t param_count;
    nnlite_status status;
} job;

/* Build, train and copy out the parameters of one model. No CMocka
 * asserts here: they are not thread-safe; the main thread checks. */
static void *train_one(void *arg)
{
    job *j = arg;
    nnlite_model *m = NULL;
    nnlite_layer *l = NULL;
    nnlite_loss *loss = NULL;
    nnlite_optimizer *o = NULL;
    nnlite_tensor *x = NULL, *t = NULL;
    nnlite_fit_options fit = NNLITE_FIT_OPTIONS_INIT;
    nnlite_status s;

    fit.epochs = 20;
    fit.batch_size = 8;
    if ((s = nnlite_model_create(&m, FEATURES, j->seed)) != NNLITE_OK ||
        (s = nnlite_dense_create(&l, FEATURES, 16)) != NNLITE_OK ||
        (s = nnlite_model_add(m, l)) != NNLITE_OK ||
        (s = nnlite_relu_create(&l)) != NNLITE_OK ||
        (s = nnlite_model_add(m, l)) != NNLITE_OK ||
        (s = nnlite_dense_create(&l, 16, 1)) != NNLITE_OK ||
        (s = nnlite_model_add(m, l)) != NNLITE_OK ||
        (s = nnlite_loss_mse_create(&loss)) != NNLITE_OK ||
        (s = nnlite_model_set_loss(m, loss)) != NNLITE_OK ||
        (s = nnlite_adam_create(&o, 1e-2f, 0.9f, 0.999f, 1e-8f)) !=
            NNLITE_OK ||
        (s = nnlite_model_set_optimizer(m, o)) != NNLITE_OK ||
        (s = nnlite_tensor_wrap2d(&x, (float *)(uintptr_t)j->xs, ROWS,
                                  FEATURES)) != NNLITE_OK ||
        (s = nnlite_tensor_wrap2d(&t, (float *)(uintptr_t)j->ts, ROWS, 1)) !=
            NNLITE_OK ||
        (s = nnlite_model_fit(m, x, t, &fit, NULL, NULL)) != NNLITE_OK) {
        j->status = s;
    } else {
        j->status = NNLITE_OK;
        j->param_count = nnlite_model_param_count(m);
        memcpy(j->params, nnlite_model_params(m),
               j->param_count * sizeof(float));
    }
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_model_destroy(m);
    return NULL;
}

static void test_concurrent_models_match_sequential(void **state)
{
    static float xs[ROWS * FEATURES], ts[ROWS];
    job sequential[MODELS], parallel[MODELS];
    pthread_t threads[MODELS];
    (void)state;
    for (size_t i = 0; i < ROWS * FEATURES; i++) {
        xs[i] = (float)((i * 31) % 17) / 17.0f - 0.5f;
    }
    for (size_t i = 0; i < ROWS; i++) {
        ts[i] = xs[i * FEATURES] - 2.0f * xs[i * FEATURES + 3];
    }
    for (size_t k = 0; k < MODELS; k++) {
        sequential[k] = (job){.seed = 100 + k, .xs = xs, .ts = ts};
        parallel[k] = sequential[k];
        train_one(&sequential[k]);
        assert_int_equal(sequential[k].status, NNLITE_OK);
    }
    for (size_t k = 0; k < MODELS; k++) {
        assert_int_equal(
            pthread_create(&threads[k], NULL, train_one, &parallel[k]), 0);
    }
    for (size_t k = 0; k < MODELS; k++) {
        assert_int_equal(pthread_join(threads[k], NULL), 0);
    }
    for (size_t k = 0; k < MODELS; k++) {
        assert_int_equal(parallel[k].status, NNLITE_OK);
        assert_int_equal(parallel[k].param_count, sequential[k].param_count);
        assert_memory_equal(parallel[k].params, sequential[k].params,
                            sequential[k].param_count * sizeof(float));
    }
    /* Different seeds really gave different models (the check has teeth). */
    assert_memory_not_equal(sequential[0].params, sequential[1].params,
                            sequential[0].param_count * sizeof(float));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_concurrent_models_match_sequential),
    };
    return cmocka_run_group_tests_name("concurrency", tests, NULL, NULL);
}
