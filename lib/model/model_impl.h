/* Private: the model struct and the internals its files share. */
#ifndef NNLITE_MODEL_IMPL_H
#define NNLITE_MODEL_IMPL_H

#include <stdbool.h>

#include "compute_impl.h"
#include "layer_impl.h"
#include "loss_impl.h"
#include "message_impl.h"
#include "nnlite/io.h"
#include "nnlite/model.h"
#include "optim_impl.h"
#include "rng_impl.h"

struct nnlite_model {
    nnlite_allocator allocator;
    size_t input_features;
    nnlite__rng rng;

    nnlite_layer **layers;
    size_t layer_count;
    size_t layer_capacity;

    nnlite_loss *loss;
    nnlite_optimizer *optimizer;

    float *params;         /* flat, layout in model.h */
    float *grads;          /* same layout */
    size_t param_count;
    bool initialized;      /* weights drawn; no more layers after this */
    bool fitting;          /* inside fit(): its callback may not train */
    bool grads_ready;      /* grads hold a computed gradient to apply */

    /* Workspace for up to batch_capacity rows: each layer's output, two
     * ping-pong gradient buffers as wide as the widest layer output
     * (model_workspace.c), the masks. One allocation. */
    float *workspace;
    float **outputs;       /* layer_count pointers into workspace */
    float *delta[2];
    float *masks;          /* then batch_capacity x out floats for each
                            * layer that keeps a mask (dropout), in order */
    size_t batch_capacity;
    size_t max_width;      /* widest of the input and every layer */
    size_t chunk_rows;     /* set_chunk_rows(); 0: the default */

    /* fit(): a batch gathered from shuffled rows, and the row order. */
    float *fit_x;
    float *fit_target;
    size_t fit_x_capacity;      /* floats */
    size_t fit_target_capacity; /* floats */
    size_t *order;
    size_t order_capacity;
    float *best_params;         /* restore_best: the best epoch's */
    size_t best_params_capacity; /* floats */

    char error[NNLITE__ERROR_SIZE];

    /* metadata: named float arrays saved with the model (io.h) */
    struct nnlite__metadata *metadata;
    size_t metadata_count;
    size_t metadata_capacity;

    /* The kernels the passes run on (model_compute.c): the chosen path's
     * table, packing scratch, worker threads; all empty until the first
     * pass reserves them. */
    nnlite__compute compute;
    size_t threads;           /* set_threads(); 0 means 1 */
};

/* One metadata entry: name and values share one allocation. */
typedef struct nnlite__metadata {
    char *name;      /* NUL-terminated, inside the block */
    float *values;   /* count floats, inside the block (NULL if none) */
    size_t name_length;
    size_t count;
    void *block;
} nnlite__metadata;

/* Add an entry named by the name_length bytes at name (new, no NUL in
 * it) with room for `count` values, which the caller fills through
 * *values (NULL when count is 0). NNLITE_ENOMEM, nothing added, when
 * memory runs out. */
nnlite_status nnlite__metadata_append(nnlite_model *m, const char *name,
                                      size_t name_length, size_t count,
                                      float **values);

/* Free every metadata entry (model destruction). */
void nnlite__metadata_free_all(nnlite_model *m);

/* Pick the kernels (once), size the packing scratch for the current
 * layers and start the threads asked for; may allocate. Every pass calls
 * it first: m->compute is then ready for the layer ops. */
nnlite_status nnlite__model_reserve_compute(nnlite_model *m);

/* Free the scratch and join the threads (model destruction). */
void nnlite__model_release_compute(nnlite_model *m);

/* Test hook: run the kernels of path (a nnlite__kernel_path) from now on;
 * NNLITE_EINVAL when this CPU or build lacks it. */
nnlite_status nnlite__model_force_path(nnlite_model *m, int path);

/* Below this many parameters one thread does the optimizer update
 * (model_update.c): it streams a few floats per parameter. */
#define NNLITE__THREAD_MIN_PARAMS ((size_t)1 << 16)

