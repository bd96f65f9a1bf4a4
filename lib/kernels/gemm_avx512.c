/* AVX-512F kernels: an 8 x 32 micro-tile (16 accumulators of 16 floats)
 * and a GEMV (rows in memory order, four at a time, with x in registers;
 * or eight interleaved rows), also fused with a ReLU. Compiled with
 * per-function target attributes, so the rest of the library stays
 * baseline x86-64 and the dispatch in cpu.c decides at run time whether
 * these may run. */
#include "gemm_impl.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define TARGET __attribute__((target("avx,avx2,fma,avx512f")))
#define MR 8
#define NR 32

/* Bits of the first n of 16 lanes. */
static inline __mmask16 lanes(size_t n)
{
    /* An if, not ?:, whose int result -Wconversion would flag. */
    if (n >= 16) {
        return (__mmask16)0xffffu;
    }
    const unsigned bits = (1u << (unsigned)n) - 1u;
    return (__mmask16)bits;
}

TARGET static inline void store_row(float *c, __m512 lo, __m512 hi,
                                    __mmask16 m0, __mmask16 m1,
                                    int accumulate, const float *bias)
{
    if (accumulate) {
        lo = _mm512_add_ps(_mm512_maskz_loadu_ps(m0, c), lo);
        hi = _mm512_add_ps(_mm512_maskz_loadu_ps(m1, c + 16), hi);
    } else if (bias != NULL) {
        lo = _mm512_add_ps(_mm512_maskz_loadu_ps(m0, bias), lo);
        hi = _mm512_add_ps(_mm512_maskz_loadu_ps(m1, bias + 16), hi);
    }
    _mm512_mask_storeu_ps(c, m0, lo);
    _mm512_mask_storeu_ps(c + 16, m1, hi);
}

/* The tile for nr <= 16 (a layer's last, narrow panel): half the FMAs of
 * the full tile, with the same operations on every stored element. */
TARGET static void tile16(size_t k, const float *const *ar, size_t acs,
                          const float *b, size_t ldb, float *c, size_t ldc,
                          size_t mr, __mmask16 m0, int accumulate,
                          const float *bias)
{
    const float *a0 = ar[0], *a1 = ar[1], *a2 = ar[2], *a3 = ar[3];
    const float *a4 = ar[4], *a5 = ar[5], *a6 = ar[6], *a7 = ar[7];
    const __m512 z = _mm512_setzero_ps();
    __m512 c0 = z, c1 = z, c2 = z, c3 = z, c4 = z, c5 = z, c6 = z, c7 = z;

    for (size_t p = 0, off = 0; p < k; p++, off += acs, b += ldb) {
        const __m512 b0 = _mm512_maskz_loadu_ps(m0, b);
#define ROW(r) c##r = _mm512_fmadd_ps(_mm512_set1_ps(a##r[off]), b0, c##r)
        ROW(0); ROW(1); ROW(2); ROW(3); ROW(4); ROW(5); ROW(6); ROW(7);
#undef ROW
    }
    store_row(c, c0, z, m0, 0, accumulate, bias);
    if (mr > 1) store_row(c + ldc, c1, z, m0, 0, accumulate, bias);
    if (mr > 2) store_row(c + 2 * ldc, c2, z, m0, 0, accumulate, bias);
    if (mr > 3) store_row(c + 3 * ldc, c3, z, m0, 0, accumulate, bias);
    if (mr > 4) store_row(c + 4 * ldc, c4, z, m0, 0, accumulate, bias);
    if (mr > 5) store_row(c + 5 * ldc, c5, z, m0, 0, accumulate, bias);
    if (mr > 6) store_row(c + 6 * ldc, c6, z, m0, 0, accumulate, bias);
    if (mr > 7) store_row(c + 7 * ldc, c7, z, m0, 0, accumulate, bias);
}

