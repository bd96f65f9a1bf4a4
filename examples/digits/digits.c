/*
 * digits: recognise handwritten digits, a classification task.
 *
 * Regression predicts a number; classification picks one class out of a
 * few. Here the input is an 8x8 image of a handwritten digit (64 pixel
 * counts 0..16) and the answer is one of ten classes, the digits 0..9.
 * The program reads the data, checks it, splits it, then trains in the
 * same three steps as any nnlite program:
 *
 *   1. A function with unknown parameters. The model standardizes the 64
 *      pixels (a layer fitted to the non-test rows, saved with the model),
 *      maps them to a hidden layer of 32 ReLUs, then to 10 scores
 *      ("logits"), one per digit. The weights and biases are the unknowns.
 *   2. A loss that says how bad a set of parameters is. Softmax turns the
 *      10 logits into probabilities; cross-entropy is -log(probability of
 *      the true digit), averaged over the batch. The loss takes logits and
 *      class indices (the digit as a float, shape [rows, 1]), so the
 *      model itself has no softmax layer.
 *   3. Optimization: Adam over shuffled mini-batches (nnlite_model_fit),
 *      one update per batch. A part of the training rows is held out to
 *      validate: training stops once the validation loss has not improved
 *      for a few epochs, and the best epoch's parameters are put back.
 *
 * Then we look at data the model never saw: the accuracy on a held-out
 * test set, which digits it confuses (a confusion matrix), a few predicted
 * probabilities, and one digit it got wrong, drawn in ASCII. The model is
 * saved and loaded back, and the copy must score the same.
 *
 * One file. Build out of tree, from the repository's top folder:
 *   cc -std=c11 -o digits examples/digits/digits.c \
 *      $(pkg-config --cflags --libs nnlite)
 * Run: digits [--data FILE] [--epochs N] [--quick] [--min-accuracy A]
 *             [--save FILE]
 */
#include <nnlite/nnlite.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Meson compiles in the absolute path of the shipped data set. */
#ifndef DIGITS_DEFAULT_DATA
#define DIGITS_DEFAULT_DATA "examples/data/digits.csv"
#endif
/* Tried when the compiled-in path is gone (e.g. the source tree moved). */
#define DIGITS_FALLBACK_DATA "examples/data/digits.csv"

enum {
    SIDE = 8,         /* an 8x8 image */
    PIXELS = 64,      /* SIDE * SIDE; the CSV's columns 0..63 */
    PIXEL_MAX = 16,   /* pixel counts are 0..16 */
    CLASSES = 10,     /* the digits 0..9, in column 64 */
    MIN_ROWS = 10,    /* enough for a train, validation and test row */
    HIDDEN = 32,
    BATCH_SIZE = 32,
    PATIENCE = 5,     /* epochs without a better validation loss */
    SAMPLES_SHOWN = 4 /* test digits whose probabilities we print */
};

#define FULL_EPOCHS 40
#define QUICK_EPOCHS 12
#define LEARNING_RATE 0.005f
/* 20 % of the rows test (looked at once, at the end); of the other 80 %,
 * the last eighth (10 % of all rows) validates, the rest trains. */
#define TEST_FRACTION 0.2f
#define VALIDATION_SPLIT 0.125f
/* Fixed seeds: every run splits, initialises and shuffles identically. */
#define SPLIT_SEED 2021
#define MODEL_SEED 42

/* Stop at the first failure; `done` says why and frees everything. */
#define TRY(call) if ((s = (call)) != NNLITE_OK) goto done
/* Make a layer in l and add it to the model m. */
#define ADD(make) TRY(make); TRY(nnlite_model_add(m, l))

typedef struct options {
    const char *data_path; /* NULL: the shipped file */
    const char *save_path; /* where the trained model is saved */
    size_t epochs;         /* at most; early stopping may end sooner */
    double min_accuracy;   /* fail below this test accuracy; 0: never */
} options;

/* ---- Command line ------------------------------------------------------- */

static void print_usage(FILE *to)
{
    fprintf(to,
            "usage: digits [--data FILE] [--epochs N] [--quick]"
            " [--min-accuracy A] [--save FILE]\n"
            "Train a 64-32-10 network to recognise handwritten digits.\n"
            "  --data FILE       CSV: 64 pixels 0..16, then the digit"
            " (default:\n"
            "                    %s)\n"
            "  --epochs N        at most N passes over the training data"
            " (default %d)\n"
            "  --quick           at most %d epochs, for tests\n"
            "  --min-accuracy A  exit non-zero when the test accuracy is"
            " below A\n"
            "  --save FILE       where to save the trained model (default"
            " digits.nnl)\n"
            "  --help            show this text\n",
            DIGITS_DEFAULT_DATA, FULL_EPOCHS, QUICK_EPOCHS);
}

