/* Status texts and version agreement between headers and library. */
#include "harness.h"

#include <stdio.h>
#include <string.h>

static void test_status_string_every_code(void **state)
{
    (void)state;
    assert_string_equal(nnlite_status_string(NNLITE_OK), "success");
    assert_string_equal(nnlite_status_string(NNLITE_EINVAL),
                        "invalid argument");
    assert_string_equal(nnlite_status_string(NNLITE_ENOMEM),
                        "out of memory or size overflow");
    /* Every code has its own non-empty text. */
    const nnlite_status codes[] = {
        NNLITE_OK,    NNLITE_EINVAL, NNLITE_ESHAPE, NNLITE_ENOMEM,
        NNLITE_EIO,   NNLITE_EFORMAT, NNLITE_ESTATE, NNLITE_ENUMERIC,
        NNLITE_ENOTFOUND,
    };
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        const char *t = nnlite_status_string(codes[i]);
        assert_non_null(t);
        assert_string_not_equal(t, "unknown status");
        for (size_t j = 0; j < i; j++) {
            assert_string_not_equal(t, nnlite_status_string(codes[j]));
        }
    }
}

static void test_status_values_are_fixed(void **state)
{
    (void)state;
    /* These numbers are part of the ABI and must never change. */
    assert_int_equal(NNLITE_OK, 0);
    assert_int_equal(NNLITE_EINVAL, -1);
    assert_int_equal(NNLITE_ESHAPE, -2);
    assert_int_equal(NNLITE_ENOMEM, -3);
    assert_int_equal(NNLITE_EIO, -4);
    assert_int_equal(NNLITE_EFORMAT, -5);
    assert_int_equal(NNLITE_ESTATE, -6);
    assert_int_equal(NNLITE_ENUMERIC, -7);
    assert_int_equal(NNLITE_ENOTFOUND, -8);
}

static void test_status_string_unknown(void **state)
{
    (void)state;
    assert_string_equal(nnlite_status_string((nnlite_status)-1000),
                        "unknown status");
    assert_string_equal(nnlite_status_string((nnlite_status)5),
                        "unknown status");
}

static void test_version_runtime_matches_headers(void **state)
{
    (void)state;
    assert_int_equal(nnlite_version_number(), NNLITE_VERSION_NUMBER);
    assert_string_equal(nnlite_version_string(), NNLITE_VERSION_STRING);
    assert_int_equal(NNLITE_VERSION_NUMBER,
                     NNLITE_VERSION_MAJOR * 10000 +
                         NNLITE_VERSION_MINOR * 100 + NNLITE_VERSION_PATCH);
    assert_true(NNLITE_VERSION_AT_LEAST(0, 1, 0));
    assert_false(NNLITE_VERSION_AT_LEAST(NNLITE_VERSION_MAJOR + 1, 0, 0));
}

static void test_version_string_matches_parts(void **state)
{
    char expect[32];
    (void)state;
    snprintf(expect, sizeof(expect), "%d.%d.%d", NNLITE_VERSION_MAJOR,
             NNLITE_VERSION_MINOR, NNLITE_VERSION_PATCH);
    assert_string_equal(nnlite_version_string(), expect);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_string_every_code),
        cmocka_unit_test(test_status_values_are_fixed),
        cmocka_unit_test(test_status_string_unknown),
        cmocka_unit_test(test_version_runtime_matches_headers),
        cmocka_unit_test(test_version_string_matches_parts),
    };
    return cmocka_run_group_tests_name("status", tests, NULL, NULL);
}
