/* Tensors: shape checks, owned (one block: header then data) or wrapped. */
#include "tensor_impl.h"

#include <stdalign.h>
#include <stdint.h>
#include <string.h>

#include "alloc_impl.h"
#include "message_impl.h"

/* The data of an owned tensor starts here, aligned as malloc aligns. */
#define HEADER_SIZE                                                           \
    ((sizeof(struct nnlite_tensor) + alignof(max_align_t) - 1) /              \
     alignof(max_align_t) * alignof(max_align_t))

/* Validate rank and shape; *count = number of elements, overflow-checked,
 * whose bytes fit in size_t too. The one check behind every constructor
 * and nnlite_tensor_shape_check(); msg says why it refuses ("" if not). */
static nnlite_status check_shape(size_t rank, const size_t *shape,
                                 size_t *count, char *msg, size_t size)
{
    size_t n = 1, bytes;
    nnlite__format(msg, size, "%s", "");
    if (shape == NULL) {
        nnlite__format(msg, size, "shape is NULL");
        return NNLITE_EINVAL;
    }
    if (rank == 0 || rank > NNLITE_TENSOR_MAX_RANK) {
        nnlite__format(msg, size, "rank %zu is outside 1 to %d", rank,
                       NNLITE_TENSOR_MAX_RANK);
        return NNLITE_EINVAL;
    }
    for (size_t i = 0; i < rank; i++) {
        if (shape[i] == 0) {
            nnlite__format(msg, size,
                           "dimension %zu is 0 (every dimension must be at "
                           "least 1)",
                           i);
            return NNLITE_EINVAL;
        }
    }
    for (size_t i = 0; i < rank; i++) {
        if (!nnlite__mul_size(&n, n, shape[i])) {
            nnlite__format(msg, size,
                           "dimension %zu (%zu) makes the element count "
                           "overflow size_t",
                           i, shape[i]);
            return NNLITE_ENOMEM;
        }
    }
    if (!nnlite__mul_size(&bytes, n, sizeof(float))) {
        nnlite__format(msg, size,
                       "%zu elements take more bytes than size_t can count",
                       n);
        return NNLITE_ENOMEM;
    }
    *count = n;
    return NNLITE_OK;
}

nnlite_status nnlite_tensor_shape_check(size_t rank, const size_t *shape,
                                        char *message, size_t size)
{
    size_t count;
    return check_shape(rank, shape, &count, message, size);
}

static void init_header(nnlite_tensor *t, const nnlite_allocator *a,
                        float *data, size_t rank, const size_t *shape,
                        size_t count)
{
    memset(t, 0, sizeof(*t));
    t->allocator = *a;
    t->data = data;
    t->rank = rank;
    memcpy(t->shape, shape, rank * sizeof(shape[0]));
    t->size = count;
}

nnlite_status nnlite_tensor_create_advanced(nnlite_tensor **out, size_t rank,
                                            const size_t *shape,
                                            const nnlite_allocator *allocator)
{
    nnlite_allocator a;
    size_t count, bytes;
    nnlite_status s;
    unsigned char *block;

    if (out == NULL) {
        return NNLITE_EINVAL;
    }
    *out = NULL;
    if ((s = nnlite__allocator_resolve(&a, allocator)) != NNLITE_OK ||
        (s = check_shape(rank, shape, &count, NULL, 0)) != NNLITE_OK) {
        return s;
    }
    if (!nnlite__mul_size(&bytes, count, sizeof(float)) ||
        !nnlite__add_size(&bytes, bytes, HEADER_SIZE)) {
        return NNLITE_ENOMEM;
    }
    block = nnlite__alloc(&a, bytes);
    if (block == NULL) {
        return NNLITE_ENOMEM;
    }
    memset(block + HEADER_SIZE, 0, bytes - HEADER_SIZE);
    init_header((nnlite_tensor *)(void *)block, &a,
                (float *)(void *)(block + HEADER_SIZE), rank, shape, count);
    *out = (nnlite_tensor *)(void *)block;
    return NNLITE_OK;
}

nnlite_status nnlite_tensor_create(nnlite_tensor **out, size_t rank,
                                   const size_t *shape)
{
    return nnlite_tensor_create_advanced(out, rank, shape, NULL);
}

nnlite_status nnlite_tensor_create2d(nnlite_tensor **out, size_t rows,
                                     size_t cols)
{
    const size_t shape[2] = {rows, cols};
    return nnlite_tensor_create_advanced(out, 2, shape, NULL);
}

