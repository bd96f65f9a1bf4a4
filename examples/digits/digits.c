/*
 * digits: recognise handwritten digits, a classification task.
 *
 * Regression predicts a number; classification picks one class out of a
 * few. Here the input is an 8x8 image of a handwritten digit (64 pixel
 * counts 0..16) and the answer is one of ten classes, the digits 0..9.
 * Training follows the same three steps as any nnlite program:
 *
 *   1. A function with unknown parameters. The model maps 64 pixels to a
 *      hidden layer of 32 ReLUs, then to 10 scores ("logits"), one per
 *      digit. The weights and biases are the unknowns.
 *   2. A loss that says how bad a set of parameters is. Softmax turns the
 *      10 logits into probabilities; cross-entropy is -log(probability of
 *      the true digit), averaged over the batch. The loss takes logits and
 *      class indices (the digit as a float, shape [batch, 1]), so the
 *      model itself has no softmax layer.
 *   3. Optimization: Adam over shuffled mini-batches (nnlite_model_fit),
 *      one update per batch, for a number of epochs.
 *
 * Then we look at data the model never saw: the accuracy on a held-out
 * test set, which digits it confuses (a confusion matrix), a few predicted
 * probabilities, and one digit it got wrong, drawn in ASCII.
 *
 * Build out of tree, from this folder (digits_csv.c reads the data):
 *   cc -std=c11 *.c $(pkg-config --cflags --libs nnlite) -lm
 * Run: digits [--data FILE] [--epochs N] [--quick] [--min-accuracy A]
 */
#include <nnlite/nnlite.h>

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digits_csv.h"

/* Meson compiles in the absolute path of the shipped data set. */
#ifndef DIGITS_DEFAULT_DATA
#define DIGITS_DEFAULT_DATA "examples/data/digits.csv"
#endif
/* Tried when the compiled-in path is gone (e.g. the source tree moved). */
#define DIGITS_FALLBACK_DATA "examples/data/digits.csv"

enum {
    IMAGE_SIDE = 8,
    PIXELS = DIGITS_PIXELS, /* IMAGE_SIDE * IMAGE_SIDE */
    CLASSES = DIGITS_CLASSES,
    MIN_ROWS = 10,        /* enough for a train, validation and test row */
    HIDDEN = 32,
    BATCH_SIZE = 32,
    SAMPLES_SHOWN = 4     /* test samples whose probabilities we print */
};

#define FULL_EPOCHS 40
#define QUICK_EPOCHS 12
#define LEARNING_RATE 0.005f
/* Fixed seeds: every run splits, initialises and shuffles identically. */
#define SPLIT_SEED UINT64_C(2021)
#define MODEL_SEED UINT64_C(42)

typedef struct options {
    const char *data_path; /* NULL: the shipped file */
    const char *save_path; /* where the trained model is saved */
    size_t epochs;
    double min_accuracy;   /* fail below this test accuracy; 0: never */
} options;

/* Consecutive rows of the data set, seen as tensors (no copy). */
typedef struct data_part {
    size_t rows;
    nnlite_tensor *x;      /* [rows, PIXELS] */
    nnlite_tensor *target; /* [rows, 1] */
} data_part;

/* ---- Reporting ---------------------------------------------------------- */

/*
 * Returns 1 for NNLITE_OK; otherwise says what failed, with the model's
 * own explanation when there is one, and returns 0.
 */
static int ok(nnlite_status status, const nnlite_model *model,
              const char *what)
{
    const char *detail = nnlite_model_last_error(model);

    if (status == NNLITE_OK)
        return 1;
    fprintf(stderr, "digits: %s: %s%s%s\n", what,
            nnlite_status_string(status), detail[0] ? ": " : "", detail);
    return 0;
}

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
            "  --epochs N        passes over the training data (default"
            " %d)\n"
            "  --quick           %d epochs, for tests\n"
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

/* Later options win: "--quick --epochs 5" trains for 5 epochs. */
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

/* ---- Reading the CSV (digits_csv.c) ----------------------------------- */

