/* The SDK's test host and segmentation (glossa/testing.h), through the
 * public API only: one plugin on one text, its inputs given by the test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "helpers.h"

#include <glossa/testing.h>

static void test_one_plugin_on_a_text(void **state)
{
    (void)state;
    glossa_test_host_t *h;
    glossa_error_t err;
    json_t *config = json_pack("{s:s}", "label", "CITY");
    assert_int_equal(
        glossa_test_host_new(test_plugin("capitals"), config, &h, &err), 0);
    json_decref(config);
    json_t *rec;
    const char *text = "From Paris to Rome.";
    assert_int_equal(
        glossa_test_host_annotate(h, text, strlen(text), NULL, &rec, &err), 0);
    json_t *spans =
        json_object_get(json_object_get(rec, "annotations"), "capitals");
    assert_int_equal(json_array_size(spans), 3); /* From, Paris, Rome */
    json_t *paris = json_array_get(spans, 1);
    assert_string_equal(json_string_value(json_object_get(paris, "text")),
                        "Paris");
    assert_string_equal(json_string_value(json_object_get(paris, "label")),
                        "CITY");
    assert_int_equal(json_array_size(json_object_get(rec, "errors")), 0);
    json_decref(rec);
    glossa_test_host_free(h);
}

static void test_inputs_given_by_the_test(void **state)
{
    (void)state;
    glossa_test_host_t *h;
    glossa_error_t err;
    assert_int_equal(
        glossa_test_host_new(test_plugin("counter"), NULL, &h, &err), 0);
    /* counter reads "capitals": two in the first sentence, one in the
     * second, as the test says, not as the capitals plugin would. */
    json_t *given =
        json_pack("[{s:i,s:i},{s:i,s:i},{s:i,s:i}]", "start", 0, "end", 5,
                  "start", 11, "end", 16, "start", 18, "end", 23);
    assert_int_equal(glossa_test_host_set_input(h, "capitals", given, NULL), 0);
    assert_int_equal(glossa_test_host_set_input(h, "entities", given, NULL),
                     GLOSSA_EINVAL); /* not an input of counter */
    json_t *rec;
    assert_int_equal(glossa_test_host_annotate(h,
                                               "Alpha beta Gamma. Delta eps.",
                                               28, NULL, &rec, &err),
                     0);
    json_t *sents =
        json_object_get(json_object_get(rec, "annotations"), "counter");
    assert_int_equal(json_array_size(sents), 2);
    assert_int_equal(json_integer_value(
                         json_object_get(json_array_get(sents, 0), "capitals")),
                     2);
    assert_int_equal(json_integer_value(
                         json_object_get(json_array_get(sents, 1), "capitals")),
                     1);
    json_decref(rec);
    /* Given spans are checked as a plugin's: one out of range is dropped
     * with a warning, the others kept. */
    json_t *bad = json_pack("[{s:i,s:i},{s:i,s:i}]", "start", 0, "end", 5,
                            "start", 5, "end", 500);
    assert_int_equal(glossa_test_host_set_input(h, "capitals", bad, NULL), 0);
    assert_int_equal(glossa_test_host_annotate(h,
                                               "Alpha beta Gamma. Delta eps.",
                                               28, NULL, &rec, &err),
                     0);
    json_t *e = json_array_get(json_object_get(rec, "errors"), 0);
    assert_string_equal(json_string_value(json_object_get(e, "code")),
                        "EINVAL");
    json_decref(rec);
    json_decref(bad);
    json_decref(given);
    glossa_test_host_free(h);
}

static void test_errors_are_the_runs(void **state)
{
    (void)state;
    glossa_test_host_t *h = (glossa_test_host_t *)1;
    glossa_error_t err;
    json_t *config = json_pack("{s:i}", "ms", -1);
    assert_int_equal(
        glossa_test_host_new(test_plugin("slow"), config, &h, &err),
        GLOSSA_ECONFIG);
    assert_null(h);
    assert_non_null(strstr(err.text, "must be at least 0"));
    json_decref(config);
    assert_int_equal(glossa_test_host_new("/nonexistent.so", NULL, &h, &err),
                     GLOSSA_ENOENT);
    /* A plugin's own failure is in the record. */
    assert_int_equal(
        glossa_test_host_new(test_plugin("faulty"), NULL, &h, &err), 0);
    json_t *rec;
    assert_int_equal(
        glossa_test_host_annotate(h, "FAIL-ME", 7, NULL, &rec, &err), 0);
    json_t *e = json_array_get(json_object_get(rec, "errors"), 0);
    assert_string_equal(json_string_value(json_object_get(e, "code")),
                        "EPLUGIN");
    json_decref(rec);
    glossa_test_host_free(h);
}

static void test_segment_text(void **state)
{
    (void)state;
    glossa_token_t *tokens;
    glossa_sentence_t *sents;
    size_t nt, ns;
    const char *text = "Russia's role. It grew.";
    assert_int_equal(
        glossa_segment_text(text, strlen(text), &tokens, &nt, &sents, &ns), 0);
    assert_int_equal(ns, 2);
    assert_int_equal(nt, 7); /* Russia 's role . It grew . */
    assert_int_equal(tokens[1].cp_start, 6);
    glossa_free(tokens);
    glossa_free(sents);
    assert_int_equal(glossa_segment_text("a\xff", 2, &tokens, &nt, &sents, &ns),
                     GLOSSA_EINVAL);
    assert_null(tokens);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_plugin_on_a_text),
        cmocka_unit_test(test_inputs_given_by_the_test),
        cmocka_unit_test(test_errors_are_the_runs),
        cmocka_unit_test(test_segment_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
