/* Sizes that a 32-bit size_t cannot hold, with everyday-looking shapes: a
 * 65,536 x 65,537 tensor, a 46,341 x 46,341 dense layer, a batch of
 * 65,537 rows through 65,536 units. On a 32-bit machine (the armhf run)
 * the overflow checks must refuse them before anything that size is
 * asked of the allocator; on a 64-bit one they are merely huge, and the
 * allocator below refuses them. Either way the call fails cleanly with
 * NNLITE_ENOMEM (or EFORMAT for a file) and leaves nothing behind. */
#include <stdint.h>
#include <string.h>

#include "harness.h"

#include "alloc_impl.h"
#include "bytes_impl.h"
#include "crc32c_impl.h"
#include "model_util.h"

/* Whether size_t is 32 bits here: then the checks, not the allocator,
 * must stop these sizes. */
#define SIZE_IS_32_BITS (SIZE_MAX <= UINT32_MAX)

/* Refuses any request over 256 MB (this machine may have the memory a
 * 64-bit run would ask for; the test must not take it) and remembers the
 * largest request it saw. */
typedef struct capped {
    test_alloc_state counts;
    size_t largest;
} capped;

enum { CAP = 256u << 20 };

static void *capped_alloc(void *user, size_t size)
{
    capped *c = user;
    c->largest = size > c->largest ? size : c->largest;
    if (size > CAP) {
        c->counts.calls++;
        return NULL;
    }
    return test_alloc_hook(&c->counts, size);
}

static void capped_free(void *user, void *ptr)
{
    test_free_hook(&((capped *)user)->counts, ptr);
}

static nnlite_allocator capped_allocator(capped *c)
{
    nnlite_allocator a = {capped_alloc, capped_free, c};
    return a;
}

/* After a refused call: nothing left allocated, and on a 32-bit machine
 * nothing over the cap was even asked for. */
static void assert_refused_cleanly(const capped *c)
{
    assert_int_equal(c->counts.live, 0);
    if (SIZE_IS_32_BITS) {
        assert_true(c->largest <= CAP);
    }
}

static void test_sizes_checked_arithmetic(void **state)
{
    size_t out = 7;
    (void)state;
    /* 65,536 squared is 2^32: one more than a 32-bit size_t holds. */
    assert_int_equal(nnlite__mul_size(&out, 65536, 65536), !SIZE_IS_32_BITS);
    assert_true(nnlite__mul_size(&out, 65535, 65537));
    assert_int_equal(out, (size_t)65535 * 65537);
    assert_false(nnlite__mul_size(&out, SIZE_MAX / 2 + 1, 2));
    assert_int_equal(out, (size_t)65535 * 65537); /* untouched */
    assert_false(nnlite__add_size(&out, SIZE_MAX, 1));
    assert_true(nnlite__add_size(&out, SIZE_MAX - 1, 1));
    assert_int_equal(out, SIZE_MAX);
}

static void test_sizes_tensors(void **state)
{
    capped c = {{0}, 0};
    const nnlite_allocator a = capped_allocator(&c);
    const size_t elements[2] = {65536, 65537}; /* 2^32 + 2^16 floats */
    const size_t bytes[2] = {32768, 32768};    /* 2^30 floats, 2^32 bytes */
    nnlite_tensor *t = (nnlite_tensor *)(uintptr_t)1;
    (void)state;
    assert_int_equal(nnlite_tensor_create_advanced(&t, 2, elements, &a),
                     NNLITE_ENOMEM);
    assert_null(t);
    assert_refused_cleanly(&c);
    assert_int_equal(nnlite_tensor_create_advanced(&t, 2, bytes, &a),
                     NNLITE_ENOMEM);
    assert_null(t);
    assert_refused_cleanly(&c);

    /* A view allocates only its header: on 64 bits these shapes are
     * fine, on 32 bits the caller's buffer could not be that large. */
    float one = 0.0f;
    const nnlite_status s =
        nnlite_tensor_wrap_advanced(&t, &one, 2, bytes, &a);
    assert_int_equal(s, SIZE_IS_32_BITS ? NNLITE_ENOMEM : NNLITE_OK);
    nnlite_tensor_destroy(t);
    assert_refused_cleanly(&c);
}

static void test_sizes_dense_layer(void **state)
{
    capped c = {{0}, 0};
    const nnlite_allocator a = capped_allocator(&c);
    /* 46,341^2 + 46,341 weights: 8.6 GB of floats, past 2^32 bytes. */
    const nnlite_layer_spec spec = {NNLITE_LAYER_DENSE, 46341, 46341, 0.0f};
    nnlite_layer *l = NULL;
    nnlite_model *m = NULL;
    (void)state;
    const nnlite_status s = nnlite_layer_create_advanced(&l, &spec, &a);
    if (SIZE_IS_32_BITS) {
        assert_int_equal(s, NNLITE_ENOMEM);
        assert_null(l);
    } else { /* made; its weights are allocated when it is added */
        assert_int_equal(s, NNLITE_OK);
        assert_int_equal(nnlite_model_create_advanced(&m, 46341, 1, &a),
                         NNLITE_OK);
        assert_int_equal(nnlite_model_add(m, l), NNLITE_ENOMEM);
        assert_int_equal(nnlite_model_layer_count(m), 0);
        nnlite_model_destroy(m);
    }
    assert_refused_cleanly(&c);
}

