/* tabular/regression: a CSV regression to copy. It predicts an iris
 * flower's petal width (cm) from the other columns, with the scaling
 * inside the model (the saved model takes raw measurements and answers in
 * cm), early stopping on a validation part, and the model saved.
 *   cc regression.c $(pkg-config --cflags --libs nnlite)
 *   ./regression iris.csv petal.nnl */
#include <nnlite/nnlite.h>
#include <stdio.h>

/* Stop at the first failure; `done` says why and frees everything. */
#define TRY(call) if ((s = (call)) != NNLITE_OK) goto done
/* Make a layer in l and add it to the model m. */
#define ADD(make) TRY(make); TRY(nnlite_model_add(m, l))

int main(int argc, char **argv)
{
    const size_t petal_width[1] = {3}; /* the target column */
    char why[256] = "usage: regression data.csv model.nnl";
    nnlite_csv_options csv = NNLITE_CSV_OPTIONS_INIT;
    nnlite_fit_options fit = NNLITE_FIT_OPTIONS_INIT;
    nnlite_tensor *x = NULL, *y = NULL, *xs[2] = {NULL}, *ys[2] = {NULL};
    nnlite_model *m = NULL;
    nnlite_layer *l; /* each new layer, until the model takes it */
    nnlite_loss *mse;
    nnlite_optimizer *adam;
    nnlite_status s = NNLITE_EINVAL;
    float mae;
    csv.header = 1, csv.target_columns = petal_width, csv.target_count = 1;
    csv.error = why, csv.error_size = sizeof why;
    if (argc != 3) goto done;
    TRY(nnlite_csv_read(&x, &y, argv[1], &csv));
    /* A fifth of the rows, shuffled with seed 7, is kept for the test. */
    TRY(nnlite_data_split(&xs[0], &ys[0], &xs[1], &ys[1], x, y, 0.2f, 1, 7));
    TRY(nnlite_model_create(&m, nnlite_tensor_dim(x, 1), 42));
    /* Inputs standardised and the output mapped back to cm, in the model. */
    ADD(nnlite_standardize_create_fitted(&l, xs[0]));
    ADD(nnlite_dense_create(&l, 4, 16));
    ADD(nnlite_relu_create(&l));
    ADD(nnlite_dense_create(&l, 16, 1));
    ADD(nnlite_destandardize_create_fitted(&l, ys[0]));
    TRY(nnlite_loss_mse_create(&mse));
    TRY(nnlite_model_set_loss(m, mse));
    TRY(nnlite_adam_create(&adam, 0.01f, 0.9f, 0.999f, 1e-8f));
    TRY(nnlite_model_set_optimizer(m, adam));
    /* The last quarter of the training rows validates: stop once its loss
     * has not improved for 20 epochs, and keep the best epoch's weights. */
    fit.epochs = 500, fit.batch_size = 16, fit.validation_split = 0.25f;
    fit.patience = 20, fit.restore_best = 1;
    TRY(nnlite_model_fit(m, xs[0], ys[0], &fit, NULL, NULL));
    TRY(nnlite_model_evaluate_metric(m, NNLITE_METRIC_MAE, xs[1], ys[1], &mae));
    printf("test MAE %.3f cm\n", (double)mae);
    TRY(nnlite_model_save(m, argv[2]));
done:
    if (s) fprintf(stderr, "%s %s\n", why, nnlite_model_last_error(m));
    nnlite_model_destroy(m);
    nnlite_tensor_destroy(x), nnlite_tensor_destroy(y);
    nnlite_tensor_destroy(xs[0]), nnlite_tensor_destroy(ys[0]);
    nnlite_tensor_destroy(xs[1]), nnlite_tensor_destroy(ys[1]);
    return s != NNLITE_OK;
}
