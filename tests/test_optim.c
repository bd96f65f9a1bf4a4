/* Optimizers: options and their checks, allocator hooks, learning rate and
 * step count, and the SGD / Adam update rules of optim.h, hand-computed for
 * two steps through a model on the public API only.
 *
 * The model for the update rules is one dense layer 1 -> 1, so its two
 * parameters are p[0] = w and p[1] = b (model.h: W then b), with MSE on one
 * sample x = 2, target t = 1:
 *   L = (w x + b - t)^2,  dL/dw = 2 (w x + b - t) x,  dL/db = 2 (w x + b - t).
 * Some tests train on that (nnlite_model_train_batch); others compute the
 * gradients, overwrite them with values chosen by hand and call
 * nnlite_model_apply_gradients, to test the rule on exact gradients. */
#include "harness.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* Parameters are O(1) floats after a few float operations: a correct rule
 * lands within a few ulps (~1e-7); any wrong term is off by far more. */
#define PARAM_TOL 2e-6f

/* Every option check goes through here: EINVAL, *out NULL, and nothing
 * allocated. */
static void expect_rejected(const nnlite_optimizer_options *o)
{
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    nnlite_optimizer *opt = (nnlite_optimizer *)(uintptr_t)0x1;
    assert_int_equal(nnlite_optimizer_create_advanced(&opt, o, &a),
                     NNLITE_EINVAL);
    assert_null(opt);
    assert_int_equal(st.calls, 0);
    opt = (nnlite_optimizer *)(uintptr_t)0x1;
    assert_int_equal(nnlite_optimizer_create(&opt, o), NNLITE_EINVAL);
    assert_null(opt);
}

static void expect_accepted(const nnlite_optimizer_options *o)
{
    nnlite_optimizer *opt = NULL;
    assert_int_equal(nnlite_optimizer_create(&opt, o), NNLITE_OK);
    assert_non_null(opt);
    nnlite_optimizer_destroy(opt);
}

/* ---- fixture: the 1 -> 1 model with MSE, w = 1, b = 0, no optimizer ---- */

static int setup_model(void **state)
{
    nnlite_model *m = NULL;
    nnlite_layer *l = NULL;
    nnlite_loss *loss = NULL;
    float *p;
    if (nnlite_model_create(&m, 1, 7) != NNLITE_OK) {
        return -1;
    }
    if (nnlite_dense_create(&l, 1, 1) != NNLITE_OK ||
        nnlite_model_add(m, l) != NNLITE_OK ||
        nnlite_loss_mse_create(&loss) != NNLITE_OK ||
        nnlite_model_set_loss(m, loss) != NNLITE_OK ||
        nnlite_model_param_count(m) != 2 ||
        (p = nnlite_model_params(m)) == NULL) {
        nnlite_model_destroy(m);
        return -1;
    }
    p[0] = 1.0f; /* w */
    p[1] = 0.0f; /* b */
    *state = m;
    return 0;
}

static int teardown_model(void **state)
{
    nnlite_model_destroy(*state);
    return 0;
}

static void set_params(nnlite_model *m, float w, float b)
{
    float *p = nnlite_model_params(m);
    assert_non_null(p);
    p[0] = w;
    p[1] = b;
}

static void use(nnlite_model *m, const nnlite_optimizer_options *o)
{
    nnlite_optimizer *opt = NULL;
    assert_int_equal(nnlite_optimizer_create(&opt, o), NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(m, opt), NNLITE_OK);
    assert_ptr_equal(nnlite_model_get_optimizer(m), opt);
}

/* One train_batch on x = 2, t = 1; checks the loss it reports (computed
 * before the update). */
static void train_step(nnlite_model *m, float expect_loss)
{
    float x[1] = {2.0f}, t[1] = {1.0f}, loss = -1.0f;
    nnlite_tensor *xt = NULL, *tt = NULL;
    assert_int_equal(nnlite_tensor_wrap2d(&xt, x, 1, 1), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&tt, t, 1, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_train_batch(m, xt, tt, &loss), NNLITE_OK);
    assert_float_equal(loss, expect_loss, 1e-5f);
    nnlite_tensor_destroy(xt);
    nnlite_tensor_destroy(tt);
}

/* One update from chosen gradients: compute the real ones (so the buffer
 * is live), overwrite them with (gw, gb), apply. */
static void apply_step(nnlite_model *m, float gw, float gb)
{
    float x[1] = {2.0f}, t[1] = {1.0f};
    nnlite_tensor *xt = NULL, *tt = NULL;
    float *g;
    assert_int_equal(nnlite_tensor_wrap2d(&xt, x, 1, 1), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&tt, t, 1, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_compute_gradients(m, xt, tt, NULL),
                     NNLITE_OK);
    nnlite_tensor_destroy(xt);
    nnlite_tensor_destroy(tt);
    g = nnlite_model_grads(m);
    assert_non_null(g);
    g[0] = gw;
    g[1] = gb;
    assert_int_equal(nnlite_model_apply_gradients(m), NNLITE_OK);
}

static void expect_params(nnlite_model *m, float w, float b)
{
    const float *p = nnlite_model_params(m);
    assert_float_equal(p[0], w, PARAM_TOL);
    assert_float_equal(p[1], b, PARAM_TOL);
}

/* ---- options ---- */

static void test_optim_options_init_values(void **state)
{
    const nnlite_optimizer_options sgd = NNLITE_SGD_OPTIONS_INIT;
    const nnlite_optimizer_options adam = NNLITE_ADAM_OPTIONS_INIT;
    (void)state;
    assert_int_equal(sgd.version, NNLITE_OPTIMIZER_OPTIONS_VERSION);
    assert_int_equal(sgd.kind, NNLITE_OPTIMIZER_SGD);
    assert_true(sgd.learning_rate == 0.01f);
    assert_true(sgd.momentum == 0.0f);
    assert_int_equal(sgd.nesterov, 0);
    assert_true(sgd.weight_decay == 0.0f);
    assert_int_equal(adam.version, NNLITE_OPTIMIZER_OPTIONS_VERSION);
    assert_int_equal(adam.kind, NNLITE_OPTIMIZER_ADAM);
    /* PyTorch's defaults. */
    assert_true(adam.learning_rate == 1e-3f);
    assert_true(adam.beta1 == 0.9f);
    assert_true(adam.beta2 == 0.999f);
    assert_true(adam.epsilon == 1e-8f);
    assert_true(adam.weight_decay == 0.0f);
    assert_int_equal(adam.decoupled_weight_decay, 0);
    /* Version 2's fields: off by default. */
    assert_int_equal(NNLITE_OPTIMIZER_OPTIONS_VERSION, 2);
    assert_true(sgd.dampening == 0.0f && adam.dampening == 0.0f);
    assert_int_equal(sgd.amsgrad, 0);
    assert_int_equal(adam.amsgrad, 0);
}

static void test_optim_create_with_options(void **state)
{
    nnlite_optimizer_options o = NNLITE_SGD_OPTIONS_INIT;
    nnlite_optimizer *opt = NULL;
    (void)state;
    assert_int_equal(nnlite_optimizer_create(&opt, &o), NNLITE_OK);
    assert_non_null(opt);
    assert_true(nnlite_optimizer_get_learning_rate(opt) == 0.01f);
    assert_int_equal(nnlite_optimizer_step_count(opt), 0);
    nnlite_optimizer_destroy(opt);

    nnlite_optimizer_options a = NNLITE_ADAM_OPTIONS_INIT;
    opt = NULL;
    assert_int_equal(nnlite_optimizer_create_advanced(&opt, &a, NULL),
                     NNLITE_OK);
    assert_true(nnlite_optimizer_get_learning_rate(opt) == 1e-3f);
    assert_int_equal(nnlite_optimizer_step_count(opt), 0);
    nnlite_optimizer_destroy(opt);

    /* Every field set, and the edges of the ranges that are allowed. */
    o.learning_rate = 0.5f;
    o.momentum = 0.9f;
    o.nesterov = 1;
    o.weight_decay = 0.1f;
    expect_accepted(&o);
    o.momentum = 0.0f;
    o.nesterov = 0;
    o.weight_decay = 0.0f;
    expect_accepted(&o);
    a.weight_decay = 0.01f;
    a.decoupled_weight_decay = 1;
    expect_accepted(&a);
    a.beta1 = 0.0f;
    a.beta2 = 0.0f;
    a.epsilon = 1.0f;
    expect_accepted(&a);
    /* The created optimizer copied the options: changing them later does
     * nothing to it. */
    o.learning_rate = 0.25f;
    opt = NULL;
    assert_int_equal(nnlite_optimizer_create(&opt, &o), NNLITE_OK);
    o.learning_rate = 0.75f;
    assert_true(nnlite_optimizer_get_learning_rate(opt) == 0.25f);
    nnlite_optimizer_destroy(opt);
}

