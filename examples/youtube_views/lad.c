/*
 * lad: IRLS first, then the vertex it was heading for, then descent
 * from vertex to vertex. An LAD optimum passes exactly through p + 1 of
 * the points (a basis: it is a vertex of a linear program), and IRLS
 * approaches one with those points' residuals shrinking towards 0; the
 * p + 1 smallest residuals name a vertex near it, and the fit through
 * them is solved exactly.
 *
 * At a vertex the dual point is u_i = sign(r_i) off the basis, and on it
 * the u that makes X'u = 0. When every |u_k| <= 1 the vertex is optimal.
 * Otherwise the basis point with the largest |u_k| is released: moving
 * the fit off it (the other basis points stay on the fit) lowers the
 * sum of |r| at rate |u_k| - 1, until a line search over the points the
 * fit then crosses (a weighted median) finds where it stops falling;
 * that point joins the basis (Wesolowsky's direct descent, 1981). Each
 * vertex's u, scaled to |u_i| <= 1, also bounds the optimum from below.
 */
#include "lad.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "least_squares.h"

#define MAX_ITERATIONS 30

/* Feature j of row i, with the bias's constant 1 as feature p. */
static double feature(const double *x, size_t p, size_t i, size_t j)
{
    return j == p ? 1.0 : x[i * p + j];
}

/* r = y - X c; returns sum |r|. */
static double residuals(double *r, const double *coef, const double *x,
                        const double *y, size_t n, size_t p)
{
    double total = 0.0;
    for (size_t i = 0; i < n; i++) {
        double f = coef[p];
        for (size_t j = 0; j < p; j++) {
            f += coef[j] * x[i * p + j];
        }
        r[i] = y[i] - f;
        total += fabs(r[i]);
    }
    return total;
}

/* IRLS from the least-squares fit; coef gets the best fit seen. */
static int reweighted(double *coef, double *best, size_t *iterations,
                      double *r, double *w, const double *x,
                      const double *y, size_t n, size_t p)
{
    double next[257];
    if (p + 1 > sizeof next / sizeof next[0] ||
        least_squares_fit(coef, x, y, NULL, n, p, 0.0) != 0) {
        return -1;
    }
    *best = residuals(r, coef, x, y, n, p);
    double last = *best;
    for (size_t k = 0; k < MAX_ITERATIONS; k++) {
        /* A floor on |r| keeps the weights finite where the fit passes
         * through a point, as the optimum does at p + 1 of them. */
        double floor = 1e-10 * last / (double)n + 1e-300;
        for (size_t i = 0; i < n; i++) {
            w[i] = 1.0 / fmax(fabs(r[i]), floor);
        }
        if (least_squares_fit(next, x, y, w, n, p, 0.0) != 0) {
            break; /* too ill-conditioned to go on: keep the best */
        }
        double objective = residuals(r, next, x, y, n, p);
        *iterations = k + 1;
        if (objective < *best) {
            *best = objective;
            memcpy(coef, next, (p + 1) * sizeof *coef);
        }
        if (fabs(last - objective) <= 1e-13 * last) {
            break;
        }
        last = objective;
    }
    return 0;
}

/* Indices of the m smallest |r| (m small: selection by repeated scans). */
static void smallest(size_t *basis, size_t m, const double *r, size_t n,
                     unsigned char *in_basis)
{
    memset(in_basis, 0, n);
    for (size_t k = 0; k < m; k++) {
        size_t pick = 0;
        double least = HUGE_VAL;
        for (size_t i = 0; i < n; i++) {
            if (!in_basis[i] && fabs(r[i]) < least) {
                least = fabs(r[i]);
                pick = i;
            }
        }
        basis[k] = pick;
        in_basis[pick] = 1;
    }
}

/* Scratch space and the current vertex. */
/* Where the fit crosses a row, moving along a direction. */
struct breakpoint {
    double step;
    size_t row;
};

typedef struct vertex {
    size_t n, p, m;
    size_t *basis;          /* [m] rows the fit passes through */
    unsigned char *in_basis; /* [n] */
    double *coef;           /* [m] the fit */
    double *r;              /* [n] residuals */
    double *u;              /* [n] dual point */
    double *a;              /* [m * m] */
    double *z;              /* [m] */
    double *along;          /* [n] change of each fitted value */
    struct breakpoint *breaks; /* [n] of the line search */
} vertex;

/* The fit through the basis rows. */
static int solve_through(vertex *v, const double *x, const double *y)
{
    for (size_t k = 0; k < v->m; k++) {
        for (size_t j = 0; j < v->m; j++) {
            v->a[k * v->m + j] = feature(x, v->p, v->basis[k], j);
        }
        v->coef[k] = y[v->basis[k]];
    }
    return linear_solve(v->a, v->coef, v->m);
}

/* u as above; returns the basis slot with the largest |u_k| (the one to
 * release) and the dual bound in *bound. */
static int dual_point(vertex *v, const double *x, const double *y,
                      double *bound, size_t *release)
{
    size_t m = v->m;
    memset(v->z, 0, m * sizeof *v->z);
    for (size_t i = 0; i < v->n; i++) {
        double r = v->r[i];
        v->u[i] = v->in_basis[i] ? 0.0 : (double)((r > 0.0) - (r < 0.0));
        for (size_t j = 0; j < m; j++) {
            v->z[j] -= feature(x, v->p, i, j) * v->u[i];
        }
    }
    for (size_t k = 0; k < m; k++) { /* A = X_B' */
        for (size_t j = 0; j < m; j++) {
            v->a[j * m + k] = feature(x, v->p, v->basis[k], j);
        }
    }
    if (linear_solve(v->a, v->z, m) != 0) {
        return -1;
    }
    double top = 1.0, sum = 0.0;
    *release = 0;
    for (size_t k = 0; k < m; k++) {
        v->u[v->basis[k]] = v->z[k];
        if (fabs(v->z[k]) > fabs(v->z[*release])) {
            *release = k;
        }
        top = fmax(top, fabs(v->z[k]));
    }
    for (size_t i = 0; i < v->n; i++) {
        sum += v->u[i] * y[i];
    }
    *bound = sum / top;
    return 0;
}

