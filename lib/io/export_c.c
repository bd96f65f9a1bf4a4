/* A model as one self-contained C99 source file (nnlite_model_export_c):
 * the parameters as hexadecimal float constants and a prediction
 * function whose loops repeat, operation for operation, what the layers'
 * forward passes do on one row on the portable kernels (layers/ and
 * kernels/gemm_generic.c's GEMV; model_forward.c for probabilities).
 * Keep them in step: tests/test_export.c compares the two bit for bit.
 *
 * The text is built by a formatter of its own (strings, sizes, floats),
 * not by vsnprintf: the output must not depend on the C library's
 * formatting (a build may drop formatted messages, and some small C
 * libraries write no %a), and it must be the same on every machine. It
 * runs once with the caller's buffer, writing what fits and counting
 * the rest, so the length and the text cannot disagree. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "model_impl.h"
#include "nnlite/io.h"
#include "nnlite/version.h"
#include "numeric_impl.h"

/* ---- the text -------------------------------------------------------- */

/* Writes into buf while there is room for the character and a final NUL,
 * and counts every character. */
typedef struct text {
    char *buf;       /* NULL: count only */
    size_t size;     /* bytes at buf */
    size_t length;   /* characters produced, also past size */
    bool overflow;   /* length passed SIZE_MAX */
} text;

static void put_char(text *t, char c)
{
    if (t->length == SIZE_MAX) {
        t->overflow = true;
        return;
    }
    if (t->length + 1 < t->size) {
        t->buf[t->length] = c;
    }
    t->length++;
}

static void put_string(text *t, const char *s)
{
    for (; *s != '\0'; s++) {
        put_char(t, *s);
    }
}

static void put_size(text *t, size_t v)
{
    char digits[3 * sizeof(size_t)];
    size_t n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    while (n > 0) {
        put_char(t, digits[--n]);
    }
}

/* A finite float as a C99 hexadecimal constant with the f suffix: exact,
 * whatever the compiler's decimal conversion does. 1.5f is 0x1.8p+0f, the
 * smallest subnormal 0x0.000002p-126f; zeros are 0.0f and -0.0f. */
static void put_float(text *t, float v)
{
    static const char hex[] = "0123456789abcdef";
    uint32_t bits;
    memcpy(&bits, &v, sizeof(bits));
    const uint32_t biased = (bits >> 23) & 0xffu;
    uint32_t fraction = (bits & 0x7fffffu) << 1; /* 24 bits: 6 digits */
    if (bits >> 31) {
        put_char(t, '-');
    }
    if (biased == 0 && fraction == 0) {
        put_string(t, "0.0f");
        return;
    }
    put_string(t, biased == 0 ? "0x0" : "0x1");
    if (fraction != 0) {
        put_char(t, '.');
        for (int shift = 20; fraction != 0; shift -= 4) {
            put_char(t, hex[(fraction >> shift) & 0xfu]);
            fraction &= (1u << shift) - 1u;
        }
    }
    const long exponent = biased == 0 ? -126L : (long)biased - 127L;
    put_string(t, exponent < 0 ? "p-" : "p+");
    put_size(t, (size_t)(exponent < 0 ? -exponent : exponent));
    put_char(t, 'f');
}

/* printf's %s, %zu and %a (a float passed as double, written as
 * put_float does), nothing else: the format strings are all in this
 * file, and the attribute lets the compiler check their arguments. */
NNLITE__PRINTF(2, 3)
static void emit(text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    for (const char *f = fmt; *f != '\0'; f++) {
        if (f[0] != '%') {
            put_char(t, f[0]);
        } else if (f[1] == 's') {
            put_string(t, va_arg(ap, const char *));
            f++;
        } else if (f[1] == 'a') {
            put_float(t, (float)va_arg(ap, double));
            f++;
        } else { /* %zu */
            put_size(t, va_arg(ap, size_t));
            f += 2;
        }
    }
    va_end(ap);
}

/* A kind's function: its definition with the prefix for each %s. */
static void put_definition(text *t, const char *definition,
                           const char *prefix)
{
    for (const char *d = definition; *d != '\0'; d++) {
        if (d[0] == '%' && d[1] == 's') {
            put_string(t, prefix);
            d++;
        } else {
            put_char(t, *d);
        }
    }
}

/* ---- what each layer kind becomes ----------------------------------- */

/* The static function a kind runs on, its definition with %s for the
 * prefix, and how predict calls it (see emit_call). */
typedef struct kind_code {
    nnlite_layer_kind kind;
    const char *definition; /* NULL: the identity (dropout) */
} kind_code;