static void test_optim_convenience_constructors(void **state)
{
    nnlite_optimizer *opt = NULL;
    (void)state;
    assert_int_equal(nnlite_sgd_create(&opt, 0.1f, 0.9f), NNLITE_OK);
    assert_non_null(opt);
    assert_true(nnlite_optimizer_get_learning_rate(opt) == 0.1f);
    assert_int_equal(nnlite_optimizer_step_count(opt), 0);
    nnlite_optimizer_destroy(opt);
    opt = NULL;
    assert_int_equal(nnlite_sgd_create(&opt, 0.1f, 0.0f), NNLITE_OK);
    nnlite_optimizer_destroy(opt);
    opt = NULL;
    assert_int_equal(nnlite_adam_create(&opt, 1e-3f, 0.9f, 0.999f, 1e-8f),
                     NNLITE_OK);
    assert_true(nnlite_optimizer_get_learning_rate(opt) == 1e-3f);
    nnlite_optimizer_destroy(opt);

    /* Same checks as the options. */
    assert_int_equal(nnlite_sgd_create(NULL, 0.1f, 0.0f), NNLITE_EINVAL);
    assert_int_equal(nnlite_adam_create(NULL, 1e-3f, 0.9f, 0.999f, 1e-8f),
                     NNLITE_EINVAL);
    opt = (nnlite_optimizer *)(uintptr_t)0x1;
    assert_int_equal(nnlite_sgd_create(&opt, 0.0f, 0.0f), NNLITE_EINVAL);
    assert_null(opt);
    opt = (nnlite_optimizer *)(uintptr_t)0x1;
    assert_int_equal(nnlite_sgd_create(&opt, 0.1f, 1.0f), NNLITE_EINVAL);
    assert_null(opt);
    opt = (nnlite_optimizer *)(uintptr_t)0x1;
    assert_int_equal(nnlite_sgd_create(&opt, 0.1f, -0.1f), NNLITE_EINVAL);
    assert_null(opt);
    opt = (nnlite_optimizer *)(uintptr_t)0x1;
    assert_int_equal(nnlite_adam_create(&opt, -1e-3f, 0.9f, 0.999f, 1e-8f),
                     NNLITE_EINVAL);
    assert_null(opt);
    opt = (nnlite_optimizer *)(uintptr_t)0x1;
    assert_int_equal(nnlite_adam_create(&opt, 1e-3f, 1.0f, 0.999f, 1e-8f),
                     NNLITE_EINVAL);
    assert_null(opt);
    opt = (nnlite_optimizer *)(uintptr_t)0x1;
    assert_int_equal(nnlite_adam_create(&opt, 1e-3f, 0.9f, 1.0f, 1e-8f),
                     NNLITE_EINVAL);
    assert_null(opt);
    opt = (nnlite_optimizer *)(uintptr_t)0x1;
    assert_int_equal(nnlite_adam_create(&opt, 1e-3f, 0.9f, 0.999f, 0.0f),
                     NNLITE_EINVAL);
    assert_null(opt);
}

static const float bad_rates[5] = {0.0f, -0.1f, NAN, INFINITY, -INFINITY};

static void test_optim_invalid_sgd_options(void **state)
{
    const nnlite_optimizer_options base = NNLITE_SGD_OPTIONS_INIT;
    nnlite_optimizer_options o;
    (void)state;
    for (size_t i = 0; i < 5; i++) {
        o = base;
        o.learning_rate = bad_rates[i];
        expect_rejected(&o);
    }
    const float bad_momentum[3] = {-0.1f, 1.0f, NAN};
    for (size_t i = 0; i < 3; i++) {
        o = base;
        o.momentum = bad_momentum[i];
        expect_rejected(&o);
    }
    o = base; /* Nesterov needs momentum > 0. */
    o.nesterov = 1;
    o.momentum = 0.0f;
    expect_rejected(&o);
    o.momentum = 0.5f; /* ... and with it, it is fine. */
    expect_accepted(&o);
    o = base;
    o.weight_decay = -1.0f;
    expect_rejected(&o);
    o.weight_decay = NAN;
    expect_rejected(&o);
}

static void test_optim_invalid_adam_options(void **state)
{
    const nnlite_optimizer_options base = NNLITE_ADAM_OPTIONS_INIT;
    nnlite_optimizer_options o;
    (void)state;
    for (size_t i = 0; i < 5; i++) {
        o = base;
        o.learning_rate = bad_rates[i];
        expect_rejected(&o);
    }
    const float bad_beta[3] = {1.0f, -0.1f, NAN};
    for (size_t i = 0; i < 3; i++) {
        o = base;
        o.beta1 = bad_beta[i];
        expect_rejected(&o);
        o = base;
        o.beta2 = bad_beta[i];
        expect_rejected(&o);
    }
    const float bad_eps[3] = {0.0f, -1e-8f, NAN};
    for (size_t i = 0; i < 3; i++) {
        o = base;
        o.epsilon = bad_eps[i];
        expect_rejected(&o);
    }
    o = base;
    o.weight_decay = -1.0f;
    expect_rejected(&o);
    o.decoupled_weight_decay = 1;
    expect_rejected(&o);
}

static void test_optim_invalid_kind_version_and_nulls(void **state)
{
    nnlite_optimizer_options o = NNLITE_SGD_OPTIONS_INIT;
    nnlite_optimizer *opt;
    (void)state;
    o.kind = (nnlite_optimizer_kind)0;
    expect_rejected(&o);
    o.kind = (nnlite_optimizer_kind)3;
    expect_rejected(&o);
    o = (nnlite_optimizer_options)NNLITE_SGD_OPTIONS_INIT;
    o.version = 0;
    expect_rejected(&o);
    o.version = NNLITE_OPTIMIZER_OPTIONS_VERSION + 1;
    expect_rejected(&o);
    o = (nnlite_optimizer_options)NNLITE_ADAM_OPTIONS_INIT;
    o.version = 0;
    expect_rejected(&o);

    o = (nnlite_optimizer_options)NNLITE_SGD_OPTIONS_INIT;
    assert_int_equal(nnlite_optimizer_create(NULL, &o), NNLITE_EINVAL);
    assert_int_equal(nnlite_optimizer_create_advanced(NULL, &o, NULL),
                     NNLITE_EINVAL);
    expect_rejected(NULL);
    opt = (nnlite_optimizer *)(uintptr_t)0x1;
    assert_int_equal(nnlite_optimizer_create_advanced(&opt, NULL, NULL),
                     NNLITE_EINVAL);
    assert_null(opt);
}

