/* W3's network (7 -> 3 sigmoid -> 1, MSE, SGD, one sample per step)
 * written by hand as fixed-size loops, with nnlite's arithmetic: float
 * sums in index order, lib/layers/sigmoid.c's formula, the MSE gradient
 * 2 (y - t), every product rounded to float where nnlite stores it, SGD
 * keeping a backup of every parameter and checking that each new one is
 * finite, the loss in double. Trained from the same weights on the same
 * rows, nnlite gives the same bits as long as every step succeeds
 * (tests/test_handwritten.c checks it; nnlite's fit stops at a failed
 * step, hw_epoch rolls it back and goes on). Shared by that test and the
 * floor bench/peer_handwritten_w3.c; what it leaves out is everything a
 * library needs to serve any network: layer lists, buffers sized at run
 * time, dispatch. */
#ifndef NNLITE_TEST_HANDWRITTEN_W3_H
#define NNLITE_TEST_HANDWRITTEN_W3_H

#include <math.h>
#include <string.h>

enum { HW_IN = 7, HW_HIDDEN = 3 };

/* W1 [HIDDEN][IN], b1 [HIDDEN], w2 [HIDDEN], b2: nnlite's layout. */
enum { HW_W1 = 0, HW_B1 = HW_HIDDEN * HW_IN, HW_W2 = HW_B1 + HW_HIDDEN,
       HW_B2 = HW_W2 + HW_HIDDEN, HW_PARAMS = HW_B2 + 1 };

typedef struct hw_net {
    float p[HW_PARAMS];
    float backup[HW_PARAMS];
} hw_net;

static inline float hw_sigmoid(float x) /* lib/layers/sigmoid.c's formula */
{
    const float e = expf(-fabsf(x));
    return (x >= 0.0f ? 1.0f : e) / (1.0f + e);
}

/* SGD on one parameter with its backup; nonzero when not finite. */
static inline int hw_update(hw_net *n, int i, float g, float lr)
{
    const float p1 = n->p[i] - lr * g;
    n->backup[i] = n->p[i];
    n->p[i] = p1;
    return p1 - p1 != 0.0f;
}

/* One sample: forward, loss, backward and update; returns the squared
 * error, or NaN after rolling back a step that made a parameter
 * non-finite (where nnlite's fit stops with NNLITE_ENUMERIC). */
static inline double hw_step(hw_net *n, const float *x, float target,
                             float lr)
{
    float h[HW_HIDDEN], dh[HW_HIDDEN];
    for (int o = 0; o < HW_HIDDEN; o++) {
        float s = 0.0f;
        for (int i = 0; i < HW_IN; i++) {
            s += n->p[HW_W1 + o * HW_IN + i] * x[i];
        }
        h[o] = hw_sigmoid(n->p[HW_B1 + o] + s);
    }
    float s = 0.0f;
    for (int i = 0; i < HW_HIDDEN; i++) {
        s += n->p[HW_W2 + i] * h[i];
    }
    const float y = n->p[HW_B2] + s;
    const double d = (double)y - (double)target;
    const float g = 2.0f * (y - target);
    int bad = 0;
    for (int o = 0; o < HW_HIDDEN; o++) { /* with the old w2 */
        /* Rounded to float first, as nnlite stores it between layers
         * (differs only where float maths runs wider, e.g. x87). */
        const float gw = g * n->p[HW_W2 + o];
        dh[o] = gw * h[o] * (1.0f - h[o]);
    }
    for (int o = 0; o < HW_HIDDEN; o++) {
        bad |= hw_update(n, HW_W2 + o, g * h[o], lr);
    }
    bad |= hw_update(n, HW_B2, g, lr);
    for (int o = 0; o < HW_HIDDEN; o++) {
        for (int i = 0; i < HW_IN; i++) {
            bad |= hw_update(n, HW_W1 + o * HW_IN + i, dh[o] * x[i], lr);
        }
        bad |= hw_update(n, HW_B1 + o, dh[o], lr);
    }
    if (bad) {
        memcpy(n->p, n->backup, sizeof(n->p));
        return (double)NAN;
    }
    return d * d;
}

/* One pass over rows [rows][HW_IN] in order; returns the mean loss (NaN
 * if a step failed). */
static inline double hw_epoch(hw_net *n, const float *x, const float *t,
                              int rows, float lr)
{
    double sum = 0.0;
    for (int r = 0; r < rows; r++) {
        sum += hw_step(n, x + r * HW_IN, t[r], lr);
    }
    return sum / rows;
}

#endif /* NNLITE_TEST_HANDWRITTEN_W3_H */
