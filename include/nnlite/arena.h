/**
 * @file arena.h
 * @brief An allocator over one buffer you provide: nnlite without malloc
 * (a microcontroller's static RAM, a fixed pool).
 *
 * @code
 *   static max_align_t ram[24 * 1024 / sizeof(max_align_t)]; // aligned
 *   nnlite_arena *arena;
 *   nnlite_arena_create(&arena, ram, sizeof(ram));
 *   nnlite_allocator hooks = nnlite_arena_allocator(arena);
 *   nnlite_model_create_advanced(&model, 56, 42, &hooks);
 *   nnlite_layer_spec dense = {NNLITE_LAYER_DENSE, 56, 16, 0.0f};
 *   nnlite_layer_create_advanced(&layer, &dense, &hooks); ...
 *   // after training: how much of ram was needed
 *   size_t used = nnlite_arena_high_water(arena);
 * @endcode
 *
 * The arena keeps its bookkeeping at the start of the buffer (nothing is
 * allocated elsewhere) and each block's size in a header just before the
 * block. Blocks are placed first fit, lowest address first; a freed block
 * is merged with free neighbours and reused, so a model that frees and
 * regrows its buffers does not exhaust the arena. Allocation walks the
 * blocks, O(blocks) (a few dozen for a model); freeing is O(1).
 *
 * Alignment: every block is aligned to nnlite_arena_alignment() (that of
 * max_align_t: 16 bytes on x86-64, 8 on 32-bit Arm), as malloc's are.
 * Give a buffer aligned to it (e.g. a static array of max_align_t) and
 * nnlite_model_memory_needed() is the exact size it needs; otherwise up
 * to nnlite_arena_alignment() - 1 bytes at its start go unused.
 *
 * Thread safety: an arena has no lock. Every object allocating from one
 * arena must be used by one thread at a time (as one model is). A model
 * allocates only in the thread that calls it: the pool of
 * nnlite_model_set_threads() is made and freed there (at the first pass
 * after the call, and on destroy); its worker threads never allocate,
 * and their stacks do not come from the arena.
 */
#ifndef NNLITE_ARENA_H
#define NNLITE_ARENA_H

#include <stddef.h>

#include "nnlite/alloc.h"
#include "nnlite/export.h"
#include "nnlite/status.h"

NNLITE_BEGIN_DECLS

/** Opaque arena handle; it lives inside the caller's buffer. */
typedef struct nnlite_arena nnlite_arena;

/**
 * Make an arena over `buffer`. Its bookkeeping is placed at the start of
 * the buffer (aligned up to nnlite_arena_alignment()); nothing is
 * allocated.
 * The buffer must outlive the arena and every object allocating from it,
 * and is not touched by anything else meanwhile. There is no destroy:
 * the arena is gone when you reuse the buffer.
 * @param arena  receives the handle (a pointer into `buffer`); NULL on
 *               failure.
 * @param buffer the memory to manage; any alignment.
 * @param size   bytes at `buffer`.
 * @return NNLITE_OK; NNLITE_EINVAL for a NULL argument or a buffer too
 *         small for the bookkeeping and one smallest block (when
 *         aligned: nnlite_arena_overhead(), a block header and
 *         nnlite_arena_alignment() bytes).
 */
NNLITE_API nnlite_status nnlite_arena_create(nnlite_arena **arena,
                                             void *buffer, size_t size);

/**
 * @return hooks that allocate from `arena`, for any `_create_advanced`
 *         call. `alloc` returns NULL (nnlite then reports NNLITE_ENOMEM)
 *         when no free stretch is large enough; `free` ignores a pointer
 *         that is not inside the arena. With a NULL arena the hooks are
 *         both NULL, which every `_create_advanced` call refuses
 *         (NNLITE_EINVAL).
 */
NNLITE_API nnlite_allocator nnlite_arena_allocator(nnlite_arena *arena);

/**
 * @return the most bytes of the buffer ever used, counted from its start:
 *         the bookkeeping and every block up to the highest one ever
 *         placed, with their headers (a freed block below it still
 *         counts: its room was needed). This is the smallest buffer that
 *         would have served the same calls. 0 for NULL.
 */
NNLITE_API size_t nnlite_arena_high_water(const nnlite_arena *arena);

/**
 * @return the bytes in use now, counted as nnlite_arena_high_water()
 *         counts them but without free blocks: the bookkeeping (with any
 *         alignment padding before it) and every live block with its
 *         header. 0 for NULL.
 */
NNLITE_API size_t nnlite_arena_in_use(const nnlite_arena *arena);

/** @return the buffer's size as given to nnlite_arena_create(); 0 for
 *          NULL. */
NNLITE_API size_t nnlite_arena_capacity(const nnlite_arena *arena);

/**
 * Forget every block at once (everything allocated from the arena is
 * gone: destroy or forget the objects first). The high-water mark is
 * kept. Does nothing for NULL.
 */
NNLITE_API void nnlite_arena_reset(nnlite_arena *arena);

/**
 * @return the bytes the arena's bookkeeping takes at the start of an
 *         aligned buffer. Each block of n bytes then takes n rounded up
 *         to a multiple of nnlite_arena_alignment(), plus a header: two
 *         size_t rounded up to that multiple (16 bytes on x86-64, 8 on
 *         32-bit Arm).
 */
NNLITE_API size_t nnlite_arena_overhead(void);

/** @return the alignment of every block: that of max_align_t. */
NNLITE_API size_t nnlite_arena_alignment(void);

NNLITE_END_DECLS

#endif /* NNLITE_ARENA_H */
