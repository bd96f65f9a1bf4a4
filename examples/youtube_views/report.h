/*
 * report: the study's results as a table on a stream and as CSV, and the
 * figures to hold against the lecture's.
 */
#ifndef YOUTUBE_VIEWS_REPORT_H
#define YOUTUBE_VIEWS_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "models.h"
#include "lecture.h"
#include "study.h"

/*
 * Print each model's transform, epochs, train, validation and test MAE
 * (means over the seeds, and the test MAE's standard deviation) and the
 * lecture's beside them. Ours are divided by `unit` (1000 prints them in
 * k, as the lecture does; 1 in the data's own units), the lecture's are
 * always in k. A '*' marks the models chosen on the validation period.
 */
void report_print_table(FILE *out, const model_spec *specs,
                        const model_summary *results, size_t count,
                        const int *chosen, double unit);

/* The figures to hold against the lecture's, with the lecture's. */
void report_print_lecture(FILE *out, const lecture_figures *f,
                          double unit);

/*
 * Write `model,train_mae,validation_mae,test_mae,test_days` and one line
 * per model (means over the seeds), in the data's own units.
 * @return 0; -1 when the file cannot be written (errno set).
 */
int report_write_csv(const char *path, const model_spec *specs,
                     const model_summary *results, size_t count,
                     size_t test_days);

#endif /* YOUTUBE_VIEWS_REPORT_H */
