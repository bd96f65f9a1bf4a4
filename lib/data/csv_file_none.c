/* nnlite_csv_read() in a build without file I/O (-Dfile_io=disabled, or
 * bare metal): it links, checks its arguments as usual and says why it
 * cannot read; nnlite_csv_read_buffer() still works. */
#include <stddef.h>

#include "csv_impl.h"
#include "nnlite/data.h"

nnlite_status nnlite_csv_read(nnlite_tensor **x, nnlite_tensor **target,
                              const char *path,
                              const nnlite_csv_options *options)
{
    static const nnlite_csv_options defaults = NNLITE_CSV_OPTIONS_INIT;
    const nnlite_csv_options *o = options != NULL ? options : &defaults;
    nnlite_status s = nnlite__csv_check(x, target, o);
    if (s != NNLITE_OK) {
        return s;
    }
    if (path == NULL) {
        nnlite__csv_message(o, "path is NULL");
        return NNLITE_EINVAL;
    }
    nnlite__csv_message(o, "nnlite was built without file I/O "
                           "(-Dfile_io=disabled): use "
                           "nnlite_csv_read_buffer");
    return NNLITE_EIO;
}
