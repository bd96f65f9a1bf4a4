/* Writes the seed corpus of fuzz_load: small valid models of every layer,
 * loss and optimizer kind (the fuzzer mutates from there). Run once; the
 * output is committed under fuzz/corpus/load/, in format version 2; the
 * *-v1.nnl seeds beside it are what nnlite 0.2 wrote (format version 1,
 * its add() read the layer before making it, so they hold fewer layers
 * than this code asks for), kept so the fuzzer starts from both versions.
 *   cc make_load_seeds.c $(pkg-config --cflags --libs nnlite) && ./a.out DIR */
#include <nnlite/nnlite.h>

#include <stdio.h>

/* Add the layer just made in *l. (A pointer: an argument `l` could be
 * read before the constructor beside it runs.) */
static int add(nnlite_model *m, nnlite_status s, nnlite_layer **l)
{
    return s == NNLITE_OK ? nnlite_model_add(m, *l) : s;
}

static int write_seed(const char *dir, const char *name, nnlite_model *m)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return nnlite_model_save(m, path) == NNLITE_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : ".";
    nnlite_model *m = NULL;
    nnlite_layer *l = NULL;
    nnlite_loss *loss = NULL;
    nnlite_optimizer *o = NULL;
    const float stats[2] = {0.5f, 2.0f};
    char path[512];
    int failures = 0;

    /* 1: the lecture's y = b + w x, MAE, plain gradient descent. */
    nnlite_model_create(&m, 1, 1);
    failures += add(m, nnlite_dense_create(&l, 1, 1), &l) != NNLITE_OK;
    nnlite_loss_mae_create(&loss);
    nnlite_model_set_loss(m, loss);
    nnlite_sgd_create(&o, 0.01f, 0.0f);
    nnlite_model_set_optimizer(m, o);
    failures += write_seed(dir, "linear.nnl", m);
    nnlite_model_destroy(m);

    /* 2: every activation, cross-entropy, Adam, metadata. */
    nnlite_model_create(&m, 3, 2);
    failures += add(m, nnlite_dense_create(&l, 3, 4), &l) != NNLITE_OK;
    failures += add(m, nnlite_relu_create(&l), &l) != NNLITE_OK;
    failures += add(m, nnlite_tanh_create(&l), &l) != NNLITE_OK;
    failures += add(m, nnlite_sigmoid_create(&l), &l) != NNLITE_OK;
    failures += add(m, nnlite_hard_sigmoid_create(&l), &l) != NNLITE_OK;
    failures += add(m, nnlite_leaky_relu_create(&l, 0.1f), &l) != NNLITE_OK;
    failures += add(m, nnlite_dense_create(&l, 4, 3), &l) != NNLITE_OK;
    nnlite_loss_cross_entropy_create(&loss);
    nnlite_model_set_loss(m, loss);
    nnlite_adam_create(&o, 1e-3f, 0.9f, 0.999f, 1e-8f);
    nnlite_model_set_optimizer(m, o);
    nnlite_model_set_metadata(m, "input_stats", stats, 2);
    failures += write_seed(dir, "classifier.nnl", m);
    nnlite_model_destroy(m);

    /* 3: SGD with momentum, MSE, no metadata; 4: an empty model. */
    nnlite_model_create(&m, 2, 3);
    failures += add(m, nnlite_dense_create(&l, 2, 2), &l) != NNLITE_OK;
    nnlite_loss_mse_create(&loss);
    nnlite_model_set_loss(m, loss);
    nnlite_sgd_create(&o, 0.1f, 0.9f);
    nnlite_model_set_optimizer(m, o);
    failures += write_seed(dir, "momentum.nnl", m);
    nnlite_model_destroy(m);
    nnlite_model_create(&m, 5, 4);
    failures += write_seed(dir, "empty.nnl", m);
    nnlite_model_destroy(m);

    /* 5: the layers with values (scaling, dropout), Huber, AMSGrad with
     * its state after one step; 6: the same without the optimizer (an
     * inference-only file); 7: SGD with dampening after one step. */
    const float mean[2] = {1.0f, 2.0f}, std[2] = {0.5f, 3.0f};
    const float xs[4] = {1, 2, 3, 4}, ys[2] = {1, 2};
    nnlite_optimizer_options opt = NNLITE_ADAM_OPTIONS_INIT;
    nnlite_save_options inference = NNLITE_SAVE_OPTIONS_INIT;
    nnlite_tensor *x = NULL, *y = NULL;
    nnlite_tensor_wrap2d_const(&x, xs, 2, 2);
    nnlite_tensor_wrap2d_const(&y, ys, 2, 1);
    nnlite_model_create(&m, 2, 5);
    failures += add(m, nnlite_standardize_create(&l, 2, mean, std), &l) != 0;
    failures += add(m, nnlite_dense_create(&l, 2, 3), &l) != NNLITE_OK;
    failures += add(m, nnlite_dropout_create(&l, 0.25f), &l) != NNLITE_OK;
    failures += add(m, nnlite_dense_create(&l, 3, 1), &l) != NNLITE_OK;
    failures += add(m, nnlite_destandardize_create(&l, 1, mean, std), &l) != 0;
    nnlite_loss_huber_create(&loss, 0.7f);
    nnlite_model_set_loss(m, loss);
    opt.amsgrad = 1;
    nnlite_optimizer_create(&o, &opt);
    nnlite_model_set_optimizer(m, o);
    failures += nnlite_model_train_batch(m, x, y, NULL) != NNLITE_OK;
    failures += write_seed(dir, "amsgrad.nnl", m);
    inference.optimizer = 0;
    snprintf(path, sizeof(path), "%s/%s", dir, "inference.nnl");
    failures += nnlite_model_save_advanced(m, path, &inference) != 0;
    opt = (nnlite_optimizer_options)NNLITE_SGD_OPTIONS_INIT;
    opt.momentum = 0.9f;
    opt.dampening = 0.3f;
    nnlite_optimizer_create(&o, &opt);
    nnlite_model_set_optimizer(m, o);
    failures += nnlite_model_train_batch(m, x, y, NULL) != NNLITE_OK;
    failures += write_seed(dir, "dampening.nnl", m);
    nnlite_model_destroy(m);
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(y);
    return failures == 0 ? 0 : 1;
}
