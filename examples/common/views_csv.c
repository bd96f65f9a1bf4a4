/*
 * views_csv: the file is read whole, then line by line. The first line
 * that is not blank is a header when its first field holds no digit (a
 * date always does), so "Date,Views", "date,views" and "Day,Total" all
 * work and a mistyped date on line 1 is still reported as a bad date.
 */
#include "views_csv.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_line.h"
#include "dates.h"

/* Everything the parser knows while it walks the lines. */
typedef struct reader {
    const char *name;
    char *error;
    size_t error_size;
    views_series *series;
    size_t capacity;     /* room in series->days and ->views */
    size_t line;         /* current line, 1-based */
    size_t last_data;    /* line of the last data row, 0 before one */
    size_t blank_line;   /* first blank line after content, 0 for none */
    int seen_content;    /* a header or data line was read */
} reader;

/* Lets GCC and Clang check the format strings of the two helpers below. */
#if defined(__GNUC__) || defined(__clang__)
#define PRINTF_LIKE(fmt_index, first_arg) \
    __attribute__((format(printf, fmt_index, first_arg)))
#else
#define PRINTF_LIKE(fmt_index, first_arg)
#endif

PRINTF_LIKE(3, 4)
static void set_error(char *error, size_t size, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    if (size > 0) {
        vsnprintf(error, size, format, args);
    }
    va_end(args);
}

/* Report "name:line: message" and return -1. */
PRINTF_LIKE(3, 4)
static int fail_at(reader *r, size_t line, const char *format, ...)
{
    char message[160];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof message, format, args);
    va_end(args);
    set_error(r->error, r->error_size, "%s:%zu: %s", r->name, line,
              message);
    return -1;
}

static int is_blank(const char *line, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        if (line[i] != ' ' && line[i] != '\t') {
            return 0;
        }
    }
    return 1;
}

static int has_digit(csv_field f)
{
    for (size_t i = 0; i < f.length; i++) {
        if (f.text[i] >= '0' && f.text[i] <= '9') {
            return 1;
        }
    }
    return 0;
}

/* Unsigned decimal: digits with at most one point, at least one digit. */
static int is_decimal(const char *s)
{
    size_t digits = 0, points = 0;
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9') {
            digits++;
        } else if (*s == '.' && points == 0) {
            points++;
        } else {
            return 0;
        }
    }
    return digits > 0;
}

static int is_nan_text(const char *s)
{
    if (*s == '+' || *s == '-') {
        s++;
    }
    return (s[0] == 'n' || s[0] == 'N') && (s[1] == 'a' || s[1] == 'A') &&
           (s[2] == 'n' || s[2] == 'N') && s[3] == '\0';
}

/* The views column: a plain decimal number, never negative or NaN. Parsed
 * by hand before strtod so locale or hex forms can never sneak in. */
static int parse_views(reader *r, csv_field f, double *views)
{
    char text[64];
    if (f.length == 0) {
        return fail_at(r, r->line, "views missing (empty second column)");
    }
    if (f.length >= sizeof text) {
        return fail_at(r, r->line, "views '%.20s...' is not a number",
                       f.text);
    }
    /* A NUL would end the copy early: "12<NUL>x" must not read as 12. */
    if (memchr(f.text, '\0', f.length) != NULL) {
        return fail_at(r, r->line, "views hold a NUL byte: not a number");
    }
    memcpy(text, f.text, f.length);
    text[f.length] = '\0';
    if (is_nan_text(text)) {
        return fail_at(r, r->line, "views '%s' is not a number (NaN)",
                       text);
    }
    if (text[0] == '-' && is_decimal(text + 1)) {
        return fail_at(r, r->line, "views '%s' is negative", text);
    }
    if (!is_decimal(text[0] == '+' ? text + 1 : text)) {
        return fail_at(r, r->line, "views '%s' is not a number", text);
    }
    *views = strtod(text, NULL);
    if (!isfinite(*views)) {
        return fail_at(r, r->line, "views '%s' is too large", text);
    }
    return 0;
}

static int parse_date(reader *r, csv_field f, long *day)
{
    switch (date_parse(f.text, f.length, day)) {
    case DATE_OK:
        return 0;
    case DATE_NO_SUCH_DAY:
        return fail_at(r, r->line, "no such day: '%.*s'", (int)f.length,
                       f.text);
    case DATE_BAD_FORMAT:
        break;
    }
    return fail_at(r, r->line, "bad date '%.*s' (expected YYYY-MM-DD)",
                   (int)(f.length > 40 ? 40 : f.length), f.text);
}

static int check_order(reader *r, long day)
{
    const views_series *s = r->series;
    if (s->count == 0 || day > s->days[s->count - 1]) {
        return 0;
    }
    char now[DATE_TEXT_SIZE], before[DATE_TEXT_SIZE];
    date_format(day, now);
    date_format(s->days[s->count - 1], before);
    if (day == s->days[s->count - 1]) {
        return fail_at(r, r->line, "duplicate date %s (also on line %zu)",
                       now, r->last_data);
    }
    return fail_at(r, r->line,
                   "date %s comes after %s (line %zu): dates must increase",
                   now, before, r->last_data);
}

