/* Private: invariants told to clang's static analyzer (scan-build). */
#ifndef NNLITE_ANALYZER_IMPL_H
#define NNLITE_ANALYZER_IMPL_H

/* NNLITE__ANALYZER_ASSUME(c): c holds here, for a reason the analyzer
 * cannot see, as a check made in another file (it analyses one file at a
 * time). Each use says beside it why c holds. Only the analyzer sees it
 * (a path where c fails is cut short there); every compiler gets nothing:
 * no check, no branch, no abort. */
#ifdef __clang_analyzer__
#define NNLITE__ANALYZER_ASSUME(c) \
    do { \
        if (!(c)) { \
            __builtin_unreachable(); \
        } \
    } while (0)
#else
#define NNLITE__ANALYZER_ASSUME(c) ((void)0)
#endif

#endif
