/* Loading a model image. Nothing in the input is trusted: the checksum is
 * verified before parsing, every count is bounded by the bytes that remain
 * before anything is allocated, and the model is rebuilt through the same
 * checked constructors a program would call, so an inconsistent file is
 * rejected exactly as inconsistent calls would be. */
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "alloc_impl.h"
#include "analyzer_impl.h"
#include "bytes_impl.h"
#include "crc32c_impl.h"
#include "format_impl.h"
#include "nnlite/io.h"

/* Parsing state: input, the options, the model being built, and the
 * file's format version (1 or 2), which the sections branch on. */
typedef struct loader {
    nnlite__reader r;
    const nnlite_load_options *options;
    nnlite_model *model;
    uint32_t format_version; /* the file's, once the preamble is read */
} loader;

/* Tell the caller what is wrong and where, and return s. */
#if NNLITE_HAVE_MESSAGE_TEXT
NNLITE__PRINTF(3, 4)
static nnlite_status reject(loader *ld, nnlite_status s, const char *fmt,
                            ...)
{
    char what[200];
    va_list ap;
    va_start(ap, fmt);
    nnlite__vformat(what, sizeof(what), fmt, ap);
    va_end(ap);
    nnlite__load_message(ld->options, "%s (at byte %zu)", what,
                         nnlite__offset(&ld->r));
    return s;
}
#else
static nnlite_status reject_quietly(const loader *ld, nnlite_status s)
{
    nnlite__load_no_message(ld->options);
    return s;
}
#define reject(ld, s, ...)                                                    \
    (NNLITE__DROP_MESSAGE(__VA_ARGS__), reject_quietly((ld), (s)))
#endif

/* Reading helpers that turn a short input into a message. */
static nnlite_status need_u32(loader *ld, uint32_t *v, const char *what)
{
    *v = 0; /* defined on every path, read or not */
    return nnlite__get_u32(&ld->r, v)
               ? NNLITE_OK
               : reject(ld, NNLITE_EFORMAT, "truncated: no room for %s", what);
}

static nnlite_status need_u64(loader *ld, uint64_t *v, const char *what)
{
    *v = 0; /* defined on every path, read or not */
    return nnlite__get_u64(&ld->r, v)
               ? NNLITE_OK
               : reject(ld, NNLITE_EFORMAT, "truncated: no room for %s", what);
}

static nnlite_status need_f32(loader *ld, float *v, const char *what)
{
    *v = 0; /* defined on every path, read or not */
    return nnlite__get_f32(&ld->r, v)
               ? NNLITE_OK
               : reject(ld, NNLITE_EFORMAT, "truncated: no room for %s", what);
}

static nnlite_status need_f64(loader *ld, double *v, const char *what)
{
    *v = 0; /* defined on every path, read or not */
    return nnlite__get_f64(&ld->r, v)
               ? NNLITE_OK
               : reject(ld, NNLITE_EFORMAT, "truncated: no room for %s", what);
}

/* A count of `elem`-byte items must fit in what remains (and in size_t). */
static nnlite_status need_count(loader *ld, uint64_t count, size_t elem,
                                const char *what, size_t *out)
{
    if (count > nnlite__remaining(&ld->r) / elem) {
        return reject(ld, NNLITE_EFORMAT,
                      "%s count %llu exceeds the %zu bytes that remain", what,
                      (unsigned long long)count, nnlite__remaining(&ld->r));
    }
    *out = (size_t)count;
    return NNLITE_OK;
}

/* Read n finite floats into dst. */
static nnlite_status read_finite(loader *ld, float *dst, size_t n,
                                 const char *what)
{
    for (size_t i = 0; i < n; i++) {
        nnlite__get_f32(&ld->r, &dst[i]); /* bounded by need_count */
        if (!isfinite(dst[i])) {
            return reject(ld, NNLITE_EFORMAT, "%s %zu is not finite", what, i);
        }
    }
    return NNLITE_OK;
}

/* Magic, version, flags, and a body size that matches the whole input's
 * `size`: everything that can be judged from the first 24 bytes. */
