/* W3 in FANN, for bench/compare.py: 7 -> 3 sigmoid -> 1 linear,
 * incremental (per-sample) training, learning rate 1e-3, 10,000 samples
 * x 20 epochs after one untimed warm-up epoch. Prints
 * "W3 samples_per_s <median>" over the repetitions. */
#define _POSIX_C_SOURCE 200809L
#include <fann.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { ROWS = 10000, IN = 7, EPOCHS = 20 };

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int compare(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    const int reps = argc > 1 ? atoi(argv[1]) : 5;
    double results[100];
    unsigned long long s = 12345;
    struct fann_train_data *data = fann_create_train(ROWS, IN, 1);
    if (data == NULL || reps < 1 || reps > 100) {
        return 1;
    }
    for (unsigned r = 0; r < ROWS; r++) {
        double sum = 0.0;
        for (unsigned i = 0; i < IN; i++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            const float v = (float)(s >> 40) / 8388608.0f - 1.0f;
            data->input[r][i] = v;
            sum += (double)v * (double)(i + 1) / IN;
        }
        data->output[r][0] = (float)sum;
    }
    for (int rep = 0; rep < reps; rep++) {
        struct fann *ann = fann_create_standard(3, IN, 3, 1);
        fann_set_activation_function_hidden(ann, FANN_SIGMOID);
        fann_set_activation_function_output(ann, FANN_LINEAR);
        fann_set_training_algorithm(ann, FANN_TRAIN_INCREMENTAL);
        fann_set_learning_rate(ann, 1e-3f);
        fann_randomize_weights(ann, -0.5f, 0.5f);
        fann_train_epoch(ann, data); /* warm-up */
        const double t0 = now();
        for (int e = 0; e < EPOCHS; e++) {
            fann_train_epoch(ann, data);
        }
        results[rep] = (double)ROWS * EPOCHS / (now() - t0);
        fann_destroy(ann);
    }
    qsort(results, (size_t)reps, sizeof(double), compare);
    printf("W3 samples_per_s %.1f\n", results[reps / 2]);
    fann_destroy_train(data);
    return 0;
}
