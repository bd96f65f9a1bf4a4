/* Dense (fully connected) layer: y = x W^T + b, W [out, in], b [out].
 * Parameters: W row-major, then b. The three products of a dense layer run
 * over contiguous rows, so no transpose is ever materialised:
 *   forward  y[n][o]  = b[o] + sum_i x[n][i] W[o][i]   (dot of two rows)
 *   dW[o][i]  = sum_n dy[n][o] x[n][i]
 *   db[o]     = sum_n dy[n][o]
 *   dx[n][i]  = sum_o dy[n][o] W[o][i]
 * In float: batches of four rows or more run the products on the GEMM
 * kernels of the compute context (gemm_impl.h has the precision
 * trade-off) and take db as column sums in double (column_sums_impl.h);
 * fewer rows run the GEMV forward and plain loops backward, and layers
 * under 16 inputs plain loops both ways. tests/reference/ holds the same
 * math in double, which the tests compare against. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "alloc_impl.h"
#include "layer_impl.h"
#include "message_impl.h"

/* Below this many rows a dense product is cheaper as dot products or
 * axpys (one GEMV per sample forward) than packed: packing touches every
 * weight once per call. */
#define FAST_MIN_ROWS 4

/* Inputs narrower than one vector: a plain loop beats the masked vector
 * loads and the horizontal sum of a SIMD GEMV (the online W3 network). */
#define TINY_IN 16

static nnlite_status dense_configure(nnlite_layer *layer,
                                     const nnlite__layer_config *config,
                                     char *message, size_t size)
{
    const nnlite_layer_spec *spec = &config->spec;
    if (spec->in_features == 0 || spec->out_features == 0) {
        nnlite__format(message, size, "%s 0 must be at least 1",
                       spec->in_features == 0 ? "in_features"
                                              : "out_features");
        return NNLITE_EINVAL;
    }
    layer->in = spec->in_features;
    layer->out = spec->out_features;
    return NNLITE_OK;
}

/* Its input width is fixed at creation: it takes only that. */
static bool dense_bind(nnlite_layer *layer, size_t width)
{
    return layer->in == width;
}

/* in * out weights and out biases; SIZE_MAX when their bytes overflow. */
static size_t dense_param_count(size_t in, size_t out)
{
    size_t weights, total, bytes;
    if (!nnlite__mul_size(&weights, in, out) ||
        !nnlite__add_size(&total, weights, out) ||
        !nnlite__mul_size(&bytes, total, sizeof(float))) {
        return SIZE_MAX;
    }
    return total;
}

/* He-uniform U(-sqrt(6/in), sqrt(6/in)) before a rectifier, else
 * Glorot-uniform U(-sqrt(6/(in+out)), ...); biases zero. Only sqrt
 * (exactly rounded by IEEE 754) is used, so every machine draws the
 * same bits. */
static void dense_init(const nnlite_layer *layer, float *params,
                       nnlite__rng *rng, bool rectifier_next)
{
    const size_t in = layer->in, out = layer->out;
    const double fan = rectifier_next ? (double)in : (double)(in + out);
    const float limit = (float)sqrt(6.0 / fan);
    for (size_t i = 0; i < in * out; i++) {
        params[i] = (2.0f * nnlite__rng_uniform(rng) - 1.0f) * limit;
    }
    memset(params + in * out, 0, out * sizeof(float));
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

static void dense_forward(const nnlite_layer *layer, const float *params,
                          const float *x, float *y, size_t batch,
                          const nnlite__compute *cx)
{
    const size_t in = layer->in, out = layer->out;
    const float *w = params, *b = params + in * out;
    if (batch < FAST_MIN_ROWS && in < TINY_IN) { /* a handful of FMAs */
        for (size_t n = 0; n < batch; n++) {
            tiny_gemv(w, x + n * in, b, y + n * out, out, in);
        }
        return;
    }
    if (batch < FAST_MIN_ROWS) { /* GEMV: one sample at a time */
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

/* Dense + ReLU in one pass where dense_forward would run the GEMV (so
 * fusing changes no bit; tests/test_fused.c checks it). On one-sample
 * inference the ReLU's own pass would re-read the dense output just
 * written and cost a call per layer; the fused kernel applies the ReLU
 * to the results while they are still in registers. The dense output
 * (the ReLU's input, which its backward reads) is still stored. */
static bool dense_forward_pair(const nnlite_layer *layer,
                               const nnlite_layer *next, const float *params,
                               const float *x, float *y, float *next_y,
                               size_t batch, const nnlite__compute *cx)
{
    const size_t in = layer->in, out = layer->out;
    const float *w = params, *b = params + in * out;
    if (batch >= FAST_MIN_ROWS || in < TINY_IN ||
        next->ops->kind != NNLITE_LAYER_RELU) { /* by kind: links no ReLU */
        return false;
    }
    for (size_t n = 0; n < batch; n++) {
        cx->kernels->gemv_relu(w, x + n * in, b, y + n * out,
                               next_y + n * out, out, in);
    }
    return true;
}

/* y += alpha * x */
static void axpy(float *y, float alpha, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        y[i] += alpha * x[i];
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

static void dense_backward(const nnlite_layer *layer, const float *params,
                           const float *x, const float *y, const float *dy,
                           float *dx, float *dparams, size_t batch,
                           const nnlite__compute *cx)
{
    const size_t in = layer->in, out = layer->out;
    float *dw = dparams, *db = dparams + in * out;
    (void)y;
    if (batch == 1 && in < TINY_IN) { /* tiny nets: no calls */
        one_sample_grads(params, x, dy, dx, dw, db, in, out);
        return;
    }
    if (batch < FAST_MIN_ROWS) {
        memset(dparams, 0, (in * out + out) * sizeof(float));
        accumulate_param_grads(x, dy, dw, db, in, out, batch);
        if (dx != NULL) {
            input_grads(params, dy, dx, in, out, batch);
        }
        return;
    }
    cx->kernels->column_sums(dy, batch, out, db);
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
    .kind = NNLITE_LAYER_DENSE,
    .name = "dense",
    .configure = dense_configure,
    .bind = dense_bind,
    .param_count = dense_param_count,
    .init = dense_init,
    .forward = dense_forward,
    .forward_pair = dense_forward_pair,
    .backward = dense_backward,
};
