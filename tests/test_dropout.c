/* Dropout: construction and the check twin, its definition (the fraction
 * dropped within binomial bounds, the kept elements scaled exactly by
 * 1 / (1 - p)), the identity outside training, determinism for a seed,
 * finite differences with a fixed mask, and inside a model: the identity
 * at inference, the masks wired to the right layers (finite differences
 * of the whole model), no allocation in fit, allocation failures. */
#include "harness.h"

#include <math.h>
#include <string.h>

#include "compute_util.h"
#include "layer_impl.h"
#include "model_impl.h"
#include "model_util.h"

/* ---- construction ------------------------------------------------------ */

typedef struct p_case {
    float p;
    nnlite_status status;
    const char *message;
} p_case;

static void test_dropout_create_and_check(void **state)
{
    const p_case cases[] = {
        {0.0f, NNLITE_OK, ""},
        {0.5f, NNLITE_OK, ""},
        {0.999f, NNLITE_OK, ""},
        {-0.0f, NNLITE_OK, ""},
        {-0.25f, NNLITE_EINVAL, "p -0.25 is outside [0, 1)"},
        {1.0f, NNLITE_EINVAL, "p 1 is outside [0, 1)"},
        {1.5f, NNLITE_EINVAL, "p 1.5 is outside [0, 1)"},
        {NAN, NNLITE_EINVAL, "p nan is outside [0, 1)"},
        {INFINITY, NNLITE_EINVAL, "p inf is outside [0, 1)"},
    };
    char msg[64];
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const p_case *c = &cases[i];
        nnlite_layer *l = (nnlite_layer *)(uintptr_t)1;
        memset(msg, 'x', sizeof(msg));
        assert_int_equal(nnlite_dropout_check(c->p, msg, sizeof(msg)),
                         c->status);
        assert_string_equal(msg, c->message);
        assert_int_equal(nnlite_dropout_create(&l, c->p), c->status);
        if (c->status == NNLITE_OK) {
            float got = NAN;
            assert_int_equal(nnlite_layer_kind_of(l), NNLITE_LAYER_DROPOUT);
            assert_int_equal(nnlite_layer_dropout(l, &got), NNLITE_OK);
            assert_memory_equal(&got, &c->p, sizeof(got)); /* -0 too */
            assert_int_equal(nnlite_layer_dropout(l, NULL), NNLITE_EINVAL);
            assert_int_equal(nnlite__layer_param_count(l), 0);
            nnlite_layer_destroy(l);
        } else {
            assert_null(l);
        }
        l = (nnlite_layer *)(uintptr_t)1;
        assert_int_equal(nnlite_dropout_create_advanced(&l, c->p, NULL),
                         c->status);
        nnlite_layer_destroy(l == (nnlite_layer *)(uintptr_t)1 ? NULL : l);
    }
    assert_int_equal(nnlite_dropout_create(NULL, 0.5f), NNLITE_EINVAL);
    nnlite_layer *relu = NULL;
    float p = 0.25f;
    assert_int_equal(nnlite_relu_create(&relu), NNLITE_OK);
    assert_int_equal(nnlite_layer_dropout(relu, &p), NNLITE_EINVAL);
    assert_int_equal(nnlite_layer_dropout(NULL, &p), NNLITE_EINVAL);
    assert_true(p == 0.25f);
    nnlite_layer_destroy(relu);
    assert_int_equal(nnlite_dropout_check(2.0f, NULL, 0), NNLITE_EINVAL);
    assert_int_equal(nnlite_dropout_check(2.0f, msg, 4), NNLITE_EINVAL);
    assert_string_equal(msg, "p 2");
}

static void test_dropout_allocation_failure(void **state)
{
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    nnlite_layer *l = NULL;
    (void)state;
    st.fail_at = 1; /* its one allocation */
    l = (nnlite_layer *)(uintptr_t)1;
    assert_int_equal(nnlite_dropout_create_advanced(&l, 0.5f, &a),
                     NNLITE_ENOMEM);
    assert_null(l);
    assert_int_equal(st.live, 0);
    st = (test_alloc_state){0};
    assert_int_equal(nnlite_dropout_create_advanced(&l, 0.5f, &a), NNLITE_OK);
    assert_int_equal(st.live, 1);
    nnlite_layer_destroy(l);
    assert_int_equal(st.live, 0);
    a.free = NULL;
    assert_int_equal(nnlite_dropout_create_advanced(&l, 0.5f, &a),
                     NNLITE_EINVAL);
}

