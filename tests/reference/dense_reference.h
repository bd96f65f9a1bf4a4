/* The dense layer's math in double precision, one plain loop per formula:
 * the named reference the tests hold the library's float kernels to
 * (the library itself sums in float; lib/kernels/gemm_impl.h says why). */
#ifndef NNLITE_TEST_DENSE_REFERENCE_H
#define NNLITE_TEST_DENSE_REFERENCE_H

#include <stddef.h>

/* y[n][o] = b[o] + sum_i x[n][i] W[o][i], with params = W [out, in]
 * then b [out]; each sum in double, rounded to float once. */
void reference_dense_forward(const float *params, const float *x, float *y,
                             size_t in, size_t out, size_t batch);

/* dW[o][i] = sum_n dy[n][o] x[n][i], db[o] = sum_n dy[n][o] into dparams
 * (overwritten, laid out as params) and, unless dx is NULL,
 * dx[n][i] = sum_o dy[n][o] W[o][i]; each sum in double. */
void reference_dense_backward(const float *params, const float *x,
                              const float *dy, float *dx, float *dparams,
                              size_t in, size_t out, size_t batch);

/* The sum of |terms| of the same sums, for error bounds: y's, then dW's
 * and db's, then dx's (any output may be NULL to skip it). */
void reference_dense_magnitudes(const float *params, const float *x,
                                const float *dy, double *y_mag,
                                double *dparams_mag, double *dx_mag,
                                size_t in, size_t out, size_t batch);

#endif /* NNLITE_TEST_DENSE_REFERENCE_H */
