/* Helpers shared by test_export.c and test_export_file.c. */
#ifndef NNLITE_TEST_EXPORT_UTIL_H
#define NNLITE_TEST_EXPORT_UTIL_H

#include <string.h>

#include "harness.h"
#include "models.h"

/* Model `index` of models.h, its parameters drawn with seed 5. */
static inline nnlite_model *build(size_t index)
{
    nnlite_model *m = NULL;
    assert_true(index < EXPORT_MODEL_COUNT);
    assert_int_equal(export_model_build(&m, &export_models[index], 5),
                     NNLITE_OK);
    return m;
}

/* The model's C text, in a test_malloc'd string. */
static inline char *export_text(nnlite_model *m, const char *prefix)
{
    size_t length = 0, again = 0;
    assert_int_equal(nnlite_model_export_c(m, prefix, NULL, 0, &length),
                     NNLITE_OK);
    char *text = test_malloc(length + 1);
    assert_int_equal(
        nnlite_model_export_c(m, prefix, text, length + 1, &again),
        NNLITE_OK);
    assert_int_equal(again, length);
    assert_int_equal(strlen(text), length);
    return text;
}

/* The model's last message contains `part`. */
static inline void expect_message(const nnlite_model *m, const char *part)
{
    const char *msg = nnlite_model_last_error(m);
    if (strstr(msg, part) == NULL) {
        fail_msg("message \"%s\" lacks \"%s\"", msg, part);
    }
}

#endif /* NNLITE_TEST_EXPORT_UTIL_H */
