/* Every check a model entry point makes before it works (the savers' in
 * io/ too): arguments, the model's state, shapes, finiteness and target
 * values, each with the message the caller will read. An entry point
 * makes one call here, so a data set is checked once, in one place,
 * whatever path it takes. (Stacking a layer checks its width in the
 * layer's bind op, which sets an activation's width as it checks.) */
#include "model_impl.h"

#include <math.h>
#include <string.h>

#include "alloc_impl.h"
#include "nnlite/config.h"
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
    if (layer->owner != NULL) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "this layer belongs to another model; a layer "
                            "cannot be shared (create one per model)");
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
                                          const void *owner, const char *what,
                                          const char *call)
{
    if (incoming == NULL) {
        return nnlite__fail(m, NNLITE_EINVAL, "%s is NULL", what);
    }
    if (owner != NULL && owner != m) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "this %s belongs to another model; it cannot be "
                            "shared (create one per model)",
                            what);
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
#if !NNLITE_HAVE_THREADS
    if (threads > 1) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "nnlite was built without threads "
                            "(-Dthreads=disabled): threads must be 1, not "
                            "%zu",
                            threads);
    }
#endif
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
                            "%s %starget has %zu column%s; the model's %zu "
                            "output%s need%s %s",
                            m->loss->ops->name, pre, target->shape[1],
                            target->shape[1] == 1 ? "" : "s", width,
                            width == 1 ? "" : "s", width == 1 ? "s" : "",
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

/* Everything about rows first .. first + count - 1 of a data set: x
 * [rows, input], a target that fits the loss, finite values, valid class
 * targets. Messages call the tensors x and target, or validation_x and
 * validation_target, and count rows from the start of the tensor. */
static nnlite_status check_rows(nnlite_model *m, const nnlite_tensor *x,
                                const nnlite_tensor *target, bool validation,
                                size_t first, size_t count)
{
    const char *pre = validation ? "validation_" : "";
    const size_t in = x->shape[1], tcols = target->shape[1];
    char detail[NNLITE__ERROR_SIZE];
    size_t bad;
    nnlite_status s;
    if (!nnlite__all_finite(x->data + first * in, count * in, &bad)) {
        return nnlite__fail(m, NNLITE_ENUMERIC,
                            "%sx[%zu][%zu] is not finite", pre,
                            first + bad / in, bad % in);
    }
    if (!nnlite__all_finite(target->data + first * tcols, count * tcols,
                            &bad)) {
        return nnlite__fail(m, NNLITE_ENUMERIC,
                            "%starget[%zu][%zu] is not finite", pre,
                            first + bad / tcols, bad % tcols);
    }
    if (m->loss->ops->check_targets != NULL &&
        (s = m->loss->ops->check_targets(target->data + first * tcols,
                                         count, nnlite__model_width(m),
                                         tcols, detail, sizeof(detail))) !=
            NNLITE_OK) {
        return first == 0 ? nnlite__fail(m, s, "%s%s", pre, detail)
                          : nnlite__fail(m, s,
                                         "%s%s (rows counted from row %zu)",
                                         pre, detail, first);
    }
    return NNLITE_OK;
}

static nnlite_status check_dataset(nnlite_model *m, const nnlite_tensor *x,
                                   const nnlite_tensor *target,
                                   bool validation)
{
    nnlite_status s;
    if ((s = check_input(m, x, validation ? "validation_x" : "x")) !=
            NNLITE_OK ||
        (s = check_target(m, x, target, validation)) != NNLITE_OK) {
        return s;
    }
    return check_rows(m, x, target, validation, 0, x->shape[0]);
}

nnlite_status nnlite__model_check_forward(nnlite_model *m,
                                          const nnlite_tensor *x,
                                          const nnlite_tensor *y)
{
    nnlite_status s;
    if (x == NULL || y == NULL) {
        return nnlite__fail(m, NNLITE_EINVAL, "%s is NULL",
                            x == NULL ? "x" : "y");
    }
    if (!nnlite__tensor_writable(y)) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "y is a read-only view (wrap_const): it cannot "
                            "receive the outputs");
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
        return nnlite__fail(m, NNLITE_EINVAL,
                            "%s is NULL (x, target and the float * that "
                            "receives the loss are all needed)",
                            x == NULL ? "x" : target == NULL ? "target"
                                                            : "loss");
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
             m, "nnlite_model_apply_gradients")) != NNLITE_OK ||
        (s = check_ready(m, false, true)) != NNLITE_OK) {
        return s;
    }
    if (!m->grads_ready) {
        return nnlite__fail(m, NNLITE_ESTATE,
                            "no gradients to apply: call "
                            "nnlite_model_compute_gradients first (none "
                            "since the model was made, or the last one "
                            "failed)");
    }
    return NNLITE_OK;
}

