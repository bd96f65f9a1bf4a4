/* Model bytes the other io tests do not reach (docs/coverage.md): images
 * cut inside the body and resealed (a valid checksum and body size), so
 * every "no room for" path of the loader runs; sizes that overflow while
 * counting; and the file calls' rarer failures (interrupted and empty
 * writes, name clashes, unknown errno values, directories that cannot be
 * opened). */
#define _POSIX_C_SOURCE 200809L

#include "model_util.h"

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
#include "model_impl.h"

/* ---- models and images --------------------------------------------------- */

/* 2 -> 3 -> 1 with every value-carrying layer kind, the given loss and
 * optimizer (either may be absent), and two metadata. */
static nnlite_model *make(int loss, int optimizer)
{
    nnlite_model *m = NULL;
    nnlite_layer *l = NULL;
    const float mean[2] = {0.5f, -1.0f}, sd[2] = {2.0f, 0.25f};
    const float meta[2] = {1.0f, 2.0f};
    assert_int_equal(nnlite_model_create(&m, 2, 5), NNLITE_OK);
    add_created(m, nnlite_standardize_create(&l, 2, mean, sd), &l);
    add_dense(m, 2, 3);
    add_created(m, nnlite_dropout_create(&l, 0.25f), &l);
    add_created(m, nnlite_leaky_relu_create(&l, 0.1f), &l);
    add_dense(m, 3, 1);
    if (loss) {
        nnlite_loss *h = NULL;
        assert_int_equal(nnlite_loss_huber_create(&h, 0.5f), NNLITE_OK);
        assert_int_equal(nnlite_model_set_loss(m, h), NNLITE_OK);
    }
    if (optimizer) {
        nnlite_optimizer *o = NULL;
        nnlite_optimizer_options opt = NNLITE_ADAM_OPTIONS_INIT;
        opt.amsgrad = 1;
        assert_int_equal(nnlite_optimizer_create(&o, &opt), NNLITE_OK);
        assert_int_equal(nnlite_model_set_optimizer(m, o), NNLITE_OK);
    }
    assert_int_equal(nnlite_model_set_metadata(m, "mean", meta, 2),
                     NNLITE_OK);
    assert_int_equal(nnlite_model_set_metadata(m, "s", meta, 1), NNLITE_OK);
    return m;
}

static unsigned char *image_of(nnlite_model *m, size_t *size)
{
    unsigned char *buf;
    assert_int_equal(nnlite_model_save_buffer(m, NULL, 0, size), NNLITE_OK);
    buf = test_malloc(*size);
    assert_int_equal(nnlite_model_save_buffer(m, buf, *size, size),
                     NNLITE_OK);
    return buf;
}

/* Header, the first `body` bytes of src's body, a fresh checksum; the
 * header's body size says `body`. */
static size_t resealed(unsigned char *dst, const unsigned char *src,
                       size_t body)
{
    nnlite__writer w = nnlite__writer_to(dst + 16, 8);
    memcpy(dst, src, NNLITE__HEADER_SIZE + body);
    nnlite__put_u64(&w, (uint64_t)body);
    const size_t size = NNLITE__HEADER_SIZE + body + NNLITE__TRAILER_SIZE;
    w = nnlite__writer_to(dst + size - 4, 4);
    nnlite__put_u32(&w, nnlite__crc32c(0, dst, size - 4));
    return size;
}

static nnlite_status load(const unsigned char *buf, size_t size, char *msg)
{
    nnlite_load_options o = NNLITE_LOAD_OPTIONS_INIT;
    nnlite_model *m = NULL;
    o.error = msg;
    o.error_size = 256;
    msg[0] = '\0';
    nnlite_status s = nnlite_model_load_buffer_advanced(&m, buf, size, &o);
    if (s != NNLITE_OK) {
        assert_null(m);
    }
    nnlite_model_destroy(m);
    return s;
}

/* Every cut of the body, resealed, is refused with a message; so is one
 * byte too many. */
