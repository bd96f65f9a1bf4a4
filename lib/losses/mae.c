/* Mean absolute error: L = (1/N) sum |p - t| over all N elements;
 * dL/dp = sign(p - t) / N, with sign(0) = 0 (as PyTorch). */
#include <math.h>

#include "loss_impl.h"

static double mae_compute(const nnlite_loss *loss, const float *pred,
                          const float *target, size_t rows, size_t cols,
                          size_t tcols, float *grad)
{
    const size_t n = rows * cols;
    const float scale = (float)(1.0 / (double)n);
    double sum = 0.0;
    (void)loss;
    (void)tcols;
    for (size_t i = 0; i < n; i++) {
        const float d = pred[i] - target[i];
        sum += fabs((double)d);
        if (grad != NULL) {
            grad[i] = d > 0.0f ? scale : (d < 0.0f ? -scale : 0.0f);
        }
    }
    return sum / (double)n;
}

const nnlite__loss_ops nnlite__mae_ops = {
    .kind = NNLITE_LOSS_MAE,
    .name = "MAE",
    .target_fits = nnlite__same_width,
    .describe_target = nnlite__describe_same_width,
    .compute = mae_compute,
};
