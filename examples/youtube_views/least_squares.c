/*
 * least_squares: with the column of ones appended (index p), the normal
 * matrix A = X'WX is (p+1) x (p+1), symmetric positive definite when the
 * columns are independent; A = L L' (Cholesky), then L z = X'Wy and
 * L' c = z by substitution.
 */
#include "least_squares.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Feature j of row i, with the bias's constant 1 as feature p. */
static double feature(const double *x, size_t p, size_t i, size_t j)
{
    return j == p ? 1.0 : x[i * p + j];
}

static void normal_equations(double *a, double *rhs, const double *x,
                             const double *y, const double *w, size_t n,
                             size_t p, double ridge)
{
    size_t m = p + 1;
    memset(a, 0, m * m * sizeof *a);
    memset(rhs, 0, m * sizeof *rhs);
    for (size_t i = 0; i < n; i++) {
        double wi = w ? w[i] : 1.0;
        for (size_t j = 0; j < m; j++) {
            double xj = wi * feature(x, p, i, j);
            rhs[j] += xj * y[i];
            for (size_t k = 0; k <= j; k++) {
                a[j * m + k] += xj * feature(x, p, i, k);
            }
        }
    }
    double trace = 0.0;
    for (size_t j = 0; j < m; j++) {
        trace += a[j * m + j];
    }
    for (size_t j = 0; j < m; j++) {
        a[j * m + j] += ridge * trace / (double)m;
    }
}

/* In place: the lower triangle of `a` becomes L. */
static int cholesky(double *a, size_t m)
{
    for (size_t j = 0; j < m; j++) {
        for (size_t k = 0; k < j; k++) {
            a[j * m + j] -= a[j * m + k] * a[j * m + k];
        }
        if (!(a[j * m + j] > 0.0)) {
            return -1;
        }
        a[j * m + j] = sqrt(a[j * m + j]);
        for (size_t i = j + 1; i < m; i++) {
            for (size_t k = 0; k < j; k++) {
                a[i * m + j] -= a[i * m + k] * a[j * m + k];
            }
            a[i * m + j] /= a[j * m + j];
        }
    }
    return 0;
}

static void solve(const double *l, double *b, size_t m)
{
    for (size_t i = 0; i < m; i++) { /* L z = b */
        for (size_t k = 0; k < i; k++) {
            b[i] -= l[i * m + k] * b[k];
        }
        b[i] /= l[i * m + i];
    }
    for (size_t i = m; i-- > 0;) { /* L' c = z */
        for (size_t k = i + 1; k < m; k++) {
            b[i] -= l[k * m + i] * b[k];
        }
        b[i] /= l[i * m + i];
    }
}

int least_squares_fit(double *coef, const double *x, const double *y,
                      const double *w, size_t n, size_t p, double ridge)
{
    size_t m = p + 1;
    double *a = malloc(m * m * sizeof *a);
    double *rhs = malloc(m * sizeof *rhs);
    int status = -1;
    if (a && rhs) {
        normal_equations(a, rhs, x, y, w, n, p, ridge);
        if (cholesky(a, m) == 0) {
            solve(a, rhs, m);
            memcpy(coef, rhs, m * sizeof *coef);
            status = 0;
        }
    }
    free(a);
    free(rhs);
    return status;
}

static void swap_rows(double *a, double *b, size_t m, size_t i, size_t j)
{
    for (size_t k = 0; k < m; k++) {
        double t = a[i * m + k];
        a[i * m + k] = a[j * m + k];
        a[j * m + k] = t;
    }
    double t = b[i];
    b[i] = b[j];
    b[j] = t;
}

int linear_solve(double *a, double *b, size_t m)
{
    for (size_t col = 0; col < m; col++) {
        size_t pivot = col;
        for (size_t i = col + 1; i < m; i++) {
            if (fabs(a[i * m + col]) > fabs(a[pivot * m + col])) {
                pivot = i;
            }
        }
        if (a[pivot * m + col] == 0.0) {
            return -1;
        }
        swap_rows(a, b, m, col, pivot);
        for (size_t i = col + 1; i < m; i++) {
            double f = a[i * m + col] / a[col * m + col];
            for (size_t k = col; k < m; k++) {
                a[i * m + k] -= f * a[col * m + k];
            }
            b[i] -= f * b[col];
        }
    }
    for (size_t i = m; i-- > 0;) {
        for (size_t k = i + 1; k < m; k++) {
            b[i] -= a[i * m + k] * b[k];
        }
        b[i] /= a[i * m + i];
    }
    return 0;
}
