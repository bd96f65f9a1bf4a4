/* Column sums, row by row in index order. */
#include "reduce_impl.h"

#include <string.h>

void nnlite__column_sums(const float *a, size_t rows, size_t cols,
                         float *sums)
{
    memcpy(sums, a, cols * sizeof(float));
    for (size_t i = 1; i < rows; i++) {
        const float *row = a + i * cols;
        for (size_t j = 0; j < cols; j++) {
            sums[j] += row[j];
        }
    }
}
