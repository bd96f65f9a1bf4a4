/* Model files: atomic saving (temporary file in the same directory, write,
 * fsync, rename over the target, fsync the directory) and loading. POSIX. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdio.h> /* rename */
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alloc_impl.h"
#include "file_io_impl.h"
#include "format_impl.h"
#include "nnlite/io.h"

static int posix_open(const char *path, int flags, unsigned mode)
{
    return open(path, flags, (mode_t)mode);
}

static long posix_write(int fd, const void *data, size_t size)
{
    return (long)write(fd, data, size);
}

const nnlite__file_io nnlite__posix_file_io = {
    posix_open, posix_write, fsync, close, rename, unlink,
};

/* The system's words for errno value err. */
static void describe_errno(int err, char *buf, size_t size)
{
    if (strerror_r(err, buf, size) != 0) {
        nnlite__format(buf, size, "error %d", err);
    }
}

/* "what path: reason" into the model's message. */
static nnlite_status io_fail(nnlite_model *m, const char *what,
                             const char *path, int err)
{
    char reason[128];
    describe_errno(err, reason, sizeof(reason));
    return nnlite__fail(m, NNLITE_EIO, "%s %s: %s", what, path, reason);
}

/* Write all of data, retrying short writes and interruptions. */
static int write_all(const nnlite__file_io *io, int fd,
                     const unsigned char *data, size_t size)
{
    while (size > 0) {
        long n = io->write(fd, data, size);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            if (n == 0) {
                errno = ENOSPC; /* no progress: treat as a full disk */
            }
            return -1;
        }
        data += n;
        size -= (size_t)n;
    }
    return 0;
}

/* v in hexadecimal at out; returns the digits written (no NUL). */
static size_t put_hex(char *out, unsigned long v)
{
    char digits[2 * sizeof(v)];
    size_t k = 0, n = 0;
    do {
        digits[k++] = "0123456789abcdef"[v % 16];
        v /= 16;
    } while (v != 0);
    while (k > 0) {
        out[n++] = digits[--k];
    }
    return n;
}

/* tmp = path ".tmp-" PID "-" NANOSECONDS ATTEMPT, the numbers in
 * hexadecimal: at most strlen(path) + 6 + 3 * 2 * sizeof(long) bytes
 * with the NUL. Written here, not by nnlite__format: that makes
 * messages, which a build may leave out. */
static void temporary_name(char *tmp, const char *path, unsigned long pid,
                           unsigned long nanoseconds, unsigned attempt)
{
    size_t n = strlen(path);
    memcpy(tmp, path, n);
    memcpy(tmp + n, ".tmp-", 5);
    n += 5;
    n += put_hex(tmp + n, pid);
    tmp[n++] = '-';
    n += put_hex(tmp + n, nanoseconds);
    n += put_hex(tmp + n, attempt);
    tmp[n] = '\0';
}

/* Create a new temporary file beside `path`; its name goes to tmp, which
 * has room for temporary_name's. The name mixes the process id and the
 * clock, and O_EXCL makes a clash with any existing file a retry, never
 * an overwrite. */
static int create_temporary(const nnlite__file_io *io, const char *path,
                            char *tmp)
{
    struct timespec now;
    for (unsigned attempt = 0; attempt < 32; attempt++) {
        clock_gettime(CLOCK_REALTIME, &now);
        temporary_name(tmp, path, (unsigned long)getpid(),
                       (unsigned long)now.tv_nsec, attempt);
        int fd = io->open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST) {
            return fd;
        }
    }
    errno = EEXIST;
    return -1;
}

/* Make the rename itself durable. Best effort: some file systems cannot
 * fsync a directory, and the data is already safe in the file. */
static void sync_directory(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    size_t n = slash == NULL ? 0 : (size_t)(slash - path);
    if (slash == NULL || slash == path) {
        dir[0] = slash == NULL ? '.' : '/';
        n = 1;
    } else if (n < sizeof(dir)) {
        memcpy(dir, path, n);
    } else {
        return; /* a directory name longer than any this code opens */
    }
    dir[n] = '\0';
    int fd = open(dir, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        (void)close(fd);
    }
}

/* Write the image to a temporary file and rename it over path. */
static nnlite_status write_atomically(nnlite_model *m, const char *path,
                                      const nnlite__file_io *io,
                                      const unsigned char *image, size_t size,
                                      char *tmp)
{
    int fd = create_temporary(io, path, tmp);
    if (fd < 0) {
        return io_fail(m, "cannot create a temporary file for", path, errno);
    }
    if (write_all(io, fd, image, size) != 0 || io->fsync(fd) != 0) {
        const int err = errno;
        (void)io->close(fd);
        (void)io->unlink(tmp);
        return io_fail(m, "cannot write", tmp, err);
    }
    if (io->close(fd) != 0) {
        const int err = errno;
        (void)io->unlink(tmp);
        return io_fail(m, "cannot close", tmp, err);
    }
    if (io->rename(tmp, path) != 0) {
        const int err = errno;
        (void)io->unlink(tmp);
        return io_fail(m, "cannot replace", path, err);
    }
    sync_directory(path);
    return NNLITE_OK;
}