nnlite_status nnlite__model_check_fit_version(nnlite_model *m,
                                              const nnlite_fit_options *o)
{
    if (o->version < 1 || o->version > NNLITE_FIT_OPTIONS_VERSION) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "fit options version %u is not 1 to %u (start "
                            "from NNLITE_FIT_OPTIONS_INIT)",
                            o->version, NNLITE_FIT_OPTIONS_VERSION);
    }
    if (o->version >= 2 && o->result != NULL &&
        o->result->version != NNLITE_FIT_RESULT_VERSION) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "fit result version %u is not %u (start from "
                            "NNLITE_FIT_RESULT_INIT)",
                            o->result->version, NNLITE_FIT_RESULT_VERSION);
    }
    return NNLITE_OK;
}

/* Rows first .. first + *count - 1 lie in a data set of `rows` rows; a
 * count of 0 becomes "up to the last row". */
static nnlite_status check_range(nnlite_model *m, size_t rows, size_t first,
                                 size_t *count, const char *pre)
{
    if (first >= rows) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "%sfirst_row %zu is past the last row (%zu "
                            "rows)",
                            pre, first, rows);
    }
    if (*count == 0) {
        *count = rows - first;
    }
    if (*count > rows - first) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "%srow_count %zu from row %zu runs past the "
                            "last row (%zu rows)",
                            pre, *count, first, rows);
    }
    return NNLITE_OK;
}

static nnlite_status check_schedule(nnlite_model *m,
                                    const nnlite_lr_schedule *sc)
{
    const bool uses_gamma = sc->kind == NNLITE_LR_STEP ||
                            sc->kind == NNLITE_LR_EXPONENTIAL ||
                            sc->kind == NNLITE_LR_PLATEAU;
    if ((unsigned)sc->kind > (unsigned)NNLITE_LR_PLATEAU) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "schedule.kind %d is not a schedule",
                            (int)sc->kind);
    }
    if (sc->kind == NNLITE_LR_STEP && sc->step_size == 0) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "schedule.step_size must be at least 1");
    }
    if (uses_gamma && !(sc->gamma > 0.0f && sc->gamma <= 1.0f)) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "schedule.gamma %g is outside (0, 1]",
                            (double)sc->gamma);
    }
    if ((sc->kind == NNLITE_LR_COSINE || sc->kind == NNLITE_LR_PLATEAU) &&
        !(sc->min_lr >= 0.0f && isfinite(sc->min_lr))) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "schedule.min_lr %g must be >= 0 and finite",
                            (double)sc->min_lr);
    }
    if (sc->kind != NNLITE_LR_CONSTANT &&
        !(sc->base_lr >= 0.0f && isfinite(sc->base_lr))) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "schedule.base_lr %g must be >= 0 (0: the "
                            "optimizer's rate) and finite",
                            (double)sc->base_lr);
    }
    if (sc->kind == NNLITE_LR_PLATEAU &&
        !(sc->threshold >= 0.0f && sc->threshold < 1.0f)) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "schedule.threshold %g is outside [0, 1)",
                            (double)sc->threshold);
    }
    return NNLITE_OK;
}

/* validation_split: the last rows of the training range become the
 * validation set (the options are rewritten to say so). */
static nnlite_status split_validation(nnlite_model *m, const nnlite_tensor *x,
                                      const nnlite_tensor *target,
                                      nnlite_fit_options *o)
{
    const float split = o->validation_split;
    size_t train;
    if (split == 0.0f) {
        return NNLITE_OK;
    }
    if (!(split > 0.0f && split < 1.0f)) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "validation_split %g is outside (0, 1)",
                            (double)split);
    }
    if (o->validation_x != NULL) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "validation_split and validation_x each give a "
                            "validation set: set one of them");
    }
    /* Rounded to the nearest row: 0.3 of 10 rows is 3, though 0.3f is a
     * little more than 0.3 and 1 - 0.3f a little less than 0.7. */
    train = o->row_count -
            (size_t)floor((double)o->row_count * (double)split + 0.5);
    if (train == 0 || train == o->row_count) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "validation_split %g of %zu rows leaves %s no "
                            "row",
                            (double)split, o->row_count,
                            train == 0 ? "training" : "validation");
    }
    o->validation_x = x;
    o->validation_target = target;
    o->validation_first_row = o->first_row + train;
    o->validation_row_count = o->row_count - train;
    o->row_count = train;
    return NNLITE_OK;
}

