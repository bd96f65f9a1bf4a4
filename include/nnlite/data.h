/**
 * @file data.h
 * @brief Data sets: numeric CSV into tensors, seeded shuffles and
 * train/test splits.
 *
 * @code
 *   const size_t label[] = {4};                  // column 4 is the target
 *   char why[256];
 *   nnlite_csv_options csv = NNLITE_CSV_OPTIONS_INIT;
 *   csv.header = 1;
 *   csv.target_columns = label;
 *   csv.target_count = 1;
 *   csv.error = why;
 *   csv.error_size = sizeof why;
 *   nnlite_tensor *x, *y, *x_train, *y_train, *x_test, *y_test;
 *   if (nnlite_csv_read(&x, &y, "iris.csv", &csv) != NNLITE_OK) {
 *       fprintf(stderr, "%s\n", why);   // "iris.csv:17:3: 'abc' is ..."
 *   }
 *   nnlite_data_split(&x_train, &y_train, &x_test, &y_test, x, y,
 *                     0.2f, 1, 42);      // 20 % test rows, shuffled
 * @endcode
 *
 * Everything here is deterministic: a seed gives the same permutation on
 * every machine and compiler (integer-only random generator), and numbers
 * are read the same way whatever the C locale is.
 */
#ifndef NNLITE_DATA_H
#define NNLITE_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "nnlite/alloc.h"
#include "nnlite/config.h"
#include "nnlite/export.h"
#include "nnlite/status.h"
#include "nnlite/tensor.h"

NNLITE_BEGIN_DECLS

/** Version of nnlite_csv_options this header describes. */
#define NNLITE_CSV_OPTIONS_VERSION 1

/** How to read a CSV file. Start from NNLITE_CSV_OPTIONS_INIT. */
typedef struct nnlite_csv_options {
    unsigned version; /**< NNLITE_CSV_OPTIONS_VERSION */
    int header;       /**< non-zero: the first line holds column names; it
                           is skipped (but sets the number of columns) */
    char delimiter;   /**< between fields; ',' by default. Not a quote, a
                           line end, NUL, a space or a character that can
                           be part of a number (digits, . + - e E) */
    const size_t *target_columns; /**< 0-based indices of the columns that
                                       go to the target tensor, in this
                                       order; borrowed for the call */
    size_t target_count;          /**< their number; 0: no target tensor */
    const nnlite_allocator *allocator; /**< for the tensors and the work
                                            buffers; NULL: malloc/free */
    char *error;       /**< optional: receives a message on failure, ""
                            on success */
    size_t error_size; /**< bytes at `error` */
} nnlite_csv_options;

/** No header, ',' between fields, no target, malloc/free, no message. */
#define NNLITE_CSV_OPTIONS_INIT                                              \
    {NNLITE_CSV_OPTIONS_VERSION, 0, ',', NULL, 0, NULL, NULL, 0}

/**
 * Read a numeric CSV file into tensors: x gets every column that is not a
 * target, in file order, as [rows, columns - target_count]; target gets
 * the target columns, in the order of `target_columns`, as
 * [rows, target_count].
 *
 * Accepted: a header line (options->header), fields in double quotes
 * ("1.5"; "" stands for a quote; delimiters and line ends may be quoted),
 * LF or CRLF line ends, a missing final newline, a UTF-8 byte order mark,
 * spaces and tabs around a field or inside its quotes, blank lines at the
 * end. Numbers are decimal: an optional sign, digits with an optional
 * point (at least one digit: "5.", ".5"), an optional exponent ("1e-3"),
 * correctly rounded to the nearest float. A point is the decimal
 * separator whatever the C locale says. Values too small for a float
 * round to it (down to 0).
 *
 * Refused with NNLITE_EFORMAT and a message "FILE:LINE:COLUMN: what" (FILE
 * is `path`, LINE and COLUMN count from 1, COLUMN being the field's place
 * in its row): a field that is not a number (an empty one too), NaN or
 * infinity, a number beyond the float range, a row with more or fewer
 * fields than the first line, a blank line before the last row, an
 * unterminated quote or text after a closing quote, no data row, and a
 * target column index beyond the last column, listed twice, or targets
 * that leave x no column (these depend on the columns the file has, so
 * they are found after the first pass over the data).
 *
 * @param x       receives the features; the caller frees it with
 *                nnlite_tensor_destroy(). NULL on failure.
 * @param target  receives the targets (caller frees it); NULL on failure
 *                and when target_count is 0. May be NULL only when
 *                target_count is 0.
 * @param path    the file, read whole.
 * @param options NULL for NNLITE_CSV_OPTIONS_INIT's defaults; only read.
 * @return NNLITE_OK; NNLITE_EINVAL for NULL `x` or `path`, a NULL
 *         `target` with targets asked for, options of another version, a
 *         half-set allocator, a refused delimiter, or NULL
 *         target_columns with a count; NNLITE_EIO when the file cannot
 *         be opened or read (the message gives the system's reason), and
 *         always in a build without file I/O (NNLITE_HAVE_FILE_IO 0);
 *         NNLITE_EFORMAT as above; NNLITE_ENOMEM. On failure nothing is
 *         left allocated and options->error says why.
 */
