/* Private: the instruction-set paths the kernels come in, and which one
 * this CPU runs. Every kernel family (GEMM, update) has one table per
 * path; a model picks the path once and keeps it (no global state). */
#ifndef NNLITE_CPU_IMPL_H
#define NNLITE_CPU_IMPL_H

/* Instruction-set paths. Values are stable for tests; on each
 * architecture its paths are ordered best last (x86-64: generic, AVX2,
 * AVX-512; aarch64: generic, NEON), and a path of another architecture
 * is never available. */
typedef enum nnlite__kernel_path {
    NNLITE__PATH_GENERIC = 0,
    NNLITE__PATH_AVX2 = 1,   /* x86-64: AVX2 + FMA */
    NNLITE__PATH_AVX512 = 2, /* x86-64: AVX-512F */
    NNLITE__PATH_NEON = 3,   /* aarch64: Advanced SIMD, in every core */
    NNLITE__PATH_COUNT = 4
} nnlite__kernel_path;

/* The best path this CPU (and OS) supports; asks the CPU every call. */
nnlite__kernel_path nnlite__cpu_best_path(void);

#endif /* NNLITE_CPU_IMPL_H */
