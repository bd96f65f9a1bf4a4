/* Private: the loss struct and the ops table each loss kind fills in. */
#ifndef NNLITE_LOSS_IMPL_H
#define NNLITE_LOSS_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "message_impl.h"
#include "nnlite/loss.h"

/* pred [rows, cols], target [rows, tcols], grad like pred (or NULL). */
typedef struct nnlite__loss_ops {
    nnlite_loss_kind kind;
    const char *name;
    /* Whether a target of tcols columns fits predictions of cols columns. */
    bool (*target_fits)(size_t cols, size_t tcols);
    /* The target widths that fit predictions of `cols` columns, in words
     * for messages, e.g. "1 (class indices) or 10 (probabilities)". */
    void (*describe_target)(size_t cols, char *buf, size_t size);
    /* NNLITE_OK, or NNLITE_EINVAL with a message for a bad target value.
     * NULL when every finite target is valid. */
    nnlite_status (*check_targets)(const float *target, size_t rows,
                                   size_t cols, size_t tcols, char *msg,
                                   size_t msg_size);
    /* The loss (a mean); writes d(loss)/d(pred) into grad unless NULL.
     * `loss` carries the settings (Huber's delta). */
    double (*compute)(const nnlite_loss *loss, const float *pred,
                      const float *target, size_t rows, size_t cols,
                      size_t tcols, float *grad);
    /* Whether it reads predictions as logits (cross-entropy), so that
     * probabilities can be made of them. */
    bool takes_logits;
    /* Write the loss's settings for nnlite_model_summary() into buf as
     * "name=value" pairs joined by ", " (floats with %g); NULL for kinds
     * without settings. */
    void (*describe)(const nnlite_loss *loss, char *buf, size_t size);
} nnlite__loss_ops;

struct nnlite_loss {
    const nnlite__loss_ops *ops;
    nnlite_allocator allocator;
    const void *owner; /* the model holding it, or NULL */
    float delta; /* Huber: > 0 and finite; 0 for the other kinds */
    char error[NNLITE__ERROR_SIZE];
};

extern const nnlite__loss_ops nnlite__mae_ops;
extern const nnlite__loss_ops nnlite__mse_ops;
extern const nnlite__loss_ops nnlite__cross_entropy_ops;
extern const nnlite__loss_ops nnlite__huber_ops;

/* Huber's delta when none is given (PyTorch's default). */
#define NNLITE__HUBER_DEFAULT_DELTA 1.0f

/* The checks and constructor behind every public one, for any kind with
 * its setting (Huber's delta; 0 for the others): what the loader
 * rebuilds a stored loss with. check says why create would refuse. */
nnlite_status nnlite__loss_check(nnlite_loss_kind kind, float delta,
                                 char *msg, size_t size);
nnlite_status nnlite__loss_create(nnlite_loss **out, nnlite_loss_kind kind,
                                  float delta,
                                  const nnlite_allocator *allocator);

/* For losses whose target has the predictions' shape (MAE, MSE). */
bool nnlite__same_width(size_t cols, size_t tcols);
void nnlite__describe_same_width(size_t cols, char *buf, size_t size);

/* The loss's settings through its describe op; "" when it has none. */
void nnlite__loss_describe(const nnlite_loss *loss, char *buf, size_t size);

#endif /* NNLITE_LOSS_IMPL_H */