TARGET static void tile_avx512(size_t k, const float *a, size_t ars,
                               size_t acs, const float *b, size_t ldb,
                               float *c, size_t ldc, size_t mr, size_t nr,
                               int accumulate, const float *bias)
{
    /* Masked loads: B may be read in place, up to column nr only. */
    const __mmask16 m0 = lanes(nr), m1 = lanes(nr > 16 ? nr - 16 : 0);
    /* Rows past mr repeat the last real row: computed, never stored. */
    const float *a0 = a, *a1 = a + (1 < mr ? 1 : mr - 1) * ars;
    const float *a2 = a + (2 < mr ? 2 : mr - 1) * ars;
    const float *a3 = a + (3 < mr ? 3 : mr - 1) * ars;
    const float *a4 = a + (4 < mr ? 4 : mr - 1) * ars;
    const float *a5 = a + (5 < mr ? 5 : mr - 1) * ars;
    const float *a6 = a + (6 < mr ? 6 : mr - 1) * ars;
    const float *a7 = a + (7 < mr ? 7 : mr - 1) * ars;
    if (nr <= 16) {
        const float *const ar[8] = {a0, a1, a2, a3, a4, a5, a6, a7};
        tile16(k, ar, acs, b, ldb, c, ldc, mr, m0, accumulate, bias);
        return;
    }
    __m512 c00 = _mm512_setzero_ps(), c01 = c00, c10 = c00, c11 = c00;
    __m512 c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    __m512 c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    __m512 c60 = c00, c61 = c00, c70 = c00, c71 = c00;

    for (size_t p = 0, off = 0; p < k; p++, off += acs, b += ldb) {
        const __m512 b0 = _mm512_maskz_loadu_ps(m0, b);
        const __m512 b1 = _mm512_maskz_loadu_ps(m1, b + 16);
        __m512 av;
#define ROW(r)                                                              \
    av = _mm512_set1_ps(a##r[off]);                                         \
    c##r##0 = _mm512_fmadd_ps(av, b0, c##r##0);                             \
    c##r##1 = _mm512_fmadd_ps(av, b1, c##r##1)
        ROW(0); ROW(1); ROW(2); ROW(3); ROW(4); ROW(5); ROW(6); ROW(7);
#undef ROW
    }
    store_row(c, c00, c01, m0, m1, accumulate, bias);
    if (mr > 1) store_row(c + ldc, c10, c11, m0, m1, accumulate, bias);
    if (mr > 2) store_row(c + 2 * ldc, c20, c21, m0, m1, accumulate, bias);
    if (mr > 3) store_row(c + 3 * ldc, c30, c31, m0, m1, accumulate, bias);
    if (mr > 4) store_row(c + 4 * ldc, c40, c41, m0, m1, accumulate, bias);
    if (mr > 5) store_row(c + 5 * ldc, c50, c51, m0, m1, accumulate, bias);
    if (mr > 6) store_row(c + 6 * ldc, c60, c61, m0, m1, accumulate, bias);
    if (mr > 7) store_row(c + 7 * ldc, c70, c71, m0, m1, accumulate, bias);
}

/* Sum the halves of a 16-lane vector into 8 lanes. */
TARGET static inline __m256 fold(__m512 v)
{
    const __m512d d = _mm512_castps_pd(v);
    return _mm256_add_ps(_mm512_castps512_ps256(v),
                         _mm256_castpd_ps(_mm512_extractf64x4_pd(d, 1)));
}

/* Eight dot products at once: y[j..j+8) = bias + rows . x. Each row has
 * its own accumulator (eight independent FMA chains hide the latency),
 * reduced together by a transpose-add tree. Every load is masked, full
 * chunks too: on Zen 5, eight interleaved rows stream from L2 slower with
 * plain loads (measured; W4 took 15% longer with the mask hoisted).
 * Forced inline, like dot1: called out of line from both GEMVs (plain and
 * fused), they made GCC 12 keep W's pointer on the stack and reload it in
 * gemv_rows' loop (W4 about 12% slower, measured). */
TARGET static inline __attribute__((always_inline)) __m256
dot8(const float *w, const float *x, size_t k)
{
    __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    __m512 s4 = s0, s5 = s0, s6 = s0, s7 = s0;
    for (size_t p = 0; p < k; p += 16) {
        const __mmask16 m = lanes(k - p);
        const __m512 xv = _mm512_maskz_loadu_ps(m, x + p);
#define ROW(r)                                                              \
    s##r = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, w + r * k + p), xv, s##r)
        ROW(0); ROW(1); ROW(2); ROW(3); ROW(4); ROW(5); ROW(6); ROW(7);
#undef ROW
    }
    const __m256 h01 = _mm256_hadd_ps(fold(s0), fold(s1));
    const __m256 h23 = _mm256_hadd_ps(fold(s2), fold(s3));
    const __m256 h45 = _mm256_hadd_ps(fold(s4), fold(s5));
    const __m256 h67 = _mm256_hadd_ps(fold(s6), fold(s7));
    const __m256 h03 = _mm256_hadd_ps(h01, h23);
    const __m256 h47 = _mm256_hadd_ps(h45, h67);
    return _mm256_add_ps(_mm256_permute2f128_ps(h03, h47, 0x20),
                         _mm256_permute2f128_ps(h03, h47, 0x31));
}

TARGET static inline __attribute__((always_inline)) float
dot1(const float *w, const float *x, size_t k)
{
    __m512 s = _mm512_setzero_ps();
    for (size_t p = 0; p < k; p += 16) {
        const __mmask16 m = lanes(k - p);
        s = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, w + p),
                            _mm512_maskz_loadu_ps(m, x + p), s);
    }
    return _mm512_reduce_add_ps(s);
}