nnlite_status nnlite__model_save_with(nnlite_model *m, const char *path,
                                      const nnlite_save_options *options,
                                      const nnlite__file_io *io)
{
    unsigned char *image = NULL;
    char *tmp = NULL;
    size_t size, tmp_size;
    bool with_optimizer;
    nnlite_status s;

    if (m == NULL) {
        return NNLITE_EINVAL;
    }
    m->error[0] = '\0';
    if ((s = nnlite__model_check_save_path(m, path)) != NNLITE_OK ||
        (s = nnlite__model_check_save_options(m, options,
                                              &with_optimizer)) !=
            NNLITE_OK) {
        return s;
    }
    size = nnlite__model_saved_size(m, with_optimizer);
    if (size == 0 || !nnlite__add_size(&tmp_size, strlen(path), 64) ||
        (image = nnlite__alloc(&m->allocator, size)) == NULL ||
        (tmp = nnlite__alloc(&m->allocator, tmp_size)) == NULL) {
        nnlite__free(&m->allocator, image);
        return nnlite__fail(m, NNLITE_ENOMEM, "out of memory saving %s",
                            path);
    }
    nnlite__model_initialize(m);
    s = nnlite__model_check_savable(m, with_optimizer);
    if (s == NNLITE_OK &&
        !nnlite__model_write_image(m, with_optimizer, image, size)) {
        s = nnlite__model_image_failed(m, size);
    }
    if (s == NNLITE_OK) {
        s = write_atomically(m, path, io, image, size, tmp);
    }
    nnlite__free(&m->allocator, tmp);
    nnlite__free(&m->allocator, image);
    return s;
}

nnlite_status nnlite_model_save(nnlite_model *m, const char *path)
{
    return nnlite__model_save_with(m, path, NULL, &nnlite__posix_file_io);
}

nnlite_status nnlite_model_save_advanced(nnlite_model *m, const char *path,
                                         const nnlite_save_options *options)
{
    return nnlite__model_save_with(m, path, options,
                                   &nnlite__posix_file_io);
}

/* "what path: reason" into the caller's buffer, if any. */
static void tell(const nnlite_load_options *o, const char *what,
                 const char *path, int err)
{
    char reason[128];
    describe_errno(err, reason, sizeof(reason));
    nnlite__load_message(o, "%s %s: %s", what, path, reason);
}

/* Read exactly size bytes; 0, or -1 with errno set (EIO when the file
 * ended early). */
static int read_exactly(int fd, unsigned char *data, size_t size)
{
    size_t done = 0;
    while (done < size) {
        ssize_t n = read(fd, data + done, size - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            if (n == 0) {
                errno = EIO; /* the file shrank while we read it */
            }
            return -1;
        }
        done += (size_t)n;
    }
    return 0;
}

/* Open a regular file for reading. O_NONBLOCK: a FIFO or device must not
 * block the open; it is then refused as not a regular file. */
static int open_regular(const char *path, const nnlite_load_options *o,
                        size_t *size)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        tell(o, "cannot open", path, errno);
        return -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 0) {
        tell(o, "not a regular file:", path, EINVAL);
        (void)close(fd);
        return -1;
    }
    *size = (size_t)st.st_size;
    return fd;
}

/* Read the whole file into a new buffer, but only after its header says it
 * is an nnlite model of exactly this size: a large file of anything else
 * is refused before its size is allocated. */
static nnlite_status read_file(const char *path, const nnlite_allocator *a,
                               const nnlite_load_options *o,
                               unsigned char **data, size_t *size)
{
    unsigned char header[NNLITE__HEADER_SIZE];
    nnlite_status s;
    int fd = open_regular(path, o, size);
    if (fd < 0) {
        return NNLITE_EIO;
    }
    const size_t head = *size < sizeof(header) ? *size : sizeof(header);
    if (read_exactly(fd, header, head) != 0 || lseek(fd, 0, SEEK_SET) != 0) {
        tell(o, "cannot read", path, errno);
        (void)close(fd);
        return NNLITE_EIO;
    }
    s = nnlite__check_file_header(header, *size, o);
    if (s != NNLITE_OK) {
        (void)close(fd);
        return s;
    }
    if ((*data = nnlite__alloc(a, *size)) == NULL) {
        (void)close(fd);
        tell(o, "out of memory reading", path, ENOMEM);
        return NNLITE_ENOMEM;
    }
    if (read_exactly(fd, *data, *size) != 0) {
        tell(o, "cannot read", path, errno);
        nnlite__free(a, *data);
        (void)close(fd);
        return NNLITE_EIO;
    }
    (void)close(fd);
    return NNLITE_OK;
}

nnlite_status nnlite_model_load_advanced(nnlite_model **out, const char *path,
                                         const nnlite_load_options *options)
{
    static const nnlite_load_options defaults = NNLITE_LOAD_OPTIONS_INIT;
    nnlite_allocator a;
    unsigned char *data = NULL;
    size_t size = 0;
    nnlite_status s;

    if (out == NULL) {
        return NNLITE_EINVAL;
    }
    *out = NULL;
    if (options == NULL) {
        options = &defaults;
    }
    if (path == NULL || options->version != NNLITE_LOAD_OPTIONS_VERSION ||
        nnlite__allocator_resolve(&a, options->allocator) != NNLITE_OK) {
        nnlite__load_message(options, "invalid arguments: a path, options "
                                      "of this version and a complete "
                                      "allocator are needed");
        return NNLITE_EINVAL;
    }
    if ((s = read_file(path, &a, options, &data, &size)) != NNLITE_OK) {
        return s;
    }
    s = nnlite_model_load_buffer_advanced(out, data, size, options);
    nnlite__free(&a, data);
    return s;
}

nnlite_status nnlite_model_load(nnlite_model **out, const char *path)
{
    return nnlite_model_load_advanced(out, path, NULL);
}