static void test_optim_half_set_allocator(void **state)
{
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    const nnlite_optimizer_options o = NNLITE_ADAM_OPTIONS_INIT;
    nnlite_optimizer *opt = (nnlite_optimizer *)(uintptr_t)0x1;
    (void)state;
    a.free = NULL;
    assert_int_equal(nnlite_optimizer_create_advanced(&opt, &o, &a),
                     NNLITE_EINVAL);
    assert_null(opt);
    a = test_allocator(&st);
    a.alloc = NULL;
    opt = (nnlite_optimizer *)(uintptr_t)0x1;
    assert_int_equal(nnlite_optimizer_create_advanced(&opt, &o, &a),
                     NNLITE_EINVAL);
    assert_null(opt);
    assert_int_equal(st.calls, 0);
}

static void test_optim_allocator_routes_handle_and_state(void **state)
{
    nnlite_model *m = *state;
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    const nnlite_optimizer_options o = NNLITE_ADAM_OPTIONS_INIT;
    nnlite_optimizer *opt = NULL;
    assert_int_equal(nnlite_optimizer_create_advanced(&opt, &o, &a),
                     NNLITE_OK);
    assert_int_equal(st.calls, 1);
    assert_int_equal(st.live, 1);
    assert_int_equal(nnlite_model_set_optimizer(m, opt), NNLITE_OK);
    /* Adam's moments (m and v for both parameters) use the optimizer's
     * allocator too; an update allocates nothing more. */
    apply_step(m, 1.0f, 1.0f);
    const size_t after_first = st.calls;
    assert_true(after_first >= 2);
    apply_step(m, 1.0f, 1.0f);
    assert_int_equal(st.calls, after_first);
    /* Replacing the optimizer frees the old one and its state. */
    opt = NULL;
    assert_int_equal(nnlite_sgd_create(&opt, 0.1f, 0.0f), NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(m, opt), NNLITE_OK);
    assert_int_equal(st.live, 0);
    assert_int_equal(st.frees, st.calls);
}

static void test_optim_out_of_memory_each_allocation(void **state)
{
    nnlite_model *m = *state;
    nnlite_optimizer *prev = NULL;
    const nnlite_optimizer_options kinds[4] = {
        NNLITE_ADAM_OPTIONS_INIT,
        {NNLITE_OPTIMIZER_OPTIONS_VERSION, NNLITE_OPTIMIZER_SGD, 0.1f, 0.9f,
         0, 0.0f, 0.9f, 0.999f, 1e-8f, 0, 0.0f, 0},
        {NNLITE_OPTIMIZER_OPTIONS_VERSION, NNLITE_OPTIMIZER_SGD, 0.1f, 0.9f,
         0, 0.0f, 0.9f, 0.999f, 1e-8f, 0, 0.5f, 0},
        {NNLITE_OPTIMIZER_OPTIONS_VERSION, NNLITE_OPTIMIZER_ADAM, 1e-3f,
         0.0f, 0, 0.0f, 0.9f, 0.999f, 1e-8f, 0, 0.0f, 1},
    };
    assert_int_equal(nnlite_sgd_create(&prev, 0.1f, 0.0f), NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(m, prev), NNLITE_OK);
    /* Every kind keeps state (Adam moments, AMSGrad's maxima, SGD
     * velocity, dampened or not). Fail the 1st,
     * 2nd, ... allocation until create + set_optimizer + one update all
     * succeed: every failure is ENOMEM, leaks nothing and keeps the
     * model's previous optimizer. */
    for (size_t k = 0; k < 4; k++) {
        size_t n, failures = 0;
        for (n = 1; n <= 16; n++) {
            test_alloc_state st = {0};
            nnlite_allocator a = test_allocator(&st);
            nnlite_optimizer *opt = (nnlite_optimizer *)(uintptr_t)0x1;
            nnlite_status s;
            st.fail_at = n;
            s = nnlite_optimizer_create_advanced(&opt, &kinds[k], &a);
            if (s != NNLITE_OK) {
                assert_int_equal(s, NNLITE_ENOMEM);
                assert_null(opt);
                assert_int_equal(st.live, 0);
                failures++;
                continue;
            }
            s = nnlite_model_set_optimizer(m, opt);
            if (s != NNLITE_OK) {
                assert_int_equal(s, NNLITE_ENOMEM);
                /* Ownership was taken: opt is gone, prev stays. */
                assert_int_equal(st.live, 0);
                assert_ptr_equal(nnlite_model_get_optimizer(m), prev);
                assert_true(strlen(nnlite_model_last_error(m)) > 0);
                failures++;
                continue;
            }
            apply_step(m, 0.5f, -0.5f);
            assert_int_equal(nnlite_optimizer_step_count(opt), 1);
            /* Put prev's stand-in back: a fresh plain SGD. */
            prev = NULL;
            assert_int_equal(nnlite_sgd_create(&prev, 0.1f, 0.0f),
                             NNLITE_OK);
            assert_int_equal(nnlite_model_set_optimizer(m, prev), NNLITE_OK);
            assert_int_equal(st.live, 0);
            break;
        }
        assert_true(n <= 16);
        /* The handle and the state: at least two allocations to fail. */
        assert_true(failures >= 2);
    }
}


/* ---- check twins: the same verdict as the constructor, in words ---- */

/* The constructor refuses o (expect_rejected) and the twin returns the
 * same status with a message holding `words` (the setting and value). */
static void expect_refused(const nnlite_optimizer_options *o,
                           const char *words)
{
    char msg[160];
    expect_rejected(o);
    memset(msg, 'x', sizeof(msg));
    assert_int_equal(nnlite_optimizer_options_check(o, msg, sizeof(msg)),
                     NNLITE_EINVAL);
    if (strstr(msg, words) == NULL) {
        print_error("message \"%s\" lacks \"%s\"\n", msg, words);
        fail();
    }
    assert_int_equal(nnlite_optimizer_options_check(o, NULL, 0),
                     NNLITE_EINVAL);
}

static void expect_fine(const nnlite_optimizer_options *o)
{
    char msg[160];
    memset(msg, 'x', sizeof(msg));
    assert_int_equal(nnlite_optimizer_options_check(o, msg, sizeof(msg)),
                     NNLITE_OK);
    assert_string_equal(msg, "");
    expect_accepted(o);
}

static void test_optim_options_check_names_the_setting(void **state)
{
    const nnlite_optimizer_options sgd = NNLITE_SGD_OPTIONS_INIT;
    const nnlite_optimizer_options adam = NNLITE_ADAM_OPTIONS_INIT;
    nnlite_optimizer_options o;
    (void)state;
    expect_fine(&sgd);
    expect_fine(&adam);
    expect_refused(NULL, "options is NULL");
    o = sgd;
    o.version = 3;
    expect_refused(&o, "options version 3 is unknown");
    o.version = 0;
    expect_refused(&o, "options version 0 is unknown");
    o = sgd;
    o.kind = (nnlite_optimizer_kind)7;
    expect_refused(&o, "optimizer kind 7 is unknown");
    o = adam;
    o.learning_rate = -0.5f;
    expect_refused(&o, "learning rate -0.5 is not");
    o.learning_rate = NAN;
    expect_refused(&o, "learning rate nan is not");
    o = sgd;
    o.weight_decay = -1.0f;
    expect_refused(&o, "weight decay -1 is not");
    o = sgd;
    o.momentum = 1.0f;
    expect_refused(&o, "momentum 1 is outside [0, 1)");
    o.momentum = -0.25f;
    expect_refused(&o, "momentum -0.25 is outside [0, 1)");
    o = sgd;
    o.momentum = 0.9f;
    o.dampening = 1.5f;
    expect_refused(&o, "dampening 1.5 is outside [0, 1]");
    o.dampening = -0.1f;
    expect_refused(&o, "dampening -0.1 is outside [0, 1]");
    o.dampening = NAN;
    expect_refused(&o, "dampening nan is outside [0, 1]");
    o.dampening = 1.0f; /* the whole gradient damped away: allowed */
    expect_fine(&o);
    o.dampening = 0.25f;
    expect_fine(&o);
    /* Nesterov: momentum, and no dampening (PyTorch's rule). */
    o.nesterov = 1;
    expect_refused(&o, "Nesterov momentum needs dampening 0, not 0.25");
    o.dampening = 0.0f;
    expect_fine(&o);
    o.momentum = 0.0f;
    expect_refused(&o, "Nesterov momentum needs momentum > 0");
    o = adam;
    o.beta1 = 1.0f;
    expect_refused(&o, "beta1 1 is outside [0, 1)");
    o = adam;
    o.beta2 = -0.5f;
    expect_refused(&o, "beta2 -0.5 is outside [0, 1)");
    o = adam;
    o.epsilon = 0.0f;
    expect_refused(&o, "epsilon 0 is not a finite number > 0");
    o.epsilon = INFINITY;
    expect_refused(&o, "epsilon inf is not a finite number > 0");
    o = adam;
    o.amsgrad = 1;
    expect_fine(&o);
}

