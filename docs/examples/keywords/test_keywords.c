/* A test of the keywords plugin with the SDK's test host
 * (glossa/testing.h): the real plugin, configured, on one text, through
 * the core's own code, without the whole CLI.
 *
 *   test_keywords PATH/keywords.so      exit status 0 when it passes */
#include <stdio.h>
#include <string.h>

#include <glossa/testing.h>

static int fail(const char *why)
{
    fprintf(stderr, "test_keywords: %s\n", why);
    return 1;
}

int main(int argc, char **argv)
{
    const char *plugin = argc > 1 ? argv[1] : "keywords";
    glossa_test_host_t *host;
    glossa_error_t err;
    json_t *config = json_pack("{s:[s,s]}", "words", "Russia", "Armenia");
    if (glossa_test_host_new(plugin, config, &host, &err) != 0)
        return fail(err.text);
    /* Its input, given by the test: an entity over the first "Russia". */
    json_t *entities = json_pack("[{s:i,s:i,s:s,s:s}]", "start", 0, "end", 6,
                                 "label", "GPE", "canonical", "Russia");
    glossa_test_host_set_input(host, "entities", entities, NULL);
    json_decref(entities);
    json_t *record;
    const char *text = "Russia and Armenia; russia again.";
    if (glossa_test_host_annotate(host, text, strlen(text), NULL, &record,
                                  &err) != 0)
        return fail(err.text);
    const json_t *spans =
        json_object_get(json_object_get(record, "annotations"), "keywords");
    const json_t *first = json_array_get(spans, 0);
    const json_t *third = json_array_get(spans, 2);
    const char *entity = json_string_value(json_object_get(first, "entity"));
    int ok =
        json_array_size(spans) == 3 && entity &&
        strcmp(entity, "Russia") == 0 && !json_object_get(third, "entity") &&
        strcmp(json_string_value(json_object_get(third, "text")), "russia") ==
            0 &&
        json_integer_value(json_object_get(third, "start")) == 20 &&
        strcmp(json_string_value(json_object_get(third, "label")), "KEYWORD") ==
            0 &&
        json_integer_value(json_object_get(
            json_object_get(json_object_get(record, "document"), "keywords"),
            "matches")) == 3;
    json_decref(record);
    json_decref(config);
    /* A configuration the plugin refuses: the error glossa run gives. */
    json_t *empty = json_pack("{s:[]}", "words");
    glossa_test_host_t *refused = NULL;
    int rc = glossa_test_host_new(plugin, empty, &refused, &err);
    json_decref(empty);
    if (rc != GLOSSA_ECONFIG || !strstr(err.text, "at least one word"))
        ok = 0;
    glossa_test_host_free(refused);
    glossa_test_host_free(host);
    return ok ? 0 : fail("unexpected annotations");
}