NNLITE_API nnlite_status nnlite_csv_read(nnlite_tensor **x,
                                         nnlite_tensor **target,
                                         const char *path,
                                         const nnlite_csv_options *options);

/**
 * nnlite_csv_read() on CSV text in memory; messages name it "buffer".
 * @param data the bytes; only read, never kept. May be NULL when `size`
 *             is 0 (which is refused as having no data row).
 * @param size their number; a NUL byte is an ordinary (non-numeric) byte.
 * @return as nnlite_csv_read(), without NNLITE_EIO.
 */
NNLITE_API nnlite_status nnlite_csv_read_buffer(
    nnlite_tensor **x, nnlite_tensor **target, const void *data, size_t size,
    const nnlite_csv_options *options);

/**
 * Shuffle the rows (the first dimension) of x, and of target with the same
 * permutation, in place. The permutation depends on the seed and the row
 * count only, and is the same on every machine: the Fisher-Yates shuffle
 * driven by nnlite's xoshiro256** generator seeded with `seed`.
 * Allocates nothing.
 *
 * @param x      the samples, any rank; a row is everything below the
 *               first dimension.
 * @param target NULL, or a tensor with as many rows as x.
 * @return NNLITE_OK; NNLITE_EINVAL for a NULL x or a read-only view
 *         (nnlite_tensor_wrap_const) as x or target; NNLITE_ESHAPE when
 *         the row counts differ (nothing is moved then).
 *         nnlite_data_shuffle_check() says why.
 */
NNLITE_API nnlite_status nnlite_data_shuffle(nnlite_tensor *x,
                                             nnlite_tensor *target,
                                             uint64_t seed);

/**
 * Say why nnlite_data_shuffle() would refuse these arguments.
 * @param message receives one NUL-terminated sentence naming the argument
 *                and its value (e.g. "target has 3 rows, x has 4"),
 *                truncated to `size` bytes; "" when the arguments are fine.
 *                May be NULL when `size` is 0.
 * @return the status nnlite_data_shuffle() returns for these arguments.
 */
NNLITE_API nnlite_status nnlite_data_shuffle_check(const nnlite_tensor *x,
                                                   const nnlite_tensor *target,
                                                   char *message, size_t size);

/**
 * Split x (and target, row by row with it) into new training and test
 * tensors, copies; x and target are not changed.
 *
 * The test part gets round(test_fraction * rows) rows, the training part
 * the rest; each must get at least one. With `shuffle` non-zero the rows
 * are first permuted as nnlite_data_shuffle(x, target, seed) would, so
 * x_train followed by x_test is exactly that shuffled x. With `shuffle` 0
 * the order is kept (the last rows are the test part, as a split in time
 * needs) and the seed is ignored.
 *
 * @param x_train, target_train, x_test, target_test receive the parts,
 *        each owned by the caller (nnlite_tensor_destroy()), created with
 *        the allocator of the tensor they copy from. All NULL on failure;
 *        the target ones also when target is NULL (they may then be NULL).
 * @param x             the samples, any rank; only read.
 * @param target        NULL, or a tensor with as many rows as x.
 * @param test_fraction in (0, 1).
 * @param shuffle       non-zero: permute the rows first.
 * @param seed          the permutation's seed.
 * @return NNLITE_OK; NNLITE_EINVAL for a NULL x, x_train or x_test, a NULL
 *         target_train or target_test with a target, a test_fraction
 *         outside (0, 1) (NaN included) or one that leaves either part
 *         without a row; NNLITE_ESHAPE when the row counts differ;
 *         NNLITE_ENOMEM. nnlite_data_split_check() says why.
 */
NNLITE_API nnlite_status nnlite_data_split(
    nnlite_tensor **x_train, nnlite_tensor **target_train,
    nnlite_tensor **x_test, nnlite_tensor **target_test,
    const nnlite_tensor *x, const nnlite_tensor *target, float test_fraction,
    int shuffle, uint64_t seed);

/**
 * Say why nnlite_data_split() would refuse these arguments.
 * @param message receives one NUL-terminated sentence naming the argument
 *                and its value (e.g. "test_fraction 1.5 is outside
 *                (0, 1)"), truncated to `size` bytes; "" when the
 *                arguments are fine. May be NULL when `size` is 0.
 * @return the status nnlite_data_split() returns for these arguments
 *         (NNLITE_OK when they are valid; it may still fail with
 *         NNLITE_ENOMEM or for a NULL out-parameter).
 */
NNLITE_API nnlite_status nnlite_data_split_check(const nnlite_tensor *x,
                                                 const nnlite_tensor *target,
                                                 float test_fraction,
                                                 int shuffle, uint64_t seed,
                                                 char *message, size_t size);

NNLITE_END_DECLS

#endif /* NNLITE_DATA_H */
