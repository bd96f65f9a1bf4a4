/* The scaling layers: fixed (non-trainable) per-column affine maps that
 * the model carries so it takes and gives data in the data's own units.
 *   standardize:   y = (x - mean) / std,  dx = dy / std
 *   destandardize: y = x * std + mean,    dx = dy * std
 * mean and std are owned by the layer (layer->values: mean then std) and
 * are not parameters: no optimizer touches them. Like a dense layer, the
 * width is fixed at creation. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "alloc_impl.h"
#include "layer_impl.h"
#include "message_impl.h"
#include "tensor_impl.h"

static nnlite_status scaling_configure(nnlite_layer *layer,
                                       const nnlite__layer_config *config,
                                       char *message, size_t size)
{
    const size_t n = config->features;
    if (n == 0) {
        nnlite__format(message, size, "features 0 must be at least 1");
        return NNLITE_EINVAL;
    }
    if (n > SIZE_MAX / (2 * sizeof(float))) { /* before any array read */
        nnlite__format(message, size,
                       "features %zu: 2 x %zu floats overflow the address "
                       "space",
                       n, n);
        return NNLITE_ENOMEM;
    }
    if (config->mean == NULL || config->std == NULL) {
        nnlite__format(message, size, "%s is NULL",
                       config->mean == NULL ? "mean" : "std");
        return NNLITE_EINVAL;
    }
    for (size_t j = 0; j < n; j++) {
        if (!isfinite(config->mean[j])) {
            nnlite__format(message, size, "mean[%zu] %g is not finite", j,
                           (double)config->mean[j]);
            return NNLITE_EINVAL;
        }
    }
    for (size_t j = 0; j < n; j++) {
        const float s = config->std[j];
        if (!(s > 0.0f) || !isfinite(s)) {
            nnlite__format(message, size,
                           "std[%zu] %g is not positive and finite", j,
                           (double)s);
            return NNLITE_EINVAL;
        }
    }
    layer->in = layer->out = n;
    layer->value_count = 2 * n; /* bounded above */
    return NNLITE_OK;
}

static void scaling_store(nnlite_layer *layer,
                          const nnlite__layer_config *config)
{
    const size_t n = config->features;
    memcpy(layer->values, config->mean, n * sizeof(float));
    memcpy(layer->values + n, config->std, n * sizeof(float));
}

/* The file stores mean then std; the record's widths give their count. */
static nnlite_status scaling_parse(nnlite__layer_config *config,
                                   const float *values, size_t count,
                                   char *message, size_t size)
{
    const size_t n = config->spec.in_features;
    if (n == 0 || n > SIZE_MAX / 2 || count != 2 * n ||
        config->spec.out_features != n) {
        nnlite__format(message, size,
                       "a scaling layer of %zu -> %zu features stores "
                       "2 x %zu values, not %zu",
                       n, config->spec.out_features, n, count);
        return NNLITE_EINVAL;
    }
    config->features = n;
    config->mean = values;
    config->std = values + n;
    return NNLITE_OK;
}

/* Its input width is fixed at creation: it takes only that. */
static bool scaling_bind(nnlite_layer *layer, size_t width)
{
    return layer->in == width;
}

static void standardize_forward(const nnlite_layer *layer,
                                const float *params, const float *x, float *y,
                                size_t batch, const nnlite__compute *cx)
{
    const size_t n = layer->out;
    const float *mean = layer->values, *std = layer->values + n;
    (void)params, (void)cx;
    for (size_t r = 0; r < batch; r++) {
        for (size_t j = 0; j < n; j++) {
            y[r * n + j] = (x[r * n + j] - mean[j]) / std[j];
        }
    }
}

static void standardize_backward(const nnlite_layer *layer,
                                 const float *params, const float *x,
                                 const float *y, const float *dy, float *dx,
                                 float *dparams, size_t batch,
                                 const nnlite__compute *cx)
{
    const size_t n = layer->out;
    const float *std = layer->values + n;
    (void)params, (void)x, (void)y, (void)dparams, (void)cx;
    if (dx == NULL) {
        return;
    }
    for (size_t r = 0; r < batch; r++) {
        for (size_t j = 0; j < n; j++) {
            dx[r * n + j] = dy[r * n + j] / std[j];
        }
    }
}

static void destandardize_forward(const nnlite_layer *layer,
                                  const float *params, const float *x,
                                  float *y, size_t batch,
                                  const nnlite__compute *cx)
{
    const size_t n = layer->out;
    const float *mean = layer->values, *std = layer->values + n;
    (void)params, (void)cx;
    for (size_t r = 0; r < batch; r++) {
        for (size_t j = 0; j < n; j++) {
            y[r * n + j] = x[r * n + j] * std[j] + mean[j];
        }
    }
}

