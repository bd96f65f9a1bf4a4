/* What tests/export/generate.c writes into cases.c for check.c: per
 * model, its exported functions, input rows and nnlite's outputs for
 * them, as IEEE 754 bit patterns. */
#ifndef NNLITE_TEST_EXPORT_CASES_H
#define NNLITE_TEST_EXPORT_CASES_H

#include <stdint.h>

typedef void (*export_fn)(const float *x, float *y);

typedef struct export_case {
    const char *name;
    export_fn predict;
    export_fn probabilities; /* NULL: the model has no logits */
    unsigned long inputs, outputs, rows;
    const uint32_t *x;       /* rows x inputs */
    const uint32_t *y;       /* one row at a time, portable kernels */
    const uint32_t *p;       /* the same, probabilities; or NULL */
    const uint32_t *y_batch; /* all rows at once, this CPU's kernels */
} export_case;

extern const export_case export_cases[];
extern const unsigned long export_case_count;

#endif /* NNLITE_TEST_EXPORT_CASES_H */
