/* A program written against 0.1's names: until 1.0 it still compiles,
 * links and gets the answers of the new names (built here with
 * deprecation warnings off), and a compiler that is asked to warn names
 * every old call (checked by compiling this file with
 * -Werror=deprecated-declarations, which must fail). */
#include <nnlite/nnlite.h>

#include <stdio.h>

int main(void)
{
    nnlite_layer *layer = NULL;
    nnlite_loss *loss = NULL;
    nnlite_optimizer *optimizer = NULL;
    int ok = nnlite_relu_create(&layer) == NNLITE_OK &&
             nnlite_loss_mse_create(&loss) == NNLITE_OK &&
             nnlite_sgd_create(&optimizer, 0.1f, 0.0f) == NNLITE_OK;
    ok = ok && nnlite_layer_get_kind(layer) == NNLITE_LAYER_RELU &&
         nnlite_layer_get_kind(layer) == nnlite_layer_kind_of(layer) &&
         nnlite_layer_get_kind(NULL) == 0 &&
         nnlite_loss_get_kind(loss) == NNLITE_LOSS_MSE &&
         nnlite_loss_get_kind(NULL) == 0 &&
         nnlite_optimizer_get_step_count(optimizer) == 0 &&
         nnlite_optimizer_get_step_count(optimizer) ==
             nnlite_optimizer_step_count(optimizer);
    nnlite_layer_destroy(layer);
    nnlite_loss_destroy(loss);
    nnlite_optimizer_destroy(optimizer);
    if (!ok) {
        fprintf(stderr, "a deprecated name disagrees with its new name\n");
        return 1;
    }
    return 0;
}