static void check_every_resealed_cut(nnlite_model *m)
{
    size_t size, refused = 0;
    char msg[256];
    unsigned char *src = image_of(m, &size);
    unsigned char *buf = test_malloc(size + 1);
    const size_t body = size - NNLITE__HEADER_SIZE - NNLITE__TRAILER_SIZE;
    for (size_t k = 0; k < body; k++) {
        size_t n = resealed(buf, src, k);
        assert_int_equal(load(buf, n, msg), NNLITE_EFORMAT);
        assert_true(msg[0] != '\0');
        assert_null(strstr(msg, "checksum"));
        refused++;
    }
    /* One stray byte at the end of the body. */
    {
        unsigned char *longer = test_malloc(size + 1);
        memcpy(longer, src, size - NNLITE__TRAILER_SIZE);
        longer[size - NNLITE__TRAILER_SIZE] = 0;
        nnlite__writer w = nnlite__writer_to(longer + 16, 8);
        nnlite__put_u64(&w, (uint64_t)(body + 1));
        w = nnlite__writer_to(longer + size - 3, 4);
        nnlite__put_u32(&w, nnlite__crc32c(0, longer, size - 3));
        assert_int_equal(load(longer, size + 1, msg), NNLITE_EFORMAT);
        assert_non_null(strstr(msg, "unexpected bytes at the end"));
        test_free(longer);
    }
    assert_int_equal(refused, body);
    test_free(buf);
    test_free(src);
    nnlite_model_destroy(m);
}

static void test_cover_io_every_resealed_cut(void **state)
{
    (void)state;
    check_every_resealed_cut(make(1, 1));
    check_every_resealed_cut(make(0, 0));
}

/* A u32 or u64 (little-endian) at `at`, then a fresh checksum. */
static void patch(unsigned char *buf, size_t size, size_t at, uint64_t v,
                  int bytes)
{
    nnlite__writer w = nnlite__writer_to(buf + at, (size_t)bytes);
    if (bytes == 4) {
        nnlite__put_u32(&w, (uint32_t)v);
    } else {
        nnlite__put_u64(&w, v);
    }
    w = nnlite__writer_to(buf + size - 4, 4);
    nnlite__put_u32(&w, nnlite__crc32c(0, buf, size - 4));
}

static void reseal(unsigned char *buf, size_t size)
{
    nnlite__writer w = nnlite__writer_to(buf + size - 4, 4);
    nnlite__put_u32(&w, nnlite__crc32c(0, buf, size - 4));
}

/* Offsets of the model record: input width at 24, the generator at 32,
 * the initialised flag at 64, the layer count at 68, the first layer's
 * kind at 72. */
