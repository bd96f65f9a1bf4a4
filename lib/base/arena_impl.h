/* Private: the arena's block arithmetic, and a planner that replays a
 * sequence of allocations and frees the way the arena would place them,
 * without memory behind it: nnlite_model_memory_needed() runs a model's
 * sequence through it to learn the buffer the arena would need. */
#ifndef NNLITE_ARENA_IMPL_H
#define NNLITE_ARENA_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "nnlite/arena.h"

/* Bytes a block serving a request of `size` bytes takes, header
 * included; false when that overflows. Size 0 is served as 1 (as the
 * allocator hooks promise never to ask for 0). */
bool nnlite__arena_block_bytes(size_t *out, size_t size);

/* Bytes of bookkeeping at the start of an aligned buffer. */
size_t nnlite__arena_head_bytes(void);

/* Bytes of a block's header: a free stretch smaller than this is never
 * split off, the block serving a request keeps it. */
size_t nnlite__arena_header_bytes(void);

/* Segments the planner can track at once: used and free stretches
 * (used neighbours merge until one of them is freed). */
#define NNLITE__ARENA_PLAN_SEGMENTS 64

typedef struct nnlite__arena_segment {
    size_t offset; /* from the end of the bookkeeping */
    size_t bytes;
    bool used;
} nnlite__arena_segment;

typedef struct nnlite__arena_plan {
    nnlite__arena_segment seg[NNLITE__ARENA_PLAN_SEGMENTS];
    size_t count; /* segments below top, in address order */
    size_t top;   /* end of the highest block */
    size_t high;  /* highest top so far */
    bool failed;  /* a size overflowed or the segments ran out */
} nnlite__arena_plan;

/* An empty arena. */
void nnlite__arena_plan_init(nnlite__arena_plan *p);

/* Place a request of `size` bytes as the arena would; returns the
 * block's offset and sets *bytes to its size, both for
 * nnlite__arena_plan_free. */
size_t nnlite__arena_plan_alloc(nnlite__arena_plan *p, size_t size,
                                size_t *bytes);

/* Free the block of `bytes` bytes placed at `offset`. */
void nnlite__arena_plan_free(nnlite__arena_plan *p, size_t offset,
                             size_t bytes);

/* The high-water mark the arena would report (bookkeeping included);
 * false when the plan failed. */
bool nnlite__arena_plan_result(const nnlite__arena_plan *p, size_t *bytes);

#endif /* NNLITE_ARENA_IMPL_H */
