/* The arena's placement replayed without memory: the address range below
 * top as segments, used or free, in address order. Free segments are the
 * arena's free blocks (merged, so never adjacent), which is all first
 * fit looks at; used neighbours merge into one segment, since only
 * their extent matters until one of them is freed (which splits it). */
#include "arena_impl.h"

#include <string.h>

void nnlite__arena_plan_init(nnlite__arena_plan *p)
{
    memset(p, 0, sizeof(*p));
}

/* Make room for one more segment at index i (the caller checked that
 * there is). */
static void open_slot(nnlite__arena_plan *p, size_t i)
{
    memmove(&p->seg[i + 1], &p->seg[i], (p->count - i) * sizeof(p->seg[0]));
    p->count++;
}

/* False, failing the plan, when `more` segments do not fit. */
static bool room_for(nnlite__arena_plan *p, size_t more)
{
    if (p->count + more > NNLITE__ARENA_PLAN_SEGMENTS) {
        p->failed = true;
        return false;
    }
    return true;
}

static void close_slot(nnlite__arena_plan *p, size_t i)
{
    p->count--;
    memmove(&p->seg[i], &p->seg[i + 1], (p->count - i) * sizeof(p->seg[0]));
}

/* Merge segment i with its upper neighbour when both are alike. */
static void merge_up(nnlite__arena_plan *p, size_t i)
{
    if (i + 1 < p->count && p->seg[i].used == p->seg[i + 1].used) {
        p->seg[i].bytes += p->seg[i + 1].bytes;
        close_slot(p, i + 1);
    }
}

/* Mark `need` bytes at the start of free segment i used, as the arena's
 * take() does: the rest stays free when it holds a header. */
static size_t use(nnlite__arena_plan *p, size_t i, size_t need,
                  size_t *bytes)
{
    const size_t offset = p->seg[i].offset;
    *bytes = p->seg[i].bytes; /* the whole hole, unless split */
    if (p->seg[i].bytes - need >= nnlite__arena_header_bytes()) {
        if (!room_for(p, 1)) {
            return 0;
        }
        open_slot(p, i + 1);
        p->seg[i + 1] = (nnlite__arena_segment){offset + need,
                                                p->seg[i].bytes - need,
                                                false};
        p->seg[i].bytes = need;
        *bytes = need;
    }
    p->seg[i].used = true;
    merge_up(p, i);
    if (i > 0) {
        merge_up(p, i - 1);
    }
    return offset;
}

size_t nnlite__arena_plan_alloc(nnlite__arena_plan *p, size_t size,
                                size_t *bytes)
{
    size_t need;
    if (p->failed || !nnlite__arena_block_bytes(&need, size)) {
        p->failed = true;
        return 0;
    }
    for (size_t i = 0; i < p->count; i++) {
        if (!p->seg[i].used && p->seg[i].bytes >= need) {
            return use(p, i, need, bytes);
        }
    }
    /* At the top: the highest segment is never free (freeing the
     * highest block lowers top), so the block joins it. */
    if (p->count > 0) {
        p->seg[p->count - 1].bytes += need;
    } else {
        p->seg[0] = (nnlite__arena_segment){0, need, true};
        p->count = 1;
    }
    *bytes = need;
    p->top += need;
    if (p->top > p->high) {
        p->high = p->top;
    }
    return p->top - need;
}

void nnlite__arena_plan_free(nnlite__arena_plan *p, size_t offset,
                             size_t bytes)
{
    size_t i = 0;
    if (p->failed) {
        return;
    }
    while (p->seg[i].offset + p->seg[i].bytes <= offset) {
        i++; /* the used segment holding the block */
    }
    const nnlite__arena_segment s = p->seg[i];
    const size_t below = offset - s.offset;
    const size_t above = s.offset + s.bytes - offset - bytes;
    if (!room_for(p, (size_t)(below > 0) + (size_t)(above > 0))) {
        return;
    }
    if (above > 0) {
        open_slot(p, i + 1);
        p->seg[i + 1] = (nnlite__arena_segment){offset + bytes, above, true};
    }
    if (below > 0) {
        open_slot(p, i + 1);
        p->seg[i].bytes = below;
        i++;
    }
    p->seg[i] = (nnlite__arena_segment){offset, bytes, false};
    merge_up(p, i);
    if (i > 0 && !p->seg[i - 1].used) {
        i--;
        merge_up(p, i);
    }
    if (i + 1 == p->count) { /* the highest: the arena lowers top */
        p->top = p->seg[i].offset;
        p->count--;
    }
}

bool nnlite__arena_plan_result(const nnlite__arena_plan *p, size_t *bytes)
{
    if (p->failed) {
        return false;
    }
    *bytes = nnlite__arena_head_bytes() + p->high;
    return true;
}
