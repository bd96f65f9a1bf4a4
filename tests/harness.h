/* Test harness: CMocka's prerequisite includes and allocator hooks that
 * count calls, catch leaks (through test_malloc/test_free) and can fail the
 * Nth allocation to walk every out-of-memory path. */
#ifndef NNLITE_TEST_HARNESS_H
#define NNLITE_TEST_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "nnlite/nnlite.h"

/* State behind the hook: fail_at = N fails the Nth call (1-based); 0 never. */
typedef struct test_alloc_state {
    size_t calls;      /* alloc calls so far, failed ones included */
    size_t frees;
    size_t fail_at;
    size_t live;       /* blocks currently allocated */
} test_alloc_state;

static inline void *test_alloc_hook(void *user, size_t size)
{
    test_alloc_state *st = user;
    st->calls++;
    if (st->fail_at != 0 && st->calls == st->fail_at) {
        return NULL;
    }
    void *p = test_malloc(size);
    if (p != NULL) {
        st->live++;
    }
    return p;
}

static inline void test_free_hook(void *user, void *ptr)
{
    test_alloc_state *st = user;
    st->frees++;
    st->live--;
    test_free(ptr);
}

/* An allocator that reports to `st`, which the caller zero-initialises. */
static inline nnlite_allocator test_allocator(test_alloc_state *st)
{
    nnlite_allocator a = {test_alloc_hook, test_free_hook, st};
    return a;
}

#endif /* NNLITE_TEST_HARNESS_H */
