/*
 * generate_views: writes channel_views.csv, five years (2017-01-01 to
 * 2021-12-31) of simulated daily views of a university course channel, in
 * the format of a YouTube Studio export (Totals.csv: `Date,Views`).
 *
 * Why simulated: the lecture's channel data is not public. The simulation
 * has the features the lecture points at, with parameters chosen for
 * plausibility before any model was trained on it (never tuned to make a
 * model look good):
 *
 *   views = level(date) * term(date) * weekday(date) * new_year(date)
 *           * noise + video spikes
 *
 * - level: the channel grows, 2000 views a day in January 2017 to 5300 at
 *   the end of 2021, fastest in 2020 (lectures moved online); linear
 *   between yearly anchors.
 * - term: semesters run mid-February to June and mid-September to
 *   mid-January; views drop to 70% in the winter break and to 62% in the
 *   summer, with a bump before finals; linear ramps between anchor dates.
 * - weekday: students watch less on Fridays (88%) and Saturdays (85%), as
 *   the lecture observes, a little more early in the week.
 * - new_year: Lunar New Year's Eve drops to 45%, New Year's Day to 65%, the
 *   day after to 85% (dates hard-coded for 2017-2021).
 * - noise: multiplicative, roughly normal with a standard deviation of 6%
 *   (a sum of four uniform draws).
 * - video spikes: in term time most weeks bring a new lecture video on a
 *   random Monday to Thursday, adding 30-120% of the day's level that
 *   decays by 45% a day; on any day, with probability 1/150, a video goes
 *   viral: 100-300% of the level, decaying by 25% a day.
 *
 * Determinism: the only randomness is splitmix64 with a fixed seed, and all
 * arithmetic is on 64-bit integers (factors in per mille), so every machine
 * and compiler writes the same bytes. The examples test suite regenerates
 * the file and compares it byte for byte with the shipped copy.
 *
 * Usage: generate_views [FILE]   (stdout when FILE is omitted)
 */
#include <stdint.h>
#include <stdio.h>

#define SEED 20210226u /* the day ML 2021's first lecture went online */
#define FIRST_YEAR 2017
#define LAST_YEAR 2021

/* splitmix64 (Steele, Lea, Flood 2014): tiny, and fully specified. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* Uniform in [0, n): the top 32 bits scaled, no modulo bias to speak of. */
static int64_t random_below(uint64_t *state, uint32_t n)
{
    return (int64_t)(((next_random(state) >> 32) * n) >> 32);
}

/* Uniform in [lo, hi]. */
static int64_t random_between(uint64_t *state, int64_t lo, int64_t hi)
{
    return lo + random_below(state, (uint32_t)(hi - lo + 1));
}

/* x * permille / 1000, rounded half away from zero for x >= 0. */
static int64_t scale(int64_t x, int64_t permille)
{
    return (x * permille + 500) / 1000;
}

typedef struct date {
    int year, month, day;
} date;

static int is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

static date next_date(date d)
{
    if (++d.day > days_in_month(d.year, d.month)) {
        d.day = 1;
        if (++d.month > 12) {
            d.month = 1;
            d.year++;
        }
    }
    return d;
}

/* Day of the year, 0-based, counted as in a non-leap year (Feb 29 shares
 * Mar 1's number): seasons follow the calendar, not the day count. */
static int day_of_year(date d)
{
    int n = 0;
    for (int m = 1; m < d.month; m++) {
        n += days_in_month(2017, m);
    }
    return n + d.day - 1;
}

/* Linear interpolation between integer anchors (x ascending). */
static int64_t interpolate(const int64_t (*anchors)[2], size_t n, int64_t x)
{
    for (size_t i = 1; i < n; i++) {
        if (x <= anchors[i][0]) {
            int64_t x0 = anchors[i - 1][0], y0 = anchors[i - 1][1];
            int64_t x1 = anchors[i][0], y1 = anchors[i][1];
            return y0 + ((y1 - y0) * (x - x0) * 2 + (x1 - x0)) /
                            (2 * (x1 - x0));
        }
    }
    return anchors[n - 1][1];
}

/* Views a day without seasons, on each January 1st (day index, views). */
static int64_t level(int64_t day_index)
{
    static const int64_t anchors[][2] = {
        {0, 2000},    /* 2017-01-01 */
        {365, 2500},  /* 2018 */
        {730, 3000},  /* 2019 */
        {1095, 3700}, /* 2020 */
        {1461, 4800}, /* 2021 */
        {1826, 5300}, /* 2022 */
    };
    return interpolate(anchors, sizeof anchors / sizeof anchors[0],
                       day_index);
}