/* ---- the layer's definition -------------------------------------------- */

/* A dropout layer of drop probability p bound to `width`, and a training
 * context drawing from rng into mask. */
static nnlite_layer *make_dropout(float p, size_t width)
{
    nnlite_layer *l = NULL;
    assert_int_equal(nnlite_dropout_create(&l, p), NNLITE_OK);
    assert_true(l->ops->bind(l, width));
    return l;
}

static void training_context(nnlite__compute *cx, nnlite__rng *rng,
                             float *mask)
{
    assert_true(test_compute_create(cx, NNLITE__PATH_GENERIC, 4));
    cx->training = true;
    cx->rng = rng;
    cx->mask = mask;
}

/*
 * Over n elements each dropped independently with probability p, the
 * count dropped is binomial(n, p): mean np, standard deviation
 * sqrt(np(1-p)). Allow 5 of them (a fixed seed makes this deterministic;
 * 5 sigma keeps a correct layer passing for any seed with probability
 * 1 - 6e-7, and a layer dropping at p +- 0.01 fails: 1000 elements off
 * at n = 10^5, over 6 sigma). Kept elements are x * (1 / (1 - p)),
 * exactly the float product.
 */
static void check_statistics(float p)
{
    enum { ROWS = 100, WIDTH = 1000, N = ROWS * WIDTH };
    float *x = test_malloc(N * sizeof(float));
    float *y = test_malloc(N * sizeof(float));
    float *mask = test_malloc(N * sizeof(float));
    const float scale = 1.0f / (1.0f - p);
    nnlite__rng rng;
    nnlite__compute cx;
    size_t dropped = 0;
    nnlite_layer *l = make_dropout(p, WIDTH);
    nnlite__rng_seed(&rng, 42);
    training_context(&cx, &rng, mask);
    for (size_t i = 0; i < N; i++) {
        x[i] = 1.0f + (float)(i % 7) * 0.25f; /* never 0 */
    }
    l->ops->forward(l, NULL, x, y, ROWS, &cx);
    for (size_t i = 0; i < N; i++) {
        if (y[i] == 0.0f) {
            dropped++;
            assert_true(mask[i] == 0.0f);
        } else {
            assert_true(y[i] == x[i] * scale);
            assert_true(mask[i] == scale);
        }
    }
    const double mean = (double)N * (double)p;
    const double sd = sqrt(mean * (1.0 - (double)p));
    print_message("dropout p %.2f: %zu of %d dropped (expected %.0f, sd "
                  "%.1f)\n",
                  (double)p, dropped, N, mean, sd);
    assert_true(fabs((double)dropped - mean) <= 5.0 * sd);
    test_compute_destroy(&cx);
    nnlite_layer_destroy(l);
    test_free(x);
    test_free(y);
    test_free(mask);
}

static void test_dropout_statistics(void **state)
{
    (void)state;
    check_statistics(0.1f);
    check_statistics(0.3f);
    check_statistics(0.5f);
    check_statistics(0.9f);
}

/* Outside training, and with p = 0, the identity; neither draws. */
static void test_dropout_identity_without_training(void **state)
{
    const float x[8] = {1, -2, 3.5f, 0, -0.25f, 7, 8, -9};
    float y[8], mask[8], dy[8], dx[8];
    nnlite__rng rng, before;
    nnlite__compute cx;
    nnlite_layer *l = make_dropout(0.5f, 4);
    (void)state;
    nnlite__rng_seed(&rng, 3);
    before = rng;
    training_context(&cx, &rng, mask);
    cx.training = false;
    l->ops->forward(l, NULL, x, y, 2, &cx);
    assert_memory_equal(y, x, sizeof(x));
    assert_memory_equal(&rng, &before, sizeof(rng));
    nnlite_layer_destroy(l);

    l = make_dropout(0.0f, 4);
    cx.training = true;
    l->ops->forward(l, NULL, x, y, 2, &cx);
    assert_memory_equal(y, x, sizeof(x));
    assert_memory_equal(&rng, &before, sizeof(rng));
    for (size_t i = 0; i < 8; i++) {
        dy[i] = (float)i - 3.0f;
    }
    l->ops->backward(l, NULL, x, y, dy, dx, NULL, 2, &cx);
    assert_memory_equal(dx, dy, sizeof(dx));
    nnlite_layer_destroy(l);
    test_compute_destroy(&cx);
}

