/**
 * @file tensor.h
 * @brief Tensors: contiguous, row-major float buffers of rank 1 to 4.
 *
 * A tensor either owns its buffer (nnlite_tensor_create: zeroed, freed by
 * nnlite_tensor_destroy) or wraps memory you own (nnlite_tensor_wrap: zero
 * copy, never freed by nnlite; the memory must outlive the tensor). A batch
 * of samples is a rank-2 tensor [batch, features]. A read-only view
 * (nnlite_tensor_wrap_const) wraps `const float` data: any call that would
 * write into it (as the y of nnlite_model_forward) returns NNLITE_EINVAL.
 * A wrapped tensor can be pointed at other rows (nnlite_tensor_rewrap), so
 * a training loop over batches needs one handle, not one per batch.
 *
 * Sizes are checked: every dimension must be at least 1, and the element
 * count and byte size must fit in size_t, else NNLITE_EINVAL or
 * NNLITE_ENOMEM. On any failure `*out` is set to NULL (when `out` is not
 * NULL) and nothing is leaked.
 */
#ifndef NNLITE_TENSOR_H
#define NNLITE_TENSOR_H

#include <stddef.h>

#include "nnlite/alloc.h"
#include "nnlite/export.h"
#include "nnlite/status.h"

NNLITE_BEGIN_DECLS

/** The largest rank a tensor may have. */
#define NNLITE_TENSOR_MAX_RANK 4

/** Opaque tensor handle. */
typedef struct nnlite_tensor nnlite_tensor;

/**
 * Create a tensor that owns a zero-filled buffer.
 *
 * @param out   receives the tensor; the caller owns it and frees it with
 *              nnlite_tensor_destroy(). Set to NULL on failure.
 * @param rank  1 to NNLITE_TENSOR_MAX_RANK.
 * @param shape `rank` dimensions, each at least 1; copied.
 * @return NNLITE_OK; NNLITE_EINVAL for a NULL `out` or `shape`, a rank out
 *         of range or a zero dimension; NNLITE_ENOMEM when the size
 *         overflows or allocation fails.
 */
NNLITE_API nnlite_status nnlite_tensor_create(nnlite_tensor **out,
                                              size_t rank,
                                              const size_t *shape);

/**
 * nnlite_tensor_create() with an allocator for the tensor and its buffer.
 *
 * @param allocator NULL for malloc/free; otherwise copied, and used for
 *                  every allocation and release of this tensor.
 * Errors as nnlite_tensor_create(); NNLITE_EINVAL also for an allocator
 * with a NULL function.
 */
NNLITE_API nnlite_status nnlite_tensor_create_advanced(
    nnlite_tensor **out, size_t rank, const size_t *shape,
    const nnlite_allocator *allocator);

/** nnlite_tensor_create() for a [rows, cols] tensor. Same errors. */
NNLITE_API nnlite_status nnlite_tensor_create2d(nnlite_tensor **out,
                                                size_t rows, size_t cols);

/**
 * Wrap memory you own as a tensor, without copying it.
 *
 * @param out   receives the tensor (caller frees it with
 *              nnlite_tensor_destroy(), which never frees `data`). Set to
 *              NULL on failure.
 * @param data  at least product(shape) floats; must stay valid, and is
 *              read and written in place, for the tensor's lifetime.
 * @param rank  1 to NNLITE_TENSOR_MAX_RANK.
 * @param shape `rank` dimensions, each at least 1; copied.
 * @return NNLITE_OK; NNLITE_EINVAL for NULL `out`, `data` or `shape`, a rank
 *         out of range or a zero dimension; NNLITE_ENOMEM when the size
 *         overflows or the handle cannot be allocated.
 */
NNLITE_API nnlite_status nnlite_tensor_wrap(nnlite_tensor **out, float *data,
                                            size_t rank, const size_t *shape);

/**
 * nnlite_tensor_wrap() with an allocator for the handle (the wrapped data
 * is never allocated or freed by nnlite). Errors as nnlite_tensor_wrap().
 */
NNLITE_API nnlite_status nnlite_tensor_wrap_advanced(
    nnlite_tensor **out, float *data, size_t rank, const size_t *shape,
    const nnlite_allocator *allocator);

/** nnlite_tensor_wrap() for a [rows, cols] view of `data`. Same errors. */
NNLITE_API nnlite_status nnlite_tensor_wrap2d(nnlite_tensor **out,
                                              float *data, size_t rows,
                                              size_t cols);

/**
 * Wrap read-only memory as a tensor: nnlite_tensor_wrap() for `const`
 * data. The library only reads through it; any call that would write into
 * it returns NNLITE_EINVAL (and nnlite_tensor_data() returns NULL; use
 * nnlite_tensor_const_data()). Errors as nnlite_tensor_wrap().
 */
