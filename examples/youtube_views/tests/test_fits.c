/*
 * test_fits: the closed-form fits against independent answers: least
 * squares recovers an exact line, the LAD fit matches a brute-force
 * search over every vertex (every line or plane through p + 1 points,
 * where an LAD optimum lies) and proves it with its bound, outliers do
 * not move it; the transforms encode and decode back, never below 0.
 *
 * Plain C (no CMocka), as test_views_csv.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lad.h"
#include "least_squares.h"
#include "transform.h"

static int failures;

#define CHECK(condition)                                                      \
    do {                                                                      \
        if (!(condition)) {                                                   \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                    #condition);                                              \
            failures++;                                                       \
        }                                                                     \
    } while (0)

/* A fixed pseudo-random sequence in [0, 1). */
static double next_uniform(uint64_t *state)
{
    *state = *state * 6364136223846793005u + 1442695040888963407u;
    return (double)(*state >> 11) / 9007199254740992.0;
}

static void test_least_squares_recovers_exact_plane(void)
{
    double x[2 * 10], y[10], coef[3];
    uint64_t state = 1;
    for (size_t i = 0; i < 10; i++) {
        x[2 * i] = next_uniform(&state) * 10.0;
        x[2 * i + 1] = next_uniform(&state) * 10.0;
        y[i] = 3.0 + 2.0 * x[2 * i] - x[2 * i + 1];
    }
    CHECK(least_squares_fit(coef, x, y, NULL, 10, 2, 0.0) == 0);
    CHECK(fabs(coef[0] - 2.0) < 1e-9 && fabs(coef[1] + 1.0) < 1e-9);
    CHECK(fabs(coef[2] - 3.0) < 1e-9);
}

static double sum_abs(const double *coef, const double *x, const double *y,
                      size_t n, size_t p)
{
    double total = 0.0;
    for (size_t i = 0; i < n; i++) {
        double f = coef[p];
        for (size_t j = 0; j < p; j++) {
            f += coef[j] * x[i * p + j];
        }
        total += fabs(y[i] - f);
    }
    return total;
}

/* The best fit through any p + 1 of the points (p = 1 or 2). */
static double brute_force(const double *x, const double *y, size_t n,
                          size_t p)
{
    double best = HUGE_VAL;
    size_t idx[3];
    for (idx[0] = 0; idx[0] < n; idx[0]++) {
        for (idx[1] = idx[0] + 1; idx[1] < n; idx[1]++) {
            for (idx[2] = p == 2 ? idx[1] + 1 : 0;
                 idx[2] < (p == 2 ? n : 1); idx[2]++) {
                double a[9], b[3];
                for (size_t k = 0; k <= p; k++) {
                    for (size_t j = 0; j < p; j++) {
                        a[k * (p + 1) + j] = x[idx[k] * p + j];
                    }
                    a[k * (p + 1) + p] = 1.0;
                    b[k] = y[idx[k]];
                }
                if (linear_solve(a, b, p + 1) == 0) {
                    best = fmin(best, sum_abs(b, x, y, n, p));
                }
            }
        }
    }
    return best;
}

static void test_lad_matches_brute_force(void)
{
    for (size_t p = 1; p <= 2; p++) {
        double x[2 * 25], y[25], coef[3];
        uint64_t state = 7 + p;
        for (size_t i = 0; i < 25; i++) {
            for (size_t j = 0; j < p; j++) {
                x[i * p + j] = next_uniform(&state) * 100.0;
            }
            /* heavy-tailed noise: a cube of a uniform */
            double e = next_uniform(&state) - 0.5;
            y[i] = 5.0 + 0.5 * x[i * p] + 400.0 * e * e * e;
        }
        lad_certificate cert;
        CHECK(lad_fit(coef, &cert, x, y, 25, p) == 0);
        double best = brute_force(x, y, 25, p);
        double ours = sum_abs(coef, x, y, 25, p);
        CHECK(fabs(ours - best) <= 1e-9 * best);
        CHECK(fabs(cert.objective - ours) <= 1e-9 * best);
        CHECK(cert.lower_bound <= best * (1.0 + 1e-9));
        CHECK(cert.lower_bound >= best * (1.0 - 1e-9));
    }
}

static void test_lad_ignores_outliers(void)
{
    double x[20], y[20], coef[2];
    lad_certificate cert;
    for (size_t i = 0; i < 20; i++) {
        x[i] = (double)i;
        y[i] = 1.0 + 2.0 * x[i] + (i % 7 == 3 ? 1000.0 : 0.0);
    }
    CHECK(lad_fit(coef, &cert, x, y, 20, 1) == 0);
    CHECK(fabs(coef[0] - 2.0) < 1e-9 && fabs(coef[1] - 1.0) < 1e-9);
    CHECK(fabs(cert.objective - 3000.0) < 1e-6);
}

static void test_transforms_round_trip(void)
{
    long days[4] = {0, 1, 2, 3};
    double views[4] = {100.0, 300.0, 200.0, 400.0};
    views_series s = {4, days, views, "views"};
    size_t row = 3;
    window_set set = {3, 1, &row, &days[3], &views[3]};
    transform t;
    encoded_set e;
    char error[128];
    CHECK(transform_fit(&t, TRANSFORM_SCALE, &s, 3, error,
                        sizeof error) == 0);
    CHECK(fabs(t.mean - 200.0) < 1e-12);
    CHECK(fabs(t.std - sqrt(20000.0 / 3.0)) < 1e-9);
    CHECK(transform_encode(&e, &t, &s, &set) == 0);
    CHECK(fabs((double)e.x[0] - (100.0 - 200.0) / t.std) < 1e-6);
    CHECK(fabs(transform_decode(&t, (double)e.y[0], e.offset[0]) - 400.0) <
          1e-3);
    CHECK(transform_decode(&t, -1e6, 0.0) == 0.0);
    encoded_set_free(&e);

    t.kind = TRANSFORM_LOG;
    CHECK(transform_encode(&e, &t, &s, &set) == 0);
    double m = (log1p(100.0) + log1p(300.0) + log1p(200.0)) / 3.0;
    CHECK(fabs(e.offset[0] - m) < 1e-12);
    CHECK(fabs((double)e.x[1] - (log1p(300.0) - m)) < 1e-6);
    CHECK(fabs((double)e.y[0] - (log1p(400.0) - m)) < 1e-6);
    CHECK(fabs(transform_decode(&t, (double)e.y[0], e.offset[0]) - 400.0) <
          1e-3);
    CHECK(transform_decode(&t, -1e3, 0.0) == 0.0);
    encoded_set_free(&e);
}

int main(void)
{
    test_least_squares_recovers_exact_plane();
    test_lad_matches_brute_force();
    test_lad_ignores_outliers();
    test_transforms_round_trip();
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("all fit checks passed\n");
    return 0;
}
