/* What steers nnlite_model_fit beyond epochs and batches: the gradient
 * hook, clipping, early stopping with restore_best, learning-rate
 * schedules (against PyTorch's), row ranges, the result, and version-1
 * options from 0.2 callers. */
#include "model_util.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "model_schedule_impl.h"
#include "reference/pytorch_schedules.h"

#define ROWS 10

typedef struct fixture {
    float xs[ROWS * 2];
    float ts[ROWS];
    nnlite_tensor *x;
    nnlite_tensor *t;
} fixture;

static int setup(void **state)
{
    fixture *f = test_calloc(1, sizeof(*f));
    if (f == NULL) {
        return -1;
    }
    for (size_t i = 0; i < ROWS; i++) {
        f->xs[2 * i] = (float)i / ROWS;
        f->xs[2 * i + 1] = 1.0f - (float)i / ROWS;
        f->ts[i] = 0.5f * f->xs[2 * i] - f->xs[2 * i + 1] + 0.25f;
    }
    if (nnlite_tensor_wrap2d(&f->x, f->xs, ROWS, 2) != NNLITE_OK ||
        nnlite_tensor_wrap2d(&f->t, f->ts, ROWS, 1) != NNLITE_OK) {
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    nnlite_tensor_destroy(f->x);
    nnlite_tensor_destroy(f->t);
    test_free(f);
    return 0;
}

/* y = w1 x1 + w2 x2 + b: three parameters, MSE, plain SGD. */
static nnlite_model *linear_model(float lr)
{
    nnlite_model *m = NULL;
    assert_int_equal(nnlite_model_create(&m, 2, 7), NNLITE_OK);
    add_dense(m, 2, 1);
    set_mse(m);
    set_sgd(m, lr, 0.0f);
    return m;
}

static void expect_option_error(nnlite_model *m, fixture *f,
                                const nnlite_fit_options *o,
                                const char *words);

/* ---- the gradient hook ------------------------------------------------ */

typedef struct hook_log {
    nnlite_model *model;
    const float *grads;
    size_t calls;
    size_t rows[8];
    size_t count;
    size_t stop_at;      /* return non-zero on this call (0: never) */
    float set[3];        /* when set_grads: write these gradients */
    int set_grads;
    nnlite_status reentry; /* what train_batch said from inside */
    size_t epoch;        /* told by the epoch callback */
    size_t ascend_from;  /* negate gradients from this epoch (0: never) */
} hook_log;

static int log_hook(nnlite_model *model, float *grads, size_t count,
                    size_t rows, void *user)
{
    hook_log *h = user;
    h->model = model;
    h->grads = grads;
    h->count = count;
    if (h->calls < 8) {
        h->rows[h->calls] = rows;
    }
    h->calls++;
    if (h->set_grads) {
        memcpy(grads, h->set, sizeof(h->set));
    }
    if (h->ascend_from != 0 && h->epoch + 1 >= h->ascend_from) {
        for (size_t i = 0; i < count; i++) {
            grads[i] = -grads[i];
        }
    }
    return h->stop_at != 0 && h->calls == h->stop_at;
}

static void test_hook_sees_every_batch(void **state)
{
    fixture *f = *state;
    nnlite_model *m = linear_model(0.1f);
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    hook_log h = {0};
    o.epochs = 1;
    o.batch_size = 4;
    o.shuffle = 0;
    o.gradient_hook = log_hook;
    o.gradient_hook_user = &h;
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, NULL, NULL),
                     NNLITE_OK);
    assert_int_equal(h.calls, 3); /* 10 rows: 4 + 4 + 2 */
    assert_int_equal(h.rows[0], 4);
    assert_int_equal(h.rows[1], 4);
    assert_int_equal(h.rows[2], 2);
    assert_ptr_equal(h.model, m);
    assert_ptr_equal(h.grads, nnlite_model_grads(m));
    assert_int_equal(h.count, 3);
    nnlite_model_destroy(m);
}

/* Gradients the hook writes are the ones applied: SGD with lr 1 moves
 * the parameters by exactly minus them. */
static void test_hook_changes_the_update(void **state)
{
    fixture *f = *state;
    nnlite_model *m = linear_model(1.0f);
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    hook_log h = {.set = {0.5f, -0.25f, 2.0f}, .set_grads = 1};
    float before[3];
    o.epochs = 1;
    o.batch_size = ROWS;
    o.gradient_hook = log_hook;
    o.gradient_hook_user = &h;
    memcpy(before, nnlite_model_params(m), sizeof(before));
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, NULL, NULL),
                     NNLITE_OK);
    for (size_t i = 0; i < 3; i++) {
        assert_float_equal(nnlite_model_params(m)[i], before[i] - h.set[i],
                           1e-6f);
    }
    nnlite_model_destroy(m);
}

