/* A program outside nnlite's tree: built against the *installed* library
 * (or the subproject) to prove headers, archive and pkg-config agree. */
#include <nnlite/nnlite.h>

#include <stdio.h>

int main(void)
{
    nnlite_tensor *t = NULL;
    nnlite_status s = nnlite_tensor_create2d(&t, 2, 3);
    if (s != NNLITE_OK) {
        fprintf(stderr, "create failed: %s\n", nnlite_status_string(s));
        return 1;
    }
    nnlite_tensor_data(t)[5] = 1.5f;
    int ok = nnlite_tensor_size(t) == 6 &&
             nnlite_tensor_const_data(t)[5] == 1.5f &&
             nnlite_version_number() == NNLITE_VERSION_NUMBER;
    nnlite_tensor_destroy(t);
    printf("consumer linked nnlite %s: %s\n", nnlite_version_string(),
           ok ? "ok" : "FAILED");
    return ok ? 0 : 1;
}
