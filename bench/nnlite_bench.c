/* nnlite-bench: four workloads, timed on the public API
 * (docs/performance.md describes them and the method).
 *
 *   nnlite-bench --workload W1|W2|W3|W4 [--threads N] [--reps R]
 *                [--path generic|avx2|avx512|neon] [--rows N]
 *                [--epochs N] [--calls N]
 *
 * --path runs the kernels of that instruction-set path (the tests' hook;
 * the default is the CPU's best); --rows, --epochs and --calls shrink a
 * workload, e.g. to count instructions under an emulator.
 *
 * Every repetition builds a model with fresh weights (seed = repetition),
 * trains one untimed warm-up epoch, then times the workload. Data comes
 * from a fixed-seed generator. The last line is "W<n> samples_per_s <m>"
 * (W4: "W4 ns_per_call <m>") with m the median over repetitions. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "model_impl.h" /* nnlite__model_force_path, the tests' hook */
#include "nnlite/nnlite.h"

typedef struct workload {
    const char *name;
    size_t in, rows, epochs, batch;
    int classify; /* softmax CE + Adam, else MSE + SGD */
    int shuffle;
    size_t calls; /* inference: one-sample forward calls timed */
} workload;

static const workload workloads[] = {
    {"W1", 56, 1000, 50, 32, 0, 1, 0},
    {"W2", 784, 10000, 3, 64, 1, 1, 0},
    {"W3", 7, 10000, 20, 1, 0, 0, 0},
    {"W4", 56, 0, 0, 0, 0, 0, 200000}, /* inference, W1's network */
};

static const char *const path_names[NNLITE__PATH_COUNT] = {
    [NNLITE__PATH_GENERIC] = "generic",
    [NNLITE__PATH_AVX2] = "avx2",
    [NNLITE__PATH_AVX512] = "avx512",
    [NNLITE__PATH_NEON] = "neon",
};

/* The kernel path to force, or -1 for the CPU's best. */
static int forced_path = -1;

/* Counts the library's allocations (all of them go through this). */
typedef struct counter {
    unsigned long calls;
} counter;

static void *count_alloc(void *user, size_t size)
{
    ((counter *)user)->calls++;
    return malloc(size);
}

