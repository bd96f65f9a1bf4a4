/*
 * Seeded shuffles and train/test splits. Both move whole rows with the
 * swaps of a Fisher-Yates shuffle (the sequence nnlite__rng_shuffle
 * makes): for i = rows down to 2, swap row i-1 with row
 * nnlite__rng_below(i). A split copies x into [train; test] first and
 * shuffles the two new tensors as one, so no index array is needed and
 * x_train followed by x_test is exactly nnlite_data_shuffle's result.
 */
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "message_impl.h"
#include "nnlite/data.h"
#include "rng_impl.h"
#include "tensor_impl.h"

/* Rows [0, head_rows) in `head`, the rest in `tail` (may be NULL). */
typedef struct rows_view {
    float *head;
    float *tail;
    size_t head_rows;
    size_t width; /* floats per row */
} rows_view;

static float *row_at(const rows_view *v, size_t r)
{
    return r < v->head_rows ? v->head + r * v->width
                            : v->tail + (r - v->head_rows) * v->width;
}

static void swap_rows(const rows_view *v, size_t i, size_t j)
{
    float *a = row_at(v, i), *b = row_at(v, j);
    for (size_t k = 0; k < v->width; k++) {
        const float t = a[k];
        a[k] = b[k];
        b[k] = t;
    }
}

/* The same swaps on x and (when not NULL) t, `rows` rows each. */
static void shuffle_rows(const rows_view *x, const rows_view *t, size_t rows,
                         uint64_t seed)
{
    nnlite__rng rng;
    nnlite__rng_seed(&rng, seed);
    for (size_t i = rows; i > 1; i--) {
        const size_t j = nnlite__rng_below(&rng, i);
        if (j != i - 1) {
            swap_rows(x, i - 1, j);
            if (t != NULL) {
                swap_rows(t, i - 1, j);
            }
        }
    }
}

static size_t width_of(const nnlite_tensor *t)
{
    return t->size / t->shape[0];
}

static rows_view whole(nnlite_tensor *t)
{
    rows_view v = {t->data, NULL, t->shape[0], width_of(t)};
    return v;
}

/* The checks shuffle and split share. */
static nnlite_status check_pair(const nnlite_tensor *x,
                                const nnlite_tensor *target, char *message,
                                size_t size)
{
    nnlite__format(message, size, "%s", "");
    if (x == NULL) {
        nnlite__format(message, size, "x is NULL");
        return NNLITE_EINVAL;
    }
    if (target != NULL && target->shape[0] != x->shape[0]) {
        nnlite__format(message, size, "target has %zu rows, x has %zu",
                       target->shape[0], x->shape[0]);
        return NNLITE_ESHAPE;
    }
    return NNLITE_OK;
}

nnlite_status nnlite_data_shuffle_check(const nnlite_tensor *x,
                                        const nnlite_tensor *target,
                                        char *message, size_t size)
{
    nnlite_status s = check_pair(x, target, message, size);
    if (s != NNLITE_OK) {
        return s;
    }
    if (!nnlite__tensor_writable(x) ||
        (target != NULL && !nnlite__tensor_writable(target))) {
        nnlite__format(message, size,
                       "%s is a read-only view (wrap_const): its rows "
                       "cannot be shuffled in place",
                       nnlite__tensor_writable(x) ? "target" : "x");
        return NNLITE_EINVAL;
    }
    return NNLITE_OK;
}

nnlite_status nnlite_data_shuffle(nnlite_tensor *x, nnlite_tensor *target,
                                  uint64_t seed)
{
    rows_view xv, tv = {NULL, NULL, 0, 0};
    nnlite_status s = nnlite_data_shuffle_check(x, target, NULL, 0);
    if (s != NNLITE_OK) {
        return s;
    }
    xv = whole(x);
    if (target != NULL) {
        tv = whole(target);
    }
    shuffle_rows(&xv, target != NULL ? &tv : NULL, x->shape[0], seed);
    return NNLITE_OK;
}

