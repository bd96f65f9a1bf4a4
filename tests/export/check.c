/* Runs the exported models (compiled as C99 with -pedantic -Wall -Wextra
 * -Werror) on the rows of cases.c and compares with nnlite:
 * PREFIX_predict and PREFIX_probabilities must give nnlite's bits for one
 * row on the portable kernels, and come within TOLERANCE (relative, at
 * least 1 in absolute) of a whole batch on the kernels this CPU picks.
 * Exits 1 on any difference, printing each. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cases.h"

/* A batch runs the blocked GEMM, which on the SIMD paths fuses each
 * multiply-add (one rounding, not two) and sums in blocks: other
 * roundings. A float sum of K terms computed so moves by about sqrt(K)
 * 2^-24 times the sum of the terms' sizes: for the 300-input model
 * (terms up to 4, outputs about 10) some 1e-5 relative. The largest seen
 * is 5.4e-6 (the 56-input model), on x86-64 with AVX-512 and on aarch64
 * with NEON; each run prints its own. */
#define TOLERANCE 1e-4

/* --perturb: flip the lowest bit of the first expected output, so the
 * comparison must fail (the test that runs it expects that). */
static int perturb;

static float from_bits(uint32_t bits)
{
    float v;
    memcpy(&v, &bits, sizeof(v));
    return v;
}

/* 1 when the row's outputs have exactly the expected bits. */
static int same_bits(const char *name, const char *what, unsigned long row,
                     const float *got, const uint32_t *want,
                     unsigned long n)
{
    int same = 1;
    for (unsigned long j = 0; j < n; j++) {
        uint32_t bits;
        memcpy(&bits, &got[j], sizeof(bits));
        const uint32_t wanted = want[j] ^ (perturb && row == 0 && j == 0);
        if (bits != wanted) {
            printf("%s: %s row %lu output %lu: %a, nnlite gives %a\n", name,
                   what, row, j, (double)got[j], (double)from_bits(wanted));
            same = 0;
        }
    }
    return same;
}

static int check_case(const export_case *c, double *worst)
{
    float x[512], y[64];
    int ok = 1;
    for (unsigned long r = 0; r < c->rows; r++) {
        for (unsigned long j = 0; j < c->inputs; j++) {
            x[j] = from_bits(c->x[r * c->inputs + j]);
        }
        c->predict(x, y);
        ok &= same_bits(c->name, "predict", r, y, c->y + r * c->outputs,
                        c->outputs);
        for (unsigned long j = 0; j < c->outputs; j++) {
            const double want =
                (double)from_bits(c->y_batch[r * c->outputs + j]);
            const double scale = fabs(want) > 1.0 ? fabs(want) : 1.0;
            const double error = fabs((double)y[j] - want) / scale;
            *worst = error > *worst ? error : *worst;
            if (!(error <= TOLERANCE)) {
                printf("%s: row %lu output %lu: %a, the batch gives %a\n",
                       c->name, r, j, (double)y[j], want);
                ok = 0;
            }
        }
        if (c->probabilities != NULL) {
            c->probabilities(x, y);
            ok &= same_bits(c->name, "probabilities", r, y,
                            c->p + r * c->outputs, c->outputs);
        }
    }
    return ok;
}

int main(int argc, char **argv)
{
    int ok = 1;
    perturb = argc == 2 && strcmp(argv[1], "--perturb") == 0;
    for (unsigned long i = 0; i < export_case_count; i++) {
        const export_case *c = &export_cases[i];
        double worst = 0.0;
        const int same = check_case(c, &worst);
        printf("%-13s %lu -> %lu, %lu rows: %s; against the batch: largest "
               "relative difference %.3g\n",
               c->name, c->inputs, c->outputs, c->rows,
               same ? "nnlite's bits" : "DIFFERENT", worst);
        ok &= same;
    }
    return ok ? 0 : 1;
}
