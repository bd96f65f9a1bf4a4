/* The model's compute resources: which kernels run (chosen once from the
 * CPU, or forced by a test), packing scratch sized for the widest layer,
 * and the worker threads of nnlite_model_set_threads(). */
#include "alloc_impl.h"
#include "model_impl.h"
#include "nnlite/threads.h"

static size_t parts(const nnlite_model *m)
{
    return m->threads > 1 ? m->threads : 1;
}

static void release_pack(nnlite_model *m)
{
    nnlite__free(&m->allocator, m->compute.pack);
    m->compute.pack = NULL;
    m->compute.pack_floats = 0;
}

/* The kernels the model runs on, or will once a pass chose them. */
static const nnlite__gemm_kernels *kernels(const nnlite_model *m)
{
    return m->compute.kernels != NULL
               ? m->compute.kernels
               : nnlite__gemm_kernels_for(nnlite__cpu_best_path());
}

/* A dense layer's products have at most max_width columns and reduce
 * over a width or the rows (its weight gradient). */
size_t nnlite__model_pack_floats(const nnlite_model *m, size_t rows)
{
    return nnlite__gemm_pack_floats_for(
        kernels(m), rows > m->max_width ? rows : m->max_width, m->max_width);
}

nnlite_status nnlite__model_reserve_compute(nnlite_model *m)
{
    nnlite__compute *cx = &m->compute;
    size_t need, total;
    if (cx->kernels == NULL) {
        cx->kernels = nnlite__gemm_kernels_for(nnlite__cpu_best_path());
    }
    need = nnlite__model_pack_floats(m, m->batch_capacity);
    cx->rng = &m->rng; /* dropout draws from the model's generator */
    if (need > 0 && (cx->pack == NULL || cx->pack_floats < need)) {
        float *pack;
        if (!nnlite__mul_size(&total, need, parts(m)) ||
            (pack = nnlite__alloc(&m->allocator, total * sizeof(float))) ==
                NULL) {
            return nnlite__fail(m, NNLITE_ENOMEM,
                                "out of memory for packing buffers");
        }
        release_pack(m);
        cx->pack = pack;
        cx->pack_floats = need;
    }
    if (parts(m) > 1 && cx->pool == NULL &&
        nnlite__pool_create(&cx->pool, parts(m), &m->allocator) !=
            NNLITE_OK) {
        return nnlite__fail(m, NNLITE_ENOMEM,
                            "cannot start %zu threads", parts(m));
    }
    return NNLITE_OK;
}

void nnlite__model_release_compute(nnlite_model *m)
{
    nnlite__pool_destroy(m->compute.pool);
    m->compute.pool = NULL;
    release_pack(m);
}

nnlite_status nnlite__model_force_path(nnlite_model *m, int path)
{
    const nnlite__gemm_kernels *k;
    if (path < 0 || path >= NNLITE__PATH_COUNT ||
        (k = nnlite__gemm_kernels_for((nnlite__kernel_path)path)) == NULL) {
        return NNLITE_EINVAL;
    }
    m->compute.kernels = k;
    return NNLITE_OK;
}

nnlite_status nnlite_model_set_threads(nnlite_model *m, size_t threads)
{
    nnlite_status s;
    if (m == NULL) {
        return NNLITE_EINVAL;
    }
    m->error[0] = '\0';
    if ((s = nnlite__model_check_threads(m, threads)) != NNLITE_OK) {
        return s;
    }
    if (threads != parts(m)) {
        /* Scratch and workers are re-made for the new count on next use. */
        nnlite__model_release_compute(m);
        m->threads = threads;
    }
    return NNLITE_OK;
}

nnlite_status nnlite_model_set_kernels(nnlite_model *m,
                                       nnlite_kernels kernels)
{
    nnlite_status s;
    if (m == NULL) {
        return NNLITE_EINVAL;
    }
    m->error[0] = '\0';
    if ((s = nnlite__model_check_not_fitting(m, "nnlite_model_set_kernels")) !=
        NNLITE_OK) {
        return s;
    }
    switch (kernels) {
    case NNLITE_KERNELS_FASTEST:
        m->compute.kernels = nnlite__gemm_kernels_for(nnlite__cpu_best_path());
        return NNLITE_OK;
    case NNLITE_KERNELS_PORTABLE:
        m->compute.kernels = nnlite__gemm_kernels_for(NNLITE__PATH_GENERIC);
        return NNLITE_OK;
    default:
        return nnlite__fail(m, NNLITE_EINVAL,
                            "kernels %d is neither NNLITE_KERNELS_FASTEST "
                            "(0) nor NNLITE_KERNELS_PORTABLE (1)",
                            (int)kernels);
    }
}

size_t nnlite_model_get_threads(const nnlite_model *m)
{
    return m == NULL ? 0 : parts(m);
}

const char *nnlite_model_kernel_name(const nnlite_model *m)
{
    const nnlite__gemm_kernels *k;
    if (m == NULL) {
        return "";
    }
    k = m->compute.kernels != NULL
            ? m->compute.kernels
            : nnlite__gemm_kernels_for(nnlite__cpu_best_path());
    return k->name;
}
