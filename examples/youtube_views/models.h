/*
 * models: the study's models, built from a short description, trained by
 * mini-batch gradient descent on the MAE (as in the lecture) and measured
 * in the data's own units. Each is trained twice: first on the days
 * before the validation period, with early stopping on it, which chooses
 * the number of epochs; then again from the start on all training days
 * for that many epochs. Linear models start from the least-squares fit,
 * so every seed reaches the MAE optimum.
 */
#ifndef YOUTUBE_VIEWS_MODELS_H
#define YOUTUBE_VIEWS_MODELS_H

#include <stddef.h>
#include <stdint.h>

#include <nnlite/nnlite.h>

#include "transform.h"

/* The activation of a linear model, which has no hidden layer (layer.h
 * uses 0 for "no kind" too). */
#define NO_ACTIVATION ((nnlite_layer_kind)0)

/* One model of the study, with the lecture's result for it. */
typedef struct model_spec {
    const char *name;     /* in the --report CSV, e.g. "relu-100x2" */
    const char *label;    /* for people, e.g. "100 ReLU x 2 layers" */
    size_t window;        /* previous days used as features */
    nnlite_layer_kind activation; /* of the hidden layers */
    size_t width;         /* units per hidden layer */
    size_t depth;         /* hidden layers, 0 for a linear model */
    double lecture_train; /* lecture's MAE, k views; NaN when it gives none */
    double lecture_test;
} model_spec;

/* How a model is trained; the study uses one plan for every model. */
typedef struct training_plan {
    nnlite_optimizer_options optimizer;
    size_t max_epochs; /* of the first fit */
    size_t patience;   /* epochs without a better validation MAE */
    size_t batch_size;
    uint64_t seed;
    int refit; /* 0: keep the first fit's model (a shortcut for tests) */
} training_plan;

/* The samples of one window length, as the models see them. */
typedef struct model_data {
    const transform *transform;
    const encoded_set *training; /* fitting rows, then validation rows */
    size_t fit_count;            /* rows before the validation period */
    const encoded_set *test;
    const double *training_views; /* targets of `training`, in views */
    const double *test_views;
} model_data;

/* What training a model gave. MAEs are in the data's units (views);
 * the curves are in the units the model trains on (transform.h). */
typedef struct model_result {
    double train_mae;      /* the refitted model on all training days */
    double validation_mae; /* the first fit's best epoch */
    double test_mae;       /* the refitted model */
    size_t best_epoch;     /* chosen on validation; the refit's epochs */
    size_t epochs;         /* epochs the first fit ran */
    double *train_curve;   /* [epochs]: mean batch loss during the epoch */
    double *validation_curve; /* [epochs]: after the epoch */
    double *test_curve;    /* [refit_epochs]: the refit's test loss after
                              each epoch, recorded, never used */
    size_t refit_epochs;   /* best_epoch, or 0 without a refit */
    double *test_predictions; /* [test count]: predicted views */
    double seconds;        /* wall time of both fits */
} model_result;

/*
 * Build the model `spec` describes and train it as above.
 * @return 0; -1 with a message in `error`. Free `out` with
 *         model_result_free in both cases.
 */
int model_run(model_result *out, const model_spec *spec,
              const training_plan *plan, const model_data *data,
              char *error, size_t error_size);

/* Free what model_run allocated; NULL is fine. */
void model_result_free(model_result *result);

#endif /* YOUTUBE_VIEWS_MODELS_H */
