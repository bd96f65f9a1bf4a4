/* Private: nnlite_model_export_c_file through an injectable table of
 * system calls, so the tests can make each step fail. */
#ifndef NNLITE_EXPORT_C_IMPL_H
#define NNLITE_EXPORT_C_IMPL_H

#include "file_io_impl.h"
#include "nnlite/io.h"

/* nnlite_model_export_c_file() through `io`. */
nnlite_status nnlite__model_export_c_file_with(nnlite_model *m,
                                               const char *prefix,
                                               const char *path,
                                               const nnlite__file_io *io);

#endif /* NNLITE_EXPORT_C_IMPL_H */
