/* Private: small numeric helpers shared by losses, layers and the model. */
#ifndef NNLITE_NUMERIC_IMPL_H
#define NNLITE_NUMERIC_IMPL_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* True when every value is finite; otherwise *bad = first offending index.
 * The common all-finite case is one pass of integer operations that the
 * compiler vectorises (a float is infinite or NaN exactly when its
 * exponent bits are all ones); only a failure looks for the index. */
static inline bool nnlite__all_finite(const float *p, size_t n, size_t *bad)
{
    const uint32_t exponent = 0x7f800000u;
    uint32_t any = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t bits;
        memcpy(&bits, p + i, sizeof(bits));
        any |= (uint32_t)((bits & exponent) == exponent);
    }
    if (any == 0) {
        return true;
    }
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(p[i])) {
            *bad = i;
            return false;
        }
    }
    return true;
}

#endif /* NNLITE_NUMERIC_IMPL_H */
