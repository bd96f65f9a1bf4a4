/* Private: explicit little-endian encoding of fixed-width values (a
 * writer that can also just count), and a bounds-checked reader that
 * never reads past the end of its input. */
#ifndef NNLITE_BYTES_IMPL_H
#define NNLITE_BYTES_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ---- writing ---------------------------------------------------------- */

/* Writes into a buffer, or, with p NULL, only counts: running the same
 * code both ways gives the size of what it writes. A put that does not
 * fit (past the buffer's end, or a count past SIZE_MAX) writes nothing
 * and sets overflow, which stays set. */
typedef struct nnlite__writer {
    unsigned char *p;   /* where the next byte goes; NULL: count only */
    unsigned char *end; /* one past the buffer's last byte */
    size_t size;        /* bytes put (or counted) so far */
    bool overflow;
} nnlite__writer;

/* A writer into the `capacity` bytes at buf. */
static inline nnlite__writer nnlite__writer_to(unsigned char *buf,
                                               size_t capacity)
{
    nnlite__writer w = {buf, buf + capacity, 0, false};
    return w;
}

/* A writer that only counts. */
static inline nnlite__writer nnlite__counter(void)
{
    nnlite__writer w = {NULL, NULL, 0, false};
    return w;
}

static inline void nnlite__put_raw(nnlite__writer *w, const void *data,
                                   size_t n)
{
    if (n > SIZE_MAX - w->size ||
        (w->p != NULL && n > (size_t)(w->end - w->p))) {
        w->overflow = true;
        return;
    }
    w->size += n;
    if (w->p != NULL && n > 0) {
        memcpy(w->p, data, n);
        w->p += n;
    }
}

static inline void nnlite__put_u32(nnlite__writer *w, uint32_t v)
{
    unsigned char b[4];
    for (int i = 0; i < 4; i++) {
        b[i] = (unsigned char)(v >> (8 * i));
    }
    nnlite__put_raw(w, b, sizeof(b));
}

static inline void nnlite__put_u64(nnlite__writer *w, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++) {
        b[i] = (unsigned char)(v >> (8 * i));
    }
    nnlite__put_raw(w, b, sizeof(b));
}

/* IEEE 754 bit patterns, so the bytes are the same on every machine. */
static inline void nnlite__put_f32(nnlite__writer *w, float v)
{
    uint32_t bits;
    memcpy(&bits, &v, sizeof(bits));
    nnlite__put_u32(w, bits);
}

static inline void nnlite__put_f64(nnlite__writer *w, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof(bits));
    nnlite__put_u64(w, bits);
}

/* n floats; counting them does not read them. */
static inline void nnlite__put_f32s(nnlite__writer *w, const float *v,
                                    size_t n)
{
    if (w->p == NULL) {
        if (n > (SIZE_MAX - w->size) / 4) {
            w->overflow = true;
        } else {
            w->size += 4 * n;
        }
        return;
    }
    for (size_t i = 0; i < n; i++) {
        nnlite__put_f32(w, v[i]);
    }
}

/* ---- reading: every get checks what remains first -------------------- */

typedef struct nnlite__reader {
    const unsigned char *start;
    const unsigned char *p;
    const unsigned char *end;
} nnlite__reader;

static inline size_t nnlite__remaining(const nnlite__reader *r)
{
    return (size_t)(r->end - r->p);
}

static inline size_t nnlite__offset(const nnlite__reader *r)
{
    return (size_t)(r->p - r->start);
}

static inline bool nnlite__get_u32(nnlite__reader *r, uint32_t *v)
{
    uint32_t x = 0;
    if (nnlite__remaining(r) < 4) {
        return false;
    }
    for (int i = 0; i < 4; i++) {
        x |= (uint32_t)r->p[i] << (8 * i);
    }
    r->p += 4;
    *v = x;
    return true;
}

static inline bool nnlite__get_u64(nnlite__reader *r, uint64_t *v)
{
    uint64_t x = 0;
    if (nnlite__remaining(r) < 8) {
        return false;
    }
    for (int i = 0; i < 8; i++) {
        x |= (uint64_t)r->p[i] << (8 * i);
    }
    r->p += 8;
    *v = x;
    return true;
}

static inline bool nnlite__get_f32(nnlite__reader *r, float *v)
{
    uint32_t bits;
    if (!nnlite__get_u32(r, &bits)) {
        return false;
    }
    memcpy(v, &bits, sizeof(*v));
    return true;
}

static inline bool nnlite__get_f64(nnlite__reader *r, double *v)
{
    uint64_t bits;
    if (!nnlite__get_u64(r, &bits)) {
        return false;
    }
    memcpy(v, &bits, sizeof(*v));
    return true;
}

#endif /* NNLITE_BYTES_IMPL_H */
