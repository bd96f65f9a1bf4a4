/* The model's per-batch buffers: sized once for the largest batch seen, so
 * steady-state training allocates nothing. Layout, for batch_capacity
 * rows: each layer's output, the two gradient buffers, then the masks of
 * the layers that keep one (dropout). */
#include "alloc_impl.h"
#include "model_impl.h"

/* Rows a forward or evaluate pass may grow the workspace to, unless
 * training already made it larger or nnlite_model_set_chunk_rows() says
 * otherwise. Bounds memory on huge data sets. */
#define CHUNK_ROWS 1024

void nnlite__model_release_workspace(nnlite_model *m)
{
    nnlite__free(&m->allocator, m->workspace);
    m->workspace = NULL;
    m->delta[0] = m->delta[1] = m->masks = NULL;
    m->batch_capacity = 0;
}

size_t nnlite__model_chunk_rows(const nnlite_model *m, size_t rows)
{
    const size_t set = nnlite_model_get_chunk_rows(m);
    const size_t limit = m->batch_capacity > set ? m->batch_capacity : set;
    return rows < limit ? rows : limit;
}

nnlite_status nnlite_model_set_chunk_rows(nnlite_model *m, size_t rows)
{
    if (m == NULL) {
        return NNLITE_EINVAL;
    }
    m->error[0] = '\0';
    if (rows == 0) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "chunk rows 0 is not at least 1");
    }
    m->chunk_rows = rows;
    return NNLITE_OK;
}

size_t nnlite_model_get_chunk_rows(const nnlite_model *m)
{
    if (m == NULL) {
        return 0;
    }
    return m->chunk_rows == 0 ? CHUNK_ROWS : m->chunk_rows;
}

/* Width of the gradient buffers: the widest layer output. Layer i reads
 * a gradient as wide as its output and writes one as wide as its input,
 * the output of layer i - 1; the first layer writes none, so the model's
 * input width does not count. */
static size_t delta_width(const nnlite_model *m)
{
    size_t width = 0;
    for (size_t i = 0; i < m->layer_count; i++) {
        width = m->layers[i]->out > width ? m->layers[i]->out : width;
    }
    return width;
}

bool nnlite__model_workspace_floats(const nnlite_model *m, size_t rows,
                                    size_t *floats)
{
    size_t width_sum = 0, per_row;
    bool ok = nnlite__mul_size(&per_row, delta_width(m), 2);
    for (size_t i = 0; ok && i < m->layer_count; i++) {
        ok = nnlite__add_size(&width_sum, width_sum, m->layers[i]->out) &&
             nnlite__add_size(&width_sum, width_sum,
                              nnlite__model_mask_floats(m->layers[i], 1));
    }
    return ok && nnlite__add_size(&per_row, per_row, width_sum) &&
           nnlite__mul_size(floats, per_row, rows);
}

nnlite_status nnlite__model_reserve_rows(nnlite_model *m, size_t rows)
{
    size_t floats;
    float *buffer;

    if (rows <= m->batch_capacity) {
        return NNLITE_OK;
    }
    if (!nnlite__model_workspace_floats(m, rows, &floats) ||
        (buffer = nnlite__calloc_array(&m->allocator, floats,
                                       sizeof(float))) == NULL) {
        return nnlite__fail(m, NNLITE_ENOMEM,
                            "out of memory for a batch of %zu rows", rows);
    }
    nnlite__free(&m->allocator, m->workspace);
    m->workspace = buffer;
    for (size_t i = 0; i < m->layer_count; i++) {
        m->outputs[i] = buffer;
        buffer += rows * m->layers[i]->out;
    }
    m->delta[0] = buffer;
    m->delta[1] = buffer + rows * delta_width(m);
    m->masks = m->delta[1] + rows * delta_width(m);
    m->batch_capacity = rows;
    return NNLITE_OK;
}
