/*
 * report: fixed-width text for people, plain CSV for programs. Numbers in
 * the CSV keep more digits than the table, so tests can compare them.
 */
#include "report.h"

#include <math.h>

/* One MAE cell: "0.48k" (`decimals` 2), "482.3", or "-" when there is
 * no number. */
static void print_cell(FILE *out, double value, double unit, int width,
                       int decimals)
{
    char cell[32];
    if (isnan(value)) {
        snprintf(cell, sizeof cell, "-");
    } else if (unit == 1000.0) {
        snprintf(cell, sizeof cell, "%.*fk", decimals, value / unit);
    } else {
        snprintf(cell, sizeof cell, "%.4g", value / unit);
    }
    fprintf(out, " %*s", width, cell);
}

static void print_mae(FILE *out, double value, double unit, int width)
{
    print_cell(out, value, unit, width, 2);
}

void report_print_table(FILE *out, const model_spec *specs,
                        const model_summary *results, size_t count,
                        const int *chosen, double unit)
{
    fprintf(out, "%-14s %-24s %-5s %6s   %-23s %6s | %s\n", "", "", "", "",
            "ours (MAE, seed mean)", "", "lecture");
    fprintf(out, "%-14s %-24s %-5s %6s %7s %7s %7s %6s | %6s %6s\n",
            "model", "description", "input", "epochs", "train", "valid",
            "test", "sd", "train", "2021");
    for (size_t i = 0; i < count; i++) {
        const model_summary *r = &results[i];
        int trained = r->best_epoch.mean > 0; /* baselines are not */
        if (r->skipped) {
            fprintf(out, "%-14s %-24s (left out by --quick)\n",
                    specs[i].name, specs[i].label);
            continue;
        }
        fprintf(out, "%-13s%c %-24s %-5s", specs[i].name,
                chosen[i] ? '*' : ' ', specs[i].label,
                trained ? transform_name(r->transform) : "raw");
        if (trained) {
            fprintf(out, " %6.0f", r->best_epoch.mean);
        } else {
            fprintf(out, " %6s", "-");
        }
        print_mae(out, r->train.mean, unit, 7);
        print_mae(out, r->validation.mean, unit, 7);
        print_mae(out, r->test.mean, unit, 7);
        /* a spread is small: one more decimal */
        print_cell(out, trained ? r->test.sd : (double)NAN, unit, 6, 3);
        fprintf(out, " |");
        /* The lecture's numbers are in thousands of views. */
        print_mae(out, specs[i].lecture_train * 1000.0, 1000.0, 6);
        print_mae(out, specs[i].lecture_test * 1000.0, 1000.0, 6);
        fprintf(out, "\n");
    }
}

static void print_views(FILE *out, double views, double unit)
{
    if (unit == 1000.0) {
        fprintf(out, "%.2fk", views / unit);
    } else {
        fprintf(out, "%.4g", views);
    }
}

void report_print_lecture(FILE *out, const lecture_figures *f, double unit)
{
    static const char *const days[7] = {"Sun", "Mon", "Tue", "Wed",
                                        "Thu", "Fri", "Sat"};
    fprintf(out, "1-day fit (exact LAD): y = b + w x1 with w = %.3f, b = ",
            f->one_day[0]);
    print_views(out, f->one_day[1], unit);
    fprintf(out, "   (lecture: w = 0.97, b = 0.10k)\n");
    fprintf(out, "test MAE / train MAE: linear-1d %.2f, linear-56d %.2f   "
            "(lecture: 1.21 and 1.44)\n", f->ratio_1d, f->ratio_56d);
    fprintf(out, "7-day fit (exact LAD), weights from 1 day before to 7 "
            "days before:\n  ");
    /* seven_days[] runs oldest first; the lecture counts back from
     * yesterday. */
    for (size_t j = 7; j-- > 0;) {
        fprintf(out, " %.3f", f->seven_days[j]);
    }
    fprintf(out, "\nweekly profile of the training days (views / centred "
            "7-day mean):\n  ");
    for (size_t d = 0; d < 7; d++) {
        fprintf(out, " %s %.2f", days[d], f->weekday[d]);
    }
    fprintf(out, "\n   (lecture: Fridays and Saturdays are the low days)\n");
}

int report_write_csv(const char *path, const model_spec *specs,
                     const model_summary *results, size_t count,
                     size_t test_days)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        return -1;
    }
    int failed =
        fprintf(f, "model,train_mae,validation_mae,test_mae,test_days\n") < 0;
    for (size_t i = 0; i < count && !failed; i++) {
        if (results[i].skipped) {
            continue;
        }
        failed = fprintf(f, "%s,%.6g,%.6g,%.6g,%zu\n", specs[i].name,
                         results[i].train.mean, results[i].validation.mean,
                         results[i].test.mean, test_days) < 0;
    }
    failed |= fclose(f) != 0;
    return failed ? -1 : 0;
}