/* Rows of ROWS_MIN_K to ROWS_MAX_K floats take gemv_rows: x fits in
 * registers and W is read row after row, in memory order, which streams
 * it from L2 faster than dot8's eight interleaved rows (W4: 56 and 100
 * inputs, weights in L2, 11% less time per call on Zen 5). Shorter rows give
 * each row's reduction too little work to hide behind (dot8 shares one
 * among eight rows; 48 is where both take as long); longer rows no longer
 * fit in registers, and dot8 loads each piece of x once for eight rows. */
#define ROWS_MIN_K 48
#define ROWS_MAX_K 256 /* 16 vectors of x */

/* Store row j's result v, and its ReLU when r is not NULL. */
static inline void put(float *y, float *r, size_t j, float v)
{
    y[j] = v;
    if (r != NULL) {
        r[j] = v > 0.0f ? v : 0.0f; /* NaN and -0 give +0 */
    }
}

/* The sums of four rows' 16 lanes, row i in lanes i, 4 + i, 8 + i and
 * 12 + i. Every row's lanes go through the same tree (halves, quarters,
 * then within 128-bit blocks), so a row's sum does not depend on its slot.
 * Nine shuffles for four rows, where the two-row tree of hadds it replaced
 * took eight for two: with W in L1, 100 rows of 56 floats took 24% less
 * time, of 100 floats 7% less (measured on Zen 5). */
TARGET static inline __m512 sum4(__m512 r0, __m512 r1, __m512 r2,
                                 __m512 r3)
{
    /* 256-bit half h of x01: 8 partial sums of row h (r0 or r1). */
    const __m512 x01 = _mm512_add_ps(_mm512_shuffle_f32x4(r0, r1, 0x44),
                                     _mm512_shuffle_f32x4(r0, r1, 0xee));
    const __m512 x23 = _mm512_add_ps(_mm512_shuffle_f32x4(r2, r3, 0x44),
                                     _mm512_shuffle_f32x4(r2, r3, 0xee));
    /* 128-bit block i: 4 partial sums of row i. */
    __m512 v = _mm512_add_ps(_mm512_shuffle_f32x4(x01, x23, 0x88),
                             _mm512_shuffle_f32x4(x01, x23, 0xdd));
    v = _mm512_add_ps(v, _mm512_permute_ps(v, 0x4e));
    v = _mm512_add_ps(v, _mm512_permute_ps(v, 0xb1)); /* row i: lane 4 i */
    return _mm512_permutexvar_ps(_mm512_setr_epi32(0, 4, 8, 12, 0, 4, 8, 12,
                                                   0, 4, 8, 12, 0, 4, 8, 12),
                                 v);
}

