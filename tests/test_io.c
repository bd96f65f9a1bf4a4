/* Saving and loading: round trips, bit-identical resumption, metadata,
 * hostile input, and saves that fail without losing the previous file;
 * format version 2's fields (Huber's delta, dampening, AMSGrad and its
 * state), version-1 input, and inference-only files. */
#define _POSIX_C_SOURCE 200809L

#include "model_util.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bytes_impl.h"
#include "crc32c_impl.h"
#include "file_io_impl.h"
#include "format_impl.h"

/* ---- fixtures ------------------------------------------------------------ */

#define ROWS 24

typedef struct fixture {
    char dir[64];
    char path[128];
    float xs[ROWS * 3];
    float ts[ROWS];
    nnlite_tensor *x;
    nnlite_tensor *t;
} fixture;

static int setup(void **state)
{
    fixture *f = test_calloc(1, sizeof(*f));
    if (f == NULL) {
        return -1;
    }
    snprintf(f->dir, sizeof(f->dir), "/tmp/nnlite-io-XXXXXX");
    if (mkdtemp(f->dir) == NULL) {
        return -1;
    }
    snprintf(f->path, sizeof(f->path), "%s/model.nnl", f->dir);
    for (size_t i = 0; i < ROWS * 3; i++) {
        f->xs[i] = (float)((i * 7) % 13) / 13.0f - 0.4f;
    }
    for (size_t i = 0; i < ROWS; i++) {
        f->ts[i] = (float)(i % 3); /* class indices 0..2 */
    }
    if (nnlite_tensor_wrap2d(&f->x, f->xs, ROWS, 3) != NNLITE_OK ||
        nnlite_tensor_wrap2d(&f->t, f->ts, ROWS, 1) != NNLITE_OK) {
        return -1;
    }
    *state = f;
    return 0;
}

/* Files in the fixture's directory (to find leftover temporary files). */
static size_t files_in(const char *dir)
{
    size_t n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    assert_non_null(d);
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            n++;
        }
    }
    closedir(d);
    return n;
}

static int teardown(void **state)
{
    fixture *f = *state;
    DIR *d = opendir(f->dir);
    struct dirent *e;
    char p[512];
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            snprintf(p, sizeof(p), "%s/%s", f->dir, e->d_name);
            unlink(p);
        }
    }
    if (d != NULL) {
        closedir(d);
    }
    rmdir(f->dir);
    nnlite_tensor_destroy(f->x);
    nnlite_tensor_destroy(f->t);
    test_free(f);
    return 0;
}

/* Every layer kind (dropout too: resuming must continue its draws),
 * cross-entropy, the given optimizer, two metadata. */
static nnlite_model *make_model(const nnlite_optimizer_options *opt)
{
    nnlite_model *m = NULL;
    nnlite_layer *l = NULL;
    nnlite_loss *ce = NULL;
    nnlite_optimizer *o = NULL;
    const float mean[3] = {0.5f, -1.0f, NAN}, scale[1] = {2.0f};
    const float in_mean[3] = {0.1f, -0.2f, 0.3f}, in_std[3] = {1.5f, 0.5f,
                                                              2.0f};
    assert_int_equal(nnlite_model_create(&m, 3, 77), NNLITE_OK);
    add_created(m, nnlite_standardize_create(&l, 3, in_mean, in_std), &l);
    add_dense(m, 3, 6);
    add_relu(m);
    add_created(m, nnlite_dropout_create(&l, 0.25f), &l);
    add_dense(m, 6, 5);
    add_tanh(m);
    add_created(m, nnlite_leaky_relu_create(&l, 0.2f), &l);
    add_created(m, nnlite_hard_sigmoid_create(&l), &l);
    add_sigmoid(m);
    add_dense(m, 5, 3);
    add_created(m, nnlite_destandardize_create(&l, 3, in_mean, in_std), &l);
    assert_int_equal(nnlite_loss_cross_entropy_create(&ce), NNLITE_OK);
    assert_int_equal(nnlite_model_set_loss(m, ce), NNLITE_OK);
    assert_int_equal(nnlite_optimizer_create(&o, opt), NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(m, o), NNLITE_OK);
    assert_int_equal(nnlite_model_set_metadata(m, "input_mean", mean, 3),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_set_metadata(m, "scale", scale, 1),
                     NNLITE_OK);
    return m;
}

static nnlite_model *make_adam_model(void)
{
    nnlite_optimizer_options o = NNLITE_ADAM_OPTIONS_INIT;
    o.learning_rate = 0.01f;
    o.weight_decay = 0.01f;
    o.decoupled_weight_decay = 1;
    return make_model(&o);
}

/* 3 -> 4 -> 1 with Huber (delta 0.3) on the fixture's targets (read as
 * numbers), the given optimizer, no metadata. */
static nnlite_model *make_huber_model(const nnlite_optimizer_options *opt)
{
    nnlite_model *m = NULL;
    nnlite_loss *huber = NULL;
    nnlite_optimizer *o = NULL;
    assert_int_equal(nnlite_model_create(&m, 3, 91), NNLITE_OK);
    add_dense(m, 3, 4);
    add_tanh(m);
    add_dense(m, 4, 1);
    assert_int_equal(nnlite_loss_huber_create(&huber, 0.3f), NNLITE_OK);
    assert_int_equal(nnlite_model_set_loss(m, huber), NNLITE_OK);
    assert_int_equal(nnlite_optimizer_create(&o, opt), NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(m, o), NNLITE_OK);
    return m;
}

static nnlite_optimizer_options amsgrad_options(void)
{
    nnlite_optimizer_options o = NNLITE_ADAM_OPTIONS_INIT;
    o.learning_rate = 0.02f;
    o.weight_decay = 0.01f;
    o.amsgrad = 1;
    return o;
}

static nnlite_optimizer_options dampened_options(void)
{
    nnlite_optimizer_options o = NNLITE_SGD_OPTIONS_INIT;
    o.learning_rate = 0.05f;
    o.momentum = 0.9f;
    o.dampening = 0.25f;
    return o;
}

static void train(nnlite_model *m, fixture *f, size_t epochs)
{
    nnlite_fit_options o = NNLITE_FIT_OPTIONS_INIT;
    o.epochs = epochs;
    o.batch_size = 5;
    assert_int_equal(nnlite_model_fit(m, f->x, f->t, &o, NULL, NULL),
                     NNLITE_OK);
}

/* Save into a new test_malloc'ed buffer. */
static unsigned char *save(nnlite_model *m, size_t *size)
{
    unsigned char *buf;
    assert_int_equal(nnlite_model_save_buffer(m, NULL, 0, size), NNLITE_OK);
    buf = test_malloc(*size);
    assert_int_equal(nnlite_model_save_buffer(m, buf, *size, size),
                     NNLITE_OK);
    return buf;
}

static void assert_same_model(nnlite_model *a, nnlite_model *b)
{
    const size_t n = nnlite_model_param_count(a);
    assert_int_equal(nnlite_model_param_count(b), n);
    assert_int_equal(nnlite_model_layer_count(b),
                     nnlite_model_layer_count(a));
    assert_int_equal(nnlite_model_input_features(b),
                     nnlite_model_input_features(a));
    assert_memory_equal(nnlite_model_params(a), nnlite_model_params(b),
                        n * sizeof(float));
}

/* ---- round trips --------------------------------------------------------- */

static void test_io_buffer_round_trip(void **state)
{
    fixture *f = *state;
    nnlite_model *a = make_adam_model(), *b = NULL;
    size_t size;
    float ya[ROWS * 3], yb[ROWS * 3];
    nnlite_tensor *y = NULL;
    train(a, f, 2);
    unsigned char *buf = save(a, &size);
    assert_int_equal(nnlite_model_load_buffer(&b, buf, size), NNLITE_OK);
    assert_same_model(a, b);
    assert_int_equal(nnlite_loss_kind_of(NULL), 0);
    /* Same outputs for the same inputs. */
    assert_int_equal(nnlite_tensor_wrap2d(&y, ya, ROWS, 3), NNLITE_OK);
    assert_int_equal(nnlite_model_forward(a, f->x, y), NNLITE_OK);
    nnlite_tensor_destroy(y);
    assert_int_equal(nnlite_tensor_wrap2d(&y, yb, ROWS, 3), NNLITE_OK);
    assert_int_equal(nnlite_model_forward(b, f->x, y), NNLITE_OK);
    nnlite_tensor_destroy(y);
    assert_memory_equal(ya, yb, sizeof(ya));
    /* Optimizer and its state. */
    const nnlite_optimizer *oa = nnlite_model_get_optimizer(a);
    const nnlite_optimizer *ob = nnlite_model_get_optimizer(b);
    assert_int_equal(nnlite_optimizer_step_count(ob),
                     nnlite_optimizer_step_count(oa));
    assert_int_equal(nnlite_optimizer_step_count(ob), 10);
    assert_true(nnlite_optimizer_get_learning_rate(ob) == 0.01f);
    /* Metadata, NaN included, in order. */
    const float *v;
    size_t count;
    assert_int_equal(nnlite_model_metadata_count(b), 2);
    assert_string_equal(nnlite_model_metadata_name(b, 0), "input_mean");
    assert_string_equal(nnlite_model_metadata_name(b, 1), "scale");
    assert_int_equal(nnlite_model_get_metadata(b, "input_mean", &v, &count),
                     NNLITE_OK);
    assert_int_equal(count, 3);
    assert_true(v[0] == 0.5f && v[1] == -1.0f && isnan(v[2]));
    /* Saving the loaded model gives the same bytes. */
    size_t size2;
    unsigned char *buf2 = save(b, &size2);
    assert_int_equal(size2, size);
    assert_memory_equal(buf, buf2, size);
    test_free(buf);
    test_free(buf2);
    nnlite_model_destroy(a);
    nnlite_model_destroy(b);
}

/* A model saved after k updates and trained on matches one never saved. */
static void check_resume(fixture *f, nnlite_model *a)
{
    nnlite_model *b = NULL;
    size_t size;
    train(a, f, 3);
    unsigned char *buf = save(a, &size);
    assert_int_equal(nnlite_model_load_buffer(&b, buf, size), NNLITE_OK);
    test_free(buf);
    train(a, f, 4); /* shuffles, so the generator state matters too */
    train(b, f, 4);
    assert_same_model(a, b);
    nnlite_model_destroy(a);
    nnlite_model_destroy(b);
}

