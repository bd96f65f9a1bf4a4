/*
 * least_squares: the closed-form linear fit y = b + sum_j w_j x_j that
 * minimises a weighted sum of squared errors, by the normal equations
 * (X'WX) c = X'Wy solved with a Cholesky factorisation, in double. The
 * linear models start from it; lad.h calls it over and over.
 */
#ifndef YOUTUBE_VIEWS_LEAST_SQUARES_H
#define YOUTUBE_VIEWS_LEAST_SQUARES_H

#include <stddef.h>

/*
 * Fit `n` rows of `p` features: x[i * p + j], targets y[i], weights w[i]
 * (> 0; NULL for all 1). `ridge` times the mean diagonal of X'WX is
 * added to its diagonal: a little (1e-12) keeps a constant column (a
 * 1-day window under the log transform) solvable; 0 solves exactly.
 * @param coef receives [p + 1]: w_1..w_p, then b.
 * @return 0; -1 when out of memory or the system is not positive
 *         definite (then coef is untouched).
 */
int least_squares_fit(double *coef, const double *x, const double *y,
                      const double *w, size_t n, size_t p, double ridge);

/*
 * Solve the m x m system A z = b (a row-major, overwritten; b becomes z)
 * by Gaussian elimination with partial pivoting.
 * @return 0; -1 when A is singular.
 */
int linear_solve(double *a, double *b, size_t m);

#endif /* YOUTUBE_VIEWS_LEAST_SQUARES_H */
