/*
 * report: the study's results as a table on a stream and as CSV.
 */
#ifndef YOUTUBE_VIEWS_REPORT_H
#define YOUTUBE_VIEWS_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "models.h"

/*
 * Print model, epochs, our train and test MAE and the lecture's beside
 * them. Ours are divided by `unit` (1000 prints them in k, as the lecture
 * does; 1 in the data's own units), the lecture's are always in k.
 */
void report_print_table(FILE *out, const model_spec *specs,
                        const model_result *results, size_t count,
                        double unit);

/* Print the 1-day model's w and b and the 7-day model's weights. */
void report_print_linear(FILE *out, const model_result *one_day,
                         const model_result *seven_days, double unit);

/*
 * Write `model,train_mae,test_mae` and one line per model, in the data's
 * own units. @return 0; -1 when the file cannot be written (errno set).
 */
int report_write_csv(const char *path, const model_spec *specs,
                     const model_result *results, size_t count);

#endif /* YOUTUBE_VIEWS_REPORT_H */
