/*
 * options: a hand-rolled parser (getopt is POSIX, not C11): each option
 * that takes a value reads the next argument.
 */
#include "options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"

void options_print_help(const char *program, const char *default_csv)
{
    printf(
        "usage: %s [options]\n"
        "\n"
        "The case study of Hung-yi Lee's ML 2021 lecture 1: predict\n"
        "tomorrow's views of a YouTube channel from the days before, with\n"
        "linear models on 1, 7, 28 and 56 days, one hidden layer of\n"
        "sigmoids or ReLUs, and 1 to 4 layers of 100 ReLUs, all trained by\n"
        "mini-batch gradient descent on the mean absolute error.\n"
        "\n"
        "options:\n"
        "  --csv FILE        daily views: a YouTube Studio Totals.csv, or\n"
        "                    any CSV of date (YYYY-MM-DD) and number\n"
        "                    (default: %s)\n"
        "  --test-from DATE  train on the days before DATE, test on the\n"
        "                    rest (default 2021-01-01; the last 20%% of\n"
        "                    days when the series ends before DATE)\n"
        "  --report FILE     also write the results as CSV\n"
        "                    (model,train_mae,test_mae)\n"
        "  --plots DIR       write SVG charts into DIR (which must exist)\n"
        "  --epochs N        train every model N epochs (default 40)\n"
        "  --quick           one epoch for every network, for tests\n"
        "  --check           exit with status 1 unless the 7-day linear\n"
        "                    model beats the 1-day one on the test days\n"
        "                    and every model beats predicting the mean\n"
        "  --help            show this text\n",
        program, default_csv);
}

/* The value after option argv[*i], or NULL (with a message). */
static const char *take_value(int argc, char **argv, int *i, char *error,
                              size_t error_size)
{
    if (*i + 1 >= argc) {
        snprintf(error, error_size, "%s needs a value", argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

static int parse_epochs(const char *text, size_t *epochs)
{
    char *end = NULL;
    unsigned long n = strtoul(text, &end, 10);
    if (end == text || *end != '\0' || n == 0 || n > 100000 ||
        text[0] == '-') {
        return -1;
    }
    *epochs = (size_t)n;
    return 0;
}

/* Parse option argv[*i] (and its value). */
static int parse_one(options *o, int argc, char **argv, int *i, char *error,
                     size_t error_size)
{
    const char *arg = argv[*i], *value = NULL;
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
        o->help = 1;
        return 0;
    }
    if (strcmp(arg, "--quick") == 0 || strcmp(arg, "--check") == 0) {
        *(arg[2] == 'q' ? &o->quick : &o->check) = 1;
        return 0;
    }
    int known = strcmp(arg, "--csv") == 0 || strcmp(arg, "--report") == 0 ||
                strcmp(arg, "--plots") == 0 ||
                strcmp(arg, "--test-from") == 0 ||
                strcmp(arg, "--epochs") == 0;
    if (!known) {
        snprintf(error, error_size, "unknown option '%s' (try --help)", arg);
        return -1;
    }
    if (!(value = take_value(argc, argv, i, error, error_size))) {
        return -1;
    }
    if (strcmp(arg, "--csv") == 0) {
        o->csv = value;
    } else if (strcmp(arg, "--report") == 0) {
        o->report = value;
    } else if (strcmp(arg, "--plots") == 0) {
        o->plots = value;
    } else if (strcmp(arg, "--epochs") == 0) {
        if (parse_epochs(value, &o->epochs) != 0) {
            snprintf(error, error_size, "--epochs: '%s' is not a count "
                     "from 1 to 100000", value);
            return -1;
        }
    } else if (date_parse(value, strlen(value), &o->test_from) != DATE_OK) {
        snprintf(error, error_size, "--test-from: '%s' is not a date "
                 "(YYYY-MM-DD)", value);
        return -1;
    }
    return 0;
}

int options_parse(options *out, int argc, char **argv,
                  const char *default_csv, char *error, size_t error_size)
{
    memset(out, 0, sizeof *out);
    out->csv = default_csv;
    date_parse("2021-01-01", 10, &out->test_from);
    for (int i = 1; i < argc; i++) {
        if (parse_one(out, argc, argv, &i, error, error_size) != 0) {
            return -1;
        }
    }
    return 0;
}
