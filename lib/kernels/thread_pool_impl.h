/* Private: a small fork-join pool owned by one model. A job is
 * fn(ctx, part, slot) for part = 0 .. parts - 1; the calling thread and
 * the workers claim parts one at a time, so a worker that wakes late (or
 * is descheduled on a busy machine) costs nothing: the caller runs the
 * remaining parts itself. Which thread runs a part is left to timing, so
 * a part's result must depend on the part alone; `slot` (0 for the
 * caller, 1 .. threads - 1 for the workers) only selects per-thread
 * scratch. Between jobs the workers spin briefly, then sleep on a
 * condition variable. */
#ifndef NNLITE_THREAD_POOL_IMPL_H
#define NNLITE_THREAD_POOL_IMPL_H

#include <stddef.h>

#include "nnlite/alloc.h"
#include "nnlite/status.h"

typedef struct nnlite__pool nnlite__pool;
typedef void (*nnlite__pool_fn)(void *ctx, size_t part, size_t slot);

/* Most parts one job may have. */
#define NNLITE__POOL_MAX_PARTS 255u

/* A pool of `threads` slots (threads - 1 workers); memory through a.
 * NNLITE_ENOMEM (nothing left behind) when memory or threads run out. */
nnlite_status nnlite__pool_create(nnlite__pool **out, size_t threads,
                                  const nnlite_allocator *a);

/* Run fn on parts 0 .. parts - 1 (1 <= parts <= NNLITE__POOL_MAX_PARTS)
 * and return when all are done. */
void nnlite__pool_run(nnlite__pool *p, nnlite__pool_fn fn, void *ctx,
                      size_t parts);

/* Threads (slots) the pool runs parts on, the caller's included. */
size_t nnlite__pool_size(const nnlite__pool *p);

/* Stop and join the workers, free the pool; NULL is ignored. */
void nnlite__pool_destroy(nnlite__pool *p);

#endif /* NNLITE_THREAD_POOL_IMPL_H */
