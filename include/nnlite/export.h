/**
 * @file export.h
 * @brief Symbol visibility, deprecation and C++ linkage macros for the
 * nnlite API.
 *
 * Every public declaration starts with NNLITE_API. In a static build it is
 * plain default visibility; a shared build exports exactly these symbols and
 * hides the rest (the library is compiled with -fvisibility=hidden).
 */
#ifndef NNLITE_EXPORT_H
#define NNLITE_EXPORT_H

/**
 * @def NNLITE_API
 * Starts every public declaration: default visibility with GCC and clang,
 * dllexport or dllimport in a Windows DLL (NNLITE_SHARED), else nothing.
 */
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

/**
 * @def NNLITE_DEPRECATED(message)
 * NNLITE_DEPRECATED(message) marks a declaration kept for compatibility:
 * using it still compiles and links, with a warning that names the
 * replacement. Deprecated names are removed only at 1.0 (CHANGES.md).
 */
#if defined(__GNUC__) || defined(__clang__)
#  define NNLITE_DEPRECATED(message) __attribute__((deprecated(message)))
#elif defined(_MSC_VER)
#  define NNLITE_DEPRECATED(message) __declspec(deprecated(message))
#else
#  define NNLITE_DEPRECATED(message)
#endif

/**
 * @def NNLITE_BEGIN_DECLS
 * Opens each header's declarations: `extern "C" {` in C++, else nothing.
 * @def NNLITE_END_DECLS
 * Closes what NNLITE_BEGIN_DECLS opened.
 */
#ifdef __cplusplus
#  define NNLITE_BEGIN_DECLS extern "C" {
#  define NNLITE_END_DECLS }
#else
#  define NNLITE_BEGIN_DECLS
#  define NNLITE_END_DECLS
#endif

#endif /* NNLITE_EXPORT_H */
