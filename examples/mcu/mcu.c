/* mcu: the lecture's case study on a microcontroller with no operating
 * system (a Cortex-M4 with 24 KB for nnlite), and unchanged on a PC.
 *
 * It forecasts a channel's views from the days before, as the lecture
 * does: first the 7-day linear model, then a 56 -> 16 ReLU -> 1 network,
 * both trained with MAE and Adam in mini-batches of 8 on the days of 2020
 * and tested on 2021. A device has no files and should not call malloc,
 * so the data is compiled in (views_data.h, written at build time from
 * examples/data/channel_views.csv) and every byte nnlite uses comes from
 * one static arena; before training, nnlite_model_memory_needed() says
 * whether it will hold the network.
 * At the end the network is saved to a buffer (as it would be to flash),
 * loaded back, and must predict the same bits.
 *   cc mcu.c $(pkg-config --cflags --libs nnlite)   (with views_data.h) */
#include <nnlite/nnlite.h>
#include <stdio.h>
#include <string.h>

#include "views_data.h"

#define BATCH 8           /* rows per update */
#define MAX_DAYS 56       /* the longest input window */
/* nnlite's whole memory. A Cortex-M (M profile) needs 24 KB for this
 * network; elsewhere the kernels pack their operands into scratch (12.5 KB
 * on x86-64), and the printed high-water mark says what each one used. */
#if defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M'
#define ARENA_BYTES 24576
#else
#define ARENA_BYTES 49152
#endif

/* Stop at the first failure; `done` says why. */
#define TRY(call) if ((s = (call)) != NNLITE_OK) goto done

static _Alignas(8) unsigned char arena_memory[ARENA_BYTES];
static float batch_x[BATCH * MAX_DAYS], batch_y[BATCH];
static unsigned char saved_model[8192]; /* flash, on a real device */
static char load_error[128];             /* why loading failed, if it did */

/* fill_batch reads MAX_DAYS days before the first training day, and
 * reload_matches a whole batch of test days. */
_Static_assert(VIEWS_FIRST_TRAIN >= MAX_DAYS, "too few days before 2020");
_Static_assert(VIEWS_DAYS - VIEWS_FIRST_TEST >= BATCH, "too few test days");

/* Rows for the days first .. first + rows - 1: each day's input is the
 * `days` days before it, oldest first; its target is the day itself. */
static void fill_batch(size_t first, size_t rows, size_t days)
{
    for (size_t r = 0; r < rows; r++) {
        memcpy(batch_x + r * days, views + first + r - days,
               days * sizeof(float));
        batch_y[r] = views[first + r];
    }
}

/* Rows from day `day` to the batch's end or `end`, whichever is first. */
static size_t batch_rows(size_t day, size_t end)
{
    return end - day < BATCH ? end - day : BATCH;
}

/* One epoch: one update per batch of the training days, in order. */
static nnlite_status train_epoch(nnlite_model *m, nnlite_tensor *x,
                                 nnlite_tensor *y, size_t days)
{
    nnlite_status s = NNLITE_OK;
    float loss;
    for (size_t d = VIEWS_FIRST_TRAIN; d < VIEWS_FIRST_TEST && !s;) {
        const size_t n = batch_rows(d, VIEWS_FIRST_TEST);
        fill_batch(d, n, days);
        if ((s = nnlite_tensor_rewrap(x, batch_x, n)) == NNLITE_OK &&
            (s = nnlite_tensor_rewrap(y, batch_y, n)) == NNLITE_OK) {
            s = nnlite_model_train_batch(m, x, y, &loss);
        }
        d += n;
    }
    return s;
}

