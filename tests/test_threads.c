/* Worker threads: results bit-identical to one thread, argument errors,
 * and the pool's memory through the model's allocator (no leaks). */
#include <math.h>
#include <string.h>

#include "harness.h"

#include "model_impl.h"
#include "model_util.h"
#include "thread_pool_impl.h"

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
    assert_true(n >= NNLITE__THREAD_MIN_PARAMS); /* Adam's update is split */
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

/* A split update that fails in its last range (a NaN gradient there)
 * after the first ranges wrote their new parameters: all of them are put
 * back, the step is not counted, and the next good step matches one
 * thread's bit for bit. The model has more parameters than the split's
 * threshold (model_update.c). */
static float *rolled_back_then_stepped(size_t threads)
{
    enum { WIDE = 400 }; /* 80,801 parameters */
    nnlite_model *m = NULL;
    nnlite_tensor *x = NULL, *t = NULL;
    static float before[IN * WIDE + WIDE + WIDE + 1];
    const size_t n = sizeof(before) / sizeof(before[0]);
    assert_int_equal(nnlite_model_create(&m, IN, 2), NNLITE_OK);
    add_dense(m, IN, WIDE);
    add_relu(m);
    add_dense(m, WIDE, 1);
    set_mse(m);
    set_sgd(m, 0.01f, 0.9f);
    assert_int_equal(nnlite_model_set_threads(m, threads), NNLITE_OK);
    assert_int_equal(nnlite_model_param_count(m), n);
    assert_true(n >= NNLITE__THREAD_MIN_PARAMS); /* the update is split */
    assert_int_equal(nnlite_tensor_wrap2d(&x, x_data, ROWS, IN), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, t_data, ROWS, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_train_batch(m, x, t, NULL), NNLITE_OK);
    assert_int_equal(nnlite_model_compute_gradients(m, x, t, NULL),
                     NNLITE_OK);
    float *g = nnlite_model_grads(m);
    const float saved = g[n - 1];
    memcpy(before, nnlite_model_params(m), sizeof(before));
    g[n - 1] = NAN;
    assert_int_equal(nnlite_model_apply_gradients(m), NNLITE_ENUMERIC);
    assert_non_null(strstr(nnlite_model_last_error(m), "not finite"));
    assert_memory_equal(nnlite_model_params(m), before, sizeof(before));
    assert_int_equal(nnlite_optimizer_step_count(
                         nnlite_model_get_optimizer(m)),
                     1);
    g[n - 1] = saved;
    assert_int_equal(nnlite_model_apply_gradients(m), NNLITE_OK);
    float *p = test_malloc(sizeof(before));
    assert_non_null(p);
    memcpy(p, nnlite_model_params(m), sizeof(before));
    assert_memory_not_equal(p, before, sizeof(before));
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_model_destroy(m);
    return p;
}

