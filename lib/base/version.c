/* Runtime twins of the version macros, so a program can tell which library
 * it linked (the macros only tell which headers it compiled against). */
#include "nnlite/version.h"

unsigned nnlite_version_number(void)
{
    return NNLITE_VERSION_NUMBER;
}

const char *nnlite_version_string(void)
{
    return NNLITE_VERSION_STRING;
}
