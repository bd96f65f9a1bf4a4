/* Tensors: creation, wrapping, queries, every error path, allocator hooks. */
#include "harness.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static void test_tensor_create_is_zeroed_with_shape(void **state)
{
    const size_t shape[3] = {2, 3, 4};
    nnlite_tensor *t = NULL;
    (void)state;
    assert_int_equal(nnlite_tensor_create(&t, 3, shape), NNLITE_OK);
    assert_non_null(t);
    assert_int_equal(nnlite_tensor_rank(t), 3);
    assert_int_equal(nnlite_tensor_dim(t, 0), 2);
    assert_int_equal(nnlite_tensor_dim(t, 1), 3);
    assert_int_equal(nnlite_tensor_dim(t, 2), 4);
    assert_int_equal(nnlite_tensor_dim(t, 3), 0);
    assert_int_equal(nnlite_tensor_size(t), 24);
    const float *d = nnlite_tensor_const_data(t);
    assert_ptr_equal(d, nnlite_tensor_data(t));
    for (size_t i = 0; i < 24; i++) {
        assert_true(d[i] == 0.0f);
    }
    /* The buffer is writable and keeps its values. */
    nnlite_tensor_data(t)[23] = 7.5f;
    assert_true(nnlite_tensor_const_data(t)[23] == 7.5f);
    nnlite_tensor_destroy(t);
}

static void test_tensor_create_all_ranks(void **state)
{
    const size_t shape[4] = {5, 1, 2, 3};
    size_t expect = 1;
    (void)state;
    for (size_t rank = 1; rank <= NNLITE_TENSOR_MAX_RANK; rank++) {
        nnlite_tensor *t = NULL;
        expect *= shape[rank - 1];
        assert_int_equal(nnlite_tensor_create(&t, rank, shape), NNLITE_OK);
        assert_int_equal(nnlite_tensor_rank(t), rank);
        assert_int_equal(nnlite_tensor_size(t), expect);
        nnlite_tensor_destroy(t);
    }
}

static void test_tensor_create2d(void **state)
{
    nnlite_tensor *t = NULL;
    (void)state;
    assert_int_equal(nnlite_tensor_create2d(&t, 4, 7), NNLITE_OK);
    assert_int_equal(nnlite_tensor_rank(t), 2);
    assert_int_equal(nnlite_tensor_dim(t, 0), 4);
    assert_int_equal(nnlite_tensor_dim(t, 1), 7);
    assert_int_equal(nnlite_tensor_size(t), 28);
    /* Owned data is aligned for any type, as malloc's is. */
    assert_int_equal((uintptr_t)nnlite_tensor_data(t) % _Alignof(max_align_t),
                     0);
    nnlite_tensor_destroy(t);
}

/* Each bad call must fail with `expect` and leave *out NULL. */
static void expect_create_fails(size_t rank, const size_t *shape,
                                nnlite_status expect)
{
    nnlite_tensor *t = (nnlite_tensor *)(uintptr_t)0x1;
    assert_int_equal(nnlite_tensor_create(&t, rank, shape), expect);
    assert_null(t);
}

static void test_tensor_create_errors(void **state)
{
    const size_t ok[5] = {2, 2, 2, 2, 2};
    const size_t zero[2] = {3, 0};
    const size_t huge[2] = {SIZE_MAX / 2, 3};
    const size_t bytes_overflow[1] = {SIZE_MAX / 2};
    (void)state;
    assert_int_equal(nnlite_tensor_create(NULL, 2, ok), NNLITE_EINVAL);
    expect_create_fails(2, NULL, NNLITE_EINVAL);
    expect_create_fails(0, ok, NNLITE_EINVAL);
    expect_create_fails(5, ok, NNLITE_EINVAL);
    expect_create_fails(2, zero, NNLITE_EINVAL);
    expect_create_fails(2, huge, NNLITE_ENOMEM);
    /* The element count fits, its byte size does not. */
    expect_create_fails(1, bytes_overflow, NNLITE_ENOMEM);

    nnlite_tensor *t = (nnlite_tensor *)(uintptr_t)0x1;
    assert_int_equal(nnlite_tensor_create2d(&t, 0, 3), NNLITE_EINVAL);
    assert_null(t);
    t = (nnlite_tensor *)(uintptr_t)0x1;
    assert_int_equal(nnlite_tensor_create2d(&t, SIZE_MAX / 2, 3),
                     NNLITE_ENOMEM);
    assert_null(t);
    assert_int_equal(nnlite_tensor_create2d(NULL, 1, 1), NNLITE_EINVAL);
}

