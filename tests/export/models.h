/* The models the export tests write as C: between them every layer kind,
 * dense layers on both sides of the 16-input switch of the one-row
 * kernels (and with every remainder of the four-way sums), both kinds
 * of probabilities, and the odd ones (no parameters, only the identity).
 * Shared by tests/test_export.c and tests/export/generate.c. Parameters
 * are set from a fixed generator after the model is built, so biases
 * are not zero and every run writes the same files. */
#ifndef NNLITE_TEST_EXPORT_MODELS_H
#define NNLITE_TEST_EXPORT_MODELS_H

#include <stddef.h>
#include <stdint.h>

#include "nnlite/nnlite.h"

/* One layer: its kind, a dense layer's output width, leaky ReLU's slope
 * or dropout's p. Scaling layers get means and deviations drawn here. */
typedef struct export_layer {
    nnlite_layer_kind kind;
    size_t out;
    float setting;
} export_layer;

enum export_loss { EXPORT_MSE, EXPORT_MAE, EXPORT_CROSS_ENTROPY };

typedef struct export_model {
    const char *name; /* also the prefix of its C file */
    size_t inputs;
    enum export_loss loss;
    size_t layer_count;
    export_layer layers[12];
} export_model;

#define EXPORT_DENSE(n) {NNLITE_LAYER_DENSE, (n), 0.0f}
#define EXPORT_ACTIVATION(kind) {(kind), 0, 0.0f}

static const export_model export_models[] = {
    /* issue 14's network for a Cortex-M4 */
    {"mcu", 56, EXPORT_MAE, 3,
     {EXPORT_DENSE(16), EXPORT_ACTIVATION(NNLITE_LAYER_RELU),
      EXPORT_DENSE(1)}},
    /* every kind, in a regression model taking and giving data units */
    {"every_kind", 20, EXPORT_MSE, 12,
     {EXPORT_ACTIVATION(NNLITE_LAYER_STANDARDIZE), EXPORT_DENSE(24),
      EXPORT_ACTIVATION(NNLITE_LAYER_SIGMOID), EXPORT_DENSE(17),
      EXPORT_ACTIVATION(NNLITE_LAYER_TANH), EXPORT_DENSE(9),
      EXPORT_ACTIVATION(NNLITE_LAYER_HARD_SIGMOID), EXPORT_DENSE(5),
      {NNLITE_LAYER_LEAKY_RELU, 0, 0.125f},
      {NNLITE_LAYER_DROPOUT, 0, 0.25f}, EXPORT_DENSE(3),
      EXPORT_ACTIVATION(NNLITE_LAYER_DESTANDARDIZE)}},
    /* softmax probabilities; 19 and 18 inputs: remainders 3 and 2 */
    {"softmax", 19, EXPORT_CROSS_ENTROPY, 4,
     {EXPORT_DENSE(18), {NNLITE_LAYER_LEAKY_RELU, 0, -0.5f},
      EXPORT_DENSE(4), {NNLITE_LAYER_DROPOUT, 0, 0.5f}}},
    /* one logit: sigmoid probabilities */
    {"binary", 6, EXPORT_CROSS_ENTROPY, 3,
     {EXPORT_DENSE(8), EXPORT_ACTIVATION(NNLITE_LAYER_TANH),
      EXPORT_DENSE(1)}},
    /* wider than a GEMM reduction block, a ReLU in the middle */
    {"wide", 300, EXPORT_MSE, 4,
     {EXPORT_DENSE(33), EXPORT_ACTIVATION(NNLITE_LAYER_RELU),
      EXPORT_DENSE(2), EXPORT_ACTIVATION(NNLITE_LAYER_SIGMOID)}},
    /* no parameters at all */
    {"only_relu", 5, EXPORT_MSE, 1,
     {EXPORT_ACTIVATION(NNLITE_LAYER_RELU)}},
    /* nothing but the identity */
    {"only_dropout", 4, EXPORT_MSE, 2,
     {{NNLITE_LAYER_DROPOUT, 0, 0.5f}, {NNLITE_LAYER_DROPOUT, 0, 0.1f}}},
    /* an activation first (reads x), a scaling layer last */
    {"scaled", 3, EXPORT_MSE, 4,
     {EXPORT_ACTIVATION(NNLITE_LAYER_HARD_SIGMOID), EXPORT_DENSE(2),
      EXPORT_ACTIVATION(NNLITE_LAYER_STANDARDIZE),
      EXPORT_ACTIVATION(NNLITE_LAYER_DESTANDARDIZE)}},
};

