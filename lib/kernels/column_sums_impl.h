/* Private: the column sums behind a dense layer's bias gradient, written
 * once and compiled by each instruction-set path for its own vector unit:
 * the including file defines TARGET (its target attribute, or nothing),
 * BLOCK (columns summed side by side) and COLUMN_SUMS_FN (the name).
 *
 * sums[j] = the sum over rows of a[i * cols + j], in double, rounded to
 * float once. Summing row by row in float leaves each sum with up to n
 * roundings, and where the exact sum is 0 because terms cancel (an MAE
 * batch with as many positive as negative residuals of one size) a
 * last-place leftover survives, which Adam, dividing by sqrt(v) + eps,
 * turns into a step of up to its learning rate. A double holds every
 * partial sum of up to 2^29 such terms exactly, so those batches sum to
 * exactly 0 at any size, as PyTorch's do; for other data the error is one
 * rounding to float plus at most n 2^-53 of the sum of |terms|. (A
 * pairwise float tree is exact this way only in small batches: in the
 * tests it left a leftover from 20 rows on.)
 *
 * Every column is summed in row order whatever BLOCK is, so every path
 * gives the same bits; BLOCK only sets how many independent accumulators
 * are in flight (a chain of dependent adds per column would wait on the
 * adder's latency). */
#include <stddef.h>

TARGET static void COLUMN_SUMS_FN(const float *a, size_t rows, size_t cols,
                                  float *sums)
{
    size_t j = 0;
    for (; j + BLOCK <= cols; j += BLOCK) {
        double acc[BLOCK] = {0.0};
        for (size_t i = 0; i < rows; i++) {
            const float *row = a + i * cols + j;
            for (size_t k = 0; k < BLOCK; k++) {
                acc[k] += (double)row[k];
            }
        }
        for (size_t k = 0; k < BLOCK; k++) {
            sums[j + k] = (float)acc[k];
        }
    }
    for (; j < cols; j++) { /* the last few columns, one at a time */
        double acc = 0.0;
        for (size_t i = 0; i < rows; i++) {
            acc += (double)a[i * cols + j];
        }
        sums[j] = (float)acc;
    }
}