static void expect_twin(nnlite_status want, nnlite_status got,
                        const char *msg, const char *words)
{
    assert_int_equal(got, want);
    if (strstr(msg, words) == NULL) {
        print_error("message \"%s\" lacks \"%s\"\n", msg, words);
        fail();
    }
}

static void test_optim_sgd_adam_check_twins(void **state)
{
    char msg[160];
    nnlite_optimizer *o = (nnlite_optimizer *)(uintptr_t)0x1;
    (void)state;
    /* Each bad argument: the constructor's status, the twin's words. */
    assert_int_equal(nnlite_sgd_create(&o, 0.0f, 0.5f), NNLITE_EINVAL);
    assert_null(o);
    expect_twin(NNLITE_EINVAL, nnlite_sgd_check(0.0f, 0.5f, msg, sizeof(msg)),
                msg, "learning rate 0 is not a finite number > 0");
    assert_int_equal(nnlite_sgd_create(&o, 0.1f, 1.0f), NNLITE_EINVAL);
    expect_twin(NNLITE_EINVAL, nnlite_sgd_check(0.1f, 1.0f, msg, sizeof(msg)),
                msg, "momentum 1 is outside [0, 1)");
    expect_twin(NNLITE_OK, nnlite_sgd_check(0.1f, 0.5f, msg, sizeof(msg)),
                msg, "");
    assert_string_equal(msg, "");

    assert_int_equal(nnlite_adam_create(&o, 1e-3f, 1.0f, 0.999f, 1e-8f),
                     NNLITE_EINVAL);
    assert_null(o);
    expect_twin(NNLITE_EINVAL,
                nnlite_adam_check(1e-3f, 1.0f, 0.999f, 1e-8f, msg,
                                  sizeof(msg)),
                msg, "beta1 1 is outside [0, 1)");
    assert_int_equal(nnlite_adam_create(&o, 1e-3f, 0.9f, 2.0f, 1e-8f),
                     NNLITE_EINVAL);
    expect_twin(NNLITE_EINVAL,
                nnlite_adam_check(1e-3f, 0.9f, 2.0f, 1e-8f, msg,
                                  sizeof(msg)),
                msg, "beta2 2 is outside [0, 1)");
    assert_int_equal(nnlite_adam_create(&o, 1e-3f, 0.9f, 0.999f, -1.0f),
                     NNLITE_EINVAL);
    expect_twin(NNLITE_EINVAL,
                nnlite_adam_check(1e-3f, 0.9f, 0.999f, -1.0f, msg,
                                  sizeof(msg)),
                msg, "epsilon -1 is not");
    assert_int_equal(nnlite_adam_create(&o, INFINITY, 0.9f, 0.999f, 1e-8f),
                     NNLITE_EINVAL);
    expect_twin(NNLITE_EINVAL,
                nnlite_adam_check(INFINITY, 0.9f, 0.999f, 1e-8f, msg,
                                  sizeof(msg)),
                msg, "learning rate inf");
    expect_twin(NNLITE_OK,
                nnlite_adam_check(1e-3f, 0.9f, 0.999f, 1e-8f, msg,
                                  sizeof(msg)),
                msg, "");
    assert_string_equal(msg, "");
    /* Truncated to the buffer, NUL-terminated. */
    assert_int_equal(nnlite_sgd_check(0.1f, 1.0f, msg, 9), NNLITE_EINVAL);
    assert_string_equal(msg, "momentum");
}

/* ---- version-1 options structs ----
 *
 * A program built against version 1 of nnlite_optimizer_options passes a
 * struct that ends after decoupled_weight_decay. This is that struct,
 * written out by hand as version 1 declared it. */
typedef struct options_v1 {
    unsigned version;
    nnlite_optimizer_kind kind;
    float learning_rate;
    float momentum;
    int nesterov;
    float weight_decay;
    float beta1;
    float beta2;
    float epsilon;
    int decoupled_weight_decay;
} options_v1;

/* A version-1 struct followed by bytes that would be NaN and garbage if
 * read as version 2's dampening and amsgrad. */
typedef union v1_in_v2 {
    nnlite_optimizer_options v2; /* size and alignment */
    unsigned char bytes[sizeof(nnlite_optimizer_options)];
} v1_in_v2;

static void place_v1(v1_in_v2 *u, const options_v1 *v1)
{
    memset(u->bytes, 0xff, sizeof(u->bytes));
    memcpy(u->bytes, v1, sizeof(*v1));
}

static void test_optim_version_1_options(void **state)
{
    nnlite_model *m = *state;
    const options_v1 v1 = {1, NNLITE_OPTIMIZER_SGD, 0.05f, 0.9f, 0, 0.0f,
                           0.9f, 0.999f, 1e-8f, 0};
    v1_in_v2 u;
    nnlite_optimizer_options got = NNLITE_ADAM_OPTIONS_INIT;
    nnlite_optimizer *opt = NULL;
    char msg[160];
    assert_true(sizeof(options_v1) <
                sizeof(nnlite_optimizer_options)); /* the tail exists */
    place_v1(&u, &v1);
    assert_int_equal(nnlite_optimizer_options_check(&u.v2, msg, sizeof(msg)),
                     NNLITE_OK);
    assert_string_equal(msg, "");
    assert_int_equal(nnlite_optimizer_create(&opt, &u.v2), NNLITE_OK);
    /* The version-1 fields as given, the new ones at their defaults. */
    assert_int_equal(nnlite_optimizer_get_options(opt, &got), NNLITE_OK);
    assert_int_equal(got.version, NNLITE_OPTIMIZER_OPTIONS_VERSION);
    assert_int_equal(got.kind, NNLITE_OPTIMIZER_SGD);
    assert_true(got.learning_rate == 0.05f && got.momentum == 0.9f);
    assert_true(got.dampening == 0.0f);
    assert_int_equal(got.amsgrad, 0);
    assert_int_equal(nnlite_model_set_optimizer(m, opt), NNLITE_OK);
    /* And it trains as undamped momentum (test_optim_sgd_momentum_two_
     * steps): a NaN dampening read from the tail would refuse it or
     * make every step NaN. */
    train_step(m, 1.0f);
    expect_params(m, 0.8f, -0.1f);
    train_step(m, 0.25f);
    expect_params(m, 0.52f, -0.24f);

    /* Version-1 settings are still checked, by version 1's rules. */
    options_v1 bad = v1;
    bad.momentum = 1.0f;
    place_v1(&u, &bad);
    expect_refused(&u.v2, "momentum 1 is outside [0, 1)");
}

/* Reading back settings: a version-2 struct gets everything; a
 * version-1 struct only its own fields (nothing past it is written). */
