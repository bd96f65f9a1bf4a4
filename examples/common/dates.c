/*
 * dates: conversions between YYYY-MM-DD and day numbers, after Howard
 * Hinnant's days_from_civil / civil_from_days ("chrono-Compatible Low-Level
 * Date Algorithms"). Counting years from March makes February, the month
 * of variable length, the last of the year, so a day's offset within the
 * "year" needs no leap-year test.
 */
#include "dates.h"

static int is_leap(long year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static long days_in_month(long year, long month)
{
    static const long days[12] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

/* Days since 1970-01-01 of a valid date (year >= 1). */
static long days_from_civil(long y, long m, long d)
{
    y -= m <= 2;
    long era = y / 400; /* y >= 0 here, so no rounding toward zero issue */
    long yoe = y - era * 400;                               /* [0, 399] */
    long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;       /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

/* Reads `n` decimal digits; -1 if any is not a digit. */
static long read_digits(const char *text, size_t n)
{
    long value = 0;
    for (size_t i = 0; i < n; i++) {
        if (text[i] < '0' || text[i] > '9') {
            return -1;
        }
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

/* Writes the last `n` decimal digits of `value` (>= 0), zero-padded. */
static void write_digits(char *text, long value, size_t n)
{
    for (size_t i = n; i-- > 0; value /= 10) {
        text[i] = (char)('0' + value % 10);
    }
}

date_parse_result date_parse(const char *text, size_t length, long *day)
{
    if (length != 10 || text[4] != '-' || text[7] != '-') {
        return DATE_BAD_FORMAT;
    }
    long y = read_digits(text, 4);
    long m = read_digits(text + 5, 2);
    long d = read_digits(text + 8, 2);
    if (y < 0 || m < 0 || d < 0) {
        return DATE_BAD_FORMAT;
    }
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) {
        return DATE_NO_SUCH_DAY;
    }
    *day = days_from_civil(y, m, d);
    return DATE_OK;
}

void date_format(long day, char text[DATE_TEXT_SIZE])
{
    long z = day + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;                        /* [0, 146096] */
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100); /* [0, 365] */
    long mp = (5 * doy + 2) / 153;                      /* [0, 11] */
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp < 10 ? mp + 3 : mp - 9;
    long y = yoe + era * 400 + (m <= 2);
    write_digits(text, (y % 10000 + 10000) % 10000, 4);
    text[4] = '-';
    write_digits(text + 5, m, 2);
    text[7] = '-';
    write_digits(text + 8, d, 2);
    text[10] = '\0';
}
