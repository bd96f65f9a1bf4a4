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
        "Every model is fitted on the training days before the last year\n"
        "(the validation period), stops early when its validation MAE no\n"
        "longer improves, and is refitted on all training days for the\n"
        "epochs it chose. The pictured and reported \"chosen\" models are\n"
        "those with the lowest validation MAE; the test period is never\n"
        "used to choose anything.\n"
        "\n"
        "options:\n"
        "  --csv FILE        daily views: a YouTube Studio Totals.csv, or\n"
        "                    any CSV of date (YYYY-MM-DD) and number\n"
        "                    (default: %s)\n"
        "  --test-from DATE  train on the days before DATE, test on the\n"
        "                    rest (default 2021-01-01; the last 20%% of\n"
        "                    days when the series ends before DATE)\n"
        "  --seeds N         train every model with N seeds and report the\n"
        "                    mean and standard deviation (default 1)\n"
        "  --transform T     what the models see: scale (views scaled with\n"
        "                    the training days' mean and deviation), log\n"
        "                    (log1p(views) minus the window's mean) or auto\n"
        "                    (default: each model tries both and keeps the\n"
        "                    one with the lower validation MAE)\n"
        "  --epochs N        at most N epochs per model (default 200)\n"
        "  --report FILE     also write the results as CSV (model,\n"
        "                    train_mae,validation_mae,test_mae,test_days)\n"
        "  --plots DIR       write SVG charts into DIR (which must exist)\n"
        "  --quick           for tests: a few epochs, one for networks;\n"
        "                    networks over 10,000 parameters are left out\n"
        "  --check           exit with status 1 unless the 7-day linear\n"
        "                    model beats the 1-day one on the test days,\n"
        "                    every model beats predicting the mean, no\n"
        "                    prediction is negative and the 1-day fit's\n"
        "                    weight is near 1\n"
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

/* A count from 1 to `most`. */
static int parse_count(const char *text, size_t most, size_t *count)
{
    char *end = NULL;
    unsigned long n = strtoul(text, &end, 10);
    if (end == text || *end != '\0' || n == 0 || n > most ||
        text[0] == '-') {
        return -1;
    }
    *count = (size_t)n;
    return 0;
}

static int parse_transform(const char *text, int *transform)
{
    static const char *const names[] = {"scale", "log", "auto"};
    for (int i = 0; i < 3; i++) {
        if (strcmp(text, names[i]) == 0) {
            *transform = i < 2 ? i : -1; /* as transform_kind */
            return 0;
        }
    }
    return -1;
}

/* The value of a counting or naming option; 0 when it is fine. */
static int parse_setting(options *o, const char *arg, const char *value,
                         char *error, size_t error_size)
{
    if (strcmp(arg, "--epochs") == 0 &&
        parse_count(value, 100000, &o->epochs) != 0) {
        snprintf(error, error_size, "--epochs: '%s' is not a count from 1 "
                 "to 100000", value);
        return -1;
    }
    if (strcmp(arg, "--seeds") == 0 &&
        parse_count(value, 100, &o->seeds) != 0) {
        snprintf(error, error_size, "--seeds: '%s' is not a count from 1 "
                 "to 100", value);
        return -1;
    }
    if (strcmp(arg, "--transform") == 0 &&
        parse_transform(value, &o->transform) != 0) {
        snprintf(error, error_size, "--transform: '%s' is not scale, log "
                 "or auto", value);
        return -1;
    }
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
                strcmp(arg, "--epochs") == 0 ||
                strcmp(arg, "--seeds") == 0 ||
                strcmp(arg, "--transform") == 0;
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
    } else if (strcmp(arg, "--test-from") != 0) {
        return parse_setting(o, arg, value, error, error_size);
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
    out->seeds = 1;
    out->transform = -1;
    date_parse("2021-01-01", 10, &out->test_from);
    for (int i = 1; i < argc; i++) {
        if (parse_one(out, argc, argv, &i, error, error_size) != 0) {
            return -1;
        }
    }
    return 0;
}
