/* Private: the tensor struct. */
#ifndef NNLITE_TENSOR_IMPL_H
#define NNLITE_TENSOR_IMPL_H

#include "nnlite/tensor.h"

struct nnlite_tensor {
    float *data; /* owned: inside this struct's block; else borrowed */
    size_t rank;
    size_t shape[NNLITE_TENSOR_MAX_RANK];
    size_t size;           /* product of shape */
    nnlite_allocator allocator;
};

#endif /* NNLITE_TENSOR_IMPL_H */