static nnlite_status check_preamble(loader *ld, size_t size)
{
    uint32_t version, flags;
    uint64_t body;
    nnlite_status s;
    const size_t have = nnlite__remaining(&ld->r);
    if (size == 0) {
        return reject(ld, NNLITE_EFORMAT,
                      "empty (0 bytes): not an nnlite model");
    }
    if (have < NNLITE__MAGIC_SIZE &&
        memcmp(ld->r.p, NNLITE__MAGIC, have) == 0) {
        return reject(ld, NNLITE_EFORMAT,
                      "truncated: %zu bytes, shorter than the %d-byte "
                      "header",
                      size, NNLITE__HEADER_SIZE);
    }
    if (have < NNLITE__MAGIC_SIZE ||
        memcmp(ld->r.p, NNLITE__MAGIC, NNLITE__MAGIC_SIZE) != 0) {
        return reject(ld, NNLITE_EFORMAT, "not an nnlite model (bad magic)");
    }
    ld->r.p += NNLITE__MAGIC_SIZE;
    if ((s = need_u32(ld, &version, "the format version")) != NNLITE_OK ||
        (s = need_u32(ld, &flags, "the flags")) != NNLITE_OK ||
        (s = need_u64(ld, &body, "the body size")) != NNLITE_OK) {
        return s;
    }
    if (version < NNLITE__FORMAT_VERSION_MIN ||
        version > NNLITE__FORMAT_VERSION) {
        return reject(ld, NNLITE_EFORMAT,
                      "format version %u; this library reads versions %u "
                      "to %u",
                      (unsigned)version, NNLITE__FORMAT_VERSION_MIN,
                      NNLITE__FORMAT_VERSION);
    }
    ld->format_version = version;
    if (flags != 0) {
        return reject(ld, NNLITE_EFORMAT, "unknown flags 0x%x", (unsigned)flags);
    }
    if (size < NNLITE__HEADER_SIZE + NNLITE__TRAILER_SIZE ||
        body != size - NNLITE__HEADER_SIZE - NNLITE__TRAILER_SIZE) {
        return reject(ld, NNLITE_EFORMAT,
                      "body size %llu does not match the %zu bytes given "
                      "(truncated or padded)",
                      (unsigned long long)body, size);
    }
    return NNLITE_OK;
}

nnlite_status nnlite__check_file_header(const unsigned char *header,
                                        size_t size,
                                        const nnlite_load_options *options)
{
    const size_t have =
        size < NNLITE__HEADER_SIZE ? size : NNLITE__HEADER_SIZE;
    loader ld = {{header, header, header + have}, options, NULL, 0};
    return check_preamble(&ld, size);
}

#if NNLITE_HAVE_MESSAGE_TEXT
void nnlite__load_message(const nnlite_load_options *options,
                          const char *fmt, ...)
{
    if (options->error != NULL) {
        va_list ap;
        va_start(ap, fmt);
        nnlite__vformat(options->error, options->error_size, fmt, ap);
        va_end(ap);
    }
}
#else
void nnlite__load_no_message(const nnlite_load_options *options)
{
    if (options->error != NULL) {
        nnlite__no_message(options->error, options->error_size);
    }
}
#endif

static nnlite_status check_header(loader *ld, size_t size)
{
    /* check_preamble made sure the 4-byte trailer is there, so the read
     * below sets crc; 0 keeps it defined even if that ever broke. */
    uint32_t crc = 0;
    nnlite_status s = check_preamble(ld, size);
    if (s != NNLITE_OK) {
        return s;
    }
    nnlite__reader tail = {ld->r.start, ld->r.end - NNLITE__TRAILER_SIZE,
                           ld->r.end};
    nnlite__get_u32(&tail, &crc);
    /* Fuzzing builds let damaged checksums through so that the fuzzer can
     * reach the parser behind them (the name is the libFuzzer and
     * OSS-Fuzz convention); every other build checks. */
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    if (crc != nnlite__crc32c(0, ld->r.start, size - NNLITE__TRAILER_SIZE)) {
        return reject(ld, NNLITE_EFORMAT,
                      "checksum mismatch: the data is damaged");
    }
#else
    (void)crc;
#endif
    ld->r.end -= NNLITE__TRAILER_SIZE; /* parse the body only */
    return NNLITE_OK;
}

