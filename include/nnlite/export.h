/**
 * @file export.h
 * @brief Symbol visibility and C++ linkage macros for the nnlite API.
 *
 * Every public declaration starts with NNLITE_API. In a static build it is
 * plain default visibility; a shared build exports exactly these symbols and
 * hides the rest (the library is compiled with -fvisibility=hidden).
 */
#ifndef NNLITE_EXPORT_H
#define NNLITE_EXPORT_H

#if defined(_WIN32) && defined(NNLITE_SHARED)
#  if defined(NNLITE_BUILDING)
#    define NNLITE_API __declspec(dllexport)
#  else
#    define NNLITE_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) || defined(__clang__)
#  define NNLITE_API __attribute__((visibility("default")))
#else
#  define NNLITE_API
#endif

#ifdef __cplusplus
#  define NNLITE_BEGIN_DECLS extern "C" {
#  define NNLITE_END_DECLS }
#else
#  define NNLITE_BEGIN_DECLS
#  define NNLITE_END_DECLS
#endif

#endif /* NNLITE_EXPORT_H */
