/* Cache-blocked SGEMM driver: B is packed into k-major panels of NR
 * columns (KC rows at a time, so a panel stays in cache while every MR-row
 * strip of A streams past it); A is read in place through its strides, one
 * broadcast per element, so neither operand is ever transposed in memory.
 * Kernels with direct_b skip the packing when B's rows are contiguous (dW
 * and dx of a dense layer): the panels would be plain copies; pack_t
 * packs W^T (the forward pass) with vector transposes.
 * Loop order: column block (NC) > reduction block (KC) > row strip (MR) >
 * panel (NR) > micro-kernel. */
#include "gemm_impl.h"

#include <string.h>

size_t nnlite__gemm_pack_floats(size_t n)
{
    size_t cols = n < NNLITE__GEMM_NC ? n : NNLITE__GEMM_NC;
    cols = (cols + NNLITE__GEMM_MAX_NR - 1) / NNLITE__GEMM_MAX_NR *
           NNLITE__GEMM_MAX_NR;
    return (size_t)NNLITE__GEMM_KC * cols;
}

size_t nnlite__gemm_pack_floats_for(const nnlite__gemm_kernels *k,
                                    size_t kmax, size_t nmax)
{
    size_t rows, cols;
    if (k->small_in_place &&
        (nmax == 0 || kmax <= NNLITE__GEMM_IN_PLACE_FLOATS / nmax)) {
        return 0;
    }
    rows = kmax < NNLITE__GEMM_KC ? kmax : NNLITE__GEMM_KC;
    cols = nmax < NNLITE__GEMM_NC ? nmax : NNLITE__GEMM_NC;
    return rows * ((cols + k->nr - 1) / k->nr * k->nr);
}

/* Pack B(p0 + p, j0 + j), p < kc, j < nc into panels of nr columns:
 * panel q holds rows p at dst[q * kc * nr + p * nr + (j - q * nr)], and
 * zeros past nc so micro-kernels never test for the edge. */
static void pack_b(const nnlite__gemm_kernels *k,
                   const nnlite__gemm_args *g, size_t p0, size_t kc,
                   size_t j0, size_t nc, size_t nr, float *dst)
{
    for (size_t q = 0; q * nr < nc; q++, dst += kc * nr) {
        const size_t jq = j0 + q * nr;
        const size_t w = nc - q * nr < nr ? nc - q * nr : nr;
        const float *src = g->b + p0 * g->brs + jq * g->bcs;
        if (g->bcs != 1 && k->pack_t != NULL) { /* brs is 1 here */
            k->pack_t(src, g->bcs, kc, w, dst);
            continue;
        }
        if (w < nr) {
            memset(dst, 0, kc * nr * sizeof(float));
        }
        if (g->bcs == 1) { /* rows of B are contiguous: copy row pieces */
            for (size_t p = 0; p < kc; p++) {
                memcpy(dst + p * nr, src + p * g->brs, w * sizeof(float));
            }
        } else { /* columns contiguous (B = W^T): read them in order */
            for (size_t j = 0; j < w; j++) {
                const float *col = src + j * g->bcs;
                for (size_t p = 0; p < kc; p++) {
                    dst[p * nr + j] = col[p];
                }
            }
        }
    }
}

/* An empty reduction still defines C: bias (or zero), or unchanged. */
static void empty_product(const nnlite__gemm_args *g, size_t j0, size_t j1)
{
    if (g->accumulate) {
        return;
    }
    for (size_t i = 0; i < g->m; i++) {
        for (size_t j = j0; j < j1; j++) {
            g->c[i * g->ldc + j] = g->bias != NULL ? g->bias[j] : 0.0f;
        }
    }
}

/* One KC block of the columns [j0, j0 + nc): pack, then every tile. */
static void block(const nnlite__gemm_kernels *k, const nnlite__gemm_args *g,
                  size_t p0, size_t kc, size_t j0, size_t nc, float *pack)
{
    /* Later blocks add to what the first one wrote (bias included). */
    const int accumulate = g->accumulate || p0 > 0;
    const float *bias = accumulate ? NULL : g->bias;
    const size_t mr = k->mr, nr = k->nr;
    /* Rows of B contiguous and a kernel that masks its edge loads: read B
     * in place (same operations, same order; packing would only copy). */
    const int direct = k->direct_b && g->bcs == 1;
    /* No scratch: the product is one the kernels read in place. */
    const int in_place = !direct && pack == NULL;
    const float *b = direct ? g->b + p0 * g->brs + j0 : pack;
    const size_t ldb = direct ? g->brs : nr;

    if (!direct && !in_place) {
        pack_b(k, g, p0, kc, j0, nc, nr, pack);
    }
    for (size_t i = 0; i < g->m; i += mr) {
        const size_t rows = g->m - i < mr ? g->m - i : mr;
        const float *a = g->a + i * g->ars + p0 * g->acs;
        for (size_t j = 0; j < nc; j += nr) {
            const size_t cols = nc - j < nr ? nc - j : nr;
            float *c = g->c + i * g->ldc + j0 + j;
            const float *bj = bias != NULL ? bias + j0 + j : NULL;
            if (in_place) {
                k->tile_strided(kc, a, g->ars, g->acs,
                                g->b + p0 * g->brs + (j0 + j) * g->bcs,
                                g->brs, g->bcs, c, g->ldc, rows, cols,
                                accumulate, bj);
            } else {
                k->tile(kc, a, g->ars, g->acs, direct ? b + j : b + j * kc,
                        ldb, c, g->ldc, rows, cols, accumulate, bj);
            }
        }
    }
}

void nnlite__gemm_cols(const nnlite__gemm_kernels *k,
                       const nnlite__gemm_args *g, size_t j0, size_t j1,
                       float *pack)
{
    if (g->k == 0) {
        empty_product(g, j0, j1);
        return;
    }
    for (size_t jc = j0; jc < j1; jc += NNLITE__GEMM_NC) {
        const size_t nc =
            j1 - jc < NNLITE__GEMM_NC ? j1 - jc : NNLITE__GEMM_NC;
        for (size_t p0 = 0; p0 < g->k; p0 += NNLITE__GEMM_KC) {
            const size_t kc =
                g->k - p0 < NNLITE__GEMM_KC ? g->k - p0 : NNLITE__GEMM_KC;
            block(k, g, p0, kc, jc, nc, pack);
        }
    }
}

const nnlite__gemm_kernels *nnlite__gemm_kernels_for(nnlite__kernel_path p)
{
    if (p > nnlite__cpu_best_path()) {
        return NULL;
    }
    switch (p) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    case NNLITE__PATH_AVX512:
        return &nnlite__gemm_avx512;
    case NNLITE__PATH_AVX2:
        return &nnlite__gemm_avx2;
#endif
#if defined(__aarch64__) && defined(__ARM_NEON)
    case NNLITE__PATH_NEON:
        return &nnlite__gemm_neon;
#endif
    case NNLITE__PATH_GENERIC:
        return &nnlite__gemm_generic;
    default:
        return NULL;
    }
}
