/* The dense layer in double: see dense_reference.h. */
#include "dense_reference.h"

#include <math.h>

void reference_dense_forward(const float *params, const float *x, float *y,
                             size_t in, size_t out, size_t batch)
{
    const float *w = params, *b = params + in * out;
    for (size_t n = 0; n < batch; n++) {
        for (size_t o = 0; o < out; o++) {
            double s = (double)b[o];
            for (size_t i = 0; i < in; i++) {
                s += (double)x[n * in + i] * (double)w[o * in + i];
            }
            y[n * out + o] = (float)s;
        }
    }
}

void reference_dense_backward(const float *params, const float *x,
                              const float *dy, float *dx, float *dparams,
                              size_t in, size_t out, size_t batch)
{
    const float *w = params;
    float *dw = dparams, *db = dparams + in * out;
    for (size_t o = 0; o < out; o++) {
        double sb = 0.0;
        for (size_t n = 0; n < batch; n++) {
            sb += (double)dy[n * out + o];
        }
        db[o] = (float)sb;
        for (size_t i = 0; i < in; i++) {
            double s = 0.0;
            for (size_t n = 0; n < batch; n++) {
                s += (double)dy[n * out + o] * (double)x[n * in + i];
            }
            dw[o * in + i] = (float)s;
        }
    }
    for (size_t n = 0; n < batch && dx != NULL; n++) {
        for (size_t i = 0; i < in; i++) {
            double s = 0.0;
            for (size_t o = 0; o < out; o++) {
                s += (double)dy[n * out + o] * (double)w[o * in + i];
            }
            dx[n * in + i] = (float)s;
        }
    }
}

void reference_dense_magnitudes(const float *params, const float *x,
                                const float *dy, double *y_mag,
                                double *dparams_mag, double *dx_mag,
                                size_t in, size_t out, size_t batch)
{
    const float *w = params, *b = params + in * out;
    for (size_t n = 0; n < batch && y_mag != NULL; n++) {
        for (size_t o = 0; o < out; o++) {
            double s = fabs((double)b[o]);
            for (size_t i = 0; i < in; i++) {
                s += fabs((double)x[n * in + i] * (double)w[o * in + i]);
            }
            y_mag[n * out + o] = s;
        }
    }
    for (size_t o = 0; o < out && dparams_mag != NULL; o++) {
        double sb = 0.0;
        for (size_t n = 0; n < batch; n++) {
            sb += fabs((double)dy[n * out + o]);
        }
        dparams_mag[in * out + o] = sb;
        for (size_t i = 0; i < in; i++) {
            double s = 0.0;
            for (size_t n = 0; n < batch; n++) {
                s += fabs((double)dy[n * out + o] * (double)x[n * in + i]);
            }
            dparams_mag[o * in + i] = s;
        }
    }
    for (size_t n = 0; n < batch && dx_mag != NULL; n++) {
        for (size_t i = 0; i < in; i++) {
            double s = 0.0;
            for (size_t o = 0; o < out; o++) {
                s += fabs((double)dy[n * out + o] * (double)w[o * in + i]);
            }
            dx_mag[n * in + i] = s;
        }
    }
}