/* Mean absolute error over days first .. end - 1, a batch at a time. */
static nnlite_status mae(nnlite_model *m, size_t first, size_t end,
                         size_t days, float *result)
{
    nnlite_status s = NNLITE_OK;
    float out[BATCH];
    double sum = 0.0;
    for (size_t d = first; d < end && !s; d += BATCH) {
        const size_t n = batch_rows(d, end);
        fill_batch(d, n, days);
        s = nnlite_model_predict(m, batch_x, n, out);
        for (size_t r = 0; r < n; r++) {
            const float e = out[r] - batch_y[r];
            sum += (double)(e < 0.0f ? -e : e);
        }
    }
    *result = (float)(sum / (double)(end - first));
    return s;
}

/* A model on `days` inputs, its layers given as dense widths with a ReLU
 * between each two, MAE and Adam at `lr`; all from the arena. */
static nnlite_status build(nnlite_model **m, size_t days, const size_t *widths,
                           size_t count, float lr, const nnlite_allocator *a)
{
    nnlite_optimizer_options adam = NNLITE_ADAM_OPTIONS_INIT;
    nnlite_layer_spec dense = {NNLITE_LAYER_DENSE, days, 0, 0.0f};
    const nnlite_layer_spec relu = {NNLITE_LAYER_RELU, 0, 0, 0.0f};
    nnlite_layer *l;
    nnlite_loss *loss;
    nnlite_optimizer *o;
    nnlite_status s;
    TRY(nnlite_model_create_advanced(m, days, 42, a));
    /* The plain C kernels: a PC then computes the device's very bits. */
    TRY(nnlite_model_set_kernels(*m, NNLITE_KERNELS_PORTABLE));
    for (size_t i = 0; i < count; i++) {
        if (i > 0) {
            TRY(nnlite_layer_create_advanced(&l, &relu, a));
            TRY(nnlite_model_add(*m, l));
        }
        dense.out_features = widths[i];
        TRY(nnlite_layer_create_advanced(&l, &dense, a));
        TRY(nnlite_model_add(*m, l));
        dense.in_features = widths[i];
    }
    TRY(nnlite_loss_create_advanced(&loss, NNLITE_LOSS_MAE, a));
    TRY(nnlite_model_set_loss(*m, loss));
    adam.learning_rate = lr;
    TRY(nnlite_optimizer_create_advanced(&o, &adam, a));
    /* No undo copy of the parameters: 2 floats of Adam state per
     * parameter instead of 5. Gradients are still checked, so a NaN
     * changes nothing; only an update that overflows could not be undone. */
    TRY(nnlite_optimizer_set_rollback(o, 0));
    TRY(nnlite_model_set_optimizer(*m, o));
done:
    return s;
}

/* Train for `epochs` epochs, then measure on the training and test days. */
static nnlite_status study(nnlite_model *m, size_t days, size_t epochs,
                           const nnlite_allocator *a, float *train_mae,
                           float *test_mae)
{
    const size_t x_shape[2] = {BATCH, days}, y_shape[2] = {BATCH, 1};
    nnlite_tensor *x = NULL, *y = NULL; /* handles on the batch buffers */
    nnlite_status s;
    TRY(nnlite_tensor_wrap_advanced(&x, batch_x, 2, x_shape, a));
    TRY(nnlite_tensor_wrap_advanced(&y, batch_y, 2, y_shape, a));
    for (size_t e = 0; e < epochs; e++) {
        TRY(train_epoch(m, x, y, days));
    }
    TRY(mae(m, VIEWS_FIRST_TRAIN, VIEWS_FIRST_TEST, days, train_mae));
    TRY(mae(m, VIEWS_FIRST_TEST, VIEWS_DAYS, days, test_mae));
done:
    nnlite_tensor_destroy(y);
    nnlite_tensor_destroy(x);
    return s;
}

/* Save the model to a buffer (flash, on a device) and free it; load it
 * back into the arena: the copy must predict the first test batch bit
 * for bit as the model did. The two would not fit in 24 KB together. */
