/*
 * csv_line: one pass over the line; each field starts after a comma (or at
 * the start) and ends at the next comma outside quotes (or the end).
 */
#include "csv_line.h"

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* Scan a quoted field starting at the opening quote at line[*pos]. On
 * success *pos is just past the closing quote. */
static int scan_quoted(const char *line, size_t length, size_t *pos,
                       csv_field *field)
{
    size_t start = *pos + 1;
    for (size_t i = start; i < length; i++) {
        if (line[i] != '"') {
            continue;
        }
        if (i + 1 < length && line[i + 1] == '"') {
            i++; /* "" is an escaped quote, not the end */
            continue;
        }
        field->text = line + start;
        field->length = i - start;
        *pos = i + 1;
        return 0;
    }
    return -1;
}

/* Scan an unquoted field from line[*pos] to the next comma, trimmed. */
static void scan_plain(const char *line, size_t length, size_t *pos,
                       csv_field *field)
{
    size_t start = *pos, end = *pos;
    while (end < length && line[end] != ',') {
        end++;
    }
    *pos = end;
    while (end > start && is_space(line[end - 1])) {
        end--;
    }
    field->text = line + start;
    field->length = end - start;
}

long csv_split_line(const char *line, size_t length, csv_field *fields,
                    size_t max_fields)
{
    size_t pos = 0;
    long count = 0;
    for (;;) {
        csv_field field;
        while (pos < length && is_space(line[pos])) {
            pos++;
        }
        if (pos < length && line[pos] == '"') {
            if (scan_quoted(line, length, &pos, &field) != 0) {
                return -1;
            }
            while (pos < length && is_space(line[pos])) {
                pos++;
            }
            if (pos < length && line[pos] != ',') {
                return -1;
            }
        } else {
            scan_plain(line, length, &pos, &field);
        }
        if ((size_t)count < max_fields) {
            fields[count] = field;
        }
        count++;
        if (pos >= length) {
            return count;
        }
        pos++; /* past the comma */
    }
}