/* The last t <= 16 floats of x as a vector (zeros past t), one float at
 * a time: x was often just written by the previous layer's last rows,
 * one float each, and a vector load spanning several such stores must
 * wait until they reach the cache; each one-float load takes its value
 * straight from its store (W4 about 1% faster, measured). */
TARGET static inline __m512 last_chunk(const float *x, size_t t)
{
    if (t == 16) {
        return _mm512_loadu_ps(x);
    }
    __m512 v = _mm512_setzero_ps();
    for (size_t i = 0; i < t; i++) {
        v = _mm512_mask_broadcastss_ps(v, (__mmask16)(1u << i),
                                       _mm_load_ss(x + i));
    }
    return v;
}

/* y[j] = bias[j] + row j . x for rows of k floats in nc = ceil(k / 16)
 * chunks, nc <= 16: a constant once inlined, so that x0..x15 stay in
 * registers. Rows are read in memory order, four at a time, each summing
 * even and odd chunks in two accumulators (half the chain of dependent
 * FMAs); sum4 reduces the four together, and rows past n repeat the last
 * row (computed, never stored). Results gather into 16-row blocks, stored
 * whole: plain 64-byte stores, which the next layer's loads of x (and any
 * narrower load) can take straight from the store queue. A last, partial
 * block goes out one float at a time: a masked store cannot forward (one
 * for the last ReLU block alone made W4 4% slower, measured). r: see
 * gemv_body. */
TARGET static inline __attribute__((always_inline)) void
gemv_rows(const float *w, const float *x, const float *bias, float *y,
          float *r, size_t n, size_t k, const size_t nc)
{
    /* Only the last chunk is masked: unlike dot8's interleaved rows, rows
     * read in order stream from L2 faster with plain loads (Zen 5). */
    const __mmask16 ml = lanes(k - 16 * (nc - 1));
    __m512 x0 = _mm512_setzero_ps(), x1 = x0, x2 = x0, x3 = x0;
    __m512 x4 = x0, x5 = x0, x6 = x0, x7 = x0, x8 = x0, x9 = x0;
    __m512 x10 = x0, x11 = x0, x12 = x0, x13 = x0, x14 = x0, x15 = x0;
#define LOAD(p, c)                                                          \
    (c + 1 < nc ? _mm512_loadu_ps(p + 16 * c)                               \
                : _mm512_maskz_loadu_ps(ml, p + 16 * c))
#define XLOAD(c)                                                            \
    if (c + 1 < nc) {                                                       \
        x##c = LOAD(x, c);                                                  \
    } else if (c + 1 == nc) {                                               \
        x##c = last_chunk(x + 16 * c, k - 16 * c);                          \
    }
    XLOAD(0) XLOAD(1) XLOAD(2) XLOAD(3) XLOAD(4) XLOAD(5) XLOAD(6) XLOAD(7)
    XLOAD(8) XLOAD(9) XLOAD(10) XLOAD(11) XLOAD(12) XLOAD(13) XLOAD(14)
    XLOAD(15)
#undef XLOAD
    for (size_t j0 = 0; j0 < n; j0 += 16) {
        const size_t end = n - j0 < 16 ? n : j0 + 16;
        __m512 v = _mm512_setzero_ps();
        __mmask16 slot = 0xf; /* lanes of the next four rows */
        for (size_t j = j0; j < end; j += 4) {
#define CHUNK(r, c, acc)                                                    \
    if (c < nc) {                                                           \
        acc##r = _mm512_fmadd_ps(LOAD(w##r, c), x##c, acc##r);              \
    }
#define ROW(r)                                                              \
    const float *w##r = w + (j + r < n ? j + r : n - 1) * k;                \
    __m512 a##r = _mm512_setzero_ps(), b##r = a##r;                         \
    CHUNK(r, 0, a) CHUNK(r, 1, b) CHUNK(r, 2, a) CHUNK(r, 3, b)             \
    CHUNK(r, 4, a) CHUNK(r, 5, b) CHUNK(r, 6, a) CHUNK(r, 7, b)             \
    CHUNK(r, 8, a) CHUNK(r, 9, b) CHUNK(r, 10, a) CHUNK(r, 11, b)           \
    CHUNK(r, 12, a) CHUNK(r, 13, b) CHUNK(r, 14, a) CHUNK(r, 15, b)
            ROW(0) ROW(1) ROW(2) ROW(3)
#undef ROW
#undef CHUNK
            v = _mm512_mask_mov_ps(
                v, slot,
                sum4(_mm512_add_ps(a0, b0), _mm512_add_ps(a1, b1),
                     _mm512_add_ps(a2, b2), _mm512_add_ps(a3, b3)));
            slot = (__mmask16)(slot << 4);
        }
        if (end - j0 == 16) {
            if (bias != NULL) {
                v = _mm512_add_ps(_mm512_loadu_ps(bias + j0), v);
            }
            _mm512_storeu_ps(y + j0, v);
            if (r != NULL) { /* max(v, 0): see gemv_body */
                _mm512_storeu_ps(r + j0,
                                 _mm512_max_ps(v, _mm512_setzero_ps()));
            }
        } else {
            float sums[16];
            _mm512_storeu_ps(sums, v);
            for (size_t j = j0; j < end; j++) {
                put(y, r, j, (bias != NULL ? bias[j] : 0.0f) + sums[j - j0]);
            }
        }
    }
#undef LOAD
}