/* The same seed gives the same mask; another seed another. */
static void test_dropout_deterministic(void **state)
{
    enum { N = 64 };
    float x[N], a[N], b[N], c[N], mask[N];
    nnlite__rng rng;
    nnlite__compute cx;
    nnlite_layer *l = make_dropout(0.5f, N);
    (void)state;
    for (size_t i = 0; i < N; i++) {
        x[i] = (float)i + 1.0f;
    }
    training_context(&cx, &rng, mask);
    nnlite__rng_seed(&rng, 7);
    l->ops->forward(l, NULL, x, a, 1, &cx);
    nnlite__rng_seed(&rng, 7);
    l->ops->forward(l, NULL, x, b, 1, &cx);
    nnlite__rng_seed(&rng, 8);
    l->ops->forward(l, NULL, x, c, 1, &cx);
    assert_memory_equal(a, b, sizeof(a));
    assert_memory_not_equal(a, c, sizeof(a));
    test_compute_destroy(&cx);
    nnlite_layer_destroy(l);
}

/* L = sum c y with the mask held fixed (the generator reseeded before
 * every forward pass): central differences against backward, which must
 * apply the mask the forward pass drew. */
static void test_dropout_gradient_fixed_mask(void **state)
{
    enum { ROWS = 3, W = 5, N = ROWS * W };
    float x[N], c[N], y[N], dx[N], mask[N];
    const float h = 0.125f;
    size_t zeros = 0;
    nnlite__rng rng;
    nnlite__compute cx;
    nnlite_layer *l = make_dropout(0.4f, W);
    (void)state;
    training_context(&cx, &rng, mask);
    for (size_t i = 0; i < N; i++) {
        x[i] = (float)((double)((i * 7) % 12) * 0.5 - 2.75);
        c[i] = (float)((double)((i * 5) % 9) * 0.25 - 1.0);
    }
    nnlite__rng_seed(&rng, 11);
    l->ops->forward(l, NULL, x, y, ROWS, &cx);
    l->ops->backward(l, NULL, x, y, c, dx, NULL, ROWS, &cx);
    for (size_t i = 0; i < N; i++) {
        double up = 0.0, down = 0.0;
        const float saved = x[i];
        zeros += mask[i] == 0.0f;
        x[i] = saved + h;
        nnlite__rng_seed(&rng, 11);
        l->ops->forward(l, NULL, x, y, ROWS, &cx);
        for (size_t k = 0; k < N; k++) {
            up += (double)c[k] * (double)y[k];
        }
        x[i] = saved - h;
        nnlite__rng_seed(&rng, 11);
        l->ops->forward(l, NULL, x, y, ROWS, &cx);
        for (size_t k = 0; k < N; k++) {
            down += (double)c[k] * (double)y[k];
        }
        x[i] = saved;
        const double numeric = (up - down) / (2.0 * (double)h);
        assert_true(fabs(numeric - (double)dx[i]) <=
                    1e-5 * fmax(1.0, fabs(numeric)));
    }
    /* Both kinds of element were checked. */
    assert_true(zeros > 0 && zeros < N);
    test_compute_destroy(&cx);
    nnlite_layer_destroy(l);
}

/* ---- inside a model ---------------------------------------------------- */

static void add_dropout(nnlite_model *m, float p)
{
    nnlite_layer *l = NULL;
    add_created(m, nnlite_dropout_create(&l, p), &l);
}

/* dense 3 -> 5, dropout p1, tanh, dense 5 -> 4, dropout p2, dense 4 -> 2:
 * two masks of different widths, so a mask handed to the wrong layer
 * shows. Parameters drawn from seed 5 whatever p1, p2. */
static nnlite_model *make_model(float p1, float p2, uint64_t seed,
                                const nnlite_allocator *a)
{
    nnlite_model *m = NULL;
    assert_int_equal(nnlite_model_create_advanced(&m, 3, seed, a), NNLITE_OK);
    add_dense(m, 3, 5);
    if (p1 >= 0.0f) {
        add_dropout(m, p1);
    }
    add_tanh(m);
    add_dense(m, 5, 4);
    if (p2 >= 0.0f) {
        add_dropout(m, p2);
    }
    add_dense(m, 4, 2);
    set_mse(m);
    set_sgd(m, 0.05f, 0.5f);
    float *p = nnlite_model_params(m);
    for (size_t i = 0; i < nnlite_model_param_count(m); i++) {
        p[i] = (float)((double)((i * 11) % 13) * 0.15 - 0.9);
    }
    return m;
}

typedef struct data {
    float xv[18], tv[12];
    nnlite_tensor *x, *t;
} data;