/* The shipped file: the compiled-in path, or the fallback when it is gone. */
static const char *shipped_data(void)
{
    FILE *probe = fopen(DIGITS_DEFAULT_DATA, "rb");

    if (probe == NULL)
        return DIGITS_FALLBACK_DATA;
    fclose(probe);
    return DIGITS_DEFAULT_DATA;
}

/* Read --data, or the shipped file; a malformed file is an error. */
static int load_digits(const char *requested, digits_data *data)
{
    const char *path = requested ? requested : shipped_data();
    char error[256];

    if (digits_csv_read(data, path, error, sizeof error) != 0) {
        fprintf(stderr, "%s\n", error);
        return 0;
    }
    if (data->rows < MIN_ROWS) {
        fprintf(stderr, "%s: %zu samples, need at least %d\n", path,
                data->rows, MIN_ROWS);
        return 0;
    }
    fprintf(stderr, "read %zu digits from %s\n", data->rows, path);
    return 1;
}

/* ---- A fixed, deterministic train / validation / test split ------------ */

/* SplitMix64: a tiny PRNG of our own, so the split is the same anywhere. */
static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));

    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static void swap_rows(digits_data *data, size_t a, size_t b)
{
    float pixels[PIXELS];
    float label = data->labels[a];

    memcpy(pixels, data->pixels + a * PIXELS, sizeof pixels);
    memcpy(data->pixels + a * PIXELS, data->pixels + b * PIXELS,
           sizeof pixels);
    memcpy(data->pixels + b * PIXELS, pixels, sizeof pixels);
    data->labels[a] = data->labels[b];
    data->labels[b] = label;
}

/*
 * Fisher-Yates shuffle of the rows. The file is sorted by nothing in
 * particular, but shuffling makes each part a fair sample of all writers.
 * (The modulo bias is below 1e-15 for a few thousand rows.)
 */
static void shuffle_rows(digits_data *data, uint64_t seed)
{
    for (size_t i = data->rows; i > 1; i--) {
        size_t j = (size_t)(splitmix64(&seed) % (uint64_t)i);

        swap_rows(data, i - 1, j);
    }
}

static int wrap_part(digits_data *data, size_t first, size_t rows,
                     data_part *part)
{
    part->rows = rows;
    return ok(nnlite_tensor_wrap2d(&part->x, data->pixels + first * PIXELS,
                                   rows, PIXELS),
              NULL, "wrapping the pixels") &&
           ok(nnlite_tensor_wrap2d(&part->target, data->labels + first,
                                   rows, 1),
              NULL, "wrapping the labels");
}

static void destroy_part(data_part *part)
{
    nnlite_tensor_destroy(part->x);
    nnlite_tensor_destroy(part->target);
    part->x = part->target = NULL;
}

/*
 * 20 % test (looked at once, at the end), 10 % validation (watched during
 * training to see over-fitting), the remaining 70 % for training.
 */
static int split(digits_data *data, data_part *train_part,
                 data_part *validation, data_part *test)
{
    size_t test_rows = data->rows / 5;
    size_t validation_rows = data->rows / 10;
    size_t train_rows = data->rows - test_rows - validation_rows;

    shuffle_rows(data, SPLIT_SEED);
    fprintf(stderr, "split: %zu train, %zu validation, %zu test\n",
            train_rows, validation_rows, test_rows);
    return wrap_part(data, 0, test_rows, test) &&
           wrap_part(data, test_rows, validation_rows, validation) &&
           wrap_part(data, test_rows + validation_rows, train_rows,
                     train_part);
}

/* ---- Step 1 and 2: the function with unknowns, and the loss ------------ */