static int parse_size(const char *text, size_t *out)
{
    char *end;
    unsigned long value;

    if (!isdigit((unsigned char)text[0]))
        return 0;
    errno = 0;
    value = strtoul(text, &end, 10);
    if (errno != 0 || *end != '\0' || value == 0)
        return 0;
    *out = (size_t)value;
    return 1;
}

static int parse_fraction(const char *text, double *out)
{
    char *end;
    double value;

    errno = 0;
    value = strtod(text, &end);
    if (errno != 0 || end == text || *end != '\0' || !(value >= 0.0) ||
        value > 1.0)
        return 0;
    *out = value;
    return 1;
}

/* Options that take a value: --data FILE and friends. */
static int takes_value(const char *name)
{
    return strcmp(name, "--data") == 0 || strcmp(name, "--epochs") == 0 ||
           strcmp(name, "--min-accuracy") == 0 ||
           strcmp(name, "--save") == 0;
}

static int set_option(options *opts, const char *name, const char *value)
{
    if (strcmp(name, "--data") == 0) {
        opts->data_path = value;
        return 1;
    }
    if (strcmp(name, "--save") == 0) {
        opts->save_path = value;
        return 1;
    }
    if (strcmp(name, "--epochs") == 0)
        return parse_size(value, &opts->epochs);
    return parse_fraction(value, &opts->min_accuracy);
}

enum parse_result { PARSE_RUN, PARSE_HELP, PARSE_ERROR };

/* Later options win: "--quick --epochs 5" trains for at most 5 epochs. */
static enum parse_result parse_options(int argc, char **argv, options *opts)
{
    opts->data_path = NULL;
    opts->save_path = "digits.nnl";
    opts->epochs = FULL_EPOCHS;
    opts->min_accuracy = 0.0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];

        if (strcmp(arg, "--help") == 0)
            return PARSE_HELP;
        if (strcmp(arg, "--quick") == 0) {
            opts->epochs = QUICK_EPOCHS;
        } else if (!takes_value(arg)) {
            fprintf(stderr, "digits: unknown option %s\n", arg);
            return PARSE_ERROR;
        } else if (i + 1 == argc) {
            fprintf(stderr, "digits: %s needs a value\n", arg);
            return PARSE_ERROR;
        } else if (!set_option(opts, arg, argv[++i])) {
            fprintf(stderr, "digits: bad value for %s: %s\n", arg, argv[i]);
            return PARSE_ERROR;
        }
    }
    return PARSE_RUN;
}

/* ---- Reading and checking the data ------------------------------------- */

/* The shipped file: the compiled-in path, or the fallback when it is gone. */
static const char *shipped_data(void)
{
    FILE *probe = fopen(DIGITS_DEFAULT_DATA, "rb");

    if (probe == NULL)
        return DIGITS_FALLBACK_DATA;
    fclose(probe);
    return DIGITS_DEFAULT_DATA;
}

/* 1 when v is one of the whole numbers 0..max. */
static int whole_in_range(float v, int max)
{
    return v >= 0.0f && v <= (float)max && v == (float)(int)v;
}

/*
 * What the generic CSV reader cannot know about this file: there are 64
 * pixels, each a whole count 0..16, and the digit is a whole number 0..9.
 * The reader already refused anything that is not a number and rows of
 * other lengths. Without a header, row r is the file's line r.
 */
static nnlite_status check_digits(const nnlite_tensor *x,
                                  const nnlite_tensor *y, const char *path,
                                  char *why, size_t size)
{
    const float *pixels = nnlite_tensor_const_data(x);
    const float *digits = nnlite_tensor_const_data(y);
    size_t rows = nnlite_tensor_dim(x, 0);

    if (nnlite_tensor_dim(x, 1) != PIXELS) {
        snprintf(why, size, "%s: %zu columns, expected %d pixels and the"
                 " digit", path, nnlite_tensor_dim(x, 1) + 1, PIXELS);
        return NNLITE_EFORMAT;
    }
    for (size_t row = 0; row < rows; row++) {
        for (size_t col = 0; col < PIXELS; col++) {
            float v = pixels[row * PIXELS + col];

            if (!whole_in_range(v, PIXEL_MAX)) {
                snprintf(why, size, "%s: row %zu, column %zu: pixel %g is"
                         " not a whole number 0..%d", path, row + 1,
                         col + 1, (double)v, PIXEL_MAX);
                return NNLITE_EFORMAT;
            }
        }
        if (!whole_in_range(digits[row], CLASSES - 1)) {
            snprintf(why, size, "%s: row %zu, column %d: digit %g is not"
                     " a whole number 0..%d", path, row + 1, PIXELS + 1,
                     (double)digits[row], CLASSES - 1);
            return NNLITE_EFORMAT;
        }
    }
    if (rows < MIN_ROWS) {
        snprintf(why, size, "%s: %zu digits, need at least %d", path, rows,
                 MIN_ROWS);
        return NNLITE_EFORMAT;
    }
    return NNLITE_OK;
}

