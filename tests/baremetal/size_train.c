/* What a training program costs in flash and RAM on a Cortex-M4: a
 * 56 -> 16 ReLU -> 1 network, MAE, Adam (or SGD with -DSIZE_SGD), fit and
 * evaluate, all memory from an arena. Built, never run: its map file is
 * what tests/baremetal/flash_ram.py reads. */
#include <nnlite/nnlite.h>

#define ROWS 64

static _Alignas(8) unsigned char arena_memory[24576];
static float x[ROWS * 56], y[ROWS];

int main(void)
{
    static const size_t x_shape[2] = {ROWS, 56}, y_shape[2] = {ROWS, 1};
    const nnlite_layer_spec dense1 = {NNLITE_LAYER_DENSE, 56, 16, 0.0f};
    const nnlite_layer_spec relu = {NNLITE_LAYER_RELU, 0, 0, 0.0f};
    const nnlite_layer_spec dense2 = {NNLITE_LAYER_DENSE, 16, 1, 0.0f};
#ifdef SIZE_SGD
    nnlite_optimizer_options opt = NNLITE_SGD_OPTIONS_INIT;
#else
    nnlite_optimizer_options opt = NNLITE_ADAM_OPTIONS_INIT;
#endif
    nnlite_fit_options fit = NNLITE_FIT_OPTIONS_INIT;
    nnlite_arena *arena;
    nnlite_allocator a;
    nnlite_model *m = NULL;
    nnlite_tensor *tx = NULL, *ty = NULL;
    nnlite_layer *l;
    nnlite_loss *loss;
    nnlite_optimizer *o;
    float mae = 0.0f;
    int ok = nnlite_arena_create(&arena, arena_memory,
                                 sizeof arena_memory) == NNLITE_OK;
    a = nnlite_arena_allocator(arena);
    ok = ok && nnlite_model_create_advanced(&m, 56, 1, &a) == NNLITE_OK &&
         nnlite_layer_create_advanced(&l, &dense1, &a) == NNLITE_OK &&
         nnlite_model_add(m, l) == NNLITE_OK &&
         nnlite_layer_create_advanced(&l, &relu, &a) == NNLITE_OK &&
         nnlite_model_add(m, l) == NNLITE_OK &&
         nnlite_layer_create_advanced(&l, &dense2, &a) == NNLITE_OK &&
         nnlite_model_add(m, l) == NNLITE_OK &&
         nnlite_loss_create_advanced(&loss, NNLITE_LOSS_MAE, &a) ==
             NNLITE_OK &&
         nnlite_model_set_loss(m, loss) == NNLITE_OK &&
         nnlite_optimizer_create_advanced(&o, &opt, &a) == NNLITE_OK &&
         nnlite_model_set_optimizer(m, o) == NNLITE_OK &&
         nnlite_tensor_wrap_advanced(&tx, x, 2, x_shape, &a) == NNLITE_OK &&
         nnlite_tensor_wrap_advanced(&ty, y, 2, y_shape, &a) == NNLITE_OK;
    fit.epochs = 10;
    fit.batch_size = 8;
    ok = ok && nnlite_model_fit(m, tx, ty, &fit, NULL, NULL) == NNLITE_OK &&
         nnlite_model_evaluate(m, tx, ty, &mae) == NNLITE_OK;
    nnlite_tensor_destroy(ty);
    nnlite_tensor_destroy(tx);
    nnlite_model_destroy(m);
    return ok && mae >= 0.0f ? 0 : 1;
}
