/**
 * @file io.h
 * @brief Saving and loading models, to files and memory buffers, and the
 * named metadata that travels with them.
 *
 * A saved model holds everything needed to carry on exactly where it
 * stopped: the layers and their configuration, the parameters, the loss,
 * the optimizer with its hyperparameters and state (momentum, Adam moments,
 * step count), the random generator's state, and your metadata. A model
 * saved after k updates, loaded and trained on, gives bit-identical results
 * to one that never stopped. The format is versioned, little-endian on
 * every machine and checksummed (CRC-32C); docs/model-format.md describes
 * it byte by byte. This library writes format version 2 and reads 1 and 2.
 *
 * An inference-only file (nnlite_save_options.optimizer = 0) leaves the
 * optimizer and its state out: it is smaller (Adam's state is twice the
 * parameters, AMSGrad's three times) and loads as a model with no
 * optimizer, which predicts and evaluates as the full one does; to train
 * it, give it an optimizer with nnlite_model_set_optimizer() (which starts
 * afresh: no momentum, no Adam moments, step count 0).
 *
 * Loading trusts nothing: every count and size is checked against the bytes
 * that are really there before anything is allocated, so truncated,
 * corrupted or hostile input gives NNLITE_EFORMAT with a message saying
 * what was wrong and where, never a crash or a huge allocation.
 *
 * Saving to a file never loses the previous file: the model is written to a
 * temporary file in the same directory, flushed to disk, then renamed over
 * the target (POSIX rename is atomic). On any failure the old file is
 * untouched and the temporary one removed.
 *
 * nnlite_model_export_c() writes a trained model as a C99 source file of
 * its own: constant weights and a prediction function, for a
 * microcontroller without the library.
 */
#ifndef NNLITE_IO_H
#define NNLITE_IO_H

#include <stddef.h>

#include "nnlite/alloc.h"
#include "nnlite/config.h"
#include "nnlite/export.h"
#include "nnlite/model.h"
#include "nnlite/status.h"

NNLITE_BEGIN_DECLS

/**
 * Save the model to a file, atomically (see above).
 *
 * The model is not const: saving draws the initial weights if that has not
 * happened yet (so the file holds the weights you would train from), and
 * failures leave their message in nnlite_model_last_error().
 *
 * The new file is created with mode 0666 less the process's umask, and
 * replaces whatever `path` named: a symbolic link there is replaced by the
 * file, not followed.
 *
 * @param model the model; unchanged apart from the above.
 * @param path  the file to create or replace.
 * @return NNLITE_OK; NNLITE_EINVAL for NULL arguments or an empty path;
 *         NNLITE_ENUMERIC when a parameter or optimizer state value is NaN
 *         or infinite (written there through nnlite_model_params(); such a
 *         file could not be loaded, so none is written); NNLITE_EIO when
 *         the file cannot be written (the message names the step and the
 *         system's reason), and always in a build without file I/O
 *         (NNLITE_HAVE_FILE_IO 0: save to a buffer instead); NNLITE_ENOMEM.
 */
NNLITE_API nnlite_status nnlite_model_save(nnlite_model *model,
                                           const char *path);

/**
 * Save the model into a caller-provided buffer.
 *
 * @param buffer   where to write; may be NULL when `capacity` is 0, to ask
 *                 for the size.
 * @param capacity bytes available at `buffer`.
 * @param size     receives the number of bytes the model needs (also when
 *                 the buffer is too small); required.
 * @return NNLITE_OK (also for a size query with a NULL buffer);
 *         NNLITE_EINVAL for NULL arguments or a buffer smaller than *size
 *         (nothing is written then); NNLITE_ENUMERIC as nnlite_model_save().
 */
NNLITE_API nnlite_status nnlite_model_save_buffer(nnlite_model *model,
                                                  void *buffer,
                                                  size_t capacity,
                                                  size_t *size);

/** Version of nnlite_save_options this header describes. */
#define NNLITE_SAVE_OPTIONS_VERSION 1

/** How to save a model. Start from NNLITE_SAVE_OPTIONS_INIT. */
typedef struct nnlite_save_options {
    unsigned version; /**< NNLITE_SAVE_OPTIONS_VERSION */
    int optimizer;    /**< non-zero (the default): save the optimizer, its
                           settings and state, to resume training exactly;
                           0: an inference-only file without them */
} nnlite_save_options;

/** Everything, as nnlite_model_save() saves it. */
#define NNLITE_SAVE_OPTIONS_INIT {NNLITE_SAVE_OPTIONS_VERSION, 1}

/**
 * nnlite_model_save() with options (e.g. an inference-only file).
 * @param options NULL for the defaults (NNLITE_SAVE_OPTIONS_INIT); read,
 *                never kept.
 * @return as nnlite_model_save(); also NNLITE_EINVAL for an unknown
 *         `options->version`. Without the optimizer, its state is not
 *         checked for NaN (it is not written).
 */
