/*
 * generate_views: writes channel_views.csv, five years (2017-01-01 to
 * 2021-12-31) of simulated daily views of a university course channel, in
 * the format of a YouTube Studio export (Totals.csv: `Date,Views`).
 *
 * Why simulated: the lecture's channel data is not public. The simulation
 * is built from what is known about how a course channel gets its views,
 * and its parameters were fixed and written down here, with their
 * reasons, before any model ran on it (never tuned afterwards):
 *
 *   views = catalogue(t) * growth(t) * weekday * term * holiday * noise
 *
 * - catalogue: the channel is a catalogue of videos, each watched most on
 *   its first days and then for years (lecture videos stay useful). A
 *   video of appeal A gets A * k(a) views at age a days, with the
 *   long-tailed decay k(a) = 3 * 0.5^a + 1 * 0.95^a + 0.15 * 0.998^a:
 *   a burst of about 2 days (the subscribers' notifications), a month of
 *   students catching up, and an evergreen tail of about 500 days (search
 *   and recommendations). Of a video's lifetime views about 4% come on its
 *   first day and 20% in its first month: typical of tutorial content,
 *   whose views are mostly long-tail. Because every video shares k, the
 *   catalogue is three sums, each decaying by its own rate every day.
 * - appeal: log-normal, median 150 (views on the first day, before the
 *   other factors, are A * 4.15), log standard deviation 0.8: a few videos
 *   in each term are watched several times as much as the median one.
 * - uploads: on the course's lecture day, Friday (ML 2021 was taught on
 *   Fridays), in the weeks of the spring (Feb 24 - Jun 10) and autumn
 *   (Sep 14 - Jan 12) semesters; 1 to 3 videos a lecture (ML 2021 put up
 *   about 2 a week), and no lecture in 15% of the weeks (holidays,
 *   exams).
 * - the catalogue on 2017-01-01: the channel already had years of
 *   lectures, so its evergreen sum starts at 15 median appeals (about the
 *   level 60 uploads a year settle at) and its one-month sum at 3.
 * - growth: the audience grows as a smooth random walk in log space: its
 *   daily rate drifts around ln(1.10) / 365 (10% a year: the channel
 *   grows more slowly than its catalogue) as an AR(1) with coefficient
 *   0.99 (trends last months) and innovations of standard deviation
 *   0.0001 (so a year ends about 20% above or below the drift).
 * - weekday: students watch less on Fridays (88%) and Saturdays (85%), as
 *   the lecture observes, a little more early in the week.
 * - term: semesters vs. breaks: 70% in the winter break, 62% in summer, a
 *   bump before finals; linear ramps between anchor dates.
 * - holidays: Lunar New Year's Eve 45%, the two days after it 65% and
 *   85% (dates hard-coded for 2017-2021).
 * - noise: log-normal and autocorrelated, as a day's events spill into the
 *   next: log noise is AR(1) with coefficient 0.5 and innovations of
 *   standard deviation 0.043, so about 5% on any one day.
 *
 * Determinism: the only randomness is splitmix64 with a fixed seed, and all
 * arithmetic is on 64-bit integers (exp() in fixed point, below), so every
 * machine and compiler writes the same bytes. The examples test suite
 * regenerates the file and compares it byte for byte with the shipped copy.
 *
 * Usage: generate_views [FILE]   (stdout when FILE is omitted)
 */
#include <stdint.h>
#include <stdio.h>

#define SEED 20210226u /* the day ML 2021's first lecture went online */
#define FIRST_YEAR 2017
#define LAST_YEAR 2021

/* Fixed point: NANO is 1.0 for logarithms, PPM for factors. */
#define NANO INT64_C(1000000000)
#define PPM INT64_C(1000000)

/* ---- the parameters (see the top comment for their reasons) ---- */
#define LECTURE_WEEKDAY 5         /* Friday (0 = Sunday) */
#define SKIPPED_LECTURES_PCT 15   /* weeks without a lecture */
#define MIN_VIDEOS 1              /* videos per lecture */
#define MAX_VIDEOS 3
#define MEDIAN_APPEAL 150         /* views per unit of k(a) */
#define APPEAL_LOG_SD 800000000   /* nano: 0.8 */
#define GROWTH_DRIFT 261129       /* nano per day: ln(1.10) / 365 */
#define GROWTH_AR 990000          /* ppm: 0.99 */
#define GROWTH_SD 100000          /* nano: 0.0001 */
#define NOISE_AR 500000           /* ppm: 0.5 */
#define NOISE_SD 43000000         /* nano: 0.043 */

/* k(a) as three exponentials: weight and daily factor, in ppm. */
static const int64_t decay_weight[3] = {3000000, 1000000, 150000};
static const int64_t decay_factor[3] = {500000, 950000, 998000};
/* The catalogue's sums on the first day, in median appeals. */
static const int64_t first_catalogue[3] = {0, 3, 15};

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

