/* Message formatting: the library never prints, it keeps text in handles. */
#include "message_impl.h"

#include <stdarg.h>
#include <stdio.h>

void nnlite__format(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, size, fmt, ap);
    va_end(ap);
}
