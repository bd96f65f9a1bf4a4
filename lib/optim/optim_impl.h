/* Private: the optimizer struct, the ops table each rule fills in, and
 * the step protocol; the update arithmetic is in update_impl.h. */
#ifndef NNLITE_OPTIM_IMPL_H
#define NNLITE_OPTIM_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "nnlite/optim.h"
#include "update_impl.h"

/* One static const table per rule (sgd.c, adam.c). */
typedef struct nnlite__optimizer_ops {
    nnlite_optimizer_kind kind;
    const char *name;
    /* NNLITE_OK when the rule's own settings are valid, else
     * NNLITE_EINVAL with a sentence naming the setting and its value in
     * msg (the learning rate and weight decay every rule shares are
     * checked by optim.c). */
    nnlite_status (*check)(const nnlite_optimizer_options *options,
                           char *msg, size_t size);
    /* Floats of state the rule keeps per parameter (0 for plain SGD). */
    size_t (*state_per_param)(const nnlite_optimizer_options *options);
    /* The rule's constants for the next step. */
    void (*begin)(const nnlite_optimizer *o, nnlite__update *u);
    /* The kernel of k that runs the rule. */
    nnlite__update_fn (*kernel)(const nnlite_optimizer *o,
                                const nnlite__update_kernels *k);
    /* Keep what a successful step computed besides the state (Adam's
     * beta powers); NULL when there is nothing. */
    void (*commit)(nnlite_optimizer *o, const nnlite__update *u);
    /* The rule divides by 1 - beta^t: once it has stepped, both beta
     * powers must be below 1. */
    bool bias_corrected;
    /* Write the rule's own settings (not the learning rate and weight
     * decay every rule shares) for nnlite_model_summary() into buf as
     * "name=value" pairs joined by ", " (floats with %g, flags 0 or 1);
     * NULL for rules without settings of their own. */
    void (*describe)(const nnlite_optimizer *o, char *buf, size_t size);
} nnlite__optimizer_ops;

extern const nnlite__optimizer_ops nnlite__sgd_ops;
extern const nnlite__optimizer_ops nnlite__adam_ops;

struct nnlite_optimizer {
    const nnlite__optimizer_ops *ops;
    nnlite_optimizer_options options;
    nnlite_allocator allocator;
    /* One allocation: two halves of state (SGD: velocity; Adam: m then
     * v), then a backup of the parameters. A step writes the new state to
     * the spare half and swaps the halves only if it succeeds. With
     * rollback off (in_place), the state alone, updated in place. */
    float *buffer;
    float *state;       /* current half; NULL when the rule keeps none */
    float *spare;       /* the other half */
    float *backup;      /* [param_count] */
    size_t param_count; /* parameters the buffer is sized for */
    bool in_place;      /* rollback off: state updated in place, no
                         * backup; spare == state */
    unsigned long long steps;
    double beta1_power; /* beta1^steps, kept as a product: no pow() */
    double beta2_power;
    const void *owner; /* the model holding it, or NULL */
};

/* *floats = the buffer's floats for n parameters (0 when n is 0: then
 * nothing is allocated); false on overflow. */
bool nnlite__optimizer_buffer_floats(const nnlite_optimizer *o, size_t n,
                                     size_t *floats);

/* Size the buffer for n parameters (state zeroed). Keeps the old state
 * and returns NNLITE_ENOMEM when allocation fails. No-op if sized. */
nnlite_status nnlite__optimizer_reserve(nnlite_optimizer *o, size_t n);

/* Floats of state the optimizer holds for a model of n parameters: 0
 * when it keeps none or is not (yet) sized for n. Saving, loading and
 * the finiteness check of a save all take the length from here. */
size_t nnlite__optimizer_state_floats(const nnlite_optimizer *o, size_t n);

/* Set the progress a saved optimizer had made; false (nothing changed)
 * when it is inconsistent: a beta power outside [0, 1], or one not below
 * 1 after a step of a rule that divides by 1 - beta^t. */
bool nnlite__optimizer_restore(nnlite_optimizer *o, unsigned long long steps,
                               double beta1_power, double beta2_power);

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

/* The optimizer's settings: "lr=..., weight_decay=..." then the rule's
 * own through its describe op. */
void nnlite__optimizer_describe(const nnlite_optimizer *o, char *buf,
                                size_t size);

#endif /* NNLITE_OPTIM_IMPL_H */
