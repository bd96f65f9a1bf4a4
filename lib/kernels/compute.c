/* Splitting a product over the model's threads: whole rows or whole
 * columns per part, in multiples of the micro-tile, never a reduction
 * (no thread's sum depends on another's). There are a few more parts than
 * threads, claimed dynamically (thread_pool.c), so a thread that starts
 * late or runs slow delays nothing; a part's rows or columns depend only
 * on its index, and every C element is computed with the same operations
 * in the same order whatever the split (gemm_impl.h), so results are
 * bit-identical to one thread. */
#include "compute_impl.h"

/* Parts per thread: enough for balance, few enough that each part still
 * streams a good stretch of B past its rows of A. */
#define PARTS_PER_THREAD 2

typedef struct gemm_job {
    const nnlite__compute *cx;
    const nnlite__gemm_args *g;
    size_t chunk; /* rows (a multiple of mr) or columns (of nr) per part */
    int by_rows;
} gemm_job;

static void gemm_part(void *ctx, size_t part, size_t slot)
{
    const gemm_job *job = ctx;
    const nnlite__gemm_args *g = job->g;
    /* No scratch (NULL) when the kernels read B in place. */
    float *pack = job->cx->pack == NULL
                      ? NULL
                      : job->cx->pack + slot * job->cx->pack_floats;
    const size_t total = job->by_rows ? g->m : g->n;
    const size_t s0 = part * job->chunk;
    const size_t s1 = total - s0 < job->chunk ? total : s0 + job->chunk;
    if (s0 >= total) {
        return;
    }
    if (job->by_rows) { /* the same product on rows [s0, s1) */
        nnlite__gemm_args sub = *g;
        sub.m = s1 - s0;
        sub.a = g->a + s0 * g->ars;
        sub.c = g->c + s0 * g->ldc;
        nnlite__gemm_cols(job->cx->kernels, &sub, 0, g->n, pack);
    } else {
        nnlite__gemm_cols(job->cx->kernels, g, s0, s1, pack);
    }
}

/* Rows when B is read in place (nothing to pack, so nothing packed twice)
 * and there are rows enough: each thread then writes whole rows of C, and
 * no cache line of C is shared, where a column split shares one or two
 * per row at every boundary (a costly ping-pong for dW, which is read,
 * added to and written back). Columns otherwise: B's packing is split. */
static int split_rows(const nnlite__compute *cx, const nnlite__gemm_args *g,
                      size_t threads)
{
    return cx->kernels->direct_b && g->bcs == 1 &&
           g->m >= 2 * threads * cx->kernels->mr;
}

void nnlite__compute_gemm(const nnlite__compute *cx,
                          const nnlite__gemm_args *g)
{
    const size_t nr = cx->kernels->nr;
    if (cx->pool != NULL && (g->n >= 2 * nr || g->m >= 4 * cx->kernels->mr) &&
        g->m * g->n * g->k >= NNLITE__THREAD_MIN_WORK) {
        const size_t threads = nnlite__pool_size(cx->pool);
        const int by_rows = split_rows(cx, g, threads);
        const size_t step = by_rows ? cx->kernels->mr : nr;
        const size_t units = ((by_rows ? g->m : g->n) + step - 1) / step;
        size_t parts = threads * PARTS_PER_THREAD;
        parts = parts < units ? parts : units;
        parts = parts < NNLITE__POOL_MAX_PARTS ? parts
                                               : NNLITE__POOL_MAX_PARTS;
        const size_t per = (units + parts - 1) / parts; /* units a part */
        gemm_job job = {cx, g, per * step, by_rows};
        nnlite__pool_run(cx->pool, gemm_part, &job, (units + per - 1) / per);
        return;
    }
    nnlite__gemm_cols(cx->kernels, g, 0, g->n, cx->pack);
}