NNLITE_API nnlite_status nnlite_model_save_advanced(
    nnlite_model *model, const char *path,
    const nnlite_save_options *options);

/**
 * nnlite_model_save_buffer() with options; *size is the size of the file
 * these options give.
 * @return as nnlite_model_save_buffer(); also NNLITE_EINVAL for an unknown
 *         `options->version`.
 */
NNLITE_API nnlite_status nnlite_model_save_buffer_advanced(
    nnlite_model *model, void *buffer, size_t capacity, size_t *size,
    const nnlite_save_options *options);

/** Version of nnlite_load_options this header describes. */
#define NNLITE_LOAD_OPTIONS_VERSION 1

/** How to load a model. Start from NNLITE_LOAD_OPTIONS_INIT. */
typedef struct nnlite_load_options {
    unsigned version;                  /**< NNLITE_LOAD_OPTIONS_VERSION */
    const nnlite_allocator *allocator; /**< for the model and everything
                                            in it; NULL: malloc/free */
    char *error;       /**< optional: receives a message on failure (there
                            is no model to ask for one) */
    size_t error_size; /**< bytes at `error` */
} nnlite_load_options;

/** malloc/free, no message buffer. */
#define NNLITE_LOAD_OPTIONS_INIT {NNLITE_LOAD_OPTIONS_VERSION, NULL, NULL, 0}

/**
 * Load a model saved by nnlite_model_save().
 *
 * @param out  receives the model (caller frees it with
 *             nnlite_model_destroy()). NULL on failure.
 * @param path the file.
 * Files of format versions 1 and 2 load; one saved without its optimizer
 * (see nnlite_save_options) gives a model with none.
 *
 * @return NNLITE_OK; NNLITE_EINVAL for NULL arguments; NNLITE_EIO when the
 *         file cannot be opened or read, and always in a build without
 *         file I/O (NNLITE_HAVE_FILE_IO 0); NNLITE_EFORMAT when it is not a
 *         valid nnlite model (wrong magic, a newer format version, damaged,
 *         truncated, inconsistent); NNLITE_ENOMEM.
 */
NNLITE_API nnlite_status nnlite_model_load(nnlite_model **out,
                                           const char *path);

/** nnlite_model_load() with options (allocator, message buffer). */
NNLITE_API nnlite_status nnlite_model_load_advanced(
    nnlite_model **out, const char *path, const nnlite_load_options *options);

/**
 * Load a model from memory (e.g. bytes from flash or the network).
 * @param data the bytes; only read, never kept. Not NULL.
 * @param size their number.
 * @return as nnlite_model_load(), without NNLITE_EIO (NULL data is
 *         NNLITE_EINVAL; too few bytes NNLITE_EFORMAT).
 */
NNLITE_API nnlite_status nnlite_model_load_buffer(nnlite_model **out,
                                                  const void *data,
                                                  size_t size);

/** nnlite_model_load_buffer() with options (allocator, message buffer). */
NNLITE_API nnlite_status nnlite_model_load_buffer_advanced(
    nnlite_model **out, const void *data, size_t size,
    const nnlite_load_options *options);

/** Longest metadata name, in bytes (without the terminating NUL). */
#define NNLITE_METADATA_NAME_MAX 255

/**
 * Attach a named array of floats to the model (for instance the mean and
 * standard deviation used to normalise inputs); saved and loaded with it.
 * Replaces an entry of the same name.
 *
 * @param name   1 to NNLITE_METADATA_NAME_MAX bytes; copied.
 * @param values `count` floats, copied; may be NULL when count is 0. Any
 *               value, NaN included, is kept as it is.
 * @return NNLITE_OK; NNLITE_EINVAL for NULL model or name, an empty or too
 *         long name, or NULL values with count > 0; NNLITE_ENOMEM (the
 *         previous entry of that name, if any, is kept).
 */
NNLITE_API nnlite_status nnlite_model_set_metadata(nnlite_model *model,
                                                   const char *name,
                                                   const float *values,
                                                   size_t count);

/**
 * Find a metadata entry.
 * @param values receives the floats, borrowed: valid until the entry is
 *               replaced or the model destroyed. NULL for count 0.
 * @param count  receives their number.
 * @return NNLITE_OK; NNLITE_EINVAL for NULL arguments; NNLITE_ENOTFOUND
 *         when the model has no entry of that name.
 */
NNLITE_API nnlite_status nnlite_model_get_metadata(const nnlite_model *model,
                                                   const char *name,
                                                   const float **values,
                                                   size_t *count);

/** @return the number of metadata entries (0 for NULL). */
NNLITE_API size_t nnlite_model_metadata_count(const nnlite_model *model);

