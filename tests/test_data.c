/* The data part: numbers read without the locale, CSV buffers and files
 * into tensors (every accepted form, every refusal with its place), seeded
 * shuffles and splits, argument errors and allocation failures. */
#define _POSIX_C_SOURCE 200809L

#include "harness.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "number_impl.h"
#include "rng_impl.h"

/* Bit-exact float comparison (a rounding error must fail the test). */
#define assert_same_float(a, b)                                              \
    do {                                                                     \
        const float a_ = (a), b_ = (b);                                      \
        if (memcmp(&a_, &b_, sizeof(float)) != 0) {                          \
            fail_msg("%s = %.9g, expected %.9g", #a, (double)a_,             \
                     (double)b_);                                            \
        }                                                                    \
    } while (0)

#define assert_contains(text, part)                                          \
    do {                                                                     \
        if (strstr((text), (part)) == NULL) {                                \
            fail_msg("\"%s\" does not contain \"%s\"", (text), (part));      \
        }                                                                    \
    } while (0)

/* A sentinel the functions must overwrite with NULL on failure. */
#define NOT_NULL ((nnlite_tensor *)(uintptr_t)1)

/* ---- numbers ------------------------------------------------------------ */

static float parse_ok(const char *text)
{
    float v = -12345.0f;
    nnlite__number r = nnlite__parse_float(text, strlen(text), &v);
    if (r != NNLITE__NUMBER_OK) {
        fail_msg("'%s' refused (%d)", text, (int)r);
    }
    return v;
}

static void test_number_decimal_forms(void **state)
{
    (void)state;
    assert_same_float(parse_ok("1e-3"), 1e-3f);
    assert_same_float(parse_ok("-0.5"), -0.5f);
    assert_same_float(parse_ok("+2"), 2.0f);
    assert_same_float(parse_ok(".5"), 0.5f);
    assert_same_float(parse_ok("5."), 5.0f);
    assert_same_float(parse_ok("1E3"), 1000.0f);
    assert_same_float(parse_ok("2.5e+2"), 250.0f);
    assert_same_float(parse_ok("007"), 7.0f);
    assert_same_float(parse_ok("0.000001"), 1e-6f);
    assert_same_float(parse_ok("0.1"), 0.1f);
    assert_same_float(parse_ok("123456.789"), 123456.789f);
    assert_same_float(parse_ok("0"), 0.0f);
    assert_true(signbit(parse_ok("-0.0")));
    assert_false(signbit(parse_ok("0e999")));
    assert_same_float(parse_ok("3.4028235e38"), FLT_MAX);
    assert_same_float(parse_ok("1.17549435e-38"), FLT_MIN);
    assert_same_float(parse_ok("1.4e-45"), 0x1p-149f); /* smallest */
    assert_same_float(parse_ok("1e-50"), 0.0f);        /* underflow */
    assert_same_float(parse_ok("1e-999999999999"), 0.0f);
}

/* Rounding at a midpoint, also when the deciding digit is beyond the
 * 200 significant digits the parser keeps. */
static void test_number_rounds_correctly(void **state)
{
    char text[600];
    (void)state;
    /* 2^24 + 1 lies halfway between 2^24 and 2^24 + 2: ties to even. */
    assert_same_float(parse_ok("16777217"), 16777216.0f);
    assert_same_float(parse_ok("16777219"), 16777220.0f);
    /* The same midpoint, then 300 zeros: still a tie. */
    snprintf(text, sizeof(text), "16777217.%0300d", 0);
    assert_same_float(parse_ok(text), 16777216.0f);
    /* ... and a 1 after them: just above the midpoint, rounds up. */
    snprintf(text, sizeof(text), "16777217.%0300d1", 0);
    assert_same_float(parse_ok(text), 16777218.0f);
    /* 300 integer digits scaled back: 1. */
    snprintf(text, sizeof(text), "1%0300de-300", 0);
    assert_same_float(parse_ok(text), 1.0f);
    /* Leading zeros are not significant digits. */
    snprintf(text, sizeof(text), "0.%0300d25e300", 0);
    assert_same_float(parse_ok(text), 0.25f);
}

/* A huge written exponent and as many digits the other way cancel out:
 * "1" then a million zeros "e-1000000" is 1, and with one zero fewer it
 * is 0.1; past the float range either way it is refused or 0. */
static void test_number_long_digits_and_exponent(void **state)
{
    const size_t zeros = 1000000;
    char *text = test_malloc(zeros + 32);
    float v = -1.0f;
    (void)state;
    text[0] = '1';
    memset(text + 1, '0', zeros);
    strcpy(text + 1 + zeros, "e-1000000");
    assert_int_equal(nnlite__parse_float(text, strlen(text), &v),
                     NNLITE__NUMBER_OK);
    assert_true(v == 1.0f);
    strcpy(text + zeros, "e-1000000");
    assert_int_equal(nnlite__parse_float(text, strlen(text), &v),
                     NNLITE__NUMBER_OK);
    assert_true(v == 0.1f);
    text[zeros] = '0';
    strcpy(text + 1 + zeros, "e-999950");
    assert_int_equal(nnlite__parse_float(text, strlen(text), &v),
                     NNLITE__NUMBER_RANGE);
    strcpy(text + 1 + zeros, "e-99999999999999999999");
    assert_int_equal(nnlite__parse_float(text, strlen(text), &v),
                     NNLITE__NUMBER_OK);
    assert_true(v == 0.0f);
    test_free(text);
}