static int count_epochs(const nnlite_epoch_stats *s, void *user)
{
    (void)s;
    ++*(size_t *)user;
    return 0;
}

/* A non-zero return stops at once: that batch is not applied, no epoch
 * callback runs for the broken epoch, and the result says why. */
static void test_hook_stops_training(void **state)
{
    fixture *f = *state;
    nnlite_model *m = linear_model(0.1f);
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    nnlite_fit_result r = NNLITE_FIT_RESULT_INIT;
    hook_log h = {.stop_at = 4};
    size_t epochs_seen = 0;
    o.epochs = 5;
    o.batch_size = 4;
    o.gradient_hook = log_hook;
    o.gradient_hook_user = &h;
    o.result = &r;
    assert_int_equal(
        nnlite_model_fit(m, f->x, f->t, &o, count_epochs, &epochs_seen),
        NNLITE_OK);
    assert_int_equal(h.calls, 4);
    assert_int_equal(epochs_seen, 1);
    assert_int_equal(r.stop, NNLITE_FIT_HOOK_STOPPED);
    assert_int_equal(r.epochs_run, 1);
    assert_int_equal(r.updates, 3);
    assert_int_equal(
        nnlite_optimizer_step_count(nnlite_model_get_optimizer(m)), 3);
    nnlite_model_destroy(m);
}

static int reenter_hook(nnlite_model *model, float *grads, size_t count,
                        size_t rows, void *user)
{
    hook_log *h = user;
    float xs[2] = {0, 0}, ts[1] = {0};
    nnlite_tensor *x = NULL, *t = NULL;
    (void)grads;
    (void)count;
    (void)rows;
    if (nnlite_tensor_wrap2d(&x, xs, 1, 2) == NNLITE_OK &&
        nnlite_tensor_wrap2d(&t, ts, 1, 1) == NNLITE_OK) {
        h->reentry = nnlite_model_train_batch(model, x, t, NULL);
    }
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    return 1;
}

static void test_hook_cannot_train(void **state)
{
    fixture *f = *state;
    nnlite_model *m = linear_model(0.1f);
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    hook_log h = {0};
    o.gradient_hook = reenter_hook;
    o.gradient_hook_user = &h;
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, NULL, NULL),
                     NNLITE_OK);
    assert_int_equal(h.reentry, NNLITE_ESTATE);
    assert_int_equal(
        nnlite_optimizer_step_count(nnlite_model_get_optimizer(m)), 0);
    nnlite_model_destroy(m);
}

/* ---- clipping ---------------------------------------------------------- */

/* The hook sets the gradients to [3, -4, 12] (norm 13); clipping to 6.5
 * must scale them as PyTorch's clip_grad_norm_ does. */
static void test_clip_matches_pytorch(void **state)
{
    fixture *f = *state;
    nnlite_model *m = linear_model(1.0f);
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    hook_log h = {.set = {3.0f, -4.0f, 12.0f}, .set_grads = 1};
    float before[3];
    o.epochs = 1;
    o.batch_size = ROWS;
    o.gradient_hook = log_hook;
    o.gradient_hook_user = &h;
    o.clip_grad_norm = 6.5f;
    memcpy(before, nnlite_model_params(m), sizeof(before));
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, NULL, NULL),
                     NNLITE_OK);
    for (size_t i = 0; i < 3; i++) {
        /* by hand: 6.5 / (13 + 1e-6) = 0.49999996 times the gradient */
        assert_float_equal(before[i] - nnlite_model_params(m)[i],
                           torch_clipped[i], 2e-6f);
        assert_float_equal(torch_clipped[i], h.set[i] * 0.5f, 1e-5f);
    }
    /* Below the limit nothing changes. */
    memcpy(before, nnlite_model_params(m), sizeof(before));
    o.clip_grad_norm = 13.5f;
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, NULL, NULL),
                     NNLITE_OK);
    for (size_t i = 0; i < 3; i++) {
        assert_float_equal(before[i] - nnlite_model_params(m)[i], h.set[i],
                           1e-6f);
    }
    nnlite_model_destroy(m);
}

/* ---- early stopping ---------------------------------------------------- */

