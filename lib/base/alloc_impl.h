/* Private: allocator plumbing and overflow-checked size arithmetic. */
#ifndef NNLITE_ALLOC_IMPL_H
#define NNLITE_ALLOC_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "nnlite/alloc.h"
#include "nnlite/status.h"

/* *out = a * b; false (and *out untouched) when the product overflows. */
static inline bool nnlite__mul_size(size_t *out, size_t a, size_t b)
{
    if (a != 0 && b > (size_t)-1 / a) {
        return false;
    }
    *out = a * b;
    return true;
}

/* *out = a + b; false when the sum overflows. */
static inline bool nnlite__add_size(size_t *out, size_t a, size_t b)
{
    if (b > (size_t)-1 - a) {
        return false;
    }
    *out = a + b;
    return true;
}

/*
 * Resolve a user's allocator (NULL = malloc/free) into *resolved.
 * NNLITE_EINVAL when a hook is half set.
 */
nnlite_status nnlite__allocator_resolve(nnlite_allocator *resolved,
                                        const nnlite_allocator *user);

/* Allocate `size` bytes (size 0 is treated as 1); NULL on failure. */
void *nnlite__alloc(const nnlite_allocator *a, size_t size);

/* As nnlite__alloc, zero-filled. */
void *nnlite__calloc(const nnlite_allocator *a, size_t size);

/* count * elem bytes, zero-filled; NULL on overflow or failure. */
void *nnlite__calloc_array(const nnlite_allocator *a, size_t count,
                           size_t elem);

/* Release a block from nnlite__alloc; NULL is ignored. */
void nnlite__free(const nnlite_allocator *a, void *ptr);

#endif /* NNLITE_ALLOC_IMPL_H */