static void test_number_refusals(void **state)
{
    static const char *syntax[] = {
        "", "+", "-", ".", "+.", "e5", "1e", "1e+", "1.2.3", "0x10", "1,5",
        "1 2", "--1", "abc", " 1", "1 ", "1f", "nanx", "in", "1e5.5",
    };
    static const char *not_finite[] = {"nan", "NaN", "-nan", "inf", "-Inf",
                                       "+INFINITY", "infinity"};
    static const char *range[] = {"1e39", "-1e39", "3.40282357e38",
                                  "1e999999999999"};
    float v = 42.0f;
    (void)state;
    for (size_t i = 0; i < sizeof(syntax) / sizeof(syntax[0]); i++) {
        if (nnlite__parse_float(syntax[i], strlen(syntax[i]), &v) !=
            NNLITE__NUMBER_SYNTAX) {
            fail_msg("'%s' accepted as a number", syntax[i]);
        }
    }
    for (size_t i = 0; i < sizeof(not_finite) / sizeof(not_finite[0]); i++) {
        assert_int_equal(nnlite__parse_float(not_finite[i],
                                             strlen(not_finite[i]), &v),
                         NNLITE__NUMBER_NOT_FINITE);
    }
    for (size_t i = 0; i < sizeof(range) / sizeof(range[0]); i++) {
        assert_int_equal(
            nnlite__parse_float(range[i], strlen(range[i]), &v),
            NNLITE__NUMBER_RANGE);
    }
    /* The length is the field's: nothing past it is read. */
    assert_int_equal(nnlite__parse_float("12x", 2, &v), NNLITE__NUMBER_OK);
    assert_same_float(v, 12.0f);
}

/* ---- CSV buffers: accepted forms --------------------------------------- */

typedef struct read_result {
    nnlite_status status;
    nnlite_tensor *x;
    nnlite_tensor *t;
    char error[256];
} read_result;

/* Read `text` with a header flag, delimiter and targets. */
static read_result read_text(const char *text, size_t size, int header,
                             char delimiter, const size_t *targets,
                             size_t count)
{
    read_result r;
    nnlite_csv_options o = NNLITE_CSV_OPTIONS_INIT;
    memset(&r, 0, sizeof(r));
    strcpy(r.error, "stale");
    r.x = NOT_NULL;
    r.t = NOT_NULL;
    o.header = header;
    o.delimiter = delimiter;
    o.target_columns = targets;
    o.target_count = count;
    o.error = r.error;
    o.error_size = sizeof(r.error);
    r.status = nnlite_csv_read_buffer(&r.x, &r.t, text, size, &o);
    return r;
}

static void expect_matrix(nnlite_tensor *t, size_t rows, size_t cols,
                          const float *values)
{
    assert_non_null(t);
    assert_int_equal(nnlite_tensor_rank(t), 2);
    assert_int_equal(nnlite_tensor_dim(t, 0), rows);
    assert_int_equal(nnlite_tensor_dim(t, 1), cols);
    for (size_t i = 0; i < rows * cols; i++) {
        assert_same_float(nnlite_tensor_data(t)[i], values[i]);
    }
}

static void test_csv_plain_rows_and_targets(void **state)
{
    static const char text[] = "1,2,3\n4,5,6\n";
    static const size_t last[] = {2};
    static const float x[] = {1, 2, 4, 5}, t[] = {3, 6};
    (void)state;
    read_result r = read_text(text, strlen(text), 0, ',', last, 1);
    assert_int_equal(r.status, NNLITE_OK);
    assert_string_equal(r.error, "");
    expect_matrix(r.x, 2, 2, x);
    expect_matrix(r.t, 2, 1, t);
    nnlite_tensor_destroy(r.x);
    nnlite_tensor_destroy(r.t);

    /* No targets: every column in x, *target NULL. */
    static const float all[] = {1, 2, 3, 4, 5, 6};
    r = read_text(text, strlen(text), 0, ',', NULL, 0);
    assert_int_equal(r.status, NNLITE_OK);
    expect_matrix(r.x, 2, 3, all);
    assert_null(r.t);
    nnlite_tensor_destroy(r.x);

    /* NULL options and a NULL target pointer: the defaults. */
    nnlite_tensor *xx = NOT_NULL;
    assert_int_equal(nnlite_csv_read_buffer(&xx, NULL, text, strlen(text),
                                            NULL),
                     NNLITE_OK);
    expect_matrix(xx, 2, 3, all);
    nnlite_tensor_destroy(xx);
}

/* A header with quoted names (a delimiter, "" and a line end inside),
 * BOM, CRLF, quoted numbers with blanks, the number forms, targets in a
 * chosen order, no final newline. */
static void test_csv_every_accepted_form(void **state)
{
    static const char text[] =
        "\xef\xbb\xbf" "\"a,b\",\"say \"\"hi\"\"\",\"two\r\nlines\",d\r\n"
        " 1e-3 , \"-0.5\",+2,.5\r\n"
        "\" 5. \" ,\t7 ,\"8\"\t, -1E1\r\n"
        "0,0,0,1";
    static const size_t targets[] = {3, 0};
    static const float x[] = {-0.5f, 2, 7, 8, 0, 0};
    static const float t[] = {0.5f, 1e-3f, -10, 5, 1, 0};
    (void)state;
    read_result r = read_text(text, strlen(text), 1, ',', targets, 2);
    assert_int_equal(r.status, NNLITE_OK);
    assert_string_equal(r.error, "");
    expect_matrix(r.x, 3, 2, x);
    expect_matrix(r.t, 3, 2, t);
    nnlite_tensor_destroy(r.x);
    nnlite_tensor_destroy(r.t);
}