NNLITE_API nnlite_status nnlite_tensor_wrap_const(nnlite_tensor **out,
                                                  const float *data,
                                                  size_t rank,
                                                  const size_t *shape);

/**
 * nnlite_tensor_wrap_const() with an allocator for the handle (the data is
 * never allocated or freed by nnlite). Errors as nnlite_tensor_wrap().
 */
NNLITE_API nnlite_status nnlite_tensor_wrap_const_advanced(
    nnlite_tensor **out, const float *data, size_t rank, const size_t *shape,
    const nnlite_allocator *allocator);

/** nnlite_tensor_wrap_const() for a [rows, cols] view. Same errors. */
NNLITE_API nnlite_status nnlite_tensor_wrap2d_const(nnlite_tensor **out,
                                                    const float *data,
                                                    size_t rows, size_t cols);

/**
 * Point a wrapped tensor at other memory with a new first dimension (the
 * rows of a batch), keeping the rest of its shape: for example
 * nnlite_tensor_rewrap(batch, all + first * cols, n) for rows
 * first .. first + n - 1 of a [N, cols] array. No allocation.
 * @param tensor a tensor made by a wrap function (not an owned one); it
 *               becomes writable again.
 * @param data   rows * (elements per row) floats, valid as for wrap.
 * @param rows   the new first dimension, >= 1.
 * @return NNLITE_OK; NNLITE_EINVAL for NULL arguments, 0 rows or a tensor
 *         that owns its buffer; NNLITE_ENOMEM when the size overflows.
 *         On failure the tensor is unchanged.
 */
NNLITE_API nnlite_status nnlite_tensor_rewrap(nnlite_tensor *tensor,
                                              float *data, size_t rows);

/**
 * nnlite_tensor_rewrap() onto read-only data: the tensor becomes (or
 * stays) a read-only view, as from nnlite_tensor_wrap_const(). Same errors.
 */
NNLITE_API nnlite_status nnlite_tensor_rewrap_const(nnlite_tensor *tensor,
                                                    const float *data,
                                                    size_t rows);

/** @return non-zero for a read-only view (wrap_const), 0 otherwise. */
NNLITE_API int nnlite_tensor_is_read_only(const nnlite_tensor *tensor);

/**
 * Destroy a tensor: frees an owned buffer, never a wrapped one.
 * @param tensor may be NULL (nothing happens).
 */
NNLITE_API void nnlite_tensor_destroy(nnlite_tensor *tensor);

/**
 * @return the first element of the row-major buffer, borrowed: valid until
 *         the tensor is destroyed (for a wrap, the caller's own pointer).
 *         NULL when `tensor` is NULL or a read-only view.
 */
NNLITE_API float *nnlite_tensor_data(nnlite_tensor *tensor);

/** Read-only nnlite_tensor_data(). NULL when `tensor` is NULL. */
NNLITE_API const float *nnlite_tensor_const_data(const nnlite_tensor *tensor);

/** @return the rank (1 to 4), or 0 when `tensor` is NULL. */
NNLITE_API size_t nnlite_tensor_rank(const nnlite_tensor *tensor);

/**
 * @return dimension `axis` (0 is the outermost, e.g. the batch), or 0 when
 *         `tensor` is NULL or `axis` >= its rank.
 */
NNLITE_API size_t nnlite_tensor_dim(const nnlite_tensor *tensor, size_t axis);

/** @return the number of elements, or 0 when `tensor` is NULL. */
NNLITE_API size_t nnlite_tensor_size(const nnlite_tensor *tensor);

/**
 * Say why nnlite_tensor_create(), _create2d(), _wrap() and their
 * _advanced() forms would refuse this rank and shape (they all run this
 * check).
 *
 * @param rank    as for nnlite_tensor_create().
 * @param shape   as for nnlite_tensor_create(); may be NULL (refused).
 * @param message receives one NUL-terminated sentence naming the argument
 *                and its value (e.g. "dimension 1 is 0 (every dimension
 *                must be at least 1)", "rank 5 is outside 1 to 4",
 *                "dimension 2 (4294967296) makes the element count overflow
 *                size_t"), truncated to `size` bytes; "" when the shape is
 *                fine. May be NULL when `size` is 0.
 * @param size    bytes at `message`.
 * @return the status the constructors return for this shape: NNLITE_OK
 *         when it is valid (they may still fail with NNLITE_ENOMEM, for a
 *         NULL `out` or `data`, or a half-set allocator); NNLITE_EINVAL for
 *         a NULL `shape`, a rank out of range or a zero dimension;
 *         NNLITE_ENOMEM when the element count or its byte size overflows
 *         size_t.
 */
NNLITE_API nnlite_status nnlite_tensor_shape_check(size_t rank,
                                                   const size_t *shape,
                                                   char *message,
                                                   size_t size);

NNLITE_END_DECLS

#endif /* NNLITE_TENSOR_H */
