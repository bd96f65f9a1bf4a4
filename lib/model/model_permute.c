/* A row order computed row by row, for fit's shuffle_stream: a keyed
 * bijection of [0, 2^(2h)) (a four-round balanced Feistel network on two
 * h-bit halves, 2^(2h) the smallest power of four >= rows), walked until
 * it lands below rows ("cycle walking": applying a bijection of a larger
 * set until the value falls in the subset is a bijection of the subset).
 * The set is at most four times rows, so a row takes four walks at most
 * on average. Nothing is stored per row; new keys each epoch give a new
 * order. */
#include "model_permute_impl.h"

/* A 64-bit mix (splitmix64's finaliser) of a half and a round key. */
static uint64_t mix(uint64_t x, uint64_t key)
{
    uint64_t z = x ^ key;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

void nnlite__permutation_init(nnlite__permutation *p, nnlite__rng *rng,
                              size_t rows)
{
    p->rows = rows;
    p->half_bits = 1;
    while (p->half_bits < 32 &&
           ((uint64_t)1 << (2 * p->half_bits)) < (uint64_t)rows) {
        p->half_bits++;
    }
    for (int i = 0; i < NNLITE__PERMUTATION_ROUNDS; i++) {
        p->keys[i] = nnlite__rng_next(rng);
    }
}

/* One pass of the network over x < 2^(2h). */
static uint64_t feistel(const nnlite__permutation *p, uint64_t x)
{
    const unsigned h = p->half_bits;
    const uint64_t mask = h == 32 ? 0xffffffffu : ((uint64_t)1 << h) - 1;
    uint64_t left = x >> h, right = x & mask;
    for (int i = 0; i < NNLITE__PERMUTATION_ROUNDS; i++) {
        const uint64_t next = left ^ (mix(right, p->keys[i]) & mask);
        left = right;
        right = next;
    }
    return left << h | right;
}

size_t nnlite__permutation_at(const nnlite__permutation *p, size_t i)
{
    uint64_t x = i;
    do {
        x = feistel(p, x);
    } while (x >= (uint64_t)p->rows);
    return (size_t)x;
}