/* dense.c's forward for one row: tiny_gemv under 16 inputs, else the
 * portable GEMV (four interleaved sums, added pairwise). */
static const char dense_code[] =
    "static void %s_dense(const float *w, const float *b, const float *x,\n"
    "    float *y, unsigned long out, unsigned long in)\n"
    "{\n"
    "    unsigned long o, i;\n"
    "    for (o = 0; o < out; o++) {\n"
    "        const float *wo = w + o * in;\n"
    "        if (in < 16) {\n"
    "            float s = 0.0f;\n"
    "            for (i = 0; i < in; i++) {\n"
    "                s += wo[i] * x[i];\n"
    "            }\n"
    "            y[o] = b[o] + s;\n"
    "        } else {\n"
    "            float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;\n"
    "            for (i = 0; i + 4 <= in; i += 4) {\n"
    "                s0 += wo[i] * x[i];\n"
    "                s1 += wo[i + 1] * x[i + 1];\n"
    "                s2 += wo[i + 2] * x[i + 2];\n"
    "                s3 += wo[i + 3] * x[i + 3];\n"
    "            }\n"
    "            for (; i < in; i++) {\n"
    "                s0 += wo[i] * x[i];\n"
    "            }\n"
    "            y[o] = b[o] + ((s0 + s1) + (s2 + s3));\n"
    "        }\n"
    "    }\n"
    "}\n";

/* The element-wise activations: y[i] = f(x[i]), in place or not. */
#define ELEMENTWISE(name, body)                                             \
    "static void %s_" name "(const float *x, float *y, unsigned long n)\n"  \
    "{\n"                                                                   \
    "    unsigned long i;\n"                                                \
    "    for (i = 0; i < n; i++) {\n" body "    }\n"                        \
    "}\n"

static const char sigmoid_code[] = ELEMENTWISE(
    "sigmoid", "        const float e = expf(-fabsf(x[i]));\n"
               "        const float numerator = x[i] >= 0.0f ? 1.0f : e;\n"
               "        y[i] = numerator / (1.0f + e);\n");

static const char relu_code[] =
    ELEMENTWISE("relu", "        y[i] = x[i] > 0.0f ? x[i] : 0.0f;\n");

static const char tanh_code[] =
    ELEMENTWISE("tanh", "        y[i] = tanhf(x[i]);\n");

static const char hard_sigmoid_code[] = ELEMENTWISE(
    "hard_sigmoid",
    "        const float v = x[i] / 6.0f + 0.5f;\n"
    "        y[i] = v <= 0.0f ? 0.0f : (v >= 1.0f ? 1.0f : v);\n");

static const char leaky_relu_code[] =
    "static void %s_leaky_relu(const float *x, float *y, unsigned long n,\n"
    "    float slope)\n"
    "{\n"
    "    unsigned long i;\n"
    "    for (i = 0; i < n; i++) {\n"
    "        y[i] = x[i] > 0.0f ? x[i] : slope * x[i];\n"
    "    }\n"
    "}\n";

/* The scaling layers, per column j. */
#define SCALING(name, body)                                                 \
    "static void %s_" name "(const float *mean, const float *std,\n"       \
    "    const float *x, float *y, unsigned long n)\n"                      \
    "{\n"                                                                   \
    "    unsigned long j;\n"                                                \
    "    for (j = 0; j < n; j++) {\n" body "    }\n"                        \
    "}\n"

static const char standardize_code[] =
    SCALING("standardize", "        y[j] = (x[j] - mean[j]) / std[j];\n");

static const char destandardize_code[] =
    SCALING("destandardize", "        y[j] = x[j] * std[j] + mean[j];\n");

static const kind_code kinds[] = {
    {NNLITE_LAYER_DENSE, dense_code},
    {NNLITE_LAYER_SIGMOID, sigmoid_code},
    {NNLITE_LAYER_RELU, relu_code},
    {NNLITE_LAYER_TANH, tanh_code},
    {NNLITE_LAYER_HARD_SIGMOID, hard_sigmoid_code},
    {NNLITE_LAYER_LEAKY_RELU, leaky_relu_code},
    {NNLITE_LAYER_DROPOUT, NULL},
    {NNLITE_LAYER_STANDARDIZE, standardize_code},
    {NNLITE_LAYER_DESTANDARDIZE, destandardize_code},
};

#define KIND_COUNT (sizeof(kinds) / sizeof(kinds[0]))

/* The entry for a kind; NULL for one this file cannot write. */
static const kind_code *code_for(nnlite_layer_kind kind)
{
    for (size_t k = 0; k < KIND_COUNT; k++) {
        if (kinds[k].kind == kind) {
            return &kinds[k];
        }
    }
    return NULL;
}

