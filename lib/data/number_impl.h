/* Private: decimal text to float, the same under every C locale. */
#ifndef NNLITE_NUMBER_IMPL_H
#define NNLITE_NUMBER_IMPL_H

#include <stddef.h>

typedef enum nnlite__number {
    NNLITE__NUMBER_OK,
    NNLITE__NUMBER_SYNTAX,     /* not a decimal number (or empty) */
    NNLITE__NUMBER_NOT_FINITE, /* "nan", "inf", "infinity", any case */
    NNLITE__NUMBER_RANGE,      /* beyond the largest float */
} nnlite__number;

/*
 * Convert exactly `length` bytes (no surrounding spaces, no NUL needed):
 * [+-] digits [. digits] [(e|E) [+-] digits], at least one mantissa digit,
 * correctly rounded to the nearest float; values below the smallest one
 * round to it or to a signed zero. *out is written only on success.
 */
nnlite__number nnlite__parse_float(const char *text, size_t length,
                                   float *out);

#endif /* NNLITE_NUMBER_IMPL_H */