static int build_model(nnlite_model **out)
{
    nnlite_model *model = NULL;
    nnlite_layer *layer = NULL;
    nnlite_loss *loss = NULL;
    nnlite_optimizer *optimizer = NULL;
    nnlite_optimizer_options adam = NNLITE_ADAM_OPTIONS_INIT;

    adam.learning_rate = LEARNING_RATE;
    *out = NULL;
    if (!ok(nnlite_model_create(&model, PIXELS, MODEL_SEED), NULL,
            "creating the model"))
        return 0;
    /* The model takes ownership of what it is given, even on failure. */
    if (!ok(nnlite_dense_create(&layer, PIXELS, HIDDEN), NULL,
            "creating the hidden layer") ||
        !ok(nnlite_model_add(model, layer), model, "adding a layer") ||
        !ok(nnlite_relu_create(&layer), NULL, "creating the ReLU") ||
        !ok(nnlite_model_add(model, layer), model, "adding a layer") ||
        !ok(nnlite_dense_create(&layer, HIDDEN, CLASSES), NULL,
            "creating the output layer") ||
        !ok(nnlite_model_add(model, layer), model, "adding a layer") ||
        !ok(nnlite_loss_cross_entropy_create(&loss), NULL,
            "creating the loss") ||
        !ok(nnlite_model_set_loss(model, loss), model, "setting the loss") ||
        !ok(nnlite_optimizer_create(&optimizer, &adam), NULL,
            "creating the optimizer") ||
        !ok(nnlite_model_set_optimizer(model, optimizer), model,
            "setting the optimizer")) {
        nnlite_model_destroy(model);
        return 0;
    }
    *out = model;
    return 1;
}

/* ---- Step 3: optimization ---------------------------------------------- */

static int print_epoch(const nnlite_epoch_stats *stats, void *user)
{
    const size_t *epochs = user;

    fprintf(stderr, "epoch %3zu/%zu  train loss %.4f  validation loss %.4f\n",
            stats->epoch, *epochs, (double)stats->train_loss,
            (double)stats->validation_loss);
    return 0; /* keep going; non-zero would stop early */
}

static int train(nnlite_model *model, const data_part *train_part,
                 const data_part *validation, size_t epochs)
{
    nnlite_fit_options fit = NNLITE_FIT_OPTIONS_INIT;

    fit.epochs = epochs;
    fit.batch_size = BATCH_SIZE;
    fit.validation_x = validation->x;
    fit.validation_target = validation->target;
    return ok(nnlite_model_fit(model, train_part->x, train_part->target,
                               &fit, print_epoch, &epochs),
              model, "training");
}

/* ---- Looking at the test set ------------------------------------------- */

static size_t argmax(const float *values, size_t count)
{
    size_t best = 0;

    for (size_t i = 1; i < count; i++)
        if (values[i] > values[best])
            best = i;
    return best;
}

