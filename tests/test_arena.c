/* The arena allocator: placement, reuse of freed blocks, merging,
 * alignment, the figures it reports, and its refusals. */
#include "harness.h"

#include <stdalign.h>
#include <stdlib.h>

#include "arena_impl.h"
#include <string.h>

#define RAM 65536

typedef struct fixture {
    alignas(max_align_t) unsigned char ram[RAM];
    nnlite_arena *arena;
    nnlite_allocator hooks;
} fixture;

static int setup(void **state)
{
    fixture *f = test_calloc(1, sizeof(*f));
    if (f == NULL ||
        nnlite_arena_create(&f->arena, f->ram, sizeof(f->ram)) !=
            NNLITE_OK) {
        test_free(f);
        return -1;
    }
    f->hooks = nnlite_arena_allocator(f->arena);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    test_free(*state);
    return 0;
}

static void *take(fixture *f, size_t size)
{
    return f->hooks.alloc(f->hooks.user, size);
}

static void give(fixture *f, void *p)
{
    f->hooks.free(f->hooks.user, p);
}

/* A block of n bytes with its header, as the header documents it. */
static size_t block(size_t n)
{
    const size_t a = nnlite_arena_alignment();
    size_t header = (2 * sizeof(size_t) + a - 1) / a * a;
    n = n == 0 ? 1 : n; /* served as one byte */
    return (n + a - 1) / a * a + header;
}

static void test_arena_reports_figures(void **state)
{
    fixture *f = *state;
    const size_t head = nnlite_arena_overhead();
    assert_int_equal(nnlite_arena_alignment(), alignof(max_align_t));
    assert_true(head >= sizeof(size_t));
    assert_int_equal(head % nnlite_arena_alignment(), 0);
    assert_int_equal(nnlite_arena_capacity(f->arena), RAM);
    assert_int_equal(nnlite_arena_in_use(f->arena), head);
    assert_int_equal(nnlite_arena_high_water(f->arena), head);

    void *a = take(f, 10);
    void *b = take(f, 100);
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(nnlite_arena_in_use(f->arena),
                     head + block(10) + block(100));
    assert_int_equal(nnlite_arena_high_water(f->arena),
                     head + block(10) + block(100));
    /* Blocks follow each other, each behind its header. */
    assert_ptr_equal((unsigned char *)b, (unsigned char *)a + block(10));
    assert_ptr_equal((unsigned char *)a,
                     f->ram + head + block(0) - nnlite_arena_alignment());
    memset(a, 0xa5, 10);
    memset(b, 0x5a, 100);
    give(f, b);
    give(f, a);
    assert_int_equal(nnlite_arena_in_use(f->arena), head);
    assert_int_equal(nnlite_arena_high_water(f->arena),
                     head + block(10) + block(100));
}

static void test_arena_aligns_every_block(void **state)
{
    fixture *f = *state;
    for (size_t n = 1; n < 40; n++) {
        unsigned char *p = take(f, n);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
        memset(p, (int)n, n);
    }
}

static void test_arena_reuses_a_freed_block_first_fit(void **state)
{
    fixture *f = *state;
    void *a = take(f, 64);
    void *b = take(f, 64);
    void *c = take(f, 64);
    const size_t high = nnlite_arena_high_water(f->arena);
    give(f, b);
    /* A smaller request lands in the hole, split: the rest stays free. */
    void *d = take(f, 16);
    assert_ptr_equal(d, b);
    void *e = take(f, 16);
    assert_ptr_equal((unsigned char *)e, (unsigned char *)b + block(16));
    assert_int_equal(nnlite_arena_high_water(f->arena), high);
    /* Too big for what is left of the hole: placed at the top. */
    void *g = take(f, 64);
    assert_true((unsigned char *)g > (unsigned char *)c);
    give(f, a);
    give(f, c);
    give(f, d);
    give(f, e);
    give(f, g);
    assert_int_equal(nnlite_arena_in_use(f->arena), nnlite_arena_overhead());
}

static void test_arena_merges_free_neighbours(void **state)
{
    fixture *f = *state;
    void *a = take(f, 32);
    void *b = take(f, 32);
    void *c = take(f, 32);
    void *d = take(f, 32); /* keeps the three below the top */
    give(f, a);
    give(f, c);
    give(f, b); /* merges with both neighbours */
    void *big = take(f, 3 * block(32) - block(0));
    assert_ptr_equal(big, a);
    give(f, big);
    /* Freed in the other order: merging upwards, then downwards. */
    a = take(f, 32);
    b = take(f, 32);
    give(f, b);
    give(f, a);
    big = take(f, 3 * block(32) - block(0));
    assert_ptr_equal(big, a);
    give(f, big);
    give(f, d);
    assert_int_equal(nnlite_arena_in_use(f->arena), nnlite_arena_overhead());
    /* Everything free: the next block starts at the bottom again. */
    assert_ptr_equal(take(f, 8), a);
}

