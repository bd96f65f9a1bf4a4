/* Cross-entropy on logits z, mean over the batch of `rows` samples.
 *
 * C > 1 (softmax): with lse = log sum_j e^z_j (computed as m + log sum
 * e^(z_j - m), m = max z, so nothing overflows) and p = softmax(z):
 *   class index k:        L_row = lse - z_k,            dL/dz_j = p_j - [j=k]
 *   probabilities t:      L_row = sum_j t_j (lse - z_j), dL/dz_j =
 *                                                      p_j sum(t) - t_j
 * C = 1 (binary, one logit, target t in [0, 1]):
 *   L_row = max(z, 0) - z t + log(1 + e^-|z|),         dL/dz = sigmoid(z) - t
 * Each gradient is divided by rows for the mean. */
#include <math.h>

#include "loss_impl.h"

static bool ce_target_fits(size_t cols, size_t tcols)
{
    return tcols == 1 || tcols == cols;
}

static void ce_describe_target(size_t cols, char *buf, size_t size)
{
    if (cols > 1) {
        nnlite__format(buf, size, "1 (class indices) or %zu (probabilities)",
                       cols);
    } else {
        nnlite__format(buf, size, "%zu", cols);
    }
}

/* Class indices when C > 1 and the target has one column. */
static bool uses_indices(size_t cols, size_t tcols)
{
    return cols > 1 && tcols == 1;
}

static nnlite_status ce_check_targets(const float *target, size_t rows,
                                      size_t cols, size_t tcols, char *msg,
                                      size_t msg_size)
{
    const size_t n = rows * tcols;
    for (size_t i = 0; i < n; i++) {
        const float t = target[i];
        if (uses_indices(cols, tcols)) {
            if (!(t >= 0.0f && t <= (float)(cols - 1) && t == floorf(t))) {
                nnlite__format(msg, msg_size,
                               "target row %zu: class index %g is not a "
                               "whole number in 0..%zu",
                               i, (double)t, cols - 1);
                return NNLITE_EINVAL;
            }
        } else if (!(t >= 0.0f && t <= 1.0f)) {
            nnlite__format(msg, msg_size,
                           "target[%zu][%zu] = %g is not a probability in "
                           "[0, 1]",
                           i / tcols, i % tcols, (double)t);
            return NNLITE_EINVAL;
        }
    }
    return NNLITE_OK;
}

static double binary_row(float z, float t, float *grad, double inv_rows)
{
    const double zd = (double)z, td = (double)t;
    const double loss = fmax(zd, 0.0) - zd * td + log1p(exp(-fabs(zd)));
    if (grad != NULL) {
        const double p = zd >= 0 ? 1.0 / (1.0 + exp(-zd))
                                 : exp(zd) / (1.0 + exp(zd));
        *grad = (float)((p - td) * inv_rows);
    }
    return loss;
}

static double softmax_row(const float *z, const float *t, size_t cols,
                          size_t tcols, float *grad, double inv_rows)
{
    double m = (double)z[0], sum = 0.0, loss = 0.0, t_sum = 0.0;
    for (size_t j = 1; j < cols; j++) {
        m = fmax(m, (double)z[j]);
    }
    for (size_t j = 0; j < cols; j++) {
        sum += exp((double)z[j] - m);
    }
    /* cols >= 1 (the loss is bound to a width), and the largest z adds
     * exp(0) = 1, so sum >= 1: cppcheck only sees the empty loop. */
    // cppcheck-suppress invalidFunctionArg
    const double lse = m + log(sum);
    if (tcols == 1) {
        const size_t k = (size_t)t[0];
        loss = lse - (double)z[k];
        t_sum = 1.0;
    } else {
        for (size_t j = 0; j < cols; j++) {
            loss += (double)t[j] * (lse - (double)z[j]);
            t_sum += (double)t[j];
        }
    }
    if (grad != NULL) {
        for (size_t j = 0; j < cols; j++) {
            const double p = exp((double)z[j] - lse);
            const double tj = tcols == 1 ? (j == (size_t)t[0] ? 1.0 : 0.0)
                                         : (double)t[j];
            grad[j] = (float)((p * t_sum - tj) * inv_rows);
        }
    }
    return loss;
}

static double ce_compute(const nnlite_loss *loss, const float *pred,
                         const float *target, size_t rows, size_t cols,
                         size_t tcols, float *grad)
{
    const double inv_rows = 1.0 / (double)rows;
    double sum = 0.0;
    (void)loss;
    for (size_t r = 0; r < rows; r++) {
        const float *z = pred + r * cols, *t = target + r * tcols;
        float *g = grad == NULL ? NULL : grad + r * cols;
        sum += cols == 1 ? binary_row(z[0], t[0], g, inv_rows)
                         : softmax_row(z, t, cols, tcols, g, inv_rows);
    }
    return sum * inv_rows;
}

const nnlite__loss_ops nnlite__cross_entropy_ops = {
    .kind = NNLITE_LOSS_CROSS_ENTROPY,
    .name = "cross-entropy",
    .target_fits = ce_target_fits,
    .describe_target = ce_describe_target,
    .check_targets = ce_check_targets,
    .compute = ce_compute,
    .takes_logits = true,
};
