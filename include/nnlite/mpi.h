/**
 * @file mpi.h
 * @brief nnlite-mpi: data-parallel training over MPI, a companion library
 * (`libnnlite-mpi.a`, pkg-config `nnlite-mpi`) built beside nnlite when
 * Meson finds MPI (`-Dmpi=auto`, the default). The core library knows
 * nothing of MPI; this one uses nnlite's public API only.
 *
 * @code
 *   MPI_Init(&argc, &argv);
 *   nnlite_mpi *mpi;
 *   nnlite_mpi_create(&mpi, MPI_COMM_WORLD);
 *   // every rank builds the same model (or rank 0 alone loads one) ...
 *   nnlite_mpi_broadcast_model(mpi, &model, 0);  // same bits everywhere
 *   nnlite_fit_options fit = NNLITE_FIT_OPTIONS_INIT;
 *   fit.batch_size = 32;                         // rows per rank per update
 *   nnlite_mpi_fit(mpi, model, my_x, my_target, &fit, NULL, NULL);
 *   if (rank == 0) nnlite_model_save(model, "model.nnl");
 *   nnlite_mpi_destroy(mpi);
 *   MPI_Finalize();
 * @endcode
 *
 * Every function here is collective: every rank of the context's
 * communicator calls it, in the same order. Each returns the same status
 * on every rank: when one rank fails (a bad argument, a NaN gradient, an
 * allocation), all of them return that rank's status (the lowest failing
 * rank's), nnlite_mpi_last_error() on every rank names it ("rank 2: ..."),
 * and no update is applied anywhere, so the ranks never diverge and never
 * wait for one another forever. Only a NULL context cannot be reported to
 * the other ranks (it has no communicator); passing one is a program
 * error that returns NNLITE_EINVAL on that rank alone.
 *
 * Consistency. Gradients are averaged by a ring all-reduce of this
 * library's own (reduce-scatter then all-gather over MPI_Sendrecv) whose
 * order of additions is fixed by the number of ranks, not left to the MPI
 * implementation: every rank receives the same bits, so after every update
 * all ranks hold bit-identical parameters, and a run is reproducible bit
 * for bit for a given number of ranks. It moves 2 (N - 1) / N times the
 * gradient bytes per rank, as MPI's own ring does (docs/distributed.md).
 *
 * Thread safety: a context is used by one thread at a time; the MPI
 * library must have been initialised (MPI_Init) before any call and
 * finalised after the last nnlite_mpi_destroy().
 */
#ifndef NNLITE_MPI_H
#define NNLITE_MPI_H

#include <stddef.h>

#include <mpi.h>

#include "nnlite/alloc.h"
#include "nnlite/export.h"
#include "nnlite/model.h"
#include "nnlite/status.h"
#include "nnlite/tensor.h"

NNLITE_BEGIN_DECLS

/** Opaque handle: a communicator of nnlite's own and its buffers. */
typedef struct nnlite_mpi nnlite_mpi;

/**
 * Create a context on a duplicate of `comm` (MPI_Comm_dup: the library's
 * messages never mix with the program's), with MPI errors returned as
 * NNLITE_EIO instead of aborting. Collective over `comm`.
 * @param out  receives the context; free with nnlite_mpi_destroy(). NULL
 *             on failure.
 * @param comm the ranks that train together (e.g. MPI_COMM_WORLD).
 * @return NNLITE_OK; NNLITE_EINVAL for a NULL `out`; NNLITE_EIO when MPI
 *         is not initialised or cannot duplicate `comm`; NNLITE_ENOMEM.
 */
NNLITE_API nnlite_status nnlite_mpi_create(nnlite_mpi **out, MPI_Comm comm);

/**
 * nnlite_mpi_create() with an allocator for the context and its buffers.
 * @return as nnlite_mpi_create(); NNLITE_EINVAL also for a half-set
 *         allocator.
 */
NNLITE_API nnlite_status nnlite_mpi_create_advanced(
    nnlite_mpi **out, MPI_Comm comm, const nnlite_allocator *allocator);

/**
 * Free the context and its communicator (collective, as MPI_Comm_free).
 * @param mpi may be NULL.
 */
NNLITE_API void nnlite_mpi_destroy(nnlite_mpi *mpi);