/* A second free of a block that merged into its free lower neighbour
 * changes nothing: the count of bytes in use and the next placement stay
 * as after the first. */
static void test_arena_second_free_after_merge_is_ignored(void **state)
{
    fixture *f = *state;
    void *a = take(f, 32);
    void *b = take(f, 32);
    void *c = take(f, 32); /* keeps both below the top */
    size_t in_use;
    give(f, a);
    give(f, b); /* merges into a's free block */
    in_use = nnlite_arena_in_use(f->arena);
    give(f, b);
    assert_int_equal(nnlite_arena_in_use(f->arena), in_use);
    /* The merged hole serves a request of both blocks, from a. */
    assert_ptr_equal(take(f, 2 * block(32) - block(0)), a);
    give(f, c);
}

/* A hole one alignment unit larger than a request: where a header is
 * one unit (x86-64, 32-bit Arm) the rest becomes a bare header, free
 * but too small for any request; where it is two (s390x: 8-byte
 * alignment, 8-byte size_t) the rest could not hold a header, so the
 * request gets the whole hole. */
static void test_arena_splits_down_to_a_bare_header(void **state)
{
    fixture *f = *state;
    const size_t a = nnlite_arena_alignment();
    const size_t header = block(1) - a;
    void *x = take(f, 2 * a);
    void *y = take(f, 8);
    give(f, x);
    void *z = take(f, a);
    assert_ptr_equal(z, x);
    void *w = take(f, 1); /* nothing left below y: to the top */
    assert_true((unsigned char *)w > (unsigned char *)y);
    assert_int_equal(nnlite_arena_in_use(f->arena),
                     nnlite_arena_overhead() +
                         (header <= a ? block(a) : block(2 * a)) +
                         block(8) + block(1));
    give(f, z); /* merges with the bare header: the hole is whole again */
    assert_ptr_equal(take(f, 2 * a), x);
    /* An exact fit takes the hole as it is. */
    give(f, y);
    assert_ptr_equal(take(f, 8), y);
}

static void test_arena_lowers_the_top_when_the_highest_is_freed(void **state)
{
    fixture *f = *state;
    void *a = take(f, 100);
    void *b = take(f, 100);
    give(f, a);
    give(f, b); /* merges with a, and both go back to the untouched top */
    void *c = take(f, 300);
    assert_ptr_equal(c, a);
    assert_int_equal(nnlite_arena_high_water(f->arena),
                     nnlite_arena_overhead() + block(300));
}

static void test_arena_runs_out(void **state)
{
    fixture *f = *state;
    const size_t room = RAM - nnlite_arena_overhead();
    assert_null(take(f, room)); /* the header does not fit as well */
    assert_null(take(f, SIZE_MAX));
    assert_null(take(f, SIZE_MAX - 3));
    void *all = take(f, room - (block(0) - nnlite_arena_alignment()));
    assert_non_null(all);
    assert_null(take(f, 1));
    assert_int_equal(nnlite_arena_in_use(f->arena), RAM);
    give(f, all);
    assert_non_null(take(f, 0)); /* served as one byte */
}

static void test_arena_free_ignores_foreign_pointers(void **state)
{
    fixture *f = *state;
    unsigned char *a = take(f, 64);
    unsigned char *b = take(f, 64);
    const size_t used = nnlite_arena_in_use(f->arena);
    int outside;
    give(f, &outside);
    give(f, f->ram);           /* the bookkeeping */
    give(f, a + 1);            /* not a block start */
    give(f, b + block(64));    /* past the top */
    assert_int_equal(nnlite_arena_in_use(f->arena), used);
    give(f, a);
    give(f, a);                /* freed already */
    assert_int_equal(nnlite_arena_in_use(f->arena), used - block(64));
}

static void test_arena_reset_keeps_the_high_water(void **state)
{
    fixture *f = *state;
    void *a = take(f, 500);
    const size_t high = nnlite_arena_high_water(f->arena);
    nnlite_arena_reset(f->arena);
    assert_int_equal(nnlite_arena_in_use(f->arena), nnlite_arena_overhead());
    assert_int_equal(nnlite_arena_high_water(f->arena), high);
    assert_ptr_equal(take(f, 8), a);
    nnlite_arena_reset(NULL);
}