#define EXPORT_MODEL_COUNT (sizeof(export_models) / sizeof(export_models[0]))

/* A fixed generator (64-bit LCG, top bits): uniform in [lo, hi). */
static inline float export_uniform(uint64_t *state, float lo, float hi)
{
    *state = *state * 6364136223846793005u + 1442695040888963407u;
    const float u = (float)(*state >> 40) / 16777216.0f;
    return lo + (hi - lo) * u;
}

static inline nnlite_status export_scaling(nnlite_layer **out,
                                           nnlite_layer_kind kind,
                                           size_t width, uint64_t *state)
{
    float mean[32], std[32];
    for (size_t j = 0; j < width && j < 32; j++) {
        mean[j] = export_uniform(state, -4.0f, 4.0f);
        std[j] = export_uniform(state, 0.25f, 3.0f);
    }
    return kind == NNLITE_LAYER_STANDARDIZE
               ? nnlite_standardize_create(out, width, mean, std)
               : nnlite_destandardize_create(out, width, mean, std);
}

static inline nnlite_status export_layer_create(nnlite_layer **out,
                                                const export_layer *e,
                                                size_t width,
                                                uint64_t *state)
{
    switch (e->kind) {
    case NNLITE_LAYER_DENSE:
        return nnlite_dense_create(out, width, e->out);
    case NNLITE_LAYER_LEAKY_RELU:
        return nnlite_leaky_relu_create(out, e->setting);
    case NNLITE_LAYER_DROPOUT:
        return nnlite_dropout_create(out, e->setting);
    case NNLITE_LAYER_STANDARDIZE:
    case NNLITE_LAYER_DESTANDARDIZE:
        return export_scaling(out, e->kind, width, state);
    default: {
        const nnlite_layer_spec spec = {e->kind, 0, 0, 0.0f};
        return nnlite_layer_create_advanced(out, &spec, NULL);
    }
    }
}

static inline nnlite_status export_loss_create(nnlite_loss **out,
                                               enum export_loss loss)
{
    return loss == EXPORT_MAE   ? nnlite_loss_mae_create(out)
           : loss == EXPORT_MSE ? nnlite_loss_mse_create(out)
                                : nnlite_loss_cross_entropy_create(out);
}

/* The model `spec` describes, with its parameters drawn uniformly from
 * [-1, 1) (biases included) by a generator seeded with `seed`. */
static inline nnlite_status export_model_build(nnlite_model **out,
                                               const export_model *spec,
                                               uint64_t seed)
{
    nnlite_model *m = NULL;
    nnlite_layer *l;
    nnlite_loss *loss;
    uint64_t state = seed;
    size_t width = spec->inputs;
    nnlite_status s = nnlite_model_create(&m, spec->inputs, seed);
    for (size_t i = 0; s == NNLITE_OK && i < spec->layer_count; i++) {
        s = export_layer_create(&l, &spec->layers[i], width, &state);
        if (s == NNLITE_OK) {
            s = nnlite_model_add(m, l);
        }
        width = nnlite_model_output_features(m);
    }
    if (s == NNLITE_OK && (s = export_loss_create(&loss, spec->loss)) ==
                              NNLITE_OK) {
        s = nnlite_model_set_loss(m, loss);
    }
    float *p = nnlite_model_params(m);
    for (size_t i = 0; s == NNLITE_OK && i < nnlite_model_param_count(m);
         i++) {
        p[i] = export_uniform(&state, -1.0f, 1.0f);
    }
    if (s != NNLITE_OK) {
        nnlite_model_destroy(m);
        m = NULL;
    }
    *out = m;
    return s;
}

#endif /* NNLITE_TEST_EXPORT_MODELS_H */
