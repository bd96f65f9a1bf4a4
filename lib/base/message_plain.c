/* Message formatting without vsnprintf, for -Dmessages=plain: strings,
 * characters and integers are written, every floating-point value is
 * written as ?, which keeps the formatting half of the C library (and its
 * software double arithmetic on a Cortex-M4) out of the smallest images.
 * Only the conversions nnlite's own messages use need to be right; any
 * other is consumed by its C type and written as ?. */
#include "message_impl.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The output so far: buf[0, len), at most size - 1 bytes. */
typedef struct text {
    char *buf;
    size_t size;
    size_t len;
} text;

static void put(text *t, char c)
{
    if (t->len + 1 < t->size) {
        t->buf[t->len++] = c;
    }
}

/* At most `limit` bytes of s (a negative limit: all of it). */
static void put_string(text *t, const char *s, long limit)
{
    for (s = s != NULL ? s : "(null)"; *s != '\0' && limit != 0; s++) {
        put(t, *s);
        limit -= limit > 0;
    }
}

static void put_unsigned(text *t, uintmax_t v, unsigned base)
{
    char digits[sizeof(uintmax_t) * 8];
    size_t n = 0;
    do {
        digits[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v != 0);
    while (n > 0) {
        put(t, digits[--n]);
    }
}

static void put_signed(text *t, intmax_t v)
{
    if (v < 0) {
        put(t, '-');
        put_unsigned(t, (uintmax_t)0 - (uintmax_t)v, 10);
    } else {
        put_unsigned(t, (uintmax_t)v, 10);
    }
}

/* The argument of an integer conversion with length modifier `len`
 * ("", "hh", "h", "l", "ll", "z", "j", "t"), widened. */
static uintmax_t take_unsigned(va_list *ap, const char *len)
{
    switch (len[0]) {
    case 'l':
        return len[1] == 'l' ? (uintmax_t)va_arg(*ap, unsigned long long)
                             : (uintmax_t)va_arg(*ap, unsigned long);
    case 'z':
        return (uintmax_t)va_arg(*ap, size_t);
    case 'j':
        return va_arg(*ap, uintmax_t);
    case 't':
        return (uintmax_t)va_arg(*ap, ptrdiff_t);
    default:
        return (uintmax_t)va_arg(*ap, unsigned);
    }
}

static intmax_t take_signed(va_list *ap, const char *len)
{
    switch (len[0]) {
    case 'l':
        return len[1] == 'l' ? (intmax_t)va_arg(*ap, long long)
                             : (intmax_t)va_arg(*ap, long);
    case 'z':
        return (intmax_t)va_arg(*ap, size_t);
    case 'j':
        return va_arg(*ap, intmax_t);
    case 't':
        return (intmax_t)va_arg(*ap, ptrdiff_t);
    default:
        return (intmax_t)va_arg(*ap, int);
    }
}

static bool is_one_of(char c, const char *set)
{
    for (; *set != '\0'; set++) {
        if (c == *set) {
            return true;
        }
    }
    return false;
}

/* Write the conversion that starts after a '%' at *fmt; returns where the
 * format goes on. */
static const char *convert(text *t, const char *fmt, va_list *ap)
{
    char len[3] = {0};
    size_t n = 0;
    long precision = -1; /* none given */
    bool long_double = false, in_precision = false;
    for (; is_one_of(*fmt, "-+ #0123456789.*"); fmt++) {
        if (*fmt == '.') {
            in_precision = true;
            precision = 0;
        } else if (*fmt == '*') {
            const int value = va_arg(*ap, int); /* a width or precision */
            if (in_precision) {
                precision = value < 0 ? -1 : value;
            }
        } else if (in_precision && *fmt >= '0' && *fmt <= '9' &&
                   precision < 100000) {
            precision = precision * 10 + (*fmt - '0');
        }
    }
    for (; is_one_of(*fmt, "hljztL"); fmt++) {
        long_double = long_double || *fmt == 'L';
        if (n < 2) {
            len[n++] = *fmt;
        }
    }
    switch (*fmt) {
    case 'd':
    case 'i':
        put_signed(t, take_signed(ap, len));
        break;
    case 'u':
        put_unsigned(t, take_unsigned(ap, len), 10);
        break;
    case 'x':
    case 'X':
        put_unsigned(t, take_unsigned(ap, len), 16);
        break;
    case 'o':
        put_unsigned(t, take_unsigned(ap, len), 8);
        break;
    case 'c':
        put(t, (char)va_arg(*ap, int));
        break;
    case 's':
        put_string(t, va_arg(*ap, const char *), precision);
        break;
    case '%':
        put(t, '%');
        break;
    case '\0':
        return fmt; /* a lone % at the end */
    default: /* e f g a and their capitals; p */
        if (*fmt == 'p') {
            (void)va_arg(*ap, void *);
        } else if (long_double) {
            (void)va_arg(*ap, long double);
        } else {
            (void)va_arg(*ap, double);
        }
        put(t, '?');
        break;
    }
    return fmt + 1;
}

void nnlite__vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
    text t = {buf, size, 0};
    va_list args;
    if (size == 0) {
        return;
    }
    va_copy(args, ap);
    while (*fmt != '\0') {
        if (*fmt == '%') {
            fmt = convert(&t, fmt + 1, &args);
        } else {
            put(&t, *fmt++);
        }
    }
    va_end(args);
    buf[t.len] = '\0';
}

void nnlite__format(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nnlite__vformat(buf, size, fmt, ap);
    va_end(ap);
}
