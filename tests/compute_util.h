/* A compute context for tests that run layer ops directly, as a model
 * would hand one down: the kernels of one path, packing scratch from
 * test_malloc (so leaks fail the test), one thread. */
#ifndef NNLITE_TEST_COMPUTE_UTIL_H
#define NNLITE_TEST_COMPUTE_UTIL_H

#include <stdbool.h>

#include "harness.h"

#include "compute_impl.h"

/* Fill *cx for kernel path p and layers up to `width` wide; false (and
 * nothing allocated) when this CPU or build lacks the path. */
static inline bool test_compute_create(nnlite__compute *cx, int path,
                                       size_t width)
{
    const nnlite__gemm_kernels *k =
        nnlite__gemm_kernels_for((nnlite__kernel_path)path);
    if (k == NULL) {
        return false;
    }
    cx->kernels = k;
    cx->pack_floats = nnlite__gemm_pack_floats(width);
    cx->pack = test_malloc(cx->pack_floats * sizeof(float));
    cx->pool = NULL;
    cx->training = false;
    cx->rng = NULL;
    cx->mask = NULL;
    assert_non_null(cx->pack);
    return true;
}

static inline void test_compute_destroy(nnlite__compute *cx)
{
    test_free(cx->pack);
    cx->pack = NULL;
}

#endif /* NNLITE_TEST_COMPUTE_UTIL_H */