static void test_optim_get_options(void **state)
{
    nnlite_optimizer_options o = NNLITE_ADAM_OPTIONS_INIT, got;
    nnlite_optimizer *opt = NULL;
    v1_in_v2 u;
    options_v1 v1;
    (void)state;
    o.learning_rate = 0.02f;
    o.weight_decay = 0.5f;
    o.amsgrad = 1;
    assert_int_equal(nnlite_optimizer_create(&opt, &o), NNLITE_OK);
    assert_int_equal(nnlite_optimizer_kind_of(opt), NNLITE_OPTIMIZER_ADAM);
    assert_int_equal(nnlite_optimizer_set_learning_rate(opt, 0.03f),
                     NNLITE_OK);
    memset(&got, 0, sizeof(got));
    got.version = NNLITE_OPTIMIZER_OPTIONS_VERSION;
    assert_int_equal(nnlite_optimizer_get_options(opt, &got), NNLITE_OK);
    o.learning_rate = 0.03f; /* the rate as it is now */
    assert_memory_equal(&got, &o, sizeof(o));

    memset(u.bytes, 0xab, sizeof(u.bytes));
    u.v2.version = 1;
    assert_int_equal(nnlite_optimizer_get_options(opt, &u.v2), NNLITE_OK);
    memcpy(&v1, u.bytes, sizeof(v1));
    assert_int_equal(v1.version, 1);
    assert_int_equal(v1.kind, NNLITE_OPTIMIZER_ADAM);
    assert_true(v1.learning_rate == 0.03f && v1.weight_decay == 0.5f);
    assert_true(v1.beta1 == 0.9f && v1.beta2 == 0.999f);
    for (size_t i = sizeof(v1); i < sizeof(u.bytes); i++) {
        assert_int_equal(u.bytes[i], 0xab);
    }

    /* Errors write nothing. */
    memset(&got, 0x5a, sizeof(got));
    got.version = 9;
    assert_int_equal(nnlite_optimizer_get_options(opt, &got),
                     NNLITE_EINVAL);
    assert_int_equal(got.version, 9);
    assert_true(got.learning_rate != 0.03f);
    assert_int_equal(nnlite_optimizer_get_options(NULL, &got),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_optimizer_get_options(opt, NULL),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_optimizer_kind_of(NULL), 0);
    nnlite_optimizer_destroy(opt);
}

/* ---- dampening and AMSGrad, hand-computed ---- */

static void test_optim_sgd_dampening_two_steps(void **state)
{
    nnlite_model *m = *state;
    nnlite_optimizer_options o = NNLITE_SGD_OPTIONS_INIT;
    o.learning_rate = 0.05f;
    o.momentum = 0.9f;
    o.dampening = 0.5f;
    use(m, &o);
    /* Step 1: v = g = (4, 2): the first step is not damped (PyTorch);
     * w = 1 - 0.05 * 4 = 0.8, b = -0.1. */
    train_step(m, 1.0f);
    expect_params(m, 0.8f, -0.1f);
    /* Step 2: r = 0.5, g = (2, 1); v = 0.9 (4, 2) + 0.5 (2, 1)
     * = (4.6, 2.3); w = 0.8 - 0.23 = 0.57, b = -0.1 - 0.115 = -0.215
     * (undamped it would be 0.52, -0.24). */
    train_step(m, 0.25f);
    expect_params(m, 0.57f, -0.215f);
}

static void test_optim_sgd_full_dampening_keeps_velocity(void **state)
{
    nnlite_model *m = *state;
    nnlite_optimizer_options o = NNLITE_SGD_OPTIONS_INIT;
    o.learning_rate = 0.1f;
    o.momentum = 0.5f;
    o.dampening = 1.0f;
    use(m, &o);
    /* Dampening 1 adds no gradient after the first step: v = g1 = (1, -1),
     * then 0.5 v whatever g is. */
    apply_step(m, 1.0f, -1.0f);
    expect_params(m, 0.9f, 0.1f);
    apply_step(m, 100.0f, 100.0f); /* ignored: v = (0.5, -0.5) */
    expect_params(m, 0.85f, 0.15f);
}

/* AMSGrad with b1 = b2 = 0.5, lr 0.1 (eps 1e-8 is negligible here):
 *   w: g = 2, then 0: v falls from 2 to 1, vmax stays 2;
 *   b: g = 1, then 3: v grows from 0.5 to 4.75, vmax follows it.
 * Step 1 (bias corrections 0.5, 0.5): m = (1, 0.5), v = vmax = (2, 0.5);
 *   step 0.2 m / (sqrt(v) / sqrt(0.5)) = (0.1, 0.1): w = 0.9, b = -0.1.
 * Step 2 (corrections 0.75, 0.75): m = (0.5, 1.75),
 *   v = (1, 4.75), vmax = (2, 4.75);
 *   w -= (0.1 / 0.75) 0.5 / (sqrt(2) / sqrt(0.75)) = 0.0408248
 *        (plain Adam: 0.0577350, from sqrt(1));
 *   b -= (0.1 / 0.75) 1.75 / (sqrt(4.75) / sqrt(0.75)) = 0.0927173. */
static void test_optim_amsgrad_two_steps(void **state)
{
    nnlite_model *m = *state;
    nnlite_optimizer_options o = NNLITE_ADAM_OPTIONS_INIT;
    o.learning_rate = 0.1f;
    o.beta1 = 0.5f;
    o.beta2 = 0.5f;
    o.amsgrad = 1;
    use(m, &o);
    apply_step(m, 2.0f, 1.0f);
    expect_params(m, 0.9f, -0.1f);
    apply_step(m, 0.0f, 3.0f);
    expect_params(m, 0.85917517f, -0.19271726f);
}

static void test_optim_adam_without_amsgrad_differs(void **state)
{
    nnlite_model *m = *state;
    nnlite_optimizer_options o = NNLITE_ADAM_OPTIONS_INIT;
    o.learning_rate = 0.1f;
    o.beta1 = 0.5f;
    o.beta2 = 0.5f;
    use(m, &o);
    apply_step(m, 2.0f, 1.0f);
    expect_params(m, 0.9f, -0.1f);
    apply_step(m, 0.0f, 3.0f);
    /* w divides by sqrt(v) = 1: 0.9 - 0.0577350; b as AMSGrad (v grew). */
    expect_params(m, 0.84226497f, -0.19271726f);
}

/* ---- learning rate, step count, ownership ---- */

static void test_optim_learning_rate_get_set(void **state)
{
    nnlite_optimizer *opt = NULL;
    (void)state;
    assert_int_equal(nnlite_sgd_create(&opt, 0.1f, 0.0f), NNLITE_OK);
    assert_true(nnlite_optimizer_get_learning_rate(opt) == 0.1f);
    assert_int_equal(nnlite_optimizer_set_learning_rate(opt, 0.5f),
                     NNLITE_OK);
    assert_true(nnlite_optimizer_get_learning_rate(opt) == 0.5f);
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(nnlite_optimizer_set_learning_rate(opt, bad_rates[i]),
                         NNLITE_EINVAL);
        assert_true(nnlite_optimizer_get_learning_rate(opt) == 0.5f);
    }
    /* Setting the rate is not an update. */
    assert_int_equal(nnlite_optimizer_step_count(opt), 0);
    nnlite_optimizer_destroy(opt);
}

static void test_optim_null_handles(void **state)
{
    (void)state;
    nnlite_optimizer_destroy(NULL);
    assert_int_equal(nnlite_optimizer_set_learning_rate(NULL, 0.1f),
                     NNLITE_EINVAL);
    assert_true(nnlite_optimizer_get_learning_rate(NULL) == 0.0f);
    assert_int_equal(nnlite_optimizer_step_count(NULL), 0);
    assert_null(nnlite_model_get_optimizer(NULL));
}

