/**
 * @file alloc.h
 * @brief Allocator hooks: route every allocation nnlite makes through your
 * own functions (a static arena, an RTOS heap, a leak checker).
 *
 * Hooks are per object, never process-wide: pass one to a `_create_advanced`
 * function and that object, and everything it creates or owns, allocates
 * through it. Pass NULL to use malloc and free.
 */
#ifndef NNLITE_ALLOC_H
#define NNLITE_ALLOC_H

#include <stddef.h>

#include "nnlite/export.h"

NNLITE_BEGIN_DECLS

/**
 * A pair of allocation functions and the user data handed to both.
 *
 * `alloc(user, size)` returns memory aligned for any type (as malloc does)
 * or NULL on failure; nnlite then returns NNLITE_ENOMEM and releases
 * whatever it had taken. It is never called with size 0.
 * `free(user, ptr)` releases a block `alloc` returned; never called with NULL.
 * Both must be set. nnlite copies the struct, so it may be a temporary, but
 * `user` must outlive every object created with it.
 */
typedef struct nnlite_allocator {
    /** Returns `size` bytes aligned for any type, or NULL. */
    void *(*alloc)(void *user, size_t size);
    /** Releases a block `alloc` returned. */
    void (*free)(void *user, void *ptr);
    void *user; /**< handed to both as their first argument */
} nnlite_allocator;

NNLITE_END_DECLS

#endif /* NNLITE_ALLOC_H */
