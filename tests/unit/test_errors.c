/* The error table and error reports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "glossa/error.h"
#include "report.h"

static void test_table(void **state)
{
    (void)state;
    assert_string_equal(glossa_err_name(GLOSSA_ENOMEM), "ENOMEM");
    assert_string_equal(glossa_strerror(GLOSSA_EABI),
                        "incompatible plugin ABI");
    assert_string_equal(glossa_err_name(0), "OK");
    assert_string_equal(glossa_strerror(-9999), "unknown error");
    /* Codes are stable: they are part of the ABI. */
    assert_int_equal(GLOSSA_ENOMEM, -1);
    assert_int_equal(GLOSSA_EEMPTY, -20);
}

static void test_first_error_wins_and_formats(void **state)
{
    (void)state;
    glossa_error_t err;
    glossa_error_clear(&err);
    assert_int_equal(
        glossa__fail(&err, GLOSSA_EPARSE, "p.json", 3, "bad %s", "comma"),
        GLOSSA_EPARSE);
    assert_int_equal(glossa__fail(&err, GLOSSA_EIO, "other", 0, "later"),
                     GLOSSA_EIO);
    char buf[256];
    assert_string_equal(glossa_error_format(&err, buf, sizeof(buf)),
                        "p.json:3: bad comma");
    err.column = 7;
    assert_string_equal(glossa_error_format(&err, buf, sizeof(buf)),
                        "p.json:3:7: bad comma");
    glossa_error_clear(&err);
    err.code = GLOSSA_ENOMEM;
    assert_string_equal(glossa_error_format(&err, buf, sizeof(buf)),
                        "out of memory");
    /* NULL is allowed everywhere. */
    assert_int_equal(glossa__fail(NULL, GLOSSA_EIO, NULL, 0, "x"), GLOSSA_EIO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_first_error_wins_and_formats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
