/*
 * Decimal text to float without the C locale: the text is checked here
 * against a strict grammar, then rewritten as "[-]DIGITSeEXP" (an integer
 * significand and a decimal exponent, with no radix character at all) for
 * strtof, which rounds correctly. strtof reads the radix character from
 * the locale, so a "1.5" handed to it directly would stop at the point
 * under a locale whose separator is a comma; digits and an exponent mean
 * the same in every locale.
 *
 * Long significands: only the first MAX_DIGITS significant digits are
 * kept; when any later digit is non-zero a 1 is appended (a sticky digit).
 * Every float rounding boundary (a midpoint between two floats) has fewer
 * than 120 significant decimal digits, so the shortened value lies on the
 * same side of every boundary as the full one and rounds the same way.
 */
#include "number_impl.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "message_impl.h"

#define MAX_DIGITS 200
/* Beyond this the value is 0 or infinite whatever the (<= 201) digits. */
#define EXPONENT_LIMIT 100000
/* The written exponent saturates here, far above any field's length, so
 * that adding the place of the point (at most the field's length) to it
 * stays exact and in range: "1" and a million zeros "e-1000000" is 1. */
#define WRITTEN_EXPONENT_LIMIT ((int64_t)1 << 52)

typedef struct decimal {
    char digits[MAX_DIGITS + 2]; /* significant digits (+ sticky), no NUL */
    size_t count;
    bool dropped_nonzero;
    int64_t exponent; /* value = digits * 10^exponent */
} decimal;

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* True when text[0..length) is `word`, ignoring case. */
static bool is_word(const char *text, size_t length, const char *word)
{
    size_t i = 0;
    for (; i < length && word[i] != '\0'; i++) {
        if (lower(text[i]) != word[i]) {
            return false;
        }
    }
    return i == length && word[i] == '\0';
}

/* One mantissa digit; `fraction`: it is after the point. */
static void add_digit(decimal *d, char c, bool fraction)
{
    if (d->count == 0 && c == '0') {
        d->exponent -= fraction ? 1 : 0; /* a leading zero */
        return;
    }
    if (d->count < MAX_DIGITS) {
        d->digits[d->count++] = c;
        d->exponent -= fraction ? 1 : 0;
        return;
    }
    d->exponent += fraction ? 0 : 1; /* a dropped integer digit scales */
    d->dropped_nonzero |= c != '0';
}

/* Digits from text[*i]; returns how many there were. */
static size_t mantissa_digits(decimal *d, const char *text, size_t length,
                              size_t *i, bool fraction)
{
    size_t start = *i;
    while (*i < length && is_digit(text[*i])) {
        add_digit(d, text[*i], fraction);
        (*i)++;
    }
    return *i - start;
}

/* [(e|E) [+-] digits] from text[*i], saturating near
 * WRITTEN_EXPONENT_LIMIT. */
static bool exponent_part(const char *text, size_t length, size_t *i,
                          int64_t *exponent)
{
    bool negative = false;
    int64_t e = 0;
    size_t start;
    if (*i == length || lower(text[*i]) != 'e') {
        return true;
    }
    (*i)++;
    if (*i < length && (text[*i] == '+' || text[*i] == '-')) {
        negative = text[*i] == '-';
        (*i)++;
    }
    start = *i;
    for (; *i < length && is_digit(text[*i]); (*i)++) {
        if (e < WRITTEN_EXPONENT_LIMIT) {
            e = e * 10 + (text[*i] - '0');
        }
    }
    *exponent = negative ? -e : e;
    return *i > start;
}

/* Read the grammar into d; false on any deviation. */
static bool scan(decimal *d, const char *text, size_t length, bool *negative)
{
    size_t i = 0, digits;
    int64_t exponent = 0;
    if (i < length && (text[i] == '+' || text[i] == '-')) {
        *negative = text[i] == '-';
        i++;
    }
    digits = mantissa_digits(d, text, length, &i, false);
    if (i < length && text[i] == '.') {
        i++;
        digits += mantissa_digits(d, text, length, &i, true);
    }
    if (digits == 0 || !exponent_part(text, length, &i, &exponent)) {
        return false;
    }
    d->exponent += exponent;
    return i == length;
}

/* The decimal digits of v at out, NUL-terminated. Written here, not by
 * nnlite__format: that makes messages, which a build may leave out. */
static void put_decimal(char *out, int64_t v)
{
    char digits[24];
    size_t k = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    if (v < 0) {
        *out++ = '-';
    }
    do {
        digits[k++] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    while (k > 0) {
        *out++ = digits[--k];
    }
    *out = '\0';
}

/* strtof on "[-]DIGITS[1]eEXP". */
static float convert(decimal *d, bool negative)
{
    char buf[1 + MAX_DIGITS + 1 + 32];
    int64_t exponent = d->exponent;
    size_t n = 0;
    if (d->dropped_nonzero) {
        d->digits[d->count++] = '1';
        exponent -= 1;
    }
    if (exponent > EXPONENT_LIMIT) {
        exponent = EXPONENT_LIMIT;
    } else if (exponent < -EXPONENT_LIMIT) {
        exponent = -EXPONENT_LIMIT;
    }
    if (negative) {
        buf[n++] = '-';
    }
    for (size_t i = 0; i < d->count; i++) {
        buf[n++] = d->digits[i];
    }
    buf[n++] = 'e';
    put_decimal(buf + n, exponent);
    return strtof(buf, NULL);
}

nnlite__number nnlite__parse_float(const char *text, size_t length,
                                   float *out)
{
    decimal d = {{0}, 0, false, 0};
    bool negative = false;
    size_t skip = length > 0 && (text[0] == '+' || text[0] == '-') ? 1 : 0;
    float value;
    if (is_word(text + skip, length - skip, "nan") ||
        is_word(text + skip, length - skip, "inf") ||
        is_word(text + skip, length - skip, "infinity")) {
        return NNLITE__NUMBER_NOT_FINITE;
    }
    if (!scan(&d, text, length, &negative)) {
        return NNLITE__NUMBER_SYNTAX;
    }
    if (d.count == 0) {
        *out = negative ? -0.0f : 0.0f;
        return NNLITE__NUMBER_OK;
    }
    value = convert(&d, negative);
    if (isinf(value)) {
        return NNLITE__NUMBER_RANGE;
    }
    *out = value;
    return NNLITE__NUMBER_OK;
}
