/*
 * The CSV reader on a memory buffer. Two passes over the bytes: the first
 * checks everything (structure and every number) and counts rows and
 * columns, without allocating; then the tensors are allocated at their
 * final size and the second pass, which cannot fail, fills them. Bad input
 * therefore costs no allocation, and nothing is ever grown.
 *
 * Grammar, per line: fields separated by the delimiter; a field is either
 * plain (up to the next delimiter or line end, blanks around it trimmed)
 * or quoted ("...", where "" is a quote and delimiters and line ends are
 * text; blanks may surround the quotes). A CR before a LF (or at the very
 * end) belongs to the line end. Lines are counted by LF, so a quoted line
 * end moves the count on, and a message names the line the problem is on.
 */
#include "csv_impl.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "alloc_impl.h"
#include "analyzer_impl.h"
#include "number_impl.h"

typedef struct field {
    const unsigned char *text;
    size_t length;
} field;

typedef struct parser {
    const unsigned char *p;
    size_t size;
    size_t pos;
    size_t line; /* of p[pos], from 1 */
    unsigned char delimiter;
    const char *name;
    const nnlite_csv_options *o;
    size_t columns; /* fields per row; 0 until the first line is read */
    size_t rows;    /* data rows read so far */
    /* The second pass only: where column c goes (place[c] < x_width: that
     * column of x; else column place[c] - x_width of the target). */
    const size_t *place;
    float *x;
    float *t;
    size_t x_width;
    size_t t_width;
} parser;

#if NNLITE_HAVE_MESSAGE_TEXT
void nnlite__csv_message(const nnlite_csv_options *options, const char *fmt,
                         ...)
{
    if (options != NULL && options->error != NULL) {
        va_list ap;
        va_start(ap, fmt);
        nnlite__vformat(options->error, options->error_size, fmt, ap);
        va_end(ap);
    }
}

/* "FILE:LINE:COLUMN: what" into the caller's buffer; NNLITE_EFORMAT. */
NNLITE__PRINTF(4, 5)
static nnlite_status fail(const parser *ps, size_t line, size_t column,
                          const char *fmt, ...)
{
    char what[200];
    va_list ap;
    va_start(ap, fmt);
    nnlite__vformat(what, sizeof(what), fmt, ap);
    va_end(ap);
    nnlite__csv_message(ps->o, "%s:%zu:%zu: %s", ps->name, line, column,
                        what);
    return NNLITE_EFORMAT;
}
#else
void nnlite__csv_no_message(const nnlite_csv_options *options)
{
    if (options != NULL && options->error != NULL) {
        nnlite__no_message(options->error, options->error_size);
    }
}

static nnlite_status fail_quietly(const parser *ps, size_t line,
                                  size_t column)
{
    (void)line, (void)column;
    nnlite__csv_no_message(ps->o);
    return NNLITE_EFORMAT;
}
#define fail(ps, line, column, ...)                                           \
    (NNLITE__DROP_MESSAGE(__VA_ARGS__), fail_quietly((ps), (line), (column)))
#endif