static void test_csv_blank_tail_delimiters_and_one_column(void **state)
{
    static const float x[] = {1, 2, 3, 4};
    static const float one[] = {1.5f, -2};
    (void)state;
    /* Blank lines (with blanks and CRs) at the end are ignored. */
    const char *text = "1,2\n3,4\n\n  \r\n\t\n";
    read_result r = read_text(text, strlen(text), 0, ',', NULL, 0);
    assert_int_equal(r.status, NNLITE_OK);
    expect_matrix(r.x, 2, 2, x);
    nnlite_tensor_destroy(r.x);
    /* Semicolons, where a comma inside quotes is text. */
    text = "\"p;q\";r\n1;2\n3;4\n";
    r = read_text(text, strlen(text), 1, ';', NULL, 0);
    assert_int_equal(r.status, NNLITE_OK);
    expect_matrix(r.x, 2, 2, x);
    nnlite_tensor_destroy(r.x);
    /* Tabs separate, so they are not trimmed (spaces still are). */
    text = "1\t 2\n3 \t4\n";
    r = read_text(text, strlen(text), 0, '\t', NULL, 0);
    assert_int_equal(r.status, NNLITE_OK);
    expect_matrix(r.x, 2, 2, x);
    nnlite_tensor_destroy(r.x);
    /* One column, a CR as the last byte. */
    text = "1.5\n-2\r";
    r = read_text(text, strlen(text), 0, ',', NULL, 0);
    assert_int_equal(r.status, NNLITE_OK);
    expect_matrix(r.x, 2, 1, one);
    nnlite_tensor_destroy(r.x);
}

/* ---- CSV buffers: refusals --------------------------------------------- */

/* EFORMAT, both outputs NULL, and the message is exactly `message`. */
static void expect_refusal(const char *text, size_t size, int header,
                           const size_t *targets, size_t count,
                           const char *message)
{
    read_result r = read_text(text, size, header, ',', targets, count);
    if (r.status != NNLITE_EFORMAT) {
        fail_msg("status %d for \"%s\"", (int)r.status, text);
    }
    assert_null(r.x);
    assert_null(r.t);
    assert_string_equal(r.error, message);
}

static void test_csv_refuses_bad_fields(void **state)
{
    (void)state;
    expect_refusal("1,2\n3,abc\n", 10, 0, NULL, 0,
                   "buffer:2:2: 'abc' is not a number");
    expect_refusal("x,y\n1,2\n3,4\n5,6\n\"7\",8 9\n", 24, 1, NULL, 0,
                   "buffer:5:2: '8 9' is not a number");
    expect_refusal("1,nan\n", 6, 0, NULL, 0,
                   "buffer:1:2: 'nan' is not a finite number");
    expect_refusal("1,2\n-Infinity,2\n", 16, 0, NULL, 0,
                   "buffer:2:1: '-Infinity' is not a finite number");
    expect_refusal("1,2\n\" inf \",2\n", 14, 0, NULL, 0,
                   "buffer:2:1: 'inf' is not a finite number");
    expect_refusal("1e39,1\n", 7, 0, NULL, 0,
                   "buffer:1:1: '1e39' is beyond the float range");
    expect_refusal("1,2\n2,-3.5e38\n", 14, 0, NULL, 0,
                   "buffer:2:2: '-3.5e38' is beyond the float range");
    expect_refusal("1,,2\n", 5, 0, NULL, 0,
                   "buffer:1:2: empty field, expected a number");
    expect_refusal("1,\"\"\n", 5, 0, NULL, 0,
                   "buffer:1:2: empty field, expected a number");
    /* A NUL byte is named: a binary or damaged file, not a typo. */
    expect_refusal("1,2\n3,4\0\n", 9, 0, NULL, 0,
                   "buffer:2:2: a NUL byte: not a text file (or a damaged "
                   "one)");
    /* A decimal comma is not a number (nor two fields here: quoted). */
    expect_refusal("\"1,5\",2\n", 8, 0, NULL, 0,
                   "buffer:1:1: '1,5' is not a number");
    /* Long fields are cut in the message. */
    expect_refusal("1,abcdefghijklmnopqrstuvwxyz0123456789\n", 39, 0, NULL,
                   0, "buffer:1:2: 'abcdefghijklmnopqrstuvwxyz012345...' is "
                      "not a number");
    /* A lone CR inside a line is not a line end. */
    expect_refusal("1\r2,3\n", 6, 0, NULL, 0,
                   "buffer:1:1: '1?2' is not a number");
}

static void test_csv_refuses_bad_structure(void **state)
{
    (void)state;
    expect_refusal("1,2\n3\n", 6, 0, NULL, 0,
                   "buffer:2:2: 1 fields, expected 2 as on the first line");
    expect_refusal("a,b,c\n1,2,3\n4,5\n", 16, 1, NULL, 0,
                   "buffer:3:3: 2 fields, expected 3 as on the first line");
    expect_refusal("1,2\n3,4,5\n", 10, 0, NULL, 0,
                   "buffer:2:3: more fields than the 2 of the first line");
    expect_refusal("1,2\n\n3,4\n", 9, 0, NULL, 0,
                   "buffer:2:1: blank line before the last row");
    expect_refusal("\n1,2\n", 5, 0, NULL, 0,
                   "buffer:1:1: blank line before the last row");
    expect_refusal("1,2\n3,\"4\n5,6\n", 13, 0, NULL, 0,
                   "buffer:2:2: unterminated quote");
    expect_refusal("\"1\"x,2\n", 7, 0, NULL, 0,
                   "buffer:1:1: text after the closing quote");
    expect_refusal("1,\"2\" \"3\"\n", 10, 0, NULL, 0,
                   "buffer:1:2: text after the closing quote");
    /* A quoted line end in the header moves the line count on. */
    expect_refusal("\"a\nb\",c\n1,x\n", 12, 1, NULL, 0,
                   "buffer:3:2: 'x' is not a number");
    expect_refusal("", 0, 0, NULL, 0, "buffer:1:1: no data rows");
    expect_refusal("\xef\xbb\xbf", 3, 0, NULL, 0, "buffer:1:1: no data rows");
    expect_refusal(" \r\n\n", 4, 0, NULL, 0, "buffer:1:1: no data rows");
    expect_refusal("a,b\n", 4, 1, NULL, 0, "buffer:2:1: no data rows");
    expect_refusal("a,b\n\n", 5, 1, NULL, 0, "buffer:2:1: no data rows");
}

