/* Private: the messages handles keep for their last error. The library
 * never prints; every message is formatted here, into the handle's
 * buffer or the caller's. */
#ifndef NNLITE_MESSAGE_IMPL_H
#define NNLITE_MESSAGE_IMPL_H

#include <stdarg.h>
#include <stddef.h>

#include "nnlite/config.h"

/* Size of every handle's message buffer. */
#define NNLITE__ERROR_SIZE 256

#if defined(__GNUC__) || defined(__clang__)
#define NNLITE__PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define NNLITE__PRINTF(fmt, args)
#endif

#if NNLITE_HAVE_MESSAGE_TEXT
/* printf-style into buf (always NUL-terminated, truncated if long).
 * Nothing is written when size is 0, so buf may then be NULL. */
NNLITE__PRINTF(3, 0)
void nnlite__vformat(char *buf, size_t size, const char *fmt, va_list ap);

/* As nnlite__vformat, with the arguments inline. */
NNLITE__PRINTF(3, 4)
void nnlite__format(char *buf, size_t size, const char *fmt, ...);
#else
/* -Dmessages=none: every message is "" and the calls below are macros
 * that drop their format and arguments, so no message text reaches the
 * object files. Each printf-style wrapper elsewhere does the same. */
void nnlite__no_message(char *buf, size_t size);

/* Never defined, never called: NNLITE__DROP_MESSAGE names it only inside
 * sizeof, which evaluates nothing, so the format is still checked and
 * its arguments count as used, yet no string is emitted. */
NNLITE__PRINTF(1, 2)
int nnlite__message_not_kept(const char *fmt, ...);
#define NNLITE__DROP_MESSAGE(...)                                             \
    ((void)sizeof(nnlite__message_not_kept(__VA_ARGS__)))

#define nnlite__vformat(buf, size, fmt, ap)                                   \
    ((void)(fmt), (void)(ap), nnlite__no_message((buf), (size)))
#define nnlite__format(buf, size, ...)                                        \
    (NNLITE__DROP_MESSAGE(__VA_ARGS__), nnlite__no_message((buf), (size)))
#endif

#endif /* NNLITE_MESSAGE_IMPL_H */