static void test_io_resume_is_bit_identical(void **state)
{
    fixture *f = *state;
    nnlite_optimizer_options sgd = NNLITE_SGD_OPTIONS_INIT;
    sgd.momentum = 0.9f;
    sgd.nesterov = 1;
    sgd.weight_decay = 1e-3f;
    check_resume(f, make_model(&sgd));
    check_resume(f, make_adam_model());
    sgd.momentum = 0.0f; /* no optimizer state at all */
    sgd.nesterov = 0;
    check_resume(f, make_model(&sgd));
    /* Version 2: AMSGrad's maxima and the dampening travel too. */
    const nnlite_optimizer_options amsgrad = amsgrad_options();
    const nnlite_optimizer_options dampened = dampened_options();
    check_resume(f, make_huber_model(&amsgrad));
    check_resume(f, make_huber_model(&dampened));
}

static void test_io_file_round_trip_and_replace(void **state)
{
    fixture *f = *state;
    nnlite_model *a = make_adam_model(), *b = NULL;
    assert_int_equal(nnlite_model_save(a, f->path), NNLITE_OK);
    train(a, f, 1);
    assert_int_equal(nnlite_model_save(a, f->path), NNLITE_OK); /* replace */
    assert_int_equal(files_in(f->dir), 1); /* no temporary file left */
    assert_int_equal(nnlite_model_load(&b, f->path), NNLITE_OK);
    assert_same_model(a, b);
    nnlite_model_destroy(a);
    nnlite_model_destroy(b);
}

static void test_io_untrained_and_empty_models(void **state)
{
    nnlite_model *a = NULL, *b = NULL;
    nnlite_layer *l = NULL;
    size_t size;
    (void)state;
    /* No layers, loss or optimizer: still a valid file, still open. */
    assert_int_equal(nnlite_model_create(&a, 4, 1), NNLITE_OK);
    unsigned char *buf = save(a, &size);
    assert_int_equal(nnlite_model_load_buffer(&b, buf, size), NNLITE_OK);
    assert_int_equal(nnlite_model_input_features(b), 4);
    assert_int_equal(nnlite_dense_create(&l, 4, 2), NNLITE_OK);
    assert_int_equal(nnlite_model_add(b, l), NNLITE_OK);
    test_free(buf);
    nnlite_model_destroy(a);
    nnlite_model_destroy(b);
    /* Saving draws the weights, so the file holds real ones. */
    assert_int_equal(nnlite_model_create(&a, 2, 5), NNLITE_OK);
    add_dense(a, 2, 2);
    buf = save(a, &size);
    assert_int_equal(nnlite_model_load_buffer(&b, buf, size), NNLITE_OK);
    assert_true(nnlite_model_params(b)[0] != 0.0f);
    assert_same_model(a, b);
    test_free(buf);
    nnlite_model_destroy(a);
    nnlite_model_destroy(b);
}

/* ---- the format ---------------------------------------------------------- */

static void test_io_crc32c_check_value(void **state)
{
    (void)state;
    /* The standard check value of CRC-32C (RFC 3720, B.4). */
    assert_int_equal(nnlite__crc32c(0, "123456789", 9), 0xE3069283u);
    assert_int_equal(nnlite__crc32c(0, "", 0), 0);
}

static void test_io_header_layout(void **state)
{
    nnlite_model *m = NULL;
    size_t size;
    (void)state;
    assert_int_equal(nnlite_model_create(&m, 1, 1), NNLITE_OK);
    add_dense(m, 1, 1);
    unsigned char *buf = save(m, &size);
    /* magic, version 2, flags 0, body size, CRC: as docs/model-format.md */
    assert_memory_equal(buf, "\x89NNL\r\n\x1a\n", 8);
    assert_memory_equal(buf + 8, "\x02\x00\x00\x00\x00\x00\x00\x00", 8);
    nnlite__reader r = {buf, buf + 16, buf + size};
    uint64_t body;
    uint32_t crc;
    assert_true(nnlite__get_u64(&r, &body));
    assert_int_equal(body, size - 28);
    r.p = buf + size - 4;
    assert_true(nnlite__get_u32(&r, &crc));
    assert_int_equal(crc, nnlite__crc32c(0, buf, size - 4));
    test_free(buf);
    nnlite_model_destroy(m);
}

/* A writer that overwrites the image from `offset` on. */
static nnlite__writer patch_at(unsigned char *buf, size_t size, size_t offset)
{
    return nnlite__writer_to(buf + offset, size - offset);
}

/* Set the checksum of a doctored image so parsing goes past it. */
static void reseal(unsigned char *buf, size_t size)
{
    nnlite__writer w = patch_at(buf, size, size - 4);
    nnlite__put_u32(&w, nnlite__crc32c(0, buf, size - 4));
}

static nnlite_status load_with_message(const unsigned char *buf, size_t size,
                                       char *msg, size_t msg_size)
{
    nnlite_load_options o = NNLITE_LOAD_OPTIONS_INIT;
    nnlite_model *m = (nnlite_model *)(uintptr_t)1;
    o.error = msg;
    o.error_size = msg_size;
    nnlite_status s = nnlite_model_load_buffer_advanced(&m, buf, size, &o);
    if (s != NNLITE_OK) {
        assert_null(m);
    }
    nnlite_model_destroy(s == NNLITE_OK ? m : NULL);
    return s;
}

static void check_every_truncation(nnlite_model *m)
{
    size_t size;
    char msg[256];
    unsigned char *buf = save(m, &size);
    for (size_t n = 0; n < size; n++) {
        msg[0] = '\0';
        assert_int_equal(load_with_message(buf, n, msg, sizeof(msg)),
                         NNLITE_EFORMAT);
        assert_true(msg[0] != '\0');
    }
    /* Padding is as wrong as truncation. */
    unsigned char *longer = test_malloc(size + 1);
    memcpy(longer, buf, size);
    longer[size] = 0;
    assert_int_equal(load_with_message(longer, size + 1, msg, sizeof(msg)),
                     NNLITE_EFORMAT);
    test_free(longer);
    test_free(buf);
    nnlite_model_destroy(m);
}

/* Cross-entropy and Adam; Huber (its delta) and AMSGrad (3 floats of
 * state per parameter), stepped so the state is not all zero. */
static void test_io_rejects_every_truncation(void **state)
{
    fixture *f = *state;
    const nnlite_optimizer_options amsgrad = amsgrad_options();
    nnlite_model *m = make_huber_model(&amsgrad);
    check_every_truncation(make_adam_model());
    train(m, f, 1);
    check_every_truncation(m);
}

static void check_every_bit_flip(nnlite_model *m)
{
    size_t size, crc_caught = 0;
    char msg[256];
    unsigned char *buf = save(m, &size);
    for (size_t i = 0; i < size; i++) {
        for (int bit = 0; bit < 8; bit++) {
            buf[i] ^= (unsigned char)(1u << bit);
            assert_int_equal(load_with_message(buf, size, msg, sizeof(msg)),
                             NNLITE_EFORMAT);
            crc_caught += strstr(msg, "checksum") != NULL;
            buf[i] ^= (unsigned char)(1u << bit);
        }
    }
    printf("%zu bit flips in a %zu-byte file: all rejected, %zu by the "
           "checksum\n",
           size * 8, size, crc_caught);
    assert_true(crc_caught > size * 8 / 2);
    test_free(buf);
    nnlite_model_destroy(m);
}

static void test_io_rejects_every_bit_flip(void **state)
{
    nnlite_model *m = NULL;
    nnlite_loss *huber = NULL;
    nnlite_optimizer *o = NULL;
    nnlite_optimizer_options opt = amsgrad_options();
    (void)state;
    assert_int_equal(nnlite_model_create(&m, 2, 3), NNLITE_OK);
    add_dense(m, 2, 2);
    add_relu(m);
    set_mse(m);
    set_sgd(m, 0.1f, 0.5f);
    check_every_bit_flip(m);
    /* Version 2's fields: a delta, dampening, the AMSGrad flag. */
    m = NULL;
    assert_int_equal(nnlite_model_create(&m, 2, 3), NNLITE_OK);
    add_dense(m, 2, 1);
    assert_int_equal(nnlite_loss_huber_create(&huber, 0.5f), NNLITE_OK);
    assert_int_equal(nnlite_model_set_loss(m, huber), NNLITE_OK);
    opt.dampening = 0.5f; /* stored for any kind; SGD's setting */
    assert_int_equal(nnlite_optimizer_create(&o, &opt), NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(m, o), NNLITE_OK);
    /* One step, so AMSGrad's 3 x 3 floats of state are in the file. */
    float xs[2] = {1.0f, -2.0f}, ts[1] = {0.5f};
    nnlite_tensor *x = NULL, *t = NULL;
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, 1, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, ts, 1, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_train_batch(m, x, t, NULL), NNLITE_OK);
    assert_int_equal(nnlite__optimizer_state_floats(o, 3), 9);
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    check_every_bit_flip(m);
}

static void test_io_rejects_magic_version_flags(void **state)
{
    nnlite_model *m = NULL;
    size_t size;
    char msg[256];
    (void)state;
    assert_int_equal(nnlite_model_create(&m, 1, 1), NNLITE_OK);
    add_dense(m, 1, 1);
    unsigned char *buf = save(m, &size);
    buf[1] = 'X';
    assert_int_equal(load_with_message(buf, size, msg, sizeof(msg)),
                     NNLITE_EFORMAT);
    assert_non_null(strstr(msg, "magic"));
    buf[1] = 'N';
    buf[8] = 3; /* a future format version */
    reseal(buf, size);
    assert_int_equal(load_with_message(buf, size, msg, sizeof(msg)),
                     NNLITE_EFORMAT);
    assert_non_null(strstr(msg, "format version 3; this library reads "
                                "versions 1 to 2"));
    buf[8] = 0; /* there never was a version 0 */
    reseal(buf, size);
    assert_int_equal(load_with_message(buf, size, msg, sizeof(msg)),
                     NNLITE_EFORMAT);
    assert_non_null(strstr(msg, "format version 0"));
    buf[8] = 1; /* version 1 has no value counts: this body is too long */
    reseal(buf, size);
    assert_int_equal(load_with_message(buf, size, msg, sizeof(msg)),
                     NNLITE_EFORMAT);
    buf[8] = 2;
    buf[12] = 1; /* an unknown flag */
    reseal(buf, size);
    assert_int_equal(load_with_message(buf, size, msg, sizeof(msg)),
                     NNLITE_EFORMAT);
    assert_non_null(strstr(msg, "flags"));
    buf[12] = 0;
    reseal(buf, size);
    assert_int_equal(load_with_message(buf, size, msg, sizeof(msg)),
                     NNLITE_OK);
    test_free(buf);
    nnlite_model_destroy(m);
}

/* Offsets in the body of a model with layers and no optimizer: after the
 * header come input width (8), generator (32), initialised flag (4), then
 * the layer count. */
#define LAYER_COUNT_AT (24 + 8 + 32 + 4)
/* A version-2 layer record of a kind that stores no values: kind (4),
 * widths (16), slope (4), value count (8). */
