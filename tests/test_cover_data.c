/* CSV input the data tests do not reach (docs/coverage.md): fields that
 * end exactly at the end of the input (after a closing quote, after
 * blanks), tabs as delimiter and as blanks, a CR inside a line, failures
 * with no message buffer, and reading files: bad arguments, every
 * allocation failing in turn, a directory. */
#define _POSIX_C_SOURCE 200809L

#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Parse text with the given delimiter; on success the shape and values
 * of x (no target) must be rows x cols and `want`. */
static nnlite_status parse(const char *text, char delimiter, size_t rows,
                           size_t cols, const float *want)
{
    nnlite_csv_options o = NNLITE_CSV_OPTIONS_INIT;
    nnlite_tensor *x = NULL;
    char msg[256];
    o.delimiter = delimiter;
    o.error = msg;
    o.error_size = sizeof(msg);
    nnlite_status s = nnlite_csv_read_buffer(&x, NULL, text, strlen(text),
                                             &o);
    if (s == NNLITE_OK) {
        assert_int_equal(nnlite_tensor_dim(x, 0), rows);
        assert_int_equal(nnlite_tensor_dim(x, 1), cols);
        const float *v = nnlite_tensor_data(x);
        for (size_t i = 0; i < rows * cols; i++) {
            assert_float_equal(v[i], want[i], 0.0f);
        }
    } else {
        assert_null(x);
        assert_true(msg[0] != '\0');
    }
    nnlite_tensor_destroy(x);
    return s;
}

static void test_cover_data_fields_at_the_end(void **state)
{
    const float one_two[2] = {1.0f, 2.0f};
    const float four[4] = {1.0f, 2.0f, 3.0f, 4.0f};
    (void)state;
    /* A closing quote, then nothing; then blanks, then nothing. */
    assert_int_equal(parse("1,\"2\"", ',', 1, 2, one_two), NNLITE_OK);
    assert_int_equal(parse("1,\"2\"  ", ',', 1, 2, one_two), NNLITE_OK);
    assert_int_equal(parse("1,\"2\"\r", ',', 1, 2, one_two), NNLITE_OK);
    /* Blank lines, then blanks with no line end. */
    assert_int_equal(parse("1,2\n\n  \t", ',', 1, 2, one_two), NNLITE_OK);
    /* A field of blanks at the very end is missing. */
    assert_int_equal(parse("1,2\n3, ", ',', 0, 0, NULL), NNLITE_EFORMAT);
    /* Tabs between fields are not blanks; spaces still are. */
    assert_int_equal(parse("1\t 2\n3 \t4\n", '\t', 2, 2, four), NNLITE_OK);
    assert_int_equal(parse("1\t\"2\"\t\n", '\t', 0, 0, NULL),
                     NNLITE_EFORMAT);
    /* A CR that does not end the line is part of the field. */
    assert_int_equal(parse("1,2\r3\n", ',', 0, 0, NULL), NNLITE_EFORMAT);
    assert_int_equal(parse("1,\"2\"\r3\n", ',', 0, 0, NULL),
                     NNLITE_EFORMAT);
}

/* Failures without a message buffer, or with no options at all. */
static void test_cover_data_failures_without_a_message(void **state)
{
    nnlite_csv_options o = NNLITE_CSV_OPTIONS_INIT;
    nnlite_tensor *x = NULL;
    (void)state;
    assert_int_equal(nnlite_csv_read_buffer(&x, NULL, "1,x\n", 4, NULL),
                     NNLITE_EFORMAT);
    assert_null(x);
    assert_int_equal(nnlite_csv_read_buffer(&x, NULL, "1,x\n", 4, &o),
                     NNLITE_EFORMAT);
    char untouched = 'u'; /* a buffer of no bytes is not written */
    o.error = &untouched;
    o.error_size = 0;
    assert_int_equal(nnlite_csv_read_buffer(&x, NULL, "1,x\n", 4, &o),
                     NNLITE_EFORMAT);
    assert_int_equal(untouched, 'u');
    o.error = NULL;
    assert_int_equal(nnlite_csv_read(&x, NULL, "/nonexistent/a.csv", NULL),
                     NNLITE_EIO);
    assert_null(x);
}

/* nnlite_csv_read: argument errors, a directory, every allocation
 * failing in turn (the read buffer grows past its first size). */
static void test_cover_data_read_file(void **state)
{
    nnlite_csv_options o = NNLITE_CSV_OPTIONS_INIT;
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    nnlite_tensor *x = NULL;
    char msg[256], path[64];
    size_t failed = 0;
    (void)state;
    o.error = msg;
    o.error_size = sizeof(msg);
    assert_int_equal(nnlite_csv_read(NULL, NULL, "/tmp", &o), NNLITE_EINVAL);
    assert_int_equal(nnlite_csv_read(&x, NULL, "/tmp", &o), NNLITE_EIO);
    assert_non_null(strstr(msg, "cannot read /tmp"));

    snprintf(path, sizeof(path), "/tmp/nnlite-cover-%ld.csv",
             (long)getpid());
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (int i = 0; i < 2000; i++) { /* 10 kB: the buffer doubles */
        fprintf(f, "%d,%d\n", i % 10, i % 7);
    }
    fclose(f);
    o.allocator = &a;
    for (size_t n = 1;; n++) {
        st.fail_at = st.calls + n;
        nnlite_status s = nnlite_csv_read(&x, NULL, path, &o);
        st.fail_at = 0;
        if (s == NNLITE_OK) {
            break;
        }
        assert_int_equal(s, NNLITE_ENOMEM);
        assert_null(x);
        assert_int_equal(st.live, 0);
        failed++;
    }
    assert_true(failed >= 3);
    assert_int_equal(nnlite_tensor_dim(x, 0), 2000);
    nnlite_tensor_destroy(x);
    assert_int_equal(st.live, 0);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cover_data_fields_at_the_end),
        cmocka_unit_test(test_cover_data_failures_without_a_message),
        cmocka_unit_test(test_cover_data_read_file),
    };
    return cmocka_run_group_tests_name("cover_data", tests, NULL, NULL);
}