/* Term time vs. breaks, per mille, by day of the year. */
static int64_t term(date d)
{
    static const int64_t anchors[][2] = {
        {0, 1000},   /* Jan 1: end of the autumn semester */
        {11, 1080},  /* Jan 12: revising for finals */
        {21, 700},   /* Jan 22: winter break */
        {44, 700},   /* Feb 14 */
        {54, 1000},  /* Feb 24: spring semester */
        {160, 1050}, /* Jun 10: finals */
        {175, 800},  /* Jun 25 */
        {190, 620},  /* Jul 10: summer break */
        {242, 620},  /* Aug 31 */
        {256, 1000}, /* Sep 14: autumn semester */
        {364, 1000}, /* Dec 31 */
    };
    return interpolate(anchors, sizeof anchors / sizeof anchors[0],
                       day_of_year(d));
}

/* Per mille by day of the week, 0 = Sunday. */
static int64_t weekday_factor(int weekday)
{
    static const int64_t factors[7] = {1020, 1080, 1070, 1060,
                                       1010, 880,  850};
    return factors[weekday];
}

/* Lunar New Year's Eve of each year. */
static const date new_year_eves[] = {
    {2017, 1, 27}, {2018, 2, 15}, {2019, 2, 4}, {2020, 1, 24}, {2021, 2, 11},
};

static int same_date(date a, date b)
{
    return a.year == b.year && a.month == b.month && a.day == b.day;
}

/* Per mille on the eve and the two days after it. */
static int64_t new_year_factor(date d)
{
    static const int64_t factors[3] = {450, 650, 850};
    size_t n = sizeof new_year_eves / sizeof new_year_eves[0];
    for (size_t i = 0; i < n; i++) {
        date e = new_year_eves[i];
        for (int k = 0; k < 3; k++, e = next_date(e)) {
            if (same_date(d, e)) {
                return factors[k];
            }
        }
    }
    return 1000;
}

/* About N(1000, 60): four uniform draws have a standard deviation of
 * 1000 * sqrt(4 / 12) = 577, scaled by 60 / 577 = 0.104. */
static int64_t noise_factor(uint64_t *rng)
{
    int64_t sum = 0;
    for (int i = 0; i < 4; i++) {
        sum += random_below(rng, 1001);
    }
    return 1000 + (sum - 2000) * 104 / 1000;
}

/* Video spikes: what is still watched of earlier uploads. */
typedef struct spikes {
    int64_t lecture;     /* extra views from new lecture videos */
    int64_t viral;       /* extra views from a video that went viral */
    int release_weekday; /* this week's upload day, or -1 for none */
} spikes;

/* Decay yesterday's spikes, then add today's new ones. */
static int64_t spike_views(spikes *s, uint64_t *rng, int weekday,
                           int64_t base, int in_term)
{
    s->lecture = scale(s->lecture, 550);
    s->viral = scale(s->viral, 750);
    /* Draw every number every day, so one choice never shifts the rest. */
    int64_t week_has_video = random_below(rng, 100) < 85;
    int64_t upload_day = random_between(rng, 1, 4); /* Monday-Thursday */
    int64_t lecture_size = random_between(rng, 300, 1200);
    int64_t goes_viral = random_below(rng, 150) == 0;
    int64_t viral_size = random_between(rng, 1000, 3000);
    if (weekday == 1) {
        s->release_weekday =
            in_term && week_has_video ? (int)upload_day : -1;
    }
    if (weekday == s->release_weekday) {
        s->lecture += scale(base, lecture_size);
    }
    if (goes_viral) {
        s->viral += scale(base, viral_size);
    }
    return s->lecture + s->viral;
}

static int write_series(FILE *out)
{
    uint64_t rng = SEED;
    spikes s = {0, 0, -1};
    date d = {FIRST_YEAR, 1, 1};
    int weekday = 0; /* 2017-01-01 was a Sunday */
    if (fprintf(out, "Date,Views\n") < 0) {
        return -1;
    }
    for (int64_t i = 0; d.year <= LAST_YEAR; i++) {
        int64_t t = term(d);
        int64_t base = scale(level(i), t);
        int64_t v = scale(base, weekday_factor(weekday));
        v = scale(v, new_year_factor(d));
        v = scale(v, noise_factor(&rng));
        v += spike_views(&s, &rng, weekday, base, t >= 950);
        if (fprintf(out, "%04d-%02d-%02d,%lld\n", d.year, d.month, d.day,
                    (long long)(v > 0 ? v : 0)) < 0) {
            return -1;
        }
        d = next_date(d);
        weekday = (weekday + 1) % 7;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 2) {
        fprintf(stderr, "usage: %s [FILE]\n", argv[0]);
        return 2;
    }
    FILE *out = argc == 2 ? fopen(argv[1], "wb") : stdout;
    if (!out) {
        perror(argv[1]);
        return 1;
    }
    int failed = write_series(out) != 0;
    if (argc == 2) {
        failed |= fclose(out) != 0;
    } else {
        failed |= fflush(out) != 0;
    }
    if (failed) {
        perror(argc == 2 ? argv[1] : "stdout");
        return 1;
    }
    return 0;
}
