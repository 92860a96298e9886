/* Plugin configuration checked against a declared option table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "runtime_int.h"

static const glossa_option_t options[] = {
    {"model", GLOSSA_OPTION_STRING, "\"model.bin\"", "model file"},
    {"beam", GLOSSA_OPTION_INTEGER, "4", "beam width"},
    {"threshold", GLOSSA_OPTION_REAL, NULL, "a number"},
    {"lowercase", GLOSSA_OPTION_BOOLEAN, "false", "fold case"},
    {"labels", GLOSSA_OPTION_STRING_LIST, "[\"PERSON\"]", "labels"},
    {"extra", GLOSSA_OPTION_OBJECT, NULL, "anything"},
    {NULL, 0, NULL, NULL}};

static const glossa_plugin_t desc = {.name = "demo", .options = options};

static int validate(const char *json, json_t **out, glossa_error_t *err)
{
    json_t *given = json ? json_loads(json, 0, NULL) : NULL;
    glossa_error_clear(err);
    int rc =
        glossa__config_validate(&desc, given, "p.json: plugins[0]", out, err);
    json_decref(given);
    return rc;
}

static void test_defaults_are_filled(void **state)
{
    (void)state;
    json_t *out;
    glossa_error_t err;
    assert_int_equal(validate(NULL, &out, &err), 0);
    char *s = json_dumps(out, JSON_COMPACT);
    assert_string_equal(s, "{\"model\":\"model.bin\",\"beam\":4,"
                           "\"lowercase\":false,\"labels\":[\"PERSON\"]}");
    free(s);
    json_decref(out);
    /* Given values win; integers are numbers too. */
    assert_int_equal(validate("{\"beam\": 8, \"threshold\": 1}", &out, &err),
                     0);
    assert_int_equal(json_integer_value(json_object_get(out, "beam")), 8);
    assert_non_null(json_object_get(out, "threshold"));
    json_decref(out);
}

static void test_unknown_and_mistyped_keys(void **state)
{
    (void)state;
    json_t *out;
    glossa_error_t err;
    assert_int_equal(validate("{\"modle\": \"x\"}", &out, &err),
                     GLOSSA_ECONFIG);
    assert_null(out);
    assert_string_equal(err.source, "p.json: plugins[0]");
    assert_non_null(strstr(err.text, "unknown configuration key 'modle' for "
                                     "plugin 'demo' (known keys: model, "
                                     "beam, threshold"));
    assert_int_equal(validate("{\"beam\": 2.5}", &out, &err), GLOSSA_ECONFIG);
    assert_non_null(strstr(err.text, "'beam' of plugin 'demo' must be an "
                                     "integer"));
    assert_int_equal(validate("{\"labels\": [\"A\", 3]}", &out, &err),
                     GLOSSA_ECONFIG);
    assert_non_null(strstr(err.text, "must be an array of strings"));
    assert_int_equal(validate("{\"lowercase\": \"yes\"}", &out, &err),
                     GLOSSA_ECONFIG);
    assert_int_equal(validate("[1]", &out, &err), GLOSSA_ECONFIG);
    assert_non_null(strstr(err.text, "must be a JSON object"));
}

static void test_plugin_without_table_takes_nothing(void **state)
{
    (void)state;
    const glossa_plugin_t bare = {.name = "bare"};
    json_t *given = json_pack("{s:i}", "x", 1), *out = NULL;
    glossa_error_t err;
    glossa_error_clear(&err);
    assert_int_equal(glossa__config_validate(&bare, given, "o", &out, &err),
                     GLOSSA_ECONFIG);
    assert_non_null(strstr(err.text, "it takes no keys"));
    json_decref(given);
    assert_int_equal(glossa__config_validate(&bare, NULL, "o", &out, &err), 0);
    assert_int_equal(json_object_size(out), 0);
    json_decref(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_are_filled),
        cmocka_unit_test(test_unknown_and_mistyped_keys),
        cmocka_unit_test(test_plugin_without_table_takes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
