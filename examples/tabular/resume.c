/* tabular/resume: load a model saved by another process (here the one
 * classification.c saved, optimizer state and all), train it on, and save
 * it again: the run goes on exactly where it stopped.
 *   cc resume.c $(pkg-config --cflags --libs nnlite)
 *   ./resume iris.csv iris.nnl */
#include <nnlite/nnlite.h>
#include <stdio.h>

/* Stop at the first failure; `done` says why and frees everything. */
#define TRY(call) if ((s = (call)) != NNLITE_OK) goto done

int main(int argc, char **argv)
{
    const size_t species[1] = {4};
    char why[256] = "usage: resume data.csv model.nnl";
    nnlite_csv_options csv = NNLITE_CSV_OPTIONS_INIT;
    nnlite_load_options load = NNLITE_LOAD_OPTIONS_INIT;
    nnlite_fit_options fit = NNLITE_FIT_OPTIONS_INIT;
    nnlite_tensor *x = NULL, *y = NULL;
    nnlite_model *m = NULL;
    nnlite_status s = NNLITE_EINVAL;
    float before, after;
    csv.header = 1, csv.target_columns = species, csv.target_count = 1;
    csv.error = why, csv.error_size = sizeof why;
    load.error = why, load.error_size = sizeof why;
    if (argc != 3) goto done;
    TRY(nnlite_csv_read(&x, &y, argv[1], &csv));
    TRY(nnlite_model_load_advanced(&m, argv[2], &load));
    printf("loaded after %llu updates\n",
           nnlite_optimizer_step_count(nnlite_model_get_optimizer(m)));
    TRY(nnlite_model_evaluate(m, x, y, &before));
    fit.epochs = 20, fit.batch_size = 16;
    TRY(nnlite_model_fit(m, x, y, &fit, NULL, NULL));
    TRY(nnlite_model_evaluate(m, x, y, &after));
    printf("loss %.4f -> %.4f after %llu updates\n", (double)before,
           (double)after,
           nnlite_optimizer_step_count(nnlite_model_get_optimizer(m)));
    TRY(nnlite_model_save(m, argv[2]));
done:
    if (s) fprintf(stderr, "%s %s\n", why, nnlite_model_last_error(m));
    nnlite_model_destroy(m);
    nnlite_tensor_destroy(x), nnlite_tensor_destroy(y);
    return s != NNLITE_OK;
}