static nnlite_status read_model(loader *ld, uint32_t *initialized)
{
    uint64_t features, rng[4];
    nnlite_status s;
    if ((s = need_u64(ld, &features, "the input width")) != NNLITE_OK) {
        return s;
    }
    for (int i = 0; i < 4; i++) {
        if ((s = need_u64(ld, &rng[i], "the generator state")) != NNLITE_OK) {
            return s;
        }
    }
    if ((s = need_u32(ld, initialized, "the initialised flag")) != NNLITE_OK) {
        return s;
    }
    if (features == 0 || features > SIZE_MAX || *initialized > 1 ||
        (rng[0] | rng[1] | rng[2] | rng[3]) == 0) {
        return reject(ld, NNLITE_EFORMAT,
                      "invalid model header (input width %llu)",
                      (unsigned long long)features);
    }
    s = nnlite_model_create_advanced(&ld->model, (size_t)features, 0,
                                     ld->options->allocator);
    if (s != NNLITE_OK) {
        return reject(ld, s, "cannot create the model");
    }
    memcpy(ld->model->rng.s, rng, sizeof(rng));
    return NNLITE_OK;
}

/* The layer a record describes: spec, then (version 2) a u64 count K
 * and K f32 values, bounded by the bytes that remain before anything is
 * allocated for them, and judged by the checks the constructors make. */
static nnlite_status create_layer(loader *ld, size_t index,
                                  const nnlite_layer_spec *spec,
                                  nnlite_layer **layer)
{
    uint64_t stored = 0;
    size_t count = 0;
    float *values = NULL;
    char why[160];
    nnlite_status s;
    if (ld->format_version >= 2 &&
        ((s = need_u64(ld, &stored, "a layer's value count")) != NNLITE_OK ||
         (s = need_count(ld, stored, 4, "layer value", &count)) !=
             NNLITE_OK)) {
        return s;
    }
    if (count > 0) {
        values = nnlite__calloc_array(&ld->model->allocator, count,
                                      sizeof(float));
        if (values == NULL) {
            return reject(ld, NNLITE_ENOMEM,
                          "layer %zu: out of memory for %zu values",
                          index + 1, count);
        }
        for (size_t i = 0; i < count; i++) {
            nnlite__get_f32(&ld->r, &values[i]); /* bounded by need_count */
        }
    }
    s = nnlite__layer_create_record(layer, spec, values, count,
                                    ld->options->allocator, why,
                                    sizeof(why));
    nnlite__free(&ld->model->allocator, values);
    if (s != NNLITE_OK) {
        return reject(ld, s == NNLITE_ENOMEM ? s : NNLITE_EFORMAT,
                      "layer %zu: %s", index + 1, why);
    }
    return NNLITE_OK;
}

static nnlite_status read_layer(loader *ld, size_t index)
{
    uint32_t kind;
    uint64_t in, out;
    float slope;
    nnlite_layer *layer = NULL;
    nnlite_status s;
    if ((s = need_u32(ld, &kind, "a layer kind")) != NNLITE_OK ||
        (s = need_u64(ld, &in, "a layer width")) != NNLITE_OK ||
        (s = need_u64(ld, &out, "a layer width")) != NNLITE_OK ||
        (s = need_f32(ld, &slope, "a layer slope")) != NNLITE_OK) {
        return s;
    }
    if (in > SIZE_MAX || out > SIZE_MAX) { /* possible with a 32-bit size_t */
        return reject(ld, NNLITE_EFORMAT,
                      "layer %zu: widths %llu -> %llu are more than this "
                      "machine can address",
                      index + 1, (unsigned long long)in,
                      (unsigned long long)out);
    }
    const nnlite_layer_spec spec = {(nnlite_layer_kind)kind, (size_t)in,
                                    (size_t)out, slope};
    /* Its parameters, and those of the layers before it, are stored
     * further on: they must fit in what remains, or the file is lying,
     * and nothing is allocated for them. */
    const size_t count = nnlite__layer_spec_param_count(&spec);
    const size_t room = nnlite__remaining(&ld->r) / 4;
    if (count > room) {
        return reject(ld, NNLITE_EFORMAT,
                      "layer %zu: %llu x %llu weights cannot be in the "
                      "%zu bytes that remain",
                      index + 1, (unsigned long long)in,
                      (unsigned long long)out, nnlite__remaining(&ld->r));
    }
    if (ld->model->param_count > room - count) {
        return reject(ld, NNLITE_EFORMAT,
                      "layer %zu: the parameters of layers 1 to %zu cannot "
                      "be in the %zu bytes that remain",
                      index + 1, index + 1, nnlite__remaining(&ld->r));
    }
    if ((s = create_layer(ld, index, &spec, &layer)) != NNLITE_OK) {
        return s;
    }
    /* Stacked where the file puts it, the layer's widths must be the
     * stored ones (binding again when it is added changes nothing). */
    const size_t width = nnlite__model_width(ld->model);
    /* create_layer returned NNLITE_OK: nnlite__layer_create_config set it */
    NNLITE__ANALYZER_ASSUME(layer != NULL);
    if (!layer->ops->bind(layer, width) || layer->in != in ||
        layer->out != out) {
        const char *name = layer->ops->name;
        nnlite_layer_destroy(layer);
        return reject(ld, NNLITE_EFORMAT,
                      "layer %zu (%s): widths %llu -> %llu, but the %s "
                      "before it gives %zu features",
                      index + 1, name, (unsigned long long)in,
                      (unsigned long long)out, index == 0 ? "input" : "layer",
                      width);
    }
    s = nnlite_model_add(ld->model, layer);
    if (s != NNLITE_OK) {
        return reject(ld, s == NNLITE_ENOMEM ? s : NNLITE_EFORMAT,
                      "layer %zu: %s", index + 1, ld->model->error);
    }
    return NNLITE_OK;
}

