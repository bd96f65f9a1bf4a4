/* Private: the optimizer struct and its step protocol; the update
 * arithmetic is in update_impl.h, its constants in sgd.c and adam.c. */
#ifndef NNLITE_OPTIM_IMPL_H
#define NNLITE_OPTIM_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "nnlite/optim.h"
#include "update_impl.h"

struct nnlite_optimizer {
    nnlite_optimizer_options options;
    nnlite_allocator allocator;
    /* One allocation: two halves of state (SGD: velocity; Adam: m then
     * v), then a backup of the parameters. A step writes the new state to
     * the spare half and swaps the halves only if it succeeds. */
    float *buffer;
    float *state;       /* current half; NULL when the rule keeps none */
    float *spare;       /* the other half */
    float *backup;      /* [param_count] */
    size_t param_count; /* parameters the buffer is sized for */
    unsigned long long steps;
    double beta1_power; /* beta1^steps, kept as a product: no pow() */
    double beta2_power;
};

/* Size the buffer for n parameters (state zeroed). Keeps the old state
 * and returns NNLITE_ENOMEM when allocation fails. No-op if sized. */
nnlite_status nnlite__optimizer_reserve(nnlite_optimizer *o, size_t n);

/* A step in three parts, so that the middle one can be split over
 * threads: begin fills *u for the sized parameters; the caller runs the
 * kernel nnlite__optimizer_kernel() picks over [0, n) in ranges; finish
 * commits if every range succeeded (new state, step count, Adam's beta
 * powers) and otherwise restores the parameters from the backup, leaving
 * everything as it was before begin. */
void nnlite__optimizer_begin(const nnlite_optimizer *o, float *params,
                             const float *grads, nnlite__update *u);
nnlite__update_fn nnlite__optimizer_kernel(const nnlite_optimizer *o,
                                           const nnlite__update_kernels *k);
void nnlite__optimizer_finish(nnlite_optimizer *o, const nnlite__update *u,
                              bool ok);

/* The rules' constants for the next step (begin's per-rule part). */
void nnlite__sgd_begin(const nnlite_optimizer *o, nnlite__update *u);
void nnlite__adam_begin(const nnlite_optimizer *o, nnlite__update *u);

#endif /* NNLITE_OPTIM_IMPL_H */
