/* Huber loss, PyTorch's nn.HuberLoss(delta) with the mean: with
 * d = p - t over all N elements,
 *   l(d) = d^2 / 2                    for |d| < delta,
 *          delta (|d| - delta / 2)    otherwise,
 * L = (1/N) sum l(d); quadratic near 0 (MSE / 2), linear in the tails
 * (MAE times delta), and both pieces meet with equal value and slope at
 * |d| = delta. dL/dp = d / N inside, delta sign(d) / N outside; at
 * |d| = delta both give the same. */
#include <math.h>

#include "loss_impl.h"

static double huber_compute(const nnlite_loss *loss, const float *pred,
                            const float *target, size_t rows, size_t cols,
                            size_t tcols, float *grad)
{
    const size_t n = rows * cols;
    const double inv_n = 1.0 / (double)n;
    const float scale = (float)inv_n;
    const float delta = loss->delta;
    const double delta_d = (double)delta;
    double sum = 0.0;
    (void)tcols;
    for (size_t i = 0; i < n; i++) {
        const double z = fabs((double)pred[i] - (double)target[i]);
        sum += z < delta_d ? 0.5 * z * z : delta_d * (z - 0.5 * delta_d);
        if (grad != NULL) {
            /* PyTorch's huber_loss_backward, element by element. */
            const float d = pred[i] - target[i];
            grad[i] = d <= -delta  ? -scale * delta
                      : d >= delta ? scale * delta
                                   : scale * d;
        }
    }
    return sum * inv_n;
}

static void huber_describe(const nnlite_loss *loss, char *buf, size_t size)
{
    nnlite__format(buf, size, "delta=%g", (double)loss->delta);
}

const nnlite__loss_ops nnlite__huber_ops = {
    .kind = NNLITE_LOSS_HUBER,
    .name = "Huber",
    .target_fits = nnlite__same_width,
    .describe_target = nnlite__describe_same_width,
    .compute = huber_compute,
    .describe = huber_describe,
};