/** @return this process's rank in the context's communicator (0 for
 *          NULL). */
NNLITE_API int nnlite_mpi_rank(const nnlite_mpi *mpi);

/** @return the number of ranks (0 for NULL). */
NNLITE_API int nnlite_mpi_size(const nnlite_mpi *mpi);

/**
 * @return a message about the last failure on `mpi` ("" after a success),
 *         the same on every rank, owned by the context and valid until
 *         the next call on it. Never NULL ("" for NULL).
 */
NNLITE_API const char *nnlite_mpi_last_error(const nnlite_mpi *mpi);

/**
 * Agree on a status: every rank passes its own, and every rank gets back
 * the first failure (that of the lowest rank that failed), or NNLITE_OK
 * when all succeeded. The failing rank's message (`message`, or "" when
 * NULL) is what nnlite_mpi_last_error() then says on every rank.
 * @return the agreed status; NNLITE_EIO when MPI fails.
 */
NNLITE_API nnlite_status nnlite_mpi_agree(nnlite_mpi *mpi,
                                          nnlite_status local,
                                          const char *message);

/**
 * Copy `root`'s parameters into every rank's model, in place (the models
 * must have the same parameter count; nothing else is sent: for the
 * optimizer's state too, use nnlite_mpi_broadcast_model()).
 * @param model this rank's model (its weights are drawn first if they were
 *              not yet, so the root's are what every rank ends with).
 * @param root  the rank whose parameters everyone takes.
 * @return NNLITE_OK; NNLITE_EINVAL for a NULL model, a root out of range
 *         or a model without parameters on any rank; NNLITE_ESHAPE when
 *         parameter counts differ between ranks (nothing is changed);
 *         NNLITE_EIO.
 */
NNLITE_API nnlite_status nnlite_mpi_broadcast_params(nnlite_mpi *mpi,
                                                     nnlite_model *model,
                                                     int root);

/**
 * Give every rank `root`'s whole model: layers, parameters, loss,
 * optimizer with its settings and state (momentum, Adam moments, step
 * count), random generator and metadata. The root saves its model into a
 * buffer (nnlite_model_save_buffer()), broadcasts it, and every other rank
 * replaces its model by the one loaded from those bytes (the old one is
 * destroyed, its worker-thread count carried over), so every rank trains
 * on from exactly the same state: this is also how a checkpoint one rank
 * loaded resumes on any number of ranks. The root's model is left as it
 * is.
 * @param model on the root, the model to send (not NULL); elsewhere, the
 *              model to replace, or NULL. On success every non-root rank
 *              gets a new model here (free it with nnlite_model_destroy());
 *              on failure every rank keeps what it had.
 * @param root  the rank that sends.
 * @return NNLITE_OK; NNLITE_EINVAL for a NULL `model` pointer, a NULL
 *         model on the root or a root out of range; as
 *         nnlite_model_save_buffer() on the root and
 *         nnlite_model_load_buffer() elsewhere (NNLITE_ENUMERIC,
 *         NNLITE_ENOMEM, NNLITE_EFORMAT); NNLITE_EIO.
 */
NNLITE_API nnlite_status nnlite_mpi_broadcast_model(nnlite_mpi *mpi,
                                                    nnlite_model **model,
                                                    int root);

/**
 * Average the gradients in nnlite_model_grads() across ranks, weighted by
 * each rank's rows: every rank ends with
 * sum_r (rows_r / sum rows) * grads_r, the gradient of the mean loss over
 * the union of the ranks' batches (what one process computes on all those
 * rows at once, to float rounding). A rank with 0 rows in this step (its
 * data ran out) contributes nothing. Call it between
 * nnlite_model_compute_gradients() (pass its status as `local`) and
 * nnlite_model_apply_gradients().
 * @param model      this rank's model; the same parameter count on every
 *                   rank.
 * @param rows       this rank's rows in the step (0 allowed).
 * @param local      this rank's status so far (e.g. from
 *                   compute_gradients): when any rank passes a failure,
 *                   every rank returns it and no gradient is touched.
 * @param total_rows receives the rows of all ranks together; may be NULL.
 * @return NNLITE_OK; the first failing rank's `local`; NNLITE_EINVAL for
 *         a NULL model on any rank, or when every rank passes 0 rows;
 *         NNLITE_ESHAPE when parameter counts differ; NNLITE_ENOMEM;
 *         NNLITE_EIO.
 */
