/**
 * @file status.h
 * @brief Status codes returned by every fallible nnlite call.
 *
 * Values are fixed forever: a code is never renumbered or reused, and new
 * codes get new numbers. NNLITE_OK is zero, every error is negative, so
 * `if (status != NNLITE_OK)` and `if (status < 0)` both test for failure.
 */
#ifndef NNLITE_STATUS_H
#define NNLITE_STATUS_H

#include "nnlite/export.h"

NNLITE_BEGIN_DECLS

/**
 * One list drives both the enum and nnlite_status_string(), so a code can
 * never lack its text. X(name, value, text).
 */
#define NNLITE_STATUS_MAP(X)                                                  \
    X(OK, 0, "success")                                                       \
    X(EINVAL, -1, "invalid argument")                                         \
    X(ESHAPE, -2, "shapes do not fit each other or the model")               \
    X(ENOMEM, -3, "out of memory or size overflow")                           \
    X(EIO, -4, "input/output error")                                          \
    X(EFORMAT, -5, "malformed, corrupt or unsupported model data")            \
    X(ESTATE, -6, "call not valid in the current state")                      \
    X(ENUMERIC, -7, "NaN or infinity in an input, a loss or a gradient")   \
    X(ENOTFOUND, -8, "no such entry")

/** Result of a fallible call: NNLITE_OK (0) or a negative error code. */
typedef enum nnlite_status {
#define NNLITE_STATUS_ENUM_(name, value, text) NNLITE_##name = value,
    NNLITE_STATUS_MAP(NNLITE_STATUS_ENUM_)
#undef NNLITE_STATUS_ENUM_
} nnlite_status;

/** @var NNLITE_OK
 * Success (0). */
/** @var NNLITE_EINVAL
 * Invalid argument: caller misuse, never an abort. */
/** @var NNLITE_ESHAPE
 * Shapes do not fit each other or the model. */
/** @var NNLITE_ENOMEM
 * Out of memory, or a size that would overflow. */
/** @var NNLITE_EIO
 * Input/output error. */
/** @var NNLITE_EFORMAT
 * Malformed, corrupt or unsupported model data. */
/** @var NNLITE_ESTATE
 * The call is not valid in the current state. */
/** @var NNLITE_ENUMERIC
 * NaN or infinity in an input, a loss or a gradient. */
/** @var NNLITE_ENOTFOUND
 * No such entry (e.g. a metadata name). */

/**
 * Describe a status code in a few words.
 *
 * @param status any value, including ones this version does not know.
 * @return static, NUL-terminated English text; never NULL, never freed.
 *         Unknown codes give "unknown status".
 */
NNLITE_API const char *nnlite_status_string(nnlite_status status);

NNLITE_END_DECLS

#endif /* NNLITE_STATUS_H */
