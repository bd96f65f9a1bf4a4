/* SGD's constants for one step; the rule itself (PyTorch's: weight decay,
 * momentum, Nesterov) is nnlite__sgd_element and nnlite__momentum_element
 * in update_impl.h. */
#include "optim_impl.h"

void nnlite__sgd_begin(const nnlite_optimizer *o, nnlite__update *u)
{
    u->lr = o->options.learning_rate;
    u->momentum = o->options.momentum;
    u->weight_decay = o->options.weight_decay;
    u->nesterov = o->options.nesterov;
}