/* y = bias + W x, and r = relu(y) unless r is NULL: one body for both
 * table entries, so the fused one gives gemv's bits. max(v, 0) is
 * v > 0 ? v : 0 (the second operand when unordered: NaN gives 0). */
TARGET static inline __attribute__((always_inline)) void
gemv_body(const float *w, const float *x, const float *bias, float *y,
          float *r, size_t n, size_t k)
{
    if (k >= ROWS_MIN_K && k <= ROWS_MAX_K) {
        switch ((k + 15) / 16) {
#define CASE(nc)                                                            \
    case nc:                                                                \
        gemv_rows(w, x, bias, y, r, n, k, nc);                              \
        return;
            CASE(3) CASE(4) CASE(5) CASE(6) CASE(7) CASE(8) CASE(9)
            CASE(10) CASE(11) CASE(12) CASE(13) CASE(14) CASE(15)
#undef CASE
        default:
            gemv_rows(w, x, bias, y, r, n, k, 16);
            return;
        }
    }
    size_t j = 0;
    for (; j + 8 <= n; j += 8) {
        __m256 v = dot8(w + j * k, x, k);
        if (bias != NULL) {
            v = _mm256_add_ps(_mm256_loadu_ps(bias + j), v);
        }
        _mm256_storeu_ps(y + j, v);
        if (r != NULL) {
            _mm256_storeu_ps(r + j, _mm256_max_ps(v, _mm256_setzero_ps()));
        }
    }
    for (; j < n; j++) {
        const float v = dot1(w + j * k, x, k);
        put(y, r, j, (bias != NULL ? bias[j] : 0.0f) + v);
    }
}

TARGET static void gemv_avx512(const float *w, const float *x,
                               const float *bias, float *y, size_t n,
                               size_t k)
{
    gemv_body(w, x, bias, y, NULL, n, k);
}

TARGET static void gemv_relu_avx512(const float *w, const float *x,
                                    const float *bias, float *y, float *r,
                                    size_t n, size_t k)
{
    gemv_body(w, x, bias, y, r, n, k);
}

/* Transpose 16 rows of 16 floats in registers: r[i] becomes column i.
 * Four rounds of shuffles pair elements 1, 2, 4, 8 apart. Written out
 * (no loops over the array) so that compilers keep it in registers. */
