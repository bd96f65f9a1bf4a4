/* nnlite_model_memory_needed(): the model's allocations, from its
 * creation to its first training step, replayed in order through the
 * arena's placement (arena_plan.c). Every size comes from the function
 * the real allocation uses (workspace, packing scratch, optimizer
 * buffer) or from the struct it allocates, so the two cannot drift apart
 * without tests/test_memory.c, which holds the result equal to an
 * arena's high-water mark, failing. */
#include "alloc_impl.h"
#include "arena_impl.h"
#include "model_impl.h"
#include "tensor_impl.h"

/* A block of the plan: where the arena put it and how big it is. */
typedef struct planned {
    size_t offset, bytes;
    bool live;
} planned;

static planned place(nnlite__arena_plan *p, size_t size)
{
    planned b;
    b.offset = nnlite__arena_plan_alloc(p, size, &b.bytes);
    b.live = true;
    return b;
}

/* count * elem bytes, as nnlite__calloc_array asks for them. */
static planned place_array(nnlite__arena_plan *p, size_t count, size_t elem)
{
    size_t bytes;
    if (!nnlite__mul_size(&bytes, count, elem)) {
        p->failed = true;
        bytes = 0;
    }
    return place(p, bytes);
}

static void release(nnlite__arena_plan *p, planned *b)
{
    if (b->live) {
        nnlite__arena_plan_free(p, b->offset, b->bytes);
        b->live = false;
    }
}

/* nnlite_model_create, then each layer made and added as model.c's
 * grow_for_layer does it: new arrays and parameter buffers first, the
 * old ones freed after. */
static void plan_layers(nnlite__arena_plan *p, const nnlite_model *m)
{
    planned layers = {0, 0, false}, outputs = {0, 0, false};
    planned params = {0, 0, false}, grads = {0, 0, false};
    size_t capacity = 0, count = 0;

    place(p, sizeof(struct nnlite_model));
    for (size_t i = 0; i < m->layer_count; i++) {
        const nnlite_layer *l = m->layers[i];
        const size_t own = nnlite__layer_param_count(l);
        planned new_layers = {0, 0, false}, new_outputs = {0, 0, false};
        place(p, sizeof(*l) + l->value_count * sizeof(float));
        if (i == capacity) {
            capacity = capacity == 0 ? 8 : 2 * capacity;
            new_layers = place_array(p, capacity, sizeof(*m->layers));
            new_outputs = place_array(p, capacity, sizeof(*m->outputs));
        }
        planned new_params = {0, 0, false}, new_grads = {0, 0, false};
        if (own > 0 || !params.live) {
            count += own;
            new_params = place_array(p, count, sizeof(float));
            new_grads = place_array(p, count, sizeof(float));
        }
        if (new_layers.live) {
            release(p, &layers);
            release(p, &outputs);
            layers = new_layers;
            outputs = new_outputs;
        }
        if (new_params.live) {
            release(p, &params);
            release(p, &grads);
            params = new_params;
            grads = new_grads;
        }
    }
}

/* The loss, the optimizer and its buffer (sized when it is set). */
static void plan_parts(nnlite__arena_plan *p, const nnlite_model *m)
{
    size_t floats;
    if (m->loss != NULL) {
        place(p, sizeof(*m->loss));
    }
    if (m->optimizer != NULL) {
        place(p, sizeof(*m->optimizer));
        if (!nnlite__optimizer_buffer_floats(m->optimizer, m->param_count,
                                             &floats)) {
            p->failed = true;
        } else if (floats > 0) {
            place_array(p, floats, sizeof(float));
        }
    }
}

/* The workspace for `rows` rows, as nnlite__model_reserve_rows makes it. */
static planned plan_workspace(nnlite__arena_plan *p, const nnlite_model *m,
                              size_t rows)
{
    size_t floats;
    if (!nnlite__model_workspace_floats(m, rows, &floats)) {
        p->failed = true;
        floats = 0;
    }
    return place_array(p, floats, sizeof(float));
}