/* A handle for count floats of the caller's at data (not copied). */
static nnlite_status wrap(nnlite_tensor **out, const float *data,
                          bool read_only, size_t rank, const size_t *shape,
                          const nnlite_allocator *allocator)
{
    nnlite_allocator a;
    size_t count, bytes;
    nnlite_status s;
    nnlite_tensor *t;

    if (out == NULL) {
        return NNLITE_EINVAL;
    }
    *out = NULL;
    if (data == NULL) {
        return NNLITE_EINVAL;
    }
    if ((s = nnlite__allocator_resolve(&a, allocator)) != NNLITE_OK ||
        (s = check_shape(rank, shape, &count, NULL, 0)) != NNLITE_OK) {
        return s;
    }
    /* The caller's buffer must be addressable as count floats. */
    if (!nnlite__mul_size(&bytes, count, sizeof(float))) {
        return NNLITE_ENOMEM;
    }
    t = nnlite__alloc(&a, sizeof(*t));
    if (t == NULL) {
        return NNLITE_ENOMEM;
    }
    /* A read-only view keeps the pointer without const, but nothing
     * writes through it: every writer asks nnlite__tensor_writable(). */
    init_header(t, &a, (float *)(uintptr_t)data, rank, shape, count);
    t->wrapped = true;
    t->read_only = read_only;
    *out = t;
    return NNLITE_OK;
}

nnlite_status nnlite_tensor_wrap_advanced(nnlite_tensor **out, float *data,
                                          size_t rank, const size_t *shape,
                                          const nnlite_allocator *allocator)
{
    return wrap(out, data, false, rank, shape, allocator);
}

nnlite_status nnlite_tensor_wrap(nnlite_tensor **out, float *data,
                                 size_t rank, const size_t *shape)
{
    return wrap(out, data, false, rank, shape, NULL);
}

nnlite_status nnlite_tensor_wrap2d(nnlite_tensor **out, float *data,
                                   size_t rows, size_t cols)
{
    const size_t shape[2] = {rows, cols};
    return wrap(out, data, false, 2, shape, NULL);
}

nnlite_status nnlite_tensor_wrap_const(nnlite_tensor **out, const float *data,
                                       size_t rank, const size_t *shape)
{
    return wrap(out, data, true, rank, shape, NULL);
}

nnlite_status nnlite_tensor_wrap_const_advanced(
    nnlite_tensor **out, const float *data, size_t rank, const size_t *shape,
    const nnlite_allocator *allocator)
{
    return wrap(out, data, true, rank, shape, allocator);
}

nnlite_status nnlite_tensor_wrap2d_const(nnlite_tensor **out,
                                         const float *data, size_t rows,
                                         size_t cols)
{
    const size_t shape[2] = {rows, cols};
    return wrap(out, data, true, 2, shape, NULL);
}

/* Point a wrapped tensor at other rows: same trailing shape, new first
 * dimension. Nothing changes on failure. */
static nnlite_status rewrap(nnlite_tensor *t, const float *data,
                            bool read_only, size_t rows)
{
    size_t count, bytes;
    if (t == NULL || data == NULL || !t->wrapped || rows == 0) {
        return NNLITE_EINVAL;
    }
    count = t->size / t->shape[0]; /* elements per row, never 0 */
    if (!nnlite__mul_size(&count, count, rows) ||
        !nnlite__mul_size(&bytes, count, sizeof(float))) {
        return NNLITE_ENOMEM;
    }
    t->data = (float *)(uintptr_t)data;
    t->read_only = read_only;
    t->shape[0] = rows;
    t->size = count;
    return NNLITE_OK;
}

nnlite_status nnlite_tensor_rewrap(nnlite_tensor *tensor, float *data,
                                   size_t rows)
{
    return rewrap(tensor, data, false, rows);
}

nnlite_status nnlite_tensor_rewrap_const(nnlite_tensor *tensor,
                                         const float *data, size_t rows)
{
    return rewrap(tensor, data, true, rows);
}

void nnlite_tensor_destroy(nnlite_tensor *tensor)
{
    if (tensor != NULL) {
        /* Owned data lives in the same block; wrapped data is not ours. */
        nnlite_allocator a = tensor->allocator;
        nnlite__free(&a, tensor);
    }
}

float *nnlite_tensor_data(nnlite_tensor *tensor)
{
    return tensor == NULL || tensor->read_only ? NULL : tensor->data;
}

int nnlite_tensor_is_read_only(const nnlite_tensor *tensor)
{
    return tensor != NULL && tensor->read_only;
}

const float *nnlite_tensor_const_data(const nnlite_tensor *tensor)
{
    return tensor == NULL ? NULL : tensor->data;
}

size_t nnlite_tensor_rank(const nnlite_tensor *tensor)
{
    return tensor == NULL ? 0 : tensor->rank;
}

size_t nnlite_tensor_dim(const nnlite_tensor *tensor, size_t axis)
{
    if (tensor == NULL || axis >= tensor->rank) {
        return 0;
    }
    return tensor->shape[axis];
}

size_t nnlite_tensor_size(const nnlite_tensor *tensor)
{
    return tensor == NULL ? 0 : tensor->size;
}