/*
 * Read the CSV (no header; column 64, the digit, is the target) into x
 * [rows, 64] and y [rows, 1], then check it. On failure `why` says what
 * and where, and nothing is left allocated.
 */
static nnlite_status read_digits(nnlite_tensor **x, nnlite_tensor **y,
                                 const char *path, char *why, size_t size)
{
    const size_t digit_column[1] = {PIXELS};
    nnlite_csv_options csv = NNLITE_CSV_OPTIONS_INIT;
    nnlite_status s;

    csv.target_columns = digit_column, csv.target_count = 1;
    csv.error = why, csv.error_size = size;
    TRY(nnlite_csv_read(x, y, path, &csv));
    TRY(check_digits(*x, *y, path, why, size));
    fprintf(stderr, "read %zu digits from %s\n", nnlite_tensor_dim(*x, 0),
            path);
done:
    if (s != NNLITE_OK) {
        nnlite_tensor_destroy(*x), nnlite_tensor_destroy(*y);
        *x = *y = NULL;
    }
    return s;
}

/* ---- Step 1 and 2: the function with unknowns, and the loss ------------ */

/* The scaling is fitted to x_train (the rows fit() will hold out to
 * validate included, the test rows never) and travels with the model, so
 * the saved model takes raw pixel counts. On failure the model's message
 * goes to `why` (the model is gone by then). */
static nnlite_status build_model(nnlite_model **out,
                                 const nnlite_tensor *x_train, char *why,
                                 size_t size)
{
    nnlite_model *m = NULL;
    nnlite_layer *l; /* each new layer, until the model takes it */
    nnlite_loss *loss;
    nnlite_optimizer *adam;
    nnlite_status s;

    *out = NULL;
    TRY(nnlite_model_create(&m, PIXELS, MODEL_SEED));
    /* The model takes ownership of what it is given, even on failure. */
    ADD(nnlite_standardize_create_fitted(&l, x_train));
    ADD(nnlite_dense_create(&l, PIXELS, HIDDEN));
    ADD(nnlite_relu_create(&l));
    ADD(nnlite_dense_create(&l, HIDDEN, CLASSES)); /* a logit per digit */
    TRY(nnlite_loss_cross_entropy_create(&loss));
    TRY(nnlite_model_set_loss(m, loss));
    TRY(nnlite_adam_create(&adam, LEARNING_RATE, 0.9f, 0.999f, 1e-8f));
    TRY(nnlite_model_set_optimizer(m, adam));
    *out = m, m = NULL;
done:
    if (s != NNLITE_OK)
        snprintf(why, size, "%s", nnlite_model_last_error(m));
    nnlite_model_destroy(m);
    return s;
}

/* ---- Step 3: optimization ---------------------------------------------- */

/* After every epoch: the two losses; a star marks a new best epoch. */
static int print_epoch(const nnlite_epoch_stats *stats, void *user)
{
    (void)user;
    fprintf(stderr, "epoch %3zu/%zu  train loss %.4f  validation loss"
            " %.4f%s\n", stats->epoch, stats->epochs,
            (double)stats->train_loss, (double)stats->validation_loss,
            stats->best_epoch == stats->epoch ? " *" : "");
    return 0; /* keep going; non-zero would stop early */
}

static nnlite_status train(nnlite_model *m, const nnlite_tensor *x_train,
                           const nnlite_tensor *y_train, size_t epochs)
{
    nnlite_fit_options fit = NNLITE_FIT_OPTIONS_INIT;
    nnlite_fit_result result = NNLITE_FIT_RESULT_INIT;
    nnlite_status s;

    fit.epochs = epochs, fit.batch_size = BATCH_SIZE;
    fit.validation_split = VALIDATION_SPLIT; /* the last rows validate */
    fit.patience = PATIENCE, fit.restore_best = 1, fit.result = &result;
    s = nnlite_model_fit(m, x_train, y_train, &fit, print_epoch, NULL);
    if (s == NNLITE_OK)
        fprintf(stderr, "%s after %zu epochs; kept epoch %zu (validation"
                " loss %.4f)\n", result.stop == NNLITE_FIT_EARLY_STOPPED
                ? "stopped early" : "finished", result.epochs_run,
                result.best_epoch, (double)result.best_validation_loss);
    return s;
}