static void test_tensor_wrap_is_zero_copy(void **state)
{
    float buf[6] = {1, 2, 3, 4, 5, 6};
    const size_t shape[2] = {2, 3};
    nnlite_tensor *t = NULL;
    (void)state;
    assert_int_equal(nnlite_tensor_wrap(&t, buf, 2, shape), NNLITE_OK);
    assert_ptr_equal(nnlite_tensor_data(t), buf);
    assert_int_equal(nnlite_tensor_size(t), 6);
    assert_int_equal(nnlite_tensor_dim(t, 1), 3);
    /* Writes through the tensor reach the caller's memory, and back. */
    nnlite_tensor_data(t)[0] = 9.0f;
    assert_true(buf[0] == 9.0f);
    buf[5] = -1.0f;
    assert_true(nnlite_tensor_const_data(t)[5] == -1.0f);
    nnlite_tensor_destroy(t);
    /* Destroy never frees wrapped data: buf is still ours (and on the
     * stack, so a free() would crash or be reported by the sanitizers). */
    assert_true(buf[1] == 2.0f);
}

static void test_tensor_wrap2d(void **state)
{
    float buf[8] = {0};
    nnlite_tensor *t = NULL;
    (void)state;
    assert_int_equal(nnlite_tensor_wrap2d(&t, buf, 4, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_rank(t), 2);
    assert_int_equal(nnlite_tensor_dim(t, 0), 4);
    assert_int_equal(nnlite_tensor_dim(t, 1), 2);
    assert_ptr_equal(nnlite_tensor_const_data(t), buf);
    nnlite_tensor_destroy(t);
}

static void test_tensor_wrap_errors(void **state)
{
    float buf[4] = {0};
    const size_t shape[5] = {2, 2, 1, 1, 1};
    const size_t zero[2] = {0, 2};
    const size_t huge[2] = {SIZE_MAX / 2, 3};
    nnlite_tensor *t;
    (void)state;
    assert_int_equal(nnlite_tensor_wrap(NULL, buf, 2, shape), NNLITE_EINVAL);
    t = (nnlite_tensor *)(uintptr_t)0x1;
    assert_int_equal(nnlite_tensor_wrap(&t, NULL, 2, shape), NNLITE_EINVAL);
    assert_null(t);
    t = (nnlite_tensor *)(uintptr_t)0x1;
    assert_int_equal(nnlite_tensor_wrap(&t, buf, 2, NULL), NNLITE_EINVAL);
    assert_null(t);
    t = (nnlite_tensor *)(uintptr_t)0x1;
    assert_int_equal(nnlite_tensor_wrap(&t, buf, 0, shape), NNLITE_EINVAL);
    assert_null(t);
    t = (nnlite_tensor *)(uintptr_t)0x1;
    assert_int_equal(nnlite_tensor_wrap(&t, buf, 5, shape), NNLITE_EINVAL);
    assert_null(t);
    t = (nnlite_tensor *)(uintptr_t)0x1;
    assert_int_equal(nnlite_tensor_wrap(&t, buf, 2, zero), NNLITE_EINVAL);
    assert_null(t);
    t = (nnlite_tensor *)(uintptr_t)0x1;
    assert_int_equal(nnlite_tensor_wrap(&t, buf, 2, huge), NNLITE_ENOMEM);
    assert_null(t);
    t = (nnlite_tensor *)(uintptr_t)0x1;
    assert_int_equal(nnlite_tensor_wrap2d(&t, NULL, 1, 1), NNLITE_EINVAL);
    assert_null(t);
    t = (nnlite_tensor *)(uintptr_t)0x1;
    assert_int_equal(nnlite_tensor_wrap2d(&t, buf, 1, 0), NNLITE_EINVAL);
    assert_null(t);
}

static void test_tensor_queries_accept_null(void **state)
{
    (void)state;
    nnlite_tensor_destroy(NULL);
    assert_null(nnlite_tensor_data(NULL));
    assert_null(nnlite_tensor_const_data(NULL));
    assert_int_equal(nnlite_tensor_rank(NULL), 0);
    assert_int_equal(nnlite_tensor_dim(NULL, 0), 0);
    assert_int_equal(nnlite_tensor_size(NULL), 0);
}

static void test_tensor_allocator_routes_every_call(void **state)
{
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    const size_t shape[2] = {3, 5};
    float buf[15];
    nnlite_tensor *owned = NULL, *wrapped = NULL;
    (void)state;
    assert_int_equal(nnlite_tensor_create_advanced(&owned, 2, shape, &a),
                     NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap_advanced(&wrapped, buf, 2, shape, &a),
                     NNLITE_OK);
    assert_int_equal(st.calls, 2);
    assert_int_equal(st.live, 2);
    nnlite_tensor_destroy(owned);
    nnlite_tensor_destroy(wrapped);
    assert_int_equal(st.frees, 2);
    assert_int_equal(st.live, 0);
}

static void test_tensor_allocator_failure_each_call(void **state)
{
    const size_t shape[2] = {3, 5};
    float buf[15];
    (void)state;
    /* Tensors make one allocation: failing it must give ENOMEM, NULL out,
     * and nothing live; the next call (fail_at 2) succeeds. */
    for (size_t n = 1; n <= 2; n++) {
        test_alloc_state st = {0};
        nnlite_allocator a = test_allocator(&st);
        nnlite_tensor *t = (nnlite_tensor *)(uintptr_t)0x1;
        st.fail_at = n;
        nnlite_status s = nnlite_tensor_create_advanced(&t, 2, shape, &a);
        if (n == 1) {
            assert_int_equal(s, NNLITE_ENOMEM);
            assert_null(t);
        } else {
            assert_int_equal(s, NNLITE_OK);
            nnlite_tensor_destroy(t);
        }
        assert_int_equal(st.live, 0);

        st = (test_alloc_state){0};
        st.fail_at = n;
        t = (nnlite_tensor *)(uintptr_t)0x1;
        s = nnlite_tensor_wrap_advanced(&t, buf, 2, shape, &a);
        assert_int_equal(s, n == 1 ? NNLITE_ENOMEM : NNLITE_OK);
        assert_true(n == 1 ? t == NULL : t != NULL);
        nnlite_tensor_destroy(t);
        assert_int_equal(st.live, 0);
    }
}

static void test_tensor_allocator_half_set_is_einval(void **state)
{
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    const size_t shape[1] = {4};
    float buf[4];
    nnlite_tensor *t = (nnlite_tensor *)(uintptr_t)0x1;
    (void)state;
    a.free = NULL;
    assert_int_equal(nnlite_tensor_create_advanced(&t, 1, shape, &a),
                     NNLITE_EINVAL);
    assert_null(t);
    a = test_allocator(&st);
    a.alloc = NULL;
    t = (nnlite_tensor *)(uintptr_t)0x1;
    assert_int_equal(nnlite_tensor_wrap_advanced(&t, buf, 1, shape, &a),
                     NNLITE_EINVAL);
    assert_null(t);
    assert_int_equal(st.calls, 0);
}

/* A read-only view: data() refuses it, const_data() gives the caller's
 * pointer, and it reports itself read-only. */
static void test_tensor_wrap_const(void **state)
{
    static const float data[6] = {1, 2, 3, 4, 5, 6};
    const size_t shape[3] = {1, 2, 3};
    nnlite_tensor *t = NULL;
    (void)state;
    assert_int_equal(nnlite_tensor_wrap2d_const(&t, data, 2, 3), NNLITE_OK);
    assert_ptr_equal(nnlite_tensor_const_data(t), data);
    assert_null(nnlite_tensor_data(t));
    assert_int_equal(nnlite_tensor_is_read_only(t), 1);
    assert_int_equal(nnlite_tensor_dim(t, 0), 2);
    assert_int_equal(nnlite_tensor_size(t), 6);
    nnlite_tensor_destroy(t);
    assert_int_equal(nnlite_tensor_wrap_const(&t, data, 3, shape), NNLITE_OK);
    assert_int_equal(nnlite_tensor_rank(t), 3);
    nnlite_tensor_destroy(t);
    /* The same argument checks as wrap. */
    t = (nnlite_tensor *)(uintptr_t)0x1;
    assert_int_equal(nnlite_tensor_wrap_const(&t, NULL, 3, shape),
                     NNLITE_EINVAL);
    assert_null(t);
    assert_int_equal(nnlite_tensor_wrap2d_const(&t, data, 0, 3),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_tensor_wrap2d_const(NULL, data, 2, 3),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_tensor_wrap2d_const(&t, data, SIZE_MAX, 2),
                     NNLITE_ENOMEM);
    assert_int_equal(nnlite_tensor_is_read_only(NULL), 0);
}

/* With an allocator: its one allocation (the handle) failing gives
 * ENOMEM and NULL; a half-set allocator is refused before any call. */
static void test_tensor_wrap_const_advanced(void **state)
{
    static const float data[4] = {1, 2, 3, 4};
    const size_t shape[2] = {2, 2};
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    nnlite_tensor *t = NULL;
    (void)state;
    st.fail_at = 1;
    assert_int_equal(nnlite_tensor_wrap_const_advanced(&t, data, 2, shape, &a),
                     NNLITE_ENOMEM);
    assert_null(t);
    st.fail_at = 0;
    assert_int_equal(nnlite_tensor_wrap_const_advanced(&t, data, 2, shape, &a),
                     NNLITE_OK);
    assert_int_equal(nnlite_tensor_is_read_only(t), 1);
    assert_ptr_equal(nnlite_tensor_const_data(t), data);
    nnlite_tensor_destroy(t);
    assert_int_equal(st.live, 0);
    a.free = NULL;
    const size_t calls = st.calls;
    assert_int_equal(nnlite_tensor_wrap_const_advanced(&t, data, 2, shape, &a),
                     NNLITE_EINVAL);
    assert_int_equal(st.calls, calls);
}

/* rewrap points one handle at other rows: no allocation, the trailing
 * shape kept, owned tensors refused, nothing changed on failure. */
static void test_tensor_rewrap(void **state)
{
    float rows[5][3] = {{0}};
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    const size_t shape[2] = {2, 3};
    nnlite_tensor *t = NULL, *owned = NULL;
    (void)state;
    assert_int_equal(
        nnlite_tensor_wrap_advanced(&t, &rows[0][0], 2, shape, &a),
        NNLITE_OK);
    const size_t calls = st.calls;
    assert_int_equal(nnlite_tensor_rewrap(t, &rows[2][0], 3), NNLITE_OK);
    assert_int_equal(st.calls, calls);
    assert_ptr_equal(nnlite_tensor_data(t), &rows[2][0]);
    assert_int_equal(nnlite_tensor_dim(t, 0), 3);
    assert_int_equal(nnlite_tensor_dim(t, 1), 3);
    assert_int_equal(nnlite_tensor_size(t), 9);
    /* onto read-only rows, and back */
    assert_int_equal(nnlite_tensor_rewrap_const(t, &rows[1][0], 1),
                     NNLITE_OK);
    assert_int_equal(nnlite_tensor_is_read_only(t), 1);
    assert_null(nnlite_tensor_data(t));
    assert_int_equal(nnlite_tensor_rewrap(t, &rows[4][0], 1), NNLITE_OK);
    assert_int_equal(nnlite_tensor_is_read_only(t), 0);
    /* failures leave it as it was */
    assert_int_equal(nnlite_tensor_rewrap(t, NULL, 2), NNLITE_EINVAL);
    assert_int_equal(nnlite_tensor_rewrap(t, &rows[0][0], 0), NNLITE_EINVAL);
    assert_int_equal(nnlite_tensor_rewrap(t, &rows[0][0], SIZE_MAX),
                     NNLITE_ENOMEM);
    assert_int_equal(nnlite_tensor_rewrap(NULL, &rows[0][0], 1),
                     NNLITE_EINVAL);
    assert_ptr_equal(nnlite_tensor_data(t), &rows[4][0]);
    assert_int_equal(nnlite_tensor_size(t), 3);
    assert_int_equal(nnlite_tensor_create2d(&owned, 2, 3), NNLITE_OK);
    assert_int_equal(nnlite_tensor_rewrap(owned, &rows[0][0], 2),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_tensor_rewrap_const(owned, &rows[0][0], 2),
                     NNLITE_EINVAL);
    nnlite_tensor_destroy(owned);
    nnlite_tensor_destroy(t);
    assert_int_equal(st.live, 0);
}

/* ---- the check twin: nnlite_tensor_shape_check ------------------------ */

/* The twin gives `expect` and exactly `message`; every constructor gives
 * the same status for the same shape. */
static void expect_shape(size_t rank, const size_t *shape,
                         nnlite_status expect, const char *message)
{
    char msg[160];
    float data[1] = {0};
    nnlite_tensor *t = NULL;
    memset(msg, 'x', sizeof(msg));
    assert_int_equal(nnlite_tensor_shape_check(rank, shape, msg, sizeof(msg)),
                     expect);
    assert_string_equal(msg, message);
    assert_int_equal(nnlite_tensor_create(&t, rank, shape), expect);
    nnlite_tensor_destroy(t);
    t = NULL;
    if (expect == NNLITE_OK) {
        return; /* wrapping a valid shape would need the data */
    }
    assert_int_equal(nnlite_tensor_wrap(&t, data, rank, shape), expect);
    assert_null(t);
    if (rank == 2 && shape != NULL) {
        assert_int_equal(nnlite_tensor_create2d(&t, shape[0], shape[1]),
                         expect);
        assert_null(t);
        assert_int_equal(nnlite_tensor_wrap2d(&t, data, shape[0], shape[1]),
                         expect);
        assert_null(t);
    }
}

static void test_tensor_shape_check_names_the_problem(void **state)
{
    const size_t ok[5] = {2, 3, 1, 4, 2};
    const size_t zero[3] = {3, 4, 0};
    const size_t huge[2] = {SIZE_MAX / 2, 3};
    const size_t bytes_overflow[1] = {SIZE_MAX / 2};
    char want[160];
    (void)state;
    expect_shape(2, ok, NNLITE_OK, "");
    expect_shape(4, ok, NNLITE_OK, "");
    expect_shape(2, NULL, NNLITE_EINVAL, "shape is NULL");
    expect_shape(0, ok, NNLITE_EINVAL, "rank 0 is outside 1 to 4");
    expect_shape(5, ok, NNLITE_EINVAL, "rank 5 is outside 1 to 4");
    expect_shape(3, zero, NNLITE_EINVAL,
                 "dimension 2 is 0 (every dimension must be at least 1)");
    expect_shape(2, huge, NNLITE_ENOMEM,
                 "dimension 1 (3) makes the element count overflow size_t");
    snprintf(want, sizeof(want),
             "%zu elements take more bytes than size_t can count",
             SIZE_MAX / 2);
    expect_shape(1, bytes_overflow, NNLITE_ENOMEM, want);
}

static void test_tensor_shape_check_message_buffer(void **state)
{
    const size_t zero[2] = {0, 1};
    const size_t ok[1] = {3};
    char msg[8];
    (void)state;
    /* No buffer: the status alone. */
    assert_int_equal(nnlite_tensor_shape_check(2, zero, NULL, 0),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_tensor_shape_check(1, ok, NULL, 0), NNLITE_OK);
    /* Truncated to the buffer, always terminated. */
    assert_int_equal(nnlite_tensor_shape_check(2, zero, msg, sizeof(msg)),
                     NNLITE_EINVAL);
    assert_string_equal(msg, "dimensi");
    memset(msg, 'x', sizeof(msg));
    assert_int_equal(nnlite_tensor_shape_check(2, zero, msg, 1),
                     NNLITE_EINVAL);
    assert_int_equal(msg[0], '\0');
    assert_int_equal(msg[1], 'x'); /* nothing past size */
    /* A valid shape clears an old message. */
    memset(msg, 'x', sizeof(msg));
    assert_int_equal(nnlite_tensor_shape_check(1, ok, msg, sizeof(msg)),
                     NNLITE_OK);
    assert_string_equal(msg, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tensor_create_is_zeroed_with_shape),
        cmocka_unit_test(test_tensor_create_all_ranks),
        cmocka_unit_test(test_tensor_create2d),
        cmocka_unit_test(test_tensor_create_errors),
        cmocka_unit_test(test_tensor_wrap_is_zero_copy),
        cmocka_unit_test(test_tensor_wrap2d),
        cmocka_unit_test(test_tensor_wrap_errors),
        cmocka_unit_test(test_tensor_queries_accept_null),
        cmocka_unit_test(test_tensor_allocator_routes_every_call),
        cmocka_unit_test(test_tensor_allocator_failure_each_call),
        cmocka_unit_test(test_tensor_allocator_half_set_is_einval),
        cmocka_unit_test(test_tensor_wrap_const),
        cmocka_unit_test(test_tensor_wrap_const_advanced),
        cmocka_unit_test(test_tensor_rewrap),
        cmocka_unit_test(test_tensor_shape_check_names_the_problem),
        cmocka_unit_test(test_tensor_shape_check_message_buffer),
    };
    return cmocka_run_group_tests_name("tensor", tests, NULL, NULL);
}
