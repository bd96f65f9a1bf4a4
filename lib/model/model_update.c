/* The optimizer update of a training step, split over the model's
 * threads when the parameters are many. Ranges are fixed by their index
 * (whole cache lines each), and every element's arithmetic depends on that
 * element alone, so the result is bit-identical to one thread. */
#include "model_impl.h"
#include "optim_impl.h"

/* Floats per range step: a 64-byte cache line. Buffers are only 16-byte
 * aligned (glibc), so neighbouring ranges may still share one line at
 * their boundary: a little speed, never correctness. */
#define RANGE_ALIGN 16

/* Ranges per thread: a few more than threads, for balance. */
#define PARTS_PER_THREAD 2

typedef struct update_job {
    const nnlite__update *u;
    nnlite__update_fn fn;
    size_t chunk;
    bool ok[NNLITE__POOL_MAX_PARTS];
} update_job;

static void update_part(void *ctx, size_t part, size_t slot)
{
    update_job *job = ctx;
    const size_t n = job->u->n, i0 = part * job->chunk;
    const size_t i1 = n - i0 < job->chunk ? n : i0 + job->chunk;
    (void)slot;
    job->ok[part] = job->fn(job->u, i0, i1);
}

/* Run fn over all parameters; true when every new value is finite. */
static bool run_update(const nnlite_model *m, const nnlite__update *u,
                       nnlite__update_fn fn)
{
    nnlite__pool *pool = m->compute.pool; /* NULL: one thread */
    if (u->n < NNLITE__THREAD_MIN_PARAMS || pool == NULL) {
        return fn(u, 0, u->n);
    }
    update_job job;
    const size_t units = (u->n + RANGE_ALIGN - 1) / RANGE_ALIGN;
    size_t parts = nnlite__pool_size(pool) * PARTS_PER_THREAD;
    parts = parts < NNLITE__POOL_MAX_PARTS ? parts : NNLITE__POOL_MAX_PARTS;
    job.u = u;
    job.fn = fn;
    job.chunk = (units + parts - 1) / parts * RANGE_ALIGN;
    parts = (u->n + job.chunk - 1) / job.chunk;
    nnlite__pool_run(pool, update_part, &job, parts);
    for (size_t i = 0; i < parts; i++) {
        if (!job.ok[i]) {
            return false;
        }
    }
    return true;
}

/* The kernels of the model's path (the CPU's best before any pass ran). */
static const nnlite__update_kernels *update_kernels(const nnlite_model *m)
{
    const nnlite__gemm_kernels *k = m->compute.kernels;
    return nnlite__update_kernels_for(k != NULL ? k->path
                                                : nnlite__cpu_best_path());
}

nnlite_status nnlite__model_reserve_optimizer(nnlite_model *m,
                                              nnlite_optimizer *o)
{
    if (nnlite__optimizer_reserve(o, m->param_count) != NNLITE_OK) {
        return nnlite__fail(m, NNLITE_ENOMEM,
                            "out of memory for the optimizer's state");
    }
    return NNLITE_OK;
}

/* A non-finite gradient makes the update non-finite, which the optimizer
 * rolls back; so once the state is sized, the gradients are scanned only
 * when a step fails, to name the cause (nor does a training step scan
 * them before: one pass less). The first step scans before it
 * allocates. */
nnlite_status nnlite__model_apply(nnlite_model *m)
{
    nnlite_optimizer *o = m->optimizer;
    nnlite__update u;
    nnlite_status s;
    bool ok;
    /* In place (no rollback) nothing could undo a step that a
     * non-finite gradient spoils, so the gradients are scanned first. */
    if (o->param_count != m->param_count || o->in_place) {
        if ((s = nnlite__model_check_grads(m)) != NNLITE_OK) {
            return s;
        }
        if ((s = nnlite__model_reserve_optimizer(m, o)) != NNLITE_OK) {
            return s;
        }
    }
    nnlite__optimizer_begin(o, m->params, m->grads, &u);
    /* No parameters (NULL buffers): nothing to run, but the step counts. */
    ok = m->param_count == 0 ||
         run_update(m, &u, nnlite__optimizer_kernel(o, update_kernels(m)));
    nnlite__optimizer_finish(o, &u, ok);
    if (!ok && o->in_place) {
        return nnlite__fail(m, NNLITE_ENUMERIC,
                            "the update overflowed a parameter or the "
                            "optimizer's state (learning rate too "
                            "large?); rollback is off, so they hold "
                            "non-finite values now");
    }
    if (!ok) {
        return (s = nnlite__model_check_grads(m)) != NNLITE_OK
                   ? s
                   : nnlite__fail(m, NNLITE_ENUMERIC,
                                  "the update would overflow a parameter "
                                  "or the optimizer's state (learning rate "
                                  "too large?); parameters left unchanged");
    }
    return NNLITE_OK;
}