typedef struct stop_log {
    hook_log *hook;
    float params[4][3]; /* after epochs 1..4 */
    nnlite_epoch_stats last;
    float validation[8];
    size_t calls;
} stop_log;

static int watch(const nnlite_epoch_stats *s, void *user)
{
    stop_log *l = user;
    l->hook->epoch = s->epoch;
    if (s->epoch <= 4) {
        memcpy(l->params[s->epoch - 1], nnlite_model_params(s->model),
               sizeof(l->params[0]));
    }
    if (l->calls < 8) {
        l->validation[l->calls] = s->validation_loss;
    }
    l->calls++;
    l->last = *s;
    return 0;
}

/* Gradient descent for 3 epochs, then ascent (the hook negates the
 * gradients): the validation loss (the training set itself) falls, then
 * rises. Patience 2 stops after epoch 5; epoch 3 was best, and
 * restore_best puts its parameters back. */
static void test_early_stopping_restores_best(void **state)
{
    fixture *f = *state;
    nnlite_model *m = linear_model(0.05f);
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    nnlite_fit_result r = NNLITE_FIT_RESULT_INIT;
    hook_log h = {.ascend_from = 4};
    stop_log l = {.hook = &h};
    o.epochs = 50;
    o.batch_size = ROWS;
    o.shuffle = 0;
    o.validation_x = f->x;
    o.validation_target = f->t;
    o.gradient_hook = log_hook;
    o.gradient_hook_user = &h;
    o.patience = 2;
    o.restore_best = 1;
    o.result = &r;
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, watch, &l),
                     NNLITE_OK);
    assert_true(l.validation[1] < l.validation[0]);
    assert_true(l.validation[2] < l.validation[1]);
    assert_true(l.validation[3] > l.validation[2]);
    assert_true(l.validation[4] > l.validation[3]);
    assert_int_equal(l.calls, 5);
    assert_int_equal(l.last.stop, NNLITE_FIT_EARLY_STOPPED);
    assert_int_equal(l.last.best_epoch, 3);
    assert_true(l.last.best_validation_loss == l.validation[2]);
    assert_ptr_equal(l.last.model, m);
    assert_int_equal(r.stop, NNLITE_FIT_EARLY_STOPPED);
    assert_int_equal(r.epochs_run, 5);
    assert_int_equal(r.updates, 5);
    assert_int_equal(r.best_epoch, 3);
    assert_true(r.best_validation_loss == l.validation[2]);
    assert_true(r.validation_loss == l.validation[4]);
    assert_int_equal(r.restored_best, 1);
    assert_memory_equal(nnlite_model_params(m), l.params[2],
                        sizeof(l.params[2]));
    nnlite_model_destroy(m);
}

/* The hook stops training in the middle of epoch 2, after epoch 1 was
 * the best: restore_best undoes that half epoch's updates too. */
static void test_restore_best_after_hook_stop(void **state)
{
    fixture *f = *state;
    nnlite_model *m = linear_model(0.05f);
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    nnlite_fit_result r = NNLITE_FIT_RESULT_INIT;
    hook_log h = {.stop_at = 5}; /* 3 batches an epoch: epoch 2, batch 2 */
    stop_log l = {.hook = &h};
    o.epochs = 5;
    o.batch_size = 4;
    o.shuffle = 0;
    o.validation_x = f->x;
    o.validation_target = f->t;
    o.gradient_hook = log_hook;
    o.gradient_hook_user = &h;
    o.restore_best = 1;
    o.result = &r;
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, watch, &l),
                     NNLITE_OK);
    assert_int_equal(r.stop, NNLITE_FIT_HOOK_STOPPED);
    assert_int_equal(r.epochs_run, 1);
    assert_int_equal(r.updates, 4);
    assert_int_equal(r.best_epoch, 1);
    assert_int_equal(r.restored_best, 1);
    assert_memory_equal(nnlite_model_params(m), l.params[0],
                        sizeof(l.params[0]));
    nnlite_model_destroy(m);
}

/* min_delta: improvements smaller than it count as bad epochs, so a
 * slowly improving run stops; without it the run completes. */