static void print_confusion(size_t confusion[CLASSES][CLASSES])
{
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

static void print_probabilities(const float *probabilities,
                                const float *labels, size_t rows)
{
    size_t shown = rows < SAMPLES_SHOWN ? rows : SAMPLES_SHOWN;

    printf("probabilities of the first %zu test digits:\n", shown);
    printf("           ");
    for (int digit = 0; digit < CLASSES; digit++)
        printf("%5d", digit);
    printf("\n");
    for (size_t row = 0; row < shown; row++) {
        const float *p = probabilities + row * CLASSES;

        printf("  true %d:  ", (int)labels[row]);
        for (int digit = 0; digit < CLASSES; digit++)
            printf("%5.2f", (double)p[digit]);
        printf("  -> %zu\n", argmax(p, CLASSES));
    }
}

/* Draw the 8x8 image, two characters per pixel so it looks square. */
static void print_image(const float *pixels)
{
    static const char ramp[] = " .:-=+*#%@";

    for (int y = 0; y < IMAGE_SIDE; y++) {
        printf("  |");
        for (int x = 0; x < IMAGE_SIDE; x++) {
            float ink = pixels[y * IMAGE_SIDE + x];
            char c = ramp[(size_t)(ink * (float)(sizeof ramp - 2) + 0.5f)];

            printf("%c%c", c, c);
        }
        printf("|\n");
    }
}

static void print_first_mistake(const float *pixels, const float *labels,
                                const float *probabilities, size_t rows)
{
    for (size_t row = 0; row < rows; row++) {
        const float *p = probabilities + row * CLASSES;
        size_t predicted = argmax(p, CLASSES);

        if (predicted == (size_t)labels[row])
            continue;
        printf("test digit %zu, which the model got wrong: true %d,"
               " predicted %zu (p = %.2f; p(%d) = %.2f)\n",
               row, (int)labels[row], predicted, (double)p[predicted],
               (int)labels[row], (double)p[(size_t)labels[row]]);
        print_image(pixels + row * PIXELS);
        return;
    }
    printf("the model got every test digit right\n");
}

/* Predict the test set; print what we learn. Sets *accuracy. */
/*
 * Save the trained model, with the one fact a program needs to use it
 * again (pixels were divided by 16), then load it back in its place: from
 * here on the program works with the copy from the file, exactly as a
 * separate program that only loads the model would.
 */
static int save_and_reload(nnlite_model **model, const char *path)
{
    const float pixel_max[1] = {16.0f};
    const float *stored;
    size_t count;
    nnlite_model *loaded = NULL;

    if (!ok(nnlite_model_set_metadata(*model, "pixel_max", pixel_max, 1),
            *model, "attaching metadata") ||
        !ok(nnlite_model_save(*model, path), *model, "saving the model"))
        return 0;
    /* Loading has no model to keep a message in: give it a buffer. */
    char why[256] = "";
    nnlite_load_options load = NNLITE_LOAD_OPTIONS_INIT;
    load.error = why;
    load.error_size = sizeof(why);
    if (nnlite_model_load_advanced(&loaded, path, &load) != NNLITE_OK) {
        fprintf(stderr, "digits: loading the model: %s\n", why);
        return 0;
    }
    if (nnlite_model_get_metadata(loaded, "pixel_max", &stored, &count) !=
            NNLITE_OK ||
        count != 1) {
        fprintf(stderr, "digits: %s lost its metadata\n", path);
        nnlite_model_destroy(loaded);
        return 0;
    }
    printf("saved the model to %s and loaded it back (%zu parameters, "
           "pixels scaled by 1/%g)\n",
           path, nnlite_model_param_count(loaded), (double)stored[0]);
    nnlite_model_destroy(*model);
    *model = loaded;
    return 1;
}

static int test_model(nnlite_model *model, const data_part *test,
                      double *accuracy)
{
    size_t confusion[CLASSES][CLASSES] = {{0}};
    const float *pixels = nnlite_tensor_const_data(test->x);
    const float *labels = nnlite_tensor_const_data(test->target);
    nnlite_tensor *probs = NULL;
    const float *p;
    size_t correct = 0;

    if (!ok(nnlite_tensor_create2d(&probs, test->rows, CLASSES), NULL,
            "creating the output tensor") ||
        !ok(nnlite_model_predict_probabilities(model, test->x, probs), model,
            "predicting the test set")) {
        nnlite_tensor_destroy(probs);
        return 0;
    }
    p = nnlite_tensor_const_data(probs);
    for (size_t row = 0; row < test->rows; row++) {
        size_t truth = (size_t)labels[row];
        size_t predicted = argmax(p + row * CLASSES, CLASSES);

        confusion[truth][predicted]++;
        correct += predicted == truth;
    }
    *accuracy = (double)correct / (double)test->rows;
    printf("test accuracy: %.3f\n", *accuracy);
    print_confusion(confusion);
    print_probabilities(p, labels, test->rows);
    print_first_mistake(pixels, labels, p, test->rows);
    nnlite_tensor_destroy(probs);
    return 1;
}

int main(int argc, char **argv)
{
    options opts;
    digits_data data = {NULL, NULL, 0, 0};
    data_part train_part = {0, NULL, NULL};
    data_part validation = {0, NULL, NULL};
    data_part test = {0, NULL, NULL};
    nnlite_model *model = NULL;
    double accuracy = 0.0;
    int exit_code = EXIT_FAILURE;

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
    if (!load_digits(opts.data_path, &data) ||
        !split(&data, &train_part, &validation, &test) ||
        !build_model(&model) ||
        !train(model, &train_part, &validation, opts.epochs))
        goto done;
    /* The test below checks the copy read back from the file. */
    if (!save_and_reload(&model, opts.save_path) ||
        !test_model(model, &test, &accuracy))
        goto done;
    if (accuracy < opts.min_accuracy) {
        fprintf(stderr, "digits: test accuracy %.3f is below %.3f\n",
                accuracy, opts.min_accuracy);
        goto done;
    }
    exit_code = EXIT_SUCCESS;
done:
    nnlite_model_destroy(model);
    destroy_part(&train_part);
    destroy_part(&validation);
    destroy_part(&test);
    digits_data_free(&data);
    return exit_code;
}