static void test_csv_refuses_bad_target_columns(void **state)
{
    static const size_t five[] = {5}, twice[] = {1, 0, 1};
    static const size_t both[] = {1, 0}, huge[] = {SIZE_MAX};
    (void)state;
    expect_refusal("1,2,3\n", 6, 0, five, 1,
                   "buffer:1:6: target column 5 is out of range (the rows "
                   "have 3 columns, 0 to 2)");
    expect_refusal("1,2,3\n", 6, 0, twice, 3,
                   "buffer:1:2: target column 1 is listed twice");
    expect_refusal("1,2\n", 4, 0, both, 2,
                   "buffer:1:1: all 2 columns are targets; x needs at least "
                   "one");
    char message[128];
    snprintf(message, sizeof(message),
             "buffer:1:%zu: target column %zu is out of range (the rows "
             "have 1 columns, 0 to 0)",
             (size_t)SIZE_MAX, (size_t)SIZE_MAX);
    expect_refusal("1\n", 2, 0, huge, 1, message);
}

/* Every invalid argument: EINVAL, outputs NULL, a message naming it. */
static void test_csv_argument_errors(void **state)
{
    static const char text[] = "1,2\n";
    static const size_t first[] = {0};
    static const char bad_delimiters[] = {'"', '\n', '\r', '\0', ' ', '.',
                                          '+', '-', 'e', 'E', '0', '9'};
    char error[200];
    nnlite_csv_options o = NNLITE_CSV_OPTIONS_INIT;
    nnlite_tensor *x = NOT_NULL, *t = NOT_NULL;
    nnlite_allocator half = {test_alloc_hook, NULL, NULL};
    (void)state;
    o.error = error;
    o.error_size = sizeof(error);

    assert_int_equal(nnlite_csv_read_buffer(NULL, &t, text, 4, &o),
                     NNLITE_EINVAL);
    assert_null(t);
    assert_string_equal(error, "x is NULL");

    o.target_columns = first;
    o.target_count = 1;
    assert_int_equal(nnlite_csv_read_buffer(&x, NULL, text, 4, &o),
                     NNLITE_EINVAL);
    assert_null(x);
    assert_string_equal(error, "target is NULL, but target_count is 1");

    o.target_columns = NULL;
    x = t = NOT_NULL;
    assert_int_equal(nnlite_csv_read_buffer(&x, &t, text, 4, &o),
                     NNLITE_EINVAL);
    assert_null(x);
    assert_null(t);
    assert_string_equal(error,
                        "target_columns is NULL, but target_count is 1");
    o.target_count = 0;

    for (size_t i = 0; i < sizeof(bad_delimiters); i++) {
        o.delimiter = bad_delimiters[i];
        x = NOT_NULL;
        assert_int_equal(nnlite_csv_read_buffer(&x, &t, text, 4, &o),
                         NNLITE_EINVAL);
        assert_null(x);
        assert_contains(error, "cannot separate numbers");
    }
    o.delimiter = '.';
    (void)nnlite_csv_read_buffer(&x, &t, text, 4, &o);
    assert_string_equal(error, "delimiter 46 ('.') cannot separate numbers");
    o.delimiter = ',';

    o.allocator = &half;
    assert_int_equal(nnlite_csv_read_buffer(&x, &t, text, 4, &o),
                     NNLITE_EINVAL);
    assert_string_equal(error, "the allocator needs both alloc and free");
    o.allocator = NULL;

    o.version = 99;
    assert_int_equal(nnlite_csv_read_buffer(&x, &t, text, 4, &o),
                     NNLITE_EINVAL);
    assert_contains(error, "options version 99 is not 1");
    o.version = NNLITE_CSV_OPTIONS_VERSION;

    x = NOT_NULL;
    assert_int_equal(nnlite_csv_read_buffer(&x, &t, NULL, 4, &o),
                     NNLITE_EINVAL);
    assert_null(x);
    assert_string_equal(error, "data is NULL, but size is 4");
    /* NULL data of size 0 is an empty input. */
    assert_int_equal(nnlite_csv_read_buffer(&x, &t, NULL, 0, &o),
                     NNLITE_EFORMAT);
    assert_string_equal(error, "buffer:1:1: no data rows");

    x = NOT_NULL;
    assert_int_equal(nnlite_csv_read(&x, &t, NULL, &o), NNLITE_EINVAL);
    assert_null(x);
    assert_string_equal(error, "path is NULL");

    /* A message is cut to the buffer's size, NUL-terminated. */
    o.error_size = 8;
    (void)nnlite_csv_read_buffer(&x, &t, "z\n", 2, &o);
    assert_string_equal(error, "buffer:");
}

/* ---- files --------------------------------------------------------------- */

typedef struct files {
    char dir[64];
    char path[128];
} files;

static int files_setup(void **state)
{
    files *f = test_calloc(1, sizeof(*f));
    if (f == NULL) {
        return -1;
    }
    snprintf(f->dir, sizeof(f->dir), "/tmp/nnlite-data-XXXXXX");
    if (mkdtemp(f->dir) == NULL) {
        test_free(f);
        return -1;
    }
    snprintf(f->path, sizeof(f->path), "%s/data.csv", f->dir);
    *state = f;
    return 0;
}

static int files_teardown(void **state)
{
    files *f = *state;
    (void)unlink(f->path);
    (void)rmdir(f->dir);
    test_free(f);
    return 0;
}

static void write_file(const char *path, const char *text, size_t size)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, size, fp), size);
    assert_int_equal(fclose(fp), 0);
}

