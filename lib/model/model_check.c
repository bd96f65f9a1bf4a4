/* Every check a model entry point makes before it works (the savers' in
 * io/ too): arguments, the model's state, shapes, finiteness and target
 * values, each with the message the caller will read. An entry point
 * makes one call here, so a data set is checked once, in one place,
 * whatever path it takes. (Stacking a layer checks its width in the
 * layer's bind op, which sets an activation's width as it checks.) */
#include "model_impl.h"

#include <string.h>

#include "nnlite/io.h"
#include "numeric_impl.h"
#include "optim_impl.h"
#include "tensor_impl.h"

nnlite_status nnlite__model_check_not_fitting(nnlite_model *m,
                                              const char *what)
{
    if (m->fitting) {
        return nnlite__fail(m, NNLITE_ESTATE,
                            "%s cannot be called from a fit callback", what);
    }
    return NNLITE_OK;
}

nnlite_status nnlite__model_check_add(nnlite_model *m,
                                      const nnlite_layer *layer)
{
    if (layer == NULL) {
        return nnlite__fail(m, NNLITE_EINVAL, "layer is NULL");
    }
    const size_t i = nnlite__model_layer_index(m, layer);
    if (i < m->layer_count) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "this layer was already added (as layer %zu)",
                            i + 1);
    }
    if (m->initialized) {
        return nnlite__fail(m, NNLITE_ESTATE,
                            "layers cannot be added after the weights were "
                            "initialised (first forward, training or "
                            "params)");
    }
    return NNLITE_OK;
}

nnlite_status nnlite__model_check_replace(nnlite_model *m,
                                          const void *incoming,
                                          const char *what, const char *call)
{
    if (incoming == NULL) {
        return nnlite__fail(m, NNLITE_EINVAL, "%s is NULL", what);
    }
    return nnlite__model_check_not_fitting(m, call);
}

nnlite_status nnlite__model_check_threads(nnlite_model *m, size_t threads)
{
    nnlite_status s;
    if ((s = nnlite__model_check_not_fitting(m, "nnlite_model_set_threads")) !=
        NNLITE_OK) {
        return s;
    }
    if (threads == 0 || threads > NNLITE__MAX_THREADS) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "threads must be 1 to %d, not %zu",
                            NNLITE__MAX_THREADS, threads);
    }
    return NNLITE_OK;
}

nnlite_status nnlite__model_check_metadata(nnlite_model *m, const char *name,
                                           const float *values, size_t count,
                                           size_t *length)
{
    if (name == NULL || (values == NULL && count > 0)) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "metadata needs a name, and values when count "
                            "is not 0");
    }
    *length = strlen(name);
    if (*length == 0 || *length > NNLITE_METADATA_NAME_MAX) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "a metadata name has 1 to %d bytes, not %zu",
                            NNLITE_METADATA_NAME_MAX, *length);
    }
    return NNLITE_OK;
}

nnlite_status nnlite__model_check_save_path(nnlite_model *m, const char *path)
{
    if (path == NULL || path[0] == '\0') {
        return nnlite__fail(m, NNLITE_EINVAL, "path is NULL or empty");
    }
    return NNLITE_OK;
}

nnlite_status nnlite__model_check_save_buffer(nnlite_model *m,
                                              const void *buffer,
                                              size_t capacity,
                                              const size_t *size)
{
    if (size == NULL || (buffer == NULL && capacity > 0)) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "size is required, and a buffer when capacity "
                            "is not 0");
    }
    return NNLITE_OK;
}

nnlite_status nnlite__model_check_capacity(nnlite_model *m, size_t capacity,
                                           size_t needed)
{
    if (capacity < needed) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "the buffer holds %zu bytes; the model needs %zu",
                            capacity, needed);
    }
    return NNLITE_OK;
}

/* The model has layers, and a loss and an optimizer where needed. */
static nnlite_status check_ready(nnlite_model *m, bool need_loss,
                                 bool need_optimizer)
{
    if (m->layer_count == 0) {
        return nnlite__fail(m, NNLITE_ESTATE, "the model has no layers");
    }
    if (need_loss && m->loss == NULL) {
        return nnlite__fail(m, NNLITE_ESTATE,
                            "no loss set (nnlite_model_set_loss)");
    }
    if (need_optimizer && m->optimizer == NULL) {
        return nnlite__fail(m, NNLITE_ESTATE,
                            "no optimizer set (nnlite_model_set_optimizer)");
    }
    return NNLITE_OK;
}