TARGET static inline void transpose16(__m512 *r)
{
    __m512 t[16];
#define UNPACK(i)                                                           \
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);                              \
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1])
    UNPACK(0); UNPACK(2); UNPACK(4); UNPACK(6);
    UNPACK(8); UNPACK(10); UNPACK(12); UNPACK(14);
#undef UNPACK
#define PAIRS(i)                                                            \
    r[i] = _mm512_shuffle_ps(t[i], t[i + 2], 0x44);                         \
    r[i + 1] = _mm512_shuffle_ps(t[i], t[i + 2], 0xee);                     \
    r[i + 2] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0x44);                 \
    r[i + 3] = _mm512_shuffle_ps(t[i + 1], t[i + 3], 0xee)
    PAIRS(0); PAIRS(4); PAIRS(8); PAIRS(12);
#undef PAIRS
#define QUADS(i)                                                            \
    t[i] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0x88);                      \
    t[i + 4] = _mm512_shuffle_f32x4(r[i], r[i + 4], 0xdd);                  \
    t[i + 8] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0x88);             \
    t[i + 12] = _mm512_shuffle_f32x4(r[i + 8], r[i + 12], 0xdd)
    QUADS(0); QUADS(1); QUADS(2); QUADS(3);
#undef QUADS
#define HALVES(i)                                                           \
    r[i] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0x88);                      \
    r[i + 8] = _mm512_shuffle_f32x4(t[i], t[i + 8], 0xdd)
    HALVES(0); HALVES(1); HALVES(2); HALVES(3);
    HALVES(4); HALVES(5); HALVES(6); HALVES(7);
#undef HALVES
}

/* W^T panels by 16 x 16 register transposes instead of a scalar gather
 * (the forward pass packs every weight once per step). Rows j >= w are
 * zero; loads are masked at p = kc, stores stop there. */
TARGET static void pack_t_avx512(const float *src, size_t lds, size_t kc,
                                 size_t w, float *dst)
{
    for (size_t jh = 0; jh < NR; jh += 16) {
        for (size_t p0 = 0; p0 < kc; p0 += 16) {
            const __mmask16 m = lanes(kc - p0);
            const size_t rows = kc - p0 < 16 ? kc - p0 : 16;
            const float *s0 = src + jh * lds + p0;
            float *d = dst + p0 * NR + jh;
            __m512 r[16];
#define LOAD(j)                                                             \
    r[j] = jh + j < w ? _mm512_maskz_loadu_ps(m, s0 + j * lds)              \
                      : _mm512_setzero_ps()
            LOAD(0); LOAD(1); LOAD(2); LOAD(3); LOAD(4); LOAD(5);
            LOAD(6); LOAD(7); LOAD(8); LOAD(9); LOAD(10); LOAD(11);
            LOAD(12); LOAD(13); LOAD(14); LOAD(15);
#undef LOAD
            transpose16(r);
            if (rows == 16) {
#define STORE(p) _mm512_storeu_ps(d + p * NR, r[p])
                STORE(0); STORE(1); STORE(2); STORE(3); STORE(4);
                STORE(5); STORE(6); STORE(7); STORE(8); STORE(9);
                STORE(10); STORE(11); STORE(12); STORE(13); STORE(14);
                STORE(15);
#undef STORE
            } else {
                for (size_t p = 0; p < rows; p++) {
                    _mm512_storeu_ps(d + p * NR, r[p]);
                }
            }
        }
    }
}

#define BLOCK 32 /* 32 doubles: four zmm accumulators */
#define COLUMN_SUMS_FN column_sums_avx512
#include "column_sums_impl.h"

const nnlite__gemm_kernels nnlite__gemm_avx512 = {
    NNLITE__PATH_AVX512, "avx512", MR, NR, 1, tile_avx512, gemv_avx512,
    pack_t_avx512, gemv_relu_avx512, column_sums_avx512, NULL, 0,
};
#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int nnlite__gemm_avx512_unused;
#endif
