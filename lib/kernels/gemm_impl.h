/* Private: the float matrix kernels behind the dense layer, chosen once
 * per model from the CPU's features (no global state: the choice is a
 * pointer to one of the static const tables below, kept in the model).
 *
 * Precision. These kernels accumulate in float, in blocked order (blocks of
 * NNLITE__GEMM_KC along the reduction, each summed in index order by a
 * fused multiply-add chain). The project's style asks for double in long
 * dot products; here speed wins: the relative error of a length-K float
 * sum grows like sqrt(K) * 2^-24 for random signs, far below the noise of
 * stochastic gradients. The tests hold every path to the double-precision
 * reference in tests/reference within such sqrt(K) bounds.
 */
#ifndef NNLITE_GEMM_IMPL_H
#define NNLITE_GEMM_IMPL_H

#include <stddef.h>

#include "cpu_impl.h"

/* Reduction block: a packed B panel of KC rows stays in L1/L2. */
#define NNLITE__GEMM_KC 256
/* Column block: bounds the packing buffer for very wide layers. */
#define NNLITE__GEMM_NC 1024
/* Widest micro-tile of any path (AVX-512). */
#define NNLITE__GEMM_MAX_NR 32

/*
 * One micro-tile: C[mr x nr] = (accumulate ? C : bias) + A[mr x k] B[k x nr]
 * with A(i, p) = a[i * ars + p * acs] and B(p, j) = b[p * ldb + j]: either
 * a packed panel (ldb = NR, zero beyond nr) or, for kernels with direct_b,
 * B read in place (any ldb; nothing at or beyond column nr is read).
 * mr <= MR, nr <= NR. bias is NULL or [nr].
 */
typedef void (*nnlite__tile_fn)(size_t k, const float *a, size_t ars,
                                size_t acs, const float *b, size_t ldb,
                                float *c, size_t ldc, size_t mr, size_t nr,
                                int accumulate, const float *bias);

/* A micro-tile as nnlite__tile_fn, with B read in place through its
 * strides, B(p, j) = b[p * brs + j * bcs], and the same bits as packing
 * it first. */
typedef void (*nnlite__tile_strided_fn)(size_t k, const float *a,
                                        size_t ars, size_t acs,
                                        const float *b, size_t brs,
                                        size_t bcs, float *c, size_t ldc,
                                        size_t mr, size_t nr,
                                        int accumulate, const float *bias);

/* Pack a panel of B = S^T: dst[p * NR + j] = src[j * lds + p] for p < kc,
 * j < w <= NR, and zero for w <= j < NR (a dense layer's W^T). */
typedef void (*nnlite__pack_t_fn)(const float *src, size_t lds, size_t kc,
                                  size_t w, float *dst);

/* y[j] = bias[j] + dot(w + j * k, x) for j < n (bias may be NULL). */
typedef void (*nnlite__gemv_fn)(const float *w, const float *x,
                                const float *bias, float *y, size_t n,
                                size_t k);

/* The GEMV of a dense layer followed by a ReLU, in one pass over W: y as
 * gemv gives it (the same bits), and r[j] = y[j] > 0 ? y[j] : 0 (NaN and
 * -0 give +0), as the ReLU layer's forward would. Training keeps both:
 * the ReLU's backward reads y. Saves the separate ReLU pass over y. */
typedef void (*nnlite__gemv_relu_fn)(const float *w, const float *x,
                                     const float *bias, float *y, float *r,
                                     size_t n, size_t k);

/* sums[j] = sum of a[i * cols + j] over rows i < rows, for j < cols (0
 * when rows is 0): a dense layer's bias gradient. In double, rounded
 * once; the same bits on every path (column_sums_impl.h says why). */
typedef void (*nnlite__column_sums_fn)(const float *a, size_t rows,
                                       size_t cols, float *sums);

typedef struct nnlite__gemm_kernels {
    nnlite__kernel_path path;
    const char *name;
    size_t mr, nr; /* micro-tile shape */
    int direct_b;  /* tile reads B with contiguous rows in place */
    nnlite__tile_fn tile;
    nnlite__gemv_fn gemv;
    nnlite__pack_t_fn pack_t; /* NULL: the portable loop in gemm.c */
    nnlite__gemv_relu_fn gemv_relu;
    nnlite__column_sums_fn column_sums;
    /* NULL, or a tile that reads B in place whatever its strides: with
     * pack NULL, nnlite__gemm_cols runs every tile through it. */
    nnlite__tile_strided_fn tile_strided;
    /* Non-zero: products small enough (nnlite__gemm_pack_floats_for)
     * are read in place and need no scratch; 0: they are packed, which
     * is faster where tile vectorises. */
    int small_in_place;
} nnlite__gemm_kernels;

extern const nnlite__gemm_kernels nnlite__gemm_generic;
extern const nnlite__gemm_kernels nnlite__gemm_avx2;   /* x86-64 only */
extern const nnlite__gemm_kernels nnlite__gemm_avx512; /* x86-64 only */
extern const nnlite__gemm_kernels nnlite__gemm_neon;   /* aarch64 only */

/* The table of a path; NULL when this build or CPU lacks it. */
const nnlite__gemm_kernels *nnlite__gemm_kernels_for(nnlite__kernel_path p);

/* C (+)= A B over the whole product; strides in floats. */
typedef struct nnlite__gemm_args {
    size_t m, n, k;
    const float *a;
    size_t ars, acs; /* A(i, p) = a[i * ars + p * acs] */
    const float *b;
    size_t brs, bcs; /* B(p, j) = b[p * brs + j * bcs]; brs or bcs is 1 */
    float *c;
    size_t ldc;          /* C(i, j) = c[i * ldc + j] */
    const float *bias;   /* NULL or [n]: C = bias + A B when overwriting */
    int accumulate;      /* C += A B instead */
} nnlite__gemm_args;

/* Floats of packing scratch one thread needs for products up to n wide,
 * whatever their reduction length and kernels. */
size_t nnlite__gemm_pack_floats(size_t n);

/* A B of at most this many floats is read in place by kernels with
 * small_in_place: it fits in a first-level cache (where there is one),
 * and a small target saves the scratch. */
#define NNLITE__GEMM_IN_PLACE_FLOATS ((size_t)4096)

/* Floats of packing scratch one thread needs with kernels k for every
 * product with a reduction of at most kmax and at most nmax columns:
 * KC (or kmax if less) rows of panels of k->nr columns. 0 when k reads
 * such products in place (small_in_place, and kmax * nmax <=
 * NNLITE__GEMM_IN_PLACE_FLOATS). */
size_t nnlite__gemm_pack_floats_for(const nnlite__gemm_kernels *k,
                                    size_t kmax, size_t nmax);

/* The columns [j0, j1) of the product; pack has
 * nnlite__gemm_pack_floats(j1 - j0) floats, or the figure
 * nnlite__gemm_pack_floats_for() gives for the product, which may be 0:
 * pack is then NULL and the kernels read B in place. Every C element is computed
 * from the same operations in the same order whatever j0 and j1 are (the
 * thread split relies on it). */
void nnlite__gemm_cols(const nnlite__gemm_kernels *k,
                       const nnlite__gemm_args *g, size_t j0, size_t j1,
                       float *pack);

#endif /* NNLITE_GEMM_IMPL_H */
