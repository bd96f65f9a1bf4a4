/* Splitting a product over the model's threads: whole columns per thread,
 * in multiples of the micro-tile width, never a reduction. */
#include "compute_impl.h"

typedef struct gemm_job {
    const nnlite__compute *cx;
    const nnlite__gemm_args *g;
    size_t chunk; /* columns per part, a multiple of nr */
} gemm_job;

static void gemm_part(void *ctx, size_t part, size_t parts)
{
    const gemm_job *job = ctx;
    const size_t n = job->g->n, j0 = part * job->chunk;
    const size_t j1 = n - j0 < job->chunk ? n : j0 + job->chunk;
    (void)parts;
    if (j0 < n) {
        nnlite__gemm_cols(job->cx->kernels, job->g, j0, j1,
                          job->cx->pack + part * job->cx->pack_floats);
    }
}

void nnlite__compute_gemm(const nnlite__compute *cx,
                          const nnlite__gemm_args *g)
{
    const size_t nr = cx->kernels->nr;
    if (cx->pool != NULL && g->n >= 2 * nr &&
        g->m * g->n * g->k >= NNLITE__THREAD_MIN_WORK) {
        const size_t parts = nnlite__pool_size(cx->pool);
        const size_t per = (g->n + parts - 1) / parts;
        gemm_job job = {cx, g, (per + nr - 1) / nr * nr};
        nnlite__pool_run(cx->pool, gemm_part, &job);
        return;
    }
    nnlite__gemm_cols(cx->kernels, g, 0, g->n, cx->pack);
}