static bool is_identity(const nnlite_layer *l)
{
    return code_for(l->ops->kind)->definition == NULL;
}

/* ---- checks ------------------------------------------------------------ */

static bool is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* An ASCII letter, then letters, digits and underscores: every name the
 * file defines starts with it and "_" (a leading underscore would make
 * them reserved identifiers). */
static nnlite_status check_prefix(nnlite_model *m, const char *prefix)
{
    if (prefix == NULL) {
        return nnlite__fail(m, NNLITE_EINVAL, "prefix is NULL");
    }
    const size_t n = strlen(prefix);
    if (n == 0 || n > NNLITE_EXPORT_PREFIX_MAX) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "prefix of %zu bytes: 1 to %d are allowed", n,
                            NNLITE_EXPORT_PREFIX_MAX);
    }
    for (size_t i = 0; i < n; i++) {
        const char c = prefix[i];
        if (!is_letter(c) &&
            (i == 0 || !((c >= '0' && c <= '9') || c == '_'))) {
            return nnlite__fail(m, NNLITE_EINVAL,
                                "prefix \"%s\" is not a C identifier "
                                "starting with a letter (byte %zu)",
                                prefix, i);
        }
    }
    return NNLITE_OK;
}

/* Layers to write, kinds this file knows, finite parameters. */
static nnlite_status check_model(nnlite_model *m)
{
    size_t bad;
    if (m->layer_count == 0) {
        return nnlite__fail(m, NNLITE_ESTATE, "the model has no layers");
    }
    for (size_t i = 0; i < m->layer_count; i++) {
        const nnlite_layer *l = m->layers[i];
        if (code_for(l->ops->kind) == NULL) {
            return nnlite__fail(m, NNLITE_EFORMAT,
                                "layer %zu (%s, kind %d) has no plain-C "
                                "form in this library",
                                i, l->ops->name, (int)l->ops->kind);
        }
    }
    nnlite__model_initialize(m);
    if (!nnlite__all_finite(m->params, m->param_count, &bad)) {
        return nnlite__fail(m, NNLITE_ENUMERIC,
                            "parameter %zu is not finite: it has no C "
                            "constant, so nothing was exported",
                            bad);
    }
    return NNLITE_OK;
}

/* ---- the file ---------------------------------------------------------- */

static void emit_array(text *t, const char *prefix, size_t layer,
                       const char *name, const float *values, size_t n)
{
    emit(t, "static const float %s_layer%zu_%s[%zu] = {", prefix, layer,
         name, n);
    for (size_t i = 0; i < n; i++) {
        emit(t, i % 4 == 0 ? "\n    %a," : " %a,", (double)values[i]);
    }
    emit(t, "\n};\n");
}

static void emit_layer_line(text *t, const nnlite_layer *l, size_t i)
{
    emit(t, " *   %zu  %s", i, l->ops->name);
    if (l->ops->kind == NNLITE_LAYER_DENSE) {
        emit(t, " %zu -> %zu", l->in, l->out);
    } else if (l->ops->kind == NNLITE_LAYER_LEAKY_RELU) {
        emit(t, ", slope %a", (double)l->slope);
    } else if (l->ops->kind == NNLITE_LAYER_DROPOUT) {
        emit(t, " (the identity here)");
    } else if (l->values != NULL) {
        emit(t, " of %zu columns", l->out);
    }
    emit(t, "\n");
}