/* A field as the message shows it: printable ASCII, at most 32 bytes. */
static void show(char *buf, size_t size, const field *f)
{
    const size_t limit = 32;
    size_t n = 0;
    for (size_t i = 0; i < f->length && i < limit && n + 4 < size; i++) {
        unsigned char c = f->text[i];
        buf[n++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    if (f->length > limit) {
        memcpy(buf + n, "...", 3);
        n += 3;
    }
    buf[n] = '\0';
}

/* Spaces and tabs, unless the tab is the delimiter. */
static bool is_blank(const parser *ps, unsigned char c)
{
    return (c == ' ' || c == '\t') && c != ps->delimiter;
}

static void trim(const parser *ps, field *f)
{
    while (f->length > 0 && is_blank(ps, f->text[0])) {
        f->text++;
        f->length--;
    }
    while (f->length > 0 && is_blank(ps, f->text[f->length - 1])) {
        f->length--;
    }
}

/* True when p[i] is a CR that ends the line (before a LF or the end). */
static bool is_line_end_cr(const parser *ps, size_t i)
{
    return ps->p[i] == '\r' && (i + 1 == ps->size || ps->p[i + 1] == '\n');
}

/* True when p[i] (i < size) ends a field. */
static bool ends_field(const parser *ps, size_t i)
{
    return ps->p[i] == ps->delimiter || ps->p[i] == '\n';
}

/* A quoted field from the quote at p[pos]; pos ends at the delimiter, the
 * LF or the end. */
static nnlite_status scan_quoted(parser *ps, size_t column, field *f)
{
    const size_t open_line = ps->line, start = ps->pos + 1;
    size_t i = start;
    for (;; i++) {
        if (i >= ps->size) {
            return fail(ps, open_line, column, "unterminated quote");
        }
        if (ps->p[i] == '"') {
            if (i + 1 < ps->size && ps->p[i + 1] == '"') {
                i++; /* "" is a quote, not the end */
                continue;
            }
            break;
        }
        if (ps->p[i] == '\n') {
            ps->line++;
        }
    }
    f->text = ps->p + start;
    f->length = i - start;
    trim(ps, f);
    ps->pos = i + 1;
    while (ps->pos < ps->size && is_blank(ps, ps->p[ps->pos])) {
        ps->pos++;
    }
    if (ps->pos < ps->size && is_line_end_cr(ps, ps->pos)) {
        ps->pos++;
    }
    if (ps->pos < ps->size && !ends_field(ps, ps->pos)) {
        return fail(ps, ps->line, column, "text after the closing quote");
    }
    return NNLITE_OK;
}

/* The field at pos; pos ends at the delimiter, the LF or the end. */
static nnlite_status scan_field(parser *ps, size_t column, field *f)
{
    size_t start, end;
    while (ps->pos < ps->size && is_blank(ps, ps->p[ps->pos])) {
        ps->pos++;
    }
    if (ps->pos < ps->size && ps->p[ps->pos] == '"') {
        return scan_quoted(ps, column, f);
    }
    start = ps->pos;
    while (ps->pos < ps->size && !ends_field(ps, ps->pos)) {
        ps->pos++;
    }
    end = ps->pos;
    if (end > start && is_line_end_cr(ps, end - 1)) {
        end--;
    }
    f->text = ps->p + start;
    f->length = end - start;
    trim(ps, f);
    return NNLITE_OK;
}

/* Convert a data field; in the second pass, store it. */
static nnlite_status take_number(parser *ps, size_t column, const field *f)
{
    char shown[48];
    float v = 0.0f;
    const nnlite__number r =
        nnlite__parse_float((const char *)f->text, f->length, &v);
    show(shown, sizeof(shown), f);
    if (r == NNLITE__NUMBER_SYNTAX && f->length == 0) {
        return fail(ps, ps->line, column, "empty field, expected a number");
    }
    if (r == NNLITE__NUMBER_SYNTAX &&
        memchr(f->text, '\0', f->length) != NULL) {
        /* Shown, a NUL would end the message early: name it instead. */
        return fail(ps, ps->line, column,
                    "a NUL byte: not a text file (or a damaged one)");
    }
    if (r == NNLITE__NUMBER_SYNTAX) {
        return fail(ps, ps->line, column, "'%s' is not a number", shown);
    }
    if (r == NNLITE__NUMBER_NOT_FINITE) {
        return fail(ps, ps->line, column, "'%s' is not a finite number",
                    shown);
    }
    if (r == NNLITE__NUMBER_RANGE) {
        return fail(ps, ps->line, column, "'%s' is beyond the float range",
                    shown);
    }
    if (ps->place != NULL) {
        const size_t k = ps->place[column - 1];
        if (k < ps->x_width) {
            ps->x[ps->rows * ps->x_width + k] = v;
        } else {
            /* place_columns sends a column past x_width only when there
             * are targets, and then nnlite__csv_parse has made ps->t */
            NNLITE__ANALYZER_ASSUME(ps->t != NULL);
            ps->t[ps->rows * ps->t_width + (k - ps->x_width)] = v;
        }
    }
    return NNLITE_OK;
}

/* One line (a record): the header's fields are only counted. */
static nnlite_status scan_record(parser *ps, bool header)
{
    size_t column = 0;
    nnlite_status s;
    for (;;) {
        field f;
        column++;
        if (ps->columns != 0 && column > ps->columns) {
            return fail(ps, ps->line, column,
                        "more fields than the %zu of the first line",
                        ps->columns);
        }
        if ((s = scan_field(ps, column, &f)) != NNLITE_OK ||
            (!header && (s = take_number(ps, column, &f)) != NNLITE_OK)) {
            return s;
        }
        if (ps->pos >= ps->size || ps->p[ps->pos] == '\n') {
            break;
        }
        ps->pos++; /* past the delimiter */
    }
    if (ps->columns == 0) {
        ps->columns = column;
    } else if (column < ps->columns) {
        return fail(ps, ps->line, column + 1,
                    "%zu fields, expected %zu as on the first line", column,
                    ps->columns);
    }
    if (ps->pos < ps->size) {
        ps->pos++; /* past the LF */
        ps->line++;
    }
    ps->rows += header ? 0 : 1;
    return NNLITE_OK;
}

/* True when the line at pos holds nothing but blanks (and a CR). */
static bool line_is_blank(const parser *ps)
{
    size_t i = ps->pos;
    while (i < ps->size && (is_blank(ps, ps->p[i]) || ps->p[i] == '\r')) {
        i++;
    }
    return i == ps->size || ps->p[i] == '\n';
}

/* True when only blank lines are left. */
static bool rest_is_blank(const parser *ps)
{
    for (size_t i = ps->pos; i < ps->size; i++) {
        const unsigned char c = ps->p[i];
        if (!is_blank(ps, c) && c != '\r' && c != '\n') {
            return false;
        }
    }
    return true;
}

/* One pass over the whole input. */
static nnlite_status scan_all(parser *ps)
{
    static const unsigned char bom[3] = {0xef, 0xbb, 0xbf};
    bool header = ps->o->header != 0;
    nnlite_status s;
    ps->pos = ps->size >= 3 && memcmp(ps->p, bom, 3) == 0 ? 3 : 0;
    ps->line = 1;
    ps->rows = 0;
    while (ps->pos < ps->size) {
        if (line_is_blank(ps)) {
            if (rest_is_blank(ps)) {
                break;
            }
            return fail(ps, ps->line, 1, "blank line before the last row");
        }
        if ((s = scan_record(ps, header)) != NNLITE_OK) {
            return s;
        }
        header = false;
    }
    if (ps->rows == 0) {
        return fail(ps, ps->line, 1, "no data rows");
    }
    return NNLITE_OK;
}

/* place[c] for every column, after the targets are checked against the
 * column count found by the first pass. */
static nnlite_status place_columns(const parser *ps, size_t *place)
{
    const size_t *targets = ps->o->target_columns;
    const size_t count = ps->o->target_count, unset = SIZE_MAX;
    size_t next = 0;
    for (size_t c = 0; c < ps->columns; c++) {
        place[c] = unset;
    }
    for (size_t i = 0; i < count; i++) {
        const size_t c = targets[i];
        if (c >= ps->columns) {
            return fail(ps, 1, c + 1 > c ? c + 1 : c,
                        "target column %zu is out of range (the rows have "
                        "%zu columns, 0 to %zu)",
                        c, ps->columns, ps->columns - 1);
        }
        if (place[c] != unset) {
            return fail(ps, 1, c + 1, "target column %zu is listed twice",
                        c);
        }
        place[c] = ps->columns - count + i; /* x_width + i */
    }
    if (count >= ps->columns) {
        return fail(ps, 1, 1,
                    "all %zu columns are targets; x needs at least one",
                    ps->columns);
    }
    for (size_t c = 0; c < ps->columns; c++) {
        if (place[c] == unset) {
            place[c] = next++;
        }
    }
    return NNLITE_OK;
}

static bool delimiter_ok(char d)
{
    return d != '"' && d != '\n' && d != '\r' && d != '\0' && d != ' ' &&
           d != '.' && d != '+' && d != '-' && d != 'e' && d != 'E' &&
           !(d >= '0' && d <= '9');
}

nnlite_status nnlite__csv_check(nnlite_tensor **x, nnlite_tensor **target,
                                const nnlite_csv_options *o)
{
    nnlite_allocator a;
    if (o->error != NULL && o->error_size > 0) {
        o->error[0] = '\0';
    }
    if (x != NULL) {
        *x = NULL;
    }
    if (target != NULL) {
        *target = NULL;
    }
    if (o->version != NNLITE_CSV_OPTIONS_VERSION) {
        nnlite__csv_message(o, "options version %u is not %d (this "
                               "library's NNLITE_CSV_OPTIONS_VERSION)",
                            o->version, NNLITE_CSV_OPTIONS_VERSION);
        return NNLITE_EINVAL;
    }
    if (x == NULL) {
        nnlite__csv_message(o, "x is NULL");
        return NNLITE_EINVAL;
    }
    if (o->target_count > 0 && target == NULL) {
        nnlite__csv_message(o, "target is NULL, but target_count is %zu",
                            o->target_count);
        return NNLITE_EINVAL;
    }
    if (o->target_count > 0 && o->target_columns == NULL) {
        nnlite__csv_message(o, "target_columns is NULL, but target_count "
                               "is %zu",
                            o->target_count);
        return NNLITE_EINVAL;
    }
    if (!delimiter_ok(o->delimiter)) {
        nnlite__csv_message(o, "delimiter %d ('%c') cannot separate numbers",
                            o->delimiter,
                            o->delimiter > 0x20 && o->delimiter < 0x7f
                                ? o->delimiter
                                : '?');
        return NNLITE_EINVAL;
    }
    if (nnlite__allocator_resolve(&a, o->allocator) != NNLITE_OK) {
        nnlite__csv_message(o, "the allocator needs both alloc and free");
        return NNLITE_EINVAL;
    }
    return NNLITE_OK;
}

/* The two tensors at their final size; *x and *target stay NULL on
 * failure. */
static nnlite_status create_outputs(nnlite_tensor **x, nnlite_tensor **target,
                                    const parser *ps)
{
    const size_t count = ps->o->target_count;
    const size_t x_shape[2] = {ps->rows, ps->columns - count};
    const size_t t_shape[2] = {ps->rows, count};
    nnlite_status s =
        nnlite_tensor_create_advanced(x, 2, x_shape, ps->o->allocator);
    if (s == NNLITE_OK && count > 0) {
        s = nnlite_tensor_create_advanced(target, 2, t_shape,
                                          ps->o->allocator);
        if (s != NNLITE_OK) {
            nnlite_tensor_destroy(*x);
            *x = NULL;
        }
    }
    if (s != NNLITE_OK) {
        nnlite__csv_message(ps->o, "%s: out of memory for %zu rows of %zu "
                                   "columns",
                            ps->name, ps->rows, ps->columns);
    }
    return s;
}

nnlite_status nnlite__csv_parse(nnlite_tensor **x, nnlite_tensor **target,
                                const unsigned char *data, size_t size,
                                const char *name,
                                const nnlite_csv_options *o)
{
    parser ps;
    nnlite_allocator a;
    size_t *place = NULL;
    nnlite_status s;

    memset(&ps, 0, sizeof(ps));
    ps.p = data;
    ps.size = size;
    ps.delimiter = (unsigned char)o->delimiter;
    ps.name = name;
    ps.o = o;
    if ((s = scan_all(&ps)) != NNLITE_OK) {
        return s;
    }
    (void)nnlite__allocator_resolve(&a, o->allocator); /* checked before */
    place = nnlite__calloc_array(&a, ps.columns, sizeof(*place));
    if (place == NULL) {
        nnlite__csv_message(o, "%s: out of memory for %zu columns", name,
                            ps.columns);
        return NNLITE_ENOMEM;
    }
    if ((s = place_columns(&ps, place)) != NNLITE_OK ||
        (s = create_outputs(x, target, &ps)) != NNLITE_OK) {
        nnlite__free(&a, place);
        return s;
    }
    ps.place = place;
    ps.x = nnlite_tensor_data(*x);
    /* *target is NULL unless target_count > 0 (nnlite__csv_check) */
    ps.t = target != NULL ? nnlite_tensor_data(*target) : NULL;
    ps.x_width = ps.columns - o->target_count;
    ps.t_width = o->target_count;
    s = scan_all(&ps); /* the same bytes: it succeeds again */
    nnlite__free(&a, place);
    if (s != NNLITE_OK) {
        nnlite_tensor_destroy(*x);
        *x = NULL;
        if (target != NULL) {
            nnlite_tensor_destroy(*target);
            *target = NULL;
        }
    }
    return s;
}

nnlite_status nnlite_csv_read_buffer(nnlite_tensor **x,
                                     nnlite_tensor **target, const void *data,
                                     size_t size,
                                     const nnlite_csv_options *options)
{
    static const nnlite_csv_options defaults = NNLITE_CSV_OPTIONS_INIT;
    const nnlite_csv_options *o = options != NULL ? options : &defaults;
    nnlite_status s = nnlite__csv_check(x, target, o);
    if (s != NNLITE_OK) {
        return s;
    }
    if (data == NULL && size > 0) {
        nnlite__csv_message(o, "data is NULL, but size is %zu", size);
        return NNLITE_EINVAL;
    }
    return nnlite__csv_parse(x, target, data, size, "buffer", o);
}
