/* The set of ids a source has handed out (duplicate id warnings). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "id_set.h"

static void test_second_use_names_the_first_place(void **state)
{
    (void)state;
    glossa__id_set_t *set = glossa__id_set_new();
    assert_non_null(set);
    glossa__id_place_t first = {0, 0};
    assert_int_equal(
        glossa__id_set_add(set, "a", (glossa__id_place_t){0, 3}, &first), 0);
    assert_int_equal(
        glossa__id_set_add(set, "b", (glossa__id_place_t){0, 4}, &first), 0);
    assert_int_equal(
        glossa__id_set_add(set, "a", (glossa__id_place_t){2, 9}, &first), 1);
    assert_int_equal(first.input, 0);
    assert_int_equal(first.where, 3);
    /* The empty id is an id like any other. */
    assert_int_equal(
        glossa__id_set_add(set, "", (glossa__id_place_t){1, 1}, &first), 0);
    assert_int_equal(
        glossa__id_set_add(set, "", (glossa__id_place_t){1, 2}, &first), 1);
    glossa__id_set_free(set);
}

/* Growing (rehashing) keeps every id and its first place. */
static void test_many_ids_survive_growth(void **state)
{
    (void)state;
    glossa__id_set_t *set = glossa__id_set_new();
    char id[32];
    glossa__id_place_t first;
    for (uint32_t i = 0; i < 50000; i++) {
        snprintf(id, sizeof(id), "doc-%u", i);
        assert_int_equal(
            glossa__id_set_add(set, id, (glossa__id_place_t){1, i + 1}, &first),
            0);
    }
    for (uint32_t i = 0; i < 50000; i += 997) {
        snprintf(id, sizeof(id), "doc-%u", i);
        assert_int_equal(
            glossa__id_set_add(set, id, (glossa__id_place_t){2, 0}, &first), 1);
        assert_int_equal(first.where, i + 1);
    }
    glossa__id_set_free(set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_second_use_names_the_first_place),
        cmocka_unit_test(test_many_ids_survive_growth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
