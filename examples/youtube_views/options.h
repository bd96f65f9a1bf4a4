/*
 * options: the command line of youtube_views.
 */
#ifndef YOUTUBE_VIEWS_OPTIONS_H
#define YOUTUBE_VIEWS_OPTIONS_H

#include <stddef.h>

typedef struct options {
    const char *csv;     /* the series to study */
    long test_from;      /* first test day (day number, dates.h) */
    const char *report;  /* --report FILE, or NULL */
    const char *plots;   /* --plots DIR, or NULL */
    int quick;           /* --quick: few epochs, for tests */
    int check;           /* --check: exit non-zero when sanity checks fail */
    size_t epochs;       /* --epochs N: most epochs; 0 for the default */
    size_t seeds;        /* --seeds N: seeds per model, >= 1 */
    int transform;       /* --transform: a transform_kind, -1 for auto */
    int help;            /* --help was given */
} options;

/*
 * Parse argv into `out`, starting from the defaults (`default_csv`,
 * testing from 2021-01-01, one seed, the transform chosen on validation).
 * @return 0; -1 with a message in `error` for an unknown option, a missing
 *         or bad value.
 */
int options_parse(options *out, int argc, char **argv,
                  const char *default_csv, char *error, size_t error_size);

/* Print the usage text to `out`. */
void options_print_help(const char *program, const char *default_csv);

#endif /* YOUTUBE_VIEWS_OPTIONS_H */
