/* Dense (fully connected) layer: y = x W^T + b, W [out, in], b [out].
 * Parameters: W row-major, then b. The three products of a dense layer run
 * over contiguous rows, so no transpose is ever materialised:
 *   forward  y[n][o]  = b[o] + sum_i x[n][i] W[o][i]   (dot of two rows)
 *   dW[o][i] += sum_n dy[n][o] x[n][i]                  (row axpy)
 *   db[o]    += sum_n dy[n][o]
 *   dx[n][i]  = sum_o dy[n][o] W[o][i]                  (row axpy)
 * These loops (forward summed in double) serve the layer ops and are the
 * reference; a model runs the *_fast passes on the blocked float kernels
 * of gemm.c (see gemm_impl.h for the precision trade-off). */
#include <string.h>

#include "alloc_impl.h"
#include "dense_impl.h"
#include "layer_impl.h"

size_t nnlite__dense_param_count_checked(size_t in, size_t out)
{
    size_t weights, total;
    if (!nnlite__mul_size(&weights, in, out) ||
        !nnlite__add_size(&total, weights, out) ||
        !nnlite__mul_size(&weights, total, sizeof(float))) {
        return 0;
    }
    return total;
}

static size_t dense_param_count(const nnlite_layer *layer)
{
    return layer->in * layer->out + layer->out;
}

/* Long dot products are summed in double (STYLE.md); four partial sums
 * let the compiler keep several multiply-adds in flight. */
static double dot(const float *a, const float *b, size_t n)
{
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += (double)a[i] * (double)b[i];
        s1 += (double)a[i + 1] * (double)b[i + 1];
        s2 += (double)a[i + 2] * (double)b[i + 2];
        s3 += (double)a[i + 3] * (double)b[i + 3];
    }
    for (; i < n; i++) {
        s0 += (double)a[i] * (double)b[i];
    }
    return (s0 + s1) + (s2 + s3);
}

/* y += alpha * x */
static void axpy(float *y, float alpha, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        y[i] += alpha * x[i];
    }
}

static void dense_forward(const nnlite_layer *layer, const float *params,
                          const float *x, float *y, size_t batch)
{
    const size_t in = layer->in, out = layer->out;
    const float *w = params, *b = params + in * out;
    for (size_t n = 0; n < batch; n++) {
        const float *xn = x + n * in;
        float *yn = y + n * out;
        for (size_t o = 0; o < out; o++) {
            yn[o] = (float)((double)b[o] + dot(xn, w + o * in, in));
        }
    }
}

/* dW[o] += dy[n][o] x[n] and db[o] += dy[n][o], row by row. */
static void accumulate_param_grads(const float *x, const float *dy,
                                   float *dw, float *db, size_t in,
                                   size_t out, size_t batch)
{
    for (size_t n = 0; n < batch; n++) {
        const float *xn = x + n * in, *dyn = dy + n * out;
        for (size_t o = 0; o < out; o++) {
            if (dyn[o] != 0.0f) { /* ReLU zeroes many: skip the row */
                axpy(dw + o * in, dyn[o], xn, in);
                db[o] += dyn[o];
            }
        }
    }
}

/* dx[n] = sum_o dy[n][o] W[o], as axpys over W's rows. */
static void input_grads(const float *w, const float *dy, float *dx,
                        size_t in, size_t out, size_t batch)
{
    memset(dx, 0, batch * in * sizeof(float));
    for (size_t n = 0; n < batch; n++) {
        const float *dyn = dy + n * out;
        float *dxn = dx + n * in;
        for (size_t o = 0; o < out; o++) {
            if (dyn[o] != 0.0f) {
                axpy(dxn, dyn[o], w + o * in, in);
            }
        }
    }
}

static void dense_backward(const nnlite_layer *layer, const float *params,
                           const float *x, const float *y, const float *dy,
                           float *dx, float *dparams, size_t batch)
{
    const size_t in = layer->in, out = layer->out;
    (void)y;
    accumulate_param_grads(x, dy, dparams, dparams + in * out, in, out,
                           batch);
    if (dx != NULL) {
        input_grads(params, dy, dx, in, out, batch);
    }
}