static nnlite_status read_layers(loader *ld)
{
    uint32_t count;
    uint64_t params;
    size_t n = 0;
    nnlite_status s;
    if ((s = need_u32(ld, &count, "the layer count")) != NNLITE_OK ||
        (s = need_count(ld, count,
                        ld->format_version >= 2
                            ? NNLITE__LAYER_RECORD_SIZE_V2
                            : NNLITE__LAYER_RECORD_SIZE,
                        "layer", &n)) != NNLITE_OK) {
        return s;
    }
    for (size_t i = 0; i < n; i++) {
        if ((s = read_layer(ld, i)) != NNLITE_OK) {
            return s;
        }
    }
    if ((s = need_u64(ld, &params, "the parameter count")) != NNLITE_OK) {
        return s;
    }
    if (params != ld->model->param_count) {
        return reject(ld, NNLITE_EFORMAT,
                      "%llu parameters stored; the layers have %zu",
                      (unsigned long long)params, ld->model->param_count);
    }
    if ((s = need_count(ld, params, 4, "parameter", &n)) != NNLITE_OK) {
        return s;
    }
    return read_finite(ld, ld->model->params, n, "parameter");
}

/* Version 1: u32 kind (0: none). Version 2 adds f32 delta: Huber's, 0
 * for the other kinds and for none; checked as the constructor checks
 * it. */
static nnlite_status read_loss(loader *ld)
{
    uint32_t kind;
    float delta = 0.0f;
    nnlite_loss *loss = NULL;
    char why[128];
    nnlite_status s;
    if ((s = need_u32(ld, &kind, "the loss kind")) != NNLITE_OK) {
        return s;
    }
    if (ld->format_version >= 2 &&
        (s = need_f32(ld, &delta, "the loss's delta")) != NNLITE_OK) {
        return s;
    }
    if (kind == 0) {
        if (ld->format_version >= 2 && delta != 0.0f) {
            return reject(ld, NNLITE_EFORMAT,
                          "no loss, but a delta of %g", (double)delta);
        }
        return NNLITE_OK;
    }
    if (ld->format_version < 2 && kind == NNLITE_LOSS_HUBER) {
        /* Huber came with version 2; a version-1 file has no delta. */
        return reject(ld, NNLITE_EFORMAT,
                      "loss kind %u (Huber) in a version-1 file", (unsigned)kind);
    }
    if (nnlite__loss_check((nnlite_loss_kind)kind, delta, why,
                           sizeof(why)) != NNLITE_OK) {
        return reject(ld, NNLITE_EFORMAT, "invalid loss: %s", why);
    }
    s = nnlite__loss_create(&loss, (nnlite_loss_kind)kind, delta,
                            ld->options->allocator);
    if (s != NNLITE_OK) {
        return reject(ld, s, "cannot create the loss");
    }
    return nnlite_model_set_loss(ld->model, loss);
}

/* Version 2 adds f32 dampening and u32 amsgrad after the decoupled flag;
 * a version-1 file gets their defaults (0). */
