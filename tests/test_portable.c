/* nnlite_model_set_kernels(): the portable kernels give the same bits on
 * every machine. The fingerprint below was computed on x86-64; CI's
 * aarch64, armhf and s390x passes run this suite under emulation and must
 * reproduce it, and scripts/check-mcu.sh compares a Cortex-M4's run with
 * the host's. */
#include "harness.h"

#include <stdint.h>
#include <string.h>

#include "model_util.h"

#define INPUTS 56
#define HIDDEN 16
#define ROWS 64
#define BATCH 8
#define EPOCHS 20
/* Computed on x86-64 (see above). */
#define PORTABLE_FINGERPRINT 0x10093923u

/* FNV-1a over the parameters' bit patterns, taken as numbers so the
 * machine's byte order does not matter. */
static uint32_t fingerprint(const float *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        uint32_t bits;
        memcpy(&bits, &p[i], sizeof(bits));
        for (int b = 0; b < 4; b++) {
            h = (h ^ ((bits >> (8 * b)) & 0xffu)) * 16777619u;
        }
    }
    return h;
}

static nnlite_model *network(void)
{
    nnlite_model *m = NULL;
    nnlite_loss *loss = NULL;
    nnlite_optimizer *adam = NULL;
    assert_int_equal(nnlite_model_create(&m, INPUTS, 42), NNLITE_OK);
    add_dense(m, INPUTS, HIDDEN);
    add_relu(m);
    add_dense(m, HIDDEN, 1);
    assert_int_equal(nnlite_loss_mae_create(&loss), NNLITE_OK);
    assert_int_equal(nnlite_model_set_loss(m, loss), NNLITE_OK);
    assert_int_equal(nnlite_adam_create(&adam, 0.003f, 0.9f, 0.999f, 1e-8f),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(m, adam), NNLITE_OK);
    return m;
}

/* Inputs k/1000 for a pseudo-random k (exact in every float unit), the
 * target a weighted sum of three of them. */
static void data(float *x, float *y)
{
    uint32_t k = 12345u;
    for (size_t i = 0; i < ROWS * INPUTS; i++) {
        k = k * 1103515245u + 12345u;
        x[i] = (float)((k >> 16) % 1000u) / 1000.0f;
    }
    for (size_t r = 0; r < ROWS; r++) {
        const float *row = x + r * INPUTS;
        y[r] = 2.0f * row[0] - row[7] + 0.5f * row[55];
    }
}

/* Train with the given kernels (FASTEST, PORTABLE, or -1 to leave the
 * default) and return the parameters' fingerprint. */
static uint32_t train(int kernels, char *kernel_name, size_t size)
{
    static float x[ROWS * INPUTS], y[ROWS];
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    nnlite_tensor *tx = NULL, *ty = NULL;
    nnlite_model *m = network();
    uint32_t h;
    data(x, y);
    if (kernels >= 0) {
        assert_int_equal(nnlite_model_set_kernels(m, (nnlite_kernels)kernels),
                         NNLITE_OK);
    }
    assert_int_equal(nnlite_tensor_wrap2d(&tx, x, ROWS, INPUTS), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&ty, y, ROWS, 1), NNLITE_OK);
    o.epochs = EPOCHS;
    o.batch_size = BATCH;
    assert_int_equal(nnlite_model_fit(m, tx, ty, &o, NULL, NULL), NNLITE_OK);
    h = fingerprint(nnlite_model_params(m), nnlite_model_param_count(m));
    strncpy(kernel_name, nnlite_model_kernel_name(m), size - 1);
    kernel_name[size - 1] = '\0';
    nnlite_tensor_destroy(ty);
    nnlite_tensor_destroy(tx);
    nnlite_model_destroy(m);
    return h;
}

static void test_portable_same_bits_everywhere(void **state)
{
    char name[32];
    (void)state;
    /* 929 parameters after 160 Adam steps with MAE. */
    assert_int_equal(train(NNLITE_KERNELS_PORTABLE, name, sizeof(name)),
                     PORTABLE_FINGERPRINT);
    assert_string_equal(name, "generic");
}

static void test_fastest_is_the_default(void **state)
{
    char by_default[32], fastest[32];
    (void)state;
    assert_int_equal(train(-1, by_default, sizeof(by_default)),
                     train(NNLITE_KERNELS_FASTEST, fastest, sizeof(fastest)));
    assert_string_equal(by_default, fastest);
}

static void test_set_kernels_errors(void **state)
{
    nnlite_model *m = network();
    (void)state;
    assert_int_equal(nnlite_model_set_kernels(NULL, NNLITE_KERNELS_PORTABLE),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_model_set_kernels(m, (nnlite_kernels)2),
                     NNLITE_EINVAL);
    assert_non_null(strstr(nnlite_model_last_error(m), "kernels 2"));
    /* A refused value leaves the choice as it was. */
    assert_int_equal(nnlite_model_set_kernels(m, NNLITE_KERNELS_PORTABLE),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_set_kernels(m, (nnlite_kernels)-1),
                     NNLITE_EINVAL);
    assert_string_equal(nnlite_model_kernel_name(m), "generic");
    nnlite_model_destroy(m);
}

static int change_kernels(const nnlite_epoch_stats *stats, void *user)
{
    nnlite_status *seen = user;
    *seen = nnlite_model_set_kernels(stats->model, NNLITE_KERNELS_PORTABLE);
    return 1; /* stop */
}

static void test_set_kernels_refused_during_fit(void **state)
{
    float x[4] = {1, 2, 3, 4}, y[4] = {0};
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    nnlite_tensor *tx = NULL, *ty = NULL;
    nnlite_model *m = NULL;
    nnlite_status seen = NNLITE_OK;
    nnlite_loss *mse = NULL;
    nnlite_optimizer *sgd = NULL;
    (void)state;
    assert_int_equal(nnlite_model_create(&m, 1, 1), NNLITE_OK);
    add_dense(m, 1, 1);
    assert_int_equal(nnlite_loss_mse_create(&mse), NNLITE_OK);
    assert_int_equal(nnlite_model_set_loss(m, mse), NNLITE_OK);
    assert_int_equal(nnlite_sgd_create(&sgd, 0.01f, 0.0f), NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(m, sgd), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&tx, x, 4, 1), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&ty, y, 4, 1), NNLITE_OK);
    o.epochs = 3;
    assert_int_equal(nnlite_model_fit(m, tx, ty, &o, change_kernels, &seen),
                     NNLITE_OK);
    assert_int_equal(seen, NNLITE_ESTATE);
    nnlite_tensor_destroy(ty);
    nnlite_tensor_destroy(tx);
    nnlite_model_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_portable_same_bits_everywhere),
        cmocka_unit_test(test_fastest_is_the_default),
        cmocka_unit_test(test_set_kernels_errors),
        cmocka_unit_test(test_set_kernels_refused_during_fit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
