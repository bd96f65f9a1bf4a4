/* A program built by CMake against the *installed* nnlite (find_package
 * and the imported target nnlite::nnlite): it creates a model, trains it
 * one step, and checks that the headers it was compiled with and the
 * library it linked are the same version. Any failure returns 1. */
#include <nnlite/nnlite.h>

#include <stdio.h>

static int failed(const char *what, nnlite_status s, const char *why)
{
    fprintf(stderr, "cmake consumer: %s: %s (%s)\n", what,
            nnlite_status_string(s), why);
    return 1;
}

/* One gradient step on four points of y = 2x + 1 must lower the loss. */
static int train_one_step(void)
{
    static const float xs[4] = {0.0f, 0.25f, 0.5f, 0.75f};
    static const float ys[4] = {1.0f, 1.5f, 2.0f, 2.5f};
    nnlite_model *model = NULL;
    nnlite_layer *dense = NULL;
    nnlite_loss *loss = NULL;
    nnlite_optimizer *sgd = NULL;
    nnlite_tensor *x = NULL, *y = NULL;
    float before = 0.0f, after = 0.0f;
    int rc = 1;

    nnlite_status s = nnlite_model_create(&model, 1, 42);
    if (s != NNLITE_OK) {
        return failed("nnlite_model_create", s, "out of memory");
    }
    if ((s = nnlite_dense_create(&dense, 1, 1)) != NNLITE_OK ||
        (s = nnlite_model_add(model, dense)) != NNLITE_OK ||
        (s = nnlite_loss_mse_create(&loss)) != NNLITE_OK ||
        (s = nnlite_model_set_loss(model, loss)) != NNLITE_OK ||
        (s = nnlite_sgd_create(&sgd, 0.1f, 0.0f)) != NNLITE_OK ||
        (s = nnlite_model_set_optimizer(model, sgd)) != NNLITE_OK ||
        (s = nnlite_tensor_wrap2d_const(&x, xs, 4, 1)) != NNLITE_OK ||
        (s = nnlite_tensor_wrap2d_const(&y, ys, 4, 1)) != NNLITE_OK) {
        rc = failed("building the model", s, nnlite_model_last_error(model));
        goto done;
    }
    if ((s = nnlite_model_train_batch(model, x, y, &before)) != NNLITE_OK ||
        (s = nnlite_model_evaluate(model, x, y, &after)) != NNLITE_OK) {
        rc = failed("training", s, nnlite_model_last_error(model));
        goto done;
    }
    if (!(after < before)) {
        fprintf(stderr, "cmake consumer: loss %g after one step, %g before\n",
                (double)after, (double)before);
        goto done;
    }
    printf("cmake consumer: one step, loss %g -> %g\n", (double)before,
           (double)after);
    rc = 0;
done:
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(y);
    nnlite_model_destroy(model);
    return rc;
}

int main(void)
{
    int rc = train_one_step();
    if (nnlite_version_number() != NNLITE_VERSION_NUMBER) {
        fprintf(stderr, "cmake consumer: headers %s (%u), library %s (%u)\n",
                NNLITE_VERSION_STRING, (unsigned)NNLITE_VERSION_NUMBER,
                nnlite_version_string(), nnlite_version_number());
        rc = 1;
    }
    printf("cmake consumer linked nnlite %s (headers %s): %s\n",
           nnlite_version_string(), NNLITE_VERSION_STRING,
           rc == 0 ? "ok" : "FAILED");
    return rc;
}
