/* Named float arrays that travel with a model (normalisation statistics,
 * class names' ids, anything the program needs to use the model again). */
#include <string.h>

#include "alloc_impl.h"
#include "model_impl.h"
#include "nnlite/io.h"

static nnlite__metadata *find(const nnlite_model *m, const char *name)
{
    for (size_t i = 0; i < m->metadata_count; i++) {
        if (strcmp(m->metadata[i].name, name) == 0) {
            return &m->metadata[i];
        }
    }
    return NULL;
}

void nnlite__metadata_free_all(nnlite_model *m)
{
    for (size_t i = 0; i < m->metadata_count; i++) {
        nnlite__free(&m->allocator, m->metadata[i].block);
    }
    nnlite__free(&m->allocator, m->metadata);
    m->metadata = NULL;
    m->metadata_count = m->metadata_capacity = 0;
}

/* Make room for one more entry; nothing changes on failure. */
static nnlite_status reserve_entry(nnlite_model *m)
{
    nnlite__metadata *grown;
    size_t capacity;
    if (m->metadata_count < m->metadata_capacity) {
        return NNLITE_OK;
    }
    capacity = m->metadata_capacity == 0 ? 4 : 2 * m->metadata_capacity;
    grown = nnlite__calloc_array(&m->allocator, capacity, sizeof(*grown));
    if (grown == NULL) {
        return NNLITE_ENOMEM;
    }
    if (m->metadata_count > 0) {
        memcpy(grown, m->metadata, m->metadata_count * sizeof(*grown));
    }
    nnlite__free(&m->allocator, m->metadata);
    m->metadata = grown;
    m->metadata_capacity = capacity;
    return NNLITE_OK;
}

/* An entry in one block: room for `count` values first (aligned as malloc
 * aligns), then the name. The caller fills the values. */
static nnlite_status make_entry(nnlite_model *m, nnlite__metadata *e,
                                const char *name, size_t name_length,
                                size_t count)
{
    size_t value_bytes, bytes;
    unsigned char *block;
    if (!nnlite__mul_size(&value_bytes, count, sizeof(float)) ||
        !nnlite__add_size(&bytes, value_bytes, name_length + 1) ||
        (block = nnlite__alloc(&m->allocator, bytes)) == NULL) {
        return NNLITE_ENOMEM;
    }
    memcpy(block + value_bytes, name, name_length);
    block[value_bytes + name_length] = '\0';
    e->block = block;
    e->values = count > 0 ? (float *)(void *)block : NULL;
    e->name = (char *)(block + value_bytes);
    e->name_length = name_length;
    e->count = count;
    return NNLITE_OK;
}

nnlite_status nnlite__metadata_append(nnlite_model *m, const char *name,
                                      size_t name_length, size_t count,
                                      float **values)
{
    nnlite__metadata entry;
    if (reserve_entry(m) != NNLITE_OK ||
        make_entry(m, &entry, name, name_length, count) != NNLITE_OK) {
        return NNLITE_ENOMEM;
    }
    m->metadata[m->metadata_count++] = entry;
    *values = entry.values;
    return NNLITE_OK;
}

nnlite_status nnlite_model_set_metadata(nnlite_model *m, const char *name,
                                        const float *values, size_t count)
{
    nnlite__metadata entry, *old;
    size_t length;
    if (m == NULL) {
        return NNLITE_EINVAL;
    }
    m->error[0] = '\0';
    nnlite_status s = nnlite__model_check_metadata(m, name, values, count,
                                                   &length);
    if (s != NNLITE_OK) {
        return s;
    }
    old = find(m, name);
    if ((old == NULL && reserve_entry(m) != NNLITE_OK) ||
        make_entry(m, &entry, name, length, count) != NNLITE_OK) {
        return nnlite__fail(m, NNLITE_ENOMEM,
                            "out of memory for metadata \"%s\"", name);
    }
    if (count > 0) {
        memcpy(entry.values, values, count * sizeof(float));
    }
    if (old != NULL) {
        nnlite__free(&m->allocator, old->block);
        *old = entry;
    } else {
        m->metadata[m->metadata_count++] = entry;
    }
    return NNLITE_OK;
}

nnlite_status nnlite_model_get_metadata(const nnlite_model *m,
                                        const char *name,
                                        const float **values, size_t *count)
{
    const nnlite__metadata *e;
    if (m == NULL || name == NULL || values == NULL || count == NULL) {
        return NNLITE_EINVAL;
    }
    if ((e = find(m, name)) == NULL) {
        return NNLITE_ENOTFOUND;
    }
    *values = e->values;
    *count = e->count;
    return NNLITE_OK;
}

size_t nnlite_model_metadata_count(const nnlite_model *m)
{
    return m == NULL ? 0 : m->metadata_count;
}

const char *nnlite_model_metadata_name(const nnlite_model *m, size_t index)
{
    if (m == NULL || index >= m->metadata_count) {
        return NULL;
    }
    return m->metadata[index].name;
}