/* The packing scratch of passes of up to `rows` rows, if any. */
static void plan_pack(nnlite__arena_plan *p, const nnlite_model *m,
                      size_t rows)
{
    const size_t floats = nnlite__model_pack_floats(m, rows);
    if (floats > 0) {
        place_array(p, floats, sizeof(float));
    }
}

static nnlite_status check_plannable(const nnlite_model *m)
{
    return m->layer_count == 0 || m->threads > 1 ? NNLITE_ESTATE
                                                 : NNLITE_OK;
}

nnlite_status nnlite_model_memory_needed(const nnlite_model *model,
                                         size_t batch_size, size_t *bytes)
{
    nnlite__arena_plan plan;
    nnlite_status s;
    if (model == NULL || bytes == NULL || batch_size == 0) {
        return NNLITE_EINVAL;
    }
    if ((s = check_plannable(model)) != NNLITE_OK) {
        return s;
    }
    nnlite__arena_plan_init(&plan);
    plan_layers(&plan, model);
    plan_parts(&plan, model);
    plan_workspace(&plan, model, batch_size);
    plan_pack(&plan, model, batch_size);
    return nnlite__arena_plan_result(&plan, bytes) ? NNLITE_OK
                                                   : NNLITE_ENOMEM;
}

/* What fit's prepare() allocates, in its order, then the first batch's
 * packing scratch. */
static void plan_fit(nnlite__arena_plan *p, const nnlite_model *m,
                     const nnlite_fit_options *o, size_t target_cols)
{
    const size_t rows = o->row_count;
    const size_t batch = o->batch_size < rows ? o->batch_size : rows;
    size_t capacity = batch;
    planned workspace = plan_workspace(p, m, batch);
    if (o->validation_x != NULL) {
        const size_t limit = nnlite_model_get_chunk_rows(m) > batch
                                 ? nnlite_model_get_chunk_rows(m)
                                 : batch;
        const size_t chunk = o->validation_row_count < limit
                                 ? o->validation_row_count
                                 : limit;
        if (chunk > batch) { /* the workspace grows: new, then old freed */
            plan_workspace(p, m, chunk);
            release(p, &workspace);
            capacity = chunk;
        }
    }
    if (o->restore_best) {
        place_array(p, m->param_count, sizeof(float));
    }
    if (o->shuffle) {
        if (!o->shuffle_stream) {
            place_array(p, rows, sizeof(size_t));
        }
        place_array(p, batch, m->input_features * sizeof(float));
        place_array(p, batch, target_cols * sizeof(float));
    }
    plan_pack(p, m, capacity);
}

nnlite_status nnlite_model_fit_memory_needed(
    nnlite_model *model, const nnlite_tensor *x, const nnlite_tensor *target,
    const nnlite_fit_options *options, size_t *bytes)
{
    nnlite_fit_options o;
    nnlite__arena_plan plan;
    nnlite_status s;
    if (model == NULL) {
        return NNLITE_EINVAL;
    }
    model->error[0] = '\0';
    if (bytes == NULL) {
        return nnlite__fail(model, NNLITE_EINVAL, "bytes is NULL");
    }
    if ((s = check_plannable(model)) != NNLITE_OK) {
        return nnlite__fail(model, s,
                            "the plan needs layers and one thread");
    }
    if ((s = nnlite__model_read_fit_options(model, options, &o)) !=
            NNLITE_OK ||
        (s = nnlite__model_check_fit(model, x, target, &o)) != NNLITE_OK) {
        return s;
    }
    nnlite__arena_plan_init(&plan);
    plan_layers(&plan, model);
    plan_parts(&plan, model);
    plan_fit(&plan, model, &o, target->shape[1]);
    if (!nnlite__arena_plan_result(&plan, bytes)) {
        return nnlite__fail(model, NNLITE_ENOMEM,
                            "the model's allocations are too many or too "
                            "large to plan");
    }
    return NNLITE_OK;
}
