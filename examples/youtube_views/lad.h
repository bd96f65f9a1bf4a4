/*
 * lad: the exact least-absolute-deviation linear fit, the linear model
 * with the lowest training MAE: what gradient descent on the MAE is
 * looking for, found without it. Iteratively reweighted least squares
 * (IRLS): weighting each row by 1 / |its residual| turns the sum of
 * squares into the sum of absolute values, so repeating the weighted fit
 * converges on the LAD optimum.
 *
 * "Exact" is checked, not assumed. The LAD problem's dual is: maximise
 * sum u_i y_i subject to X'u = 0 and |u_i| <= 1; every such u bounds the
 * optimum from below. The fit ends on a vertex (lad.c says how) whose
 * dual point gives such a bound, and the certificate reports both: when
 * they agree to rounding, no linear fit has a lower training MAE.
 */
#ifndef YOUTUBE_VIEWS_LAD_H
#define YOUTUBE_VIEWS_LAD_H

#include <stddef.h>

/* How close to the optimum a fit came. */
typedef struct lad_certificate {
    double objective;   /* sum of |residuals| of the fit */
    double lower_bound; /* no linear fit can do better */
    size_t iterations;  /* weighted least-squares fits (IRLS) */
    size_t steps;       /* vertices visited after them */
} lad_certificate;

/*
 * Fit as least_squares_fit (same layout of x and coef), minimising the
 * sum of absolute errors.
 * @return 0; -1 when out of memory or a weighted fit fails.
 */
int lad_fit(double *coef, lad_certificate *cert, const double *x,
            const double *y, size_t n, size_t p);

#endif /* YOUTUBE_VIEWS_LAD_H */