static void test_min_delta_counts_small_gains_as_bad(void **state)
{
    fixture *f = *state;
    nnlite_model *m = linear_model(1e-4f); /* tiny steps, tiny gains */
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    nnlite_fit_result r = NNLITE_FIT_RESULT_INIT;
    o.epochs = 6;
    o.batch_size = ROWS;
    o.validation_x = f->x;
    o.validation_target = f->t;
    o.patience = 2;
    o.result = &r;
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, NULL, NULL),
                     NNLITE_OK);
    assert_int_equal(r.stop, NNLITE_FIT_COMPLETED);
    assert_int_equal(r.best_epoch, 6);
    assert_int_equal(r.restored_best, 0);
    o.min_delta = 1.0f;
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, NULL, NULL),
                     NNLITE_OK);
    assert_int_equal(r.stop, NNLITE_FIT_EARLY_STOPPED);
    assert_int_equal(r.epochs_run, 3);
    assert_int_equal(r.best_epoch, 1);
    nnlite_model_destroy(m);
}

/* ---- schedules --------------------------------------------------------- */

static void expect_rates(const nnlite_lr_schedule *settings,
                         const double *torch, const float *losses)
{
    nnlite__schedule sc;
    nnlite__schedule_start(&sc, settings, TORCH_LR0, TORCH_EPOCHS);
    for (size_t e = 0; e < TORCH_EPOCHS; e++) {
        const float lr = nnlite__schedule_rate(&sc, e);
        assert_float_equal(lr, (float)torch[e], 1e-6f * (float)torch[e]);
        if (losses != NULL) {
            nnlite__schedule_observe(&sc, losses[e]);
        }
    }
}

static void test_schedules_match_pytorch(void **state)
{
    nnlite_lr_schedule s = {.kind = NNLITE_LR_STEP, .step_size = 3,
                            .gamma = 0.5f};
    (void)state;
    expect_rates(&s, torch_step, NULL);
    s = (nnlite_lr_schedule){.kind = NNLITE_LR_EXPONENTIAL, .gamma = 0.8f};
    expect_rates(&s, torch_exponential, NULL);
    s = (nnlite_lr_schedule){.kind = NNLITE_LR_COSINE, .t_max = 10,
                             .min_lr = 0.001f};
    expect_rates(&s, torch_cosine, NULL);
    s = (nnlite_lr_schedule){.kind = NNLITE_LR_PLATEAU, .gamma = 0.5f,
                             .min_lr = 0.01f, .patience = 1,
                             .threshold = 1e-4f};
    expect_rates(&s, torch_plateau, torch_plateau_losses);
}

/* Cosine down to a min_lr of 0 reaches exactly 0 at t_max, which no
 * optimizer accepts: the smallest positive float is used instead. */
static void test_cosine_to_zero_stays_positive(void **state)
{
    const nnlite_lr_schedule s = {.kind = NNLITE_LR_COSINE, .t_max = 4};
    nnlite__schedule sc;
    (void)state;
    nnlite__schedule_start(&sc, &s, 0.1f, 4);
    assert_true(nnlite__schedule_rate(&sc, 4) == FLT_MIN);
    assert_float_equal(nnlite__schedule_rate(&sc, 2), 0.05f, 1e-8f);
}

static int rates_seen(const nnlite_epoch_stats *s, void *user)
{
    ((float *)user)[s->epoch - 1] = s->learning_rate;
    return 0;
}

/* In fit: each epoch's updates use the scheduled rate, and the last rate
 * stays with the optimizer. */
static void test_fit_follows_the_schedule(void **state)
{
    fixture *f = *state;
    nnlite_model *m = linear_model(0.1f);
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    nnlite_fit_result r = NNLITE_FIT_RESULT_INIT;
    float rates[7] = {0};
    o.epochs = 7;
    o.schedule.kind = NNLITE_LR_STEP;
    o.schedule.step_size = 3;
    o.schedule.gamma = 0.5f;
    o.result = &r;
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, rates_seen, rates),
                     NNLITE_OK);
    for (size_t e = 0; e < 7; e++) {
        assert_float_equal(rates[e], 0.1f * powf(0.5f, (float)(e / 3)),
                           1e-9f);
    }
    assert_float_equal(nnlite_optimizer_get_learning_rate(
                           nnlite_model_get_optimizer(m)),
                       0.025f, 1e-9f);
    assert_float_equal(r.learning_rate, 0.025f, 1e-9f);
    nnlite_model_destroy(m);
}

/* A run split over two fits follows the curve of one: the second starts
 * at first_epoch 3 from base_lr 0.1, though the optimizer's rate is by
 * then 0.05. Cosine with t_max 0 spans first_epoch plus the epochs. */