static void test_optim_step_count(void **state)
{
    nnlite_model *m = *state;
    const nnlite_optimizer_options o = NNLITE_ADAM_OPTIONS_INIT;
    use(m, &o);
    nnlite_optimizer *opt = nnlite_model_get_optimizer(m);
    assert_int_equal(nnlite_optimizer_step_count(opt), 0);
    apply_step(m, 1.0f, 1.0f);
    assert_int_equal(nnlite_optimizer_step_count(opt), 1);
    /* Adam's first step moved w and b by -1e-3 each: w = 0.999,
     * b = -0.001; pred 1.997, r = 0.997, loss 0.994009. */
    train_step(m, 0.994009f);
    assert_int_equal(nnlite_optimizer_step_count(opt), 2);
    /* A refused update (NaN gradient) is not an update: parameters and
     * count stay. */
    const float w = nnlite_model_params(m)[0], b = nnlite_model_params(m)[1];
    nnlite_model_grads(m)[1] = NAN;
    assert_int_equal(nnlite_model_apply_gradients(m), NNLITE_ENUMERIC);
    assert_int_equal(nnlite_optimizer_step_count(opt), 2);
    assert_true(nnlite_model_params(m)[0] == w);
    assert_true(nnlite_model_params(m)[1] == b);
    /* compute_gradients alone is not an update either. */
    float x[1] = {2.0f}, t[1] = {1.0f};
    nnlite_tensor *xt = NULL, *tt = NULL;
    assert_int_equal(nnlite_tensor_wrap2d(&xt, x, 1, 1), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&tt, t, 1, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_compute_gradients(m, xt, tt, NULL),
                     NNLITE_OK);
    assert_int_equal(nnlite_optimizer_step_count(opt), 2);
    nnlite_tensor_destroy(xt);
    nnlite_tensor_destroy(tt);
}

static void test_optim_model_get_optimizer(void **state)
{
    nnlite_model *m = *state;
    nnlite_optimizer *first = NULL, *second = NULL;
    assert_null(nnlite_model_get_optimizer(m));
    assert_int_equal(nnlite_sgd_create(&first, 0.1f, 0.0f), NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(m, first), NNLITE_OK);
    assert_ptr_equal(nnlite_model_get_optimizer(m), first);
    apply_step(m, 1.0f, 1.0f);
    assert_int_equal(nnlite_optimizer_step_count(first), 1);
    /* Replacing: the model now owns the new one, with fresh state. */
    assert_int_equal(nnlite_adam_create(&second, 1e-3f, 0.9f, 0.999f, 1e-8f),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(m, second), NNLITE_OK);
    assert_ptr_equal(nnlite_model_get_optimizer(m), second);
    assert_int_equal(nnlite_optimizer_step_count(second), 0);
    /* The borrowed handle is the live one: its rate drives updates. */
    assert_int_equal(nnlite_optimizer_set_learning_rate(
                         nnlite_model_get_optimizer(m), 0.25f),
                     NNLITE_OK);
    assert_true(nnlite_optimizer_get_learning_rate(second) == 0.25f);
    /* NULL: rejected, the optimizer kept. */
    assert_int_equal(nnlite_model_set_optimizer(m, NULL), NNLITE_EINVAL);
    assert_ptr_equal(nnlite_model_get_optimizer(m), second);
}

/* ---- update rules through train_batch (x = 2, t = 1) ----
 *
 * Step 1 from w = 1, b = 0: pred 2, residual r = 1, loss 1,
 *   g = (2 r x, 2 r) = (4, 2). */

static void test_optim_sgd_plain_two_steps(void **state)
{
    nnlite_model *m = *state;
    nnlite_optimizer *opt = NULL;
    assert_int_equal(nnlite_sgd_create(&opt, 0.05f, 0.0f), NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(m, opt), NNLITE_OK);
    /* Step 1: p -= 0.05 g: w = 1 - 0.2 = 0.8, b = 0 - 0.1 = -0.1. */
    train_step(m, 1.0f);
    expect_params(m, 0.8f, -0.1f);
    /* Step 2: pred 1.6 - 0.1 = 1.5, r = 0.5, loss 0.25, g = (2, 1):
     * w = 0.8 - 0.1 = 0.7, b = -0.1 - 0.05 = -0.15. */
    train_step(m, 0.25f);
    expect_params(m, 0.7f, -0.15f);
}

static void test_optim_sgd_momentum_two_steps(void **state)
{
    nnlite_model *m = *state;
    nnlite_optimizer *opt = NULL;
    assert_int_equal(nnlite_sgd_create(&opt, 0.05f, 0.9f), NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(m, opt), NNLITE_OK);
    /* Step 1: v = g = (4, 2) (no damping of the first step);
     * w = 1 - 0.05 * 4 = 0.8, b = -0.05 * 2 = -0.1. */
    train_step(m, 1.0f);
    expect_params(m, 0.8f, -0.1f);
    /* Step 2: r = 0.5, g = (2, 1); v = 0.9 (4, 2) + (2, 1) = (5.6, 2.8);
     * w = 0.8 - 0.05 * 5.6 = 0.52, b = -0.1 - 0.05 * 2.8 = -0.24. */
    train_step(m, 0.25f);
    expect_params(m, 0.52f, -0.24f);
}

static void test_optim_sgd_nesterov_two_steps(void **state)
{
    nnlite_model *m = *state;
    nnlite_optimizer_options o = NNLITE_SGD_OPTIONS_INIT;
    o.learning_rate = 0.05f;
    o.momentum = 0.9f;
    o.nesterov = 1;
    use(m, &o);
    /* Step 1: v = g = (4, 2); step g + mu v = (4 + 3.6, 2 + 1.8)
     * = (7.6, 3.8); w = 1 - 0.38 = 0.62, b = -0.19. */
    train_step(m, 1.0f);
    expect_params(m, 0.62f, -0.19f);
    /* Step 2: pred 1.24 - 0.19 = 1.05, r = 0.05, loss 0.0025,
     * g = (0.2, 0.1); v = 0.9 (4, 2) + (0.2, 0.1) = (3.8, 1.9);
     * step g + mu v = (0.2 + 3.42, 0.1 + 1.71) = (3.62, 1.81);
     * w = 0.62 - 0.181 = 0.439, b = -0.19 - 0.0905 = -0.2805. */
    train_step(m, 0.0025f);
    expect_params(m, 0.439f, -0.2805f);
}

static void test_optim_sgd_weight_decay_two_steps(void **state)
{
    nnlite_model *m = *state;
    nnlite_optimizer_options o = NNLITE_SGD_OPTIONS_INIT;
    o.learning_rate = 0.05f;
    o.weight_decay = 0.1f;
    use(m, &o);
    /* Step 1: g += 0.1 p: (4 + 0.1, 2 + 0) = (4.1, 2);
     * w = 1 - 0.205 = 0.795, b = -0.1. */
    train_step(m, 1.0f);
    expect_params(m, 0.795f, -0.1f);
    /* Step 2: pred 1.59 - 0.1 = 1.49, r = 0.49, loss 0.2401,
     * g = (1.96, 0.98) + 0.1 (0.795, -0.1) = (2.0395, 0.97);
     * w = 0.795 - 0.101975 = 0.693025, b = -0.1 - 0.0485 = -0.1485. */
    train_step(m, 0.2401f);
    expect_params(m, 0.693025f, -0.1485f);
}