static nnlite_status reload_matches(nnlite_model **m, const nnlite_allocator *a,
                                    size_t *bytes, int *same)
{
    nnlite_save_options save = NNLITE_SAVE_OPTIONS_INIT;
    nnlite_load_options load = NNLITE_LOAD_OPTIONS_INIT;
    nnlite_model *copy = NULL;
    float before[BATCH], after[BATCH];
    nnlite_status s;
    save.optimizer = 0; /* inference only: no Adam state to store */
    load.allocator = a;
    load.error = load_error;
    load.error_size = sizeof load_error;
    fill_batch(VIEWS_FIRST_TEST, BATCH, MAX_DAYS);
    TRY(nnlite_model_predict(*m, batch_x, BATCH, before));
    TRY(nnlite_model_save_buffer_advanced(*m, saved_model, sizeof saved_model,
                                          bytes, &save));
    nnlite_model_destroy(*m);
    *m = NULL;
    TRY(nnlite_model_load_buffer_advanced(&copy, saved_model, *bytes, &load));
    TRY(nnlite_model_set_kernels(copy, NNLITE_KERNELS_PORTABLE));
    TRY(nnlite_model_predict(copy, batch_x, BATCH, after));
    *same = memcmp(before, after, sizeof before) == 0;
done:
    nnlite_model_destroy(copy);
    return s;
}

int main(void)
{
    static const size_t linear[] = {1}, network[] = {16, 1};
    nnlite_arena *arena = NULL;
    nnlite_allocator a;
    nnlite_model *m = NULL;
    size_t needed = 0, ram = 0, saved = 0;
    float train, test;
    int same = 0;
    nnlite_status s;
    TRY(nnlite_arena_create(&arena, arena_memory, sizeof arena_memory));
    a = nnlite_arena_allocator(arena);

    /* The 7-day linear model: y = b + sum of w_j x_j over the last week. */
    TRY(build(&m, 7, linear, 1, 0.01f, &a));
    TRY(study(m, 7, 40, &a, &train, &test));
    printf("linear, 7 days:   train_mae %.3fk test_mae %.3fk\n",
           (double)train, (double)test);
    nnlite_model_destroy(m);
    m = NULL;

    /* 56 days through 16 ReLUs: the arena must hold what the model says. */
    TRY(build(&m, 56, network, 2, 0.001f, &a));
    TRY(nnlite_model_memory_needed(m, BATCH, &needed));
    if (needed > nnlite_arena_capacity(arena)) {
        printf("mcu: the arena holds %lu bytes; the network needs %lu\n",
               (unsigned long)nnlite_arena_capacity(arena),
               (unsigned long)needed);
        s = NNLITE_ENOMEM;
        goto done;
    }
    /* The two tensor handles study() makes take blocks the linear model
     * left free, so the high-water mark is the network's own. */
    TRY(study(m, 56, 200, &a, &train, &test));
    ram = nnlite_arena_high_water(arena);
    printf("56 -> 16 ReLU -> 1: train_mae %.3fk test_mae %.3fk\n",
           (double)train, (double)test);
    /* (unsigned long): small C libraries' printf may lack %zu. */
    printf("arena: high-water mark %lu of %lu bytes; the model said %lu\n",
           (unsigned long)ram, (unsigned long)sizeof arena_memory,
           (unsigned long)needed);
    TRY(reload_matches(&m, &a, &saved, &same));
    printf("saved %lu bytes; loaded back, predictions %s\n",
           (unsigned long)saved, same ? "identical" : "DIFFERENT");
    printf("mcu: test_mae %.9g ram_bytes %lu needed_bytes %lu\n",
           (double)test, (unsigned long)ram, (unsigned long)needed);
done:
    if (s != NNLITE_OK) { /* the status, and the model's reason if any */
        const char *why = m != NULL ? nnlite_model_last_error(m) : load_error;
        printf("mcu: failed: %s%s%s\n", nnlite_status_string(s),
               why[0] != '\0' ? ": " : "", why);
    }
    nnlite_model_destroy(m);
    return s == NNLITE_OK && same ? 0 : 1;
}
