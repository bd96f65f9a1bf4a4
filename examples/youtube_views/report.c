/*
 * report: fixed-width text for people, plain CSV for programs. Numbers in
 * the CSV keep more digits than the table, so tests can compare them.
 */
#include "report.h"

#include <math.h>

/* One MAE cell: "0.48k", "482.3", or "-" when there is no number. */
static void print_mae(FILE *out, double value, double unit)
{
    char cell[32];
    if (isnan(value)) {
        snprintf(cell, sizeof cell, "-");
    } else if (unit == 1000.0) {
        snprintf(cell, sizeof cell, "%.2fk", value / unit);
    } else {
        snprintf(cell, sizeof cell, "%.4g", value / unit);
    }
    fprintf(out, " %8s", cell);
}

void report_print_table(FILE *out, const model_spec *specs,
                        const model_result *results, size_t count,
                        double unit)
{
    fprintf(out, "%-13s %-24s %6s   %-17s | %s\n", "", "", "",
            "ours (MAE)", "lecture (MAE)");
    fprintf(out, "%-13s %-24s %6s %8s %8s | %8s %8s\n", "model",
            "description", "epochs", "train", "test", "train", "2021");
    for (size_t i = 0; i < count; i++) {
        fprintf(out, "%-13s %-24s %6zu", specs[i].name, specs[i].label,
                results[i].epochs);
        print_mae(out, results[i].train_mae, unit);
        print_mae(out, results[i].test_mae, unit);
        fprintf(out, " |");
        /* The lecture's numbers are in thousands of views. */
        print_mae(out, specs[i].lecture_train * 1000.0, 1000.0);
        print_mae(out, specs[i].lecture_test * 1000.0, 1000.0);
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

void report_print_linear(FILE *out, const model_result *one_day,
                         const model_result *seven_days, double unit)
{
    if (one_day->weights) {
        fprintf(out, "1-day model: y = b + w x1 with w = %.3f, b = ",
                one_day->weights[0]);
        print_views(out, one_day->bias, unit);
        fprintf(out, "   (lecture: w = 0.97, b = 0.10k)\n");
    }
    if (seven_days->weights) {
        fprintf(out, "7-day model: b = ");
        print_views(out, seven_days->bias, unit);
        fprintf(out, ", weights from 1 day before to 7 days before:\n  ");
        /* weights[] runs oldest first; the lecture counts back from
         * yesterday. */
        for (size_t j = 7; j-- > 0;) {
            fprintf(out, " %.3f", seven_days->weights[j]);
        }
        fprintf(out, "\n");
    }
}

int report_write_csv(const char *path, const model_spec *specs,
                     const model_result *results, size_t count)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        return -1;
    }
    int failed = fprintf(f, "model,train_mae,test_mae\n") < 0;
    for (size_t i = 0; i < count && !failed; i++) {
        failed = fprintf(f, "%s,%.6g,%.6g\n", specs[i].name,
                         results[i].train_mae, results[i].test_mae) < 0;
    }
    failed |= fclose(f) != 0;
    return failed ? -1 : 0;
}
