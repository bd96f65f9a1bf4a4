/* Private: a seeded permutation of rows computed row by row, with no
 * memory per row (model_permute.c). */
#ifndef NNLITE_MODEL_PERMUTE_IMPL_H
#define NNLITE_MODEL_PERMUTE_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "rng_impl.h"

#define NNLITE__PERMUTATION_ROUNDS 4

typedef struct nnlite__permutation {
    size_t rows;
    unsigned half_bits;
    uint64_t keys[NNLITE__PERMUTATION_ROUNDS];
} nnlite__permutation;

/* A new permutation of [0, rows), rows >= 1, keyed from rng. */
void nnlite__permutation_init(nnlite__permutation *p, nnlite__rng *rng,
                              size_t rows);

/* The row at position i < rows. */
size_t nnlite__permutation_at(const nnlite__permutation *p, size_t i);

#endif /* NNLITE_MODEL_PERMUTE_IMPL_H */
