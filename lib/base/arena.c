/* The arena: blocks laid end to end after the bookkeeping, each behind a
 * header holding its size (with a used bit) and its lower neighbour's
 * size, so a freed block finds both neighbours in O(1) and merges with
 * the free ones. Free blocks are therefore never adjacent. The highest
 * block ends at `top`; past it the buffer is untouched, and freeing the
 * highest block lowers `top`. Allocation is first fit in address order,
 * then at `top`. */
#include "arena_impl.h"

#include <stdint.h>
#include <string.h>

#include "alloc_impl.h"

#define ALIGN (_Alignof(max_align_t))
#define USED ((size_t)1)

/* The header: sizes are multiples of ALIGN (>= 2), so bit 0 is free for
 * the used mark. */
typedef struct block_header {
    size_t bytes; /* whole block, header included; | USED */
    size_t prev;  /* the lower neighbour's bytes; 0 for the first block */
} block_header;

static size_t round_up(size_t n)
{
    return (n + ALIGN - 1) / ALIGN * ALIGN;
}

#define HEADER (((sizeof(block_header)) + ALIGN - 1) / ALIGN * ALIGN)

struct nnlite_arena {
    unsigned char *base; /* first block; aligned */
    size_t head;         /* buffer start to base: padding, this struct */
    size_t limit;        /* bytes from base to the buffer's end */
    size_t top;          /* end of the highest block, from base */
    size_t top_prev;     /* bytes of the highest block (0: none) */
    size_t high;         /* highest top so far */
    size_t live;         /* bytes of used blocks, headers included */
    size_t capacity;     /* the buffer's size */
};

bool nnlite__arena_block_bytes(size_t *out, size_t size)
{
    size_t n = size == 0 ? 1 : size;
    if (n > SIZE_MAX - HEADER - ALIGN) {
        return false;
    }
    *out = round_up(n) + HEADER;
    return true;
}

size_t nnlite__arena_head_bytes(void)
{
    return round_up(sizeof(struct nnlite_arena));
}

size_t nnlite__arena_header_bytes(void)
{
    return HEADER;
}

size_t nnlite_arena_overhead(void)
{
    return nnlite__arena_head_bytes();
}

size_t nnlite_arena_alignment(void)
{
    return ALIGN;
}

nnlite_status nnlite_arena_create(nnlite_arena **arena, void *buffer,
                                  size_t size)
{
    uintptr_t start, aligned;
    size_t pad, head;
    nnlite_arena *a;
    if (arena == NULL) {
        return NNLITE_EINVAL;
    }
    *arena = NULL;
    if (buffer == NULL) {
        return NNLITE_EINVAL;
    }
    start = (uintptr_t)buffer;
    aligned = (start + ALIGN - 1) / ALIGN * ALIGN;
    pad = (size_t)(aligned - start);
    head = pad + nnlite__arena_head_bytes();
    /* Room for the bookkeeping and one smallest block. */
    if (size < head || size - head < HEADER + ALIGN) {
        return NNLITE_EINVAL;
    }
    a = (nnlite_arena *)(void *)((unsigned char *)buffer + pad);
    memset(a, 0, sizeof(*a));
    a->base = (unsigned char *)buffer + head;
    a->head = head;
    a->limit = size - head;
    a->capacity = size;
    *arena = a;
    return NNLITE_OK;
}

static block_header *header_at(const nnlite_arena *a, size_t offset)
{
    return (block_header *)(void *)(a->base + offset);
}

static size_t bytes_of(const block_header *h)
{
    return h->bytes & ~USED;
}

/* Serve `need` bytes from the free block at `offset`: split off the rest
 * when it can hold a header of its own. */
static void *take(nnlite_arena *a, size_t offset, size_t need)
{
    block_header *h = header_at(a, offset);
    const size_t have = bytes_of(h);
    if (have - need >= HEADER) {
        block_header *rest = header_at(a, offset + need);
        rest->bytes = have - need;
        rest->prev = need;
        if (offset + have < a->top) {
            header_at(a, offset + have)->prev = have - need;
        }
        /* The rest is free and below top, never the highest block: a
         * free block never ends at top. */
        h->bytes = need;
    }
    h->bytes |= USED;
    a->live += bytes_of(h);
    return a->base + offset + HEADER;
}

static void *arena_alloc(void *user, size_t size)
{
    nnlite_arena *a = user;
    size_t need, offset;
    if (!nnlite__arena_block_bytes(&need, size)) {
        return NULL;
    }
    for (offset = 0; offset < a->top;) {
        const block_header *h = header_at(a, offset);
        if (!(h->bytes & USED) && bytes_of(h) >= need) {
            return take(a, offset, need);
        }
        offset += bytes_of(h);
    }
    if (a->limit - a->top < need) {
        return NULL;
    }
    block_header *h = header_at(a, a->top);
    h->bytes = need;
    h->prev = a->top_prev;
    a->top_prev = need;
    a->top += need;
    if (a->top > a->high) {
        a->high = a->top;
    }
    return take(a, a->top - need, need);
}

static void arena_free(void *user, void *ptr)
{
    nnlite_arena *a = user;
    /* As integers: ptr may point anywhere, not into the buffer. */
    const uintptr_t p = (uintptr_t)ptr, base = (uintptr_t)a->base;
    size_t offset, bytes;
    block_header *h;
    if (p < base + HEADER || p >= base + a->top ||
        (p - base) % ALIGN != 0) {
        return; /* not one of this arena's blocks */
    }
    offset = (size_t)(p - base) - HEADER;
    h = header_at(a, offset);
    if (!(h->bytes & USED)) {
        return; /* freed already */
    }
    bytes = bytes_of(h);
    /* Marked free at once, even when it merges into a lower neighbour
     * below and this header is never written again: a second free of the
     * same pointer then stops above. */
    h->bytes = bytes;
    a->live -= bytes;
    if (offset + bytes < a->top &&
        !(header_at(a, offset + bytes)->bytes & USED)) {
        bytes += bytes_of(header_at(a, offset + bytes));
    }
    if (h->prev != 0 && !(header_at(a, offset - h->prev)->bytes & USED)) {
        offset -= h->prev;
        bytes += bytes_of(header_at(a, offset));
    }
    h = header_at(a, offset);
    if (offset + bytes == a->top) { /* the highest: give the room back */
        a->top = offset;
        a->top_prev = h->prev;
        return;
    }
    h->bytes = bytes;
    header_at(a, offset + bytes)->prev = bytes;
}

nnlite_allocator nnlite_arena_allocator(nnlite_arena *arena)
{
    nnlite_allocator hooks = {NULL, NULL, NULL};
    if (arena != NULL) {
        hooks.alloc = arena_alloc;
        hooks.free = arena_free;
        hooks.user = arena;
    }
    return hooks;
}

size_t nnlite_arena_high_water(const nnlite_arena *arena)
{
    return arena == NULL ? 0 : arena->head + arena->high;
}

size_t nnlite_arena_in_use(const nnlite_arena *arena)
{
    return arena == NULL ? 0 : arena->head + arena->live;
}

size_t nnlite_arena_capacity(const nnlite_arena *arena)
{
    return arena == NULL ? 0 : arena->capacity;
}

void nnlite_arena_reset(nnlite_arena *arena)
{
    if (arena != NULL) {
        arena->top = 0;
        arena->top_prev = 0;
        arena->live = 0;
    }
}
