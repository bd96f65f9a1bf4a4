/* libFuzzer harness: views_csv_parse (examples/common) on arbitrary bytes.
 * Any input must give a series that keeps the reader's promises (at least
 * one day, days strictly increasing, views finite and >= 0) or an error
 * with a message and an empty series; never a crash, a leak or an
 * out-of-bounds access (ASan/UBSan watch). */
#include "views_csv.h"

#include <math.h>
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

static void check_series(const views_series *s)
{
    require(s->count >= 1 && s->days != NULL && s->views != NULL);
    for (size_t i = 0; i < s->count; i++) {
        require(isfinite(s->views[i]) && s->views[i] >= 0.0);
        require(i == 0 || s->days[i] > s->days[i - 1]);
    }
    require(views_series_missing_days(s) >= 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char message[256] = "";
    views_series s;
    if (views_csv_parse(&s, (const char *)data, size, "fuzz.csv", message,
                        sizeof message) == 0) {
        check_series(&s);
    } else {
        require(message[0] != '\0');
        require(s.count == 0 && s.days == NULL && s.views == NULL);
    }
    views_series_free(&s);
    return 0;
}
