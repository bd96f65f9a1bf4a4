/*
 * gaps: one pass; a day is missing alone when the next row is exactly two
 * days later.
 */
#include "gaps.h"

#include <stdlib.h>
#include <string.h>

static int reserve(filled_series *out, size_t count)
{
    out->series.days = malloc(count * sizeof *out->series.days);
    out->series.views = malloc(count * sizeof *out->series.views);
    out->filled = malloc(count);
    return out->series.days && out->series.views && out->filled ? 0 : -1;
}

static void append(filled_series *out, long day, double views, int filled)
{
    size_t n = out->series.count++;
    out->series.days[n] = day;
    out->series.views[n] = views;
    out->filled[n] = (unsigned char)filled;
    out->filled_count += (size_t)filled;
}

int gaps_fill_single_days(filled_series *out, const views_series *in)
{
    memset(out, 0, sizeof *out);
    memcpy(out->series.name, in->name, sizeof in->name);
    /* At most one day is added after each row but the last. */
    if (reserve(out, 2 * in->count) != 0) {
        filled_series_free(out);
        return -1;
    }
    for (size_t i = 0; i < in->count; i++) {
        append(out, in->days[i], in->views[i], 0);
        if (i + 1 < in->count && in->days[i + 1] - in->days[i] == 2) {
            double mean = (in->views[i] + in->views[i + 1]) / 2.0;
            append(out, in->days[i] + 1, mean, 1);
        }
    }
    return 0;
}

void filled_series_free(filled_series *s)
{
    if (!s) {
        return;
    }
    views_series_free(&s->series);
    free(s->filled);
    memset(s, 0, sizeof *s);
}
