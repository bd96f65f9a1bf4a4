/* Private: the messages handles keep for their last error. The library
 * never prints; every message is formatted here, into the handle's
 * buffer or the caller's. */
#ifndef NNLITE_MESSAGE_IMPL_H
#define NNLITE_MESSAGE_IMPL_H

#include <stdarg.h>
#include <stddef.h>

/* Size of every handle's message buffer. */
#define NNLITE__ERROR_SIZE 256

#if defined(__GNUC__) || defined(__clang__)
#define NNLITE__PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define NNLITE__PRINTF(fmt, args)
#endif

/* printf-style into buf (always NUL-terminated, truncated if long).
 * Nothing is written when size is 0, so buf may then be NULL. */
NNLITE__PRINTF(3, 0)
void nnlite__vformat(char *buf, size_t size, const char *fmt, va_list ap);

/* As nnlite__vformat, with the arguments inline. */
NNLITE__PRINTF(3, 4)
void nnlite__format(char *buf, size_t size, const char *fmt, ...);

#endif /* NNLITE_MESSAGE_IMPL_H */