static void destandardize_backward(const nnlite_layer *layer,
                                   const float *params, const float *x,
                                   const float *y, const float *dy, float *dx,
                                   float *dparams, size_t batch,
                                   const nnlite__compute *cx)
{
    const size_t n = layer->out;
    const float *std = layer->values + n;
    (void)params, (void)x, (void)y, (void)dparams, (void)cx;
    if (dx == NULL) {
        return;
    }
    for (size_t r = 0; r < batch; r++) {
        for (size_t j = 0; j < n; j++) {
            dx[r * n + j] = dy[r * n + j] * std[j];
        }
    }
}

/* The values are data statistics, too many to print: say what they are. */
static void scaling_describe(const nnlite_layer *layer, char *buf,
                             size_t size)
{
    (void)layer;
    nnlite__format(buf, size, "fixed mean and std, not trained");
}

const nnlite__layer_ops nnlite__standardize_ops = {
    .kind = NNLITE_LAYER_STANDARDIZE,
    .name = "standardize",
    .configure = scaling_configure,
    .store = scaling_store,
    .parse = scaling_parse,
    .bind = scaling_bind,
    .param_count = nnlite__no_params,
    .forward = standardize_forward,
    .backward = standardize_backward,
    .describe = scaling_describe,
};

const nnlite__layer_ops nnlite__destandardize_ops = {
    .kind = NNLITE_LAYER_DESTANDARDIZE,
    .name = "destandardize",
    .configure = scaling_configure,
    .store = scaling_store,
    .parse = scaling_parse,
    .bind = scaling_bind,
    .param_count = nnlite__no_params,
    .forward = destandardize_forward,
    .backward = destandardize_backward,
    .describe = scaling_describe,
};

/* ---- constructors -------------------------------------------------- */

static nnlite__layer_config scaling_config(nnlite_layer_kind kind,
                                           size_t features, const float *mean,
                                           const float *std)
{
    const nnlite__layer_config c = {{kind, features, features, 0.0f}, 0.0f,
                                    features, mean, std};
    return c;
}

nnlite_status nnlite_standardize_check(size_t features, const float *mean,
                                       const float *std, char *message,
                                       size_t size)
{
    const nnlite__layer_config c =
        scaling_config(NNLITE_LAYER_STANDARDIZE, features, mean, std);
    return nnlite__layer_check_config(&c, message, size);
}

nnlite_status nnlite_standardize_create_advanced(
    nnlite_layer **out, size_t features, const float *mean, const float *std,
    const nnlite_allocator *allocator)
{
    const nnlite__layer_config c =
        scaling_config(NNLITE_LAYER_STANDARDIZE, features, mean, std);
    return nnlite__layer_create_config(out, &c, allocator, NULL, 0);
}

nnlite_status nnlite_standardize_create(nnlite_layer **out, size_t features,
                                        const float *mean, const float *std)
{
    return nnlite_standardize_create_advanced(out, features, mean, std,
                                              NULL);
}

nnlite_status nnlite_destandardize_create_advanced(
    nnlite_layer **out, size_t features, const float *mean, const float *std,
    const nnlite_allocator *allocator)
{
    const nnlite__layer_config c =
        scaling_config(NNLITE_LAYER_DESTANDARDIZE, features, mean, std);
    return nnlite__layer_create_config(out, &c, allocator, NULL, 0);
}

nnlite_status nnlite_destandardize_create(nnlite_layer **out,
                                          size_t features, const float *mean,
                                          const float *std)
{
    return nnlite_destandardize_create_advanced(out, features, mean, std,
                                                NULL);
}

/* ---- fitted from data ---------------------------------------------- */

/*
 * Column j of data [rows, features]: mean = sum x / rows and the
 * population standard deviation sqrt(sum (x - mean)^2 / rows), both
 * accumulated in double (two passes: no cancellation). A standard
 * deviation of 0 (a constant column) becomes 1, as scikit-learn's
 * StandardScaler does, so the column is only shifted. NNLITE_ENUMERIC
 * for a non-finite value or a result beyond float's range.
 */