static void emit_header(text *t, const nnlite_model *m, const char *p,
                        bool logits, size_t stack)
{
    emit(t, "/* %s: a neural network exported as plain C99 by nnlite %s\n"
            " * (nnlite_model_export_c). It needs <math.h> and nothing "
            "else:\n"
            " * no allocation, no writable globals, no nnlite.\n"
            " *\n"
            " * Layers, from %zu inputs:\n",
         p, NNLITE_VERSION_STRING, m->input_features);
    for (size_t i = 0; i < m->layer_count; i++) {
        emit_layer_line(t, m->layers[i], i);
    }
    emit(t, " * %zu parameters.\n"
            " *\n"
            " *   void %s_predict(const float *x, float *y);\n"
            " *\n"
            " * reads %s_INPUTS floats at x (one row) and writes "
            "%s_OUTPUTS\n"
            " * floats at y; x and y must not overlap. Its intermediate "
            "values\n"
            " * take %zu floats of stack.\n",
         m->param_count, p, p, p, stack);
    if (logits) {
        emit(t, " * The model was trained with cross-entropy: its outputs "
                "are logits.\n"
                " *   void %s_probabilities(const float *x, float *p);\n"
                " * gives probabilities (softmax, or a sigmoid for one "
                "output).\n",
             p);
    }
    emit(t,
         " *\n"
         " * Compile it as ISO C (gcc -std=c99) or with -ffp-contract=off,\n"
         " * and never with -ffast-math: each sum then runs in nnlite's "
         "order,\n"
         " * and the outputs are those of nnlite_model_predict() on one "
         "row on\n"
         " * its portable kernels, bit for bit where the maths library is "
         "the\n"
         " * same. (Clang contracts a * b + c unless told not to: the "
         "pragma\n"
         " * below tells it.)\n"
         " */\n"
         "#if defined(__clang__)\n"
         "#pragma STDC FP_CONTRACT OFF\n"
         "#endif\n"
         "#include <math.h>\n"
         "\n"
         "#define %s_INPUTS %zu\n"
         "#define %s_OUTPUTS %zu\n"
         "\n"
         "void %s_predict(const float *x, float *y);\n",
         p, m->input_features, p, nnlite__model_width(m), p);
    if (logits) {
        emit(t, "void %s_probabilities(const float *x, float *p);\n", p);
    }
}

/* Every kind's function once, in the order of the kinds table. */
static void emit_functions(text *t, const nnlite_model *m, const char *p)
{
    for (size_t k = 0; k < KIND_COUNT; k++) {
        bool used = false;
        for (size_t i = 0; i < m->layer_count; i++) {
            used = used || m->layers[i]->ops->kind == kinds[k].kind;
        }
        if (used && kinds[k].definition != NULL) {
            put_char(t, '\n');
            put_definition(t, kinds[k].definition, p);
        }
    }
}

static void emit_constants(text *t, const nnlite_model *m, const char *p)
{
    for (size_t i = 0; i < m->layer_count; i++) {
        const nnlite_layer *l = m->layers[i];
        const float *w = m->params + l->param_offset;
        if (l->ops->kind == NNLITE_LAYER_DENSE) {
            emit(t, "\n/* layer %zu: W [%zu][%zu] row by row, then b */\n",
                 i, l->out, l->in);
            emit_array(t, p, i, "weight", w, l->in * l->out);
            emit_array(t, p, i, "bias", w + l->in * l->out, l->out);
        } else if (l->values != NULL && !is_identity(l)) {
            emit(t, "\n/* layer %zu: %s's mean and std */\n", i,
                 l->ops->name);
            emit_array(t, p, i, "mean", l->values, l->out);
            emit_array(t, p, i, "std", l->values + l->out, l->out);
        }
    }
}

/* Where a layer reads and writes in predict: x, y, or one of two stack
 * buffers h0 and h1. */
enum place { X, Y, H0, H1 };

static const char *const place_names[] = {"x", "y", "h0", "h1"};

/* Layer i's destination: y for the last layer that does something;
 * element-wise layers work in place in a buffer, a dense layer moves to
 * the other one. */
static enum place destination(const nnlite_model *m, size_t i,
                              enum place from)
{
    size_t last = m->layer_count;
    while (last > 0 && is_identity(m->layers[last - 1])) {
        last--;
    }
    if (i + 1 == last) {
        return Y;
    }
    if (m->layers[i]->ops->kind == NNLITE_LAYER_DENSE) {
        return from == H0 ? H1 : H0;
    }
    return from == X ? H0 : from;
}

static void emit_call(text *t, const char *p, const nnlite_layer *l,
                      size_t i, enum place from, enum place to)
{
    const char *src = place_names[from], *dst = place_names[to];
    switch (l->ops->kind) {
    case NNLITE_LAYER_DENSE:
        emit(t, "    %s_dense(%s_layer%zu_weight, %s_layer%zu_bias, %s, %s, "
                "%zu, %zu);\n",
             p, p, i, p, i, src, dst, l->out, l->in);
        break;
    case NNLITE_LAYER_LEAKY_RELU:
        emit(t, "    %s_leaky_relu(%s, %s, %zu, %a);\n", p, src, dst, l->out,
             (double)l->slope);
        break;
    case NNLITE_LAYER_STANDARDIZE:
    case NNLITE_LAYER_DESTANDARDIZE:
        emit(t, "    %s_%s(%s_layer%zu_mean, %s_layer%zu_std, %s, %s, %zu);\n",
             p, l->ops->name, p, i, p, i, src, dst, l->out);
        break;
    default: /* the element-wise activations */
        emit(t, "    %s_%s(%s, %s, %zu);\n", p, l->ops->name, src, dst,
             l->out);
        break;
    }
}