/* ---- Looking at the test set ------------------------------------------- */

/* The first largest value, as the accuracy metric picks it. */
static size_t argmax(const float *values, size_t count)
{
    size_t best = 0;

    for (size_t i = 1; i < count; i++)
        if (values[i] > values[best])
            best = i;
    return best;
}

static void print_confusion(const float *probs, const float *digits,
                            size_t rows)
{
    size_t confusion[CLASSES][CLASSES] = {{0}};

    for (size_t row = 0; row < rows; row++)
        confusion[(size_t)digits[row]]
                 [argmax(probs + row * CLASSES, CLASSES)]++;
    printf("confusion matrix (rows: true digit, columns: predicted)\n");
    printf("     ");
    for (int predicted = 0; predicted < CLASSES; predicted++)
        printf("%5d", predicted);
    printf("\n");
    for (int truth = 0; truth < CLASSES; truth++) {
        printf("%4d:", truth);
        for (int predicted = 0; predicted < CLASSES; predicted++)
            printf("%5zu", confusion[truth][predicted]);
        printf("\n");
    }
}

static void print_probabilities(const float *probs, const float *digits,
                                size_t rows)
{
    size_t shown = rows < SAMPLES_SHOWN ? rows : SAMPLES_SHOWN;

    printf("probabilities of the first %zu test digits:\n", shown);
    printf("           ");
    for (int digit = 0; digit < CLASSES; digit++)
        printf("%5d", digit);
    printf("\n");
    for (size_t row = 0; row < shown; row++) {
        const float *p = probs + row * CLASSES;

        printf("  true %d:  ", (int)digits[row]);
        for (int digit = 0; digit < CLASSES; digit++)
            printf("%5.2f", (double)p[digit]);
        printf("  -> %zu\n", argmax(p, CLASSES));
    }
}

/* Draw the 8x8 image, two characters per pixel so it looks square. */
static void print_image(const float *pixels)
{
    static const char ramp[] = " .:-=+*#%@";

    for (int y = 0; y < SIDE; y++) {
        printf("  |");
        for (int x = 0; x < SIDE; x++) {
            float ink = pixels[y * SIDE + x] / (float)PIXEL_MAX;
            char c = ramp[(size_t)(ink * (float)(sizeof ramp - 2) + 0.5f)];

            printf("%c%c", c, c);
        }
        printf("|\n");
    }
}

static void print_first_mistake(const float *pixels, const float *probs,
                                const float *digits, size_t rows)
{
    for (size_t row = 0; row < rows; row++) {
        const float *p = probs + row * CLASSES;
        size_t truth = (size_t)digits[row];
        size_t predicted = argmax(p, CLASSES);

        if (predicted == truth)
            continue;
        printf("test digit %zu, which the model got wrong: true %zu,"
               " predicted %zu (p = %.2f; p(%zu) = %.2f)\n", row, truth,
               predicted, (double)p[predicted], truth, (double)p[truth]);
        print_image(pixels + row * PIXELS);
        return;
    }
    printf("the model got every test digit right\n");
}

/* Which digits the model confuses, how sure it is, one it got wrong. */
static nnlite_status look_at_test_set(nnlite_model *m,
                                      const nnlite_tensor *x_test,
                                      const nnlite_tensor *y_test)
{
    size_t rows = nnlite_tensor_dim(x_test, 0);
    const float *pixels = nnlite_tensor_const_data(x_test);
    const float *digits = nnlite_tensor_const_data(y_test);
    nnlite_tensor *probs = NULL; /* [rows, CLASSES], softmax of logits */
    const float *p;
    nnlite_status s;

    TRY(nnlite_tensor_create2d(&probs, rows, CLASSES));
    TRY(nnlite_model_predict_probabilities(m, x_test, probs));
    p = nnlite_tensor_const_data(probs);
    print_confusion(p, digits, rows);
    print_probabilities(p, digits, rows);
    print_first_mistake(pixels, p, digits, rows);
done:
    nnlite_tensor_destroy(probs);
    return s;
}