static void test_cover_io_model_record_fields(void **state)
{
    size_t size;
    char msg[256];
    nnlite_model *m = make(0, 0);
    unsigned char *src = image_of(m, &size);
    unsigned char *buf = test_malloc(size);
    (void)state;
    struct {
        size_t at;
        uint64_t value;
        int bytes;
        const char *says;
    } cases[] = {
        {24, 0, 8, "invalid model header"},
        {64, 2, 4, "invalid model header"},
        {72, 99, 4, "layer 1"},       /* no such kind */
        {76, 3, 8, "layer 1"},        /* standardize over 3, input 2 */
        {84, 3, 8, "layer 1"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memcpy(buf, src, size);
        patch(buf, size, cases[i].at, cases[i].value, cases[i].bytes);
        assert_int_equal(load(buf, size, msg), NNLITE_EFORMAT);
        assert_non_null(strstr(msg, cases[i].says));
    }
    /* A zero generator state. */
    memcpy(buf, src, size);
    for (size_t at = 32; at < 64; at += 8) {
        patch(buf, size, at, 0, 8);
    }
    assert_int_equal(load(buf, size, msg), NNLITE_EFORMAT);
    assert_non_null(strstr(msg, "invalid model header"));
    test_free(buf);
    test_free(src);
    nnlite_model_destroy(m);
}

/* The bytes of a metadata record found by its name. */
static size_t find(const unsigned char *buf, size_t size, const char *what,
                   size_t n)
{
    for (size_t i = 0; i + n <= size; i++) {
        if (memcmp(buf + i, what, n) == 0) {
            return i;
        }
    }
    fail_msg("%s not in the image", what);
    return 0;
}

static void test_cover_io_metadata_records(void **state)
{
    size_t size;
    char msg[256];
    nnlite_model *m = make(1, 0);
    unsigned char *src = image_of(m, &size);
    unsigned char *buf = test_malloc(size);
    const size_t mean = find(src, size, "mean", 4); /* name length before */
    const size_t s = find(src, size, "\x01\0\0\0s", 5) + 4;
    (void)state;

    memcpy(buf, src, size); /* length 0 */
    patch(buf, size, mean - 4, 0, 4);
    assert_int_equal(load(buf, size, msg), NNLITE_EFORMAT);
    assert_non_null(strstr(msg, "invalid name length"));
    memcpy(buf, src, size); /* longer than allowed */
    patch(buf, size, mean - 4, NNLITE_METADATA_NAME_MAX + 1, 4);
    assert_int_equal(load(buf, size, msg), NNLITE_EFORMAT);
    assert_non_null(strstr(msg, "invalid name length"));
    memcpy(buf, src, size); /* longer than what remains */
    patch(buf, size, s - 4, 30, 4);
    assert_int_equal(load(buf, size, msg), NNLITE_EFORMAT);
    memcpy(buf, src, size); /* a NUL inside the name */
    buf[mean + 1] = '\0';
    reseal(buf, size);
    assert_int_equal(load(buf, size, msg), NNLITE_EFORMAT);
    assert_non_null(strstr(msg, "NUL byte"));
    test_free(buf);
    test_free(src);
    nnlite_model_destroy(m);

    /* Two entries of one name. */
    nnlite_model *d = NULL;
    const float v = 1.0f;
    assert_int_equal(nnlite_model_create(&d, 1, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_set_metadata(d, "a", &v, 1), NNLITE_OK);
    assert_int_equal(nnlite_model_set_metadata(d, "b", &v, 1), NNLITE_OK);
    src = image_of(d, &size);
    const size_t b = find(src, size, "\x01\0\0\0b", 5) + 4;
    src[b] = 'a';
    reseal(src, size);
    assert_int_equal(load(src, size, msg), NNLITE_EFORMAT);
    assert_non_null(strstr(msg, "appears twice"));
    test_free(src);
    nnlite_model_destroy(d);
}

/* ---- more record fields -------------------------------------------------- */

/* 2 -> 2 -> 1 (dense, relu, dense), Adam at a learning rate whose bytes
 * mark where the optimizer record is, no loss, no metadata. */
#define MARK_LR 0.0123f

static nnlite_model *make_marked(void)
{
    nnlite_model *m = NULL;
    nnlite_optimizer *o = NULL;
    nnlite_optimizer_options opt = NNLITE_ADAM_OPTIONS_INIT;
    opt.learning_rate = MARK_LR;
    assert_int_equal(nnlite_model_create(&m, 2, 3), NNLITE_OK);
    add_dense(m, 2, 2);
    add_relu(m);
    add_dense(m, 2, 1);
    assert_int_equal(nnlite_optimizer_create(&o, &opt), NNLITE_OK);
    assert_int_equal(nnlite_model_set_optimizer(m, o), NNLITE_OK);
    return m;
}

static void test_cover_io_optimizer_and_layer_fields(void **state)
{
    size_t size;
    char msg[256];
    const float lr = MARK_LR;
    unsigned char bits[4];
    nnlite_model *m = make_marked();
    unsigned char *src = image_of(m, &size);
    unsigned char *buf = test_malloc(size);
    nnlite__writer w = nnlite__writer_to(bits, 4);
    (void)state;
    nnlite__put_f32(&w, lr);
    /* The record: flag, kind, then the learning rate at L; Nesterov at
     * L+8, decoupled at L+28, the step count at L+40, the state size at
     * L+64, the state from L+72. */
    const size_t at = find(src, size, (const char *)bits, 4);
    struct {
        size_t at;
        uint64_t value;
        int bytes;
        nnlite_status expect;
    } cases[] = {
        {at - 8, 2, 4, NNLITE_EFORMAT},  /* optimizer flag */
        {at + 8, 2, 4, NNLITE_EFORMAT},  /* Nesterov */
        {at + 28, 2, 4, NNLITE_EFORMAT}, /* decoupled */
        {at + 64, 0, 8, NNLITE_EFORMAT}, /* no state, then stray bytes */
        {at + 72, 0x7fc00000u, 4, NNLITE_EFORMAT}, /* NaN state value */
        {140, 4, 8, NNLITE_EFORMAT}, /* layer 3 widths 4 -> 1 after 2 */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        memcpy(buf, src, size);
        patch(buf, size, cases[i].at, cases[i].value, cases[i].bytes);
        assert_int_equal(load(buf, size, msg), cases[i].expect);
    }
    test_free(buf);
    test_free(src);
    nnlite_model_destroy(m);
}

/* Models without parameters: every cut (the parameter count, and with
 * layer values the last layer record, can be short); without layers:
 * an initialised flag of 1 loads as uninitialised. */
static void test_cover_io_model_without_layers(void **state)
{
    nnlite_model *m = NULL;
    size_t size;
    char msg[256];
    (void)state;
    assert_int_equal(nnlite_model_create(&m, 2, 3), NNLITE_OK);
    add_relu(m);
    check_every_resealed_cut(m);
    /* Values but no parameters: the layer count is bounded by the record
     * size alone, so a cut can fall inside the last record. */
    const float mean[8] = {0.5f, -1.0f, 0, 1, 2, 3, 4, 5};
    const float sd[8] = {2.0f, 0.25f, 1, 1, 1, 1, 1, 1};
    nnlite_layer *l = NULL;
    assert_int_equal(nnlite_model_create(&m, 8, 3), NNLITE_OK);
    add_created(m, nnlite_standardize_create(&l, 8, mean, sd), &l);
    add_created(m, nnlite_dropout_create(&l, 0.5f), &l);
    add_relu(m);
    add_relu(m);
    check_every_resealed_cut(m);
    assert_int_equal(nnlite_model_create(&m, 2, 3), NNLITE_OK);
    unsigned char *src = image_of(m, &size);
    patch(src, size, 64, 1, 4);
    assert_int_equal(load(src, size, msg), NNLITE_OK);
    test_free(src);
    nnlite_model_destroy(m);
}

/* Short inputs that are not the start of the magic; an error buffer of
 * no bytes. */
static void test_cover_io_short_inputs(void **state)
{
    nnlite_load_options o = NNLITE_LOAD_OPTIONS_INIT;
    nnlite_model *m = NULL;
    char msg[256], untouched = 'x';
    (void)state;
    assert_int_equal(load((const unsigned char *)"abc", 3, msg),
                     NNLITE_EFORMAT);
    assert_non_null(strstr(msg, "bad magic"));
    o.error = &untouched;
    o.error_size = 0;
    assert_int_equal(nnlite_model_load_buffer_advanced(&m, "abc", 3, &o),
                     NNLITE_EFORMAT);
    assert_int_equal(untouched, 'x');
}

/* Linux only: sysfs attributes are regular files that say 4096 bytes and
 * read fewer (an early end) or fail to read (lo has no speed): the loader
 * reports a read error, not a format error. Skipped where they are not
 * there. */
static void test_cover_io_reads_that_end_or_fail(void **state)
{
    const char *paths[] = {"/sys/devices/system/cpu/online",
                           "/sys/class/net/lo/speed"};
    size_t tried = 0;
    (void)state;
    for (size_t i = 0; i < 2; i++) {
        struct stat st;
        nnlite_load_options o = NNLITE_LOAD_OPTIONS_INIT;
        nnlite_model *m = NULL;
        char msg[256] = "";
        if (stat(paths[i], &st) != 0 || !S_ISREG(st.st_mode) ||
            st.st_size < NNLITE__HEADER_SIZE) {
            continue;
        }
        o.error = msg;
        o.error_size = sizeof(msg);
        assert_int_equal(nnlite_model_load_advanced(&m, paths[i], &o),
                         NNLITE_EIO);
        assert_non_null(strstr(msg, "cannot read"));
        tried++;
    }
    if (tried == 0) {
        skip();
    }
}

/* Loading a deep model with every allocation failing in turn: the layer
 * list grows while layers are added. Nothing leaks; ENOMEM each time. */
static void test_cover_io_deep_load_allocation_failures(void **state)
{
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    nnlite_load_options o = NNLITE_LOAD_OPTIONS_INIT;
    nnlite_model *m = NULL;
    size_t size, failed = 0;
    char msg[256];
    (void)state;
    assert_int_equal(nnlite_model_create(&m, 2, 3), NNLITE_OK);
    for (int i = 0; i < 40; i++) {
        add_relu(m);
    }
    unsigned char *src = image_of(m, &size);
    nnlite_model_destroy(m);
    m = NULL;
    o.allocator = &a;
    o.error = msg;
    o.error_size = sizeof(msg);
    for (size_t n = 1;; n++) {
        st.fail_at = st.calls + n;
        nnlite_status s = nnlite_model_load_buffer_advanced(&m, src, size,
                                                            &o);
        st.fail_at = 0;
        if (s == NNLITE_OK) {
            break;
        }
        assert_int_equal(s, NNLITE_ENOMEM);
        assert_null(m);
        assert_int_equal(st.live, 0);
        failed++;
    }
    assert_true(failed > 40);
    nnlite_model_destroy(m);
    assert_int_equal(st.live, 0);
    test_free(src);
}

/* ---- sizes that overflow while counting ---------------------------------- */

static void test_cover_io_counted_size_overflows(void **state)
{
    nnlite_model *m = make(1, 1);
    size_t size, counted;
    unsigned char *buf = image_of(m, &size);
    nnlite__metadata *e = &m->metadata[m->metadata_count - 1];
    const size_t kept = e->count;
    const size_t base = size - NNLITE__HEADER_SIZE - NNLITE__TRAILER_SIZE -
                        4 * kept;
    char path[64];
    (void)state;

    /* Values past SIZE_MAX while counting. */
    e->count = SIZE_MAX / 2;
    assert_int_equal(nnlite__model_saved_size(m, true), 0);
    assert_int_equal(nnlite_model_save_buffer(m, NULL, 0, &counted),
                     NNLITE_ENOMEM);
    snprintf(path, sizeof(path), "/tmp/nnlite-cover-%ld.nnl",
             (long)getpid());
    assert_int_equal(nnlite_model_save(m, path), NNLITE_ENOMEM);
    assert_int_equal(access(path, F_OK), -1);
    /* The body fits in a size_t, the header and checksum do not. */
    e->count = (SIZE_MAX - base) / 4;
    assert_int_equal(nnlite__model_saved_size(m, true), 0);
    e->count = kept;
    assert_int_equal(nnlite__model_saved_size(m, true), size);

    /* The image's writer refuses a size other than the counted one. */
    unsigned char *more = test_malloc(size + 1);
    assert_false(nnlite__model_write_image(m, true, more, size - 1));
    assert_false(nnlite__model_write_image(m, true, more, size - 8));
    assert_false(nnlite__model_write_image(m, true, more, size + 1));
    assert_true(nnlite__model_write_image(m, true, more, size));
    assert_memory_equal(more, buf, size);
    test_free(more);
    test_free(buf);
    nnlite_model_destroy(m);
}

/* A parameter that is not finite saves nothing, to a buffer or a file. */
static void test_cover_io_non_finite_saves_nothing(void **state)
{
    nnlite_model *m = make(1, 1);
    size_t size;
    unsigned char *buf = image_of(m, &size);
    char path[64];
    (void)state;
    m->params[0] = NAN;
    assert_int_equal(nnlite_model_save_buffer(m, buf, size, &size),
                     NNLITE_ENUMERIC);
    snprintf(path, sizeof(path), "/tmp/nnlite-cover-nan-%ld.nnl",
             (long)getpid());
    assert_int_equal(nnlite_model_save(m, path), NNLITE_ENUMERIC);
    assert_int_equal(access(path, F_OK), -1);
    test_free(buf);
    nnlite_model_destroy(m);
}

/* ---- file calls ---------------------------------------------------------- */

/* Paths are taken under `root` (a fresh directory), so a save to "/x"
 * stays inside it while the library syncs the real "/". */
static char root[64];
static int eintr_writes, zero_writes, eexist_opens, odd_errno;

static void under_root(char *dst, size_t size, const char *path)
{
    snprintf(dst, size, "%s%s%s", root, path[0] == '/' ? "" : "/", path);
}

static int rooted_open(const char *path, int flags, unsigned mode)
{
    char p[512];
    if (odd_errno) {
        errno = 99999; /* no such errno: strerror_r refuses it */
        return -1;
    }
    if (eexist_opens > 0) {
        eexist_opens--;
        errno = EEXIST;
        return -1;
    }
    under_root(p, sizeof(p), path);
    return nnlite__posix_file_io.open(p, flags, mode);
}

static long rooted_write(int fd, const void *data, size_t size)
{
    if (eintr_writes > 0) {
        eintr_writes--;
        errno = EINTR;
        return -1;
    }
    if (zero_writes > 0) {
        zero_writes--;
        return 0;
    }
    return nnlite__posix_file_io.write(fd, data, size);
}

static int rooted_rename(const char *from, const char *to)
{
    char a[512], b[512];
    under_root(a, sizeof(a), from);
    under_root(b, sizeof(b), to);
    return nnlite__posix_file_io.rename(a, b);
}

static int rooted_unlink(const char *path)
{
    char p[512];
    under_root(p, sizeof(p), path);
    return unlink(p);
}

static const nnlite__file_io rooted_io = {
    rooted_open, rooted_write, fsync, close, rooted_rename, rooted_unlink,
};

static int make_root(void **state)
{
    (void)state;
    snprintf(root, sizeof(root), "/tmp/nnlite-cover-XXXXXX");
    return mkdtemp(root) == NULL ? -1 : 0;
}

static int remove_root(void **state)
{
    char p[512];
    const char *names[] = {"/model.nnl", "/no-such-dir/model.nnl",
                           "/no-such-dir", "/rel.nnl"};
    (void)state;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        under_root(p, sizeof(p), names[i]);
        (void)unlink(p);
        (void)rmdir(p);
    }
    return rmdir(root);
}

static void assert_loads(const char *path)
{
    char p[512];
    nnlite_model *m = NULL;
    under_root(p, sizeof(p), path);
    assert_int_equal(nnlite_model_load(&m, p), NNLITE_OK);
    nnlite_model_destroy(m);
}

static void test_cover_io_rare_file_failures(void **state)
{
    nnlite_model *m = make(1, 1);
    char p[512], cwd[512];
    (void)state;

    /* "/model.nnl": the directory to sync is "/" itself. Interrupted
     * writes are retried; so are temporary names that exist. */
    eintr_writes = 2;
    eexist_opens = 3;
    assert_int_equal(nnlite__model_save_with(m, "/model.nnl", NULL,
                                             &rooted_io),
                     NNLITE_OK);
    assert_int_equal(eintr_writes + eexist_opens, 0);
    assert_loads("/model.nnl");

    /* A directory that cannot be opened to sync (it is not there; the
     * fake calls put the file elsewhere): the save stands. */
    under_root(p, sizeof(p), "/no-such-dir");
    assert_int_equal(mkdir(p, 0700), 0);
    assert_int_equal(nnlite__model_save_with(m, "/no-such-dir/model.nnl",
                                             NULL, &rooted_io),
                     NNLITE_OK);
    assert_loads("/no-such-dir/model.nnl");

    /* A relative name without a directory: "." is synced. */
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(chdir(root), 0);
    assert_int_equal(nnlite__model_save_with(m, "rel.nnl", NULL,
                                             &nnlite__posix_file_io),
                     NNLITE_OK);
    assert_int_equal(chdir(cwd), 0);
    assert_loads("/rel.nnl");

    /* A write that makes no progress is a full disk. */
    zero_writes = 1;
    assert_int_equal(nnlite__model_save_with(m, "/model.nnl", NULL,
                                             &rooted_io),
                     NNLITE_EIO);
    assert_non_null(strstr(nnlite_model_last_error(m), "No space"));
    /* 32 clashing temporary names in a row: given up. */
    eexist_opens = 32;
    assert_int_equal(nnlite__model_save_with(m, "/model.nnl", NULL,
                                             &rooted_io),
                     NNLITE_EIO);
    assert_non_null(strstr(nnlite_model_last_error(m), "temporary"));
    eexist_opens = 0;
    /* An errno the system has no words for. */
    odd_errno = 1;
    assert_int_equal(nnlite__model_save_with(m, "/model.nnl", NULL,
                                             &rooted_io),
                     NNLITE_EIO);
    assert_non_null(strstr(nnlite_model_last_error(m), "99999"));
    odd_errno = 0;
    assert_loads("/model.nnl");
    nnlite_model_destroy(m);
}

/* Every allocation of a save to a file fails in turn: nothing is saved,
 * nothing leaks. */
static void test_cover_io_file_save_allocation_failures(void **state)
{
    test_alloc_state st = {0};
    nnlite_allocator a = test_allocator(&st);
    nnlite_model *m = NULL;
    char p[512];
    (void)state;
    assert_int_equal(nnlite_model_create_advanced(&m, 2, 1, &a), NNLITE_OK);
    add_dense(m, 2, 2);
    under_root(p, sizeof(p), "/model.nnl");
    (void)unlink(p);
    size_t failed = 0;
    for (size_t n = 1;; n++) {
        st.fail_at = st.calls + n;
        nnlite_status s = nnlite_model_save(m, p);
        st.fail_at = 0;
        if (s == NNLITE_OK) {
            break;
        }
        assert_int_equal(s, NNLITE_ENOMEM);
        assert_int_equal(access(p, F_OK), -1);
        failed++;
    }
    assert_true(failed >= 2); /* the image and the temporary name */
    nnlite_model_destroy(m);
    assert_int_equal(st.live, 0);
}

/* Loading: options of another version, an incomplete allocator. */
static void test_cover_io_load_file_arguments(void **state)
{
    nnlite_load_options o = NNLITE_LOAD_OPTIONS_INIT;
    nnlite_allocator half = {test_alloc_hook, NULL, NULL};
    nnlite_model *m = NULL;
    char msg[128] = "";
    (void)state;
    o.error = msg;
    o.error_size = sizeof(msg);
    o.allocator = &half;
    assert_int_equal(nnlite_model_load_advanced(&m, "/x", &o),
                     NNLITE_EINVAL);
    assert_non_null(strstr(msg, "allocator"));
    o.allocator = NULL;
    o.version++;
    assert_int_equal(nnlite_model_load_advanced(&m, "/x", &o),
                     NNLITE_EINVAL);
    assert_null(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cover_io_every_resealed_cut),
        cmocka_unit_test(test_cover_io_model_record_fields),
        cmocka_unit_test(test_cover_io_metadata_records),
        cmocka_unit_test(test_cover_io_optimizer_and_layer_fields),
        cmocka_unit_test(test_cover_io_model_without_layers),
        cmocka_unit_test(test_cover_io_short_inputs),
        cmocka_unit_test(test_cover_io_reads_that_end_or_fail),
        cmocka_unit_test(test_cover_io_deep_load_allocation_failures),
        cmocka_unit_test(test_cover_io_counted_size_overflows),
        cmocka_unit_test(test_cover_io_non_finite_saves_nothing),
        cmocka_unit_test(test_cover_io_rare_file_failures),
        cmocka_unit_test(test_cover_io_file_save_allocation_failures),
        cmocka_unit_test(test_cover_io_load_file_arguments),
    };
    return cmocka_run_group_tests_name("cover_io", tests, make_root,
                                       remove_root);
}