/* Record a message and return s (for `return nnlite__fail(m, s, ...)`). */
#if NNLITE_HAVE_MESSAGE_TEXT
NNLITE__PRINTF(3, 4)
nnlite_status nnlite__fail(nnlite_model *m, nnlite_status s, const char *fmt,
                           ...);
#else
/* -Dmessages=none: the message is the status's own text. */
nnlite_status nnlite__fail_status(nnlite_model *m, nnlite_status s);
#define nnlite__fail(m, s, ...)                                               \
    (NNLITE__DROP_MESSAGE(__VA_ARGS__), nnlite__fail_status((m), (s)))
#endif

/* Where the model holds `layer`, or layer_count when it does not. */
size_t nnlite__model_layer_index(const nnlite_model *m,
                                 const nnlite_layer *layer);

/* Width of the model's output (the input width with no layers). */
size_t nnlite__model_width(const nnlite_model *m);

/* Draw the initial weights if not done yet; freezes the layer list. */
void nnlite__model_initialize(nnlite_model *m);

/* *floats = the workspace's floats for `rows` rows; false on overflow. */
bool nnlite__model_workspace_floats(const nnlite_model *m, size_t rows,
                                    size_t *floats);

/* Floats of packing scratch per thread the current layers need for
 * passes of up to `rows` rows (0: none, the kernels read in place). */
size_t nnlite__model_pack_floats(const nnlite_model *m, size_t rows);

/* Make the workspace hold at least `rows` rows (may allocate). */
nnlite_status nnlite__model_reserve_rows(nnlite_model *m, size_t rows);

/* Rows a chunked pass (forward, evaluate) may take at once: the workspace
 * grows to at most this for a big data set. */
size_t nnlite__model_chunk_rows(const nnlite_model *m, size_t rows);

/* Floats of layer l's mask in a workspace of `rows` rows (0 unless it
 * keeps one): the masks follow each other in layer order. */
static inline size_t nnlite__model_mask_floats(const nnlite_layer *l,
                                               size_t rows)
{
    return l->ops->keeps_mask ? rows * l->out : 0;
}

/* Free the workspace (after the layer list changes). */
void nnlite__model_release_workspace(nnlite_model *m);

/* Forward `rows` rows of x (rows <= batch_capacity, compute reserved);
 * returns the output. */
const float *nnlite__model_forward_rows(nnlite_model *m, const float *x,
                                        size_t rows);

/* ---- checks (model_check.c): NNLITE_OK, or a status and a message -- */

/* NNLITE_ESTATE when called from a fit callback; `what` names the call. */
nnlite_status nnlite__model_check_not_fitting(nnlite_model *m,
                                              const char *what);

/* Everything add needs of a layer before binding it: not NULL, neither
 * this model's already nor another's, the weights not yet drawn. */
nnlite_status nnlite__model_check_add(nnlite_model *m,
                                      const nnlite_layer *layer);

/* Everything set_loss and set_optimizer need before replacing the
 * model's `what` ("loss", "optimizer") with incoming, whose owner is
 * `owner` (NULL when no model holds it); `call` names the entry point
 * for a fit callback's message. */
nnlite_status nnlite__model_check_replace(nnlite_model *m,
                                          const void *incoming,
                                          const void *owner, const char *what,
                                          const char *call);

/* Most threads a model may use: more is surely a mistake (and a lot of
 * stacks). */
#define NNLITE__MAX_THREADS 256

/* Everything set_threads needs. */
nnlite_status nnlite__model_check_threads(nnlite_model *m, size_t threads);

/* Everything set_metadata needs; *length receives strlen(name). */
nnlite_status nnlite__model_check_metadata(nnlite_model *m, const char *name,
                                           const float *values, size_t count,
                                           size_t *length);

/* The arguments of the savers: a path; a size pointer and a buffer when
 * there is capacity; then enough capacity for the needed bytes. */
