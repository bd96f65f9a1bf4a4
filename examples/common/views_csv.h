/*
 * views_csv: reads a daily series of views from CSV: a YouTube Studio
 * Totals.csv export, or any file whose first column is an ISO date and
 * second a number.
 *
 * Accepted: an optional header line (any names, any case), a UTF-8 byte
 * order mark, CRLF or LF line ends, fields in double quotes, spaces around
 * fields, extra columns (ignored), numbers with a decimal point, blank lines
 * at the end. Rejected, with "file:line: what": a missing column, a bad or
 * impossible date (2021-02-30), a value that is not a number, negative or
 * NaN, a date that does not come after the one before, a blank line before
 * more data; and a file with no data at all.
 *
 * Missing days are allowed; they are the caller's business (see
 * views_series_missing_days; youtube_views/windows.h skips the windows
 * that would span a gap).
 */
#ifndef EXAMPLES_VIEWS_CSV_H
#define EXAMPLES_VIEWS_CSV_H

#include <stddef.h>

/* Room for the name of the values' column, with its NUL. */
#define VIEWS_NAME_SIZE 48

/* A series of daily views, in the order of the file. */
typedef struct views_series {
    size_t count;  /* days read, >= 1 after a successful read */
    long *days;    /* day numbers (dates.h), strictly increasing */
    double *views; /* views on each day, finite and >= 0 */
    char name[VIEWS_NAME_SIZE]; /* the header's second column ("Views"),
                                   cut to fit; "views" without a header */
} views_series;

/*
 * Read the CSV file at `path` into `*out`, which the caller frees with
 * views_series_free; after a failure it is empty (freeing it is harmless).
 * @return 0; -1 on any error, with a message in `error` (NUL-terminated,
 *         truncated to `error_size`) such as "views.csv:7: bad date".
 */
int views_csv_read(views_series *out, const char *path, char *error,
                   size_t error_size);

/*
 * Parse CSV text already in memory; as views_csv_read, with `name` standing
 * for the file in messages. `text` need not be NUL-terminated.
 */
int views_csv_parse(views_series *out, const char *text, size_t length,
                    const char *name, char *error, size_t error_size);

/* Days absent between the first and the last date of the series. */
long views_series_missing_days(const views_series *series);

/* Free what a read allocated and empty the series; NULL is fine. */
void views_series_free(views_series *series);

#endif /* EXAMPLES_VIEWS_CSV_H */
