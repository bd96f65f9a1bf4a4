/*
 * dates: ISO calendar dates (YYYY-MM-DD) as day numbers, so that "the next
 * day" is n + 1 and a gap in a series is a jump of more than one.
 */
#ifndef EXAMPLES_DATES_H
#define EXAMPLES_DATES_H

#include <stddef.h>

/* Characters in "YYYY-MM-DD" plus the terminating NUL. */
#define DATE_TEXT_SIZE 11

/* The outcome of date_parse(). */
typedef enum date_parse_result {
    DATE_OK = 0,
    DATE_BAD_FORMAT = -1, /* not YYYY-MM-DD */
    DATE_NO_SUCH_DAY = -2 /* well formed, but e.g. 2021-02-30 */
} date_parse_result;

/*
 * Parse exactly `length` characters of `text` as YYYY-MM-DD (years 1-9999,
 * the proleptic Gregorian calendar). On success *day is the number of days
 * since 1970-01-01 (negative before it); untouched otherwise.
 */
date_parse_result date_parse(const char *text, size_t length, long *day);

/* Write day number `day` as "YYYY-MM-DD" into `text`. */
void date_format(long day, char text[DATE_TEXT_SIZE]);

#endif /* EXAMPLES_DATES_H */
