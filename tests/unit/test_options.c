/* Plugin configuration checked against a declared option table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "runtime_int.h"

static const char *const label_choices[] = {"PERSON", "ORG", NULL};
static const char *const mode_choices[] = {"fast", "exact", NULL};

static const glossa_option_t options[] = {
    {.key = "model",
     .type = GLOSSA_OPTION_STRING,
     .default_json = "\"model.bin\"",
     .description = "model file"},
    {.key = "beam",
     .type = GLOSSA_OPTION_INTEGER,
     .default_json = "4",
     .description = "beam width",
     .minimum = "1",
     .maximum = "64"},
    {.key = "threshold",
     .type = GLOSSA_OPTION_REAL,
     .description = "a number",
     .minimum = "0"},
    {.key = "lowercase",
     .type = GLOSSA_OPTION_BOOLEAN,
     .default_json = "false",
     .description = "fold case"},
    {.key = "labels",
     .type = GLOSSA_OPTION_STRING_LIST,
     .default_json = "[\"PERSON\"]",
     .description = "labels",
     .choices = label_choices},
    {.key = "extra", .type = GLOSSA_OPTION_OBJECT, .description = "anything"},
    {.key = "mode",
     .type = GLOSSA_OPTION_STRING,
     .default_json = "\"fast\"",
     .description = "how",
     .choices = mode_choices},
    {.key = NULL},
};

static const glossa_plugin_t desc = {.name = "demo", .options = options};

static const glossa_option_t required_options[] = {
    {.key = "words",
     .type = GLOSSA_OPTION_STRING_LIST,
     .description = "the words",
     .required = 1},
    {.key = NULL},
};
static const glossa_plugin_t required_desc = {.name = "needy",
                                              .options = required_options};

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
                           "\"lowercase\":false,\"labels\":[\"PERSON\"],"
                           "\"mode\":\"fast\"}");
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

/* Choices, bounds and required keys are the core's to check, with
 * messages that say what is allowed. */
static void test_choices_bounds_required(void **state)
{
    (void)state;
    json_t *out;
    glossa_error_t err;
    assert_int_equal(validate("{\"mode\": \"slow\"}", &out, &err),
                     GLOSSA_ECONFIG);
    assert_non_null(strstr(err.text, "'mode' of plugin 'demo' is \"slow\", "
                                     "not one of \"fast\", \"exact\""));
    assert_int_equal(validate("{\"labels\": [\"ORG\", \"DATE\"]}", &out, &err),
                     GLOSSA_ECONFIG);
    assert_non_null(strstr(err.text, "holds \"DATE\", not one of "
                                     "\"PERSON\", \"ORG\""));
    assert_int_equal(validate("{\"beam\": 0}", &out, &err), GLOSSA_ECONFIG);
    assert_non_null(strstr(err.text, "'beam' of plugin 'demo' must be from 1 "
                                     "to 64"));
    assert_int_equal(validate("{\"threshold\": -0.5}", &out, &err),
                     GLOSSA_ECONFIG);
    assert_non_null(strstr(err.text, "must be at least 0"));
    assert_int_equal(validate("{\"beam\": 64, \"threshold\": 0, "
                              "\"mode\": \"exact\", \"labels\": [\"ORG\"]}",
                              &out, &err),
                     0);
    json_decref(out);
    assert_int_equal(
        glossa__config_validate(&required_desc, NULL, "p.json", &out, &err),
        GLOSSA_ECONFIG);
    assert_non_null(strstr(err.text, "plugin 'needy' needs the configuration "
                                     "key 'words'"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_are_filled),
        cmocka_unit_test(test_choices_bounds_required),
        cmocka_unit_test(test_unknown_and_mistyped_keys),
        cmocka_unit_test(test_plugin_without_table_takes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
