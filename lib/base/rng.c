/* xoshiro256** (Blackman and Vigna), seeded with splitmix64 so that any
 * 64-bit seed, including 0, gives a well-mixed non-zero state. */
#include "rng_impl.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void nnlite__rng_seed(nnlite__rng *rng, uint64_t seed)
{
    for (int i = 0; i < 4; i++) {
        rng->s[i] = splitmix64(&seed);
    }
}

uint64_t nnlite__rng_next(nnlite__rng *rng)
{
    uint64_t *s = rng->s;
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

float nnlite__rng_uniform(nnlite__rng *rng)
{
    /* The top 24 bits scaled by 2^-24: every value is an exact float. */
    return (float)(nnlite__rng_next(rng) >> 40) * 0x1.0p-24f;
}

size_t nnlite__rng_below(nnlite__rng *rng, size_t n)
{
    const uint64_t range = (uint64_t)n;
    /* Reject the few values that would make r % range uneven. */
    const uint64_t threshold = (0 - range) % range;
    uint64_t r;
    do {
        r = nnlite__rng_next(rng);
    } while (r < threshold);
    return (size_t)(r % range);
}

void nnlite__rng_shuffle(nnlite__rng *rng, size_t *items, size_t count)
{
    for (size_t i = count; i > 1; i--) {
        size_t j = nnlite__rng_below(rng, i);
        size_t tmp = items[i - 1];
        items[i - 1] = items[j];
        items[j] = tmp;
    }
}
