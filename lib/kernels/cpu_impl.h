/* Private: the instruction-set paths the kernels come in, and which one
 * this CPU runs. Every kernel family (GEMM, update) has one table per
 * path; a model picks the path once and keeps it (no global state). */
#ifndef NNLITE_CPU_IMPL_H
#define NNLITE_CPU_IMPL_H

/* Instruction-set paths, best last. Values are stable for tests. */
typedef enum nnlite__kernel_path {
    NNLITE__PATH_GENERIC = 0,
    NNLITE__PATH_AVX2 = 1,   /* AVX2 + FMA */
    NNLITE__PATH_AVX512 = 2, /* AVX-512F */
    NNLITE__PATH_COUNT = 3
} nnlite__kernel_path;

/* The best path this CPU (and OS) supports; asks the CPU every call. */
nnlite__kernel_path nnlite__cpu_best_path(void);

#endif /* NNLITE_CPU_IMPL_H */
