/* What an inference-only program costs in flash and RAM on a Cortex-M4: a
 * 56 -> 16 ReLU -> 1 network loaded from a saved image in flash, then
 * predict, all memory from an arena. Built, never run: its map file is
 * what tests/baremetal/flash_ram.py reads. */
#include <nnlite/nnlite.h>

static _Alignas(8) unsigned char arena_memory[8192];
/* Stands for a saved model's bytes (nnlite_model_save_buffer). */
extern const unsigned char saved_model[];
const unsigned char saved_model[4096] = {0};

int main(void)
{
    static float x[56], y[1];
    nnlite_load_options load = NNLITE_LOAD_OPTIONS_INIT;
    nnlite_arena *arena;
    nnlite_allocator a;
    nnlite_model *m = NULL;
    int ok = nnlite_arena_create(&arena, arena_memory,
                                 sizeof arena_memory) == NNLITE_OK;
    a = nnlite_arena_allocator(arena);
    load.allocator = &a;
    ok = ok &&
         nnlite_model_load_buffer_advanced(&m, saved_model,
                                           sizeof saved_model, &load) ==
             NNLITE_OK &&
         nnlite_model_predict(m, x, 1, y) == NNLITE_OK;
    nnlite_model_destroy(m);
    return ok ? 0 : 1;
}
