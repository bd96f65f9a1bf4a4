/* quickstart: the smallest nnlite program. */
#include <nnlite/nnlite.h>

#include <stdio.h>

int main(void)
{
    nnlite_tensor *x = NULL;
    nnlite_status s = nnlite_tensor_create2d(&x, 2, 3);
    if (s != NNLITE_OK) {
        fprintf(stderr, "nnlite: %s\n", nnlite_status_string(s));
        return 1;
    }
    printf("nnlite %s: a %zu x %zu tensor\n", nnlite_version_string(),
           nnlite_tensor_dim(x, 0), nnlite_tensor_dim(x, 1));
    nnlite_tensor_destroy(x);
    return 0;
}