static void test_threads_failed_update_rolls_back(void **state)
{
    (void)state;
    fill_data();
    float *one = rolled_back_then_stepped(1);
    float *two = rolled_back_then_stepped(2);
    assert_memory_equal(one, two, (IN * 400 + 400 + 400 + 1) * sizeof(float));
    test_free(one);
    test_free(two);
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

/* The pool alone: every part of every job runs exactly once, on a valid
 * slot, over many back-to-back jobs of every size (this also drives the
 * claim and wake-up protocol under ThreadSanitizer). */
typedef struct count_job {
    unsigned runs[NNLITE__POOL_MAX_PARTS];
    size_t threads;
    int bad_slot;
} count_job;

static void count_part(void *ctx, size_t part, size_t slot)
{
    count_job *job = ctx;
    job->runs[part]++; /* each part is claimed by one thread only */
    if (slot >= job->threads) {
        job->bad_slot = 1;
    }
}

static void test_threads_pool_runs_each_part_once(void **state)
{
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    static count_job job;
    nnlite__pool *p = NULL;
    (void)state;
    for (size_t threads = 1; threads <= 4; threads++) {
        assert_int_equal(nnlite__pool_create(&p, threads, &a), NNLITE_OK);
        assert_int_equal(nnlite__pool_size(p), threads);
        for (size_t round = 0; round < 300; round++) {
            const size_t parts = round % NNLITE__POOL_MAX_PARTS + 1;
            memset(&job, 0, sizeof(job));
            job.threads = threads;
            nnlite__pool_run(p, count_part, &job, parts);
            for (size_t i = 0; i < NNLITE__POOL_MAX_PARTS; i++) {
                assert_int_equal(job.runs[i], i < parts ? 1 : 0);
            }
            assert_int_equal(job.bad_slot, 0);
        }
        nnlite__pool_destroy(p);
    }
    assert_int_equal(st.live, 0);
}

static float lcg_value(uint64_t *s) /* [-1, 1) */
{
    *s = *s * 6364136223846793005u + 1442695040888963407u;
    return (float)(*s >> 40) / 8388608.0f - 1.0f;
}

/* The three products of a dense layer, split by rows (B read in place,
 * dW, dx) and by columns (B packed, forward), on every kernel path and
 * 1 to 4 threads: bit-identical to the unsplit product. Shapes are not
 * multiples of any tile, and m * n * k is above the split threshold. */
static void check_split(const nnlite__gemm_kernels *kern, size_t threads,
                        size_t m, size_t n, size_t k)
{
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    uint64_t seed = 11;
    const size_t pf = nnlite__gemm_pack_floats(n);
    float *A = test_malloc(m * k * sizeof(float));
    float *B = test_malloc(k * n * sizeof(float));
    float *bias = test_malloc(n * sizeof(float));
    float *one = test_malloc(m * n * sizeof(float));
    float *many = test_malloc(m * n * sizeof(float));
    float *pack = test_malloc(threads * pf * sizeof(float));
    nnlite__compute cx1 = {kern, pack, pf, NULL, false, NULL, NULL}, cxn = cx1;
    assert_non_null(pack);
    for (size_t i = 0; i < m * k; i++) {
        A[i] = lcg_value(&seed);
    }
    for (size_t i = 0; i < k * n; i++) {
        B[i] = lcg_value(&seed);
    }
    for (size_t i = 0; i < n; i++) {
        bias[i] = lcg_value(&seed);
    }
    assert_int_equal(nnlite__pool_create(&cxn.pool, threads, &a),
                     NNLITE_OK);
    const nnlite__gemm_args shapes[3] = {
        {m, n, k, A, k, 1, B, 1, k, NULL, n, bias, 0},   /* forward */
        {m, n, k, A, 1, m, B, n, 1, NULL, n, NULL, 1},   /* dW */
        {m, n, k, A, k, 1, B, n, 1, NULL, n, NULL, 0},   /* dx */
    };
    for (size_t s = 0; s < 3; s++) {
        nnlite__gemm_args g1 = shapes[s], gn = shapes[s];
        g1.c = one;
        gn.c = many;
        for (size_t i = 0; i < m * n; i++) {
            one[i] = many[i] = (float)(i % 13) * 0.25f; /* dW adds to C */
        }
        nnlite__compute_gemm(&cx1, &g1);
        nnlite__compute_gemm(&cxn, &gn);
        assert_memory_equal(one, many, m * n * sizeof(float));
    }
    nnlite__pool_destroy(cxn.pool);
    test_free(A);
    test_free(B);
    test_free(bias);
    test_free(one);
    test_free(many);
    test_free(pack);
    assert_int_equal(st.live, 0);
}

static void test_threads_gemm_splits_bit_identical(void **state)
{
    (void)state;
    for (int path = 0; path < NNLITE__PATH_COUNT; path++) {
        const nnlite__gemm_kernels *kern =
            nnlite__gemm_kernels_for((nnlite__kernel_path)path);
        if (kern == NULL) {
            continue;
        }
        for (size_t threads = 2; threads <= 4; threads++) {
            check_split(kern, threads, 67, 131, 300); /* rows, columns */
            check_split(kern, threads, 5, 263, 1000); /* few rows */
            check_split(kern, threads, 203, 33, 200); /* narrow */
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_bit_identical),
        cmocka_unit_test(test_threads_errors),
        cmocka_unit_test(test_threads_out_of_memory),
        cmocka_unit_test(test_threads_failed_update_rolls_back),
        cmocka_unit_test(test_threads_pool_runs_each_part_once),
        cmocka_unit_test(test_threads_gemm_splits_bit_identical),
    };
    return cmocka_run_group_tests_name("threads", tests, NULL, NULL);
}
