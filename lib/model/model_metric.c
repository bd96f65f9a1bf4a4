/* nnlite_model_evaluate_metric(): accuracy, MAE or MSE of the model's
 * outputs over a data set, whatever its loss. Forward passes in chunks
 * that fit the workspace, as nnlite_model_evaluate() runs them, so any
 * number of rows works and a size seen before allocates nothing.
 *
 * The checks are here, not in model_check.c, because the targets a
 * metric takes are the metric's own (not the loss's). */
#include <math.h>

#include "model_impl.h"
#include "numeric_impl.h"
#include "tensor_impl.h"

/* Whether a target of tcols columns is read as class indices. */
static bool class_indices(nnlite_metric metric, size_t cols, size_t tcols)
{
    return metric == NNLITE_METRIC_ACCURACY && cols > 1 && tcols == 1;
}

static nnlite_status check_arguments(nnlite_model *m, nnlite_metric metric,
                                     const nnlite_tensor *x,
                                     const nnlite_tensor *target,
                                     const float *value)
{
    if (x == NULL) {
        return nnlite__fail(m, NNLITE_EINVAL, "x is NULL");
    }
    if (target == NULL) {
        return nnlite__fail(m, NNLITE_EINVAL, "target is NULL");
    }
    if (value == NULL) {
        return nnlite__fail(m, NNLITE_EINVAL, "value is NULL");
    }
    if (metric != NNLITE_METRIC_ACCURACY && metric != NNLITE_METRIC_MAE &&
        metric != NNLITE_METRIC_MSE) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "metric %d is not an nnlite_metric (accuracy 1, "
                            "MAE 2, MSE 3)",
                            (int)metric);
    }
    if (m->layer_count == 0) {
        return nnlite__fail(m, NNLITE_ESTATE, "the model has no layers");
    }
    return NNLITE_OK;
}

static nnlite_status check_shapes(nnlite_model *m, nnlite_metric metric,
                                  const nnlite_tensor *x,
                                  const nnlite_tensor *target)
{
    const size_t width = nnlite__model_width(m);
    if (x->rank != 2 || x->shape[1] != m->input_features) {
        return nnlite__fail(m, NNLITE_ESHAPE,
                            "x must be [rows, %zu] (the model's inputs)",
                            m->input_features);
    }
    if (target->rank != 2 || target->shape[0] != x->shape[0]) {
        return nnlite__fail(m, NNLITE_ESHAPE,
                            "target must be rank 2 with x's %zu rows",
                            x->shape[0]);
    }
    if (target->shape[1] != width &&
        !class_indices(metric, width, target->shape[1])) {
        if (metric == NNLITE_METRIC_ACCURACY) {
            return nnlite__fail(m, NNLITE_ESHAPE,
                                "accuracy target has %zu column%s; the "
                                "model's %zu outputs need 1 (class "
                                "indices) or %zu",
                                target->shape[1],
                                target->shape[1] == 1 ? "" : "s", width,
                                width);
        }
        return nnlite__fail(m, NNLITE_ESHAPE,
                            "%s target has %zu column%s; the model's %zu "
                            "output%s need%s %zu",
                            metric == NNLITE_METRIC_MAE ? "MAE" : "MSE",
                            target->shape[1],
                            target->shape[1] == 1 ? "" : "s", width,
                            width == 1 ? "" : "s", width == 1 ? "s" : "",
                            width);
    }
    return NNLITE_OK;
}

static nnlite_status check_finite(nnlite_model *m, const nnlite_tensor *t,
                                  const char *name)
{
    size_t bad;
    if (!nnlite__all_finite(t->data, t->size, &bad)) {
        return nnlite__fail(m, NNLITE_ENUMERIC, "%s[%zu][%zu] is not finite",
                            name, bad / t->shape[1], bad % t->shape[1]);
    }
    return NNLITE_OK;
}

/* Class indices are whole numbers in 0..cols-1; a binary target (one
 * output) is in [0, 1]. */
static nnlite_status check_classes(nnlite_model *m, nnlite_metric metric,
                                   const nnlite_tensor *target)
{
    const size_t width = nnlite__model_width(m), rows = target->shape[0];
    if (class_indices(metric, width, target->shape[1])) {
        for (size_t r = 0; r < rows; r++) {
            const float t = target->data[r];
            if (!(t >= 0.0f && t <= (float)(width - 1) && t == floorf(t))) {
                return nnlite__fail(m, NNLITE_EINVAL,
                                    "target row %zu: class index %g is not "
                                    "a whole number in 0..%zu",
                                    r, (double)t, width - 1);
            }
        }
    } else if (metric == NNLITE_METRIC_ACCURACY && width == 1) {
        for (size_t r = 0; r < rows; r++) {
            const float t = target->data[r];
            if (!(t >= 0.0f && t <= 1.0f)) {
                return nnlite__fail(m, NNLITE_EINVAL,
                                    "target row %zu: binary target %g is "
                                    "not in [0, 1]",
                                    r, (double)t);
            }
        }
    }
    return NNLITE_OK;
}