static void test_csv_file_values_and_messages(void **state)
{
    files *f = *state;
    static const size_t target[] = {0};
    static const float x[] = {2, 3, 5, 6}, t[] = {1, 4};
    char error[256], expected[300];
    nnlite_csv_options o = NNLITE_CSV_OPTIONS_INIT;
    nnlite_tensor *xx = NOT_NULL, *tt = NOT_NULL;
    o.header = 1;
    o.target_columns = target;
    o.target_count = 1;
    o.error = error;
    o.error_size = sizeof(error);

    write_file(f->path, "y,a,b\r\n1,2,3\r\n4,5,6\r\n", 21);
    assert_int_equal(nnlite_csv_read(&xx, &tt, f->path, &o), NNLITE_OK);
    assert_string_equal(error, "");
    expect_matrix(xx, 2, 2, x);
    expect_matrix(tt, 2, 1, t);
    nnlite_tensor_destroy(xx);
    nnlite_tensor_destroy(tt);

    /* Messages name the file. */
    write_file(f->path, "y,a,b\n1,2,3\n4,five,6\n", 21);
    assert_int_equal(nnlite_csv_read(&xx, &tt, f->path, &o), NNLITE_EFORMAT);
    assert_null(xx);
    assert_null(tt);
    snprintf(expected, sizeof(expected), "%s:3:2: 'five' is not a number",
             f->path);
    assert_string_equal(error, expected);
}

/* A file larger than the reader's first buffers (it doubles them). */
static void test_csv_file_large(void **state)
{
    files *f = *state;
    enum { ROWS = 3000 };
    char *text = test_malloc(ROWS * 32);
    size_t n = 0;
    nnlite_tensor *x = NULL;
    assert_non_null(text);
    for (size_t i = 0; i < ROWS; i++) {
        n += (size_t)sprintf(text + n, "%zu,%zu.25,-%zu\n", i, i, i);
    }
    write_file(f->path, text, n);
    test_free(text);
    assert_int_equal(nnlite_csv_read(&x, NULL, f->path, NULL), NNLITE_OK);
    assert_int_equal(nnlite_tensor_dim(x, 0), ROWS);
    assert_int_equal(nnlite_tensor_dim(x, 1), 3);
    for (size_t i = 0; i < ROWS; i++) {
        const float *row = nnlite_tensor_data(x) + i * 3;
        assert_same_float(row[0], (float)i);
        assert_same_float(row[1], (float)i + 0.25f);
        assert_same_float(row[2], -(float)i);
    }
    nnlite_tensor_destroy(x);

    /* Every allocation the growing buffer makes can fail (the copies of
     * a partly read file included): ENOMEM, nothing left behind. */
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    nnlite_csv_options o = NNLITE_CSV_OPTIONS_INIT;
    char error[256];
    o.allocator = &a;
    o.error = error;
    o.error_size = sizeof(error);
    assert_int_equal(nnlite_csv_read(&x, NULL, f->path, &o), NNLITE_OK);
    nnlite_tensor_destroy(x);
    const size_t total = st.calls;
    assert_true(total >= 5); /* several buffers, the place map, x */
    for (size_t k = 1; k <= total; k++) {
        st = (test_alloc_state){0};
        st.fail_at = k;
        x = NOT_NULL;
        assert_int_equal(nnlite_csv_read(&x, NULL, f->path, &o),
                         NNLITE_ENOMEM);
        assert_null(x);
        assert_int_equal(st.live, 0);
        assert_contains(error, "out of memory");
    }
}

static void test_csv_file_cannot_be_read(void **state)
{
    files *f = *state;
    char error[256], missing[160], expected[300];
    nnlite_csv_options o = NNLITE_CSV_OPTIONS_INIT;
    nnlite_tensor *x = NOT_NULL;
    o.error = error;
    o.error_size = sizeof(error);
    snprintf(missing, sizeof(missing), "%s/missing.csv", f->dir);
    assert_int_equal(nnlite_csv_read(&x, NULL, missing, &o), NNLITE_EIO);
    assert_null(x);
    snprintf(expected, sizeof(expected),
             "cannot open %s: No such file or directory", missing);
    assert_string_equal(error, expected);
    /* A directory opens but cannot be read. */
    x = NOT_NULL;
    assert_int_equal(nnlite_csv_read(&x, NULL, f->dir, &o), NNLITE_EIO);
    assert_null(x);
    snprintf(expected, sizeof(expected), "cannot read %s: Is a directory",
             f->dir);
    assert_string_equal(error, expected);
}

/* ---- allocation failures ------------------------------------------------ */

static const char walk_text[] = "h1,h2,h3\n1,2,3\n4,5,6\n";

static nnlite_status read_walk(int from_file, const char *path,
                               test_alloc_state *st, nnlite_tensor **x,
                               nnlite_tensor **t, char *error, size_t size)
{
    static const size_t target[] = {1};
    nnlite_allocator a = test_allocator(st);
    nnlite_csv_options o = NNLITE_CSV_OPTIONS_INIT;
    o.header = 1;
    o.target_columns = target;
    o.target_count = 1;
    o.allocator = &a;
    o.error = error;
    o.error_size = size;
    return from_file ? nnlite_csv_read(x, t, path, &o)
                     : nnlite_csv_read_buffer(x, t, walk_text,
                                              strlen(walk_text), &o);
}

static void test_csv_every_allocation_failure(void **state)
{
    files *f = *state;
    static const float x_values[] = {1, 3, 4, 6};
    write_file(f->path, walk_text, strlen(walk_text));
    for (int from_file = 0; from_file <= 1; from_file++) {
        test_alloc_state st = {0};
        nnlite_tensor *x, *t;
        char error[256];
        assert_int_equal(read_walk(from_file, f->path, &st, &x, &t, error,
                                   sizeof(error)),
                         NNLITE_OK);
        expect_matrix(x, 2, 2, x_values);
        nnlite_tensor_destroy(x);
        nnlite_tensor_destroy(t);
        assert_int_equal(st.live, 0);
        const size_t total = st.calls;
        /* place map, x, target; the file adds its buffer */
        assert_int_equal(total, from_file ? 4 : 3);
        for (size_t n = 1; n <= total; n++) {
            st = (test_alloc_state){0};
            st.fail_at = n;
            x = t = NOT_NULL;
            assert_int_equal(read_walk(from_file, f->path, &st, &x, &t,
                                       error, sizeof(error)),
                             NNLITE_ENOMEM);
            assert_null(x);
            assert_null(t);
            assert_int_equal(st.live, 0);
            assert_contains(error, "out of memory");
        }
    }
}