nnlite_status nnlite__model_check_save_path(nnlite_model *m,
                                            const char *path);
nnlite_status nnlite__model_check_save_buffer(nnlite_model *m,
                                              const void *buffer,
                                              size_t capacity,
                                              const size_t *size);
nnlite_status nnlite__model_check_capacity(nnlite_model *m, size_t capacity,
                                           size_t needed);

/* Everything forward and predict_probabilities need of x and y. */
nnlite_status nnlite__model_check_forward(nnlite_model *m,
                                          const nnlite_tensor *x,
                                          const nnlite_tensor *y);

/* Everything evaluate needs: a loss, a valid data set, somewhere for the
 * loss to go. */
nnlite_status nnlite__model_check_evaluate(nnlite_model *m,
                                           const nnlite_tensor *x,
                                           const nnlite_tensor *target,
                                           const float *loss);

/* Everything compute_gradients (need_optimizer false) and train_batch
 * (true) need. */
nnlite_status nnlite__model_check_step(nnlite_model *m,
                                       const nnlite_tensor *x,
                                       const nnlite_tensor *target,
                                       bool need_optimizer);

/* Everything apply_gradients needs. */
nnlite_status nnlite__model_check_apply(nnlite_model *m);

/* The versions of fit's options and result struct are ones this
 * library reads. */
nnlite_status nnlite__model_check_fit_version(nnlite_model *m,
                                              const nnlite_fit_options *o);

/* The caller's fit options (NULL: the defaults) read into *out as this
 * version, once their versions are ones this library reads. */
nnlite_status nnlite__model_read_fit_options(nnlite_model *m,
                                             const nnlite_fit_options *in,
                                             nnlite_fit_options *out);

/* Everything fit needs: the data set, and the options (read as version
 * 2) with their validation set; a row_count of 0 becomes the rows up to
 * the end. */
nnlite_status nnlite__model_check_fit(nnlite_model *m, const nnlite_tensor *x,
                                      const nnlite_tensor *target,
                                      nnlite_fit_options *o);

/* Everything predict needs of its arrays. */
nnlite_status nnlite__model_check_predict(nnlite_model *m, const float *x,
                                          size_t rows, const float *y);

/* NNLITE_ENUMERIC naming the first non-finite gradient, if any. */
nnlite_status nnlite__model_check_grads(nnlite_model *m);

/* NNLITE_ENUMERIC when a parameter or optimizer state value is not
 * finite: the loader would refuse such a file, so it is never written. */
nnlite_status nnlite__model_check_savable(nnlite_model *m,
                                          bool with_optimizer);

/* The savers' options: NULL means the defaults; an unknown version is
 * NNLITE_EINVAL. *with_optimizer: whether the file keeps the optimizer. */
nnlite_status nnlite__model_check_save_options(
    nnlite_model *m, const nnlite_save_options *options,
    bool *with_optimizer);

/* ---- work, once the checks passed ------------------------------------ */

/* Forward, loss, backward for rows the caller checked; grads overwritten
 * and not checked for finiteness: see nnlite__model_check_grads. */
nnlite_status nnlite__model_gradients_rows(nnlite_model *m, const float *x,
                                           const float *target, size_t rows,
                                           size_t target_cols, double *loss);

/* Size optimizer o's state for the model's parameters; NNLITE_ENOMEM,
 * with the message, when memory runs out (o keeps its old state). */
nnlite_status nnlite__model_reserve_optimizer(nnlite_model *m,
                                              nnlite_optimizer *o);

/* The optimizer update. A non-finite gradient (or result) fails it with
 * NNLITE_ENUMERIC, changing nothing. */
nnlite_status nnlite__model_apply(nnlite_model *m);

/* Mean loss over a data set, in chunks; x, target already checked. */
nnlite_status nnlite__model_evaluate_rows(nnlite_model *m, const float *x,
                                          const float *target, size_t rows,
                                          size_t target_cols, double *loss);

#endif /* NNLITE_MODEL_IMPL_H */