static int append(reader *r, long day, double views)
{
    views_series *s = r->series;
    if (s->count == r->capacity) {
        size_t grown = r->capacity ? 2 * r->capacity : 1024;
        if (grown > SIZE_MAX / sizeof(double)) {
            return fail_at(r, r->line, "too many lines");
        }
        long *days = realloc(s->days, grown * sizeof *days);
        if (days) {
            s->days = days;
        }
        double *v = days ? realloc(s->views, grown * sizeof *v) : NULL;
        if (!v) {
            return fail_at(r, r->line, "out of memory");
        }
        s->views = v;
        r->capacity = grown;
    }
    s->days[s->count] = day;
    s->views[s->count] = views;
    s->count++;
    r->last_data = r->line;
    return 0;
}

static int read_data_line(reader *r, const csv_field *fields, long count)
{
    long day = 0;
    double views = 0.0;
    if (count < 2) {
        return fail_at(r, r->line,
                       "missing column: expected a date and views");
    }
    if (parse_date(r, fields[0], &day) != 0 ||
        parse_views(r, fields[1], &views) != 0 || check_order(r, day) != 0) {
        return -1;
    }
    return append(r, day, views);
}

/* The header's name for the values, for labels; "views" when empty. */
static void keep_name(views_series *s, csv_field f)
{
    size_t n = f.length < VIEWS_NAME_SIZE - 1 ? f.length
                                              : VIEWS_NAME_SIZE - 1;
    if (n > 0) {
        memcpy(s->name, f.text, n);
        s->name[n] = '\0';
    }
}

static int read_line(reader *r, const char *line, size_t length)
{
    csv_field fields[2];
    if (is_blank(line, length)) {
        if (r->blank_line == 0) {
            r->blank_line = r->line;
        }
        return 0;
    }
    if (r->blank_line != 0) {
        return fail_at(r, r->blank_line, "blank line before more data");
    }
    long count = csv_split_line(line, length, fields, 2);
    if (count < 0) {
        return fail_at(r, r->line, "unbalanced double quotes");
    }
    int first = !r->seen_content;
    r->seen_content = 1;
    if (first && !has_digit(fields[0])) {
        if (count < 2) {
            return fail_at(r, r->line, "missing column in the header: "
                                       "expected a date and views");
        }
        keep_name(r->series, fields[1]);
        return 0;
    }
    return read_data_line(r, fields, count);
}

int views_csv_parse(views_series *out, const char *text, size_t length,
                    const char *name, char *error, size_t error_size)
{
    reader r = {name, error, error_size, out, 0, 0, 0, 0, 0};
    memset(out, 0, sizeof *out);
    strcpy(out->name, "views");
    if (length >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3; /* UTF-8 byte order mark, as Excel writes */
        length -= 3;
    }
    size_t start = 0;
    while (start < length) {
        const char *newline = memchr(text + start, '\n', length - start);
        size_t end = newline ? (size_t)(newline - text) : length;
        size_t content_end = end;
        if (content_end > start && text[content_end - 1] == '\r') {
            content_end--;
        }
        r.line++;
        if (read_line(&r, text + start, content_end - start) != 0) {
            views_series_free(out); /* no half-read series */
            return -1;
        }
        start = end + 1;
    }
    if (out->count == 0) {
        set_error(error, error_size, "%s: no data (the file is empty or "
                  "holds only a header)", name);
        return -1;
    }
    return 0;
}

/* The whole file in one malloc'd buffer. */
static char *read_whole_file(const char *path, size_t *length, char *error,
                             size_t error_size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        set_error(error, error_size, "%s: %s", path, strerror(errno));
        return NULL;
    }
    size_t size = 0, capacity = 0;
    char *text = NULL;
    for (;;) {
        if (size == capacity) {
            capacity = capacity ? 2 * capacity : 65536;
            char *grown = capacity > size ? realloc(text, capacity) : NULL;
            if (!grown) {
                set_error(error, error_size, "%s: out of memory", path);
                goto fail;
            }
            text = grown;
        }
        size_t got = fread(text + size, 1, capacity - size, f);
        size += got;
        if (got == 0) {
            break;
        }
    }
    if (ferror(f)) {
        set_error(error, error_size, "%s: read error", path);
        goto fail;
    }
    fclose(f);
    *length = size;
    return text;
fail:
    fclose(f);
    free(text);
    return NULL;
}

int views_csv_read(views_series *out, const char *path, char *error,
                   size_t error_size)
{
    size_t length = 0;
    memset(out, 0, sizeof *out);
    char *text = read_whole_file(path, &length, error, error_size);
    if (!text) {
        return -1;
    }
    int result = views_csv_parse(out, text, length, path, error, error_size);
    free(text);
    return result;
}

long views_series_missing_days(const views_series *series)
{
    if (!series || series->count == 0) {
        return 0;
    }
    long span = series->days[series->count - 1] - series->days[0] + 1;
    return span - (long)series->count;
}

void views_series_free(views_series *series)
{
    if (!series) {
        return;
    }
    free(series->days);
    free(series->views);
    memset(series, 0, sizeof *series);
}
