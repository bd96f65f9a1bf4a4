/* W3 written by hand (tests/reference/handwritten_w3.h), for
 * bench/compare.py: the speed of the step itself with nnlite's
 * arithmetic, so the floor for W3. 10,000 samples x 20 epochs after one
 * untimed warm-up epoch, on nnlite-bench's data, fresh weights each
 * repetition. Prints "W3 samples_per_s <median>" over the repetitions. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "handwritten_w3.h"

enum { ROWS = 10000, EPOCHS = 20 };

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static float uniform(void) /* [-1, 1), xorshift64* as nnlite-bench */
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

static int compare(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* A pass failed (a step rolled back): not a speed to report. */
static int epoch(hw_net *n, const float *x, const float *t)
{
    return isfinite(hw_epoch(n, x, t, ROWS, 1e-3f)) ? 0 : 1;
}

int main(int argc, char **argv)
{
    const int reps = argc > 1 ? atoi(argv[1]) : 5;
    static float x[ROWS * HW_IN], t[ROWS];
    double results[100];
    if (reps < 1 || reps > 100) {
        return 1;
    }
    for (int r = 0; r < ROWS; r++) { /* nnlite-bench's data */
        double s = 0.0;
        for (int i = 0; i < HW_IN; i++) {
            x[r * HW_IN + i] = uniform();
            s += (double)x[r * HW_IN + i] * (double)(i % 7 + 1) / HW_IN;
        }
        t[r] = (float)s;
    }
    for (int rep = 0; rep < reps; rep++) {
        hw_net n;
        for (int i = 0; i < HW_PARAMS; i++) {
            n.p[i] = 0.5f * uniform();
        }
        if (epoch(&n, x, t) != 0) { /* warm-up */
            return 1;
        }
        const double t0 = now();
        for (int e = 0; e < EPOCHS; e++) {
            if (epoch(&n, x, t) != 0) {
                return 1;
            }
        }
        results[rep] = (double)ROWS * EPOCHS / (now() - t0);
    }
    qsort(results, (size_t)reps, sizeof(double), compare);
    printf("W3 samples_per_s %.1f\n", results[reps / 2]);
    return 0;
}
