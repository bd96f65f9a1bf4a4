/* Writes the golden model files of tests/test_golden.c: one model per
 * optimizer (SGD, SGD with momentum, Adam), every layer kind, metadata,
 * trained a few steps so the optimizer state is not zero. Beside each
 * NAME.nnl goes NAME.expect: the parameters, the optimizer state and the
 * metadata as IEEE 754 bit patterns in hex, then an input and the
 * outputs this machine computed for it. The files in the repository were
 * made on x86-64 (little-endian), with
 *
 *     .build/tests/make_golden tests/data
 *
 * Every other machine must read them bit for bit (the format is
 * little-endian everywhere) and write them back byte-identically.
 *
 * The committed files are format version 1, written before version 2
 * existed; they stay as the fixtures that prove old files still load
 * (test_golden saves them back as version 2 and checks that image).
 * This program now writes version 2: write into another directory
 * rather than over them. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_impl.h"
#include "nnlite/nnlite.h"
#include "optim_impl.h"

enum { IN = 3, OUT = 3, ROWS = 12, PREDICT_ROWS = 4 };

static void check(nnlite_status s, const char *what)
{
    if (s != NNLITE_OK) {
        fprintf(stderr, "make_golden: %s: %s\n", what,
                nnlite_status_string(s));
        exit(1);
    }
}

/* Takes &l: the layer is read after the constructor call filled it. */
static void add(nnlite_model *m, nnlite_status s, nnlite_layer **l)
{
    check(s, "layer");
    check(nnlite_model_add(m, *l), "add");
}

static nnlite_model *build(const nnlite_optimizer_options *options)
{
    nnlite_model *m;
    nnlite_layer *l;
    nnlite_loss *loss;
    nnlite_optimizer *o;
    const float mean[3] = {0.25f, -1.5f, 3.0f}, scale[1] = {0.125f};
    check(nnlite_model_create(&m, IN, 2026), "model");
    add(m, nnlite_dense_create(&l, IN, 6), &l);
    add(m, nnlite_relu_create(&l), &l);
    add(m, nnlite_dense_create(&l, 6, 5), &l);
    add(m, nnlite_tanh_create(&l), &l);
    add(m, nnlite_leaky_relu_create(&l, 0.2f), &l);
    add(m, nnlite_hard_sigmoid_create(&l), &l);
    add(m, nnlite_sigmoid_create(&l), &l);
    add(m, nnlite_dense_create(&l, 5, OUT), &l);
    check(nnlite_loss_cross_entropy_create(&loss), "loss");
    check(nnlite_model_set_loss(m, loss), "set loss");
    check(nnlite_optimizer_create(&o, options), "optimizer");
    check(nnlite_model_set_optimizer(m, o), "set optimizer");
    check(nnlite_model_set_metadata(m, "input_mean", mean, 3), "metadata");
    check(nnlite_model_set_metadata(m, "scale", scale, 1), "metadata");
    return m;
}

static void train(nnlite_model *m)
{
    float xs[ROWS * IN], ts[ROWS];
    nnlite_tensor *x, *t;
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    for (size_t i = 0; i < ROWS * IN; i++) {
        xs[i] = (float)((i * 7) % 13) / 13.0f - 0.4f;
    }
    for (size_t i = 0; i < ROWS; i++) {
        ts[i] = (float)(i % OUT);
    }
    check(nnlite_tensor_wrap2d(&x, xs, ROWS, IN), "wrap");
    check(nnlite_tensor_wrap2d(&t, ts, ROWS, 1), "wrap");
    o.epochs = 3;
    o.batch_size = 5;
    check(nnlite_model_fit(m, x, t, &o, NULL, NULL), "fit");
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
}

static void put_bits(FILE *f, const char *label, const float *v, size_t n)
{
    fprintf(f, "%s %zu\n", label, n);
    for (size_t i = 0; i < n; i++) {
        uint32_t bits;
        memcpy(&bits, &v[i], sizeof(bits));
        fprintf(f, "%08lx%c", (unsigned long)bits,
                i % 8 == 7 || i + 1 == n ? '\n' : ' ');
    }
}

static void write_golden(const char *dir, const char *name,
                         const nnlite_optimizer_options *options)
{
    char path[1024];
    nnlite_model *m = build(options);
    train(m);
    snprintf(path, sizeof(path), "%s/%s.nnl", dir, name);
    check(nnlite_model_save(m, path), "save");

    /* The optimizer's state is internal: read it as the saver does. */
    const float *state = m->optimizer->state;
    const size_t state_floats =
        nnlite__optimizer_state_floats(m->optimizer, m->param_count);

    snprintf(path, sizeof(path), "%s/%s.expect", dir, name);
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        fprintf(stderr, "make_golden: cannot write %s\n", path);
        exit(1);
    }
    fprintf(f, "# %s.nnl as written by tests/data/make_golden.c on %s\n",
            name, nnlite_model_kernel_name(m));
    put_bits(f, "params", nnlite_model_params(m),
             nnlite_model_param_count(m));
    put_bits(f, "state", state, state_floats);
    for (size_t i = 0; i < nnlite_model_metadata_count(m); i++) {
        const char *key = nnlite_model_metadata_name(m, i);
        const float *values;
        size_t count;
        check(nnlite_model_get_metadata(m, key, &values, &count), "get");
        char label[64];
        snprintf(label, sizeof(label), "metadata %s", key);
        put_bits(f, label, values, count);
    }
    float x[PREDICT_ROWS * IN], y[PREDICT_ROWS * OUT];
    for (size_t i = 0; i < PREDICT_ROWS * IN; i++) {
        x[i] = (float)((i * 5) % 11) / 11.0f - 0.5f;
    }
    nnlite_tensor *tx, *ty;
    check(nnlite_tensor_wrap2d(&tx, x, PREDICT_ROWS, IN), "wrap");
    check(nnlite_tensor_wrap2d(&ty, y, PREDICT_ROWS, OUT), "wrap");
    check(nnlite_model_forward(m, tx, ty), "forward");
    put_bits(f, "input", x, PREDICT_ROWS * IN);
    put_bits(f, "output", y, PREDICT_ROWS * OUT);
    fclose(f);
    nnlite_tensor_destroy(tx);
    nnlite_tensor_destroy(ty);
    nnlite_model_destroy(m);
    printf("wrote %s/%s.nnl and .expect\n", dir, name);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_golden DIR\n");
        return 2;
    }
    nnlite_optimizer_options sgd = NNLITE_SGD_OPTIONS_INIT;
    nnlite_optimizer_options momentum = NNLITE_SGD_OPTIONS_INIT;
    nnlite_optimizer_options adam = NNLITE_ADAM_OPTIONS_INIT;
    sgd.learning_rate = 0.1f;
    momentum.learning_rate = 0.05f;
    momentum.momentum = 0.9f;
    momentum.nesterov = 1;
    momentum.weight_decay = 1e-3f;
    adam.learning_rate = 0.01f;
    adam.weight_decay = 0.01f;
    adam.decoupled_weight_decay = 1;
    write_golden(argv[1], "sgd", &sgd);
    write_golden(argv[1], "momentum", &momentum);
    write_golden(argv[1], "adam", &adam);
    return 0;
}