#define LAYER_RECORD 32
/* The widths of the second layer record, after one without values. */
#define SECOND_WIDTHS_AT (LAYER_COUNT_AT + 4 + LAYER_RECORD + 4)

static void test_io_oversized_counts_allocate_nothing_big(void **state)
{
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    nnlite_load_options o = NNLITE_LOAD_OPTIONS_INIT;
    nnlite_model *m = NULL, *loaded = NULL;
    char msg[256];
    size_t size;
    (void)state;
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    add_dense(m, 2, 3);
    unsigned char *buf = save(m, &size);
    nnlite__writer w = patch_at(buf, size, LAYER_COUNT_AT);
    nnlite__put_u32(&w, 0xFFFFFFFFu); /* four billion layers */
    reseal(buf, size);
    o.allocator = &a;
    o.error = msg;
    o.error_size = sizeof(msg);
    assert_int_equal(nnlite_model_load_buffer_advanced(&loaded, buf, size, &o),
                     NNLITE_EFORMAT);
    assert_non_null(strstr(msg, "exceeds"));
    assert_int_equal(st.live, 0);
    assert_true(st.calls <= 2); /* the model struct, nothing sized by it */

    /* A dense layer of 2^40 x 2^40 weights: rejected before allocating. */
    w = patch_at(buf, size, LAYER_COUNT_AT);
    nnlite__put_u32(&w, 1);
    nnlite__put_u32(&w, NNLITE_LAYER_DENSE);
    nnlite__put_u64(&w, 1ull << 40);
    nnlite__put_u64(&w, 1ull << 40);
    reseal(buf, size);
    st = (test_alloc_state){0};
    assert_int_equal(nnlite_model_load_buffer_advanced(&loaded, buf, size, &o),
                     NNLITE_EFORMAT);
    assert_int_equal(st.live, 0);
    /* 2^20 x 2^20 does not overflow, but 4 TiB of weights cannot be in a
     * small file: rejected before the parameter buffer is allocated. */
    w = patch_at(buf, size, LAYER_COUNT_AT + 8);
    nnlite__put_u64(&w, 1ull << 20);
    nnlite__put_u64(&w, 1ull << 20);
    reseal(buf, size);
    st = (test_alloc_state){0};
    assert_int_equal(nnlite_model_load_buffer_advanced(&loaded, buf, size, &o),
                     NNLITE_EFORMAT);
    assert_non_null(strstr(msg, "cannot be in"));
    assert_true(st.calls <= 2);
    assert_int_equal(st.live, 0);
    test_free(buf);
    nnlite_model_destroy(m);
}

static void test_io_rejects_inconsistent_models(void **state)
{
    nnlite_model *m = NULL;
    char msg[256];
    size_t size;
    (void)state;
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    add_dense(m, 2, 3);
    add_dense(m, 3, 1);
    unsigned char *buf = save(m, &size);
    /* Second dense layer claims 4 inputs; the first gives 3. */
    nnlite__writer w = patch_at(buf, size, SECOND_WIDTHS_AT);
    nnlite__put_u64(&w, 4);
    reseal(buf, size);
    assert_int_equal(load_with_message(buf, size, msg, sizeof(msg)),
                     NNLITE_EFORMAT);
    assert_non_null(strstr(msg, "layer 2"));
    nnlite_model_destroy(m);
    test_free(buf);

    /* An activation's stored widths must be those of the layer below. */
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    add_dense(m, 2, 3);
    add_relu(m);
    buf = save(m, &size);
    w = patch_at(buf, size, SECOND_WIDTHS_AT); /* ReLU 4 -> 4 */
    nnlite__put_u64(&w, 4);
    nnlite__put_u64(&w, 4);
    reseal(buf, size);
    assert_int_equal(load_with_message(buf, size, msg, sizeof(msg)),
                     NNLITE_EFORMAT);
    assert_non_null(strstr(msg, "layer 2 (relu): widths 4 -> 4"));
    w = patch_at(buf, size, SECOND_WIDTHS_AT); /* ReLU 3 -> 5 */
    nnlite__put_u64(&w, 3);
    nnlite__put_u64(&w, 5);
    reseal(buf, size);
    assert_int_equal(load_with_message(buf, size, msg, sizeof(msg)),
                     NNLITE_EFORMAT);
    assert_non_null(strstr(msg, "widths 3 -> 5"));
    nnlite_model_destroy(m);
    test_free(buf);

    /* A NaN weight: never saved (the loader would refuse it), and a file
     * that holds one anyway is refused. */
    assert_int_equal(nnlite_model_create(&m, 1, 1), NNLITE_OK);
    add_dense(m, 1, 1);
    buf = save(m, &size);
    nnlite_model_params(m)[0] = NAN;
    assert_int_equal(nnlite_model_save_buffer(m, buf, size, &size),
                     NNLITE_ENUMERIC);
    assert_non_null(strstr(nnlite_model_last_error(m), "parameter 0"));
    assert_int_equal(nnlite_model_save(m, "/nonexistent-dir/x.nnl"),
                     NNLITE_ENUMERIC);
    /* The first parameter follows the layer record and the count. */
    nnlite__writer nan_at =
        patch_at(buf, size, LAYER_COUNT_AT + 4 + LAYER_RECORD + 8);
    nnlite__put_f32(&nan_at, NAN);
    reseal(buf, size);
    assert_int_equal(load_with_message(buf, size, msg, sizeof(msg)),
                     NNLITE_EFORMAT);
    assert_non_null(strstr(msg, "not finite"));
    test_free(buf);
    nnlite_model_destroy(m);
}

/* An Adam model of 9 parameters after one step, with no metadata, so
 * the optimizer's fields sit at fixed distances from the end: steps,
 * beta1^t, beta2^t, the state count, 18 floats of state, the metadata
 * count and the checksum. */
static unsigned char *save_stepped_adam(size_t *size, size_t *steps_at)
{
    nnlite_model *m = NULL;
    nnlite_optimizer *o = NULL;
    nnlite_tensor *x = NULL, *t = NULL;
    float xs[2] = {0.5f, -1.0f}, ts[3] = {1.0f, 0.0f, 2.0f};
    assert_int_equal(nnlite_model_create(&m, 2, 5), NNLITE_OK);
    add_dense(m, 2, 3);
    set_mse(m);
    assert_int_equal(nnlite_adam_create(&o, 0.01f, 0.9f, 0.999f, 1e-8f),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(m, o), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, 1, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, ts, 1, 3), NNLITE_OK);
    assert_int_equal(nnlite_model_train_batch(m, x, t, NULL), NNLITE_OK);
    unsigned char *buf = save(m, size);
    *steps_at = *size - 4 - 4 - 18 * 4 - 8 - 8 - 8 - 8;
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_model_destroy(m);
    return buf;
}

/* The optimizer's progress and state must agree with its rule: after a
 * step, Adam's beta powers are below 1 (it divides by 1 - beta^t); every
 * power lies in [0, 1]; the state has the rule's length. */
static void test_io_rejects_inconsistent_optimizer_state(void **state)
{
    char msg[256];
    size_t size, steps_at;
    unsigned char *buf = save_stepped_adam(&size, &steps_at);
    nnlite__reader r = {buf, buf + steps_at, buf + size};
    uint64_t steps = 0, count = 0;
    double p1 = 0.0, p2 = 0.0;
    (void)state;
    assert_true(nnlite__get_u64(&r, &steps));
    assert_true(nnlite__get_f64(&r, &p1));
    assert_true(nnlite__get_f64(&r, &p2));
    assert_true(nnlite__get_u64(&r, &count));
    assert_int_equal(steps, 1);
    assert_true(p1 == (double)0.9f && p2 < 1.0);
    assert_int_equal(count, 18);
    assert_int_equal(load_with_message(buf, size, msg, sizeof(msg)),
                     NNLITE_OK);

    /* beta1^t = 1 after a step */
    nnlite__writer w = patch_at(buf, size, steps_at + 8);
    nnlite__put_f64(&w, 1.0);
    reseal(buf, size);
    assert_int_equal(load_with_message(buf, size, msg, sizeof(msg)),
                     NNLITE_EFORMAT);
    assert_non_null(strstr(msg, "invalid Adam progress"));

    w = patch_at(buf, size, steps_at + 8); /* beta1^t back, beta2^t 1.5 */
    nnlite__put_f64(&w, p1);
    nnlite__put_f64(&w, 1.5);
    reseal(buf, size);
    assert_int_equal(load_with_message(buf, size, msg, sizeof(msg)),
                     NNLITE_EFORMAT);
    assert_non_null(strstr(msg, "progress"));

    /* No step yet (Adam's rule above does not apply), but a power of
     * 1.5 is out of [0, 1] for any rule. */
    w = patch_at(buf, size, steps_at);
    nnlite__put_u64(&w, 0);
    reseal(buf, size);
    assert_int_equal(load_with_message(buf, size, msg, sizeof(msg)),
                     NNLITE_EFORMAT);
    assert_non_null(strstr(msg, "progress (bias corrections"));
    w = patch_at(buf, size, steps_at); /* the step back */
    nnlite__put_u64(&w, steps);

    w = patch_at(buf, size, steps_at + 16); /* a state one float short */
    nnlite__put_f64(&w, p2);
    nnlite__put_u64(&w, 17);
    reseal(buf, size);
    assert_int_equal(load_with_message(buf, size, msg, sizeof(msg)),
                     NNLITE_EFORMAT);
    assert_non_null(strstr(msg, "optimizer state of 17 floats; expected "
                                "18"));
    test_free(buf);
}


/* ---- format version 2: the loss's delta, dampening, AMSGrad ------------- */

/* A Huber (delta 0.5) model of 9 parameters after one step, no metadata:
 * as in save_stepped_adam, the optimizer's fields sit at fixed distances
 * before `steps_at` (docs/model-format.md, sections 3 and 4):
 *   loss kind -56, delta -52, optimizer flag -48, kind -44, ...,
 *   Nesterov -32, ..., dampening -8, AMSGrad -4, steps 0.
 * `state_floats` is the state count the optimizer stores. */
enum {
    LOSS_KIND_BACK = 56,
    DELTA_BACK = 52,
    NESTEROV_BACK = 32,
    DAMPENING_BACK = 8,
    AMSGRAD_BACK = 4
};