static void count_free(void *user, void *ptr)
{
    (void)user;
    free(ptr);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static float uniform(void) /* [-1, 1), xorshift64* */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    const uint64_t r = rng_state * 2685821657736338717u;
    return (float)(r >> 40) / 8388608.0f - 1.0f;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void check(nnlite_status s, const char *what)
{
    if (s != NNLITE_OK) {
        fprintf(stderr, "nnlite-bench: %s: %s\n", what,
                nnlite_status_string(s));
        exit(1);
    }
}

/* Takes &l: the layer is read after the constructor call filled it. */
static void add(nnlite_model *m, nnlite_status s, nnlite_layer **l)
{
    check(s, "layer");
    check(nnlite_model_add(m, *l), "add");
}

static nnlite_model *build(const workload *w, uint64_t seed, size_t threads,
                           const nnlite_allocator *a)
{
    nnlite_model *m;
    nnlite_layer *l;
    nnlite_loss *loss;
    nnlite_optimizer *o;
    check(nnlite_model_create_advanced(&m, w->in, seed, a), "model");
    if (w->classify) { /* W2: 784 -> 256 ReLU -> 256 ReLU -> 10 */
        add(m, nnlite_dense_create(&l, 784, 256), &l);
        add(m, nnlite_relu_create(&l), &l);
        add(m, nnlite_dense_create(&l, 256, 256), &l);
        add(m, nnlite_relu_create(&l), &l);
        add(m, nnlite_dense_create(&l, 256, 10), &l);
        check(nnlite_loss_cross_entropy_create(&loss), "loss");
        check(nnlite_adam_create(&o, 1e-3f, 0.9f, 0.999f, 1e-8f), "adam");
    } else if (w->in == 7) { /* W3: 7 -> 3 sigmoid -> 1 */
        add(m, nnlite_dense_create(&l, 7, 3), &l);
        add(m, nnlite_sigmoid_create(&l), &l);
        add(m, nnlite_dense_create(&l, 3, 1), &l);
        check(nnlite_loss_mse_create(&loss), "loss");
        check(nnlite_sgd_create(&o, 1e-3f, 0.0f), "sgd");
    } else { /* W1, W4: 56 -> 100 ReLU x3 -> 1 */
        add(m, nnlite_dense_create(&l, 56, 100), &l);
        for (int i = 0; i < 2; i++) {
            add(m, nnlite_relu_create(&l), &l);
            add(m, nnlite_dense_create(&l, 100, 100), &l);
        }
        add(m, nnlite_relu_create(&l), &l);
        add(m, nnlite_dense_create(&l, 100, 1), &l);
        check(nnlite_loss_mse_create(&loss), "loss");
        check(nnlite_sgd_create(&o, 1e-3f, 0.0f), "sgd");
    }
    check(nnlite_model_set_loss(m, loss), "set loss");
    check(nnlite_model_set_optimizer(m, o), "set optimizer");
    check(nnlite_model_set_threads(m, threads), "threads");
    if (forced_path >= 0) {
        check(nnlite__model_force_path(m, forced_path),
              "that path (not on this CPU)");
    }
    return m;
}

/* Inputs in [-1, 1); targets a fixed random function of them. */
static void make_data(const workload *w, float **x, float **t)
{
    *x = malloc(w->rows * w->in * sizeof(float));
    *t = malloc(w->rows * sizeof(float));
    if (*x == NULL || *t == NULL) {
        fprintf(stderr, "nnlite-bench: out of memory\n");
        exit(1);
    }
    for (size_t r = 0; r < w->rows; r++) {
        double s = 0.0;
        for (size_t i = 0; i < w->in; i++) {
            const float v = uniform();
            (*x)[r * w->in + i] = v;
            s += (double)v * (double)((i % 7) + 1) / (double)w->in;
        }
        (*t)[r] = w->classify ? (float)((r * 7 + (size_t)(s > 0)) % 10)
                              : (float)s;
    }
}

static int compare(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static long peak_rss_kb(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

/* One timed training run; returns samples per second. */
static double train_once(const workload *w, int rep, size_t threads,
                         nnlite_tensor *x, nnlite_tensor *t,
                         double *allocs_per_step, const char **path)
{
    counter c = {0};
    const nnlite_allocator a = {count_alloc, count_free, &c};
    nnlite_model *m = build(w, (uint64_t)rep + 1, threads, &a);
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    o.batch_size = w->batch;
    o.shuffle = w->shuffle;
    o.epochs = 1;
    check(nnlite_model_fit(m, x, t, &o, NULL, NULL), "warm-up fit");
    const unsigned long before = c.calls;
    o.epochs = w->epochs;
    const double t0 = now();
    check(nnlite_model_fit(m, x, t, &o, NULL, NULL), "fit");
    const double dt = now() - t0;
    const double steps =
        (double)(w->epochs * ((w->rows + w->batch - 1) / w->batch));
    *allocs_per_step = (double)(c.calls - before) / steps;
    *path = nnlite_model_kernel_name(m);
    nnlite_model_destroy(m);
    return (double)(w->rows * w->epochs) / dt;
}

/* One timed inference run; returns nanoseconds per one-sample call. */
static double infer_once(const workload *w, int rep, size_t threads,
                         const char **path)
{
    nnlite_model *m = build(w, (uint64_t)rep + 1, threads, NULL);
    float xin[56], yout[1];
    nnlite_tensor *x, *y;
    for (size_t i = 0; i < 56; i++) {
        xin[i] = uniform();
    }
    check(nnlite_tensor_wrap2d(&x, xin, 1, 56), "tensor");
    check(nnlite_tensor_wrap2d(&y, yout, 1, 1), "tensor");
    for (int i = 0; i < 1000; i++) { /* warm-up */
        check(nnlite_model_forward(m, x, y), "forward");
    }
    const double t0 = now();
    for (size_t i = 0; i < w->calls; i++) {
        xin[i % 56] += 1e-7f; /* the input changes every call */
        check(nnlite_model_forward(m, x, y), "forward");
    }
    const double dt = now() - t0;
    *path = nnlite_model_kernel_name(m);
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(y);
    nnlite_model_destroy(m);
    return dt * 1e9 / (double)w->calls;
}

static int usage(void)
{
    fprintf(stderr, "usage: nnlite-bench --workload W1|W2|W3|W4 "
                    "[--threads N] [--reps R]\n"
                    "       [--path generic|avx2|avx512|neon] [--rows N] "
                    "[--epochs N] [--calls N]\n");
    return 2;
}

int main(int argc, char **argv)
{
    workload chosen;
    const workload *w = NULL;
    size_t threads = 1, rows = 0, epochs = 0, calls = 0;
    int reps = 5;
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *value = argv[i + 1];
        if (strcmp(argv[i], "--workload") == 0) {
            for (size_t k = 0; k < 4; k++) {
                if (strcmp(value, workloads[k].name) == 0) {
                    chosen = workloads[k];
                    w = &chosen;
                }
            }
        } else if (strcmp(argv[i], "--threads") == 0) {
            threads = (size_t)strtoul(value, NULL, 10);
        } else if (strcmp(argv[i], "--reps") == 0) {
            reps = atoi(value);
        } else if (strcmp(argv[i], "--rows") == 0) {
            rows = (size_t)strtoul(value, NULL, 10);
        } else if (strcmp(argv[i], "--epochs") == 0) {
            epochs = (size_t)strtoul(value, NULL, 10);
        } else if (strcmp(argv[i], "--calls") == 0) {
            calls = (size_t)strtoul(value, NULL, 10);
        } else if (strcmp(argv[i], "--path") == 0) {
            for (int p = 0; p < NNLITE__PATH_COUNT; p++) {
                if (strcmp(value, path_names[p]) == 0) {
                    forced_path = p;
                }
            }
            if (forced_path < 0) {
                return usage();
            }
        } else {
            return usage();
        }
    }
    if (w == NULL || threads == 0 || reps < 1 || reps > 1000 || argc % 2 == 0) {
        return usage();
    }
    if (w->rows > 0) { /* a training workload */
        chosen.rows = rows > 0 ? rows : chosen.rows;
        chosen.epochs = epochs > 0 ? epochs : chosen.epochs;
    } else {
        chosen.calls = calls > 0 ? calls : chosen.calls;
    }
    double results[1000], allocs = 0.0;
    const char *path = "";
    const int infer = w->rows == 0;
    float *xd = NULL, *td = NULL;
    nnlite_tensor *x = NULL, *t = NULL;
    if (!infer) {
        make_data(w, &xd, &td);
        check(nnlite_tensor_wrap2d(&x, xd, w->rows, w->in), "tensor");
        check(nnlite_tensor_wrap2d(&t, td, w->rows, 1), "tensor");
    }
    for (int r = 0; r < reps; r++) {
        results[r] = infer ? infer_once(w, r, threads, &path)
                           : train_once(w, r, threads, x, t, &allocs, &path);
        printf("rep %d %s %.1f\n", r, infer ? "ns_per_call" : "samples_per_s",
               results[r]);
    }
    qsort(results, (size_t)reps, sizeof(double), compare);
    printf("path %s threads %zu\n", path, threads);
    printf("peak_rss_kb %ld\n", peak_rss_kb());
    if (!infer) {
        printf("allocs_per_step %.3f\n", allocs);
    }
    printf("min %.1f max %.1f\n", results[0], results[reps - 1]);
    printf("%s %s %.1f\n", w->name, infer ? "ns_per_call" : "samples_per_s",
           results[reps / 2]);
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    free(xd);
    free(td);
    return 0;
}