/* ---- shuffle ------------------------------------------------------------- */

enum { N = 10, W = 3 };

/* x[i] = {i, 100 + i, 200 + i}, t[i] = {i}; allocator as given. */
static void make_rows(nnlite_tensor **x, nnlite_tensor **t,
                      const nnlite_allocator *a)
{
    const size_t xs[2] = {N, W}, ts[2] = {N, 1};
    assert_int_equal(nnlite_tensor_create_advanced(x, 2, xs, a), NNLITE_OK);
    assert_int_equal(nnlite_tensor_create_advanced(t, 2, ts, a), NNLITE_OK);
    for (size_t i = 0; i < N; i++) {
        for (size_t k = 0; k < W; k++) {
            nnlite_tensor_data(*x)[i * W + k] = (float)(100 * k + i);
        }
        nnlite_tensor_data(*t)[i] = (float)i;
    }
}

/* Rows of x and t still match and form a permutation; it goes to perm. */
static void read_permutation(const nnlite_tensor *x, const nnlite_tensor *t,
                             size_t rows, size_t *perm)
{
    int seen[N] = {0};
    for (size_t r = 0; r < rows; r++) {
        const float *row = nnlite_tensor_const_data(x) + r * W;
        const size_t i = (size_t)row[0];
        assert_true(i < N);
        assert_same_float(row[1], (float)(100 + i));
        assert_same_float(row[2], (float)(200 + i));
        if (t != NULL) {
            assert_same_float(nnlite_tensor_const_data(t)[r], (float)i);
        }
        assert_int_equal(seen[i], 0);
        seen[i] = 1;
        perm[r] = i;
    }
}

static void test_shuffle_permutes_rows_together(void **state)
{
    nnlite_tensor *x, *t, *x2, *t2;
    size_t p1[N], p2[N], p3[N], expected[N];
    nnlite__rng rng;
    (void)state;
    make_rows(&x, &t, NULL);
    make_rows(&x2, &t2, NULL);
    assert_int_equal(nnlite_data_shuffle(x, t, 7), NNLITE_OK);
    read_permutation(x, t, N, p1);
    /* The documented permutation: nnlite__rng_shuffle with the seed. */
    for (size_t i = 0; i < N; i++) {
        expected[i] = i;
    }
    nnlite__rng_seed(&rng, 7);
    nnlite__rng_shuffle(&rng, expected, N);
    assert_memory_equal(p1, expected, sizeof(p1));
    /* Not the identity, and another seed gives another order. */
    size_t fixed = 0;
    for (size_t i = 0; i < N; i++) {
        fixed += p1[i] == i;
    }
    assert_true(fixed < N);
    assert_int_equal(nnlite_data_shuffle(x2, NULL, 8), NNLITE_OK);
    read_permutation(x2, NULL, N, p2);
    assert_memory_not_equal(p1, p2, sizeof(p1));
    nnlite_tensor_destroy(x2);
    nnlite_tensor_destroy(t2);
    /* The same seed again: the same order (here from a fresh copy). */
    make_rows(&x2, &t2, NULL);
    assert_int_equal(nnlite_data_shuffle(x2, t2, 7), NNLITE_OK);
    read_permutation(x2, t2, N, p3);
    assert_memory_equal(p1, p3, sizeof(p1));
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_tensor_destroy(x2);
    nnlite_tensor_destroy(t2);
}

/* A row of a rank-3 tensor is a whole [2, 2] block; one row stays. */
static void test_shuffle_rank3_and_one_row(void **state)
{
    const size_t shape[3] = {3, 2, 2};
    nnlite_tensor *x, *one;
    size_t order[3] = {0, 1, 2};
    nnlite__rng rng;
    (void)state;
    assert_int_equal(nnlite_tensor_create(&x, 3, shape), NNLITE_OK);
    for (size_t i = 0; i < 12; i++) {
        nnlite_tensor_data(x)[i] = (float)i;
    }
    assert_int_equal(nnlite_data_shuffle(x, NULL, 3), NNLITE_OK);
    nnlite__rng_seed(&rng, 3);
    nnlite__rng_shuffle(&rng, order, 3);
    for (size_t r = 0; r < 3; r++) {
        for (size_t k = 0; k < 4; k++) {
            assert_same_float(nnlite_tensor_data(x)[r * 4 + k],
                              (float)(order[r] * 4 + k));
        }
    }
    assert_int_equal(nnlite_tensor_create2d(&one, 1, 2), NNLITE_OK);
    nnlite_tensor_data(one)[1] = 9.0f;
    assert_int_equal(nnlite_data_shuffle(one, NULL, 3), NNLITE_OK);
    assert_same_float(nnlite_tensor_data(one)[1], 9.0f);
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(one);
}

