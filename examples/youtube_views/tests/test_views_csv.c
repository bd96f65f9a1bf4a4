/*
 * test_views_csv: the CSV reader accepts what real exports look like and
 * rejects malformed files naming the right line; single missing days
 * are filled, longer gaps found and the windows that would span them
 * skipped; the periods are split as windows.h says.
 *
 * Usage: test_views_csv TESTDATA_DIR. Plain C (no CMocka), so the examples
 * suite runs wherever the examples build.
 */
#include <stdio.h>
#include <string.h>

#include "dates.h"
#include "gaps.h"
#include "views_csv.h"
#include "windows.h"

static int failures;

#define CHECK(condition)                                                      \
    do {                                                                      \
        if (!(condition)) {                                                   \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                    #condition);                                              \
            failures++;                                                       \
        }                                                                     \
    } while (0)

static const char *data_dir;

static int read_named(views_series *s, const char *name, char *error,
                      size_t error_size)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", data_dir, name);
    return views_csv_read(s, path, error, error_size);
}

static long day_of(const char *text)
{
    long day = 0;
    date_parse(text, strlen(text), &day);
    return day;
}

/* Every accepted file holds 2021-01-01..03 with 1200, 1350, 980 views
 * (quoted.csv: 1200.5 on the first day). */
static void check_accepted(const char *name, double first_views)
{
    views_series s;
    char error[256] = "";
    int result = read_named(&s, name, error, sizeof error);
    if (result != 0) {
        fprintf(stderr, "%s rejected: %s\n", name, error);
    }
    CHECK(result == 0);
    CHECK(s.count == 3);
    if (s.count == 3) {
        CHECK(s.days[0] == day_of("2021-01-01"));
        CHECK(s.days[2] == day_of("2021-01-03"));
        CHECK(s.views[0] == first_views);
        CHECK(s.views[1] == 1350.0);
        CHECK(s.views[2] == 980.0);
    }
    CHECK(strcmp(s.name, "views") == 0 || strcmp(s.name, "Views") == 0 ||
          strcmp(s.name, "VIEWS") == 0);
    CHECK(views_series_missing_days(&s) == 0);
    views_series_free(&s);
}

/* The file is rejected with "name:line:" and `words` in the message. */
static void check_rejected(const char *name, long line, const char *words)
{
    views_series s;
    char error[256] = "", where[128];
    int result = read_named(&s, name, error, sizeof error);
    if (line > 0) {
        snprintf(where, sizeof where, "%s:%ld: ", name, line);
    } else {
        snprintf(where, sizeof where, "%s: ", name);
    }
    CHECK(result == -1);
    if (!strstr(error, where) || !strstr(error, words)) {
        fprintf(stderr, "%s: expected \"%s...%s\", got \"%s\"\n", name,
                where, words, error);
        failures++;
    }
    CHECK(s.count == 0);
    views_series_free(&s);
}

static void test_accepts_exports(void)
{
    check_accepted("studio.csv", 1200.0);
    check_accepted("bom_crlf_upper.csv", 1200.0);
    check_accepted("quoted.csv", 1200.5);
    check_accepted("no_header_blank_tail.csv", 1200.0);
}

/* The same bytes from memory, so the BOM and CRLF are surely there even
 * if a checkout converted the line ends of the file. */
static void test_accepts_bom_and_crlf_in_memory(void)
{
    static const char text[] = "\xEF\xBB\xBF\"Date\",\"Views\"\r\n"
                               "2021-01-01,1200\r\n2021-01-02,\"1350\"\r\n"
                               "2021-01-03,980\r\n\r\n";
    views_series s;
    char error[256] = "";
    CHECK(views_csv_parse(&s, text, sizeof text - 1, "memory", error,
                          sizeof error) == 0);
    CHECK(s.count == 3);
    CHECK(s.count == 3 && s.views[1] == 1350.0);
    views_series_free(&s);
}

