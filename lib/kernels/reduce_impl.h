/* Private: sums down the columns of a matrix (a dense layer's bias
 * gradient is the column sums of dy). */
#ifndef NNLITE_REDUCE_IMPL_H
#define NNLITE_REDUCE_IMPL_H

#include <stddef.h>

/* sums[j] = sum over i < rows of a[i * cols + j], for j < cols (0 when
 * rows is 0). Summed in double and rounded once (reduce.c says why): the
 * same bits on every path and thread count. */
void nnlite__column_sums(const float *a, size_t rows, size_t cols,
                         float *sums);

#endif /* NNLITE_REDUCE_IMPL_H */