static int setup(void **state)
{
    data *d = test_malloc(sizeof(*d));
    if (d == NULL) {
        return -1;
    }
    for (size_t i = 0; i < 18; i++) {
        d->xv[i] = (float)((double)((i * 7) % 10) * 0.3 - 1.4);
    }
    for (size_t i = 0; i < 12; i++) {
        d->tv[i] = (float)((double)((i * 3) % 5) * 0.5 - 1.0);
    }
    if (nnlite_tensor_wrap2d(&d->x, d->xv, 6, 3) != NNLITE_OK ||
        nnlite_tensor_wrap2d(&d->t, d->tv, 6, 2) != NNLITE_OK) {
        return -1;
    }
    *state = d;
    return 0;
}

static int teardown(void **state)
{
    data *d = *state;
    nnlite_tensor_destroy(d->x);
    nnlite_tensor_destroy(d->t);
    test_free(d);
    return 0;
}

/* forward and evaluate ignore dropout: the outputs and loss of a model
 * without it, bit for bit, and the generator does not move. */
static void test_dropout_model_inference_identity(void **state)
{
    data *d = *state;
    float ya[12], yb[12], la, lb;
    nnlite_tensor *ta = NULL, *tb = NULL;
    nnlite_model *a = make_model(0.5f, 0.3f, 1, NULL);
    nnlite_model *b = make_model(-1.0f, -1.0f, 1, NULL);
    assert_int_equal(nnlite_tensor_wrap2d(&ta, ya, 6, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&tb, yb, 6, 2), NNLITE_OK);
    const nnlite__rng before = a->rng;
    assert_int_equal(nnlite_model_forward(a, d->x, ta), NNLITE_OK);
    assert_int_equal(nnlite_model_forward(b, d->x, tb), NNLITE_OK);
    assert_memory_equal(ya, yb, sizeof(ya));
    assert_int_equal(nnlite_model_evaluate(a, d->x, d->t, &la), NNLITE_OK);
    assert_int_equal(nnlite_model_evaluate(b, d->x, d->t, &lb), NNLITE_OK);
    assert_true(la == lb);
    assert_memory_equal(&a->rng, &before, sizeof(before));
    /* A training step does draw, and gives another loss. */
    assert_int_equal(nnlite_model_compute_gradients(a, d->x, d->t, &la),
                     NNLITE_OK);
    assert_memory_not_equal(&a->rng, &before, sizeof(before));
    assert_true(la != lb);
    nnlite_tensor_destroy(ta);
    nnlite_tensor_destroy(tb);
    nnlite_model_destroy(a);
    nnlite_model_destroy(b);
}

/* The whole model's gradients against central differences of its loss,
 * the generator restored before each evaluation so every pass draws the
 * same masks. Wrong mask wiring (a mask from the wrong layer or another
 * draw in backward) fails this. */
static void test_dropout_model_gradient(void **state)
{
    data *d = *state;
    nnlite_model *m = make_model(0.4f, 0.25f, 9, NULL);
    const size_t n = nnlite_model_param_count(m);
    float grads[64], loss, up, down;
    const float h = 1e-2f;
    double worst = 0.0;
    assert_true(n <= 64);
    const nnlite__rng start = m->rng;
    assert_int_equal(nnlite_model_compute_gradients(m, d->x, d->t, &loss),
                     NNLITE_OK);
    memcpy(grads, nnlite_model_grads(m), n * sizeof(float));
    for (size_t j = 0; j < n; j++) {
        float *p = nnlite_model_params(m);
        const float saved = p[j];
        p[j] = saved + h;
        m->rng = start;
        assert_int_equal(nnlite_model_compute_gradients(m, d->x, d->t, &up),
                         NNLITE_OK);
        p[j] = saved - h;
        m->rng = start;
        assert_int_equal(
            nnlite_model_compute_gradients(m, d->x, d->t, &down),
            NNLITE_OK);
        p[j] = saved;
        const double numeric = ((double)up - (double)down) / (2.0 * (double)h);
        const double scale =
            fmax(fabs(numeric) + fabs((double)grads[j]), 1e-2);
        worst = fmax(worst, fabs(numeric - (double)grads[j]) / scale);
    }
    print_message("dropout model: max relative gradient error %.2e\n",
                  worst);
    assert_true(worst < 5e-3);
    nnlite_model_destroy(m);
}

/* The same seed trains to the same bits; another seed, or no dropout,
 * to others. */