/**
 * @return the name of entry `index` (in the order they were first set),
 *         borrowed like the values; NULL for NULL or an index out of range.
 */
NNLITE_API const char *nnlite_model_metadata_name(const nnlite_model *model,
                                                  size_t index);

/** Longest prefix nnlite_model_export_c() takes, in bytes. */
#define NNLITE_EXPORT_PREFIX_MAX 32

/**
 * Write the model as one self-contained C99 source file, into a buffer:
 * its parameters (and a scaling layer's means and deviations) as
 * `static const float` arrays, written as hexadecimal float constants
 * (exact), and one prediction function for one row,
 *
 *     void PREFIX_predict(const float *x, float *y);
 *
 * which reads PREFIX_INPUTS floats at `x` and writes PREFIX_OUTPUTS
 * floats at `y` (the two must not overlap; both are macros in the
 * file). The file includes only <math.h>, allocates nothing, has no
 * writable globals and needs no part of nnlite: it is for targets where
 * even the library is too much. Its intermediate values live on the
 * stack (at most two arrays of the widest hidden layer). A model trained
 * with cross-entropy predicts logits, as nnlite_model_forward() does; its
 * file also has `void PREFIX_probabilities(const float *x, float *p)`,
 * which gives what nnlite_model_predict_probabilities() gives (softmax,
 * or a sigmoid for one output). Dropout is the identity there, as in
 * every inference call. The optimizer, loss and metadata are not
 * exported. docs/export-c.md shows a whole file and how to build it.
 *
 * Compiled as ISO C (`gcc -std=c99`) or with `-ffp-contract=off`, and
 * without `-ffast-math`, PREFIX_predict() runs the operations of
 * nnlite_model_predict() on one row on the library's portable kernels
 * in the same order, and gives the same bits where the maths library is
 * the same (sigmoid and tanh call expf and tanhf). The SIMD kernels
 * (fused multiply-adds) and batches of four rows or more (a blocked
 * GEMM) round dense layers' sums differently: the results then differ by
 * float rounding.
 *
 * The model is not const: exporting draws the initial weights if that
 * has not happened yet (as saving does), and failures leave their message
 * in nnlite_model_last_error(). The text is the same for the same model
 * on every machine.
 *
 * @param model  the model; unchanged apart from the above.
 * @param prefix names everything the file defines (PREFIX_predict,
 *               PREFIX_INPUTS, ...): 1 to NNLITE_EXPORT_PREFIX_MAX bytes,
 *               an ASCII letter then letters, digits or underscores.
 * @param buffer receives the source text and a terminating NUL; may be
 *               NULL when `size` is 0.
 * @param size   bytes at `buffer`. 0 asks for the length only (as
 *               snprintf(NULL, 0, ...) does).
 * @param length receives the text's length in bytes, without the NUL
 *               (also when the buffer is too small: allocate length + 1);
 *               required.
 * @return NNLITE_OK (also for a length query); NNLITE_EINVAL for a NULL
 *         model or `length`, a NULL buffer with a `size`, a prefix that is
 *         NULL, empty, too long or not an identifier as above, or a buffer
 *         smaller than *length + 1 (it then holds "", never part of a
 *         program); NNLITE_ESTATE for a model without layers;
 *         NNLITE_ENUMERIC when a parameter is NaN or infinite (written
 *         there through nnlite_model_params()); NNLITE_EFORMAT for a
 *         layer kind this library cannot write as C; NNLITE_ENOMEM when
 *         the length overflows a size_t.
 */
NNLITE_API nnlite_status nnlite_model_export_c(nnlite_model *model,
                                               const char *prefix,
                                               char *buffer, size_t size,
                                               size_t *length);

/**
 * nnlite_model_export_c() into a file: the text goes to `path` followed
 * by ".tmp" (replacing any file of that name), is flushed to disk, and
 * that file is renamed over `path`; on failure a previous file at `path`
 * is untouched and the temporary one removed. The text is built in
 * memory from the model's allocator first. A build without file I/O
 * has no files to write; nnlite_model_export_c() works there.
 *
 * @param path the file to create or replace (conventionally NAME.c).
 * @return as nnlite_model_export_c(), without the buffer's errors;
 *         NNLITE_EINVAL also for a NULL or empty path; NNLITE_EIO when
 *         the file cannot be written (the message names the step and the
 *         system's reason), and always in a build without file I/O
 *         (NNLITE_HAVE_FILE_IO 0); NNLITE_ENOMEM when the text does not
 *         fit in memory.
 */
NNLITE_API nnlite_status nnlite_model_export_c_file(nnlite_model *model,
                                                    const char *prefix,
                                                    const char *path);

NNLITE_END_DECLS

#endif /* NNLITE_IO_H */