static void test_optim_adam_two_steps(void **state)
{
    nnlite_model *m = *state;
    const nnlite_optimizer_options o = NNLITE_ADAM_OPTIONS_INIT;
    use(m, &o);
    /* lr 1e-3, b1 0.9, b2 0.999, eps 1e-8.
     * Step 1: g = (4, 2)
     *   m = 0.1 g = (0.4, 0.2);  v = 0.001 g^2 = (0.016, 0.004)
     *   m^ = m / (1 - 0.9) = (4, 2);  v^ = v / (1 - 0.999) = (16, 4)
     *   step = lr m^ / (sqrt(v^) + eps) = 1e-3 * 4 / (4 + 1e-8) ~ 1e-3
     *   for both: Adam's first step is lr * sign(g).
     *   w = 0.999, b = -0.001. */
    train_step(m, 1.0f);
    expect_params(m, 0.999f, -0.001f);
    /* Step 2: pred 1.998 - 0.001 = 1.997, r = 0.997, loss 0.994009,
     *   g = (3.988, 1.994)
     *   m = 0.9 (0.4, 0.2) + 0.1 g = (0.7588, 0.3794)
     *   v = 0.999 (0.016, 0.004) + 0.001 (15.904144, 3.976036)
     *     = (0.031888144, 0.007972036)
     *   bias corrections 1 - 0.9^2 = 0.19, 1 - 0.999^2 = 0.001999
     *   w: m^ = 3.9936842, v^ = 15.952048, sqrt 3.9940015;
     *      step = 1e-3 * 0.99992056 = 0.00099992
     *   b: g_b = g_w / 2 at every step and Adam ignores the gradient's
     *      scale, so b moves by the same 0.00099992.
     *   w = 0.999 - 0.00099992 = 0.99800008
     *   b = -0.001 - 0.00099992 = -0.00199992 */
    train_step(m, 0.994009f);
    expect_params(m, 0.99800008f, -0.00199992f);
    /* Tighter for b, which is small: bias correction at t = 2 is what
     * makes this 0.99992e-3 rather than e.g. 0.7588/sqrt(0.0319)*1e-3. */
    assert_float_equal(nnlite_model_params(m)[1], -0.00199992f, 2e-8f);
}

/* ---- update rules on chosen gradients (apply_gradients) ---- */

static void test_optim_sgd_momentum_exact_gradients(void **state)
{
    nnlite_model *m = *state;
    nnlite_optimizer *opt = NULL;
    assert_int_equal(nnlite_sgd_create(&opt, 0.1f, 0.5f), NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(m, opt), NNLITE_OK);
    /* g1 = (1, -1): v = (1, -1); w = 1 - 0.1 = 0.9, b = 0 + 0.1 = 0.1. */
    apply_step(m, 1.0f, -1.0f);
    expect_params(m, 0.9f, 0.1f);
    /* g2 = (-2, 0.5): v = 0.5 (1, -1) + (-2, 0.5) = (-1.5, 0);
     * w = 0.9 + 0.15 = 1.05, b = 0.1 - 0 = 0.1 (momentum cancels g). */
    apply_step(m, -2.0f, 0.5f);
    expect_params(m, 1.05f, 0.1f);
}

static void test_optim_sgd_nesterov_exact_gradients(void **state)
{
    nnlite_model *m = *state;
    nnlite_optimizer_options o = NNLITE_SGD_OPTIONS_INIT;
    o.learning_rate = 0.1f;
    o.momentum = 0.5f;
    o.nesterov = 1;
    use(m, &o);
    /* g1 = (1, -1): v = (1, -1); step g + 0.5 v = (1.5, -1.5);
     * w = 1 - 0.15 = 0.85, b = 0.15. */
    apply_step(m, 1.0f, -1.0f);
    expect_params(m, 0.85f, 0.15f);
    /* g2 = (-2, 0.5): v = (-1.5, 0); step g + 0.5 v = (-2.75, 0.5);
     * w = 0.85 + 0.275 = 1.125, b = 0.15 - 0.05 = 0.1. */
    apply_step(m, -2.0f, 0.5f);
    expect_params(m, 1.125f, 0.1f);
}

static void test_optim_sgd_nesterov_weight_decay_exact_gradients(
    void **state)
{
    nnlite_model *m = *state;
    nnlite_optimizer_options o = NNLITE_SGD_OPTIONS_INIT;
    o.learning_rate = 0.1f;
    o.momentum = 0.5f;
    o.nesterov = 1;
    o.weight_decay = 0.2f;
    use(m, &o);
    set_params(m, 1.0f, -1.0f);
    /* Decay enters the gradient before the momentum buffer.
     * g1 = (1, 1) + 0.2 (1, -1) = (1.2, 0.8); v = (1.2, 0.8);
     * step g + 0.5 v = (1.8, 1.2); w = 1 - 0.18 = 0.82,
     * b = -1 - 0.12 = -1.12. */
    apply_step(m, 1.0f, 1.0f);
    expect_params(m, 0.82f, -1.12f);
    /* g2 = (-1, 0) + 0.2 (0.82, -1.12) = (-0.836, -0.224);
     * v = 0.5 (1.2, 0.8) + g2 = (-0.236, 0.176);
     * step g2 + 0.5 v = (-0.954, -0.136);
     * w = 0.82 + 0.0954 = 0.9154, b = -1.12 + 0.0136 = -1.1064. */
    apply_step(m, -1.0f, 0.0f);
    expect_params(m, 0.9154f, -1.1064f);
}

static void test_optim_adam_first_step_is_lr_sign(void **state)
{
    nnlite_model *m = *state;
    const nnlite_optimizer_options o = NNLITE_ADAM_OPTIONS_INIT;
    use(m, &o);
    /* g = (100, -0.001): m^ = g, v^ = g^2, step lr g / (|g| + eps):
     * w = 1 - 1e-3 = 0.999; b = 0 + 1e-3 * 0.001 / (0.001 + 1e-8)
     * = 0.00099999. The gradient's size does not matter, only its sign. */
    apply_step(m, 100.0f, -0.001f);
    expect_params(m, 0.999f, 0.00099999f);
    assert_float_equal(nnlite_model_params(m)[1], 0.00099999f, 2e-9f);
}

static void test_optim_adam_epsilon_and_betas(void **state)
{
    nnlite_model *m = *state;
    nnlite_optimizer *opt = NULL;
    /* lr 1, b1 0.5, b2 0.75, eps 0.5: big enough that eps's place shows.
     * PyTorch: step = lr m^ / (sqrt(v^) + eps). */
    assert_int_equal(nnlite_adam_create(&opt, 1.0f, 0.5f, 0.75f, 0.5f),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(m, opt), NNLITE_OK);
    /* Step 1, g = (2, 0):
     *   m = 0.5 * 2 = 1, v = 0.25 * 4 = 1; m^ = 1 / 0.5 = 2,
     *   v^ = 1 / 0.25 = 4; step = 2 / (2 + 0.5) = 0.8; w = 0.2.
     *   (eps inside the sqrt would give 2 / sqrt(4.5) = 0.943; eps before
     *   the bias correction 2 / ((1 + 0.5) / 0.5) = 0.667.)
     *   b: m = v = 0, step 0 / (0 + eps) = 0: b stays 0. */
    apply_step(m, 2.0f, 0.0f);
    expect_params(m, 0.2f, 0.0f);
    /* Step 2, g = (-2, 0):
     *   m = 0.5 * 1 + 0.5 * (-2) = -0.5; v = 0.75 * 1 + 0.25 * 4 = 1.75
     *   m^ = -0.5 / (1 - 0.25) = -2/3; v^ = 1.75 / (1 - 0.5625) = 4
     *   step = (-2/3) / 2.5 = -0.2666667; w = 0.2 + 0.2666667. */
    apply_step(m, -2.0f, 0.0f);
    expect_params(m, 0.4666667f, 0.0f);
}

/* AdamW and Adam with L2 decay, same data: lr 0.1, wd 0.5, default betas
 * and eps; w = 2, b = -1; g1 = (0.5, 0.5), g2 = (-0.5, 0.25). */
static void run_decay(nnlite_model *m, int decoupled)
{
    nnlite_optimizer_options o = NNLITE_ADAM_OPTIONS_INIT;
    o.learning_rate = 0.1f;
    o.weight_decay = 0.5f;
    o.decoupled_weight_decay = decoupled;
    use(m, &o);
    set_params(m, 2.0f, -1.0f);
    apply_step(m, 0.5f, 0.5f);
}