static void test_schedule_resumes_across_fits(void **state)
{
    fixture *f = *state;
    nnlite_model *m = linear_model(0.1f);
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    float first[3] = {0}, second[3] = {0};
    nnlite__schedule sc;
    o.epochs = 3;
    o.schedule.kind = NNLITE_LR_STEP;
    o.schedule.step_size = 2;
    o.schedule.gamma = 0.5f;
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, rates_seen, first),
                     NNLITE_OK);
    o.schedule.first_epoch = 3;
    o.schedule.base_lr = 0.1f;
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, rates_seen, second),
                     NNLITE_OK);
    const float want[6] = {0.1f, 0.1f, 0.05f, 0.05f, 0.025f, 0.025f};
    for (size_t e = 0; e < 3; e++) {
        assert_float_equal(first[e], want[e], 1e-9f);
        assert_float_equal(second[e], want[3 + e], 1e-9f);
    }
    o.schedule = (nnlite_lr_schedule){.kind = NNLITE_LR_COSINE,
                                      .first_epoch = 2, .base_lr = 0.1f};
    nnlite__schedule_start(&sc, &o.schedule, 0.5f, 2);
    assert_float_equal(nnlite__schedule_rate(&sc, 0), 0.05f, 1e-8f);
    assert_true(nnlite__schedule_rate(&sc, 2) == FLT_MIN); /* e = t_max */
    /* A plateau schedule starts from base_lr too. */
    o.schedule = (nnlite_lr_schedule){.kind = NNLITE_LR_PLATEAU,
                                      .gamma = 0.5f, .patience = 10,
                                      .base_lr = 0.02f};
    nnlite__schedule_start(&sc, &o.schedule, 0.5f, 2);
    assert_float_equal(nnlite__schedule_rate(&sc, 0), 0.02f, 1e-9f);
    o.schedule.base_lr = -1.0f;
    expect_option_error(m, f, &o, "schedule.base_lr -1");
    nnlite_model_destroy(m);
}

/* Plateau through fit, on a validation loss that cannot move (the hook
 * zeroes every gradient): after each run of patience + 1 bad epochs the
 * rate halves, never below min_lr. */
static void test_fit_plateau_reduces(void **state)
{
    fixture *f = *state;
    nnlite_model *m = linear_model(0.1f);
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    hook_log h = {.set_grads = 1}; /* gradients 0, 0, 0 */
    float rates[8] = {0};
    o.epochs = 8;
    o.validation_x = f->x;
    o.validation_target = f->t;
    o.gradient_hook = log_hook;
    o.gradient_hook_user = &h;
    o.schedule.kind = NNLITE_LR_PLATEAU;
    o.schedule.gamma = 0.5f;
    o.schedule.patience = 1;
    o.schedule.min_lr = 0.03f;
    o.schedule.threshold = 1e-4f;
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, rates_seen, rates),
                     NNLITE_OK);
    /* epoch 1 sets best; 2, 3 bad: reduce after 3; 4, 5 bad: after 5 */
    assert_float_equal(rates[0], 0.1f, 1e-9f);
    assert_float_equal(rates[2], 0.1f, 1e-9f);
    assert_float_equal(rates[3], 0.05f, 1e-9f);
    assert_float_equal(rates[4], 0.05f, 1e-9f);
    assert_float_equal(rates[5], 0.03f, 1e-9f); /* the floor */
    assert_float_equal(rates[7], 0.03f, 1e-9f);
    nnlite_model_destroy(m);
}

/* ---- row ranges -------------------------------------------------------- */

/* Training on rows 2..6 of x equals training on a tensor of just those
 * rows; validating on rows 7..9 of the same tensor equals evaluating
 * them. */
static void test_row_ranges(void **state)
{
    fixture *f = *state;
    nnlite_model *a = linear_model(0.1f), *b = linear_model(0.1f);
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    nnlite_tensor *x = NULL, *t = NULL, *vx = NULL, *vt = NULL;
    nnlite_fit_result r = NNLITE_FIT_RESULT_INIT;
    float expected;
    o.epochs = 3;
    o.batch_size = 2;
    assert_int_equal(nnlite_tensor_wrap2d(&x, f->xs + 4, 5, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, f->ts + 2, 5, 1), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&vx, f->xs + 14, 3, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&vt, f->ts + 7, 3, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_fit(a, x, t, &o, NULL, NULL), NNLITE_OK);
    o.first_row = 2;
    o.row_count = 5;
    o.validation_x = f->x;
    o.validation_target = f->t;
    o.validation_first_row = 7; /* row_count 0: to the end */
    o.result = &r;
    assert_int_equal(nnlite_model_fit(b, f->x, f->t, &o, NULL, NULL),
                     NNLITE_OK);
    assert_memory_equal(nnlite_model_params(a), nnlite_model_params(b),
                        3 * sizeof(float));
    assert_int_equal(nnlite_model_evaluate(b, vx, vt, &expected), NNLITE_OK);
    assert_true(r.validation_loss == expected);
    assert_int_equal(r.updates, 9); /* 3 epochs of 2 + 2 + 1 rows */
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_tensor_destroy(vx);
    nnlite_tensor_destroy(vt);
    nnlite_model_destroy(a);
    nnlite_model_destroy(b);
}

