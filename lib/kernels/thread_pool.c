/* Fork-join pool on POSIX threads, one job at a time.
 *
 * A job is published as one atomic word, `state` = generation << 16 |
 * parts << 8 | next unclaimed part. The caller stores fn and ctx, then
 * the new state (release) under the mutex, and wakes sleepers. Everyone,
 * the caller included, claims parts by compare-and-swap on `state`; a
 * claim names its generation, so a straggler from an old job can never
 * take a part of a new one. fn and ctx are read only after a successful
 * claim, and stay valid until `remaining` (parts not yet finished) drops
 * to 0, which the caller waits for before it returns or publishes again.
 *
 * Waking a thread from a condition variable costs tens of microseconds,
 * as much as a mid-sized product. So waiting workers poll `state` for up
 * to SPIN_NS (pause hint, then yielding) before sleeping, and the caller
 * polls `remaining` likewise before sleeping on `done`. Every sleeper
 * re-checks its condition under the mutex and whoever makes it true
 * signals under that mutex, so no wake-up is lost. Because the caller
 * claims parts too, a job never waits for a worker that has not started:
 * on a machine with no idle core the caller simply runs every part. */
/* clock_gettime() and CLOCK_MONOTONIC are POSIX, not C11. */
#define _POSIX_C_SOURCE 200809L

#include "thread_pool_impl.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>

#include "alloc_impl.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#else
#define CPU_RELAX() ((void)0)
#endif

/* How long a waiter polls before it sleeps: longer than the serial
 * stretch between the products of one training step (an Adam update of a
 * few hundred thousand parameters takes some 300 to 500 us), so a step's
 * workers stay awake, yet short enough that an idle pool sleeps within a
 * few milliseconds (OpenMP runtimes spin far longer by default). */
#define SPIN_NS 2000000L
/* Polls between two looks at the clock. */
#define POLLS_PER_CLOCK 64
/* Polls with a pause hint before polls start yielding. */
#define PAUSE_POLLS 1024

/* A point SPIN_NS from now, as nanoseconds of CLOCK_MONOTONIC. */
static long long spin_deadline(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec + SPIN_NS;
}

/* Whether the deadline passed; polled once in POLLS_PER_CLOCK calls.
 * After the first few polls each one yields the CPU: on an idle core that
 * returns at once, on a busy machine it lets the thread we wait for (or
 * anyone else) run instead of us. */
static bool spin_over(long long deadline, unsigned *polls)
{
    struct timespec t;
    if (*polls < PAUSE_POLLS) {
        CPU_RELAX();
    } else {
        sched_yield();
    }
    if (++*polls % POLLS_PER_CLOCK != 0) {
        return false;
    }
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec > deadline;
}

#define GEN_SHIFT 16
#define PARTS(st) (((st) >> 8) & 0xffu)
#define NEXT(st) ((st) & 0xffu)

typedef struct worker {
    nnlite__pool *pool;
    size_t slot;
    pthread_t thread;
} worker;

struct nnlite__pool {
    nnlite_allocator allocator;
    pthread_mutex_t lock;
    pthread_cond_t wake; /* a new job or stop */
    pthread_cond_t done; /* remaining reached 0 */
    atomic_ullong state; /* generation << 16 | parts << 8 | next part */
    atomic_size_t remaining;
    atomic_bool stop;
    unsigned long long generation; /* the caller's own count */
    nnlite__pool_fn fn;  /* published with state */
    void *ctx;
    size_t threads;
    size_t started; /* workers created (for cleanup after a failure) */
    worker *workers; /* threads - 1 */
};

/* Claim and run parts of job `gen` until none is left. */
static void run_parts(nnlite__pool *p, unsigned long long gen, size_t slot)
{
    unsigned long long st =
        atomic_load_explicit(&p->state, memory_order_acquire);
    for (;;) {
        if (st >> GEN_SHIFT != gen || NEXT(st) >= PARTS(st)) {
            return;
        }
        if (!atomic_compare_exchange_weak_explicit(
                &p->state, &st, st + 1, memory_order_acq_rel,
                memory_order_acquire)) {
            continue; /* st now holds the current value */
        }
        p->fn(p->ctx, (size_t)NEXT(st), slot);
        if (atomic_fetch_sub_explicit(&p->remaining, 1,
                                      memory_order_acq_rel) == 1) {
            /* The last part: the caller may be asleep on `done`. */
            pthread_mutex_lock(&p->lock);
            pthread_cond_signal(&p->done);
            pthread_mutex_unlock(&p->lock);
        }
        st = atomic_load_explicit(&p->state, memory_order_acquire);
    }
}

/* Until a job newer than `seen` is published (or stop); its generation. */
static unsigned long long await_job(nnlite__pool *p,
                                    unsigned long long seen)
{
    const long long deadline = spin_deadline();
    unsigned polls = 0;
    unsigned long long gen;
    do {
        gen = atomic_load_explicit(&p->state, memory_order_acquire) >>
              GEN_SHIFT;
        if (gen != seen ||
            atomic_load_explicit(&p->stop, memory_order_relaxed)) {
            return gen;
        }
    } while (!spin_over(deadline, &polls));
    pthread_mutex_lock(&p->lock);
    while (!atomic_load(&p->stop) &&
           atomic_load(&p->state) >> GEN_SHIFT == seen) {
        pthread_cond_wait(&p->wake, &p->lock);
    }
    gen = atomic_load(&p->state) >> GEN_SHIFT;
    pthread_mutex_unlock(&p->lock);
    return gen;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    nnlite__pool *p = w->pool;
    unsigned long long seen = 0;
    for (;;) {
        seen = await_job(p, seen);
        if (atomic_load_explicit(&p->stop, memory_order_acquire)) {
            break;
        }
        run_parts(p, seen, w->slot);
    }
    return NULL;
}

static void stop_workers(nnlite__pool *p)
{
    pthread_mutex_lock(&p->lock);
    atomic_store(&p->stop, true);
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
    p->threads = threads;
    atomic_init(&p->state, 0);
    atomic_init(&p->remaining, 0);
    atomic_init(&p->stop, false);
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
        p->workers[i].slot = i + 1;
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

/* Until every part finished: poll, then sleep on `done`. */
static void await_done(nnlite__pool *p)
{
    const long long deadline = spin_deadline();
    unsigned polls = 0;
    do {
        if (atomic_load_explicit(&p->remaining, memory_order_acquire) ==
            0) {
            return;
        }
    } while (!spin_over(deadline, &polls));
    pthread_mutex_lock(&p->lock);
    while (atomic_load(&p->remaining) > 0) {
        pthread_cond_wait(&p->done, &p->lock);
    }
    pthread_mutex_unlock(&p->lock);
}

void nnlite__pool_run(nnlite__pool *p, nnlite__pool_fn fn, void *ctx,
                      size_t parts)
{
    unsigned long long gen;
    pthread_mutex_lock(&p->lock);
    gen = ++p->generation;
    p->fn = fn;
    p->ctx = ctx;
    atomic_store_explicit(&p->remaining, parts, memory_order_relaxed);
    atomic_store_explicit(&p->state,
                          gen << GEN_SHIFT | (unsigned long long)parts << 8,
                          memory_order_release);
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->lock);
    run_parts(p, gen, 0);
    await_done(p);
}

size_t nnlite__pool_size(const nnlite__pool *p)
{
    return p->threads;
}

void nnlite__pool_destroy(nnlite__pool *p)
{
    if (p == NULL) {
        return;
    }
    stop_workers(p);
    free_pool(p);
}
