/* The pool of a build without threads (-Dthreads=disabled, or bare
 * metal). nnlite_model_set_threads() refuses any count above 1 there, so
 * no model asks for a pool; a job, should one run, runs on the caller. */
#include "thread_pool_impl.h"

nnlite_status nnlite__pool_create(nnlite__pool **out, size_t threads,
                                  const nnlite_allocator *a)
{
    (void)threads;
    (void)a;
    *out = NULL;
    return NNLITE_ENOMEM;
}

void nnlite__pool_run(nnlite__pool *p, nnlite__pool_fn fn, void *ctx,
                      size_t parts)
{
    (void)p;
    for (size_t part = 0; part < parts; part++) {
        fn(ctx, part, 0);
    }
}

size_t nnlite__pool_size(const nnlite__pool *p)
{
    (void)p;
    return 1;
}

void nnlite__pool_destroy(nnlite__pool *p)
{
    (void)p;
}
