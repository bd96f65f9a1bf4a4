/* Column sums in double, rounded to float once. Summing n rows one after
 * another in float leaves each sum with up to n roundings, and where the
 * exact sum is 0 because terms cancel (an MAE batch with as many positive
 * as negative residuals of one size) a last-place leftover survives,
 * which Adam, dividing by sqrt(v) + eps, turns into a step of up to its
 * learning rate. A double holds every partial sum of up to 2^29 such
 * terms exactly, so those batches sum to exactly 0 at any size, as
 * PyTorch's do; for other data the error is one rounding to float plus
 * at most n 2^-53 of the sum of |terms|. (A pairwise float tree is exact
 * this way only up to 16 rows.) Each column is summed in row
 * order, so the bits depend on the data alone: the same on every path
 * and thread count. */
#include "reduce_impl.h"

/* Columns per pass, accumulated in registers or a small stack array. */
#define BLOCK 8

void nnlite__column_sums(const float *a, size_t rows, size_t cols,
                         float *sums)
{
    for (size_t j = 0; j < cols; j += BLOCK) {
        const size_t w = cols - j < BLOCK ? cols - j : BLOCK;
        double acc[BLOCK] = {0.0};
        for (size_t i = 0; i < rows; i++) {
            const float *row = a + i * cols + j;
            for (size_t k = 0; k < w; k++) {
                acc[k] += (double)row[k];
            }
        }
        for (size_t k = 0; k < w; k++) {
            sums[j + k] = (float)acc[k];
        }
    }
}
