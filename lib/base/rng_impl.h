/* Private: the per-model random generator (xoshiro256**, seeded through
 * splitmix64). Integer-only, so the same seed gives the same stream on every
 * machine and compiler. */
#ifndef NNLITE_RNG_IMPL_H
#define NNLITE_RNG_IMPL_H

#include <stddef.h>
#include <stdint.h>

typedef struct nnlite__rng {
    uint64_t s[4];
} nnlite__rng;

void nnlite__rng_seed(nnlite__rng *rng, uint64_t seed);
uint64_t nnlite__rng_next(nnlite__rng *rng);

/* Uniform in [0, 1) with 24 random bits: exactly representable floats. */
float nnlite__rng_uniform(nnlite__rng *rng);

/* Uniform integer in [0, n), n >= 1, without modulo bias. */
size_t nnlite__rng_below(nnlite__rng *rng, size_t n);

/* Fisher-Yates shuffle of `count` indices. */
void nnlite__rng_shuffle(nnlite__rng *rng, size_t *items, size_t count);

#endif /* NNLITE_RNG_IMPL_H */
