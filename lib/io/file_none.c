/* The path-taking save and load of a build without file I/O
 * (-Dfile_io=disabled, or bare metal): they exist, so programs link the
 * same everywhere, check their arguments as usual and say why they cannot
 * work. Buffers still do. */
#include <stddef.h>

#include "alloc_impl.h"
#include "format_impl.h"
#include "nnlite/io.h"

#define NO_FILES                                                               \
    "nnlite was built without file I/O (-Dfile_io=disabled): use "           \
    "nnlite_model_save_buffer and nnlite_model_load_buffer"

nnlite_status nnlite_model_save(nnlite_model *m, const char *path)
{
    return nnlite_model_save_advanced(m, path, NULL);
}

nnlite_status nnlite_model_save_advanced(nnlite_model *m, const char *path,
                                         const nnlite_save_options *options)
{
    bool with_optimizer;
    nnlite_status s;
    if (m == NULL) {
        return NNLITE_EINVAL;
    }
    m->error[0] = '\0';
    if ((s = nnlite__model_check_save_path(m, path)) != NNLITE_OK ||
        (s = nnlite__model_check_save_options(m, options,
                                              &with_optimizer)) !=
            NNLITE_OK) {
        return s;
    }
    return nnlite__fail(m, NNLITE_EIO, NO_FILES);
}

nnlite_status nnlite_model_load_advanced(nnlite_model **out, const char *path,
                                         const nnlite_load_options *options)
{
    static const nnlite_load_options defaults = NNLITE_LOAD_OPTIONS_INIT;
    nnlite_allocator a;
    if (out == NULL) {
        return NNLITE_EINVAL;
    }
    *out = NULL;
    if (options == NULL) {
        options = &defaults;
    }
    if (path == NULL || options->version != NNLITE_LOAD_OPTIONS_VERSION ||
        nnlite__allocator_resolve(&a, options->allocator) != NNLITE_OK) {
        nnlite__load_message(options, "invalid arguments: a path, options "
                                      "of this version and a complete "
                                      "allocator are needed");
        return NNLITE_EINVAL;
    }
    nnlite__load_message(options, NO_FILES);
    return NNLITE_EIO;
}

nnlite_status nnlite_model_load(nnlite_model **out, const char *path)
{
    return nnlite_model_load_advanced(out, path, NULL);
}
