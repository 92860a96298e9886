/* The isolation supervisor's policies that need no processes: the time a
 * plugin may take on a document. (Crashes, hangs and signals are tested
 * end to end: tests/e2e/isolation.sh, tests/e2e/signals.sh.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "glossa/runtime.h"
#include "isolate/supervisor_int.h"

static void test_default_time_limit_grows_with_size(void **state)
{
    (void)state;
    /* Unset: 60 s, plus 30 s per MiB. */
    assert_int_equal(glossa__doc_time_limit_ms(0, 0), 60000);
    assert_int_equal(glossa__doc_time_limit_ms(0, 1000), 60028);
    assert_int_equal(glossa__doc_time_limit_ms(0, 1u << 20), 90000);
    assert_int_equal(glossa__doc_time_limit_ms(0, (size_t)32 << 20),
                     60000 + 32 * 30000);
    /* Set: as given, whatever the size. */
    assert_int_equal(glossa__doc_time_limit_ms(1500, 0), 1500);
    assert_int_equal(glossa__doc_time_limit_ms(1500, (size_t)32 << 20), 1500);
    /* None: no limit. */
    assert_int_equal(glossa__doc_time_limit_ms(GLOSSA_DOC_TIMEOUT_NONE, 5), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_time_limit_grows_with_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
