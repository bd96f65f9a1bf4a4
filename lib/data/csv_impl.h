/* Private: the CSV reader's pieces shared by the buffer and file entry
 * points. */
#ifndef NNLITE_CSV_IMPL_H
#define NNLITE_CSV_IMPL_H

#include <stddef.h>

#include "message_impl.h"
#include "nnlite/data.h"

/* options->error, when there is one (NULL options: none). */
#if NNLITE_HAVE_MESSAGE_TEXT
NNLITE__PRINTF(2, 3)
void nnlite__csv_message(const nnlite_csv_options *options, const char *fmt,
                         ...);
#else
void nnlite__csv_no_message(const nnlite_csv_options *options);
#define nnlite__csv_message(options, ...)                                     \
    (NNLITE__DROP_MESSAGE(__VA_ARGS__), nnlite__csv_no_message(options))
#endif

/*
 * Check x, target and the options (already defaulted, not NULL) before any
 * input is read. *x and *target are set to NULL when they are not NULL.
 */
nnlite_status nnlite__csv_check(nnlite_tensor **x, nnlite_tensor **target,
                                const nnlite_csv_options *options);

/* nnlite_csv_read_buffer() after nnlite__csv_check(); `name` is the FILE
 * of every message. */
nnlite_status nnlite__csv_parse(nnlite_tensor **x, nnlite_tensor **target,
                                const unsigned char *data, size_t size,
                                const char *name,
                                const nnlite_csv_options *options);

#endif /* NNLITE_CSV_IMPL_H */