/* About N(0, 1) in nano: twelve uniform draws have variance 1. */
static int64_t random_normal(uint64_t *state)
{
    int64_t sum = 0;
    for (int i = 0; i < 12; i++) {
        sum += random_below(state, 1000000);
    }
    return (sum - 6000000) * 1000;
}

/* x * ppm / 1e6, rounded to nearest (ties away from zero). */
static int64_t scale(int64_t x, int64_t ppm)
{
    int64_t p = x * ppm;
    return (p >= 0 ? p + PPM / 2 : p - PPM / 2) / PPM;
}

/* exp(x) in ppm for x in nano, |x| < 20: x = k ln 2 + r with |r| <= 0.35,
 * exp(r) by its Taylor series (14 terms: error far below 1 ppm), times
 * 2^k. Integers only, so the same on every machine. */
static int64_t exp_ppm(int64_t x)
{
    const int64_t ln2 = 693147181;
    int64_t k = (x >= 0 ? x + ln2 / 2 : x - ln2 / 2) / ln2;
    int64_t r = x - k * ln2, sum = NANO, term = NANO;
    for (int64_t n = 1; n <= 14; n++) {
        term = term * r / NANO / n;
        sum += term;
    }
    sum = k >= 0 ? sum << k : sum >> -k;
    return (sum + 500) / 1000;
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

/* Lectures run in the semesters: Feb 24 - Jun 10, Sep 14 - Jan 12. */
static int in_semester(date d)
{
    int n = day_of_year(d);
    return n <= 11 || (n >= 54 && n <= 160) || n >= 256;
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

/* Everything that carries over from one day to the next. */
typedef struct channel {
    int64_t catalogue[3]; /* views today from each part of k, milli */
    int64_t growth;       /* log of the audience's size, nano */
    int64_t growth_rate;  /* its change per day, nano */
    int64_t noise;        /* today's log noise, nano */
} channel;

/* Age the catalogue by a day, then add today's uploads. Every random
 * number is drawn every day, so one choice never shifts the rest. */
static void update_catalogue(channel *c, uint64_t *rng, date d,
                             int weekday)
{
    int lecture = random_below(rng, 100) >= SKIPPED_LECTURES_PCT;
    int64_t videos = random_between(rng, MIN_VIDEOS, MAX_VIDEOS);
    int64_t appeal = 0; /* milli-views per unit of k */
    for (int64_t i = 0; i < MAX_VIDEOS; i++) {
        int64_t log_size = scale(random_normal(rng), APPEAL_LOG_SD / 1000);
        if (i < videos) {
            appeal += MEDIAN_APPEAL * exp_ppm(log_size) / 1000;
        }
    }
    int uploads = weekday == LECTURE_WEEKDAY && in_semester(d) && lecture;
    for (int j = 0; j < 3; j++) {
        c->catalogue[j] = scale(c->catalogue[j], decay_factor[j]);
        if (uploads) {
            c->catalogue[j] += scale(appeal, decay_weight[j]);
        }
    }
}

/* One step of the audience's smooth random walk and of the noise. */
static void update_random_walks(channel *c, uint64_t *rng)
{
    int64_t rate_shock = scale(random_normal(rng), GROWTH_SD / 1000);
    int64_t noise_shock = scale(random_normal(rng), NOISE_SD / 1000);
    c->growth_rate = GROWTH_DRIFT +
                     scale(c->growth_rate - GROWTH_DRIFT, GROWTH_AR) +
                     rate_shock;
    c->growth += c->growth_rate;
    c->noise = scale(c->noise, NOISE_AR) + noise_shock;
}

static int64_t views_today(const channel *c, date d, int weekday)
{
    int64_t v = c->catalogue[0] + c->catalogue[1] + c->catalogue[2];
    v = scale(v, exp_ppm(c->growth));
    v = scale(v, term(d) * 1000);
    v = scale(v, weekday_factor(weekday) * 1000);
    v = scale(v, new_year_factor(d) * 1000);
    v = scale(v, exp_ppm(c->noise));
    return (v + 500) / 1000; /* milli-views to views */
}

static int write_series(FILE *out)
{
    uint64_t rng = SEED;
    channel c = {{0, 0, 0}, 0, GROWTH_DRIFT, 0};
    for (int j = 0; j < 3; j++) {
        c.catalogue[j] = first_catalogue[j] * MEDIAN_APPEAL * 1000;
    }
    date d = {FIRST_YEAR, 1, 1};
    int weekday = 0; /* 2017-01-01 was a Sunday */
    if (fprintf(out, "Date,Views\n") < 0) {
        return -1;
    }
    while (d.year <= LAST_YEAR) {
        update_catalogue(&c, &rng, d, weekday);
        update_random_walks(&c, &rng);
        int64_t v = views_today(&c, d, weekday);
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