/* The version-2 fields (all zero, so valid, in a version-1 struct). */
static nnlite_status check_fit_controls(nnlite_model *m,
                                        const nnlite_fit_options *o)
{
    const bool validation = o->validation_x != NULL;
    if (!(o->clip_grad_norm >= 0.0f && isfinite(o->clip_grad_norm))) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "clip_grad_norm %g must be >= 0 (0: off) and "
                            "finite",
                            (double)o->clip_grad_norm);
    }
    if (!(o->min_delta >= 0.0f && isfinite(o->min_delta))) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "min_delta %g must be >= 0 and finite",
                            (double)o->min_delta);
    }
    if ((o->patience > 0 || o->restore_best) && !validation) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "%s watches the validation loss: set "
                            "validation_x and validation_target",
                            o->patience > 0 ? "patience" : "restore_best");
    }
    return check_schedule(m, &o->schedule);
}

nnlite_status nnlite__model_check_fit(nnlite_model *m, const nnlite_tensor *x,
                                      const nnlite_tensor *target,
                                      nnlite_fit_options *o)
{
    nnlite_status s;
    if ((s = nnlite__model_check_not_fitting(m, "nnlite_model_fit")) !=
        NNLITE_OK) {
        return s;
    }
    if (x == NULL || target == NULL) {
        return nnlite__fail(m, NNLITE_EINVAL, "%s is NULL",
                            x == NULL ? "x" : "target");
    }
    if (o->epochs == 0 || o->batch_size == 0) {
        return nnlite__fail(m, NNLITE_EINVAL, "%s must be at least 1",
                            o->epochs == 0 ? "epochs" : "batch_size");
    }
    if ((o->validation_x == NULL) != (o->validation_target == NULL)) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "validation_x and validation_target go together");
    }
    if ((s = check_ready(m, true, true)) != NNLITE_OK ||
        (s = check_input(m, x, "x")) != NNLITE_OK ||
        (s = check_target(m, x, target, false)) != NNLITE_OK ||
        (s = check_range(m, x->shape[0], o->first_row, &o->row_count, "")) !=
            NNLITE_OK ||
        (s = split_validation(m, x, target, o)) != NNLITE_OK ||
        (s = check_fit_controls(m, o)) != NNLITE_OK ||
        (s = check_rows(m, x, target, false, o->first_row, o->row_count)) !=
            NNLITE_OK) {
        return s;
    }
    if (o->validation_x == NULL) {
        return NNLITE_OK;
    }
    if ((s = check_input(m, o->validation_x, "validation_x")) != NNLITE_OK ||
        (s = check_target(m, o->validation_x, o->validation_target, true)) !=
            NNLITE_OK ||
        (s = check_range(m, o->validation_x->shape[0],
                         o->validation_first_row, &o->validation_row_count,
                         "validation_")) != NNLITE_OK) {
        return s;
    }
    return check_rows(m, o->validation_x, o->validation_target, true,
                      o->validation_first_row, o->validation_row_count);
}

nnlite_status nnlite__model_check_predict(nnlite_model *m, const float *x,
                                          size_t rows, const float *y)
{
    nnlite_status s;
    size_t count;
    if (x == NULL || y == NULL) {
        return nnlite__fail(m, NNLITE_EINVAL, "%s is NULL",
                            x == NULL ? "x" : "y");
    }
    if (rows == 0) {
        return nnlite__fail(m, NNLITE_EINVAL, "rows must be at least 1");
    }
    if ((s = check_ready(m, false, false)) != NNLITE_OK) {
        return s;
    }
    if (!nnlite__mul_size(&count, rows, m->input_features) ||
        !nnlite__mul_size(&count, count, sizeof(float)) ||
        !nnlite__mul_size(&count, rows, nnlite__model_width(m)) ||
        !nnlite__mul_size(&count, count, sizeof(float))) {
        return nnlite__fail(m, NNLITE_ENOMEM,
                            "%zu rows of x or y are more bytes than memory "
                            "can address",
                            rows);
    }
    return check_finite(m, x, rows, m->input_features, "x");
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
