/*
 * digits_csv: the file is read whole, then split into lines; each line is
 * copied into a bounded, NUL-terminated buffer so the field parser can use
 * strtol, and checked field by field before its row is kept.
 */
#include "digits_csv.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    FIELDS = DIGITS_PIXELS + 1, /* a line: 64 pixels, then the digit */
    /* A valid line needs about 64 * 3 characters; allow leading zeros
     * and trailing spaces, up to what a 512-byte fgets buffer held. */
    MAX_LINE_LENGTH = 510,
    FIRST_CAPACITY = 256 /* rows; doubled when full */
};

/* Where the parser is, and where its messages go. */
typedef struct parser {
    digits_data *data;
    const char *name;
    char *error;
    size_t error_size;
    size_t line; /* current line, 1-based */
} parser;

/* Write the message into p->error (when there is room) and return -1.
 * The attribute lets GCC and Clang check the format strings. */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 2, 3)))
#endif
static int fail(const parser *p, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    if (p->error_size > 0) {
        vsnprintf(p->error, p->error_size, format, args);
    }
    va_end(args);
    return -1;
}

/* Make room for one more row, doubling the capacity when full. */
static int reserve_row(digits_data *data)
{
    size_t capacity = data->capacity ? 2 * data->capacity : FIRST_CAPACITY;
    float *pixels;
    float *labels;

    if (data->rows < data->capacity)
        return 1;
    if (capacity > SIZE_MAX / (DIGITS_PIXELS * sizeof(float)))
        return 0;
    pixels = realloc(data->pixels, capacity * DIGITS_PIXELS * sizeof(float));
    if (pixels == NULL)
        return 0;
    data->pixels = pixels;
    labels = realloc(data->labels, capacity * sizeof(float));
    if (labels == NULL)
        return 0;
    data->labels = labels;
    data->capacity = capacity;
    return 1;
}

/* Cut trailing spaces and a carriage return (CRLF files). */
static void trim_line_end(char *line)
{
    size_t length = strlen(line);

    while (length > 0 && isspace((unsigned char)line[length - 1]))
        line[--length] = '\0';
}

static size_t count_fields(const char *line)
{
    size_t fields = 1;

    for (; *line != '\0'; line++)
        fields += *line == ',';
    return fields;
}

/*
 * Parse the decimal digits at `text` up to the next comma or the line end.
 * (strtol alone would also take signs, spaces and "3.5" as 3.) A value too
 * large for a long comes back as LONG_MAX, which every range check rejects.
 */
static int parse_whole_number(const char *text, char **end, long *value)
{
    if (!isdigit((unsigned char)*text))
        return 0;
    *value = strtol(text, end, 10);
    return **end == ',' || **end == '\0';
}

/*
 * Parse "p1,...,p64,digit" into pixels scaled to [0, 1] and a class index.
 * On failure writes the reason into `why` and returns 0.
 */
static int parse_row(const char *line, float *pixels, float *label,
                     char *why, size_t why_size)
{
    size_t fields = count_fields(line);

    if (fields != FIELDS) {
        snprintf(why, why_size,
                 "expected %d fields (64 pixels, then the digit), found %zu",
                 FIELDS, fields);
        return 0;
    }
    for (size_t field = 0; field < FIELDS; field++) {
        long max = field < DIGITS_PIXELS ? DIGITS_PIXEL_MAX
                                         : DIGITS_CLASSES - 1;
        char *end;
        long value;

        if (!parse_whole_number(line, &end, &value)) {
            snprintf(why, why_size, "field %zu is not a whole number",
                     field + 1);
            return 0;
        }
        if (value > max) {
            snprintf(why, why_size, "field %zu is outside 0..%ld",
                     field + 1, max);
            return 0;
        }
        if (field < DIGITS_PIXELS)
            pixels[field] = (float)value / (float)DIGITS_PIXEL_MAX;
        else
            *label = (float)value;
        line = end + (*end == ',');
    }
    return 1;
}

/* One line of `length` bytes, without its '\n'. Blank lines carry no
 * sample and are skipped. */
static int read_line(parser *p, const char *text, size_t length)
{
    char line[MAX_LINE_LENGTH + 1];
    char why[128];
    digits_data *data = p->data;

    if (length > MAX_LINE_LENGTH)
        return fail(p, "%s:%zu: line too long", p->name, p->line);
    /* strtol would stop at a NUL and the rest of the line go unread. */
    if (memchr(text, '\0', length) != NULL)
        return fail(p, "%s:%zu: NUL byte in the line", p->name, p->line);
    memcpy(line, text, length);
    line[length] = '\0';
    trim_line_end(line);
    if (line[0] == '\0')
        return 0;
    if (!reserve_row(data))
        return fail(p, "digits: out of memory");
    if (!parse_row(line, data->pixels + data->rows * DIGITS_PIXELS,
                   data->labels + data->rows, why, sizeof why))
        return fail(p, "%s:%zu: %s", p->name, p->line, why);
    data->rows++;
    return 0;
}

int digits_csv_parse(digits_data *out, const char *text, size_t length,
                     const char *name, char *error, size_t error_size)
{
    parser p = {out, name, error, error_size, 0};
    size_t start = 0;

    memset(out, 0, sizeof *out);
    while (start < length) {
        const char *newline = memchr(text + start, '\n', length - start);
        size_t end = newline ? (size_t)(newline - text) : length;

        p.line++;
        if (read_line(&p, text + start, end - start) != 0) {
            digits_data_free(out); /* no half-read data set */
            return -1;
        }
        start = end + 1;
    }
    return 0;
}

/*
 * The whole of `file` in one malloc'd buffer, read in growing chunks
 * rather than by asking the size first, so a pipe works too. NULL when out
 * of memory or on a read error (ferror tells which).
 */
static char *slurp(FILE *file, size_t *length)
{
    char *text = NULL;
    size_t used = 0, room = 0, got;

    do {
        if (used == room) {
            size_t more = room ? 2 * room : 65536;
            char *bigger = more > room ? realloc(text, more) : NULL;

            if (bigger == NULL) {
                free(text);
                return NULL;
            }
            text = bigger;
            room = more;
        }
        got = fread(text + used, 1, room - used, file);
        used += got;
    } while (got > 0);
    if (ferror(file)) {
        free(text);
        return NULL;
    }
    *length = used;
    return text;
}

int digits_csv_read(digits_data *out, const char *path, char *error,
                    size_t error_size)
{
    const parser p = {out, path, error, error_size, 0};
    FILE *file = fopen(path, "rb");
    size_t length = 0;
    char *text;
    int result;

    memset(out, 0, sizeof *out);
    if (file == NULL)
        return fail(&p, "digits: cannot open %s: %s", path,
                    strerror(errno));
    text = slurp(file, &length);
    if (text == NULL)
        result = ferror(file) ? fail(&p, "%s: read error", path)
                              : fail(&p, "digits: out of memory");
    else
        result = digits_csv_parse(out, text, length, path, error,
                                  error_size);
    fclose(file);
    free(text);
    return result;
}

void digits_data_free(digits_data *data)
{
    if (data == NULL)
        return;
    free(data->pixels);
    free(data->labels);
    memset(data, 0, sizeof *data);
}
