/* nnlite_model_export_c_file: the text written to a file through a
 * temporary one, and writes that fail (each system call in turn, a full
 * disk, no memory) without losing the previous file or leaking. Apart
 * from test_export.c so that a build without file I/O can leave it out,
 * with lib/io/export_c_file.c. */
#define _POSIX_C_SOURCE 200809L

#include "export/export_util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export_c_impl.h"

typedef struct fixture {
    char dir[64];
    char path[128];
    char tmp[140];
} fixture;

static int setup(void **state)
{
    fixture *f = test_calloc(1, sizeof(*f));
    if (f == NULL) {
        return -1;
    }
    snprintf(f->dir, sizeof(f->dir), "/tmp/nnlite-export-XXXXXX");
    if (mkdtemp(f->dir) == NULL) {
        return -1;
    }
    snprintf(f->path, sizeof(f->path), "%s/model.c", f->dir);
    snprintf(f->tmp, sizeof(f->tmp), "%s.tmp", f->path);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    (void)unlink(f->path);
    (void)unlink(f->tmp);
    (void)rmdir(f->dir);
    test_free(f);
    return 0;
}

/* The file's bytes in a test_malloc'd string; NULL when it is missing. */
static char *read_file(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        return NULL;
    }
    char *s = test_malloc(1 << 20);
    const size_t n = fread(s, 1, (1 << 20) - 1, fp);
    s[n] = '\0';
    fclose(fp);
    return s;
}

static size_t files_in(const char *dir)
{
    size_t n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    }
    closedir(d);
    return n;
}

static void test_export_file_writes_the_text(void **state)
{
    fixture *f = *state;
    nnlite_model *m = build(3);
    FILE *old = fopen(f->path, "w");
    assert_non_null(old);
    fputs("an older, longer file that the export replaces entirely\n", old);
    fclose(old);
    assert_int_equal(nnlite_model_export_c_file(m, "binary", f->path),
                     NNLITE_OK);
    char *want = export_text(m, "binary"), *got = read_file(f->path);
    assert_non_null(got);
    assert_string_equal(got, want);
    assert_int_equal(files_in(f->dir), 1); /* no temporary file left */
    test_free(got);
    test_free(want);
    nnlite_model_destroy(m);
}

