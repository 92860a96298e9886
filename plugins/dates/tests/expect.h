/* Helpers of the rule tests (test_resolve.c, test_classes.c): run the
 * bundled rules on a sentence with a DCT and check the spans found. Each
 * test file includes this once; the functions are static inline so that
 * a file need not use them all. */
#ifndef DATES_TEST_EXPECT_H
#define DATES_TEST_EXPECT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dates.h"

static dates_engine_t *engine;

typedef struct got {
    char text[64], label[16], value[64], anchor[32], mod[32];
} got_t;

typedef struct spans {
    got_t s[32];
    int n;
    const char *text;
} spans_t;

static inline int collect(void *arg, const dates_span_t *sp)
{
    spans_t *c = arg;
    if (c->n == 32)
        return 0;
    got_t *g = &c->s[c->n++];
    snprintf(g->text, sizeof g->text, "%.*s", (int)(sp->end - sp->start),
             c->text + sp->start);
    snprintf(g->label, sizeof g->label, "%s", sp->label);
    snprintf(g->value, sizeof g->value, "%s", sp->value);
    snprintf(g->anchor, sizeof g->anchor, "%s", sp->anchor ? sp->anchor : "");
    snprintf(g->mod, sizeof g->mod, "%s", sp->mod ? sp->mod : "");
    return 0;
}

static inline spans_t run(const char *text, const char *dct)
{
    spans_t c;
    memset(&c, 0, sizeof c);
    c.text = text;
    dates_dct_t d = {0};
    if (dct)
        assert_int_equal(dates_dct_parse(dct, &d), 0);
    assert_int_equal(dates_engine_annotate(engine, text, strlen(text), &d,
                                           DATES_DATELINE, collect, &c, NULL),
                     0);
    return c;
}

/* The span whose text is `span` must have this label and value. */
static inline const got_t *expect(const char *text, const char *dct,
                                  const char *span, const char *label,
                                  const char *value)
{
    static spans_t c;
    c = run(text, dct);
    for (int i = 0; i < c.n; i++) {
        if (strcmp(c.s[i].text, span) == 0) {
            if (strcmp(c.s[i].value, value) != 0 ||
                strcmp(c.s[i].label, label) != 0)
                fail_msg("'%s' in \"%s\" (DCT %s): got %s %s, want %s %s", span,
                         text, dct ? dct : "none", c.s[i].label, c.s[i].value,
                         label, value);
            return &c.s[i];
        }
    }
    for (int i = 0; i < c.n; i++)
        print_message("  found '%s' %s %s\n", c.s[i].text, c.s[i].label,
                      c.s[i].value);
    fail_msg("'%s' not found in \"%s\"", span, text);
    return NULL;
}

static inline void expect_none(const char *text, const char *dct)
{
    spans_t c = run(text, dct);
    if (c.n != 0)
        fail_msg("\"%s\": unexpected span '%s' (%s %s)", text, c.s[0].text,
                 c.s[0].label, c.s[0].value);
}

/* The text must give exactly n spans. */
static inline void expect_n(const char *text, const char *dct, int n)
{
    spans_t c = run(text, dct);
    if (c.n != n) {
        for (int i = 0; i < c.n; i++)
            print_message("  found '%s' %s %s\n", c.s[i].text, c.s[i].label,
                          c.s[i].value);
        fail_msg("\"%s\": %d spans, want %d", text, c.n, n);
    }
}

static inline int setup(void **state)
{
    (void)state;
    char err[1024];
    if (dates_engine_load(DATES_DATA_DIR, &engine, err, sizeof err) != 0) {
        fprintf(stderr, "cannot load rules: %s\n", err);
        return -1;
    }
    return 0;
}

static inline int teardown(void **state)
{
    (void)state;
    dates_engine_free(engine);
    return 0;
}

#endif /* DATES_TEST_EXPECT_H */
