/* Private: constants of the model file format (docs/model-format.md). */
#ifndef NNLITE_FORMAT_IMPL_H
#define NNLITE_FORMAT_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "model_impl.h"
#include "nnlite/io.h"

/* PNG-style magic: the high byte catches 7-bit transfers, CR LF and LF
 * catch newline translation, 0x1A stops DOS `type`. */
#define NNLITE__MAGIC "\x89NNL\r\n\x1a\n"
#define NNLITE__MAGIC_SIZE 8
/* The version written; readers take 1 (no per-layer values, no Huber
 * delta, no dampening or AMSGrad) and 2. The decoder keeps the file's in
 * `format_version`. */
#define NNLITE__FORMAT_VERSION 2u
#define NNLITE__FORMAT_VERSION_MIN 1u
/* magic, u32 version, u32 flags, u64 body size */
#define NNLITE__HEADER_SIZE 24
/* u32 CRC-32C of everything before it */
#define NNLITE__TRAILER_SIZE 4

/* Fixed-size records, so the loader can bound counts by what remains.
 * Version 2 adds a u64 value count to each layer record (and the values,
 * which make it only longer). */
#define NNLITE__LAYER_RECORD_SIZE (4 + 8 + 8 + 4)
#define NNLITE__LAYER_RECORD_SIZE_V2 (NNLITE__LAYER_RECORD_SIZE + 8)
#define NNLITE__METADATA_MIN_SIZE (4 + 1 + 8)

/* Bytes the whole file takes for this model; 0 when that overflows.
 * `with_optimizer` false leaves the optimizer out (an inference-only
 * file: nnlite_save_options.optimizer 0). */
size_t nnlite__model_saved_size(const nnlite_model *m, bool with_optimizer);

/* Write the whole file image into out, of size bytes: exactly
 * nnlite__model_saved_size(m, with_optimizer). false when it did not come
 * out at that size (a bug: nothing is written past out + size, but out
 * holds no valid image). */
bool nnlite__model_write_image(const nnlite_model *m, bool with_optimizer,
                               unsigned char *out, size_t size);

/* NNLITE_EFORMAT, with the message, for a false write_image. */
nnlite_status nnlite__model_image_failed(nnlite_model *m, size_t size);

/* Judge the first min(size, 24) bytes of an input of `size` bytes: magic,
 * version, flags and body size. NNLITE_EFORMAT with a message in options'
 * buffer when they are wrong; lets a file be refused before it is read. */
nnlite_status nnlite__check_file_header(const unsigned char *header,
                                        size_t size,
                                        const nnlite_load_options *options);

/* A message into the load options' buffer, if there is one. */
#if NNLITE_HAVE_MESSAGE_TEXT
NNLITE__PRINTF(2, 3)
void nnlite__load_message(const nnlite_load_options *options,
                          const char *fmt, ...);
#else
void nnlite__load_no_message(const nnlite_load_options *options);
#define nnlite__load_message(options, ...)                                    \
    (NNLITE__DROP_MESSAGE(__VA_ARGS__), nnlite__load_no_message(options))
#endif

#endif /* NNLITE_FORMAT_IMPL_H */