/* 1 -> 65,536 -> 1: 196,609 parameters, but a batch of 65,537 rows needs
 * 65,537 x 196,609 floats of workspace (1.3e10: past 2^32 floats). */
static void test_sizes_batch_workspace(void **state)
{
    enum { ROWS = 65537, WIDE = 65536 };
    capped c = {{0}, 0};
    const nnlite_allocator a = capped_allocator(&c);
    nnlite_model *m = NULL;
    nnlite_tensor *x = NULL, *t = NULL;
    float *xs = test_calloc(ROWS, sizeof(float));
    float *ts = test_calloc(ROWS, sizeof(float));
    float loss = -1.0f;
    (void)state;
    assert_non_null(xs);
    assert_non_null(ts);
    assert_int_equal(nnlite_model_create_advanced(&m, 1, 1, &a), NNLITE_OK);
    add_dense(m, 1, WIDE);
    add_dense(m, WIDE, 1);
    set_mse(m);
    set_sgd(m, 0.1f, 0.0f);
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, ROWS, 1), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, ts, ROWS, 1), NNLITE_OK);
    const float before = nnlite_model_params(m)[0];
    assert_int_equal(nnlite_model_train_batch(m, x, t, &loss), NNLITE_ENOMEM);
    assert_non_null(strstr(nnlite_model_last_error(m), "65537 rows"));
    assert_true(loss == -1.0f);
    assert_true(nnlite_model_params(m)[0] == before);
    if (SIZE_IS_32_BITS) {
        assert_true(c.largest <= CAP);
    }
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_model_destroy(m);
    assert_int_equal(c.counts.live, 0);
    test_free(xs);
    test_free(ts);
}

/* A file whose dense layer claims 65,536 x 65,536 weights (a count past
 * a 32-bit size_t), or an input width past 2^32: refused as malformed,
 * for that reason, with nothing large allocated. */
static void test_sizes_file_widths(void **state)
{
    enum { LAYER_AT = 24 + 8 + 32 + 4 + 4 }; /* the first layer record */
    capped c = {{0}, 0};
    nnlite_allocator a = capped_allocator(&c);
    nnlite_load_options o = NNLITE_LOAD_OPTIONS_INIT;
    nnlite_model *m = NULL, *loaded = NULL;
    size_t size;
    char msg[256];
    (void)state;
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    add_dense(m, 2, 3);
    assert_int_equal(nnlite_model_save_buffer(m, NULL, 0, &size), NNLITE_OK);
    unsigned char *buf = test_malloc(size);
    assert_int_equal(nnlite_model_save_buffer(m, buf, size, &size),
                     NNLITE_OK);
    o.allocator = &a;
    o.error = msg;
    o.error_size = sizeof(msg);
    /* The record is where the format puts it: dense, 2 -> 3. */
    nnlite__reader r = {buf, buf + LAYER_AT, buf + size};
    uint32_t kind = 0;
    uint64_t in = 0, out = 0;
    assert_true(nnlite__get_u32(&r, &kind));
    assert_true(nnlite__get_u64(&r, &in));
    assert_true(nnlite__get_u64(&r, &out));
    assert_true(kind == NNLITE_LAYER_DENSE && in == 2 && out == 3);
    static const struct {
        uint64_t in, out;
        const char *why_64, *why_32; /* what the message must say */
    } cases[] = {
        {65536, 65536, "65536 x 65536 weights cannot be in",
         "65536 x 65536 weights cannot be in"},
        {(uint64_t)1 << 33, 3, "8589934592 x 3 weights cannot be in",
         "more than this machine can address"},
    };
    for (size_t i = 0; i < 2; i++) {
        nnlite__writer w = nnlite__writer_to(buf + LAYER_AT + 4, 16);
        nnlite__put_u64(&w, cases[i].in);
        nnlite__put_u64(&w, cases[i].out);
        w = nnlite__writer_to(buf + size - 4, 4);
        nnlite__put_u32(&w, nnlite__crc32c(0, buf, size - 4));
        c = (capped){{0}, 0};
        assert_int_equal(nnlite_model_load_buffer_advanced(&loaded, buf, size,
                                                           &o),
                         NNLITE_EFORMAT);
        assert_null(loaded);
        assert_non_null(strstr(msg, SIZE_IS_32_BITS ? cases[i].why_32
                                                    : cases[i].why_64));
        assert_true(c.largest <= CAP);
        assert_int_equal(c.counts.live, 0);
    }
    test_free(buf);
    nnlite_model_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes_checked_arithmetic),
        cmocka_unit_test(test_sizes_tensors),
        cmocka_unit_test(test_sizes_dense_layer),
        cmocka_unit_test(test_sizes_batch_workspace),
        cmocka_unit_test(test_sizes_file_widths),
    };
    print_message("size_t has %zu bits here\n", sizeof(size_t) * 8);
    return cmocka_run_group_tests_name("sizes", tests, NULL, NULL);
}