static int by_step(const void *a, const void *b)
{
    double x = ((const struct breakpoint *)a)->step;
    double y = ((const struct breakpoint *)b)->step;
    return (x > y) - (x < y);
}

/* Release basis slot k: direction d with X_B d = s e_k, the step along
 * it where the sum of |r| stops falling, and the row that joins. */
static int descend(vertex *v, const double *x, const double *y, size_t k)
{
    size_t m = v->m, count = 0;
    double s = v->z[k] > 0.0 ? -1.0 : 1.0;
    for (size_t i = 0; i < m; i++) { /* X_B d = s e_k */
        for (size_t j = 0; j < m; j++) {
            v->a[i * m + j] = feature(x, v->p, v->basis[i], j);
        }
        v->z[i] = i == k ? s : 0.0;
    }
    if (linear_solve(v->a, v->z, m) != 0) {
        return -1;
    }
    double slope = 1.0; /* the released row's |r| grows at rate 1 */
    for (size_t i = 0; i < v->n; i++) {
        double g = 0.0;
        for (size_t j = 0; j < m; j++) {
            g += feature(x, v->p, i, j) * v->z[j];
        }
        v->along[i] = g;
        if (v->in_basis[i] || g == 0.0) {
            continue;
        }
        double t = v->r[i] / g;
        slope -= v->r[i] > 0.0 ? g : v->r[i] < 0.0 ? -g : -fabs(g);
        if (t > 0.0) { /* a row at r = 0 is already past its kink */
            v->breaks[count].step = t;
            v->breaks[count++].row = i;
        }
    }
    qsort(v->breaks, count, sizeof *v->breaks, by_step);
    size_t enter = v->n;
    for (size_t c = 0; c < count && slope < 0.0; c++) {
        enter = v->breaks[c].row;
        slope += 2.0 * fabs(v->along[enter]);
    }
    if (enter == v->n || slope < 0.0) {
        return -1; /* unbounded: cannot happen with a basis of full rank */
    }
    v->in_basis[v->basis[k]] = 0;
    v->basis[k] = enter;
    v->in_basis[enter] = 1;
    return solve_through(v, x, y);
}

/* Descend from the vertex near `coef` to the optimum (or as far as
 * `limit` steps go); coef and cert get the best vertex. */
static int polish(vertex *v, double *coef, lad_certificate *cert,
                  const double *x, const double *y, size_t limit)
{
    residuals(v->r, coef, x, y, v->n, v->p);
    smallest(v->basis, v->m, v->r, v->n, v->in_basis);
    if (solve_through(v, x, y) != 0) {
        return 0; /* no vertex here: keep the IRLS fit, no bound */
    }
    for (size_t step = 0; step < limit; step++) {
        double objective = residuals(v->r, v->coef, x, y, v->n, v->p);
        double bound;
        size_t k;
        if (objective <= cert->objective) {
            cert->objective = objective;
            memcpy(coef, v->coef, v->m * sizeof *coef);
        }
        if (dual_point(v, x, y, &bound, &k) != 0) {
            return 0;
        }
        cert->lower_bound = fmax(cert->lower_bound, bound);
        cert->steps++;
        if (fabs(v->z[k]) <= 1.0 + 1e-9 || descend(v, x, y, k) != 0) {
            return 0;
        }
    }
    return 0;
}

static int vertex_alloc(vertex *v, size_t n, size_t p)
{
    size_t m = p + 1;
    v->n = n;
    v->p = p;
    v->m = m;
    v->basis = malloc(m * sizeof *v->basis);
    v->in_basis = malloc(n);
    v->coef = malloc(m * sizeof *v->coef);
    v->r = malloc(n * sizeof *v->r);
    v->u = malloc(n * sizeof *v->u);
    v->a = malloc(m * m * sizeof *v->a);
    v->z = malloc(m * sizeof *v->z);
    v->along = malloc(n * sizeof *v->along);
    v->breaks = malloc(n * sizeof *v->breaks);
    return v->basis && v->in_basis && v->coef && v->r && v->u && v->a &&
                   v->z && v->along && v->breaks
               ? 0
               : -1;
}

static void vertex_free(vertex *v)
{
    free(v->basis);
    free(v->in_basis);
    free(v->coef);
    free(v->r);
    free(v->u);
    free(v->a);
    free(v->z);
    free(v->along);
    free(v->breaks);
}

int lad_fit(double *coef, lad_certificate *cert, const double *x,
            const double *y, size_t n, size_t p)
{
    vertex v;
    double *w = malloc(n * sizeof *w);
    int status = -1;
    memset(cert, 0, sizeof *cert);
    memset(&v, 0, sizeof v);
    if (w && n > p && vertex_alloc(&v, n, p) == 0 &&
        reweighted(coef, &cert->objective, &cert->iterations, v.r, w, x, y,
                   n, p) == 0) {
        status = polish(&v, coef, cert, x, y, 20 * n);
    }
    vertex_free(&v);
    free(w);
    return status;
}
