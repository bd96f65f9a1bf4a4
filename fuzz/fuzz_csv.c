/* libFuzzer harness: nnlite_csv_read_buffer on arbitrary bytes, read four
 * ways (no header and no target; a header and target 0; semicolons; tabs
 * with targets 1 and 0), so the seeds stay plain CSV files. Every read
 * must give tensors of the promised shapes holding only finite floats, or
 * NNLITE_EFORMAT with a "buffer:LINE:COLUMN: " message and no tensors;
 * never a crash, a leak or an out-of-bounds access (ASan/UBSan watch).
 * The same bytes read with and without a header differ by one row when
 * both succeed. */
#include <nnlite/nnlite.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Crash on purpose when an invariant breaks: that is how a fuzzer
 * reports a finding. */
static void require(int ok)
{
    if (!ok) {
        abort();
    }
}

static void require_finite(const nnlite_tensor *t)
{
    const float *v = nnlite_tensor_const_data(t);
    for (size_t i = 0; i < nnlite_tensor_size(t); i++) {
        require(isfinite(v[i]));
    }
}

/* Read once; the row count, or 0 when the input was refused. */
static size_t read_as(const uint8_t *data, size_t size, int header,
                      char delimiter, const size_t *targets, size_t count)
{
    char error[256] = "stale";
    nnlite_tensor *x = NULL, *t = NULL;
    nnlite_csv_options o = NNLITE_CSV_OPTIONS_INIT;
    size_t rows = 0;
    o.header = header;
    o.delimiter = delimiter;
    o.target_columns = targets;
    o.target_count = count;
    o.error = error;
    o.error_size = sizeof(error);
    nnlite_status s = nnlite_csv_read_buffer(&x, &t, data, size, &o);
    if (s == NNLITE_OK) {
        rows = nnlite_tensor_dim(x, 0);
        require(error[0] == '\0');
        require(nnlite_tensor_rank(x) == 2 && rows >= 1 &&
                nnlite_tensor_dim(x, 1) >= 1);
        require_finite(x);
        if (count == 0) {
            require(t == NULL);
        } else {
            require(nnlite_tensor_rank(t) == 2 &&
                    nnlite_tensor_dim(t, 0) == rows &&
                    nnlite_tensor_dim(t, 1) == count);
            require_finite(t);
        }
    } else {
        require(s == NNLITE_EFORMAT);
        require(x == NULL && t == NULL);
        require(strncmp(error, "buffer:", 7) == 0 && strlen(error) > 10);
    }
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    return rows;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t first[] = {0}, two[] = {1, 0};
    const size_t plain = read_as(data, size, 0, ',', NULL, 0);
    const size_t headed = read_as(data, size, 1, ',', first, 1);
    if (plain != 0 && headed != 0) {
        require(plain == headed + 1);
    }
    (void)read_as(data, size, 1, ';', NULL, 0);
    (void)read_as(data, size, 0, '\t', two, 2);
    return 0;
}
