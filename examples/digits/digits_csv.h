/*
 * digits_csv: reads the handwritten digits data set (examples/data/
 * digits.csv): one 8x8 image a line, 64 pixel counts 0..16 row by row,
 * then the digit 0..9, all separated by commas, no header.
 *
 * Accepted: LF or CRLF line ends, spaces at the end of a line, blank lines
 * (skipped). Rejected, with "file:line: what": a line with other than 65
 * fields, a field that is not a whole number (signs, spaces, decimals), a
 * pixel above 16 or a digit above 9, a line longer than 510 characters, a
 * NUL byte. An empty file is no error: zero rows.
 */
#ifndef EXAMPLES_DIGITS_CSV_H
#define EXAMPLES_DIGITS_CSV_H

#include <stddef.h>

enum {
    DIGITS_PIXELS = 64,    /* an 8x8 image */
    DIGITS_PIXEL_MAX = 16, /* pixel counts are 0..16 */
    DIGITS_CLASSES = 10    /* the digits 0..9 */
};

/* The data set, one row per image, in the order of the file. */
typedef struct digits_data {
    float *pixels;   /* [rows, DIGITS_PIXELS], scaled to [0, 1] */
    float *labels;   /* [rows], the digit as a float: a class index */
    size_t rows;
    size_t capacity; /* rows that fit in pixels and labels */
} digits_data;

/*
 * Parse CSV text in memory (`length` bytes, need not be NUL-terminated)
 * into `*out`, which the caller frees with digits_data_free; after a
 * failure it is empty (freeing it is harmless). `name` stands for the file
 * in messages.
 * @return 0; -1 on any error, with a message in `error` (NUL-terminated,
 *         truncated to `error_size`) such as "digits.csv:7: field 3 is
 *         outside 0..16".
 */
int digits_csv_parse(digits_data *out, const char *text, size_t length,
                     const char *name, char *error, size_t error_size);

/*
 * Read the CSV file at `path`; as digits_csv_parse, with `path` in the
 * messages ("digits: cannot open PATH: reason" when it cannot be opened).
 */
int digits_csv_read(digits_data *out, const char *path, char *error,
                    size_t error_size);

/* Free what a read allocated and empty the data set; NULL is fine. */
void digits_data_free(digits_data *data);

#endif /* EXAMPLES_DIGITS_CSV_H */
