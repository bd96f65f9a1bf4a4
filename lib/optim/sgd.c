/* SGD's constants for one step; the rule itself (PyTorch's: weight decay,
 * momentum, Nesterov) is in update_generic.c and, lane by lane,
 * update_simd_impl.h. */
#include "optim_impl.h"

void nnlite__sgd_begin(const nnlite_optimizer *o, nnlite__update *u)
{
    u->lr = o->options.learning_rate;
    u->momentum = o->options.momentum;
    u->weight_decay = o->options.weight_decay;
    u->nesterov = o->options.nesterov;
}
