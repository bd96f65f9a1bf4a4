/* Private: the tensor struct. */
#ifndef NNLITE_TENSOR_IMPL_H
#define NNLITE_TENSOR_IMPL_H

#include "nnlite/tensor.h"

#include <stdbool.h>

struct nnlite_tensor {
    float *data; /* owned: inside this struct's block; else borrowed */
    size_t rank;
    size_t shape[NNLITE_TENSOR_MAX_RANK];
    size_t size;           /* product of shape */
    nnlite_allocator allocator;
    bool wrapped;          /* data is the caller's (wrap, wrap_const) */
    bool read_only;        /* wrap_const: nothing may write through data */
};

/* Whether a call may write into t; every entry point that writes into a
 * caller's tensor asks this first (a wrap_const view refuses). */
static inline bool nnlite__tensor_writable(const nnlite_tensor *t)
{
    return !t->read_only;
}

#endif /* NNLITE_TENSOR_IMPL_H */