static void test_shuffle_errors(void **state)
{
    nnlite_tensor *x, *t, *short_t;
    char message[64];
    size_t perm[N];
    (void)state;
    make_rows(&x, &t, NULL);
    assert_int_equal(nnlite_tensor_create2d(&short_t, 3, 1), NNLITE_OK);
    assert_int_equal(nnlite_data_shuffle(NULL, t, 1), NNLITE_EINVAL);
    assert_int_equal(nnlite_data_shuffle_check(NULL, t, message,
                                               sizeof(message)),
                     NNLITE_EINVAL);
    assert_string_equal(message, "x is NULL");
    assert_int_equal(nnlite_data_shuffle(x, short_t, 1), NNLITE_ESHAPE);
    assert_int_equal(nnlite_data_shuffle_check(x, short_t, message,
                                               sizeof(message)),
                     NNLITE_ESHAPE);
    assert_string_equal(message, "target has 3 rows, x has 10");
    /* Nothing moved. */
    read_permutation(x, t, N, perm);
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(perm[i], i);
    }
    assert_int_equal(nnlite_data_shuffle_check(x, t, message,
                                               sizeof(message)),
                     NNLITE_OK);
    assert_string_equal(message, "");
    assert_int_equal(nnlite_data_shuffle_check(x, NULL, NULL, 0), NNLITE_OK);
    /* Read-only views are refused, not written (a static const array
     * would crash on the first swap). */
    static const float fixed[4] = {1, 2, 3, 4};
    nnlite_tensor *view = NULL;
    char longer[128];
    assert_int_equal(nnlite_tensor_wrap2d_const(&view, fixed, 4, 1),
                     NNLITE_OK);
    assert_int_equal(nnlite_data_shuffle(view, NULL, 1), NNLITE_EINVAL);
    assert_int_equal(nnlite_data_shuffle_check(view, NULL, longer,
                                               sizeof(longer)),
                     NNLITE_EINVAL);
    assert_string_equal(longer, "x is a read-only view (wrap_const): its "
                                "rows cannot be shuffled in place");
    assert_int_equal(nnlite_tensor_rewrap(view, (float[4]){1, 2, 3, 4}, 4),
                     NNLITE_OK);
    nnlite_tensor *tview = NULL;
    assert_int_equal(nnlite_tensor_wrap2d_const(&tview, fixed, 4, 1),
                     NNLITE_OK);
    assert_int_equal(nnlite_data_shuffle(view, tview, 1), NNLITE_EINVAL);
    assert_int_equal(nnlite_data_shuffle_check(view, tview, longer,
                                               sizeof(longer)),
                     NNLITE_EINVAL);
    assert_non_null(strstr(longer, "target is a read-only view"));
    nnlite_tensor_destroy(view);
    nnlite_tensor_destroy(tview);
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_tensor_destroy(short_t);
}

/* ---- split --------------------------------------------------------------- */

typedef struct parts {
    nnlite_tensor *x_train, *t_train, *x_test, *t_test;
} parts;

static void destroy_parts(parts *p)
{
    nnlite_tensor_destroy(p->x_train);
    nnlite_tensor_destroy(p->t_train);
    nnlite_tensor_destroy(p->x_test);
    nnlite_tensor_destroy(p->t_test);
}

static void test_split_in_order(void **state)
{
    nnlite_tensor *x, *t;
    parts p;
    size_t perm[N];
    (void)state;
    make_rows(&x, &t, NULL);
    /* 0.3 * 10 = 3 test rows: the last three, in order. */
    assert_int_equal(nnlite_data_split(&p.x_train, &p.t_train, &p.x_test,
                                       &p.t_test, x, t, 0.3f, 0, 5),
                     NNLITE_OK);
    assert_int_equal(nnlite_tensor_dim(p.x_train, 0), 7);
    assert_int_equal(nnlite_tensor_dim(p.x_train, 1), W);
    assert_int_equal(nnlite_tensor_dim(p.t_train, 0), 7);
    assert_int_equal(nnlite_tensor_dim(p.x_test, 0), 3);
    assert_int_equal(nnlite_tensor_dim(p.t_test, 1), 1);
    read_permutation(p.x_train, p.t_train, 7, perm);
    read_permutation(p.x_test, p.t_test, 3, perm + 7);
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(perm[i], i);
    }
    destroy_parts(&p);
    /* Rounding to nearest: 0.25 * 10 = 2.5 gives 3; 0.05 * 10 gives 1. */
    assert_int_equal(nnlite_data_split(&p.x_train, &p.t_train, &p.x_test,
                                       &p.t_test, x, t, 0.25f, 0, 5),
                     NNLITE_OK);
    assert_int_equal(nnlite_tensor_dim(p.x_test, 0), 3);
    destroy_parts(&p);
    assert_int_equal(nnlite_data_split(&p.x_train, NULL, &p.x_test, NULL, x,
                                       NULL, 0.05f, 0, 5),
                     NNLITE_OK);
    assert_int_equal(nnlite_tensor_dim(p.x_train, 0), 9);
    assert_int_equal(nnlite_tensor_dim(p.x_test, 0), 1);
    assert_same_float(nnlite_tensor_data(p.x_test)[0], 9.0f);
    nnlite_tensor_destroy(p.x_train);
    nnlite_tensor_destroy(p.x_test);
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
}

static void test_split_shuffled_is_the_shuffle(void **state)
{
    nnlite_tensor *x, *t, *xs, *ts;
    parts p = {NULL, NULL, NULL, NULL};
    size_t split_perm[N], shuffle_perm[N], before[N];
    (void)state;
    make_rows(&x, &t, NULL);
    make_rows(&xs, &ts, NULL);
    assert_int_equal(nnlite_data_split(&p.x_train, &p.t_train, &p.x_test,
                                       &p.t_test, x, t, 0.4f, 1, 11),
                     NNLITE_OK);
    assert_int_equal(nnlite_tensor_dim(p.x_train, 0), 6);
    assert_int_equal(nnlite_tensor_dim(p.x_test, 0), 4);
    read_permutation(p.x_train, p.t_train, 6, split_perm);
    read_permutation(p.x_test, p.t_test, 4, split_perm + 6);
    assert_int_equal(nnlite_data_shuffle(xs, ts, 11), NNLITE_OK);
    read_permutation(xs, ts, N, shuffle_perm);
    assert_memory_equal(split_perm, shuffle_perm, sizeof(split_perm));
    /* The inputs are untouched. */
    read_permutation(x, t, N, before);
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(before[i], i);
    }
    destroy_parts(&p);
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_tensor_destroy(xs);
    nnlite_tensor_destroy(ts);
}