static void test_arena_create_refuses(void **state)
{
    (void)state;
    alignas(max_align_t) unsigned char small[256];
    nnlite_arena *arena = (nnlite_arena *)small;
    const size_t least = nnlite_arena_overhead() + block(1);
    assert_int_equal(nnlite_arena_create(NULL, small, sizeof(small)),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_arena_create(&arena, NULL, sizeof(small)),
                     NNLITE_EINVAL);
    assert_null(arena);
    arena = (nnlite_arena *)small;
    assert_int_equal(nnlite_arena_create(&arena, small, 0), NNLITE_EINVAL);
    assert_null(arena);
    assert_int_equal(nnlite_arena_create(&arena, small, least - 1),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_arena_create(&arena, small, least), NNLITE_OK);
    assert_non_null(arena);
    nnlite_allocator hooks = nnlite_arena_allocator(arena);
    assert_non_null(hooks.alloc(hooks.user, 1));
    assert_null(hooks.alloc(hooks.user, 1));
}

static void test_arena_aligns_an_unaligned_buffer(void **state)
{
    (void)state;
    alignas(max_align_t) unsigned char ram[512];
    nnlite_arena *arena;
    assert_int_equal(nnlite_arena_create(&arena, ram + 1, sizeof(ram) - 1),
                     NNLITE_OK);
    assert_int_equal((uintptr_t)arena % alignof(max_align_t), 0);
    nnlite_allocator hooks = nnlite_arena_allocator(arena);
    void *p = hooks.alloc(hooks.user, 8);
    assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
    /* The padding counts: it was needed. */
    const size_t pad = alignof(max_align_t) - 1;
    assert_int_equal(nnlite_arena_in_use(arena),
                     pad + nnlite_arena_overhead() + block(8));
    assert_int_equal(nnlite_arena_high_water(arena),
                     nnlite_arena_in_use(arena));
    assert_int_equal(nnlite_arena_capacity(arena), sizeof(ram) - 1);
    /* Too small once the padding is taken. */
    assert_int_equal(nnlite_arena_create(&arena, ram + 1,
                                         pad + nnlite_arena_overhead() - 1),
                     NNLITE_EINVAL);
}

static void test_arena_null_queries(void **state)
{
    (void)state;
    nnlite_allocator hooks = nnlite_arena_allocator(NULL);
    nnlite_model *m = NULL;
    assert_null(hooks.alloc);
    assert_null(hooks.free);
    assert_int_equal(nnlite_arena_high_water(NULL), 0);
    assert_int_equal(nnlite_arena_in_use(NULL), 0);
    assert_int_equal(nnlite_arena_capacity(NULL), 0);
    /* Hooks of no arena are refused, not called. */
    assert_int_equal(nnlite_model_create_advanced(&m, 2, 1, &hooks),
                     NNLITE_EINVAL);
}

/* A model made, trained and destroyed in an arena gives every byte back. */
static void test_arena_serves_a_model(void **state)
{
    fixture *f = *state;
    nnlite_model *m;
    nnlite_layer *l;
    nnlite_loss *loss;
    nnlite_optimizer *o;
    float xs[8] = {0, 1, 1, 0, 1, 1, 0, 0}, ts[4] = {1, 1, 0, 0}, value;
    nnlite_tensor *x, *t;
    assert_int_equal(nnlite_model_create_advanced(&m, 2, 7, &f->hooks),
                     NNLITE_OK);
    nnlite_layer_spec spec = {NNLITE_LAYER_DENSE, 2, 4, 0.0f};
    assert_int_equal(nnlite_layer_create_advanced(&l, &spec, &f->hooks),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_add(m, l), NNLITE_OK);
    spec.kind = NNLITE_LAYER_RELU;
    assert_int_equal(nnlite_layer_create_advanced(&l, &spec, &f->hooks),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_add(m, l), NNLITE_OK);
    spec = (nnlite_layer_spec){NNLITE_LAYER_DENSE, 4, 1, 0.0f};
    assert_int_equal(nnlite_layer_create_advanced(&l, &spec, &f->hooks),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_add(m, l), NNLITE_OK);
    assert_int_equal(nnlite_loss_create_advanced(&loss, NNLITE_LOSS_MSE,
                                                 &f->hooks),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_set_loss(m, loss), NNLITE_OK);
    nnlite_optimizer_options opt = NNLITE_ADAM_OPTIONS_INIT;
    assert_int_equal(nnlite_optimizer_create_advanced(&o, &opt, &f->hooks),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(m, o), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, 4, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, ts, 4, 1), NNLITE_OK);
    for (int i = 0; i < 20; i++) {
        assert_int_equal(nnlite_model_train_batch(m, x, t, &value),
                         NNLITE_OK);
    }
    assert_true(nnlite_arena_high_water(f->arena) <= RAM);
    nnlite_model_destroy(m);
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    assert_int_equal(nnlite_arena_in_use(f->arena), nnlite_arena_overhead());
}

