/* The OpenBLAS GEMM-only floor, for bench/compare.py: only the
 * matrix products a training step of W1 or W2 needs (per dense layer:
 * forward X W^T, dW = dY^T X, and dX = dY W except for the first layer),
 * through cblas_sgemm, with no bias, activation, loss or update. W4: the
 * four sgemv calls of one W1 inference. Prints the nnlite-bench last
 * line format, the median over repetitions. Usage: W1|W2|W4 [reps]. */
#define _POSIX_C_SOURCE 200809L
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static float *buffer(size_t n)
{
    float *p = malloc(n * sizeof(float));
    if (p == NULL) {
        exit(1);
    }
    for (size_t i = 0; i < n; i++) {
        p[i] = (float)((i * 2654435761u) % 1000) / 1000.0f - 0.5f;
    }
    return p;
}

/* One training step's products; widths[0..layers]. */
static void step(const int *widths, int layers, int batch, float **w,
                 float **dw, float **act, float **grad)
{
    for (int l = 0; l < layers; l++) { /* Y = X W^T */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, batch,
                    widths[l + 1], widths[l], 1.0f, act[l], widths[l], w[l],
                    widths[l], 0.0f, act[l + 1], widths[l + 1]);
    }
    for (int l = layers - 1; l >= 0; l--) {
        /* dW = dY^T X */
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, widths[l + 1],
                    widths[l], batch, 1.0f, grad[l + 1], widths[l + 1],
                    act[l], widths[l], 0.0f, dw[l], widths[l]);
        if (l > 0) { /* dX = dY W */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, batch,
                        widths[l], widths[l + 1], 1.0f, grad[l + 1],
                        widths[l + 1], w[l], widths[l], 0.0f, grad[l],
                        widths[l]);
        }
    }
}

int main(int argc, char **argv)
{
    static const int w1[] = {56, 100, 100, 100, 1};
    static const int w2[] = {784, 256, 256, 10};
    const char *name = argc > 1 ? argv[1] : "W1";
    const int reps = argc > 2 ? atoi(argv[2]) : 5;
    const int is_w2 = strcmp(name, "W2") == 0;
    const int infer = strcmp(name, "W4") == 0;
    const int *widths = is_w2 ? w2 : w1;
    const int layers = is_w2 ? 3 : 4;
    const int batch = infer ? 1 : is_w2 ? 64 : 32;
    const long samples = is_w2 ? 10000L * 3 : 1000L * 50;
    float *w[4], *dw[4], *act[5], *grad[5];
    double results[100];
    if (reps < 1 || reps > 100) {
        return 2;
    }
    for (int l = 0; l <= layers; l++) {
        act[l] = buffer((size_t)batch * (size_t)widths[l]);
        grad[l] = buffer((size_t)batch * (size_t)widths[l]);
        if (l < layers) {
            w[l] = buffer((size_t)widths[l] * (size_t)widths[l + 1]);
            dw[l] = buffer((size_t)widths[l] * (size_t)widths[l + 1]);
        }
    }
    for (int r = 0; r < reps; r++) {
        if (infer) {
            const long calls = 200000;
            const double t0 = now();
            for (long c = 0; c < calls; c++) {
                for (int l = 0; l < layers; l++) {
                    cblas_sgemv(CblasRowMajor, CblasNoTrans, widths[l + 1],
                                widths[l], 1.0f, w[l], widths[l], act[l], 1,
                                0.0f, act[l + 1], 1);
                }
            }
            results[r] = (now() - t0) * 1e9 / (double)calls;
            continue;
        }
        for (long s = 0; s < 100; s++) { /* warm-up */
            step(widths, layers, batch, w, dw, act, grad);
        }
        const long steps = (samples + batch - 1) / batch;
        const double t0 = now();
        for (long s = 0; s < steps; s++) {
            step(widths, layers, batch, w, dw, act, grad);
        }
        results[r] = (double)samples / (now() - t0);
    }
    qsort(results, (size_t)reps, sizeof(double), compare);
    printf("%s %s %.1f\n", name, infer ? "ns_per_call" : "samples_per_s",
           results[reps / 2]);
    return 0;
}
