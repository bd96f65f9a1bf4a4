/*
 * quickstart: the shortest complete nnlite program. Copy it and start here.
 *
 * It follows the three steps of the lecture (Hung-yi Lee, ML 2021, 1):
 *   1. a model with unknown parameters:  y = b + w * x
 *   2. a loss from training data:        MSE between y and the targets
 *   3. optimization:                     gradient descent, in mini-batches
 * The data are points on the line y = 2x + 1 with a little noise, so
 * training should find w close to 2 and b close to 1.
 *
 * Build it against an installed nnlite:
 *   cc quickstart.c $(pkg-config --cflags --libs nnlite)
 */
#include <nnlite/nnlite.h>

#include <stdio.h>

#define N 64

/* Every call returns a status. A model keeps a message about its last
 * failure; a constructor has no handle to keep one in, so its check twin
 * (nnlite_sgd_check for nnlite_sgd_create, ...) says why instead. */
static int fail(const char *what, nnlite_status s, const char *why)
{
    fprintf(stderr, "%s: %s (%s)\n", what, nnlite_status_string(s), why);
    return 1;
}

int main(void)
{
    /* Training data: x in [0, 1), y = 2x + 1 + noise in [-0.05, 0.05]. */
    float xs[N], ys[N];
    for (int i = 0; i < N; i++) {
        xs[i] = (float)i / N;
        ys[i] = 2.0f * xs[i] + 1.0f + 0.1f * ((float)((i * 37) % 11) / 10.0f
                                               - 0.5f);
    }

    /* Step 3's optimizer first, to show a constructor's message: learning
     * rate 0.1, no momentum (a momentum of 1 or more would be refused). */
    const float learning_rate = 0.1f, momentum = 0.0f;
    nnlite_optimizer *sgd = NULL;
    nnlite_status s = nnlite_sgd_create(&sgd, learning_rate, momentum);
    if (s != NNLITE_OK) {
        char why[128];
        nnlite_sgd_check(learning_rate, momentum, why, sizeof why);
        return fail("optimizer", s, why); /* "momentum 1 is outside ..." */
    }

    /* Step 1: the model. One input feature, seed 42 for repeatable runs.
     * Step 2: the loss. The model takes ownership of everything it is
     * given (even when a call fails), so one destroy frees it all. */
    nnlite_model *model = NULL;
    nnlite_layer *dense = NULL;
    nnlite_loss *loss = NULL;
    if ((s = nnlite_model_create(&model, 1, 42)) != NNLITE_OK) {
        nnlite_optimizer_destroy(sgd);
        return fail("model", s, "out of memory");
    }
    if ((s = nnlite_model_set_optimizer(model, sgd)) != NNLITE_OK ||
        (s = nnlite_dense_create(&dense, 1, 1)) != NNLITE_OK ||
        (s = nnlite_model_add(model, dense)) != NNLITE_OK ||
        (s = nnlite_loss_mse_create(&loss)) != NNLITE_OK ||
        (s = nnlite_model_set_loss(model, loss)) != NNLITE_OK) {
        int rc = fail("building the model", s, nnlite_model_last_error(model));
        nnlite_model_destroy(model);
        return rc;
    }

    /* Tensors wrap our arrays without copying: [N rows, 1 feature]. The
     * data is only read, so read-only views will do. */
    nnlite_tensor *x = NULL, *y = NULL;
    if ((s = nnlite_tensor_wrap2d_const(&x, xs, N, 1)) == NNLITE_OK) {
        s = nnlite_tensor_wrap2d_const(&y, ys, N, 1);
    }

    /* 200 epochs of shuffled batches of 16: 4 updates per epoch. */
    nnlite_fit_options fit = NNLITE_FIT_OPTIONS_INIT;
    fit.epochs = 200;
    fit.batch_size = 16;
    float mse = 0.0f;
    if (s == NNLITE_OK &&
        (s = nnlite_model_fit(model, x, y, &fit, NULL, NULL)) == NNLITE_OK) {
        s = nnlite_model_evaluate(model, x, y, &mse);
    }
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(y);
    if (s != NNLITE_OK) {
        int rc = fail("training", s, nnlite_model_last_error(model));
        nnlite_model_destroy(model);
        return rc;
    }

    /* The parameters, in the documented layout: W then b. */
    const float *p = nnlite_model_params(model);
    printf("learned y = %.3f + %.3f x   (true: 1 + 2x), training MSE %.5f\n",
           (double)p[1], (double)p[0], (double)mse);

    /* Use the model on plain arrays: predict y for new x. */
    const float new_x[2] = {0.5f, 2.0f};
    float prediction[2];
    s = nnlite_model_predict(model, new_x, 2, prediction);
    if (s == NNLITE_OK) {
        printf("prediction for x = 0.5: %.3f   (true: 2.0)\n"
               "prediction for x = 2.0: %.3f   (true: 5.0)\n",
               (double)prediction[0], (double)prediction[1]);
    }
    int rc = s == NNLITE_OK ? 0 : fail("prediction", s,
                                       nnlite_model_last_error(model));
    nnlite_model_destroy(model); /* frees the layer, loss and optimizer */
    return rc;
}