static unsigned char *save_stepped(const nnlite_optimizer_options *opt,
                                   size_t state_floats, size_t *size,
                                   size_t *steps_at)
{
    nnlite_model *m = NULL;
    nnlite_optimizer *o = NULL;
    nnlite_loss *huber = NULL;
    nnlite_tensor *x = NULL, *t = NULL;
    float xs[2] = {0.5f, -1.0f}, ts[3] = {1.0f, 0.0f, 2.0f};
    assert_int_equal(nnlite_model_create(&m, 2, 5), NNLITE_OK);
    add_dense(m, 2, 3);
    assert_int_equal(nnlite_loss_huber_create(&huber, 0.5f), NNLITE_OK);
    assert_int_equal(nnlite_model_set_loss(m, huber), NNLITE_OK);
    assert_int_equal(nnlite_optimizer_create(&o, opt), NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(m, o), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&x, xs, 1, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&t, ts, 1, 3), NNLITE_OK);
    assert_int_equal(nnlite_model_train_batch(m, x, t, NULL), NNLITE_OK);
    unsigned char *buf = save(m, size);
    *steps_at = *size - 4 - 4 - state_floats * 4 - 8 - 8 - 8 - 8;
    nnlite_tensor_destroy(x);
    nnlite_tensor_destroy(t);
    nnlite_model_destroy(m);
    return buf;
}

static uint32_t u32_at(const unsigned char *buf, size_t size, size_t at)
{
    nnlite__reader r = {buf, buf + at, buf + size};
    uint32_t v = 0;
    assert_true(nnlite__get_u32(&r, &v));
    return v;
}

static float f32_at(const unsigned char *buf, size_t size, size_t at)
{
    nnlite__reader r = {buf, buf + at, buf + size};
    float v = 0.0f;
    assert_true(nnlite__get_f32(&r, &v));
    return v;
}

/* Patch a u32 or an f32 at `at`, reseal, and expect EFORMAT with `words`
 * in the message; then put the old bytes back. */
static void expect_patch_refused(unsigned char *buf, size_t size, size_t at,
                                 int is_float, double value,
                                 const char *words)
{
    unsigned char old[4];
    char msg[256];
    memcpy(old, buf + at, 4);
    nnlite__writer w = patch_at(buf, size, at);
    if (is_float) {
        nnlite__put_f32(&w, (float)value);
    } else {
        nnlite__put_u32(&w, (uint32_t)value);
    }
    reseal(buf, size);
    assert_int_equal(load_with_message(buf, size, msg, sizeof(msg)),
                     NNLITE_EFORMAT);
    if (strstr(msg, words) == NULL) {
        print_error("message \"%s\" lacks \"%s\"\n", msg, words);
        fail();
    }
    memcpy(buf + at, old, 4);
    reseal(buf, size);
    assert_int_equal(load_with_message(buf, size, msg, sizeof(msg)),
                     NNLITE_OK);
}

static void test_io_version_2_fields_round_trip(void **state)
{
    fixture *f = *state;
    const nnlite_optimizer_options amsgrad = amsgrad_options();
    const nnlite_optimizer_options dampened = dampened_options();
    const nnlite_optimizer_options *opts[2] = {&amsgrad, &dampened};
    for (size_t k = 0; k < 2; k++) {
        nnlite_model *a = make_huber_model(opts[k]), *b = NULL;
        nnlite_optimizer_options oa = NNLITE_SGD_OPTIONS_INIT;
        nnlite_optimizer_options ob = NNLITE_ADAM_OPTIONS_INIT;
        size_t size, size2;
        train(a, f, 2);
        unsigned char *buf = save(a, &size);
        assert_int_equal(nnlite_model_load_buffer(&b, buf, size), NNLITE_OK);
        assert_same_model(a, b);
        assert_int_equal(nnlite_loss_kind_of(b->loss), NNLITE_LOSS_HUBER);
        assert_true(nnlite_loss_huber_delta(b->loss) == 0.3f);
        assert_int_equal(nnlite_optimizer_get_options(a->optimizer, &oa),
                         NNLITE_OK);
        assert_int_equal(nnlite_optimizer_get_options(b->optimizer, &ob),
                         NNLITE_OK);
        assert_memory_equal(&oa, &ob, sizeof(oa));
        /* AMSGrad's state is m, v and vmax: 3 floats per parameter. */
        const size_t n = nnlite__optimizer_state_floats(a->optimizer,
                                                        a->param_count);
        assert_int_equal(n, (k == 0 ? 3 : 1) * a->param_count);
        assert_memory_equal(a->optimizer->state, b->optimizer->state,
                            n * sizeof(float));
        unsigned char *buf2 = save(b, &size2);
        assert_int_equal(size2, size);
        assert_memory_equal(buf, buf2, size);
        test_free(buf);
        test_free(buf2);
        nnlite_model_destroy(a);
        nnlite_model_destroy(b);
    }
}

static void test_io_rejects_bad_version_2_fields(void **state)
{
    nnlite_optimizer_options opt = NNLITE_ADAM_OPTIONS_INIT;
    size_t size, at;
    char msg[256];
    (void)state;
    /* Adam with AMSGrad: 27 floats of state for 9 parameters. */
    opt.amsgrad = 1;
    unsigned char *buf = save_stepped(&opt, 27, &size, &at);
    /* The offsets are right: the values the model was saved with. */
    assert_int_equal(u32_at(buf, size, at - LOSS_KIND_BACK),
                     NNLITE_LOSS_HUBER);
    assert_true(f32_at(buf, size, at - DELTA_BACK) == 0.5f);
    assert_int_equal(u32_at(buf, size, at - AMSGRAD_BACK), 1);
    assert_int_equal(u32_at(buf, size, at + 24), 27); /* state count */
    assert_int_equal(load_with_message(buf, size, msg, sizeof(msg)),
                     NNLITE_OK);

    /* The delta, checked as nnlite_loss_huber_create() checks it. */
    expect_patch_refused(buf, size, at - DELTA_BACK, 1, -1.0,
                         "invalid loss: delta -1 is not a finite number");
    expect_patch_refused(buf, size, at - DELTA_BACK, 1, 0.0, "delta 0 is");
    expect_patch_refused(buf, size, at - DELTA_BACK, 1, (double)NAN,
                         "delta nan is");
    expect_patch_refused(buf, size, at - DELTA_BACK, 1, (double)INFINITY,
                         "delta inf is");
    /* Other kinds store delta 0; none stores none either. */
    expect_patch_refused(buf, size, at - LOSS_KIND_BACK, 0, NNLITE_LOSS_MSE,
                         "the MSE loss takes no delta (0.5 given)");
    expect_patch_refused(buf, size, at - LOSS_KIND_BACK, 0, 0,
                         "no loss, but a delta of 0.5");
    expect_patch_refused(buf, size, at - LOSS_KIND_BACK, 0, 9,
                         "loss kind 9 is unknown");
    /* The AMSGrad flag is 0 or 1, and sizes the state. */
    expect_patch_refused(buf, size, at - AMSGRAD_BACK, 0, 2,
                         "AMSGrad 2; each must be 0 or 1");
    expect_patch_refused(buf, size, at - AMSGRAD_BACK, 0, 0,
                         "optimizer state of 27 floats; expected 18");
    nnlite__writer w = patch_at(buf, size, at + 24);
    nnlite__put_u64(&w, 18); /* AMSGrad with plain Adam's state length */
    reseal(buf, size);
    assert_int_equal(load_with_message(buf, size, msg, sizeof(msg)),
                     NNLITE_EFORMAT);
    assert_non_null(strstr(msg, "optimizer state of 18 floats; expected 27"));
    test_free(buf);

    /* SGD with momentum: 9 floats of velocity. */
    opt = (nnlite_optimizer_options)NNLITE_SGD_OPTIONS_INIT;
    opt.momentum = 0.5f;
    opt.dampening = 0.25f;
    buf = save_stepped(&opt, 9, &size, &at);
    assert_true(f32_at(buf, size, at - DAMPENING_BACK) == 0.25f);
    assert_int_equal(u32_at(buf, size, at - NESTEROV_BACK), 0);
    assert_int_equal(load_with_message(buf, size, msg, sizeof(msg)),
                     NNLITE_OK);
    expect_patch_refused(buf, size, at - DAMPENING_BACK, 1, 1.5,
                         "invalid optimizer settings: dampening 1.5 is "
                         "outside [0, 1]");
    expect_patch_refused(buf, size, at - DAMPENING_BACK, 1, -0.5,
                         "dampening -0.5 is outside");
    expect_patch_refused(buf, size, at - DAMPENING_BACK, 1, (double)NAN,
                         "dampening nan is outside");
    expect_patch_refused(buf, size, at - NESTEROV_BACK, 0, 1,
                         "Nesterov momentum needs dampening 0, not 0.25");
    test_free(buf);
}

/* Version 1 had no delta, dampening or AMSGrad flag. Such a file, made
 * here from a version-2 image of a model without layers (whose records
 * are the same in both versions) by cutting those fields out, loads with
 * their defaults; a Huber loss in it is refused (version 1 had none). */
static unsigned char *as_version_1(const unsigned char *v2, size_t size,
                                   size_t delta_at, size_t dampening_at,
                                   size_t *v1_size)
{
    unsigned char *v1 = test_malloc(size - 12);
    size_t out = 0;
    for (size_t i = 0; i < size - 4; i++) {
        if ((i >= delta_at && i < delta_at + 4) ||
            (i >= dampening_at && i < dampening_at + 8)) {
            continue;
        }
        v1[out++] = v2[i];
    }
    *v1_size = out + 4;
    assert_int_equal(*v1_size, size - 12);
    nnlite__writer w = patch_at(v1, *v1_size, 8);
    nnlite__put_u32(&w, 1);
    nnlite__put_u32(&w, 0);
    nnlite__put_u64(&w, (uint64_t)(*v1_size - 28));
    reseal(v1, *v1_size);
    return v1;
}

