/*
 * models: the study's models, built from a short description, trained by
 * mini-batch gradient descent on the MAE (as in the lecture) and measured
 * in the data's own units.
 */
#ifndef YOUTUBE_VIEWS_MODELS_H
#define YOUTUBE_VIEWS_MODELS_H

#include <stddef.h>
#include <stdint.h>

#include <nnlite/nnlite.h>

#include "windows.h"

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
    size_t epochs;
    size_t batch_size;
    uint64_t seed;
} training_plan;

/* What training a model gave. Losses are MAE in the data's units. */
typedef struct model_result {
    double train_mae;
    double test_mae;
    size_t epochs;           /* epochs run */
    double *train_curve;     /* [epochs]: mean batch loss of each epoch */
    double *test_curve;      /* [epochs]: test loss after each epoch */
    double *test_predictions; /* [test count]: predicted views */
    double *weights;         /* linear models: [window] weights, oldest day
                                first, in the data's units; else NULL */
    double bias;             /* linear models: b in the data's units */
    double seconds;          /* wall time of training and evaluation */
} model_result;

/*
 * Build the model `spec` describes, train it on `train` following `plan`
 * (recording the test loss per epoch, never choosing anything with it),
 * then measure it on both sets.
 * @return 0; -1 with a message in `error`. Free `out` with
 *         model_result_free in both cases.
 */
int model_run(model_result *out, const model_spec *spec,
              const training_plan *plan, const window_set *train,
              const window_set *test, const normaliser *norm, char *error,
              size_t error_size);

/* Free what model_run allocated; NULL is fine. */
void model_result_free(model_result *result);

#endif /* YOUTUBE_VIEWS_MODELS_H */
