/* Column sums, pairwise. Summing n rows one after another leaves each
 * sum with up to n roundings, and where the exact sum is 0 because terms
 * cancel (an MAE batch with as many positive as negative residuals) a
 * last-place leftover survives, which Adam, dividing by sqrt(v) + eps,
 * turns into a step of up to its learning rate. Here the rows are the
 * leaves of a binary tree: every aligned block of 2^k rows is summed
 * before it meets its neighbour, so a sum sees O(log n) roundings, and
 * such a batch (8 rows of +-s, four of each sign) sums to exactly 0, as
 * PyTorch's does.
 *
 * The tree is built left to right with a stack of partial sums (a binary
 * counter: row i is pushed, then merged once for each trailing zero bit
 * of i + 1), one block of columns at a time; the stack stays on the C
 * stack, so nothing is allocated. The order depends on the row count
 * alone: the same bits on every path and thread count. */
#include "reduce_impl.h"

#include <limits.h>

/* Columns per pass: one AVX2 vector; the stack of partial sums then
 * takes 2 KB of the C stack. */
#define BLOCK 8
/* Stack entries: one per bit of a row count. */
#define LEVELS (sizeof(size_t) * CHAR_BIT)

/* sums[j] for the w <= BLOCK columns starting at a. */
static void block_sums(const float *a, size_t rows, size_t cols, size_t w,
                       float *sums)
{
    float partial[LEVELS][BLOCK];
    size_t top = 0;
    for (size_t i = 0; i < rows; i++) {
        const float *row = a + i * cols;
        for (size_t k = 0; k < w; k++) {
            partial[top][k] = row[k];
        }
        top++;
        for (size_t n = i + 1; (n & 1) == 0; n >>= 1) {
            top--; /* the block just completed joins the one before it */
            for (size_t k = 0; k < w; k++) {
                partial[top - 1][k] += partial[top][k];
            }
        }
    }
    /* What remains are blocks of decreasing size; fold them from the
     * smallest (the last rows) into the first. */
    for (; top > 1; top--) {
        for (size_t k = 0; k < w; k++) {
            partial[top - 2][k] += partial[top - 1][k];
        }
    }
    for (size_t k = 0; k < w; k++) {
        sums[k] = partial[0][k];
    }
}

void nnlite__column_sums(const float *a, size_t rows, size_t cols,
                         float *sums)
{
    if (rows == 0) {
        for (size_t j = 0; j < cols; j++) {
            sums[j] = 0.0f;
        }
        return;
    }
    for (size_t j = 0; j < cols; j += BLOCK) {
        const size_t w = cols - j < BLOCK ? cols - j : BLOCK;
        block_sums(a + j, rows, cols, w, sums + j);
    }
}
