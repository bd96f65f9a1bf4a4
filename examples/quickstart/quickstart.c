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

/* Print what went wrong and say the program failed. */
static int fail(const char *what, nnlite_status s, const nnlite_model *m)
{
    fprintf(stderr, "%s: %s (%s)\n", what, nnlite_status_string(s),
            nnlite_model_last_error(m));
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

    /* Tensors wrap our arrays: [N rows, 1 feature], no copy. */
    nnlite_tensor *x = NULL, *y = NULL;
    nnlite_status s = nnlite_tensor_wrap2d(&x, xs, N, 1);
    if (s == NNLITE_OK) {
        s = nnlite_tensor_wrap2d(&y, ys, N, 1);
    }
    if (s != NNLITE_OK) {
        nnlite_tensor_destroy(x);
        return fail("tensors", s, NULL);
    }

    /* Step 1: the model. One input feature, seed 42 for repeatable runs. */
    nnlite_model *model = NULL;
    nnlite_layer *dense = NULL;
    nnlite_loss *loss = NULL;
    nnlite_optimizer *sgd = NULL;
    if ((s = nnlite_model_create(&model, 1, 42)) != NNLITE_OK ||
        (s = nnlite_dense_create(&dense, 1, 1)) != NNLITE_OK ||
        (s = nnlite_model_add(model, dense)) != NNLITE_OK || /* owns it */
        /* Step 2: the loss. */
        (s = nnlite_loss_mse_create(&loss)) != NNLITE_OK ||
        (s = nnlite_model_set_loss(model, loss)) != NNLITE_OK ||
        /* Step 3: the optimizer: learning rate 0.1, no momentum. */
        (s = nnlite_sgd_create(&sgd, 0.1f, 0.0f)) != NNLITE_OK ||
        (s = nnlite_model_set_optimizer(model, sgd)) != NNLITE_OK) {
        int rc = fail("building the model", s, model);
        nnlite_model_destroy(model);
        nnlite_tensor_destroy(x);
        nnlite_tensor_destroy(y);
        return rc;
    }

    /* 200 epochs of shuffled batches of 16: 4 updates per epoch. */
    nnlite_fit_options fit = NNLITE_FIT_OPTIONS_INIT;
    fit.epochs = 200;
    fit.batch_size = 16;
    s = nnlite_model_fit(model, x, y, &fit, NULL, NULL);

    float mse = 0.0f;
    if (s == NNLITE_OK) {
        s = nnlite_model_evaluate(model, x, y, &mse);
    }
    if (s != NNLITE_OK) {
        int rc = fail("training", s, model);
        nnlite_model_destroy(model);
        nnlite_tensor_destroy(x);
        nnlite_tensor_destroy(y);
        return rc;
    }

    /* The parameters, in the documented layout: W then b. */
    const float *p = nnlite_model_params(model);
    printf("learned y = %.3f + %.3f x   (true: 1 + 2x), training MSE %.5f\n",
           (double)p[1], (double)p[0], (double)mse);

    /* Use the model: predict y for a new x. */
    float new_x[1] = {0.5f}, prediction[1];
    nnlite_tensor *in = NULL, *out = NULL;
    if ((s = nnlite_tensor_wrap2d(&in, new_x, 1, 1)) == NNLITE_OK &&
        (s = nnlite_tensor_wrap2d(&out, prediction, 1, 1)) == NNLITE_OK &&
        (s = nnlite_model_forward(model, in, out)) == NNLITE_OK) {
        printf("prediction for x = 0.5: %.3f   (true: 2.0)\n",
               (double)prediction[0]);
    }
    int rc = s == NNLITE_OK ? 0 : fail("prediction", s, model);

    nnlite_tensor_destroy(in);
    nnlite_tensor_destroy(out);
    nnlite_model_destroy(model); /* frees the layer, loss and optimizer */
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(y);
    return rc;
}