static void test_io_loads_version_1(void **state)
{
    nnlite_model *m = NULL, *back = NULL;
    nnlite_loss *loss = NULL;
    nnlite_optimizer_options opt = NNLITE_ADAM_OPTIONS_INIT, got;
    nnlite_optimizer *o = NULL;
    size_t size, v1_size;
    char msg[256];
    (void)state;
    opt.learning_rate = 0.125f;
    assert_int_equal(nnlite_model_create(&m, 4, 9), NNLITE_OK);
    assert_int_equal(nnlite_loss_mse_create(&loss), NNLITE_OK);
    assert_int_equal(nnlite_model_set_loss(m, loss), NNLITE_OK);
    assert_int_equal(nnlite_optimizer_create(&o, &opt), NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(m, o), NNLITE_OK);
    unsigned char *v2 = save(m, &size);
    /* From the end: CRC 4, metadata count 4, state 0, count, powers and
     * steps 32, then back from the steps as in save_stepped. */
    const size_t at = size - 4 - 4 - 32;
    assert_int_equal(u32_at(v2, size, at - LOSS_KIND_BACK), NNLITE_LOSS_MSE);
    unsigned char *v1 = as_version_1(v2, size, at - DELTA_BACK,
                                     at - DAMPENING_BACK, &v1_size);
    assert_int_equal(load_with_message(v1, v1_size, msg, sizeof(msg)),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_load_buffer(&back, v1, v1_size),
                     NNLITE_OK);
    assert_int_equal(nnlite_loss_kind_of(back->loss), NNLITE_LOSS_MSE);
    got.version = NNLITE_OPTIMIZER_OPTIONS_VERSION;
    assert_int_equal(nnlite_optimizer_get_options(back->optimizer, &got),
                     NNLITE_OK);
    assert_memory_equal(&got, &opt, sizeof(opt));
    /* Saved again: the version-2 image it came from. */
    size_t again_size;
    unsigned char *again = save(back, &again_size);
    assert_int_equal(again_size, size);
    assert_memory_equal(again, v2, size);
    test_free(again);
    nnlite_model_destroy(back);

    /* A Huber loss (kind 4) in a version-1 file. */
    nnlite__writer w = patch_at(v1, v1_size, at - LOSS_KIND_BACK);
    nnlite__put_u32(&w, NNLITE_LOSS_HUBER);
    reseal(v1, v1_size);
    assert_int_equal(load_with_message(v1, v1_size, msg, sizeof(msg)),
                     NNLITE_EFORMAT);
    assert_non_null(strstr(msg, "loss kind 4 (Huber) in a version-1 file"));
    test_free(v1);
    test_free(v2);
    nnlite_model_destroy(m);
}

/* ---- inference-only files ------------------------------------------------ */

static unsigned char *save_with(nnlite_model *m, int optimizer,
                                size_t *size)
{
    nnlite_save_options o = NNLITE_SAVE_OPTIONS_INIT;
    unsigned char *buf;
    o.optimizer = optimizer;
    assert_int_equal(nnlite_model_save_buffer_advanced(m, NULL, 0, size, &o),
                     NNLITE_OK);
    buf = test_malloc(*size);
    assert_int_equal(nnlite_model_save_buffer_advanced(m, buf, *size, size,
                                                       &o),
                     NNLITE_OK);
    return buf;
}

/* The optimizer section of a version-2 file: 44 bytes of settings, 32 of
 * progress and count, then the state; an inference-only file keeps only
 * the 4-byte flag saying it is absent. */
static void test_io_inference_only_sizes(void **state)
{
    fixture *f = *state;
    nnlite_optimizer_options adam = NNLITE_ADAM_OPTIONS_INIT;
    nnlite_optimizer_options sgd = NNLITE_SGD_OPTIONS_INIT;
    nnlite_optimizer_options amsgrad = NNLITE_ADAM_OPTIONS_INIT;
    const nnlite_optimizer_options *opts[3] = {&adam, &amsgrad, &sgd};
    const size_t per_param[3] = {2, 3, 0};
    size_t inference[3];
    amsgrad.amsgrad = 1;
    for (size_t k = 0; k < 3; k++) {
        nnlite_model *m = make_model(opts[k]);
        size_t full, dflt;
        train(m, f, 1);
        unsigned char *a = save_with(m, 1, &full);
        unsigned char *b = save(m, &dflt); /* the default keeps it */
        assert_int_equal(dflt, full);
        assert_memory_equal(a, b, full);
        unsigned char *c = save_with(m, 0, &inference[k]);
        const size_t p = nnlite_model_param_count(m);
        assert_int_equal(full - inference[k],
                         44 + 32 + 4 * per_param[k] * p);
        test_free(a);
        test_free(b);
        test_free(c);
        nnlite_model_destroy(m);
    }
    /* Without the optimizer, the size no longer depends on it. */
    assert_int_equal(inference[0], inference[1]);
    assert_int_equal(inference[0], inference[2]);
}

static void test_io_inference_only_round_trip(void **state)
{
    fixture *f = *state;
    nnlite_model *a = make_adam_model(), *b = NULL, *c = NULL;
    nnlite_optimizer *o = NULL;
    float ya[ROWS * 3], yb[ROWS * 3], loss = 0.0f;
    nnlite_tensor *y = NULL;
    size_t size, size2;
    char msg[256];
    train(a, f, 2);
    unsigned char *buf = save_with(a, 0, &size);
    assert_int_equal(load_with_message(buf, size, msg, sizeof(msg)),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_load_buffer(&b, buf, size), NNLITE_OK);
    assert_same_model(a, b);
    assert_null(nnlite_model_get_optimizer(b));
    assert_int_equal(nnlite_loss_kind_of(b->loss),
                     NNLITE_LOSS_CROSS_ENTROPY);
    assert_int_equal(nnlite_model_metadata_count(b), 2);
    /* It predicts as the full model does. */
    assert_int_equal(nnlite_tensor_wrap2d(&y, ya, ROWS, 3), NNLITE_OK);
    assert_int_equal(nnlite_model_forward(a, f->x, y), NNLITE_OK);
    nnlite_tensor_destroy(y);
    assert_int_equal(nnlite_tensor_wrap2d(&y, yb, ROWS, 3), NNLITE_OK);
    assert_int_equal(nnlite_model_forward(b, f->x, y), NNLITE_OK);
    nnlite_tensor_destroy(y);
    assert_memory_equal(ya, yb, sizeof(ya));
    /* Saved again (by default), the same bytes: it has no optimizer. */
    unsigned char *buf2 = save(b, &size2);
    assert_int_equal(size2, size);
    assert_memory_equal(buf, buf2, size);
    /* Training needs an optimizer first. */
    assert_int_equal(nnlite_model_train_batch(b, f->x, f->t, &loss),
                     NNLITE_ESTATE);
    assert_non_null(strstr(nnlite_model_last_error(b), "no optimizer"));
    assert_int_equal(nnlite_adam_create(&o, 0.01f, 0.9f, 0.999f, 1e-8f),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(b, o), NNLITE_OK);
    assert_int_equal(nnlite_model_train_batch(b, f->x, f->t, &loss),
                     NNLITE_OK);
    assert_int_equal(nnlite_optimizer_step_count(o), 1);
    /* To a file: the same image. */
    nnlite_save_options so = NNLITE_SAVE_OPTIONS_INIT;
    so.optimizer = 0;
    assert_int_equal(nnlite_model_save_advanced(a, f->path, &so), NNLITE_OK);
    struct stat st;
    assert_int_equal(stat(f->path, &st), 0);
    assert_int_equal((size_t)st.st_size, size);
    assert_int_equal(nnlite_model_load(&c, f->path), NNLITE_OK);
    assert_null(nnlite_model_get_optimizer(c));
    assert_same_model(a, c);
    /* NULL options: everything, as nnlite_model_save(). */
    assert_int_equal(nnlite_model_save_advanced(a, f->path, NULL), NNLITE_OK);
    nnlite_model_destroy(c);
    c = NULL;
    assert_int_equal(nnlite_model_load(&c, f->path), NNLITE_OK);
    assert_non_null(nnlite_model_get_optimizer(c));
    test_free(buf);
    test_free(buf2);
    nnlite_model_destroy(a);
    nnlite_model_destroy(b);
    nnlite_model_destroy(c);
}

static void test_io_save_options_errors(void **state)
{
    fixture *f = *state;
    nnlite_model *m = make_adam_model();
    nnlite_save_options o = NNLITE_SAVE_OPTIONS_INIT;
    unsigned char buf[4096];
    size_t size = 7;
    const unsigned versions[2] = {0, NNLITE_SAVE_OPTIONS_VERSION + 1};
    char want[64];
    assert_int_equal(o.version, NNLITE_SAVE_OPTIONS_VERSION);
    assert_int_equal(o.optimizer, 1);
    for (size_t i = 0; i < 2; i++) {
        o.version = versions[i];
        snprintf(want, sizeof(want), "save options version %u is unknown",
                 versions[i]);
        memset(buf, 0xab, sizeof(buf));
        assert_int_equal(nnlite_model_save_buffer_advanced(m, buf,
                                                           sizeof(buf),
                                                           &size, &o),
                         NNLITE_EINVAL);
        assert_non_null(strstr(nnlite_model_last_error(m), want));
        assert_int_equal(buf[0], 0xab); /* nothing written */
        assert_int_equal(size, 7);
        assert_int_equal(nnlite_model_save_advanced(m, f->path, &o),
                         NNLITE_EINVAL);
        assert_non_null(strstr(nnlite_model_last_error(m), want));
        assert_int_equal(files_in(f->dir), 0);
    }
    o.version = NNLITE_SAVE_OPTIONS_VERSION;
    assert_int_equal(nnlite_model_save_advanced(NULL, f->path, &o),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_model_save_advanced(m, NULL, &o), NNLITE_EINVAL);
    assert_int_equal(nnlite_model_save_buffer_advanced(NULL, buf, 1, &size,
                                                       &o),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_model_save_buffer_advanced(m, buf, 1, NULL, &o),
                     NNLITE_EINVAL);

    /* A NaN in the optimizer's state stops a full save (the file could
     * not be loaded) but not an inference-only one, which leaves the
     * state out; NaN weights stop both. */
    train(m, f, 1);
    m->optimizer->state[0] = NAN;
    assert_int_equal(nnlite_model_save_buffer_advanced(m, buf, sizeof(buf),
                                                       &size, NULL),
                     NNLITE_ENUMERIC);
    assert_non_null(strstr(nnlite_model_last_error(m),
                           "optimizer state value 0"));
    o.optimizer = 0;
    assert_int_equal(nnlite_model_save_buffer_advanced(m, buf, sizeof(buf),
                                                       &size, &o),
                     NNLITE_OK);
    nnlite_model_params(m)[1] = NAN;
    assert_int_equal(nnlite_model_save_buffer_advanced(m, buf, sizeof(buf),
                                                       &size, &o),
                     NNLITE_ENUMERIC);
    assert_non_null(strstr(nnlite_model_last_error(m), "parameter 1"));
    nnlite_model_destroy(m);
}

/* The loader bounds counts by fixed record sizes (format_impl.h); they
 * must be what the writer writes: one more activation layer adds one
 * layer record, one metadata entry of a 1-byte name and no values adds
 * the smallest metadata record. */