/* The planner places a random sequence of allocations and frees
 * exactly where the arena does, and reports the same high-water mark. */
static void test_arena_plan_matches_the_arena(void **state)
{
    fixture *f = *state;
    nnlite__arena_plan *plan = test_malloc(sizeof(*plan));
    unsigned char *live[24] = {0};
    size_t offset[24], bytes[24], size;
    unsigned seed = 12345;
    assert_non_null(plan);
    nnlite__arena_plan_init(plan);
    const unsigned char *base = f->ram + nnlite_arena_overhead();
    for (int op = 0; op < 4000; op++) {
        seed = seed * 1103515245u + 12345u;
        const size_t i = (seed >> 8) % 24;
        if (live[i] != NULL) {
            give(f, live[i]);
            nnlite__arena_plan_free(plan, offset[i], bytes[i]);
            live[i] = NULL;
            continue;
        }
        size = (seed >> 16) % 4 == 0 ? (seed >> 12) % 900 : (seed >> 12) % 40;
        live[i] = take(f, size);
        offset[i] = nnlite__arena_plan_alloc(plan, size, &bytes[i]);
        assert_non_null(live[i]);
        assert_int_equal((size_t)(live[i] - base) - (block(0) - 
                             nnlite_arena_alignment()),
                         offset[i]);
        assert_true(bytes[i] >= block(size));
        assert_true(nnlite__arena_plan_result(plan, &size));
        assert_int_equal(size, nnlite_arena_high_water(f->arena));
    }
    test_free(plan);
}

/* Past NNLITE__ARENA_PLAN_SEGMENTS stretches the plan gives up. */
#define SEGS NNLITE__ARENA_PLAN_SEGMENTS

/* 2 more blocks than segments, every other one freed from the bottom up
 * to `last`: a free and a used segment each. */
static void alternate(nnlite__arena_plan *plan, size_t *offset,
                     size_t *bytes, size_t last)
{
    nnlite__arena_plan_init(plan);
    for (size_t i = 0; i < SEGS + 2; i++) {
        offset[i] = nnlite__arena_plan_alloc(plan, 64, &bytes[i]);
    }
    for (size_t i = 0; i <= last; i += 2) {
        nnlite__arena_plan_free(plan, offset[i], bytes[i]);
    }
}

static void test_arena_plan_runs_out_of_segments(void **state)
{
    (void)state;
    nnlite__arena_plan *plan = test_malloc(sizeof(*plan));
    size_t offset[SEGS + 2], bytes[SEGS + 2], high;
    assert_non_null(plan);

    /* Full: splitting a hole needs one more. */
    alternate(plan, offset, bytes, SEGS - 2);
    assert_int_equal(plan->count, SEGS);
    assert_true(nnlite__arena_plan_result(plan, &high));
    nnlite__arena_plan_alloc(plan, 8, &bytes[0]);
    assert_false(nnlite__arena_plan_result(plan, &high));
    /* Once failed, it stays failed. */
    nnlite__arena_plan_free(plan, offset[1], bytes[1]);
    nnlite__arena_plan_alloc(plan, 8, &bytes[0]);
    assert_false(nnlite__arena_plan_result(plan, &high));

    /* Full: freeing inside a run of used blocks needs two more. */
    alternate(plan, offset, bytes, SEGS - 2);
    nnlite__arena_plan_free(plan, offset[SEGS], bytes[SEGS]);
    assert_false(nnlite__arena_plan_result(plan, &high));

    /* A size that overflows fails it at once. */
    nnlite__arena_plan_init(plan);
    nnlite__arena_plan_alloc(plan, SIZE_MAX, &bytes[0]);
    assert_false(nnlite__arena_plan_result(plan, &high));
    test_free(plan);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_arena_reports_figures),
        T(test_arena_aligns_every_block),
        T(test_arena_reuses_a_freed_block_first_fit),
        T(test_arena_merges_free_neighbours),
        T(test_arena_second_free_after_merge_is_ignored),
        T(test_arena_splits_down_to_a_bare_header),
        T(test_arena_lowers_the_top_when_the_highest_is_freed),
        T(test_arena_runs_out),
        T(test_arena_free_ignores_foreign_pointers),
        T(test_arena_reset_keeps_the_high_water),
        T(test_arena_serves_a_model),
        T(test_arena_plan_matches_the_arena),
        cmocka_unit_test(test_arena_plan_runs_out_of_segments),
        cmocka_unit_test(test_arena_create_refuses),
        cmocka_unit_test(test_arena_aligns_an_unaligned_buffer),
        cmocka_unit_test(test_arena_null_queries),
#undef T
    };
    return cmocka_run_group_tests_name("arena", tests, NULL, NULL);
}