/* x is [rows, input features]; `name` is what messages call it. */
static nnlite_status check_input(nnlite_model *m, const nnlite_tensor *x,
                                 const char *name)
{
    if (x->rank != 2) {
        return nnlite__fail(m, NNLITE_ESHAPE,
                            "%s must be rank 2 [batch, %zu], not rank %zu",
                            name, m->input_features, x->rank);
    }
    if (x->shape[1] != m->input_features) {
        return nnlite__fail(m, NNLITE_ESHAPE,
                            "%s has %zu features but the model takes %zu",
                            name, x->shape[1], m->input_features);
    }
    return NNLITE_OK;
}

/* target has x's rows and a width the loss takes. */
static nnlite_status check_target(nnlite_model *m, const nnlite_tensor *x,
                                  const nnlite_tensor *target,
                                  bool validation)
{
    const char *pre = validation ? "validation_" : "";
    const size_t width = nnlite__model_width(m);
    char want[64];
    if (target->rank != 2) {
        return nnlite__fail(m, NNLITE_ESHAPE, "%starget must be rank 2", pre);
    }
    if (target->shape[0] != x->shape[0]) {
        return nnlite__fail(m, NNLITE_ESHAPE,
                            "%sx has %zu rows but %starget has %zu", pre,
                            x->shape[0], pre, target->shape[0]);
    }
    if (!m->loss->ops->target_fits(width, target->shape[1])) {
        m->loss->ops->describe_target(width, want, sizeof(want));
        return nnlite__fail(m, NNLITE_ESHAPE,
                            "%s %starget has %zu columns; the model's %zu "
                            "outputs need %s",
                            m->loss->ops->name, pre, target->shape[1], width,
                            want);
    }
    return NNLITE_OK;
}

/* No NaN or infinity in a [rows, cols] buffer called `name`. */
static nnlite_status check_finite(nnlite_model *m, const float *p,
                                  size_t rows, size_t cols, const char *name)
{
    size_t bad;
    if (!nnlite__all_finite(p, rows * cols, &bad)) {
        return nnlite__fail(m, NNLITE_ENUMERIC, "%s[%zu][%zu] is not finite",
                            name, bad / cols, bad % cols);
    }
    return NNLITE_OK;
}

/* Everything about a data set: x [rows, input], a target that fits the
 * loss, finite values, valid class targets. Messages call the tensors x
 * and target, or validation_x and validation_target. */
static nnlite_status check_dataset(nnlite_model *m, const nnlite_tensor *x,
                                   const nnlite_tensor *target,
                                   bool validation)
{
    char detail[NNLITE__ERROR_SIZE];
    nnlite_status s;
    if ((s = check_input(m, x, validation ? "validation_x" : "x")) !=
            NNLITE_OK ||
        (s = check_target(m, x, target, validation)) != NNLITE_OK ||
        (s = check_finite(m, x->data, x->shape[0], x->shape[1],
                          validation ? "validation_x" : "x")) != NNLITE_OK ||
        (s = check_finite(m, target->data, target->shape[0],
                          target->shape[1],
                          validation ? "validation_target" : "target")) !=
            NNLITE_OK) {
        return s;
    }
    if (m->loss->ops->check_targets != NULL &&
        (s = m->loss->ops->check_targets(
             target->data, target->shape[0], nnlite__model_width(m),
             target->shape[1], detail, sizeof(detail))) != NNLITE_OK) {
        return nnlite__fail(m, s, "%s%s", validation ? "validation_" : "",
                            detail);
    }
    return NNLITE_OK;
}

nnlite_status nnlite__model_check_forward(nnlite_model *m,
                                          const nnlite_tensor *x,
                                          const nnlite_tensor *y)
{
    nnlite_status s;
    if (x == NULL || y == NULL) {
        return nnlite__fail(m, NNLITE_EINVAL, "x and y are needed");
    }
    if ((s = check_ready(m, false, false)) != NNLITE_OK ||
        (s = check_input(m, x, "x")) != NNLITE_OK) {
        return s;
    }
    const size_t width = nnlite__model_width(m);
    if (y->rank != 2 || y->shape[0] != x->shape[0] || y->shape[1] != width) {
        return nnlite__fail(m, NNLITE_ESHAPE,
                            "y must be [%zu, %zu] (x's rows, the model's "
                            "outputs)",
                            x->shape[0], width);
    }
    return check_finite(m, x->data, x->shape[0], x->shape[1], "x");
}

