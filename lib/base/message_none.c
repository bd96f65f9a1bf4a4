/* Messages of a build with -Dmessages=none (message_impl.h): none. */
#include "message_impl.h"

void nnlite__no_message(char *buf, size_t size)
{
    if (size > 0) {
        buf[0] = '\0';
    }
}
