/* tabular/clipping: training with the guard rails: dropout, gradient
 * clipping, a cosine learning-rate schedule and early stopping, on the
 * handwritten digits (64 pixel counts, then the digit), and the model's
 * summary at the end.
 *   cc clipping.c $(pkg-config --cflags --libs nnlite)
 *   ./clipping digits.csv */
#include <nnlite/nnlite.h>
#include <stdio.h>

/* Stop at the first failure; `done` says why and frees everything. */
#define TRY(call) if ((s = (call)) != NNLITE_OK) goto done
/* Make a layer in l and add it to the model m. */
#define ADD(make) TRY(make); TRY(nnlite_model_add(m, l))

int main(int argc, char **argv)
{
    const size_t digit[1] = {64};
    char why[256] = "usage: clipping digits.csv", text[1024];
    nnlite_csv_options csv = NNLITE_CSV_OPTIONS_INIT;
    nnlite_fit_options fit = NNLITE_FIT_OPTIONS_INIT;
    nnlite_tensor *x = NULL, *y = NULL, *xt = NULL, *yt = NULL;
    nnlite_model *m = NULL;
    nnlite_layer *l; /* each new layer, until the model takes it */
    nnlite_loss *loss;
    nnlite_optimizer *sgd;
    nnlite_status s = NNLITE_EINVAL;
    float accuracy;
    csv.target_columns = digit, csv.target_count = 1;
    csv.error = why, csv.error_size = sizeof why;
    if (argc != 2) goto done;
    TRY(nnlite_csv_read(&x, &y, argv[1], &csv));
    TRY(nnlite_data_shuffle(x, y, 7));
    TRY(nnlite_model_create(&m, 64, 42));
    ADD(nnlite_standardize_create_fitted(&l, x));
    ADD(nnlite_dense_create(&l, 64, 64));
    ADD(nnlite_relu_create(&l));
    ADD(nnlite_dropout_create(&l, 0.2f)); /* active only while training */
    ADD(nnlite_dense_create(&l, 64, 10));
    TRY(nnlite_loss_cross_entropy_create(&loss));
    TRY(nnlite_model_set_loss(m, loss));
    TRY(nnlite_sgd_create(&sgd, 0.05f, 0.9f));
    TRY(nnlite_model_set_optimizer(m, sgd));
    /* rows 0-1199 train, 1200-1499 validate, the rest tests */
    fit.epochs = 100, fit.row_count = 1500, fit.validation_split = 0.2f;
    fit.clip_grad_norm = 1.0f, fit.patience = 10, fit.restore_best = 1;
    fit.schedule.kind = NNLITE_LR_COSINE; /* from 0.05 down to 0 */
    TRY(nnlite_model_fit(m, x, y, &fit, NULL, NULL));
    /* The test rows, as read-only views into the same tensors. */
    const float *test_x = nnlite_tensor_const_data(x) + 1500 * 64;
    TRY(nnlite_tensor_wrap2d_const(&xt, test_x, 297, 64));
    TRY(nnlite_tensor_wrap2d_const(&yt, nnlite_tensor_const_data(y) + 1500,
                                   297, 1));
    TRY(nnlite_model_evaluate_metric(m, NNLITE_METRIC_ACCURACY, xt, yt,
                                     &accuracy));
    nnlite_model_summary(m, text, sizeof text);
    printf("%stest accuracy %.3f\n", text, (double)accuracy);
done:
    if (s) fprintf(stderr, "%s %s\n", why, nnlite_model_last_error(m));
    nnlite_model_destroy(m);
    nnlite_tensor_destroy(x), nnlite_tensor_destroy(y);
    nnlite_tensor_destroy(xt), nnlite_tensor_destroy(yt);
    return s != NNLITE_OK;
}
