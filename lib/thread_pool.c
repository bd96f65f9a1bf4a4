/* Fork-join pool on POSIX threads. One job at a time: the caller bumps a
 * generation counter under the mutex and wakes everyone; each worker runs
 * its own part and counts down `pending`; the caller runs part 0, then
 * waits for pending == 0. Parts are fixed per worker, so which thread
 * computes what never depends on timing. */
#include "thread_pool.h"

#include <pthread.h>
#include <stdbool.h>

#include "alloc_impl.h"

typedef struct worker {
    nnlite__pool *pool;
    size_t part;
    pthread_t thread;
} worker;

struct nnlite__pool {
    nnlite_allocator allocator;
    pthread_mutex_t lock;
    pthread_cond_t wake; /* a new job or stop */
    pthread_cond_t done; /* pending reached 0 */
    unsigned long generation;
    size_t pending;
    bool stop;
    nnlite__pool_fn fn;
    void *ctx;
    size_t parts;
    size_t started; /* workers created (for cleanup after a failure) */
    worker *workers; /* parts - 1 */
};

static void *worker_main(void *arg)
{
    worker *w = arg;
    nnlite__pool *p = w->pool;
    unsigned long seen = 0;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->stop && p->generation == seen) {
            pthread_cond_wait(&p->wake, &p->lock);
        }
        if (p->stop) {
            break;
        }
        seen = p->generation;
        nnlite__pool_fn fn = p->fn;
        void *ctx = p->ctx;
        pthread_mutex_unlock(&p->lock);
        fn(ctx, w->part, p->parts);
        pthread_mutex_lock(&p->lock);
        if (--p->pending == 0) {
            pthread_cond_signal(&p->done);
        }
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

static void stop_workers(nnlite__pool *p)
{
    pthread_mutex_lock(&p->lock);
    p->stop = true;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    for (size_t i = 0; i < p->started; i++) {
        pthread_join(p->workers[i].thread, NULL);
    }
}

static void free_pool(nnlite__pool *p)
{
    nnlite_allocator a = p->allocator;
    pthread_cond_destroy(&p->done);
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->lock);
    nnlite__free(&a, p->workers);
    nnlite__free(&a, p);
}

nnlite_status nnlite__pool_create(nnlite__pool **out, size_t threads,
                                  const nnlite_allocator *a)
{
    nnlite__pool *p;
    *out = NULL;
    if (threads == 0) {
        return NNLITE_EINVAL;
    }
    p = nnlite__calloc(a, sizeof(*p));
    if (p == NULL) {
        return NNLITE_ENOMEM;
    }
    p->allocator = *a;
    p->parts = threads;
    if (pthread_mutex_init(&p->lock, NULL) != 0) {
        nnlite__free(a, p);
        return NNLITE_ENOMEM;
    }
    if (pthread_cond_init(&p->wake, NULL) != 0) {
        pthread_mutex_destroy(&p->lock);
        nnlite__free(a, p);
        return NNLITE_ENOMEM;
    }
    if (pthread_cond_init(&p->done, NULL) != 0) {
        pthread_cond_destroy(&p->wake);
        pthread_mutex_destroy(&p->lock);
        nnlite__free(a, p);
        return NNLITE_ENOMEM;
    }
    if (threads > 1 &&
        (p->workers = nnlite__calloc_array(a, threads - 1,
                                           sizeof(worker))) == NULL) {
        goto fail;
    }
    for (size_t i = 0; i + 1 < threads; i++) {
        p->workers[i].pool = p;
        p->workers[i].part = i + 1;
        if (pthread_create(&p->workers[i].thread, NULL, worker_main,
                           &p->workers[i]) != 0) {
            goto fail;
        }
        p->started++;
    }
    *out = p;
    return NNLITE_OK;
fail:
    stop_workers(p);
    free_pool(p);
    return NNLITE_ENOMEM;
}

void nnlite__pool_run(nnlite__pool *p, nnlite__pool_fn fn, void *ctx)
{
    pthread_mutex_lock(&p->lock);
    p->fn = fn;
    p->ctx = ctx;
    p->pending = p->parts - 1;
    p->generation++;
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    fn(ctx, 0, p->parts);
    pthread_mutex_lock(&p->lock);
    while (p->pending > 0) {
        pthread_cond_wait(&p->done, &p->lock);
    }
    pthread_mutex_unlock(&p->lock);
}

size_t nnlite__pool_size(const nnlite__pool *p)
{
    return p->parts;
}

void nnlite__pool_destroy(nnlite__pool *p)
{
    if (p == NULL) {
        return;
    }
    stop_workers(p);
    free_pool(p);
}