static nnlite_status fit_column(const nnlite_tensor *data, size_t j,
                                float *mean, float *std, char *message,
                                size_t size)
{
    const size_t rows = data->shape[0], cols = data->shape[1];
    double sum = 0.0, squares = 0.0;
    for (size_t r = 0; r < rows; r++) {
        const float v = data->data[r * cols + j];
        if (!isfinite(v)) {
            nnlite__format(message, size,
                           "data[%zu][%zu] %g is not finite", r, j,
                           (double)v);
            return NNLITE_ENUMERIC;
        }
        sum += (double)v;
    }
    const double m = sum / (double)rows;
    for (size_t r = 0; r < rows; r++) {
        const double d = (double)data->data[r * cols + j] - m;
        squares += d * d;
    }
    const double s = sqrt(squares / (double)rows);
    *mean = (float)m;
    *std = s == 0.0 ? 1.0f : (float)s;
    if (!isfinite(*mean) || !isfinite(*std) || !(*std > 0.0f)) {
        nnlite__format(message, size,
                       "column %zu's standard deviation %g does not fit a "
                       "positive finite float",
                       j, s);
        return NNLITE_ENUMERIC;
    }
    return NNLITE_OK;
}

static nnlite_status check_data(const nnlite_tensor *data, char *message,
                                size_t size)
{
    if (data == NULL) {
        nnlite__format(message, size, "data is NULL");
        return NNLITE_EINVAL;
    }
    if (data->rank != 2) {
        nnlite__format(message, size,
                       "data has rank %zu; a [rows, features] tensor "
                       "(rank 2) is needed",
                       data->rank);
        return NNLITE_ESHAPE;
    }
    return NNLITE_OK;
}

nnlite_status nnlite_standardize_fitted_check(const nnlite_tensor *data,
                                              char *message, size_t size)
{
    nnlite_status s = check_data(data, message, size);
    float mean, std;
    for (size_t j = 0; s == NNLITE_OK && j < data->shape[1]; j++) {
        s = fit_column(data, j, &mean, &std, message, size);
    }
    if (s == NNLITE_OK) {
        nnlite__format(message, size, "%s", "");
    }
    return s;
}

static nnlite_status create_fitted(nnlite_layer **out, nnlite_layer_kind kind,
                                   const nnlite_tensor *data,
                                   const nnlite_allocator *allocator)
{
    nnlite_allocator a;
    float *values;
    size_t cols;
    nnlite_status s;
    if (out == NULL) {
        return NNLITE_EINVAL;
    }
    *out = NULL;
    if (nnlite__allocator_resolve(&a, allocator) != NNLITE_OK) {
        return NNLITE_EINVAL;
    }
    if ((s = check_data(data, NULL, 0)) != NNLITE_OK) {
        return s;
    }
    cols = data->shape[1];
    /* Fitted into scratch, then made through the checked constructor. */
    values = nnlite__calloc_array(&a, cols, 2 * sizeof(float));
    if (values == NULL) {
        return NNLITE_ENOMEM;
    }
    for (size_t j = 0; s == NNLITE_OK && j < cols; j++) {
        s = fit_column(data, j, &values[j], &values[cols + j], NULL, 0);
    }
    if (s == NNLITE_OK) {
        const nnlite__layer_config c =
            scaling_config(kind, cols, values, values + cols);
        s = nnlite__layer_create_config(out, &c, &a, NULL, 0);
    }
    nnlite__free(&a, values);
    return s;
}

nnlite_status nnlite_standardize_create_fitted_advanced(
    nnlite_layer **out, const nnlite_tensor *data,
    const nnlite_allocator *allocator)
{
    return create_fitted(out, NNLITE_LAYER_STANDARDIZE, data, allocator);
}

nnlite_status nnlite_standardize_create_fitted(nnlite_layer **out,
                                               const nnlite_tensor *data)
{
    return create_fitted(out, NNLITE_LAYER_STANDARDIZE, data, NULL);
}

nnlite_status nnlite_destandardize_create_fitted_advanced(
    nnlite_layer **out, const nnlite_tensor *data,
    const nnlite_allocator *allocator)
{
    return create_fitted(out, NNLITE_LAYER_DESTANDARDIZE, data, allocator);
}

nnlite_status nnlite_destandardize_create_fitted(nnlite_layer **out,
                                                 const nnlite_tensor *data)
{
    return create_fitted(out, NNLITE_LAYER_DESTANDARDIZE, data, NULL);
}

nnlite_status nnlite_layer_scaling(const nnlite_layer *layer,
                                   const float **mean, const float **std,
                                   size_t *features)
{
    if (layer == NULL || mean == NULL || std == NULL || features == NULL ||
        (layer->ops != &nnlite__standardize_ops &&
         layer->ops != &nnlite__destandardize_ops)) {
        return NNLITE_EINVAL;
    }
    *features = layer->out;
    *mean = layer->values;
    *std = layer->values + layer->out;
    return NNLITE_OK;
}
