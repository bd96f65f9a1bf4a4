/*
 * test_views_csv: the CSV reader accepts what real exports look like and
 * rejects malformed files naming the right line; gaps in a series are
 * found and the windows that would span them skipped.
 *
 * Usage: test_views_csv TESTDATA_DIR. Plain C (no CMocka), so the examples
 * suite runs wherever the examples build.
 */
#include <stdio.h>
#include <string.h>

#include "dates.h"
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
    normaliser norm = {1000.0, 10.0};
    window_set train, test;
    size_t skipped = 0;
    CHECK(windows_make(&train, &test, &skipped, &s, 2, 3,
                       day_of("2021-03-16"), &norm) == 0);
    CHECK(skipped == 3);
    CHECK(train.count == 7);
    CHECK(test.count == 5);
    if (test.count == 5) {
        CHECK(test.day[0] == day_of("2021-03-16"));
        /* features: the 2 days before, oldest first, normalised */
        CHECK(test.x[0] == 1.4f && test.x[1] == 1.5f); /* Mar 14, 15 */
        CHECK(test.views[0] == 1016.0);
    }
    window_set_free(&train);
    window_set_free(&test);
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
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("all CSV reader checks passed\n");
    return 0;
}
