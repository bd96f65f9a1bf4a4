/* Allocator hooks: the only place nnlite calls malloc and free. */
#include "alloc_impl.h"

#include <stdlib.h>
#include <string.h>

static void *default_alloc(void *user, size_t size)
{
    (void)user;
    return malloc(size);
}

static void default_free(void *user, void *ptr)
{
    (void)user;
    free(ptr);
}

nnlite_status nnlite__allocator_resolve(nnlite_allocator *resolved,
                                        const nnlite_allocator *user)
{
    if (user == NULL) {
        resolved->alloc = default_alloc;
        resolved->free = default_free;
        resolved->user = NULL;
        return NNLITE_OK;
    }
    if (user->alloc == NULL || user->free == NULL) {
        return NNLITE_EINVAL;
    }
    *resolved = *user;
    return NNLITE_OK;
}

void *nnlite__alloc(const nnlite_allocator *a, size_t size)
{
    /* The hook contract promises never to ask for 0 bytes. */
    return a->alloc(a->user, size == 0 ? 1 : size);
}

void *nnlite__calloc(const nnlite_allocator *a, size_t size)
{
    void *p = nnlite__alloc(a, size);
    if (p != NULL) {
        memset(p, 0, size);
    }
    return p;
}

void *nnlite__calloc_array(const nnlite_allocator *a, size_t count,
                           size_t elem)
{
    size_t bytes;
    if (!nnlite__mul_size(&bytes, count, elem)) {
        return NULL;
    }
    return nnlite__calloc(a, bytes);
}

void nnlite__free(const nnlite_allocator *a, void *ptr)
{
    if (ptr != NULL) {
        a->free(a->user, ptr);
    }
}
