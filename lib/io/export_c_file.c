/* nnlite_model_export_c_file: the exported C source written to a file,
 * through a temporary file renamed over the target. The system calls go
 * through the injectable nnlite__file_io table of the model files, so the
 * tests make each one fail. Apart from export_c.c, which writes into
 * memory, so that a build without file I/O can leave this file out. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "alloc_impl.h"
#include "export_c_impl.h"
#include "model_impl.h"
#include "nnlite/io.h"

/* "what path: the system's reason" into the model's message. */
static nnlite_status export_fail(nnlite_model *m, const char *what,
                                 const char *path, int err)
{
    char reason[128];
    if (strerror_r(err, reason, sizeof(reason)) != 0) {
        nnlite__format(reason, sizeof(reason), "error %d", err);
    }
    return nnlite__fail(m, NNLITE_EIO, "%s %s: %s", what, path, reason);
}

/* All of text into a new file at tmp, flushed to disk; 0, or -1 with
 * errno set and the file closed. */
static int write_text(const nnlite__file_io *io, const char *tmp,
                      const char *text, size_t length)
{
    const int fd =
        io->open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    int err;
    if (fd < 0) {
        return -1;
    }
    while (length > 0) {
        const long n = io->write(fd, text, length);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            if (n == 0) {
                errno = ENOSPC; /* no progress: treat as a full disk */
            }
            goto fail;
        }
        text += n;
        length -= (size_t)n;
    }
    if (io->fsync(fd) != 0) {
        goto fail;
    }
    return io->close(fd);
fail:
    err = errno;
    (void)io->close(fd);
    errno = err;
    return -1;
}

/* The text to tmp, then tmp renamed over path; tmp removed on failure. */
static nnlite_status write_then_rename(nnlite_model *m,
                                       const nnlite__file_io *io,
                                       const char *path, const char *tmp,
                                       const char *text, size_t length)
{
    if (write_text(io, tmp, text, length) != 0) {
        const int err = errno;
        (void)io->unlink(tmp);
        return export_fail(m, "cannot write", tmp, err);
    }
    if (io->rename(tmp, path) != 0) {
        const int err = errno;
        (void)io->unlink(tmp);
        return export_fail(m, "cannot replace", path, err);
    }
    return NNLITE_OK;
}

nnlite_status nnlite__model_export_c_file_with(nnlite_model *m,
                                               const char *prefix,
                                               const char *path,
                                               const nnlite__file_io *io)
{
    char *text = NULL, *tmp = NULL;
    size_t length, text_size, tmp_size, path_length;
    nnlite_status s;

    if (m == NULL) {
        return NNLITE_EINVAL;
    }
    m->error[0] = '\0';
    if ((s = nnlite__model_check_save_path(m, path)) != NNLITE_OK ||
        (s = nnlite_model_export_c(m, prefix, NULL, 0, &length)) !=
            NNLITE_OK) {
        return s;
    }
    /* length < SIZE_MAX: nnlite_model_export_c() fails with ENOMEM
     * before a length reaches it, so length + 1 cannot wrap. */
    path_length = strlen(path);
    text_size = length + 1;
    if (!nnlite__add_size(&tmp_size, path_length, sizeof(".tmp")) ||
        (text = nnlite__alloc(&m->allocator, text_size)) == NULL ||
        (tmp = nnlite__alloc(&m->allocator, tmp_size)) == NULL) {
        nnlite__free(&m->allocator, text);
        return nnlite__fail(m, NNLITE_ENOMEM,
                            "out of memory exporting to %s", path);
    }
    memcpy(tmp, path, path_length);
    memcpy(tmp + path_length, ".tmp", sizeof(".tmp"));
    /* Cannot fail: the same model and prefix passed the query above, and
     * text has room for the length it gave. */
    (void)nnlite_model_export_c(m, prefix, text, text_size, &length);
    s = write_then_rename(m, io, path, tmp, text, length);
    nnlite__free(&m->allocator, tmp);
    nnlite__free(&m->allocator, text);
    return s;
}

nnlite_status nnlite_model_export_c_file(nnlite_model *m, const char *prefix,
                                         const char *path)
{
    return nnlite__model_export_c_file_with(m, prefix, path,
                                            &nnlite__posix_file_io);
}