/* NaN outside the rows trained on is not looked at; inside it is, and
 * the message counts rows from the start of the tensor. */
static void test_row_ranges_check_only_their_rows(void **state)
{
    fixture *f = *state;
    nnlite_model *m = linear_model(0.1f);
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    o.row_count = 5;
    f->xs[2 * 8] = NAN;
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, NULL, NULL),
                     NNLITE_OK);
    o.first_row = 5;
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, NULL, NULL),
                     NNLITE_ENUMERIC);
    assert_string_equal(nnlite_model_last_error(m), "x[8][0] is not finite");
    nnlite_model_destroy(m);
}

/* validation_split 0.3 of rows 0..9 is rows 7..9 as a validation range,
 * bit for bit; its errors name it. */
static void test_validation_split(void **state)
{
    fixture *f = *state;
    nnlite_model *a = linear_model(0.1f), *b = linear_model(0.1f);
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    nnlite_fit_result ra = NNLITE_FIT_RESULT_INIT, rb = NNLITE_FIT_RESULT_INIT;
    o.epochs = 3;
    o.batch_size = 3;
    o.result = &ra;
    o.validation_split = 0.3f;
    assert_int_equal(nnlite_model_fit(a, f->x, f->t, &o, NULL, NULL),
                     NNLITE_OK);
    o.validation_split = 0.0f;
    o.row_count = 7;
    o.validation_x = f->x;
    o.validation_target = f->t;
    o.validation_first_row = 7;
    o.result = &rb;
    assert_int_equal(nnlite_model_fit(b, f->x, f->t, &o, NULL, NULL),
                     NNLITE_OK);
    assert_memory_equal(nnlite_model_params(a), nnlite_model_params(b),
                        3 * sizeof(float));
    assert_true(ra.validation_loss == rb.validation_loss);
    assert_int_equal(ra.updates, 9); /* 7 rows: 3 + 3 + 1 per epoch */
    /* errors */
    o.validation_split = 0.5f;
    expect_option_error(a, f, &o, "validation_split and validation_x");
    o = (nnlite_fit_options)NNLITE_FIT_OPTIONS_INIT;
    o.validation_split = 1.0f;
    expect_option_error(a, f, &o, "validation_split 1 is outside (0, 1)");
    o.validation_split = NAN;
    expect_option_error(a, f, &o, "validation_split");
    o.validation_split = 0.04f; /* 10 rows: none would validate */
    expect_option_error(a, f, &o, "leaves validation no row");
    o.validation_split = 0.96f; /* 9.6 rows round to 10 */
    expect_option_error(a, f, &o, "leaves training no row");
    nnlite_model_destroy(a);
    nnlite_model_destroy(b);
}

/* ---- options and the result ------------------------------------------- */

static void expect_option_error(nnlite_model *m, fixture *f,
                                const nnlite_fit_options *o,
                                const char *words)
{
    const nnlite_status s = nnlite_model_fit(m, f->x, f->t, o, NULL, NULL);
    if (s != NNLITE_EINVAL) {
        fail_msg("status %d, not EINVAL, where \"%s\" was expected",
                 (int)s, words);
    }
    if (strstr(nnlite_model_last_error(m), words) == NULL) {
        fail_msg("\"%s\" does not mention \"%s\"", nnlite_model_last_error(m),
                 words);
    }
}

