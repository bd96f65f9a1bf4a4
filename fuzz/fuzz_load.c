/* libFuzzer harness: nnlite_model_load_buffer on arbitrary bytes.
 * Any input must give NNLITE_OK or an error with a message, never a crash,
 * a leak or an out-of-bounds access (ASan/UBSan watch). A model that loads
 * must also run, save, and load again to the same bytes. */
#include <nnlite/nnlite.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Crash on purpose when an invariant breaks: that is how a fuzzer
 * reports a finding. */
static void require(int ok)
{
    if (!ok) {
        abort();
    }
}

/* Run one forward pass on a row of ones, if the model has layers. */
static void exercise(nnlite_model *m)
{
    const size_t in = nnlite_model_input_features(m);
    const size_t out = nnlite_model_output_features(m);
    if (out == 0 || in > 4096 || out > 4096) {
        return;
    }
    float *x = calloc(in, sizeof(float)), *y = calloc(out, sizeof(float));
    nnlite_tensor *tx = NULL, *ty = NULL;
    if (x != NULL && y != NULL &&
        nnlite_tensor_wrap2d(&tx, x, 1, in) == NNLITE_OK &&
        nnlite_tensor_wrap2d(&ty, y, 1, out) == NNLITE_OK) {
        for (size_t i = 0; i < in; i++) {
            x[i] = 1.0f;
        }
        nnlite_status s = nnlite_model_forward(m, tx, ty);
        require(s == NNLITE_OK || s == NNLITE_ENOMEM);
    }
    nnlite_tensor_destroy(tx);
    nnlite_tensor_destroy(ty);
    free(x);
    free(y);
}

static void round_trip(nnlite_model *m)
{
    size_t size = 0, size2 = 0;
    require(nnlite_model_save_buffer(m, NULL, 0, &size) == NNLITE_OK);
    unsigned char *a = malloc(size), *b = malloc(size);
    nnlite_model *again = NULL;
    if (a != NULL && b != NULL &&
        nnlite_model_save_buffer(m, a, size, &size) == NNLITE_OK) {
        require(nnlite_model_load_buffer(&again, a, size) == NNLITE_OK);
        require(nnlite_model_save_buffer(again, b, size, &size2) ==
                NNLITE_OK);
        require(size2 == size && memcmp(a, b, size) == 0);
    }
    nnlite_model_destroy(again);
    free(a);
    free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char message[256] = "";
    nnlite_load_options options = NNLITE_LOAD_OPTIONS_INIT;
    nnlite_model *m = NULL;
    options.error = message;
    options.error_size = sizeof(message);
    nnlite_status s =
        nnlite_model_load_buffer_advanced(&m, data, size, &options);
    if (s != NNLITE_OK) {
        require(m == NULL && message[0] != '\0');
        return 0;
    }
    exercise(m);
    round_trip(m);
    nnlite_model_destroy(m);
    return 0;
}
