/*
 * csv_line: splits one CSV line into fields, RFC 4180 style: fields are
 * separated by commas and may be wrapped in double quotes (then they may
 * hold commas, and "" stands for one quote). Spaces around a field are
 * dropped.
 */
#ifndef EXAMPLES_CSV_LINE_H
#define EXAMPLES_CSV_LINE_H

#include <stddef.h>

/* One field: a span of the line, without its quotes (a doubled quote
 * inside stays doubled; the values the examples read never hold one). */
typedef struct csv_field {
    const char *text;
    size_t length;
} csv_field;

/*
 * Split `line` (`length` characters, no line end) into fields, storing the
 * first `max_fields` of them in `fields`.
 * @return the number of fields in the line (which may exceed max_fields),
 *         or -1 when a quote is not closed or text follows a closing quote.
 */
long csv_split_line(const char *line, size_t length, csv_field *fields,
                    size_t max_fields);

#endif /* EXAMPLES_CSV_LINE_H */
