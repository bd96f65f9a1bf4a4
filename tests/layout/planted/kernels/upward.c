/* Planted violation: a kernel reaching up into the model. */
#include "alloc_impl.h"
#include "model_impl.h"

int nnlite__planted(void);
int nnlite__planted(void)
{
    return 0;
}