static void test_option_errors(void **state)
{
    fixture *f = *state;
    nnlite_model *m = linear_model(0.1f);
    const nnlite_fit_options init = NNLITE_FIT_OPTIONS_INIT;
    nnlite_fit_options o = init;
    nnlite_fit_result r = NNLITE_FIT_RESULT_INIT;

    o.clip_grad_norm = -1.0f;
    expect_option_error(m, f, &o, "clip_grad_norm -1");
    o.clip_grad_norm = NAN;
    expect_option_error(m, f, &o, "clip_grad_norm");
    o = init;
    o.min_delta = -0.5f;
    expect_option_error(m, f, &o, "min_delta -0.5");
    o = init;
    o.patience = 3;
    expect_option_error(m, f, &o, "patience watches the validation loss");
    o = init;
    o.restore_best = 1;
    expect_option_error(m, f, &o, "restore_best");
    o = init;
    o.schedule.kind = (nnlite_lr_schedule_kind)9;
    expect_option_error(m, f, &o, "schedule.kind 9");
    o.schedule.kind = NNLITE_LR_STEP;
    o.schedule.gamma = 0.5f;
    expect_option_error(m, f, &o, "step_size");
    o.schedule.step_size = 2;
    o.schedule.gamma = 1.5f;
    expect_option_error(m, f, &o, "gamma 1.5");
    o.schedule.kind = NNLITE_LR_EXPONENTIAL;
    o.schedule.gamma = 0.0f;
    expect_option_error(m, f, &o, "gamma 0");
    o.schedule.kind = NNLITE_LR_COSINE;
    o.schedule.min_lr = -1.0f;
    expect_option_error(m, f, &o, "min_lr -1");
    o.schedule.kind = NNLITE_LR_PLATEAU;
    o.schedule.gamma = 0.1f;
    o.schedule.min_lr = 0.0f;
    o.schedule.threshold = 1.0f;
    expect_option_error(m, f, &o, "threshold 1");
    o = init;
    o.first_row = ROWS;
    expect_option_error(m, f, &o, "first_row 10 is past the last row");
    o.first_row = 4;
    o.row_count = 7;
    expect_option_error(m, f, &o, "row_count 7 from row 4");
    o = init;
    o.validation_x = f->x;
    o.validation_target = f->t;
    o.validation_first_row = 3;
    o.validation_row_count = SIZE_MAX;
    expect_option_error(m, f, &o, "validation_row_count");
    o = init;
    o.version = NNLITE_FIT_OPTIONS_VERSION + 1;
    expect_option_error(m, f, &o, "fit options version 4");
    o = init;
    r.version = 0;
    o.result = &r;
    expect_option_error(m, f, &o, "fit result version 0");
    assert_int_equal(
        nnlite_optimizer_step_count(nnlite_model_get_optimizer(m)), 0);
    nnlite_model_destroy(m);
}

static void test_result_of_a_complete_and_a_failed_fit(void **state)
{
    fixture *f = *state;
    nnlite_model *m = linear_model(0.1f);
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    nnlite_fit_result r = NNLITE_FIT_RESULT_INIT;
    stop_log l = {.hook = &(hook_log){0}};
    o.epochs = 3;
    o.batch_size = 4;
    o.result = &r;
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, watch, &l),
                     NNLITE_OK);
    assert_int_equal(r.stop, NNLITE_FIT_COMPLETED);
    assert_int_equal(l.last.stop, NNLITE_FIT_COMPLETED);
    assert_int_equal(r.epochs_run, 3);
    assert_int_equal(r.updates, 9);
    assert_true(r.train_loss == l.last.train_loss);
    assert_true(isnan(r.validation_loss));
    assert_true(isnan(r.best_validation_loss));
    assert_int_equal(r.best_epoch, 0);
    assert_float_equal(r.learning_rate, 0.1f, 0.0f);
    /* Diverging: the result says it failed, after how much. */
    assert_int_equal(nnlite_optimizer_set_learning_rate(
                         nnlite_model_get_optimizer(m), 1e30f),
                     NNLITE_OK);
    o.epochs = 100;
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, NULL, NULL),
                     NNLITE_ENUMERIC);
    assert_int_equal(r.stop, NNLITE_FIT_FAILED);
    assert_true(r.updates < 100 * 3);
    nnlite_model_destroy(m);
}

/* A caller built against 0.2 passes the shorter version-1 struct: only
 * its fields are read (ASan would see a read past this exact-size
 * block), and it trains exactly as the same settings in version 2. */
static void test_version_1_options(void **state)
{
    fixture *f = *state;
    const size_t v1_size = offsetof(nnlite_fit_options, first_row);
    nnlite_fit_options *v1 = test_malloc(v1_size);
    nnlite_fit_options v2 = NNLITE_FIT_OPTIONS_INIT;
    nnlite_model *a = linear_model(0.1f), *b = linear_model(0.1f);
    memcpy(v1, &v2, v1_size);
    v1->version = 1;
    v1->epochs = 4;
    v1->batch_size = 3;
    v2.epochs = 4;
    v2.batch_size = 3;
    assert_int_equal(nnlite_model_fit(a, f->x, f->t, v1, NULL, NULL),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_fit(b, f->x, f->t, &v2, NULL, NULL),
                     NNLITE_OK);
    assert_memory_equal(nnlite_model_params(a), nnlite_model_params(b),
                        3 * sizeof(float));
    test_free(v1);
    nnlite_model_destroy(a);
    nnlite_model_destroy(b);
}