/*
 * Save the trained model and load it back, as a separate program that only
 * loads it would; the copy must give exactly the same test accuracy (the
 * file holds every parameter bit for bit, and the standardize layer's
 * means and deviations). From here on the program works with the copy.
 */
static nnlite_status save_and_reload(nnlite_model **m, const char *path,
                                     const nnlite_tensor *x_test,
                                     const nnlite_tensor *y_test,
                                     float accuracy, char *why, size_t size)
{
    nnlite_load_options load = NNLITE_LOAD_OPTIONS_INIT;
    nnlite_model *copy = NULL;
    float again;
    nnlite_status s;

    load.error = why, load.error_size = size;
    TRY(nnlite_model_save(*m, path));
    TRY(nnlite_model_load_advanced(&copy, path, &load));
    if ((s = nnlite_model_evaluate_metric(copy, NNLITE_METRIC_ACCURACY,
                                          x_test, y_test, &again)) !=
        NNLITE_OK) {
        snprintf(why, size, "the loaded model: %s",
                 nnlite_model_last_error(copy));
        goto done;
    }
    if (again != accuracy) {
        snprintf(why, size, "%s: the loaded model's test accuracy %.4f"
                 " is not the trained model's %.4f", path, (double)again,
                 (double)accuracy);
        s = NNLITE_EFORMAT;
        goto done;
    }
    printf("saved the model to %s and loaded it back: %zu parameters,"
           " test accuracy %.3f again\n", path,
           nnlite_model_param_count(copy), (double)again);
    nnlite_model_destroy(*m);
    *m = copy, copy = NULL;
done:
    nnlite_model_destroy(copy);
    return s;
}

/* Say why the program stops: the message the failed call left in `why`
 * or in the model, else the status's own text. */
static void report(nnlite_status s, const char *why, const nnlite_model *m)
{
    const char *detail = why[0] ? why : nnlite_model_last_error(m);

    fprintf(stderr, "digits: %s\n", detail[0] ? detail
                                               : nnlite_status_string(s));
}

int main(int argc, char **argv)
{
    options opts;
    char why[256] = ""; /* a message from the reader, loader or a check */
    nnlite_tensor *x = NULL, *y = NULL; /* the whole file */
    nnlite_tensor *x_train = NULL, *y_train = NULL;
    nnlite_tensor *x_test = NULL, *y_test = NULL;
    nnlite_model *m = NULL;
    nnlite_status s = NNLITE_OK;
    float accuracy = 0.0f;
    int passed = 0; /* set once everything worked */

    switch (parse_options(argc, argv, &opts)) {
    case PARSE_HELP:
        print_usage(stdout);
        return EXIT_SUCCESS;
    case PARSE_ERROR:
        print_usage(stderr);
        return EXIT_FAILURE;
    case PARSE_RUN:
        break;
    }
    TRY(read_digits(&x, &y, opts.data_path ? opts.data_path
                                            : shipped_data(),
                    why, sizeof why));
    /* Shuffled, so each part is a fair sample of all writers. */
    TRY(nnlite_data_split(&x_train, &y_train, &x_test, &y_test, x, y,
                          TEST_FRACTION, 1, SPLIT_SEED));
    fprintf(stderr, "split: %zu to train and validate, %zu to test\n",
            nnlite_tensor_dim(x_train, 0), nnlite_tensor_dim(x_test, 0));
    TRY(build_model(&m, x_train, why, sizeof why));
    TRY(train(m, x_train, y_train, opts.epochs));
    TRY(nnlite_model_evaluate_metric(m, NNLITE_METRIC_ACCURACY, x_test,
                                     y_test, &accuracy));
    printf("test accuracy: %.3f\n", (double)accuracy);
    TRY(save_and_reload(&m, opts.save_path, x_test, y_test, accuracy, why,
                        sizeof why));
    TRY(look_at_test_set(m, x_test, y_test));
    passed = (double)accuracy >= opts.min_accuracy;
    if (!passed)
        fprintf(stderr, "digits: test accuracy %.3f is below %.3f\n",
                (double)accuracy, opts.min_accuracy);
done:
    if (s != NNLITE_OK)
        report(s, why, m);
    nnlite_model_destroy(m);
    nnlite_tensor_destroy(x), nnlite_tensor_destroy(y);
    nnlite_tensor_destroy(x_train), nnlite_tensor_destroy(y_train);
    nnlite_tensor_destroy(x_test), nnlite_tensor_destroy(y_test);
    return passed ? EXIT_SUCCESS : EXIT_FAILURE;
}