static void tiny_gemv(const float *w, const float *x, const float *b,
                      float *y, size_t out, size_t in)
{
    for (size_t o = 0; o < out; o++) {
        const float *wo = w + o * in;
        float s = 0.0f;
        for (size_t i = 0; i < in; i++) {
            s += wo[i] * x[i];
        }
        y[o] = b[o] + s;
    }
}

void nnlite__dense_forward_fast(const nnlite_layer *layer,
                                const float *params, const float *x,
                                float *y, size_t batch,
                                const nnlite__compute *cx)
{
    const size_t in = layer->in, out = layer->out;
    const float *w = params, *b = params + in * out;
    if (batch < NNLITE__DENSE_FAST_MIN_ROWS &&
        in < NNLITE__DENSE_TINY_IN) { /* a handful of FMAs */
        for (size_t n = 0; n < batch; n++) {
            tiny_gemv(w, x + n * in, b, y + n * out, out, in);
        }
        return;
    }
    if (batch < NNLITE__DENSE_FAST_MIN_ROWS) { /* GEMV: one sample at a time */
        for (size_t n = 0; n < batch; n++) {
            cx->kernels->gemv(w, x + n * in, b, y + n * out, out, in);
        }
        return;
    }
    /* y = b + x W^T: B(p, j) = W[j][p], read down W's rows. */
    const nnlite__gemm_args g = {batch, out, in, x, in, 1, w, 1, in,
                                 y, out, b, 0};
    nnlite__compute_gemm(cx, &g);
}

/* One sample: dW[o] = dy[o] x, db = dy, dx = dy W (dx may be NULL).
 * The sums run in the order of input_grads; terms with dy[o] = 0, which
 * it skips, add exactly 0 here (skipping pays for wide ReLU layers, not
 * for a few inputs). */
static void one_sample_grads(const float *w, const float *x,
                             const float *dy, float *dx, float *dw,
                             float *db, size_t in, size_t out)
{
    for (size_t o = 0; o < out; o++) {
        const float g = dy[o];
        float *dwo = dw + o * in;
        for (size_t i = 0; i < in; i++) {
            dwo[i] = g * x[i];
        }
        db[o] = g;
    }
    if (dx == NULL) {
        return;
    }
    for (size_t i = 0; i < in; i++) {
        dx[i] = 0.0f;
    }
    for (size_t o = 0; o < out; o++) {
        const float g = dy[o];
        const float *wo = w + o * in;
        for (size_t i = 0; i < in; i++) {
            dx[i] += g * wo[i];
        }
    }
}

void nnlite__dense_backward_fast(const nnlite_layer *layer,
                                 const float *params, const float *x,
                                 const float *dy, float *dx, float *dparams,
                                 size_t batch, const nnlite__compute *cx)
{
    const size_t in = layer->in, out = layer->out;
    float *dw = dparams, *db = dparams + in * out;
    if (batch == 1 && in < NNLITE__DENSE_TINY_IN) { /* tiny nets: no calls */
        one_sample_grads(params, x, dy, dx, dw, db, in, out);
        return;
    }
    if (batch < NNLITE__DENSE_FAST_MIN_ROWS) {
        memset(dparams, 0, (in * out + out) * sizeof(float));
        accumulate_param_grads(x, dy, dw, db, in, out, batch);
        if (dx != NULL) {
            input_grads(params, dy, dx, in, out, batch);
        }
        return;
    }
    memcpy(db, dy, out * sizeof(float)); /* db = column sums of dy */
    for (size_t n = 1; n < batch; n++) {
        const float *dyn = dy + n * out;
        for (size_t o = 0; o < out; o++) {
            db[o] += dyn[o];
        }
    }
    /* dW = dy^T x: A(o, n) = dy[n][o], B = x as stored. */
    const nnlite__gemm_args gw = {out, in, batch, dy, 1, out, x, in, 1,
                                  dw, in, NULL, 0};
    nnlite__compute_gemm(cx, &gw);
    if (dx != NULL) { /* dx = dy W: both as stored */
        const nnlite__gemm_args gx = {batch, in, out, dy, out, 1, params,
                                      in, 1, dx, in, NULL, 0};
        nnlite__compute_gemm(cx, &gx);
    }
}

const nnlite__layer_ops nnlite__dense_ops = {
    NNLITE_LAYER_DENSE, "dense", dense_param_count, dense_forward,
    dense_backward,
};
