/* The umbrella header must compile as strict C99 (-pedantic-errors) for
 * users on older toolchains, and the library must report the version the
 * header promises. */
#include <nnlite/nnlite.h>

#include <stdio.h>
#include <string.h>

int main(void)
{
    if (nnlite_version_number() != NNLITE_VERSION_NUMBER ||
        strcmp(nnlite_version_string(), NNLITE_VERSION_STRING) != 0) {
        fprintf(stderr, "version mismatch: header %s, library %s\n",
                NNLITE_VERSION_STRING, nnlite_version_string());
        return 1;
    }
    return 0;
}