/* Validation of a split; *test_rows = the test part's row count. */
static nnlite_status check_split(const nnlite_tensor *x,
                                 const nnlite_tensor *target,
                                 float test_fraction, size_t *test_rows,
                                 char *message, size_t size)
{
    size_t rows, test;
    nnlite_status s = check_pair(x, target, message, size);
    if (s != NNLITE_OK) {
        return s;
    }
    /* Written so that NaN fails too. */
    if (!(test_fraction > 0.0f && test_fraction < 1.0f)) {
        nnlite__format(message, size, "test_fraction %g is outside (0, 1)",
                       (double)test_fraction);
        return NNLITE_EINVAL;
    }
    rows = x->shape[0];
    test = (size_t)floor((double)test_fraction * (double)rows + 0.5);
    if (test == 0 || test >= rows) {
        nnlite__format(message, size,
                       "test_fraction %g of %zu rows leaves no %s row",
                       (double)test_fraction, rows,
                       test == 0 ? "test" : "training");
        return NNLITE_EINVAL;
    }
    *test_rows = test;
    return NNLITE_OK;
}

nnlite_status nnlite_data_split_check(const nnlite_tensor *x,
                                      const nnlite_tensor *target,
                                      float test_fraction, int shuffle,
                                      uint64_t seed, char *message,
                                      size_t size)
{
    size_t test;
    (void)shuffle; /* every value of these two is valid */
    (void)seed;
    return check_split(x, target, test_fraction, &test, message, size);
}

/* Two new tensors shaped like `from` with `train` and `test` rows, filled
 * with its rows in order; both NULL on failure. */
static nnlite_status copy_parts(nnlite_tensor **train, nnlite_tensor **test,
                                const nnlite_tensor *from,
                                size_t train_rows)
{
    size_t shape[NNLITE_TENSOR_MAX_RANK];
    const size_t row_bytes = width_of(from) * sizeof(float);
    nnlite_status s;
    memcpy(shape, from->shape, from->rank * sizeof(shape[0]));
    shape[0] = train_rows;
    s = nnlite_tensor_create_advanced(train, from->rank, shape,
                                      &from->allocator);
    if (s != NNLITE_OK) {
        return s;
    }
    shape[0] = from->shape[0] - train_rows;
    s = nnlite_tensor_create_advanced(test, from->rank, shape,
                                      &from->allocator);
    if (s != NNLITE_OK) {
        nnlite_tensor_destroy(*train);
        *train = NULL;
        return s;
    }
    /* Row sizes cannot overflow: x itself holds them all. */
    memcpy((*train)->data, from->data, train_rows * row_bytes);
    memcpy((*test)->data, from->data + train_rows * width_of(from),
           (*test)->shape[0] * row_bytes);
    return NNLITE_OK;
}

static rows_view joined(nnlite_tensor *head, nnlite_tensor *tail)
{
    rows_view v = {head->data, tail->data, head->shape[0], width_of(head)};
    return v;
}

static void clear(nnlite_tensor **a, nnlite_tensor **b, nnlite_tensor **c,
                  nnlite_tensor **d)
{
    nnlite_tensor **all[4] = {a, b, c, d};
    for (size_t i = 0; i < 4; i++) {
        if (all[i] != NULL) {
            nnlite_tensor_destroy(*all[i]);
            *all[i] = NULL;
        }
    }
}

nnlite_status nnlite_data_split(nnlite_tensor **x_train,
                                nnlite_tensor **target_train,
                                nnlite_tensor **x_test,
                                nnlite_tensor **target_test,
                                const nnlite_tensor *x,
                                const nnlite_tensor *target,
                                float test_fraction, int shuffle,
                                uint64_t seed)
{
    size_t test = 0, train;
    rows_view xv, tv = {NULL, NULL, 0, 0};
    nnlite_status s;

    if (x_train != NULL) {
        *x_train = NULL;
    }
    if (x_test != NULL) {
        *x_test = NULL;
    }
    if (target_train != NULL) {
        *target_train = NULL;
    }
    if (target_test != NULL) {
        *target_test = NULL;
    }
    if (x_train == NULL || x_test == NULL ||
        (target != NULL && (target_train == NULL || target_test == NULL))) {
        return NNLITE_EINVAL;
    }
    if ((s = check_split(x, target, test_fraction, &test, NULL, 0)) !=
        NNLITE_OK) {
        return s;
    }
    train = x->shape[0] - test;
    if ((s = copy_parts(x_train, x_test, x, train)) != NNLITE_OK ||
        (target != NULL && (s = copy_parts(target_train, target_test, target,
                                           train)) != NNLITE_OK)) {
        clear(x_train, x_test, target_train, target_test);
        return s;
    }
    if (shuffle) {
        xv = joined(*x_train, *x_test);
        if (target != NULL) {
            tv = joined(*target_train, *target_test);
        }
        shuffle_rows(&xv, target != NULL ? &tv : NULL, x->shape[0], seed);
    }
    return NNLITE_OK;
}