/* split and its check twin agree on every invalid argument. */
static void expect_split_refusal(const nnlite_tensor *x,
                                 const nnlite_tensor *t, float fraction,
                                 nnlite_status status, const char *message)
{
    parts p = {NOT_NULL, NOT_NULL, NOT_NULL, NOT_NULL};
    char got[128];
    assert_int_equal(nnlite_data_split(&p.x_train, &p.t_train, &p.x_test,
                                       &p.t_test, x, t, fraction, 1, 3),
                     status);
    assert_null(p.x_train);
    assert_null(p.t_train);
    assert_null(p.x_test);
    assert_null(p.t_test);
    assert_int_equal(nnlite_data_split_check(x, t, fraction, 1, 3, got,
                                             sizeof(got)),
                     status);
    assert_string_equal(got, message);
}

static void test_split_errors(void **state)
{
    nnlite_tensor *x, *t, *short_t;
    parts p = {NOT_NULL, NOT_NULL, NOT_NULL, NOT_NULL};
    char got[64];
    (void)state;
    make_rows(&x, &t, NULL);
    assert_int_equal(nnlite_tensor_create2d(&short_t, 9, 1), NNLITE_OK);
    expect_split_refusal(NULL, t, 0.5f, NNLITE_EINVAL, "x is NULL");
    expect_split_refusal(x, short_t, 0.5f, NNLITE_ESHAPE,
                         "target has 9 rows, x has 10");
    expect_split_refusal(x, t, 0.0f, NNLITE_EINVAL,
                         "test_fraction 0 is outside (0, 1)");
    expect_split_refusal(x, t, 1.0f, NNLITE_EINVAL,
                         "test_fraction 1 is outside (0, 1)");
    expect_split_refusal(x, t, -0.25f, NNLITE_EINVAL,
                         "test_fraction -0.25 is outside (0, 1)");
    expect_split_refusal(x, t, 1.5f, NNLITE_EINVAL,
                         "test_fraction 1.5 is outside (0, 1)");
    expect_split_refusal(x, t, NAN, NNLITE_EINVAL,
                         "test_fraction nan is outside (0, 1)");
    expect_split_refusal(x, t, 0.04f, NNLITE_EINVAL,
                         "test_fraction 0.04 of 10 rows leaves no test row");
    expect_split_refusal(x, t, 0.96f, NNLITE_EINVAL,
                         "test_fraction 0.96 of 10 rows leaves no training "
                         "row");
    /* Valid arguments: "" and OK. */
    assert_int_equal(nnlite_data_split_check(x, t, 0.5f, 0, 0, got,
                                             sizeof(got)),
                     NNLITE_OK);
    assert_string_equal(got, "");
    /* NULL out-parameters (the twin cannot see them). */
    assert_int_equal(nnlite_data_split(NULL, &p.t_train, &p.x_test, &p.t_test,
                                       x, t, 0.5f, 1, 3),
                     NNLITE_EINVAL);
    assert_null(p.t_train);
    assert_null(p.x_test);
    assert_null(p.t_test);
    p.x_train = NOT_NULL;
    assert_int_equal(nnlite_data_split(&p.x_train, NULL, &p.x_test, NULL, x,
                                       t, 0.5f, 1, 3),
                     NNLITE_EINVAL);
    assert_null(p.x_train);
    assert_int_equal(nnlite_data_split(&p.x_train, NULL, NULL, NULL, x, NULL,
                                       0.5f, 1, 3),
                     NNLITE_EINVAL);
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_tensor_destroy(short_t);
}

/* The parts are made with the inputs' allocator; any failure leaves none. */
static void test_split_every_allocation_failure(void **state)
{
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    nnlite_tensor *x, *t;
    parts p;
    (void)state;
    make_rows(&x, &t, &a);
    const size_t before = st.calls;
    assert_int_equal(nnlite_data_split(&p.x_train, &p.t_train, &p.x_test,
                                       &p.t_test, x, t, 0.5f, 1, 1),
                     NNLITE_OK);
    assert_int_equal(st.calls - before, 4);
    destroy_parts(&p);
    for (size_t n = 1; n <= 4; n++) {
        p = (parts){NOT_NULL, NOT_NULL, NOT_NULL, NOT_NULL};
        st.fail_at = st.calls + n;
        assert_int_equal(nnlite_data_split(&p.x_train, &p.t_train, &p.x_test,
                                           &p.t_test, x, t, 0.5f, 1, 1),
                         NNLITE_ENOMEM);
        assert_null(p.x_train);
        assert_null(p.t_train);
        assert_null(p.x_test);
        assert_null(p.t_test);
        assert_int_equal(st.live, 2); /* x and t only */
    }
    st.fail_at = 0;
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    assert_int_equal(st.live, 0);
}

int main(void)
{
#define F(name)                                                               \
    cmocka_unit_test_setup_teardown(name, files_setup, files_teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_number_decimal_forms),
        cmocka_unit_test(test_number_rounds_correctly),
        cmocka_unit_test(test_number_long_digits_and_exponent),
        cmocka_unit_test(test_number_refusals),
        cmocka_unit_test(test_csv_plain_rows_and_targets),
        cmocka_unit_test(test_csv_every_accepted_form),
        cmocka_unit_test(test_csv_blank_tail_delimiters_and_one_column),
        cmocka_unit_test(test_csv_refuses_bad_fields),
        cmocka_unit_test(test_csv_refuses_bad_structure),
        cmocka_unit_test(test_csv_refuses_bad_target_columns),
        cmocka_unit_test(test_csv_argument_errors),
        F(test_csv_file_values_and_messages),
        F(test_csv_file_large),
        F(test_csv_file_cannot_be_read),
        F(test_csv_every_allocation_failure),
        cmocka_unit_test(test_shuffle_permutes_rows_together),
        cmocka_unit_test(test_shuffle_rank3_and_one_row),
        cmocka_unit_test(test_shuffle_errors),
        cmocka_unit_test(test_split_in_order),
        cmocka_unit_test(test_split_shuffled_is_the_shuffle),
        cmocka_unit_test(test_split_errors),
        cmocka_unit_test(test_split_every_allocation_failure),
    };
#undef F
    return cmocka_run_group_tests_name("data", tests, NULL, NULL);
}
