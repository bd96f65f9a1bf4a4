/* Message formatting: the one place nnlite builds text. */
#include "message_impl.h"

#include <stdio.h>

void nnlite__vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
    if (size > 0) {
        vsnprintf(buf, size, fmt, ap);
    }
}

void nnlite__format(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nnlite__vformat(buf, size, fmt, ap);
    va_end(ap);
}
