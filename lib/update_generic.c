/* The portable optimizer updates: the scalar element functions of
 * update_impl.h in a loop (the reference the vector paths must match). */
#include "update_impl.h"

static bool sgd_generic(const nnlite__update *u, size_t i0, size_t i1)
{
    float bad = 0.0f;
    for (size_t i = i0; i < i1; i++) {
        bad += nnlite__sgd_element(u, i);
    }
    return bad == 0.0f;
}

static bool momentum_generic(const nnlite__update *u, size_t i0, size_t i1)
{
    float bad = 0.0f;
    for (size_t i = i0; i < i1; i++) {
        bad += nnlite__momentum_element(u, i);
    }
    return bad == 0.0f;
}

static bool adam_generic(const nnlite__update *u, size_t i0, size_t i1)
{
    float bad = 0.0f;
    for (size_t i = i0; i < i1; i++) {
        bad += nnlite__adam_element(u, i);
    }
    return bad == 0.0f;
}

const nnlite__update_kernels nnlite__update_generic = {
    sgd_generic, momentum_generic, adam_generic,
};

const nnlite__update_kernels *nnlite__update_kernels_for(nnlite__gemm_path p)
{
    switch (p) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    case NNLITE__PATH_AVX512:
        return &nnlite__update_avx512;
    case NNLITE__PATH_AVX2:
        return &nnlite__update_avx2;
#endif
    default:
        return &nnlite__update_generic;
    }
}