/* ---- memory ------------------------------------------------------------ */

/* With hook, clipping, early stopping, restore_best and a schedule, the
 * first fit allocates; a second one at the same sizes does not. */
static void test_controls_allocate_nothing_per_epoch(void **state)
{
    fixture *f = *state;
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    nnlite_model *m = NULL;
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    hook_log h = {0};
    assert_int_equal(nnlite_model_create_advanced(&m, 2, 1, &a), NNLITE_OK);
    add_dense(m, 2, 8);
    add_relu(m);
    add_dense(m, 8, 1);
    set_mse(m);
    set_sgd(m, 0.01f, 0.9f);
    o.epochs = 1;
    o.batch_size = 3;
    o.validation_x = f->x;
    o.validation_target = f->t;
    o.gradient_hook = log_hook;
    o.gradient_hook_user = &h;
    o.clip_grad_norm = 0.5f;
    o.patience = 3;
    o.restore_best = 1;
    o.schedule.kind = NNLITE_LR_COSINE;
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, NULL, NULL),
                     NNLITE_OK);
    const size_t after_first_fit = st.calls;
    o.epochs = 6;
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, NULL, NULL),
                     NNLITE_OK);
    assert_int_equal(st.calls, after_first_fit);
    nnlite_model_destroy(m);
    assert_int_equal(st.live, 0);
}

/* Every allocation of a fit with restore_best failing in turn: ENOMEM,
 * parameters untouched, nothing leaked. */
static void test_restore_best_allocation_failures(void **state)
{
    fixture *f = *state;
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    nnlite_fit_result r = NNLITE_FIT_RESULT_INIT;
    nnlite_model *m = NULL;
    float saved[16];
    o.epochs = 2;
    o.validation_x = f->x;
    o.validation_target = f->t;
    o.restore_best = 1;
    o.result = &r;
    for (size_t n = 1;; n++) {
        st = (test_alloc_state){0};
        assert_int_equal(nnlite_model_create_advanced(&m, 2, 1, &a),
                         NNLITE_OK);
        add_dense(m, 2, 3);
        add_dense(m, 3, 1);
        set_mse(m);
        set_sgd(m, 0.05f, 0.0f);
        const size_t params = nnlite_model_param_count(m);
        memcpy(saved, nnlite_model_params(m), params * sizeof(float));
        st.fail_at = st.calls + n;
        nnlite_status s = nnlite_model_fit(m, f->x, f->t, &o, NULL, NULL);
        nnlite_model_destroy(m);
        assert_int_equal(st.live, 0);
        if (s == NNLITE_OK) {
            assert_true(n > 1);
            break;
        }
        assert_int_equal(s, NNLITE_ENOMEM);
        /* the result says so, with nothing trained */
        assert_int_equal(r.stop, NNLITE_FIT_FAILED);
        assert_int_equal(r.updates, 0);
        assert_int_equal(r.epochs_run, 0);
        r.stop = NNLITE_FIT_RUNNING;
    }
    (void)saved;
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_hook_sees_every_batch),
        T(test_hook_changes_the_update),
        T(test_hook_stops_training),
        T(test_hook_cannot_train),
        T(test_clip_matches_pytorch),
        T(test_early_stopping_restores_best),
        T(test_min_delta_counts_small_gains_as_bad),
        T(test_restore_best_after_hook_stop),
        cmocka_unit_test(test_schedules_match_pytorch),
        cmocka_unit_test(test_cosine_to_zero_stays_positive),
        T(test_fit_follows_the_schedule),
        T(test_fit_plateau_reduces),
        T(test_schedule_resumes_across_fits),
        T(test_row_ranges),
        T(test_row_ranges_check_only_their_rows),
        T(test_validation_split),
        T(test_option_errors),
        T(test_result_of_a_complete_and_a_failed_fit),
        T(test_version_1_options),
        T(test_controls_allocate_nothing_per_epoch),
        T(test_restore_best_allocation_failures),
    };
#undef T
    return cmocka_run_group_tests_name("fit_control", tests, NULL, NULL);
}