static nnlite_status read_options(loader *ld, nnlite_optimizer_options *o)
{
    uint32_t kind, nesterov, decoupled, amsgrad = 0;
    nnlite_status s;
    *o = (nnlite_optimizer_options)NNLITE_SGD_OPTIONS_INIT;
    if ((s = need_u32(ld, &kind, "the optimizer kind")) != NNLITE_OK ||
        (s = need_f32(ld, &o->learning_rate, "the learning rate")) !=
            NNLITE_OK ||
        (s = need_f32(ld, &o->momentum, "the momentum")) != NNLITE_OK ||
        (s = need_u32(ld, &nesterov, "the Nesterov flag")) != NNLITE_OK ||
        (s = need_f32(ld, &o->weight_decay, "the weight decay")) != NNLITE_OK ||
        (s = need_f32(ld, &o->beta1, "beta1")) != NNLITE_OK ||
        (s = need_f32(ld, &o->beta2, "beta2")) != NNLITE_OK ||
        (s = need_f32(ld, &o->epsilon, "epsilon")) != NNLITE_OK ||
        (s = need_u32(ld, &decoupled, "the decoupled flag")) != NNLITE_OK) {
        return s;
    }
    if (ld->format_version >= 2 &&
        ((s = need_f32(ld, &o->dampening, "the dampening")) != NNLITE_OK ||
         (s = need_u32(ld, &amsgrad, "the AMSGrad flag")) != NNLITE_OK)) {
        return s;
    }
    if (nesterov > 1 || decoupled > 1 || amsgrad > 1) {
        return reject(ld, NNLITE_EFORMAT,
                      "invalid optimizer flags (Nesterov %u, decoupled %u, "
                      "AMSGrad %u; each must be 0 or 1)",
                      (unsigned)nesterov, (unsigned)decoupled,
                      (unsigned)amsgrad);
    }
    o->kind = (nnlite_optimizer_kind)kind;
    o->nesterov = (int)nesterov;
    o->decoupled_weight_decay = (int)decoupled;
    o->amsgrad = (int)amsgrad;
    return NNLITE_OK;
}

static nnlite_status read_optimizer_state(loader *ld, nnlite_optimizer *o)
{
    uint64_t steps, count;
    double p1, p2;
    size_t n = 0, expected;
    nnlite_status s;
    if ((s = need_u64(ld, &steps, "the step count")) != NNLITE_OK ||
        (s = need_f64(ld, &p1, "beta1^t")) != NNLITE_OK ||
        (s = need_f64(ld, &p2, "beta2^t")) != NNLITE_OK ||
        (s = need_u64(ld, &count, "the state size")) != NNLITE_OK) {
        return s;
    }
    if (!nnlite__optimizer_restore(o, steps, p1, p2)) {
        return reject(ld, NNLITE_EFORMAT,
                      "invalid %s progress (bias corrections %.17g and "
                      "%.17g after %llu steps)",
                      o->ops->name, p1, p2, (unsigned long long)steps);
    }
    expected = nnlite__optimizer_state_floats(o, ld->model->param_count);
    if (count != expected && !(count == 0 && steps == 0)) {
        return reject(ld, NNLITE_EFORMAT,
                      "optimizer state of %llu floats; expected %zu",
                      (unsigned long long)count, expected);
    }
    if ((s = need_count(ld, count, 4, "optimizer state", &n)) != NNLITE_OK ||
        (s = read_finite(ld, o->state, n, "optimizer state value")) !=
            NNLITE_OK) {
        return s;
    }
    return NNLITE_OK;
}

static nnlite_status read_optimizer(loader *ld)
{
    uint32_t present;
    nnlite_optimizer_options options;
    nnlite_optimizer *o = NULL;
    char why[128];
    nnlite_status s;
    if ((s = need_u32(ld, &present, "the optimizer flag")) != NNLITE_OK ||
        present == 0) {
        return s;
    }
    if (present != 1) {
        return reject(ld, NNLITE_EFORMAT, "invalid optimizer flag %u",
                      (unsigned)present);
    }
    if ((s = read_options(ld, &options)) != NNLITE_OK) {
        return s;
    }
    if (nnlite_optimizer_options_check(&options, why, sizeof(why)) !=
        NNLITE_OK) {
        return reject(ld, NNLITE_EFORMAT, "invalid optimizer settings: %s",
                      why);
    }
    s = nnlite_optimizer_create_advanced(&o, &options, ld->options->allocator);
    if (s != NNLITE_OK) {
        return reject(ld, s, "cannot create the optimizer");
    }
    if ((s = nnlite_model_set_optimizer(ld->model, o)) != NNLITE_OK) {
        return reject(ld, s, "%s", ld->model->error);
    }
    return read_optimizer_state(ld, ld->model->optimizer);
}

