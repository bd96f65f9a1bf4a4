/* Run-time CPU feature detection for the kernel dispatch. Nothing is
 * cached here (no mutable statics in lib/): the model keeps the result. */
#include "cpu_impl.h"

nnlite__kernel_path nnlite__cpu_best_path(void)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    /* libgcc's (and compiler-rt's) feature bits also check that the OS
     * saves the wide registers (XGETBV), and under valgrind, whose
     * emulated CPU lacks AVX-512, they report it missing: we fall back. */
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) {
        return NNLITE__PATH_AVX512;
    }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        return NNLITE__PATH_AVX2;
    }
#elif defined(__aarch64__) && defined(__ARM_NEON)
    return NNLITE__PATH_NEON; /* part of ARMv8-A: nothing to ask */
#endif
    return NNLITE__PATH_GENERIC;
}
