/**
 * @file threads.h
 * @brief Worker threads a model owns for its large products.
 *
 * A model can split its large matrix products, and the optimizer update of
 * a model with 65,536 parameters or more, over worker threads it owns
 * (never a process-wide pool). Results are bit-identical for every thread
 * count: each output element (each parameter) is computed by exactly one
 * thread, with the same operations in the same order as with one thread;
 * threads split the outputs of a product, never a sum. Small products
 * (fewer than about a million multiply-adds) stay on the calling thread,
 * where waking a worker would cost more than it saves.
 *
 * Measure before you keep more than one thread: the gain depends on the
 * cores you get, and on a shared or busy machine a second thread may not
 * pay at all (docs/performance.md has measurements).
 *
 * @code
 *   nnlite_model_set_threads(model, 2);  // before or between fits
 * @endcode
 */
#ifndef NNLITE_THREADS_H
#define NNLITE_THREADS_H

#include <stddef.h>

#include "nnlite/config.h"
#include "nnlite/export.h"
#include "nnlite/model.h"
#include "nnlite/status.h"

NNLITE_BEGIN_DECLS

/**
 * Use `threads` threads (the caller's plus threads - 1 workers) for this
 * model's products. Workers are started lazily, on the next forward or
 * training call, with the model's allocator, and joined by
 * nnlite_model_destroy() or the next nnlite_model_set_threads() that
 * changes the count. The default is 1: no worker threads.
 *
 * @param model   the model
 * @param threads 1 to 256; only 1 when NNLITE_HAVE_THREADS is 0 (a
 *   build without threads, such as bare metal)
 * @return NNLITE_OK; NNLITE_EINVAL for a NULL model or a count out of
 *   range; NNLITE_ESTATE from a fit callback. If workers cannot be started
 *   later, that call fails with NNLITE_ENOMEM.
 */
NNLITE_API nnlite_status nnlite_model_set_threads(nnlite_model *model,
                                                  size_t threads);

/** Threads set by nnlite_model_set_threads() (1 by default; 0 for NULL). */
NNLITE_API size_t nnlite_model_get_threads(const nnlite_model *model);

NNLITE_END_DECLS

#endif /* NNLITE_THREADS_H */
