/* tabular/classification: a CSV classification to copy. It tells the
 * three iris species apart from four measurements, with the scaling
 * inside the model, early stopping on a validation part, the test
 * accuracy, and the model saved with its optimizer (resume.c goes on
 * training it).
 *   cc classification.c $(pkg-config --cflags --libs nnlite)
 *   ./classification iris.csv iris.nnl */
#include <nnlite/nnlite.h>
#include <stdio.h>

/* Stop at the first failure; `done` says why and frees everything. */
#define TRY(call) if ((s = (call)) != NNLITE_OK) goto done
/* Make a layer in l and add it to the model m. */
#define ADD(make) TRY(make); TRY(nnlite_model_add(m, l))

int main(int argc, char **argv)
{
    const size_t species[1] = {4}; /* the target column: 0, 1 or 2 */
    char why[256] = "usage: classification data.csv model.nnl";
    nnlite_csv_options csv = NNLITE_CSV_OPTIONS_INIT;
    nnlite_fit_options fit = NNLITE_FIT_OPTIONS_INIT;
    nnlite_fit_result result = NNLITE_FIT_RESULT_INIT;
    nnlite_tensor *x = NULL, *y = NULL, *xs[2] = {NULL}, *ys[2] = {NULL};
    nnlite_model *m = NULL;
    nnlite_layer *l; /* each new layer, until the model takes it */
    nnlite_loss *loss;
    nnlite_optimizer *adam;
    nnlite_status s = NNLITE_EINVAL;
    float acc;
    csv.header = 1, csv.target_columns = species, csv.target_count = 1;
    csv.error = why, csv.error_size = sizeof why;
    if (argc != 3) goto done;
    TRY(nnlite_csv_read(&x, &y, argv[1], &csv));
    TRY(nnlite_data_split(&xs[0], &ys[0], &xs[1], &ys[1], x, y, 0.2f, 1, 7));
    TRY(nnlite_model_create(&m, 4, 42));
    ADD(nnlite_standardize_create_fitted(&l, xs[0]));
    ADD(nnlite_dense_create(&l, 4, 16));
    ADD(nnlite_relu_create(&l));
    ADD(nnlite_dense_create(&l, 16, 3)); /* one logit per species */
    TRY(nnlite_loss_cross_entropy_create(&loss));
    TRY(nnlite_model_set_loss(m, loss));
    TRY(nnlite_adam_create(&adam, 0.01f, 0.9f, 0.999f, 1e-8f));
    TRY(nnlite_model_set_optimizer(m, adam));
    /* Train on the first three quarters, validate on the last one. */
    fit.epochs = 300, fit.batch_size = 16, fit.validation_split = 0.25f;
    fit.patience = 20, fit.restore_best = 1, fit.result = &result;
    TRY(nnlite_model_fit(m, xs[0], ys[0], &fit, NULL, NULL));
    TRY(nnlite_model_evaluate_metric(m, NNLITE_METRIC_ACCURACY, xs[1], ys[1],
                                     &acc));
    printf("best epoch %zu of %zu, test accuracy %.3f\n", result.best_epoch,
           result.epochs_run, (double)acc);
    TRY(nnlite_model_save(m, argv[2]));
done:
    if (s) fprintf(stderr, "%s %s\n", why, nnlite_model_last_error(m));
    nnlite_model_destroy(m);
    nnlite_tensor_destroy(x), nnlite_tensor_destroy(y);
    nnlite_tensor_destroy(xs[0]), nnlite_tensor_destroy(ys[0]);
    nnlite_tensor_destroy(xs[1]), nnlite_tensor_destroy(ys[1]);
    return s != NNLITE_OK;
}
