/* Serialising a model into its file image, and nnlite_model_save_buffer.
 * The layout is documented byte by byte in docs/model-format.md; keep the
 * two in step. */
#include "alloc_impl.h"
#include "bytes_impl.h"
#include "crc32c_impl.h"
#include "numeric_impl.h"
#include "format_impl.h"
#include "nnlite/io.h"

/* Floats of optimizer state saved for this model. */
static size_t state_floats(const nnlite_model *m)
{
    return m->optimizer == NULL
               ? 0
               : nnlite__optimizer_state_floats(m->optimizer, m->param_count);
}

/* Sizes are sums of what already sits in memory, so only the float counts
 * times 4 could overflow; every step is checked anyway. */
static size_t body_size(const nnlite_model *m)
{
    size_t n = 8 + 4 * 8 + 4 + 4, part;
    bool ok = nnlite__mul_size(&part, m->layer_count,
                               NNLITE__LAYER_RECORD_SIZE) &&
              nnlite__add_size(&n, n, part) && nnlite__add_size(&n, n, 8) &&
              nnlite__mul_size(&part, m->param_count, 4) &&
              nnlite__add_size(&n, n, part) && nnlite__add_size(&n, n, 4 + 4);
    if (ok && m->optimizer != NULL) {
        ok = nnlite__add_size(&n, n, 4 + 4 * 2 + 4 + 4 * 4 + 4 + 8 + 2 * 8 +
                                         8) &&
             nnlite__mul_size(&part, state_floats(m), 4) &&
             nnlite__add_size(&n, n, part);
    }
    ok = ok && nnlite__add_size(&n, n, 4);
    for (size_t i = 0; ok && i < m->metadata_count; i++) {
        const nnlite__metadata *e = &m->metadata[i];
        ok = nnlite__add_size(&n, n, 4 + e->name_length + 8) &&
             nnlite__mul_size(&part, e->count, 4) &&
             nnlite__add_size(&n, n, part);
    }
    return ok ? n : 0;
}

size_t nnlite__model_saved_size(const nnlite_model *m)
{
    size_t body = body_size(m), total;
    if (body == 0 ||
        !nnlite__add_size(&total, body,
                          NNLITE__HEADER_SIZE + NNLITE__TRAILER_SIZE)) {
        return 0;
    }
    return total;
}

static void write_floats(nnlite__writer *w, const float *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        nnlite__put_f32(w, v[i]);
    }
}

static void write_layers(nnlite__writer *w, const nnlite_model *m)
{
    nnlite__put_u32(w, (uint32_t)m->layer_count);
    for (size_t i = 0; i < m->layer_count; i++) {
        const nnlite_layer *l = m->layers[i];
        nnlite__put_u32(w, (uint32_t)l->ops->kind);
        nnlite__put_u64(w, (uint64_t)l->in);
        nnlite__put_u64(w, (uint64_t)l->out);
        nnlite__put_f32(w, l->slope);
    }
    nnlite__put_u64(w, (uint64_t)m->param_count);
    write_floats(w, m->params, m->param_count);
}

static void write_optimizer(nnlite__writer *w, const nnlite_model *m)
{
    const nnlite_optimizer *o = m->optimizer;
    nnlite__put_u32(w, o == NULL ? 0 : 1);
    if (o == NULL) {
        return;
    }
    nnlite__put_u32(w, (uint32_t)o->options.kind);
    nnlite__put_f32(w, o->options.learning_rate);
    nnlite__put_f32(w, o->options.momentum);
    nnlite__put_u32(w, o->options.nesterov ? 1 : 0);
    nnlite__put_f32(w, o->options.weight_decay);
    nnlite__put_f32(w, o->options.beta1);
    nnlite__put_f32(w, o->options.beta2);
    nnlite__put_f32(w, o->options.epsilon);
    nnlite__put_u32(w, o->options.decoupled_weight_decay ? 1 : 0);
    nnlite__put_u64(w, (uint64_t)o->steps);
    nnlite__put_f64(w, o->beta1_power);
    nnlite__put_f64(w, o->beta2_power);
    nnlite__put_u64(w, (uint64_t)state_floats(m));
    write_floats(w, o->state, state_floats(m));
}

static void write_metadata(nnlite__writer *w, const nnlite_model *m)
{
    nnlite__put_u32(w, (uint32_t)m->metadata_count);
    for (size_t i = 0; i < m->metadata_count; i++) {
        const nnlite__metadata *e = &m->metadata[i];
        nnlite__put_u32(w, (uint32_t)e->name_length);
        nnlite__put_bytes(w, e->name, e->name_length);
        nnlite__put_u64(w, (uint64_t)e->count);
        write_floats(w, e->values, e->count);
    }
}

void nnlite__model_write_image(const nnlite_model *m, unsigned char *out)
{
    nnlite__writer w = {out};
    const size_t total = nnlite__model_saved_size(m);

    nnlite__put_bytes(&w, NNLITE__MAGIC, NNLITE__MAGIC_SIZE);
    nnlite__put_u32(&w, NNLITE__FORMAT_VERSION);
    nnlite__put_u32(&w, 0); /* flags: none defined */
    nnlite__put_u64(&w, (uint64_t)(total - NNLITE__HEADER_SIZE -
                                   NNLITE__TRAILER_SIZE));
    nnlite__put_u64(&w, (uint64_t)m->input_features);
    for (int i = 0; i < 4; i++) {
        nnlite__put_u64(&w, m->rng.s[i]);
    }
    nnlite__put_u32(&w, m->initialized ? 1 : 0);
    write_layers(&w, m);
    nnlite__put_u32(&w, m->loss == NULL ? 0 : (uint32_t)m->loss->ops->kind);
    write_optimizer(&w, m);
    write_metadata(&w, m);
    nnlite__put_u32(&w, nnlite__crc32c(0, out, total - NNLITE__TRAILER_SIZE));
}

nnlite_status nnlite_model_save_buffer(nnlite_model *m, void *buffer,
                                       size_t capacity, size_t *size)
{
    size_t needed;
    if (m == NULL) {
        return NNLITE_EINVAL;
    }
    m->error[0] = '\0';
    if (size == NULL || (buffer == NULL && capacity > 0)) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "size is required, and a buffer when capacity "
                            "is not 0");
    }
    if ((needed = nnlite__model_saved_size(m)) == 0) {
        return nnlite__fail(m, NNLITE_ENOMEM, "the model's size overflows");
    }
    *size = needed;
    if (buffer == NULL) {
        return NNLITE_OK; /* a size query */
    }
    if (capacity < needed) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "the buffer holds %zu bytes; the model needs %zu",
                            capacity, needed);
    }
    nnlite__model_initialize(m);
    nnlite_status s = nnlite__model_check_savable(m);
    if (s == NNLITE_OK) {
        nnlite__model_write_image(m, buffer);
    }
    return s;
}
