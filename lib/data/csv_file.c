/*
 * nnlite_csv_read(): the file is read whole into memory (through the
 * caller's allocator) and handed to the buffer parser. The only file I/O
 * of the data part, kept apart so a build without a file system can leave
 * it out. Standard C stdio, so pipes (/dev/stdin) work too: the buffer
 * doubles until the end of the file.
 */
#define _POSIX_C_SOURCE 200809L /* strerror_r */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "alloc_impl.h"
#include "csv_impl.h"

/* "what path: reason" into the caller's buffer; NNLITE_EIO. */
static nnlite_status io_fail(const nnlite_csv_options *o, const char *what,
                             const char *path, int err)
{
    char reason[128];
    if (strerror_r(err, reason, sizeof(reason)) != 0) {
        nnlite__format(reason, sizeof(reason), "error %d", err);
    }
    nnlite__csv_message(o, "cannot %s %s: %s", what, path, reason);
    return NNLITE_EIO;
}

/* Make room for at least one more byte: double the buffer. */
static nnlite_status grow(const nnlite_allocator *a, unsigned char **data,
                          size_t used, size_t *capacity)
{
    size_t bigger;
    unsigned char *p;
    if (!nnlite__mul_size(&bigger, *capacity, 2) ||
        (p = nnlite__alloc(a, bigger)) == NULL) {
        return NNLITE_ENOMEM;
    }
    if (used > 0) {
        memcpy(p, *data, used);
    }
    nnlite__free(a, *data);
    *data = p;
    *capacity = bigger;
    return NNLITE_OK;
}

/* The whole stream into a new buffer (*data, *size), freed by the
 * caller; nothing to free on failure. */
static nnlite_status read_all(FILE *f, const char *path,
                              const nnlite_allocator *a,
                              const nnlite_csv_options *o,
                              unsigned char **data, size_t *size)
{
    size_t capacity = 2048, used = 0; /* doubled before the first read */
    *data = NULL;
    for (;;) {
        if (used == capacity || *data == NULL) {
            if (grow(a, data, used, &capacity) != NNLITE_OK) {
                nnlite__free(a, *data);
                nnlite__csv_message(o, "out of memory reading %s", path);
                return NNLITE_ENOMEM;
            }
        }
        used += fread(*data + used, 1, capacity - used, f);
        if (ferror(f)) {
            const int err = errno;
            nnlite__free(a, *data);
            return io_fail(o, "read", path, err);
        }
        if (feof(f)) {
            *size = used;
            return NNLITE_OK;
        }
    }
}

nnlite_status nnlite_csv_read(nnlite_tensor **x, nnlite_tensor **target,
                              const char *path,
                              const nnlite_csv_options *options)
{
    static const nnlite_csv_options defaults = NNLITE_CSV_OPTIONS_INIT;
    const nnlite_csv_options *o = options != NULL ? options : &defaults;
    nnlite_allocator a;
    unsigned char *data = NULL;
    size_t size = 0;
    FILE *f;
    nnlite_status s = nnlite__csv_check(x, target, o);
    if (s != NNLITE_OK) {
        return s;
    }
    if (path == NULL) {
        nnlite__csv_message(o, "path is NULL");
        return NNLITE_EINVAL;
    }
    (void)nnlite__allocator_resolve(&a, o->allocator); /* checked above */
    if ((f = fopen(path, "rb")) == NULL) {
        return io_fail(o, "open", path, errno);
    }
    s = read_all(f, path, &a, o, &data, &size);
    (void)fclose(f);
    if (s == NNLITE_OK) {
        s = nnlite__csv_parse(x, target, data, size, path, o);
        nnlite__free(&a, data);
    }
    return s;
}
