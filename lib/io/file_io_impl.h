/* Private: the system calls model files go through. Saving takes them as a
 * table so tests can make any one of them fail (short writes, a full disk,
 * a failing rename) and check that nothing is lost. */
#ifndef NNLITE_FILE_IO_IMPL_H
#define NNLITE_FILE_IO_IMPL_H

#include <stddef.h>

#include "nnlite/io.h"
#include "nnlite/model.h"

typedef struct nnlite__file_io {
    int (*open)(const char *path, int flags, unsigned mode);
    /* bytes written, or -1 with errno set */
    long (*write)(int fd, const void *data, size_t size);
    int (*fsync)(int fd);
    int (*close)(int fd);
    int (*rename)(const char *from, const char *to);
    int (*unlink)(const char *path);
} nnlite__file_io;

/* The real calls. */
extern const nnlite__file_io nnlite__posix_file_io;

/* nnlite_model_save_advanced() through `io` (options NULL: defaults). */
nnlite_status nnlite__model_save_with(nnlite_model *m, const char *path,
                                      const nnlite_save_options *options,
                                      const nnlite__file_io *io);

#endif /* NNLITE_FILE_IO_IMPL_H */