nnlite_status nnlite__model_check_evaluate(nnlite_model *m,
                                           const nnlite_tensor *x,
                                           const nnlite_tensor *target,
                                           const float *loss)
{
    nnlite_status s;
    if (x == NULL || target == NULL || loss == NULL) {
        return nnlite__fail(m, NNLITE_EINVAL, "x, target and loss are needed");
    }
    if ((s = check_ready(m, true, false)) != NNLITE_OK) {
        return s;
    }
    return check_dataset(m, x, target, false);
}

nnlite_status nnlite__model_check_step(nnlite_model *m,
                                       const nnlite_tensor *x,
                                       const nnlite_tensor *target,
                                       bool need_optimizer)
{
    nnlite_status s;
    if ((s = nnlite__model_check_not_fitting(m, "training")) != NNLITE_OK) {
        return s;
    }
    if (x == NULL || target == NULL) {
        return nnlite__fail(m, NNLITE_EINVAL, "x and target are needed");
    }
    if ((s = check_ready(m, true, need_optimizer)) != NNLITE_OK) {
        return s;
    }
    return check_dataset(m, x, target, false);
}

nnlite_status nnlite__model_check_apply(nnlite_model *m)
{
    nnlite_status s;
    if ((s = nnlite__model_check_not_fitting(
             m, "nnlite_model_apply_gradients")) != NNLITE_OK) {
        return s;
    }
    return check_ready(m, false, true);
}

static nnlite_status check_fit_options(nnlite_model *m,
                                       const nnlite_fit_options *o)
{
    if (o->version != NNLITE_FIT_OPTIONS_VERSION) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "fit options version %u is not %u (start from "
                            "NNLITE_FIT_OPTIONS_INIT)",
                            o->version, NNLITE_FIT_OPTIONS_VERSION);
    }
    if (o->epochs == 0 || o->batch_size == 0) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "epochs and batch_size must be at least 1");
    }
    if ((o->validation_x == NULL) != (o->validation_target == NULL)) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "validation_x and validation_target go together");
    }
    if (o->validation_x != NULL) {
        return check_dataset(m, o->validation_x, o->validation_target, true);
    }
    return NNLITE_OK;
}

nnlite_status nnlite__model_check_fit(nnlite_model *m, const nnlite_tensor *x,
                                      const nnlite_tensor *target,
                                      const nnlite_fit_options *options)
{
    nnlite_status s;
    if ((s = nnlite__model_check_not_fitting(m, "nnlite_model_fit")) !=
        NNLITE_OK) {
        return s;
    }
    if (x == NULL || target == NULL) {
        return nnlite__fail(m, NNLITE_EINVAL, "x and target are needed");
    }
    if ((s = check_ready(m, true, true)) != NNLITE_OK ||
        (s = check_dataset(m, x, target, false)) != NNLITE_OK) {
        return s;
    }
    return check_fit_options(m, options);
}

nnlite_status nnlite__model_check_grads(nnlite_model *m)
{
    size_t bad;
    if (!nnlite__all_finite(m->grads, m->param_count, &bad)) {
        return nnlite__fail(m, NNLITE_ENUMERIC,
                            "gradient of parameter %zu is not finite; "
                            "parameters left unchanged",
                            bad);
    }
    return NNLITE_OK;
}

nnlite_status nnlite__model_check_save_options(
    nnlite_model *m, const nnlite_save_options *options,
    bool *with_optimizer)
{
    *with_optimizer = true;
    if (options == NULL) {
        return NNLITE_OK;
    }
    if (options->version != NNLITE_SAVE_OPTIONS_VERSION) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "save options version %u is unknown (this "
                            "library reads %u)",
                            options->version, NNLITE_SAVE_OPTIONS_VERSION);
    }
    *with_optimizer = options->optimizer != 0;
    return NNLITE_OK;
}

/* An inference-only file holds no optimizer state: its values need no
 * check (the parameters always do). */
nnlite_status nnlite__model_check_savable(nnlite_model *m,
                                          bool with_optimizer)
{
    const nnlite_optimizer *o = with_optimizer ? m->optimizer : NULL;
    size_t bad;
    if (!nnlite__all_finite(m->params, m->param_count, &bad)) {
        return nnlite__fail(m, NNLITE_ENUMERIC,
                            "parameter %zu is not finite: a file holding it "
                            "could not be loaded, so nothing was saved",
                            bad);
    }
    if (o != NULL &&
        !nnlite__all_finite(o->state,
                            nnlite__optimizer_state_floats(o, m->param_count),
                            &bad)) {
        return nnlite__fail(m, NNLITE_ENUMERIC,
                            "optimizer state value %zu is not finite: "
                            "nothing was saved",
                            bad);
    }
    return NNLITE_OK;
}