/* A NUL byte inside the views would cut a NUL-terminated copy short:
 * "12<NUL>5" must be rejected, not read as 12. */
static void test_rejects_nul_in_views(void)
{
    static const char text[] = "Date,Views\n2021-01-01,12\0" "5\n";
    views_series s;
    char error[256] = "";
    CHECK(views_csv_parse(&s, text, sizeof text - 1, "memory", error,
                          sizeof error) == -1);
    CHECK(strstr(error, "memory:2: ") != NULL);
    CHECK(s.count == 0);
    views_series_free(&s);
}

static void test_rejects_malformed_lines(void)
{
    check_rejected("bad_day.csv", 3, "no such day");
    check_rejected("bad_date_format.csv", 2, "bad date");
    check_rejected("not_a_number.csv", 4, "not a number");
    check_rejected("negative.csv", 3, "negative");
    check_rejected("nan.csv", 2, "NaN");
    check_rejected("missing_column.csv", 3, "missing column");
    check_rejected("empty_value.csv", 3, "views missing");
    check_rejected("duplicate.csv", 4, "duplicate date");
    check_rejected("out_of_order.csv", 4, "must increase");
    check_rejected("blank_inside.csv", 3, "blank line");
    check_rejected("unbalanced_quote.csv", 2, "quotes");
    check_rejected("empty.csv", 0, "no data");
    check_rejected("header_only.csv", 0, "no data");
    check_rejected("no_such_file.csv", 0, "");
}

/* gaps.csv: 2021-03-01..10, then 13..20 (11 and 12 missing). */
static void test_finds_gaps_and_skips_windows(void)
{
    views_series s;
    char error[256] = "";
    CHECK(read_named(&s, "gaps.csv", error, sizeof error) == 0);
    CHECK(s.count == 18);
    CHECK(views_series_missing_days(&s) == 2);

    /* With 3 days of history, Mar 4..10 and Mar 16..20 can be predicted;
     * Mar 13, 14 and 15 would need Mar 11 or 12. */
    split sp = {day_of("2021-03-08"), day_of("2021-03-16"), 0};
    sample_split samples;
    CHECK(windows_make(&samples, &s, NULL, 2, 3, &sp) == 0);
    CHECK(samples.skipped == 3);
    CHECK(samples.training.count == 7);
    CHECK(samples.fit_count == 4); /* Mar 4..7 */
    CHECK(samples.test.count == 5);
    if (samples.test.count == 5) {
        CHECK(samples.test.day[0] == day_of("2021-03-16"));
        CHECK(samples.test.row[0] == 13); /* Mar 16 is row 13 */
        CHECK(samples.test.views[0] == 1016.0);
    }
    sample_split_free(&samples);
    views_series_free(&s);
}

/* A single missing day is filled with its neighbours' mean and never
 * predicted; a two-day gap stays and skips the windows over it. */
static void test_fills_single_missing_days(void)
{
    static const char text[] = "Date,Clicks\n2021-03-01,100\n"
                               "2021-03-02,200\n2021-03-04,400\n"
                               "2021-03-05,500\n2021-03-08,800\n"
                               "2021-03-09,900\n2021-03-10,1000\n";
    views_series s;
    filled_series f;
    char error[256] = "";
    CHECK(views_csv_parse(&s, text, sizeof text - 1, "memory", error,
                          sizeof error) == 0);
    CHECK(strcmp(s.name, "Clicks") == 0);
    CHECK(gaps_fill_single_days(&f, &s) == 0);
    CHECK(f.filled_count == 1);
    CHECK(f.series.count == 8);
    if (f.series.count == 8) {
        CHECK(f.series.days[2] == day_of("2021-03-03"));
        CHECK(f.series.views[2] == 300.0);
        CHECK(f.filled[2] == 1 && f.filled[1] == 0 && f.filled[3] == 0);
        CHECK(views_series_missing_days(&f.series) == 2);
        CHECK(strcmp(f.series.name, "Clicks") == 0);
    }
    /* 2 days of history: Mar 3 is filled (not a target), Mar 4 and 5
     * are predicted over it, Mar 8 and 9 need Mar 6 or 7. */
    split sp = {day_of("2021-03-05"), day_of("2021-03-10"), 0};
    sample_split samples;
    CHECK(windows_make(&samples, &f.series, f.filled, 1, 2, &sp) == 0);
    CHECK(samples.training.count == 2);
    CHECK(samples.fit_count == 1);
    CHECK(samples.skipped == 2);
    CHECK(samples.test.count == 1); /* Mar 10 */
    sample_split_free(&samples);
    filled_series_free(&f);
    views_series_free(&s);
}