static void test_optim_adamw_decoupled_decay(void **state)
{
    nnlite_model *m = *state;
    /* Step 1: first p *= 1 - lr wd = 0.95: (1.9, -0.95); then Adam on the
     * raw g = (0.5, 0.5): m^ = g, v^ = g^2, step lr sign(g) = 0.1:
     *   w = 1.8, b = -1.05;  m = (0.05, 0.05), v = (0.00025, 0.00025). */
    run_decay(m, 1);
    expect_params(m, 1.8f, -1.05f);
    /* Step 2: p *= 0.95: (1.71, -0.9975); g = (-0.5, 0.25).
     *   w: m = 0.045 - 0.05 = -0.005; v = 0.00024975 + 0.00025
     *      = 0.00049975; m^ = -0.005 / 0.19 = -0.0263158;
     *      v^ = 0.00049975 / 0.001999 = 0.25, sqrt 0.5;
     *      step = 0.1 * -0.0263158 / 0.5 = -0.00526316
     *      w = 1.71 + 0.00526316 = 1.71526316
     *   b: m = 0.045 + 0.025 = 0.07; v = 0.00024975 + 0.0000625
     *      = 0.00031225; m^ = 0.36842105; v^ = 0.15620310,
     *      sqrt 0.39522538; step = 0.1 * 0.93217960 = 0.09321796
     *      b = -0.9975 - 0.09321796 = -1.09071796 */
    apply_step(m, -0.5f, 0.25f);
    expect_params(m, 1.7152632f, -1.0907180f);
}

static void test_optim_adam_l2_decay(void **state)
{
    nnlite_model *m = *state;
    /* Step 1: g += wd p: (0.5 + 1, 0.5 - 0.5) = (1.5, 0).
     *   w: step lr sign(1.5) = 0.1 -> w = 1.9
     *   b: g = 0, so m = v = 0 and the step is 0 / (0 + eps) = 0: b = -1.
     *   m = (0.15, 0), v = (0.00225, 0).
     * AdamW gave (1.8, -1.05) from the same start: the two differ. */
    run_decay(m, 0);
    expect_params(m, 1.9f, -1.0f);
    /* Step 2: g = (-0.5, 0.25) + 0.5 (1.9, -1) = (0.45, -0.25).
     *   w: m = 0.135 + 0.045 = 0.18; v = 0.00224775 + 0.0002025
     *      = 0.00245025; m^ = 0.18 / 0.19 = 0.94736842;
     *      v^ = 0.00245025 / 0.001999 = 1.22573787, sqrt 1.10713047;
     *      step = 0.1 * 0.85569717 = 0.08556972
     *      w = 1.9 - 0.08556972 = 1.81443028
     *   b: m = -0.025; v = 0.0000625; m^ = -0.13157895;
     *      v^ = 0.03126563, sqrt 0.17682088; step = 0.1 * -0.74413679
     *      b = -1 + 0.07441368 = -0.92558632 */
    apply_step(m, -0.5f, 0.25f);
    expect_params(m, 1.8144303f, -0.9255863f);
}

/* ---- learning-rate changes between updates ---- */

static void test_optim_set_learning_rate_between_sgd_updates(void **state)
{
    nnlite_model *m = *state;
    nnlite_optimizer *opt = NULL;
    assert_int_equal(nnlite_sgd_create(&opt, 0.1f, 0.0f), NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(m, opt), NNLITE_OK);
    /* g = (1, -2) at lr 0.1: w = 0.9, b = 0.2. */
    apply_step(m, 1.0f, -2.0f);
    expect_params(m, 0.9f, 0.2f);
    /* Through the borrowed handle: lr 0.5 from the next update on:
     * w = 0.9 - 0.5 = 0.4, b = 0.2 + 1 = 1.2. */
    assert_int_equal(nnlite_optimizer_set_learning_rate(
                         nnlite_model_get_optimizer(m), 0.5f),
                     NNLITE_OK);
    expect_params(m, 0.9f, 0.2f); /* setting it updates nothing */
    apply_step(m, 1.0f, -2.0f);
    expect_params(m, 0.4f, 1.2f);
    /* An invalid rate is refused and 0.5 stays in force. */
    assert_int_equal(nnlite_optimizer_set_learning_rate(opt, -1.0f),
                     NNLITE_EINVAL);
    apply_step(m, 1.0f, -2.0f);
    expect_params(m, -0.1f, 2.2f);
}

static void test_optim_set_learning_rate_between_adam_updates(void **state)
{
    nnlite_model *m = *state;
    nnlite_optimizer *opt = NULL;
    assert_int_equal(nnlite_adam_create(&opt, 0.01f, 0.9f, 0.999f, 1e-8f),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(m, opt), NNLITE_OK);
    /* A constant gradient g = (1, -1): at step t, m = (1 - 0.9^t) g and
     * v = (1 - 0.999^t) g^2, so m^ = g and v^ = g^2 exactly and every
     * step is lr * sign(g) (eps shifts it by 1e-8 relative).
     * Step 1 at lr 0.01: w = 0.99, b = 0.01. */
    apply_step(m, 1.0f, -1.0f);
    expect_params(m, 0.99f, 0.01f);
    /* Step 2 at lr 0.1: w = 0.89, b = 0.11. */
    assert_int_equal(nnlite_optimizer_set_learning_rate(opt, 0.1f),
                     NNLITE_OK);
    apply_step(m, 1.0f, -1.0f);
    expect_params(m, 0.89f, 0.11f);
    assert_int_equal(nnlite_optimizer_step_count(opt), 2);
}

int main(void)
{
#define MODEL_TEST(f) cmocka_unit_test_setup_teardown(f, setup_model,         \
                                                      teardown_model)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_optim_options_init_values),
        cmocka_unit_test(test_optim_create_with_options),
        cmocka_unit_test(test_optim_convenience_constructors),
        cmocka_unit_test(test_optim_invalid_sgd_options),
        cmocka_unit_test(test_optim_invalid_adam_options),
        cmocka_unit_test(test_optim_invalid_kind_version_and_nulls),
        cmocka_unit_test(test_optim_half_set_allocator),
        cmocka_unit_test(test_optim_options_check_names_the_setting),
        cmocka_unit_test(test_optim_sgd_adam_check_twins),
        MODEL_TEST(test_optim_version_1_options),
        cmocka_unit_test(test_optim_get_options),
        MODEL_TEST(test_optim_sgd_dampening_two_steps),
        MODEL_TEST(test_optim_sgd_full_dampening_keeps_velocity),
        MODEL_TEST(test_optim_amsgrad_two_steps),
        MODEL_TEST(test_optim_adam_without_amsgrad_differs),
        MODEL_TEST(test_optim_allocator_routes_handle_and_state),
        MODEL_TEST(test_optim_out_of_memory_each_allocation),
        cmocka_unit_test(test_optim_learning_rate_get_set),
        cmocka_unit_test(test_optim_null_handles),
        MODEL_TEST(test_optim_step_count),
        MODEL_TEST(test_optim_model_get_optimizer),
        MODEL_TEST(test_optim_sgd_plain_two_steps),
        MODEL_TEST(test_optim_sgd_momentum_two_steps),
        MODEL_TEST(test_optim_sgd_nesterov_two_steps),
        MODEL_TEST(test_optim_sgd_weight_decay_two_steps),
        MODEL_TEST(test_optim_adam_two_steps),
        MODEL_TEST(test_optim_sgd_momentum_exact_gradients),
        MODEL_TEST(test_optim_sgd_nesterov_exact_gradients),
        MODEL_TEST(test_optim_sgd_nesterov_weight_decay_exact_gradients),
        MODEL_TEST(test_optim_adam_first_step_is_lr_sign),
        MODEL_TEST(test_optim_adam_epsilon_and_betas),
        MODEL_TEST(test_optim_adamw_decoupled_decay),
        MODEL_TEST(test_optim_adam_l2_decay),
        MODEL_TEST(test_optim_set_learning_rate_between_sgd_updates),
        MODEL_TEST(test_optim_set_learning_rate_between_adam_updates),
    };
#undef MODEL_TEST
    return cmocka_run_group_tests_name("optim", tests, NULL, NULL);
}