static nnlite_status read_metadata(loader *ld)
{
    uint32_t count, length;
    uint64_t values;
    size_t n = 0, v = 0;
    char name[NNLITE_METADATA_NAME_MAX + 1];
    nnlite_status s;
    if ((s = need_u32(ld, &count, "the metadata count")) != NNLITE_OK ||
        (s = need_count(ld, count, NNLITE__METADATA_MIN_SIZE, "metadata",
                        &n)) != NNLITE_OK) {
        return s;
    }
    for (size_t i = 0; i < n; i++) {
        if ((s = need_u32(ld, &length, "a metadata name length")) !=
            NNLITE_OK) {
            return s;
        }
        if (length == 0 || length > NNLITE_METADATA_NAME_MAX ||
            length > nnlite__remaining(&ld->r)) {
            return reject(ld, NNLITE_EFORMAT,
                          "metadata %zu: invalid name length %u", i,
                          (unsigned)length);
        }
        memcpy(name, ld->r.p, length);
        name[length] = '\0';
        ld->r.p += length;
        if (strlen(name) != length) {
            return reject(ld, NNLITE_EFORMAT,
                          "metadata %zu: NUL byte in the name", i);
        }
        if ((s = need_u64(ld, &values, "a metadata size")) != NNLITE_OK ||
            (s = need_count(ld, values, 4, "metadata value", &v)) !=
                NNLITE_OK) {
            return s;
        }
        const float *unused;
        size_t existing;
        if (nnlite_model_get_metadata(ld->model, name, &unused, &existing) ==
            NNLITE_OK) {
            return reject(ld, NNLITE_EFORMAT, "metadata \"%s\" appears twice",
                          name);
        }
        float *dst;
        if ((s = nnlite__metadata_append(ld->model, name, length, v, &dst)) !=
            NNLITE_OK) {
            return reject(ld, s, "metadata %zu: out of memory", i);
        }
        /* Values are the user's: any bits, NaN included, are kept. */
        for (size_t k = 0; k < v; k++) {
            nnlite__get_f32(&ld->r, &dst[k]); /* bounded by need_count */
        }
    }
    return NNLITE_OK;
}

static nnlite_status parse(loader *ld, size_t size)
{
    uint32_t initialized;
    nnlite_status s;
    if ((s = check_header(ld, size)) != NNLITE_OK ||
        (s = read_model(ld, &initialized)) != NNLITE_OK ||
        (s = read_layers(ld)) != NNLITE_OK ||
        (s = read_loss(ld)) != NNLITE_OK ||
        (s = read_optimizer(ld)) != NNLITE_OK ||
        (s = read_metadata(ld)) != NNLITE_OK) {
        return s;
    }
    if (nnlite__remaining(&ld->r) != 0) {
        return reject(ld, NNLITE_EFORMAT, "%zu unexpected bytes at the end",
                      nnlite__remaining(&ld->r));
    }
    ld->model->initialized = initialized == 1 && ld->model->layer_count > 0;
    return NNLITE_OK;
}

nnlite_status
nnlite_model_load_buffer_advanced(nnlite_model **out, const void *data,
                                  size_t size,
                                  const nnlite_load_options *options)
{
    static const nnlite_load_options defaults = NNLITE_LOAD_OPTIONS_INIT;
    loader ld;
    nnlite_status s;

    if (out == NULL) {
        return NNLITE_EINVAL;
    }
    *out = NULL;
    if (options == NULL) {
        options = &defaults;
    }
    if (options->version != NNLITE_LOAD_OPTIONS_VERSION || data == NULL) {
        nnlite__load_message(options, "invalid arguments: data and options "
                                      "of this version are needed");
        return NNLITE_EINVAL;
    }
    if (options->error != NULL && options->error_size > 0) {
        options->error[0] = '\0';
    }
    ld.r.start = ld.r.p = data;
    ld.r.end = ld.r.start + size;
    ld.options = options;
    ld.model = NULL;
    ld.format_version = 0;
    s = parse(&ld, size);
    if (s != NNLITE_OK) {
        nnlite_model_destroy(ld.model);
        return s;
    }
    ld.model->error[0] = '\0';
    *out = ld.model;
    return NNLITE_OK;
}

nnlite_status nnlite_model_load_buffer(nnlite_model **out, const void *data,
                                       size_t size)
{
    return nnlite_model_load_buffer_advanced(out, data, size, NULL);
}