/* The validation period: the last 365 training days, or the last 20%
 * of them when the training days span less than two years. */
static void test_validation_period(void)
{
    static const char text[] = "2017-01-01,1\n2018-06-01,2\n"
                               "2021-01-01,3\n";
    views_series s;
    split sp;
    char error[256] = "";
    CHECK(views_csv_parse(&s, text, sizeof text - 1, "memory", error,
                          sizeof error) == 0);
    CHECK(strcmp(s.name, "views") == 0); /* no header */
    CHECK(windows_choose_split(&sp, &s, day_of("2021-01-01"), error,
                               sizeof error) == 0);
    CHECK(sp.validation_from == day_of("2020-01-02")); /* 2020: leap */
    CHECK(windows_choose_split(&sp, &s, day_of("2018-07-01"), error,
                               sizeof error) == 0);
    /* 2 training days: the last 20% is the last one */
    CHECK(sp.validation_from == day_of("2018-06-01"));
    views_series_free(&s);
}

static void test_split_falls_back_to_last_fifth(void)
{
    views_series s;
    char error[256] = "";
    split sp;
    CHECK(read_named(&s, "gaps.csv", error, sizeof error) == 0);
    CHECK(windows_choose_split(&sp, &s, day_of("2022-01-01"), error,
                               sizeof error) == 0);
    CHECK(sp.fell_back == 1);
    /* 18 days: the last 4 (ceil of 20%) are Mar 17..20. */
    CHECK(sp.test_from == day_of("2021-03-17"));
    CHECK(windows_choose_split(&sp, &s, day_of("2021-03-05"), error,
                               sizeof error) == 0);
    CHECK(sp.fell_back == 0);
    CHECK(windows_choose_split(&sp, &s, day_of("2021-03-01"), error,
                               sizeof error) == -1);
    views_series_free(&s);
}

static void test_dates_round_trip(void)
{
    char text[DATE_TEXT_SIZE];
    long day = 0;
    CHECK(date_parse("1970-01-01", 10, &day) == DATE_OK && day == 0);
    CHECK(date_parse("2020-02-29", 10, &day) == DATE_OK);
    date_format(day, text);
    CHECK(strcmp(text, "2020-02-29") == 0);
    CHECK(date_parse("2021-02-29", 10, &day) == DATE_NO_SUCH_DAY);
    CHECK(date_parse("2021-13-01", 10, &day) == DATE_NO_SUCH_DAY);
    CHECK(date_parse("2021-1-01", 9, &day) == DATE_BAD_FORMAT);
    CHECK(day_of("2021-01-01") - day_of("2017-01-01") == 1461);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s TESTDATA_DIR\n", argv[0]);
        return 2;
    }
    data_dir = argv[1];
    test_dates_round_trip();
    test_accepts_exports();
    test_accepts_bom_and_crlf_in_memory();
    test_rejects_malformed_lines();
    test_rejects_nul_in_views();
    test_finds_gaps_and_skips_windows();
    test_split_falls_back_to_last_fifth();
    test_fills_single_missing_days();
    test_validation_period();
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("all CSV reader checks passed\n");
    return 0;
}