/* The first largest of n values. */
static size_t arg_max(const float *v, size_t n)
{
    size_t best = 0;
    for (size_t j = 1; j < n; j++) {
        if (v[j] > v[best]) {
            best = j;
        }
    }
    return best;
}

/* Rows of out [rows, cols] classified as target says; one output means
 * class 1 above `threshold` (0 for a logit, 1/2 for a probability). */
static size_t count_correct(const float *out, const float *target,
                            size_t rows, size_t cols, size_t tcols,
                            float threshold)
{
    size_t correct = 0;
    for (size_t r = 0; r < rows; r++) {
        const float *o = out + r * cols, *t = target + r * tcols;
        size_t predicted, wanted;
        if (cols == 1) { /* against 0/1, or a probability >= 1/2 */
            predicted = o[0] > threshold;
            wanted = t[0] >= 0.5f;
        } else {
            predicted = arg_max(o, cols);
            wanted = tcols == 1 ? (size_t)t[0] : arg_max(t, cols);
        }
        correct += predicted == wanted;
    }
    return correct;
}

/* Sum over n elements of |o - t| (MAE) or (o - t)^2 (MSE), in double. */
static double sum_errors(nnlite_metric metric, const float *out,
                         const float *target, size_t n)
{
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double d = (double)out[i] - (double)target[i];
        sum += metric == NNLITE_METRIC_MAE ? fabs(d) : d * d;
    }
    return sum;
}

static nnlite_status metric_rows(nnlite_model *m, nnlite_metric metric,
                                 const nnlite_tensor *x,
                                 const nnlite_tensor *target, double *value)
{
    const size_t rows = x->shape[0], tcols = target->shape[1];
    const size_t width = nnlite__model_width(m);
    const size_t chunk = nnlite__model_chunk_rows(m, rows);
    const float threshold =
        m->layers[m->layer_count - 1]->ops->probability ? 0.5f : 0.0f;
    double sum = 0.0;
    size_t correct = 0;
    nnlite_status s;

    nnlite__model_initialize(m);
    if ((s = nnlite__model_reserve_rows(m, chunk)) != NNLITE_OK ||
        (s = nnlite__model_reserve_compute(m)) != NNLITE_OK) {
        return s;
    }
    for (size_t r = 0; r < rows; r += chunk) {
        const size_t n = rows - r < chunk ? rows - r : chunk;
        const float *out =
            nnlite__model_forward_rows(m, x->data + r * x->shape[1], n);
        const float *t = target->data + r * tcols;
        if (metric == NNLITE_METRIC_ACCURACY) {
            correct += count_correct(out, t, n, width, tcols, threshold);
        } else {
            sum += sum_errors(metric, out, t, n * width);
        }
    }
    if (metric == NNLITE_METRIC_ACCURACY) {
        *value = (double)correct / (double)rows;
        return NNLITE_OK;
    }
    *value = sum / ((double)rows * (double)width);
    if (!isfinite((float)*value)) { /* as the caller will see it */
        return nnlite__fail(m, NNLITE_ENUMERIC,
                            "the %s is not finite (the outputs overflow)",
                            metric == NNLITE_METRIC_MAE ? "MAE" : "MSE");
    }
    return NNLITE_OK;
}

nnlite_status nnlite_model_evaluate_metric(nnlite_model *m,
                                           nnlite_metric metric,
                                           const nnlite_tensor *x,
                                           const nnlite_tensor *target,
                                           float *value)
{
    nnlite_status s;
    double v;
    if (m == NULL) {
        return NNLITE_EINVAL;
    }
    m->error[0] = '\0';
    if ((s = check_arguments(m, metric, x, target, value)) != NNLITE_OK ||
        (s = check_shapes(m, metric, x, target)) != NNLITE_OK ||
        (s = check_finite(m, x, "x")) != NNLITE_OK ||
        (s = check_finite(m, target, "target")) != NNLITE_OK ||
        (s = check_classes(m, metric, target)) != NNLITE_OK ||
        (s = metric_rows(m, metric, x, target, &v)) != NNLITE_OK) {
        return s;
    }
    *value = (float)v;
    return NNLITE_OK;
}