/* The floats of h0 and h1 predict needs (0: not used), found by walking
 * the layers as emit_predict does. */
static void buffer_widths(const nnlite_model *m, size_t widths[2])
{
    enum place at = X;
    widths[0] = widths[1] = 0;
    for (size_t i = 0; i < m->layer_count; i++) {
        const nnlite_layer *l = m->layers[i];
        if (is_identity(l)) {
            continue;
        }
        at = destination(m, i, at);
        if (at == H0 || at == H1) {
            size_t *w = &widths[at - H0];
            *w = l->out > *w ? l->out : *w;
        }
    }
}

static void emit_predict(text *t, const nnlite_model *m, const char *p,
                         const size_t widths[2])
{
    enum place at = X;
    bool any = false;
    emit(t, "\nvoid %s_predict(const float *x, float *y)\n{\n", p);
    for (int b = 0; b < 2; b++) {
        if (widths[b] > 0) {
            emit(t, "    float %s[%zu];\n", place_names[H0 + b],
                 widths[b]);
        }
    }
    for (size_t i = 0; i < m->layer_count; i++) {
        const nnlite_layer *l = m->layers[i];
        if (is_identity(l)) {
            continue;
        }
        const enum place to = destination(m, i, at);
        emit_call(t, p, l, i, at, to);
        at = to;
        any = true;
    }
    if (!any) { /* only dropout: y = x */
        emit(t, "    unsigned long i;\n"
                "    for (i = 0; i < %zu; i++) {\n"
                "        y[i] = x[i];\n"
                "    }\n",
             m->input_features);
    }
    emit(t, "}\n");
}

/* model_forward.c's nnlite_model_predict_probabilities on one row. */
static void emit_probabilities(text *t, const char *p, size_t outputs)
{
    emit(t, "\nvoid %s_probabilities(const float *x, float *p)\n{\n"
            "    %s_predict(x, p);\n",
         p, p);
    if (outputs == 1) {
        emit(t, "    p[0] = p[0] >= 0.0f ? 1.0f / (1.0f + expf(-p[0]))\n"
                "                     : expf(p[0]) / (1.0f + "
                "expf(p[0]));\n"
                "}\n");
        return;
    }
    emit(t, "    float max = p[0];\n"
            "    double sum = 0.0;\n"
            "    unsigned long j;\n"
            "    for (j = 1; j < %zu; j++) {\n"
            "        max = p[j] > max ? p[j] : max;\n"
            "    }\n"
            "    for (j = 0; j < %zu; j++) {\n"
            "        p[j] = expf(p[j] - max);\n"
            "        sum += (double)p[j];\n"
            "    }\n"
            "    for (j = 0; j < %zu; j++) {\n"
            "        p[j] = (float)((double)p[j] / sum);\n"
            "    }\n"
            "}\n",
         outputs, outputs, outputs);
}

static void emit_file(text *t, const nnlite_model *m, const char *p)
{
    const bool logits = m->loss != NULL && m->loss->ops->takes_logits;
    size_t widths[2];
    buffer_widths(m, widths);
    emit_header(t, m, p, logits, widths[0] + widths[1]);
    emit_functions(t, m, p);
    emit_constants(t, m, p);
    emit_predict(t, m, p, widths);
    if (logits) {
        emit_probabilities(t, p, nnlite__model_width(m));
    }
}

nnlite_status nnlite_model_export_c(nnlite_model *m, const char *prefix,
                                    char *buffer, size_t size,
                                    size_t *length)
{
    nnlite_status s;
    if (m == NULL) {
        return NNLITE_EINVAL;
    }
    m->error[0] = '\0';
    if (length == NULL || (buffer == NULL && size > 0)) {
        return nnlite__fail(m, NNLITE_EINVAL,
                            "length is required, and a buffer when size is "
                            "not 0");
    }
    if ((s = check_prefix(m, prefix)) != NNLITE_OK ||
        (s = check_model(m)) != NNLITE_OK) {
        return s;
    }
    text t = {buffer, size, 0, false};
    emit_file(&t, m, prefix);
    if (t.overflow) {
        return nnlite__fail(m, NNLITE_ENOMEM,
                            "the C source's length overflows a size_t");
    }
    *length = t.length;
    if (size == 0) {
        return NNLITE_OK; /* a length query */
    }
    if (t.length >= size) {
        buffer[0] = '\0';
        return nnlite__fail(m, NNLITE_EINVAL,
                            "the buffer holds %zu bytes; the C source needs "
                            "%zu and a NUL",
                            size, t.length);
    }
    buffer[t.length] = '\0';
    return NNLITE_OK;
}
