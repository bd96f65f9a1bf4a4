/* Serialising a model into its file image, and nnlite_model_save_buffer.
 * The layout is documented byte by byte in docs/model-format.md; keep the
 * two in step. One function writes the body; run with a counting writer
 * it gives the size, so the size and the bytes cannot disagree. */
#include <stdbool.h>

#include "alloc_impl.h"
#include "bytes_impl.h"
#include "crc32c_impl.h"
#include "format_impl.h"
#include "nnlite/io.h"

static void write_layers(nnlite__writer *w, const nnlite_model *m)
{
    nnlite__put_u32(w, (uint32_t)m->layer_count);
    for (size_t i = 0; i < m->layer_count; i++) {
        const nnlite_layer *l = m->layers[i];
        nnlite__put_u32(w, (uint32_t)l->ops->kind);
        nnlite__put_u64(w, (uint64_t)l->in);
        nnlite__put_u64(w, (uint64_t)l->out);
        nnlite__put_f32(w, l->slope);
        /* version 2: the values the layer owns (dropout's p, a scaling
         * layer's mean then std) */
        nnlite__put_u64(w, (uint64_t)l->value_count);
        nnlite__put_f32s(w, l->values, l->value_count);
    }
    nnlite__put_u64(w, (uint64_t)m->param_count);
    nnlite__put_f32s(w, m->params, m->param_count);
}

/* Version 2: the kind, then Huber's delta (0 for the other kinds and
 * when there is no loss). */
static void write_loss(nnlite__writer *w, const nnlite_model *m)
{
    nnlite__put_u32(w, m->loss == NULL ? 0 : (uint32_t)m->loss->ops->kind);
    nnlite__put_f32(w, m->loss == NULL ? 0.0f : m->loss->delta);
}

/* An inference-only file writes the optimizer as absent. */
static void write_optimizer(nnlite__writer *w, const nnlite_model *m,
                            bool with_optimizer)
{
    const nnlite_optimizer *o = with_optimizer ? m->optimizer : NULL;
    nnlite__put_u32(w, o == NULL ? 0 : 1);
    if (o == NULL) {
        return;
    }
    const size_t state = nnlite__optimizer_state_floats(o, m->param_count);
    nnlite__put_u32(w, (uint32_t)o->options.kind);
    nnlite__put_f32(w, o->options.learning_rate);
    nnlite__put_f32(w, o->options.momentum);
    nnlite__put_u32(w, o->options.nesterov ? 1 : 0);
    nnlite__put_f32(w, o->options.weight_decay);
    nnlite__put_f32(w, o->options.beta1);
    nnlite__put_f32(w, o->options.beta2);
    nnlite__put_f32(w, o->options.epsilon);
    nnlite__put_u32(w, o->options.decoupled_weight_decay ? 1 : 0);
    nnlite__put_f32(w, o->options.dampening);      /* version 2 */
    nnlite__put_u32(w, o->options.amsgrad ? 1 : 0); /* version 2 */
    nnlite__put_u64(w, (uint64_t)o->steps);
    nnlite__put_f64(w, o->beta1_power);
    nnlite__put_f64(w, o->beta2_power);
    nnlite__put_u64(w, (uint64_t)state);
    nnlite__put_f32s(w, o->state, state);
}

static void write_metadata(nnlite__writer *w, const nnlite_model *m)
{
    nnlite__put_u32(w, (uint32_t)m->metadata_count);
    for (size_t i = 0; i < m->metadata_count; i++) {
        const nnlite__metadata *e = &m->metadata[i];
        nnlite__put_u32(w, (uint32_t)e->name_length);
        nnlite__put_raw(w, e->name, e->name_length);
        nnlite__put_u64(w, (uint64_t)e->count);
        nnlite__put_f32s(w, e->values, e->count);
    }
}

/* Everything between the header and the checksum. */
static void write_body(nnlite__writer *w, const nnlite_model *m,
                       bool with_optimizer)
{
    nnlite__put_u64(w, (uint64_t)m->input_features);
    for (int i = 0; i < 4; i++) {
        nnlite__put_u64(w, m->rng.s[i]);
    }
    nnlite__put_u32(w, m->initialized ? 1 : 0);
    write_layers(w, m);
    write_loss(w, m);
    write_optimizer(w, m, with_optimizer);
    write_metadata(w, m);
}

size_t nnlite__model_saved_size(const nnlite_model *m, bool with_optimizer)
{
    nnlite__writer counter = nnlite__counter();
    size_t total;
    write_body(&counter, m, with_optimizer);
    if (counter.overflow ||
        !nnlite__add_size(&total, counter.size,
                          NNLITE__HEADER_SIZE + NNLITE__TRAILER_SIZE)) {
        return 0;
    }
    return total;
}

bool nnlite__model_write_image(const nnlite_model *m, bool with_optimizer,
                               unsigned char *out, size_t size)
{
    nnlite__writer w = nnlite__writer_to(out, size);
    if (size < NNLITE__HEADER_SIZE + NNLITE__TRAILER_SIZE) {
        return false;
    }
    nnlite__put_raw(&w, NNLITE__MAGIC, NNLITE__MAGIC_SIZE);
    nnlite__put_u32(&w, NNLITE__FORMAT_VERSION);
    nnlite__put_u32(&w, 0); /* flags: none defined */
    nnlite__put_u64(&w, (uint64_t)(size - NNLITE__HEADER_SIZE -
                                   NNLITE__TRAILER_SIZE));
    write_body(&w, m, with_optimizer);
    if (w.overflow || w.size != size - NNLITE__TRAILER_SIZE) {
        return false;
    }
    nnlite__put_u32(&w, nnlite__crc32c(0, out, size - NNLITE__TRAILER_SIZE));
    return true;
}

nnlite_status nnlite__model_image_failed(nnlite_model *m, size_t size)
{
    return nnlite__fail(m, NNLITE_EFORMAT,
                        "the model's image did not come out at the %zu "
                        "bytes counted for it (a bug in nnlite): nothing "
                        "was saved",
                        size);
}

nnlite_status nnlite_model_save_buffer_advanced(
    nnlite_model *m, void *buffer, size_t capacity, size_t *size,
    const nnlite_save_options *options)
{
    size_t needed;
    bool with_optimizer;
    if (m == NULL) {
        return NNLITE_EINVAL;
    }
    m->error[0] = '\0';
    nnlite_status s = nnlite__model_check_save_buffer(m, buffer, capacity,
                                                      size);
    if (s != NNLITE_OK ||
        (s = nnlite__model_check_save_options(m, options,
                                              &with_optimizer)) !=
            NNLITE_OK) {
        return s;
    }
    if ((needed = nnlite__model_saved_size(m, with_optimizer)) == 0) {
        return nnlite__fail(m, NNLITE_ENOMEM, "the model's size overflows");
    }
    *size = needed;
    if (buffer == NULL) {
        return NNLITE_OK; /* a size query */
    }
    if ((s = nnlite__model_check_capacity(m, capacity, needed)) !=
        NNLITE_OK) {
        return s;
    }
    nnlite__model_initialize(m);
    s = nnlite__model_check_savable(m, with_optimizer);
    if (s == NNLITE_OK &&
        !nnlite__model_write_image(m, with_optimizer, buffer, needed)) {
        s = nnlite__model_image_failed(m, needed);
    }
    return s;
}

nnlite_status nnlite_model_save_buffer(nnlite_model *m, void *buffer,
                                       size_t capacity, size_t *size)
{
    return nnlite_model_save_buffer_advanced(m, buffer, capacity, size,
                                             NULL);
}