NNLITE_API nnlite_status nnlite_mpi_average_gradients(nnlite_mpi *mpi,
                                                      nnlite_model *model,
                                                      size_t rows,
                                                      nnlite_status local,
                                                      size_t *total_rows);

/**
 * Data-parallel nnlite_model_fit(): each rank trains on its own shard
 * (`x`, `target`), and every update applies the gradient of the mean loss
 * over the step's rows of all ranks, so all ranks keep the same
 * parameters. Takes the same options, read as nnlite_model_fit() reads
 * them, with these meanings:
 * - `batch_size` is rows per rank per update: N ranks with batch b make
 *   the updates one process makes with batch N * b on the same rows, where
 *   rank r's k-th batch is the k-th global batch's rows r * b .. r * b +
 *   b - 1 (to float rounding). Shards may differ in size: an epoch has as
 *   many updates as the largest shard has batches, and a rank whose rows
 *   ran out contributes none to the later ones.
 * - `shuffle` permutes each rank's rows every epoch, from a seed made of
 *   the optimizer's step count when fit starts, the epoch and the rank
 *   (reproducible, and a resumed run draws new orders). The order is
 *   kept in memory, two numbers per row, whatever `shuffle_stream` says.
 * - `validation_x`/`validation_target` (or `validation_split`, of each
 *   rank's rows) are each rank's share of the validation set; the
 *   validation loss is the mean over all ranks' validation rows. Either
 *   every rank has a validation set or none has.
 * - The epoch callback, early stopping (`patience`, `min_delta`,
 *   `restore_best`), the schedule (a plateau schedule included) and
 *   `result` see global figures: the training loss is the mean over all
 *   ranks' rows. The callback runs on every rank; when any rank's callback
 *   asks to stop, all stop.
 * - `gradient_hook` sees the averaged gradient and the step's rows of all
 *   ranks; when it asks to stop on any rank, all stop. `clip_grad_norm`
 *   clips the averaged gradient.
 * Before the first epoch each rank runs nnlite_model_fit() on its shard
 * with the options, stopped by a hook before its first update: that checks
 * the options (with nnlite_model_fit()'s messages) and sizes every buffer
 * and the optimizer's state, so no update can fail on one rank alone. It
 * leaves the parameters and optimizer alone, but draws from the model's
 * random generator as one batch does (a dropout mask, a shuffle), and the
 * buffers nnlite_model_fit() sized stay with the model (with `shuffle`,
 * its own row order and batch copies too).
 * @param model  this rank's model: the same parameters and optimizer state
 *               on every rank (see nnlite_mpi_broadcast_model()).
 * @param x      this rank's inputs, [rows, input_features], rows >= 1.
 * @param target this rank's targets.
 * @return the same status on every rank: NNLITE_OK (also when a callback,
 *         the hook or early stopping ended training); errors as
 *         nnlite_model_fit() from any rank; NNLITE_EINVAL also when ranks
 *         disagree on what decides the end of training (`epochs`,
 *         `patience`, `min_delta`, having a validation set);
 *         NNLITE_EIO. On failure every rank holds the parameters after
 *         the last update all ranks applied.
 */
NNLITE_API nnlite_status nnlite_mpi_fit(nnlite_mpi *mpi, nnlite_model *model,
                                        const nnlite_tensor *x,
                                        const nnlite_tensor *target,
                                        const nnlite_fit_options *options,
                                        nnlite_epoch_callback callback,
                                        void *user);

/**
 * Check that every rank's parameters are bit for bit the root's (rank 0).
 * @param agree receives 1 when they all are, 0 when any differs; the same
 *              on every rank.
 * @return NNLITE_OK; NNLITE_EINVAL for a NULL model or `agree` on any
 *         rank; NNLITE_ENOMEM; NNLITE_EIO. Parameter counts that differ
 *         give NNLITE_OK with *agree 0.
 */
NNLITE_API nnlite_status nnlite_mpi_params_agree(nnlite_mpi *mpi,
                                                 nnlite_model *model,
                                                 int *agree);

NNLITE_END_DECLS

#endif /* NNLITE_MPI_H */
