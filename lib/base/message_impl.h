/* Private: formatting of the messages handles keep for their last error. */
#ifndef NNLITE_MESSAGE_IMPL_H
#define NNLITE_MESSAGE_IMPL_H

#include <stddef.h>

/* Size of every handle's message buffer. */
#define NNLITE__ERROR_SIZE 256

/* printf-style into buf (always NUL-terminated, truncated if long). */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 3, 4)))
#endif
void nnlite__format(char *buf, size_t size, const char *fmt, ...);

#endif /* NNLITE_MESSAGE_IMPL_H */
