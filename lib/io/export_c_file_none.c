/* nnlite_model_export_c_file() in a build without file I/O
 * (-Dfile_io=disabled, or bare metal): it links, checks its arguments as
 * usual and says why it cannot write; nnlite_model_export_c() works. */
#include <stddef.h>

#include "model_impl.h"
#include "nnlite/io.h"

nnlite_status nnlite_model_export_c_file(nnlite_model *m, const char *prefix,
                                         const char *path)
{
    size_t length;
    nnlite_status s;
    if (m == NULL) {
        return NNLITE_EINVAL;
    }
    m->error[0] = '\0';
    if ((s = nnlite__model_check_save_path(m, path)) != NNLITE_OK ||
        (s = nnlite_model_export_c(m, prefix, NULL, 0, &length)) !=
            NNLITE_OK) {
        return s;
    }
    return nnlite__fail(m, NNLITE_EIO,
                        "nnlite was built without file I/O "
                        "(-Dfile_io=disabled): use nnlite_model_export_c");
}
