/* Private: small numeric helpers shared by losses, layers and the model. */
#ifndef NNLITE_NUMERIC_IMPL_H
#define NNLITE_NUMERIC_IMPL_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>

/* True when every value is finite; otherwise *bad = first offending index. */
static inline bool nnlite__all_finite(const float *p, size_t n, size_t *bad)
{
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(p[i])) {
            *bad = i;
            return false;
        }
    }
    return true;
}

#endif /* NNLITE_NUMERIC_IMPL_H */
