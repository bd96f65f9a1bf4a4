/* nnlite_model_summary(): the model in text, snprintf-style. Each kind's
 * settings come from its ops table's describe op, so a new kind prints
 * its own without a change here. */
#include <stdarg.h>
#include <string.h>

#include "model_impl.h"

/* Room for one kind's settings and for one formatted piece of a line. */
#define SETTINGS_SIZE NNLITE__ERROR_SIZE
#define PIECE_SIZE 128

/* Text written into buf[0, size) as snprintf would: len counts every byte
 * of the whole text, written or not; buf stays NUL-terminated. */
typedef struct text {
    char *buf;
    size_t size;
    size_t len;
} text;

static void put(text *t, const char *s)
{
    const size_t n = strlen(s);
    if (t->size > 0 && t->len < t->size - 1) {
        const size_t room = t->size - 1 - t->len;
        const size_t k = n < room ? n : room;
        memcpy(t->buf + t->len, s, k);
        t->buf[t->len + k] = '\0';
    }
    t->len += n;
}

/* Numbers and fixed words only: every piece fits in PIECE_SIZE (names and
 * settings, of any length, go through put()). */
NNLITE__PRINTF(2, 3)
static void putf(text *t, const char *fmt, ...)
{
    char piece[PIECE_SIZE];
    va_list ap;
    va_start(ap, fmt);
    nnlite__vformat(piece, sizeof(piece), fmt, ap);
    va_end(ap);
    put(t, piece);
}

static void put_layer(text *t, const nnlite_layer *l, size_t index)
{
    char settings[SETTINGS_SIZE];
    putf(t, "  (%zu) ", index);
    put(t, nnlite_layer_kind_name(l->ops->kind));
    putf(t, ": %zu -> %zu, params=%zu", l->in, l->out,
         nnlite__layer_param_count(l));
    nnlite__layer_describe(l, settings, sizeof(settings));
    if (settings[0] != '\0') {
        put(t, ", ");
        put(t, settings);
    }
    put(t, "\n");
}

static void put_loss(text *t, const nnlite_loss *loss)
{
    char settings[SETTINGS_SIZE];
    put(t, "Loss: ");
    if (loss == NULL) {
        put(t, "none\n");
        return;
    }
    put(t, nnlite_loss_kind_name(loss->ops->kind));
    nnlite__loss_describe(loss, settings, sizeof(settings));
    if (settings[0] != '\0') {
        put(t, " (");
        put(t, settings);
        put(t, ")");
    }
    put(t, "\n");
}

static void put_optimizer(text *t, const nnlite_optimizer *o)
{
    char settings[SETTINGS_SIZE];
    put(t, "Optimizer: ");
    if (o == NULL) {
        put(t, "none\n");
        return;
    }
    put(t, nnlite_optimizer_kind_name(o->ops->kind));
    nnlite__optimizer_describe(o, settings, sizeof(settings));
    put(t, " (");
    put(t, settings);
    putf(t, "), steps=%llu\n", o->steps);
}

size_t nnlite_model_summary(const nnlite_model *m, char *buf, size_t size)
{
    text t = {buf, size, 0};
    if (size > 0) {
        buf[0] = '\0';
    }
    if (m == NULL) {
        return 0;
    }
    putf(&t, "Model: input=%zu, layers=%zu\n", m->input_features,
         m->layer_count);
    for (size_t i = 0; i < m->layer_count; i++) {
        put_layer(&t, m->layers[i], i);
    }
    putf(&t, "Total params: %zu\n", m->param_count);
    put_loss(&t, m->loss);
    put_optimizer(&t, m->optimizer);
    return t.len;
}