static void test_export_file_argument_errors(void **state)
{
    fixture *f = *state;
    nnlite_model *m = build(3), *empty = NULL;
    assert_int_equal(nnlite_model_export_c_file(NULL, "a", f->path),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_model_export_c_file(m, "a", NULL),
                     NNLITE_EINVAL);
    expect_message(m, "path is NULL or empty");
    assert_int_equal(nnlite_model_export_c_file(m, "a", ""), NNLITE_EINVAL);
    expect_message(m, "path is NULL or empty");
    assert_int_equal(nnlite_model_export_c_file(m, "9a", f->path),
                     NNLITE_EINVAL);
    expect_message(m, "is not a C identifier");
    assert_int_equal(nnlite_model_create(&empty, 2, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_export_c_file(empty, "a", f->path),
                     NNLITE_ESTATE);
    expect_message(empty, "no layers");
    assert_int_equal(files_in(f->dir), 0); /* nothing written */
    nnlite_model_destroy(empty);
    nnlite_model_destroy(m);
}

/* A file-io table whose calls fail on demand. */
static int fail_open, fail_fsync, fail_close, fail_rename, interrupt;
static int open_errno = EACCES; /* what a failing open says */
static long write_budget; /* bytes writes may still make; < 0: unlimited */
static int stall;         /* writes return 0 once the budget is spent */

static int fake_open(const char *path, int flags, unsigned mode)
{
    if (fail_open) {
        errno = open_errno;
        return -1;
    }
    return nnlite__posix_file_io.open(path, flags, mode);
}

static long fake_write(int fd, const void *data, size_t size)
{
    if (interrupt > 0) {
        interrupt--;
        errno = EINTR;
        return -1;
    }
    if (write_budget >= 0 && (long)size > write_budget) {
        if (write_budget == 0) {
            errno = ENOSPC;
            return stall ? 0 : -1;
        }
        size = (size_t)write_budget; /* a short write first */
    }
    const long n = nnlite__posix_file_io.write(fd, data, size);
    if (write_budget >= 0 && n > 0) {
        write_budget -= n;
    }
    return n;
}

static int fake_fsync(int fd)
{
    if (fail_fsync) {
        errno = EIO;
        return -1;
    }
    return nnlite__posix_file_io.fsync(fd);
}

static int fake_close(int fd)
{
    const int r = nnlite__posix_file_io.close(fd);
    if (fail_close) {
        errno = EIO;
        return -1;
    }
    return r;
}

static int fake_rename(const char *from, const char *to)
{
    if (fail_rename) {
        errno = EXDEV;
        return -1;
    }
    return nnlite__posix_file_io.rename(from, to);
}

static const nnlite__file_io fake_io = {
    fake_open, fake_write, fake_fsync, fake_close, fake_rename, unlink,
};

static void reset_faults(void)
{
    fail_open = fail_fsync = fail_close = fail_rename = interrupt = 0;
    stall = 0;
    write_budget = -1;
    open_errno = EACCES;
}

/* The export fails with EIO and a message, the old file stays as it was,
 * and no temporary file is left. */
static void expect_failed_export(fixture *f, nnlite_model *m,
                                 const char *message)
{
    assert_int_equal(
        nnlite__model_export_c_file_with(m, "binary", f->path, &fake_io),
        NNLITE_EIO);
    expect_message(m, message);
    char *now = read_file(f->path);
    assert_non_null(now);
    assert_string_equal(now, "the previous file\n");
    test_free(now);
    assert_int_equal(files_in(f->dir), 1);
    reset_faults();
}

static void test_export_file_failures_keep_the_old_file(void **state)
{
    fixture *f = *state;
    nnlite_model *m = build(3);
    FILE *old = fopen(f->path, "w");
    assert_non_null(old);
    fputs("the previous file\n", old);
    fclose(old);
    reset_faults();

    fail_open = 1;
    expect_failed_export(f, m, "Permission denied");
    fail_open = 1, open_errno = 123456; /* no text: its number */
    expect_failed_export(f, m, "cannot write");
    fail_open = 1, open_errno = 123456;
    expect_failed_export(f, m, "123456");
    write_budget = 100; /* a short write, then a full disk */
    expect_failed_export(f, m, "No space left on device");
    write_budget = 100, stall = 1; /* then no progress at all */
    expect_failed_export(f, m, "No space left on device");
    fail_fsync = 1;
    expect_failed_export(f, m, "Input/output error");
    fail_close = 1;
    expect_failed_export(f, m, "cannot write");
    fail_rename = 1;
    expect_failed_export(f, m, "cannot replace");

    /* interrupted writes are retried */
    interrupt = 2;
    assert_int_equal(
        nnlite__model_export_c_file_with(m, "binary", f->path, &fake_io),
        NNLITE_OK);
    char *want = export_text(m, "binary"), *got = read_file(f->path);
    assert_string_equal(got, want);
    test_free(got);
    test_free(want);
    reset_faults();
    nnlite_model_destroy(m);
}

/* The text and the temporary name come from the model's allocator: each
 * failing allocation is NNLITE_ENOMEM with nothing leaked or written. */
static void test_export_file_out_of_memory(void **state)
{
    fixture *f = *state;
    test_alloc_state st = {0};
    const nnlite_allocator a = test_allocator(&st);
    nnlite_model *m = NULL;
    nnlite_layer *l;
    assert_int_equal(nnlite_model_create_advanced(&m, 3, 1, &a), NNLITE_OK);
    assert_int_equal(nnlite_tanh_create(&l), NNLITE_OK);
    assert_int_equal(nnlite_model_add(m, l), NNLITE_OK);
    assert_int_equal(nnlite_dense_create(&l, 3, 2), NNLITE_OK);
    assert_int_equal(nnlite_model_add(m, l), NNLITE_OK);
    assert_non_null(nnlite_model_params(m));
    for (size_t k = 1; k <= 2; k++) {
        st.fail_at = st.calls + k;
        const size_t live = st.live;
        assert_int_equal(nnlite_model_export_c_file(m, "t", f->path),
                         NNLITE_ENOMEM);
        expect_message(m, "out of memory exporting to");
        assert_int_equal(st.live, live);
        assert_int_equal(files_in(f->dir), 0);
    }
    st.fail_at = 0;
    assert_int_equal(nnlite_model_export_c_file(m, "t", f->path),
                     NNLITE_OK);
    nnlite_model_destroy(m);
    assert_int_equal(st.live, 0);
}
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_export_file_writes_the_text,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_export_file_argument_errors,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_export_file_failures_keep_the_old_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export_file_out_of_memory,
                                        setup, teardown),
    };
    return cmocka_run_group_tests_name("export_file", tests, NULL, NULL);
}
