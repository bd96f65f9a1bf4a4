/* libFuzzer harness: digits_csv_parse (examples/digits) on arbitrary
 * bytes. Any input must give rows that keep the reader's promises (pixels
 * in [0, 1] in steps of 1/16, labels whole digits 0..9) or an error with a
 * message and an empty data set; never a crash, a leak or an out-of-bounds
 * access (ASan/UBSan watch). */
#include "digits_csv.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Crash on purpose when an invariant breaks: that is how a fuzzer
 * reports a finding. */
static void require(int ok)
{
    if (!ok) {
        abort();
    }
}

/* A whole number lo..hi, stored exactly in a float. */
static int is_whole(float value, int lo, int hi)
{
    return value >= (float)lo && value <= (float)hi &&
           value == (float)(int)value;
}

static void check_rows(const digits_data *d)
{
    require(d->rows <= d->capacity);
    require(d->rows == 0 || (d->pixels != NULL && d->labels != NULL));
    for (size_t row = 0; row < d->rows; row++) {
        const float *pixels = d->pixels + row * DIGITS_PIXELS;
        for (size_t i = 0; i < DIGITS_PIXELS; i++) {
            require(is_whole(pixels[i] * (float)DIGITS_PIXEL_MAX, 0,
                             DIGITS_PIXEL_MAX));
        }
        require(is_whole(d->labels[row], 0, DIGITS_CLASSES - 1));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char message[256] = "";
    digits_data d;
    if (digits_csv_parse(&d, (const char *)data, size, "fuzz.csv", message,
                         sizeof message) == 0) {
        check_rows(&d);
    } else {
        require(message[0] != '\0');
        require(d.rows == 0 && d.pixels == NULL && d.labels == NULL);
    }
    digits_data_free(&d);
    return 0;
}