static void test_io_record_sizes_match_the_writer(void **state)
{
    nnlite_model *m = NULL;
    size_t before, after;
    (void)state;
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    add_dense(m, 2, 3);
    assert_int_equal(nnlite_model_save_buffer(m, NULL, 0, &before),
                     NNLITE_OK);
    add_relu(m);
    assert_int_equal(nnlite_model_save_buffer(m, NULL, 0, &after),
                     NNLITE_OK);
    assert_int_equal(after - before, NNLITE__LAYER_RECORD_SIZE_V2);
    assert_int_equal(nnlite_model_set_metadata(m, "a", NULL, 0), NNLITE_OK);
    before = after;
    assert_int_equal(nnlite_model_save_buffer(m, NULL, 0, &after),
                     NNLITE_OK);
    assert_int_equal(after - before, NNLITE__METADATA_MIN_SIZE);
    unsigned char *buf = save(m, &after); /* and the image is that long */
    assert_int_equal(load_with_message(buf, after, NULL, 0), NNLITE_OK);
    test_free(buf);

    /* Asked for another size, the image writer refuses, and never
     * writes past the buffer it was given (test_malloc's guard bytes
     * would catch it). */
    for (size_t wrong = after - 1; wrong <= after + 1; wrong += 2) {
        buf = test_malloc(wrong);
        assert_false(nnlite__model_write_image(m, true, buf, wrong));
        test_free(buf);
    }
    buf = test_malloc(4);
    assert_false(nnlite__model_write_image(m, true, buf, 4)); /* no header */
    test_free(buf);
    nnlite_model_destroy(m);
}

static void test_io_load_argument_errors(void **state)
{
    fixture *f = *state;
    nnlite_model *m = (nnlite_model *)(uintptr_t)1;
    nnlite_load_options o = NNLITE_LOAD_OPTIONS_INIT;
    char msg[256] = "";
    const unsigned char byte = 0;
    assert_int_equal(nnlite_model_load(NULL, f->path), NNLITE_EINVAL);
    assert_int_equal(nnlite_model_load(&m, NULL), NNLITE_EINVAL);
    assert_null(m);
    assert_int_equal(nnlite_model_load_buffer(NULL, &byte, 1), NNLITE_EINVAL);
    assert_int_equal(nnlite_model_load_buffer(&m, NULL, 5), NNLITE_EINVAL);
    assert_int_equal(nnlite_model_load_buffer(&m, NULL, 0), NNLITE_EINVAL);
    o.version = 9;
    assert_int_equal(nnlite_model_load_buffer_advanced(&m, &byte, 1, &o),
                     NNLITE_EINVAL);
    /* Files that are missing or not files. */
    o = (nnlite_load_options)NNLITE_LOAD_OPTIONS_INIT;
    o.error = msg;
    o.error_size = sizeof(msg);
    assert_int_equal(nnlite_model_load_advanced(&m, f->path, &o),
                     NNLITE_EIO);
    assert_non_null(strstr(msg, f->path));
    assert_int_equal(nnlite_model_load_advanced(&m, f->dir, &o), NNLITE_EIO);
    assert_null(m);
}


static void test_io_load_refuses_special_and_foreign_files(void **state)
{
    fixture *f = *state;
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    nnlite_load_options o = NNLITE_LOAD_OPTIONS_INIT;
    nnlite_model *m = NULL;
    char msg[256] = "";
    o.allocator = &a;
    o.error = msg;
    o.error_size = sizeof(msg);
    /* A FIFO with no writer: refused at once, not waited on. */
    assert_int_equal(mkfifo(f->path, 0600), 0);
    assert_int_equal(nnlite_model_load_advanced(&m, f->path, &o), NNLITE_EIO);
    assert_non_null(strstr(msg, "not a regular file"));
    unlink(f->path);
    /* 64 MiB of something else: refused from its first bytes, before any
     * allocation of its size. */
    FILE *fp = fopen(f->path, "wb");
    assert_non_null(fp);
    assert_int_equal(ftruncate(fileno(fp), 64 << 20), 0);
    fclose(fp);
    assert_int_equal(nnlite_model_load_advanced(&m, f->path, &o),
                     NNLITE_EFORMAT);
    assert_non_null(strstr(msg, "magic"));
    assert_int_equal(st.calls, 0);
    /* A model file with bytes appended: refused from its header. */
    nnlite_model *good = make_adam_model();
    assert_int_equal(nnlite_model_save(good, f->path), NNLITE_OK);
    fp = fopen(f->path, "ab");
    assert_non_null(fp);
    fputs("trailing", fp);
    fclose(fp);
    assert_int_equal(nnlite_model_load_advanced(&m, f->path, &o),
                     NNLITE_EFORMAT);
    assert_non_null(strstr(msg, "body size"));
    assert_int_equal(st.calls, 0);
    assert_null(m);
    nnlite_model_destroy(good);
    /* An empty file says so (it used to be called "bad magic"). */
    fp = fopen(f->path, "wb");
    assert_non_null(fp);
    fclose(fp);
    assert_int_equal(nnlite_model_load_advanced(&m, f->path, &o),
                     NNLITE_EFORMAT);
    assert_non_null(strstr(msg, "empty (0 bytes)"));
    assert_null(strstr(msg, "magic"));
    /* So does the start of a model file, cut inside the magic. */
    fp = fopen(f->path, "wb");
    assert_non_null(fp);
    fwrite("\x89NNL", 1, 4, fp);
    fclose(fp);
    assert_int_equal(nnlite_model_load_advanced(&m, f->path, &o),
                     NNLITE_EFORMAT);
    assert_non_null(strstr(msg, "truncated: 4 bytes, shorter than the "
                                "24-byte header"));
    assert_int_equal(st.calls, 0);
}

/* ---- saving without losing anything -------------------------------------- */

/* A file-io table whose calls fail on demand. */
static int fail_open, fail_fsync, fail_close, fail_rename;
static long write_budget; /* bytes writes may still make; < 0: unlimited */

static int fake_open(const char *path, int flags, unsigned mode)
{
    if (fail_open) {
        errno = EACCES;
        return -1;
    }
    return nnlite__posix_file_io.open(path, flags, mode);
}

static long fake_write(int fd, const void *data, size_t size)
{
    if (write_budget >= 0 && (long)size > write_budget) {
        if (write_budget == 0) {
            errno = ENOSPC;
            return -1;
        }
        size = (size_t)write_budget; /* a short write, then a full disk */
    }
    long n = nnlite__posix_file_io.write(fd, data, size);
    if (write_budget >= 0 && n > 0) {
        write_budget -= n;
    }
    return n;
}

static int fake_fsync(int fd)
{
    if (fail_fsync) {
        errno = EIO;
        return -1;
    }
    return nnlite__posix_file_io.fsync(fd);
}

static int fake_close(int fd)
{
    int r = nnlite__posix_file_io.close(fd);
    if (fail_close) {
        errno = EIO;
        return -1;
    }
    return r;
}

static int fake_rename(const char *from, const char *to)
{
    if (fail_rename) {
        errno = EXDEV;
        return -1;
    }
    return nnlite__posix_file_io.rename(from, to);
}

static const nnlite__file_io fake_io = {
    fake_open, fake_write, fake_fsync, fake_close, fake_rename,
    unlink,
};

static void reset_faults(void)
{
    fail_open = fail_fsync = fail_close = fail_rename = 0;
    write_budget = -1;
}

/* Save must fail with EIO, keep the old file byte for byte, leave no
 * temporary file behind, and keep the model usable. */
static void expect_failed_save(fixture *f, nnlite_model *m,
                               const unsigned char *old, size_t old_size)
{
    unsigned char now[8192];
    FILE *fp;
    size_t n;
    assert_int_equal(nnlite__model_save_with(m, f->path, NULL, &fake_io),
                     NNLITE_EIO);
    assert_true(nnlite_model_last_error(m)[0] != '\0');
    fp = fopen(f->path, "rb");
    assert_non_null(fp);
    n = fread(now, 1, sizeof(now), fp);
    fclose(fp);
    assert_int_equal(n, old_size);
    assert_memory_equal(now, old, old_size);
    assert_int_equal(files_in(f->dir), 1);
    reset_faults();
}

static void test_io_failed_saves_keep_the_old_file(void **state)
{
    fixture *f = *state;
    nnlite_model *m = make_adam_model();
    size_t size;
    assert_int_equal(nnlite_model_save(m, f->path), NNLITE_OK);
    unsigned char *old = save(m, &size);
    assert_true(size < 8192);
    train(m, f, 1); /* the model now differs from the file */
    reset_faults();

    fail_open = 1;
    expect_failed_save(f, m, old, size);
    write_budget = 0; /* disk full at once */
    expect_failed_save(f, m, old, size);
    write_budget = 100; /* a short write, then full */
    expect_failed_save(f, m, old, size);
    assert_non_null(strstr(nnlite_model_last_error(m), "No space"));
    fail_fsync = 1;
    expect_failed_save(f, m, old, size);
    fail_close = 1;
    expect_failed_save(f, m, old, size);
    fail_rename = 1;
    expect_failed_save(f, m, old, size);
    /* With the faults gone the same model saves. */
    assert_int_equal(nnlite__model_save_with(m, f->path, NULL, &fake_io),
                     NNLITE_OK);
    test_free(old);
    nnlite_model_destroy(m);
}

static void test_io_save_errors(void **state)
{
    fixture *f = *state;
    nnlite_model *m = make_adam_model();
    char path[256];
    size_t size;
    unsigned char small[8];
    assert_int_equal(nnlite_model_save(NULL, f->path), NNLITE_EINVAL);
    assert_int_equal(nnlite_model_save(m, NULL), NNLITE_EINVAL);
    assert_int_equal(nnlite_model_save(m, ""), NNLITE_EINVAL);
    snprintf(path, sizeof(path), "%s/missing/model.nnl", f->dir);
    assert_int_equal(nnlite_model_save(m, path), NNLITE_EIO);
    assert_non_null(strstr(nnlite_model_last_error(m), "missing"));
    /* The target is a directory: rename fails, nothing is left behind. */
    assert_int_equal(nnlite_model_save(m, f->dir), NNLITE_EIO);
    assert_int_equal(files_in(f->dir), 0);
    /* Buffers. */
    assert_int_equal(nnlite_model_save_buffer(NULL, small, 8, &size),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_model_save_buffer(m, small, 8, NULL),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_model_save_buffer(m, NULL, 8, &size),
                     NNLITE_EINVAL);
    memset(small, 0xAB, sizeof(small));
    assert_int_equal(nnlite_model_save_buffer(m, small, 8, &size),
                     NNLITE_EINVAL);
    assert_true(size > 8);
    assert_non_null(strstr(nnlite_model_last_error(m), "needs"));
    for (size_t i = 0; i < 8; i++) {
        assert_int_equal(small[i], 0xAB); /* nothing written */
    }
    nnlite_model_destroy(m);
}

/* ---- metadata ------------------------------------------------------------ */

