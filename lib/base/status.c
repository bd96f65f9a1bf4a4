/* Status code texts, generated from the same list as the enum. */
#include "nnlite/status.h"

const char *nnlite_status_string(nnlite_status status)
{
    switch (status) {
#define NNLITE_STATUS_CASE_(name, value, text)                                \
    case NNLITE_##name:                                                       \
        return text;
        NNLITE_STATUS_MAP(NNLITE_STATUS_CASE_)
#undef NNLITE_STATUS_CASE_
    }
    return "unknown status";
}
