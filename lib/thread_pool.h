/* Private: a small fork-join pool owned by one model. Workers sleep on a
 * condition variable between jobs; a job is fn(ctx, part, parts) for every
 * part, part 0 on the calling thread. */
#ifndef NNLITE_THREAD_POOL_H
#define NNLITE_THREAD_POOL_H

#include <stddef.h>

#include "nnlite/alloc.h"
#include "nnlite/status.h"

typedef struct nnlite__pool nnlite__pool;
typedef void (*nnlite__pool_fn)(void *ctx, size_t part, size_t parts);

/* A pool of `threads` parts (threads - 1 workers); memory through a.
 * NNLITE_ENOMEM (nothing left behind) when memory or threads run out. */
nnlite_status nnlite__pool_create(nnlite__pool **out, size_t threads,
                                  const nnlite_allocator *a);

/* Run fn on every part and return when all are done. */
void nnlite__pool_run(nnlite__pool *p, nnlite__pool_fn fn, void *ctx);

/* Parts a job is split into. */
size_t nnlite__pool_size(const nnlite__pool *p);

/* Stop and join the workers, free the pool; NULL is ignored. */
void nnlite__pool_destroy(nnlite__pool *p);

#endif /* NNLITE_THREAD_POOL_H */
