/* Mean squared error: L = (1/N) sum (p - t)^2 over all N elements;
 * dL/dp = 2 (p - t) / N. */
#include "loss_impl.h"

static double mse_compute(const nnlite_loss *loss, const float *pred,
                          const float *target, size_t rows, size_t cols,
                          size_t tcols, float *grad)
{
    const size_t n = rows * cols;
    /* One division per call, not two: it is most of the cost for the one
     * output of an online step. The gradient scale 2 (1/n) is 2/n exactly;
     * the mean sum (1/n) may differ from sum / n in the last bit of the
     * double, far below the float the caller receives. */
    const double inv_n = 1.0 / (double)n;
    const float scale = (float)(2.0 * inv_n);
    double sum = 0.0;
    (void)loss;
    (void)tcols;
    for (size_t i = 0; i < n; i++) {
        const double d = (double)pred[i] - (double)target[i];
        sum += d * d;
        if (grad != NULL) {
            grad[i] = scale * (pred[i] - target[i]);
        }
    }
    return sum * inv_n;
}

const nnlite__loss_ops nnlite__mse_ops = {
    .kind = NNLITE_LOSS_MSE,
    .name = "MSE",
    .target_fits = nnlite__same_width,
    .describe_target = nnlite__describe_same_width,
    .compute = mse_compute,
};
