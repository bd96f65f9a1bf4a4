// The umbrella header must compile as C++ and link without name mangling
// (the extern "C" guards), so C++ programs can use nnlite directly.
#include <nnlite/nnlite.h>

#include <cstring>

int main()
{
    nnlite_tensor *t = nullptr;
    if (nnlite_tensor_create2d(&t, 2, 2) != NNLITE_OK) {
        return 1;
    }
    nnlite_tensor_destroy(t);
    return std::strcmp(nnlite_version_string(), NNLITE_VERSION_STRING) != 0;
}
