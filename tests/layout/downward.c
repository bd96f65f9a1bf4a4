/* The control for the planted upward include: a kernel's allowed
 * includes compile with the kernels' include paths. */
#include "alloc_impl.h"
#include "gemm_impl.h"

int nnlite__downward(void);
int nnlite__downward(void)
{
    return (int)NNLITE__GEMM_KC;
}