static void test_dropout_model_deterministic(void **state)
{
    data *d = *state;
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    nnlite_model *a = make_model(0.5f, 0.5f, 21, NULL);
    nnlite_model *b = make_model(0.5f, 0.5f, 21, NULL);
    nnlite_model *c = make_model(0.5f, 0.5f, 22, NULL);
    nnlite_model *z = make_model(0.0f, 0.0f, 21, NULL);
    nnlite_model *none = make_model(-1.0f, -1.0f, 21, NULL);
    const size_t n = nnlite_model_param_count(a);
    o.epochs = 3;
    o.batch_size = 2;
    assert_int_equal(nnlite_model_fit(a, d->x, d->t, &o, NULL, NULL),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_fit(b, d->x, d->t, &o, NULL, NULL),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_fit(c, d->x, d->t, &o, NULL, NULL),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_fit(z, d->x, d->t, &o, NULL, NULL),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_fit(none, d->x, d->t, &o, NULL, NULL),
                     NNLITE_OK);
    assert_memory_equal(nnlite_model_params(a), nnlite_model_params(b),
                        n * sizeof(float));
    assert_memory_not_equal(nnlite_model_params(a), nnlite_model_params(c),
                            n * sizeof(float));
    assert_memory_not_equal(nnlite_model_params(a), nnlite_model_params(z),
                            n * sizeof(float));
    /* p = 0 is the identity in training too, and draws nothing: the same
     * shuffles, the same bits as without the layers. */
    assert_memory_equal(nnlite_model_params(z), nnlite_model_params(none),
                        n * sizeof(float));
    nnlite_model_destroy(a);
    nnlite_model_destroy(b);
    nnlite_model_destroy(c);
    nnlite_model_destroy(z);
    nnlite_model_destroy(none);
}

/* Masks live in the workspace: a second fit allocates nothing. */
static void test_dropout_fit_allocates_nothing(void **state)
{
    data *d = *state;
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    nnlite_model *m = make_model(0.5f, 0.2f, 3, &a);
    o.epochs = 1;
    o.batch_size = 4; /* a full batch of 4 and a last one of 2 */
    o.validation_x = d->x;
    o.validation_target = d->t;
    assert_int_equal(nnlite_model_fit(m, d->x, d->t, &o, NULL, NULL),
                     NNLITE_OK);
    const size_t after_first = st.calls;
    o.epochs = 5;
    assert_int_equal(nnlite_model_fit(m, d->x, d->t, &o, NULL, NULL),
                     NNLITE_OK);
    assert_int_equal(st.calls, after_first);
    nnlite_model_destroy(m);
    assert_int_equal(st.live, 0);
}

/* Each allocation of a first training step failing in turn: ENOMEM,
 * nothing leaked, and the step then works. */
static void test_dropout_step_every_allocation_failure(void **state)
{
    data *d = *state;
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    size_t failures = 0, expected = 0;
    for (size_t n = 1;; n++) {
        float loss;
        st = (test_alloc_state){0};
        nnlite_model *m = make_model(0.5f, 0.2f, 3, &a);
        /* The workspace, and the packing scratch where the kernels pack
         * (the portable ones read such small products in place). */
        expected = 1 + (nnlite__model_pack_floats(
                            m, nnlite_tensor_dim(d->x, 0)) > 0);
        st.fail_at = st.calls + n;
        nnlite_status s = nnlite_model_train_batch(m, d->x, d->t, &loss);
        st.fail_at = 0;
        if (s == NNLITE_OK) {
            nnlite_model_destroy(m);
            assert_int_equal(st.live, 0);
            break;
        }
        failures++;
        assert_int_equal(s, NNLITE_ENOMEM);
        assert_int_equal(nnlite_model_train_batch(m, d->x, d->t, &loss),
                         NNLITE_OK);
        nnlite_model_destroy(m);
        assert_int_equal(st.live, 0);
    }
    assert_int_equal(failures, expected);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dropout_create_and_check),
        cmocka_unit_test(test_dropout_allocation_failure),
        cmocka_unit_test(test_dropout_statistics),
        cmocka_unit_test(test_dropout_identity_without_training),
        cmocka_unit_test(test_dropout_deterministic),
        cmocka_unit_test(test_dropout_gradient_fixed_mask),
        cmocka_unit_test_setup_teardown(test_dropout_model_inference_identity,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_dropout_model_gradient, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_dropout_model_deterministic,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_dropout_fit_allocates_nothing,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_dropout_step_every_allocation_failure, setup, teardown),
    };
    return cmocka_run_group_tests_name("dropout", tests, NULL, NULL);
}