static void test_io_metadata_api(void **state)
{
    nnlite_model *m = NULL;
    const float one[1] = {1.0f}, two[2] = {2.0f, 3.0f};
    const float *v = NULL;
    size_t count = 99;
    char long_name[NNLITE_METADATA_NAME_MAX + 2];
    (void)state;
    assert_int_equal(nnlite_model_create(&m, 1, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_metadata_count(m), 0);
    assert_int_equal(nnlite_model_get_metadata(m, "a", &v, &count),
                     NNLITE_ENOTFOUND);
    assert_int_equal(nnlite_model_set_metadata(m, "a", one, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_set_metadata(m, "empty", NULL, 0),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_set_metadata(m, "a", two, 2), NNLITE_OK);
    assert_int_equal(nnlite_model_metadata_count(m), 2);
    assert_int_equal(nnlite_model_get_metadata(m, "a", &v, &count),
                     NNLITE_OK);
    assert_int_equal(count, 2);
    assert_true(v[0] == 2.0f && v[1] == 3.0f);
    assert_int_equal(nnlite_model_get_metadata(m, "empty", &v, &count),
                     NNLITE_OK);
    assert_int_equal(count, 0);
    assert_null(v);
    assert_string_equal(nnlite_model_metadata_name(m, 1), "empty");
    assert_null(nnlite_model_metadata_name(m, 2));
    /* Errors. */
    memset(long_name, 'x', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    assert_int_equal(nnlite_model_set_metadata(m, long_name, one, 1),
                     NNLITE_EINVAL);
    long_name[NNLITE_METADATA_NAME_MAX] = '\0'; /* exactly the maximum */
    assert_int_equal(nnlite_model_set_metadata(m, long_name, one, 1),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_set_metadata(m, "", one, 1), NNLITE_EINVAL);
    assert_int_equal(nnlite_model_set_metadata(m, NULL, one, 1),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_model_set_metadata(m, "b", NULL, 1),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_model_set_metadata(NULL, "b", one, 1),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_model_get_metadata(NULL, "a", &v, &count),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_model_get_metadata(m, NULL, &v, &count),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_model_get_metadata(m, "a", NULL, &count),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_model_get_metadata(m, "a", &v, NULL),
                     NNLITE_EINVAL);
    assert_int_equal(nnlite_model_metadata_count(NULL), 0);
    assert_null(nnlite_model_metadata_name(NULL, 0));
    nnlite_model_destroy(m);
}

/* ---- out of memory ------------------------------------------------------- */

static void test_io_every_allocation_failure(void **state)
{
    fixture *f = *state;
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    nnlite_load_options o = NNLITE_LOAD_OPTIONS_INIT;
    nnlite_model *m = make_adam_model(), *loaded = NULL;
    size_t size, total;
    train(m, f, 1);
    unsigned char *buf = save(m, &size);
    assert_int_equal(nnlite_model_save(m, f->path), NNLITE_OK);
    o.allocator = &a;

    assert_int_equal(nnlite_model_load_buffer_advanced(&loaded, buf, size, &o),
                     NNLITE_OK);
    total = st.calls;
    nnlite_model_destroy(loaded);
    for (size_t n = 1; n <= total; n++) {
        st = (test_alloc_state){0};
        st.fail_at = n;
        loaded = (nnlite_model *)(uintptr_t)1;
        assert_int_equal(
            nnlite_model_load_buffer_advanced(&loaded, buf, size, &o),
            NNLITE_ENOMEM);
        assert_null(loaded);
        assert_int_equal(st.live, 0);
        st = (test_alloc_state){0};
        st.fail_at = n;
        nnlite_status s = nnlite_model_load_advanced(&loaded, f->path, &o);
        assert_true(s == NNLITE_ENOMEM || s == NNLITE_OK);
        nnlite_model_destroy(loaded);
        assert_int_equal(st.live, 0);
    }
    /* Saving a model built with a failing allocator: ENOMEM, then fine. */
    st = (test_alloc_state){0};
    assert_int_equal(nnlite_model_load_buffer_advanced(&loaded, buf, size, &o),
                     NNLITE_OK);
    for (size_t n = 1; n <= 2; n++) {
        st.fail_at = st.calls + n;
        assert_int_equal(nnlite_model_save(loaded, f->path), NNLITE_ENOMEM);
        st.fail_at = 0;
        assert_int_equal(nnlite_model_save(loaded, f->path), NNLITE_OK);
    }
    /* An inference-only save allocates the same two blocks (image, then
     * the temporary name): each failure ENOMEM, then fine. */
    nnlite_save_options so = NNLITE_SAVE_OPTIONS_INIT;
    so.optimizer = 0;
    for (size_t n = 1; n <= 2; n++) {
        st.fail_at = st.calls + n;
        assert_int_equal(nnlite_model_save_advanced(loaded, f->path, &so),
                         NNLITE_ENOMEM);
        assert_non_null(strstr(nnlite_model_last_error(loaded),
                               "out of memory"));
        st.fail_at = 0;
        assert_int_equal(nnlite_model_save_advanced(loaded, f->path, &so),
                         NNLITE_OK);
    }
    const size_t before_buffer_save = st.calls;
    size_t image_size;
    unsigned char *image = save_with(loaded, 0, &image_size);
    assert_int_equal(st.calls, before_buffer_save); /* allocates nothing */
    test_free(image);
    st.fail_at = st.calls + 1;
    assert_int_equal(nnlite_model_set_metadata(loaded, "scale", NULL, 0),
                     NNLITE_ENOMEM);
    assert_int_equal(nnlite_model_metadata_count(loaded), 2); /* kept */
    nnlite_model_destroy(loaded);
    assert_int_equal(st.live, 0);
    test_free(buf);
    nnlite_model_destroy(m);
}

/* ---- version-2 layer records ---------------------------------------- */

/*
 * [standardize(2), dense 2 -> 2, dropout 0.375, destandardize(2)]. The
 * records, from LAYER_COUNT_AT + 4:
 *   standardize   at  72: kind, 2, 2, slope, K = 4, mean[2], std[2]: 48
 *   dense         at 120: K = 0: 32
 *   dropout       at 152: K = 1, p: 36
 *   destandardize at 188: K = 4, mean[2], std[2]: 48
 * then the parameter count at 236.
 */
#define STD_AT (LAYER_COUNT_AT + 4)
#define DENSE_AT (STD_AT + 48)
#define DROPOUT_AT (DENSE_AT + 32)
#define DESTD_AT (DROPOUT_AT + 36)
#define PARAMS_AT (DESTD_AT + 48)
#define VALUES 32 /* a record's values follow its 24 v1 bytes and K */
#define K_AT 24

static const float in_mean[2] = {1.0f, -2.0f}, in_std[2] = {0.5f, 4.0f};
static const float out_mean[2] = {10.0f, 20.0f}, out_std[2] = {3.0f, 0.25f};

static nnlite_model *make_scaled_model(void)
{
    nnlite_model *m = NULL;
    nnlite_layer *l = NULL;
    assert_int_equal(nnlite_model_create(&m, 2, 5), NNLITE_OK);
    add_created(m, nnlite_standardize_create(&l, 2, in_mean, in_std), &l);
    add_dense(m, 2, 2);
    add_created(m, nnlite_dropout_create(&l, 0.375f), &l);
    add_created(m, nnlite_destandardize_create(&l, 2, out_mean, out_std),
                &l);
    set_mse(m);
    set_sgd(m, 0.1f, 0.0f);
    return m;
}

static void assert_f32_at(const unsigned char *buf, size_t size,
                          size_t offset, float want)
{
    nnlite__reader r = {buf, buf + offset, buf + size};
    float v;
    assert_true(nnlite__get_f32(&r, &v));
    assert_true(v == want);
}

static void assert_u64_at(const unsigned char *buf, size_t size,
                          size_t offset, uint64_t want)
{
    nnlite__reader r = {buf, buf + offset, buf + size};
    uint64_t v;
    assert_true(nnlite__get_u64(&r, &v));
    assert_int_equal(v, want);
}

/* The records hold what docs/model-format.md says, and a loaded model
 * gives the same outputs bit for bit and the same scaling values. */
static void test_io_layer_values_round_trip(void **state)
{
    fixture *f = *state;
    nnlite_model *a = make_scaled_model(), *b = NULL;
    float ya[ROWS * 2], yb[ROWS * 2];
    nnlite_tensor *x = NULL, *y = NULL;
    const float *mean, *std;
    size_t size, features;
    unsigned char *buf = save(a, &size);
    assert_u64_at(buf, size, STD_AT + K_AT, 4);
    assert_f32_at(buf, size, STD_AT + VALUES + 8, 0.5f);  /* std[0] */
    assert_f32_at(buf, size, STD_AT + VALUES + 12, 4.0f); /* std[1] */
    assert_u64_at(buf, size, DENSE_AT + K_AT, 0);
    assert_u64_at(buf, size, DROPOUT_AT + K_AT, 1);
    assert_f32_at(buf, size, DROPOUT_AT + VALUES, 0.375f);
    assert_u64_at(buf, size, DESTD_AT + K_AT, 4);
    assert_f32_at(buf, size, DESTD_AT + VALUES + 4, 20.0f); /* mean[1] */
    assert_u64_at(buf, size, PARAMS_AT, 6);
    assert_int_equal(nnlite_model_load_buffer(&b, buf, size), NNLITE_OK);
    assert_same_model(a, b);
    float p = 0.0f;
    assert_int_equal(nnlite_layer_dropout(nnlite_model_layer(b, 2), &p),
                     NNLITE_OK);
    assert_true(p == 0.375f);
    assert_int_equal(nnlite_layer_scaling(nnlite_model_layer(b, 3), &mean,
                                          &std, &features),
                     NNLITE_OK);
    assert_int_equal(features, 2);
    assert_memory_equal(mean, out_mean, sizeof(out_mean));
    assert_memory_equal(std, out_std, sizeof(out_std));
    /* The first two input columns of the fixture, through both models. */
    assert_int_equal(nnlite_tensor_wrap2d(&x, f->xs, ROWS, 2), NNLITE_OK);
    assert_int_equal(nnlite_tensor_wrap2d(&y, ya, ROWS, 2), NNLITE_OK);
    assert_int_equal(nnlite_model_forward(a, x, y), NNLITE_OK);
    nnlite_tensor_destroy(y);
    assert_int_equal(nnlite_tensor_wrap2d(&y, yb, ROWS, 2), NNLITE_OK);
    assert_int_equal(nnlite_model_forward(b, x, y), NNLITE_OK);
    nnlite_tensor_destroy(y);
    nnlite_tensor_destroy(x);
    assert_memory_equal(ya, yb, sizeof(ya));
    test_free(buf);
    nnlite_model_destroy(a);
    nnlite_model_destroy(b);
}

typedef struct bad_record {
    size_t offset;
    int is_count; /* patch a u64 count, else an f32 value */
    uint64_t count;
    float value;
    const char *message;
} bad_record;

/* The test allocator, also recording the largest request. */
typedef struct sized_state {
    test_alloc_state inner;
    size_t largest;
} sized_state;

static void *sized_alloc(void *user, size_t size)
{
    sized_state *st = user;
    st->largest = size > st->largest ? size : st->largest;
    return test_alloc_hook(&st->inner, size);
}

static void sized_free(void *user, void *ptr)
{
    test_free_hook(&((sized_state *)user)->inner, ptr);
}

/* Values and counts the constructors would refuse are refused, with the
 * constructors' own words; hostile counts allocate nothing big. */
static void test_io_rejects_bad_layer_values(void **state)
{
    const bad_record cases[] = {
        {DROPOUT_AT + VALUES, 0, 0, 1.0f,
         "layer 3: p 1 is outside [0, 1)"},
        {DROPOUT_AT + VALUES, 0, 0, NAN, "layer 3: p nan is outside"},
        {STD_AT + VALUES + 8, 0, 0, 0.0f,
         "layer 1: std[0] 0 is not positive and finite"},
        {DESTD_AT + VALUES + 12, 0, 0, -INFINITY,
         "layer 4: std[1] -inf is not positive and finite"},
        {STD_AT + VALUES + 4, 0, 0, NAN, "layer 1: mean[1] nan is not"},
        {DENSE_AT + K_AT, 1, 1, 0.0f,
         "layer 2: a dense layer stores no values, but 1 follow it"},
        {DROPOUT_AT + K_AT, 1, 0, 0.0f,
         "layer 3: a dropout layer stores 1 value (p), not 0"},
        {STD_AT + K_AT, 1, 3, 0.0f,
         "layer 1: a scaling layer of 2 -> 2 features stores 2 x 2 "
         "values, not 3"},
        {STD_AT + K_AT, 1, 1ull << 62, 0.0f,
         "layer value count 4611686018427387904 exceeds"},
        {DESTD_AT + K_AT, 1, UINT64_MAX, 0.0f, "exceeds"},
    };
    sized_state st = {{0}, 0};
    nnlite_allocator a = {sized_alloc, sized_free, &st};
    nnlite_load_options o = NNLITE_LOAD_OPTIONS_INIT;
    nnlite_model *m = make_scaled_model(), *loaded = NULL;
    char msg[256];
    size_t size;
    (void)state;
    unsigned char *good = save(m, &size);
    unsigned char *buf = test_malloc(size);
    o.allocator = &a;
    o.error = msg;
    o.error_size = sizeof(msg);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const bad_record *c = &cases[i];
        memcpy(buf, good, size);
        nnlite__writer w = patch_at(buf, size, c->offset);
        if (c->is_count) {
            nnlite__put_u64(&w, c->count);
        } else {
            nnlite__put_f32(&w, c->value);
        }
        reseal(buf, size);
        st = (sized_state){{0}, 0};
        loaded = (nnlite_model *)(uintptr_t)1;
        assert_int_equal(
            nnlite_model_load_buffer_advanced(&loaded, buf, size, &o),
            NNLITE_EFORMAT);
        assert_null(loaded);
        if (strstr(msg, c->message) == NULL) {
            fail_msg("case %zu: \"%s\" lacks \"%s\"", i, msg, c->message);
        }
        assert_int_equal(st.inner.live, 0);
        /* Nothing sized by a hostile count: the largest block is the
         * model struct (its message buffer), not the count's bytes. */
        assert_true(st.largest <= sizeof(nnlite_model));
    }
    test_free(buf);
    test_free(good);
    nnlite_model_destroy(m);
}

/* Every bit of every layer record flipped, the checksum made to match:
 * the parser itself must refuse or accept each, never crash or leak
 * (ASan and CMocka's leak check watch), and a refusal says why. */
static void test_io_layer_records_survive_bit_flips(void **state)
{
    nnlite_model *m = make_scaled_model();
    char msg[256];
    size_t size, refused = 0, total = 0;
    (void)state;
    unsigned char *buf = save(m, &size);
    for (size_t i = LAYER_COUNT_AT; i < PARAMS_AT; i++) {
        for (int bit = 0; bit < 8; bit++) {
            buf[i] ^= (unsigned char)(1u << bit);
            reseal(buf, size);
            msg[0] = '\0';
            nnlite_status s = load_with_message(buf, size, msg, sizeof(msg));
            if (s != NNLITE_OK) {
                assert_int_equal(s, NNLITE_EFORMAT);
                assert_true(msg[0] != '\0');
                refused++;
            }
            total++;
            buf[i] ^= (unsigned char)(1u << bit);
        }
    }
    reseal(buf, size);
    printf("%zu resealed bit flips in the layer records: %zu refused\n",
           total, refused);
    /* Most flips break a kind, a width or a count; some only change a
     * value to another valid one. */
    assert_true(refused > total / 2 && refused < total);
    assert_int_equal(load_with_message(buf, size, NULL, 0), NNLITE_OK);
    test_free(buf);
    nnlite_model_destroy(m);
}

/* A version-2 image with every value count (and value) cut out, and the
 * 4-byte loss delta at delta_at (0: none to cut), marked version 1: how
 * an older library wrote the model. */
static unsigned char *records_as_version_1(const unsigned char *v2,
                                           size_t size,
                                           const size_t *records,
                                           size_t count, size_t delta_at,
                                           size_t *v1_size)
{
    unsigned char *v1 = test_malloc(size);
    size_t from = 0, to = 0;
    for (size_t i = 0; i <= count; i++) {
        size_t cut, skip;
        if (i < count) {
            nnlite__reader r = {v2, v2 + records[i] + K_AT, v2 + size};
            uint64_t k = 0;
            assert_true(nnlite__get_u64(&r, &k));
            cut = records[i] + K_AT;
            skip = 8 + 4 * (size_t)k;
        } else if (delta_at != 0) {
            cut = delta_at;
            skip = 4;
        } else {
            break;
        }
        memcpy(v1 + to, v2 + from, cut - from);
        to += cut - from;
        from = cut + skip;
    }
    memcpy(v1 + to, v2 + from, size - from);
    to += size - from;
    v1[8] = 1;
    nnlite__writer w = patch_at(v1, to, 16);
    nnlite__put_u64(&w, (uint64_t)(to - 28));
    reseal(v1, to);
    *v1_size = to;
    return v1;
}

static void test_io_reads_version_1_records(void **state)
{
    nnlite_model *m = NULL, *b = NULL;
    char msg[256];
    size_t size, v1_size;
    (void)state;
    /* Kinds of version 1: the same model. */
    assert_int_equal(nnlite_model_create(&m, 2, 1), NNLITE_OK);
    add_dense(m, 2, 3);
    add_relu(m);
    add_dense(m, 3, 1);
    unsigned char *buf = save(m, &size);
    const size_t plain[3] = {STD_AT, STD_AT + 32, STD_AT + 64};
    /* after the records: P = 13, 13 floats, the loss kind, its delta */
    const size_t delta_at = STD_AT + 96 + 8 + 13 * 4 + 4;
    unsigned char *v1 =
        records_as_version_1(buf, size, plain, 3, delta_at, &v1_size);
    assert_int_equal(v1_size, size - 28);
    assert_int_equal(nnlite_model_load_buffer(&b, v1, v1_size), NNLITE_OK);
    assert_same_model(m, b);
    nnlite_model_destroy(b);
    test_free(v1);
    test_free(buf);
    nnlite_model_destroy(m);

    /* A version-1 file cannot hold the newer kinds: no values. */
    m = make_scaled_model();
    buf = save(m, &size);
    const size_t scaled[4] = {STD_AT, DENSE_AT, DROPOUT_AT, DESTD_AT};
    v1 = records_as_version_1(buf, size, scaled, 4, 0, &v1_size);
    assert_int_equal(load_with_message(v1, v1_size, msg, sizeof(msg)),
                     NNLITE_EFORMAT);
    assert_non_null(strstr(msg, "layer 1: a scaling layer of 2 -> 2 "
                                "features stores 2 x 2 values, not 0"));
    test_free(v1);
    test_free(buf);
    nnlite_model_destroy(m);
}

/* Loading a Huber model with AMSGrad state (the loss rebuilt with its
 * delta, the optimizer's three state arrays): every allocation failed in
 * turn gives ENOMEM and leaks nothing. */
static void test_io_version_2_load_allocation_failures(void **state)
{
    fixture *f = *state;
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    nnlite_load_options o = NNLITE_LOAD_OPTIONS_INIT;
    const nnlite_optimizer_options amsgrad = amsgrad_options();
    nnlite_model *m = make_huber_model(&amsgrad), *loaded = NULL;
    size_t size, total;
    train(m, f, 1);
    unsigned char *buf = save(m, &size);
    o.allocator = &a;
    assert_int_equal(nnlite_model_load_buffer_advanced(&loaded, buf, size, &o),
                     NNLITE_OK);
    total = st.calls;
    assert_true(nnlite_loss_huber_delta(loaded->loss) == 0.3f);
    nnlite_model_destroy(loaded);
    assert_true(total >= 4); /* model, layers, loss, optimizer, state */
    for (size_t n = 1; n <= total; n++) {
        st = (test_alloc_state){0};
        st.fail_at = n;
        loaded = (nnlite_model *)(uintptr_t)1;
        assert_int_equal(
            nnlite_model_load_buffer_advanced(&loaded, buf, size, &o),
            NNLITE_ENOMEM);
        assert_null(loaded);
        assert_int_equal(st.live, 0);
    }
    test_free(buf);
    nnlite_model_destroy(m);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_io_buffer_round_trip),
        T(test_io_resume_is_bit_identical),
        T(test_io_file_round_trip_and_replace),
        T(test_io_untrained_and_empty_models),
        T(test_io_crc32c_check_value),
        T(test_io_header_layout),
        T(test_io_rejects_every_truncation),
        T(test_io_rejects_every_bit_flip),
        T(test_io_rejects_magic_version_flags),
        T(test_io_oversized_counts_allocate_nothing_big),
        T(test_io_rejects_inconsistent_models),
        T(test_io_rejects_inconsistent_optimizer_state),
        T(test_io_version_2_fields_round_trip),
        T(test_io_rejects_bad_version_2_fields),
        T(test_io_loads_version_1),
        T(test_io_inference_only_sizes),
        T(test_io_inference_only_round_trip),
        T(test_io_save_options_errors),
        T(test_io_record_sizes_match_the_writer),
        T(test_io_load_argument_errors),
        T(test_io_load_refuses_special_and_foreign_files),
        T(test_io_failed_saves_keep_the_old_file),
        T(test_io_save_errors),
        T(test_io_metadata_api),
        T(test_io_every_allocation_failure),
        T(test_io_layer_values_round_trip),
        T(test_io_rejects_bad_layer_values),
        T(test_io_layer_records_survive_bit_flips),
        T(test_io_reads_version_1_records),
        T(test_io_version_2_load_allocation_failures),
    };
#undef T
    return cmocka_run_group_tests_name("io", tests, NULL, NULL);
}
