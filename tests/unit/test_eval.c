/* The evaluator behind `glossa eval`: span matching, the metrics, gold and
 * output loading, and the command itself (exit codes, messages, floors). */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "eval.h"

/* ---- Helpers ---- */

static json_t *parse(const char *text)
{
    json_error_t jerr;
    json_t *v = json_loads(text, 0, &jerr);
    if (!v)
        fail_msg("bad test JSON (%d:%d): %s", jerr.line, jerr.column,
                 jerr.text);
    return v;
}

static glossa_eval_t *make(const char *const *layers, size_t n_layers,
                           const char *const *attrs, size_t n_attrs,
                           const char *const *doc_attrs, size_t n_doc_attrs)
{
    glossa_eval_options_t opts = {
        .layers = layers,
        .n_layers = n_layers,
        .attrs = attrs,
        .n_attrs = n_attrs,
        .doc_attrs = doc_attrs,
        .n_doc_attrs = n_doc_attrs,
    };
    glossa_eval_t *ev = NULL;
    glossa_error_t err;
    memset(&err, 0, sizeof(err));
    int rc = glossa_eval_new(&opts, &ev, &err);
    if (rc != 0)
        fail_msg("glossa_eval_new: %s", err.text);
    return ev;
}

/* Adds every gold document of the JSON array `gold` and every record of
 * `records`, finishes and returns the flattened report. */
static json_t *run_ev(glossa_eval_t *ev, const char *gold, const char *records)
{
    glossa_error_t err;
    memset(&err, 0, sizeof(err));
    json_t *g = parse(gold), *r = parse(records), *report = NULL, *v;
    size_t i;
    json_array_foreach(g, i, v)
    {
        if (glossa_eval_add_gold(ev, v, "gold", &err) != 0)
            fail_msg("add_gold: %s", err.text);
    }
    json_array_foreach(r, i, v)
    {
        if (glossa_eval_add_record(ev, v, "out", (int)i + 1, &err) != 0)
            fail_msg("add_record: %s", err.text);
    }
    if (glossa_eval_finish(ev, &report, &err) != 0)
        fail_msg("finish: %s", err.text);
    json_t *flat = glossa_eval_flatten(report);
    assert_non_null(flat);
    json_decref(report);
    json_decref(g);
    json_decref(r);
    glossa_eval_free(ev);
    return flat;
}

static void expect(const json_t *flat, const char *name, double want)
{
    double v;
    int defined;
    int rc = glossa_eval_metric(flat, name, &v, &defined);
    if (rc != 0)
        fail_msg("metric %s: not found (%d)", name, rc);
    if (!defined)
        fail_msg("metric %s: undefined, expected %.6f", name, want);
    if (fabs(v - want) > 1e-12)
        fail_msg("metric %s = %.12f, expected %.12f", name, v, want);
}

static void expect_undefined(const json_t *flat, const char *name)
{
    double v;
    int defined;
    assert_int_equal(glossa_eval_metric(flat, name, &v, &defined), 0);
    if (defined)
        fail_msg("metric %s = %f, expected undefined", name, v);
}

static void expect_absent(const json_t *flat, const char *name)
{
    if (json_object_get(flat, name))
        fail_msg("metric %s should not be reported", name);
}

static void expect_prf(const json_t *flat, const char *prefix, int tp, int fp,
                       int fn)
{
    char name[256];
    snprintf(name, sizeof(name), "%s.tp", prefix);
    expect(flat, name, tp);
    snprintf(name, sizeof(name), "%s.fp", prefix);
    expect(flat, name, fp);
    snprintf(name, sizeof(name), "%s.fn", prefix);
    expect(flat, name, fn);
    snprintf(name, sizeof(name), "%s.f1", prefix);
    if (tp + fp + fn > 0)
        expect(flat, name, 2.0 * tp / (2.0 * tp + fp + fn));
}

static const char *data_dir(void)
{
    const char *d = getenv("GLOSSA_TEST_DATA");
    return d ? d : "tests";
}

static char *path_to(const char *rel)
{
    size_t n = strlen(data_dir()) + strlen(rel) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", data_dir(), rel);
    return p;
}

/* ---- Span matching ---- */

/* gold: A exact, B label mismatch, C shifted, D missed; plus spurious E. */
static void test_exact_strict_relaxed(void **state)
{
    (void)state;
    json_t *flat =
        run_ev(make(NULL, 0, NULL, 0, NULL, 0),
               "[{\"id\": \"d\", \"ents\": ["
               "{\"start\": 0, \"end\": 5, \"label\": \"PER\"},"
               "{\"start\": 10, \"end\": 20, \"label\": \"ORG\"},"
               "{\"start\": 30, \"end\": 35, \"label\": \"GPE\"},"
               "{\"start\": 40, \"end\": 45, \"label\": \"LOC\"}]}]",
               "[{\"id\": \"d\", \"annotations\": {\"ents\": ["
               "{\"start\": 0, \"end\": 5, \"label\": \"PER\"},"
               "{\"start\": 10, \"end\": 20, \"label\": \"GPE\"},"
               "{\"start\": 31, \"end\": 36, \"label\": \"GPE\"},"
               "{\"start\": 50, \"end\": 55, \"label\": \"PER\"}]}}]");
    expect_prf(flat, "ents.exact.micro", 1, 3, 3);
    expect(flat, "ents.exact.micro.precision", 0.25);
    expect(flat, "ents.exact.micro.recall", 0.25);
    expect_prf(flat, "ents.exact.per_label.PER", 1, 1, 0);
    expect(flat, "ents.exact.per_label.PER.precision", 0.5);
    expect(flat, "ents.exact.per_label.PER.recall", 1.0);
    expect_prf(flat, "ents.exact.per_label.ORG", 0, 0, 1);
    expect_undefined(flat, "ents.exact.per_label.ORG.precision");
    expect_prf(flat, "ents.exact.per_label.GPE", 0, 2, 1);
    expect_prf(flat, "ents.exact.per_label.LOC", 0, 0, 1);
    expect_prf(flat, "ents.strict", 2, 2, 2);
    expect_prf(flat, "ents.relaxed", 3, 1, 1);
    expect(flat, "ents.relaxed.precision", 0.75);
    expect(flat, "ents.gold_spans", 4);
    expect(flat, "ents.predicted_spans", 4);
    expect(flat, "ents.documents", 1);
    json_decref(flat);
}

/* Duplicated predictions match once; spans without a label compare equal
 * to each other and count only in the micro average. */
static void test_duplicates_and_no_label(void **state)
{
    (void)state;
    json_t *flat = run_ev(make(NULL, 0, NULL, 0, NULL, 0),
                          "[{\"id\": \"d\", \"s\": ["
                          "{\"start\": 0, \"end\": 5},"
                          "{\"start\": 6, \"end\": 9, \"label\": \"X\"}]}]",
                          "[{\"id\": \"d\", \"annotations\": {\"s\": ["
                          "{\"start\": 0, \"end\": 5},"
                          "{\"start\": 0, \"end\": 5, \"label\": null},"
                          "{\"start\": 6, \"end\": 9}]}}]");
    expect_prf(flat, "s.exact.micro", 1, 2, 1);
    expect_prf(flat, "s.exact.per_label.X", 0, 0, 1);
    expect_absent(flat, "s.exact.per_label..f1");
    expect_prf(flat, "s.strict", 2, 1, 0);
    expect_prf(flat, "s.relaxed", 2, 1, 0);
    json_decref(flat);
}

/* The value of the paired prediction tells which one was chosen. */
static const char *pair_choice(const char *gold_span, const char *preds)
{
    static char gold[512], recs[1024];
    snprintf(gold, sizeof(gold), "[{\"id\": \"d\", \"s\": [%s]}]", gold_span);
    snprintf(recs, sizeof(recs),
             "[{\"id\": \"d\", \"annotations\": {\"s\": [%s]}}]", preds);
    const char *attrs[] = {"v"};
    json_t *flat = run_ev(make(NULL, 0, attrs, 1, NULL, 0), gold, recs);
    expect_prf(flat, "s.relaxed", 1, 1, 0);
    double acc;
    int defined;
    assert_int_equal(
        glossa_eval_metric(flat, "s.attr.v.accuracy_relaxed", &acc, &defined),
        0);
    assert_true(defined);
    json_decref(flat);
    return acc == 1.0 ? "right" : "wrong";
}

static void test_relaxed_one_to_one(void **state)
{
    (void)state;
    /* Two predictions overlap one gold span: one pair, the larger overlap. */
    assert_string_equal(pair_choice("{\"start\": 0, \"end\": 10, \"v\": 1}",
                                    "{\"start\": 0, \"end\": 4, \"v\": 0},"
                                    "{\"start\": 5, \"end\": 10, \"v\": 1}"),
                        "right");
    /* Same overlap and same boundary distance: the earlier start. */
    assert_string_equal(pair_choice("{\"start\": 0, \"end\": 10, \"v\": 1}",
                                    "{\"start\": 5, \"end\": 10, \"v\": 0},"
                                    "{\"start\": 0, \"end\": 5, \"v\": 1}"),
                        "right");
    /* Same overlap: the identical extent beats a span containing it. */
    assert_string_equal(pair_choice("{\"start\": 5, \"end\": 10, \"v\": 1}",
                                    "{\"start\": 0, \"end\": 20, \"v\": 0},"
                                    "{\"start\": 5, \"end\": 10, \"v\": 1}"),
                        "right");
}

/* Greedy by overlap pairs G1 with P1 and leaves G2 alone; the augmenting
 * pass re-pairs G1-P2 and G2-P1, the maximum. Empty spans match only an
 * identical extent. */
static void test_relaxed_maximum_matching(void **state)
{
    (void)state;
    json_t *flat = run_ev(make(NULL, 0, NULL, 0, NULL, 0),
                          "[{\"id\": \"d\", \"s\": ["
                          "{\"start\": 0, \"end\": 10},"
                          "{\"start\": 11, \"end\": 20},"
                          "{\"start\": 30, \"end\": 30}]}]",
                          "[{\"id\": \"d\", \"annotations\": {\"s\": ["
                          "{\"start\": 2, \"end\": 12},"
                          "{\"start\": 0, \"end\": 3},"
                          "{\"start\": 30, \"end\": 30},"
                          "{\"start\": 40, \"end\": 40}]}}]");
    expect_prf(flat, "s.relaxed", 3, 1, 0);
    expect_prf(flat, "s.strict", 1, 3, 2);
    json_decref(flat);
}

/* Relaxed >= strict >= exact on overlapping, nested and duplicated spans
 * in many documents (a property check with a fixed seed). */
static void test_matching_invariants(void **state)
{
    (void)state;
    unsigned seed = 12345;
    for (int round = 0; round < 200; round++) {
        json_t *gold = json_array(), *recs = json_array();
        json_t *gs = json_array(), *ps = json_array();
        for (int side = 0; side < 2; side++) {
            int n = (int)((seed = seed * 1103515245u + 12345u) >> 16) % 8;
            for (int k = 0; k < n; k++) {
                seed = seed * 1103515245u + 12345u;
                int start = (int)(seed >> 16) % 30;
                seed = seed * 1103515245u + 12345u;
                int len = (int)(seed >> 16) % 6;
                const char *label = (seed >> 20) & 1 ? "A" : "B";
                json_array_append_new(side ? ps : gs,
                                      json_pack("{si si ss}", "start", start,
                                                "end", start + len, "label",
                                                label));
            }
        }
        json_array_append_new(gold, json_pack("{ss so}", "id", "d", "s", gs));
        json_array_append_new(
            recs, json_pack("{ss s{so}}", "id", "d", "annotations", "s", ps));
        char *g = json_dumps(gold, 0), *r = json_dumps(recs, 0);
        json_t *flat = run_ev(make(NULL, 0, NULL, 0, NULL, 0), g, r);
        double e, s, x;
        int d;
        glossa_eval_metric(flat, "s.exact.micro.tp", &e, &d);
        glossa_eval_metric(flat, "s.strict.tp", &s, &d);
        glossa_eval_metric(flat, "s.relaxed.tp", &x, &d);
        assert_true(e <= s);
        assert_true(s <= x);
        json_decref(flat);
        free(g);
        free(r);
        json_decref(gold);
        json_decref(recs);
    }
}

/* ---- Attributes ---- */

/* s1 exact and right; s2 shifted (relaxed) and right; s3 exact but the
 * prediction has no polarity; s4 exact and wrong; s5 spurious.
 *   exact pairs s1 s3 s4: 1 right      -> accuracy_exact 1/3
 *   relaxed pairs s1-s4: 2 right       -> accuracy_relaxed 1/2
 *   tp 2, predicted 4 + s3 (matched, missing) = 5, gold 4
 *   macro over relaxed pairs: pos tp1 pred2 gold1 -> 2/3; neg tp1 pred1
 *   gold2 -> 2/3; neu tp0 pred0 gold1 -> 0; mean 4/9. */
static void test_attributes(void **state)
{
    (void)state;
    const char *attrs[] = {"polarity", "refers_to", "nowhere"};
    json_t *flat = run_ev(
        make(NULL, 0, attrs, 3, NULL, 0),
        "[{\"id\": \"d\", \"m\": ["
        "{\"start\": 0, \"end\": 5, \"polarity\": \"pos\"},"
        "{\"start\": 10, \"end\": 15, \"polarity\": \"neg\"},"
        "{\"start\": 20, \"end\": 25, \"polarity\": \"neu\"},"
        "{\"start\": 30, \"end\": 35, \"polarity\": \"neg\"}]}]",
        "[{\"id\": \"d\", \"annotations\": {\"m\": ["
        "{\"start\": 0, \"end\": 5, \"polarity\": \"pos\", \"refers_to\": 1},"
        "{\"start\": 11, \"end\": 16, \"polarity\": \"neg\"},"
        "{\"start\": 20, \"end\": 25},"
        "{\"start\": 30, \"end\": 35, \"polarity\": \"pos\"},"
        "{\"start\": 40, \"end\": 45, \"polarity\": \"neu\"}]}}]");
    expect(flat, "m.attr.polarity.exact_pairs", 3);
    expect(flat, "m.attr.polarity.accuracy_exact", 1.0 / 3);
    expect(flat, "m.attr.polarity.relaxed_pairs", 4);
    expect(flat, "m.attr.polarity.accuracy_relaxed", 0.5);
    expect(flat, "m.attr.polarity.tp", 2);
    expect(flat, "m.attr.polarity.predicted", 5);
    expect(flat, "m.attr.polarity.gold", 4);
    expect(flat, "m.attr.polarity.precision", 0.4);
    expect(flat, "m.attr.polarity.recall", 0.5);
    expect(flat, "m.attr.polarity.f1", 4.0 / 9);
    expect(flat, "m.attr.polarity.classes", 3);
    expect(flat, "m.attr.polarity.macro_f1", 4.0 / 9);
    /* Only predicted: every assertion is wrong, recall is undefined. */
    expect(flat, "m.attr.refers_to.accuracy_exact", 0);
    expect(flat, "m.attr.refers_to.precision", 0);
    expect_undefined(flat, "m.attr.refers_to.recall");
    expect(flat, "m.attr.refers_to.f1", 0);
    expect(flat, "m.attr.refers_to.macro_f1", 0);
    /* On no span at all: not reported. */
    expect_absent(flat, "m.attr.nowhere.f1");
    json_decref(flat);
}

/* Equality is JSON equality: key order does not matter, 1 != 1.0, and a
 * null value counts as missing. */
static void test_attribute_json_equality(void **state)
{
    (void)state;
    const char *attrs[] = {"v"};
    json_t *flat = run_ev(make(NULL, 0, attrs, 1, NULL, 0),
                          "[{\"id\": \"d\", \"s\": ["
                          "{\"start\": 0, \"end\": 1, \"v\": {\"a\": 1, "
                          "\"b\": [2]}},"
                          "{\"start\": 2, \"end\": 3, \"v\": 1},"
                          "{\"start\": 4, \"end\": 5, \"v\": \"x\"}]}]",
                          "[{\"id\": \"d\", \"annotations\": {\"s\": ["
                          "{\"start\": 0, \"end\": 1, \"v\": {\"b\": [2], "
                          "\"a\": 1}},"
                          "{\"start\": 2, \"end\": 3, \"v\": 1.0},"
                          "{\"start\": 4, \"end\": 5, \"v\": null}]}}]");
    expect(flat, "s.attr.v.accuracy_exact", 1.0 / 3);
    expect(flat, "s.attr.v.predicted", 3);
    expect(flat, "s.attr.v.tp", 1);
    /* Classes: {a,b} (1/1), 1 (gold only), 1.0 (predicted only), "x". */
    expect(flat, "s.attr.v.classes", 4);
    expect(flat, "s.attr.v.macro_f1", 0.25);
    json_decref(flat);
}

/* With --attr label, exact matches agree on the label by definition; the
 * relaxed accuracy is the one that tells (TempEval-3's type accuracy). */
static void test_label_as_attribute(void **state)
{
    (void)state;
    const char *attrs[] = {"label"};
    json_t *flat = run_ev(make(NULL, 0, attrs, 1, NULL, 0),
                          "[{\"id\": \"d\", \"t\": ["
                          "{\"start\": 0, \"end\": 5, \"label\": \"DATE\"},"
                          "{\"start\": 9, \"end\": 12, \"label\": \"SET\"}]}]",
                          "[{\"id\": \"d\", \"annotations\": {\"t\": ["
                          "{\"start\": 0, \"end\": 5, \"label\": \"DATE\"},"
                          "{\"start\": 9, \"end\": 14, \"label\": "
                          "\"DURATION\"}]}}]");
    expect(flat, "t.attr.label.accuracy_exact", 1.0);
    expect(flat, "t.attr.label.accuracy_relaxed", 0.5);
    expect(flat, "t.attr.label.f1", 0.5);
    json_decref(flat);
}

/* ---- Documents ---- */

static void test_doc_attrs(void **state)
{
    (void)state;
    const char *doc_attrs[] = {"label", "counts"};
    json_t *flat = run_ev(
        make(NULL, 0, NULL, 0, doc_attrs, 2),
        "[{\"id\": \"1\", \"m\": [], \"m_document\": {\"label\": \"neg\", "
        "\"counts\": {\"a\": 1, \"b\": 2}}},"
        "{\"id\": \"2\", \"m\": [], \"m_document\": {\"label\": \"pos\"}},"
        "{\"id\": \"3\", \"m\": [], \"m_document\": {\"label\": \"neu\"}},"
        "{\"id\": \"4\", \"m\": [], \"m_document\": {\"label\": null}},"
        "{\"id\": \"5\", \"m\": [], \"m_document\": {\"label\": \"neg\"}}]",
        "[{\"id\": \"1\", \"annotations\": {\"m\": []}, \"document\": {\"m\": "
        "{\"label\": \"neg\", \"counts\": {\"b\": 2, \"a\": 1}}}},"
        "{\"id\": \"2\", \"annotations\": {\"m\": []}, \"document\": {\"m\": "
        "{\"label\": \"neg\"}}},"
        "{\"id\": 3, \"annotations\": {\"m\": []}},"
        "{\"id\": \"4\", \"document\": {\"m\": {\"label\": \"pos\"}}}]");
    /* 1 right; 2 wrong; 3 has no document result; 4 has no gold value; 5 is
     * missing from the output, so wrong. */
    expect(flat, "m.doc.label.total", 4);
    expect(flat, "m.doc.label.correct", 1);
    expect(flat, "m.doc.label.accuracy", 0.25);
    expect(flat, "m.doc.counts.total", 1);
    expect(flat, "m.doc.counts.accuracy", 1.0);
    expect(flat, "documents.missing", 1);
    expect(flat, "documents.scored", 4);
    json_decref(flat);
}

/* Gold documents missing from the output count as misses; output without
 * gold is counted and ignored; a gold document without a layer's key is
 * not scored for that layer. */
static void test_missing_documents(void **state)
{
    (void)state;
    const char *attrs[] = {"c"};
    json_t *flat = run_ev(
        make(NULL, 0, attrs, 1, NULL, 0),
        "[{\"id\": \"a\", \"e\": [{\"start\": 0, \"end\": 2, \"label\": "
        "\"X\", \"c\": \"k\"}]},"
        "{\"id\": \"b\", \"e\": [{\"start\": 0, \"end\": 2, \"label\": "
        "\"X\", \"c\": \"k\"}, {\"start\": 3, \"end\": 4, \"label\": "
        "\"Y\"}]},"
        "{\"id\": \"n\"}]",
        "[{\"id\": \"z\", \"annotations\": {\"e\": [{\"start\": 0, \"end\": "
        "9}]}},"
        "{\"id\": \"n\", \"annotations\": {\"e\": [{\"start\": 0, \"end\": "
        "9}]}},"
        "{\"id\": \"a\", \"annotations\": {\"e\": [{\"start\": 0, \"end\": "
        "2, \"label\": \"X\", \"c\": \"k\"}]}, \"errors\": [{\"plugin\": "
        "\"p\", \"message\": \"m\"}]}]");
    expect(flat, "documents.gold", 3);
    expect(flat, "documents.output", 3);
    expect(flat, "documents.scored", 2);
    expect(flat, "documents.missing", 1);
    expect(flat, "documents.without_gold", 1);
    expect(flat, "documents.with_errors", 1);
    const json_t *ids = json_object_get(flat, "documents.missing_ids");
    assert_int_equal(json_array_size(ids), 1);
    assert_string_equal(json_string_value(json_array_get(ids, 0)), "b");
    expect(flat, "e.documents", 2);
    expect(flat, "e.output_documents", 2);
    expect_prf(flat, "e.exact.micro", 1, 0, 2);
    expect_prf(flat, "e.exact.per_label.X", 1, 0, 1);
    expect_prf(flat, "e.exact.per_label.Y", 0, 0, 1);
    expect_prf(flat, "e.relaxed", 1, 0, 2);
    expect(flat, "e.attr.c.gold", 2);
    expect(flat, "e.attr.c.recall", 0.5);
    json_decref(flat);
}

/* Default: the layers in both gold and output. --layer OUT=GOLD renames. */
static void test_layer_selection(void **state)
{
    (void)state;
    const char *gold = "[{\"id\": \"d\", \"a\": [{\"start\": 0, \"end\": 1}],"
                       " \"g\": [{\"start\": 0, \"end\": 1}],"
                       " \"m\": [{\"start\": 0, \"end\": 4}],"
                       " \"m_document\": {\"label\": \"x\"}}]";
    const char *recs = "[{\"id\": \"d\", \"annotations\": {\"a\": "
                       "[{\"start\": 0, \"end\": 1}], \"o\": [], \"m_eu\": "
                       "[{\"start\": 1, \"end\": 3}]}, \"document\": "
                       "{\"m_eu\": {\"label\": \"x\"}}}]";
    json_t *flat = run_ev(make(NULL, 0, NULL, 0, NULL, 0), gold, recs);
    expect(flat, "a.exact.micro.f1", 1.0);
    expect_absent(flat, "g.exact.micro.f1"); /* gold only */
    expect_absent(flat, "o.exact.micro.f1"); /* output only */
    expect_absent(flat, "m.exact.micro.f1");
    json_decref(flat);

    const char *layers[] = {"m_eu=m", "g"};
    const char *doc_attrs[] = {"label"};
    flat = run_ev(make(layers, 2, NULL, 0, doc_attrs, 1), gold, recs);
    expect_prf(flat, "m_eu.strict", 0, 1, 1);
    expect_prf(flat, "m_eu.relaxed", 1, 0, 0);
    expect(flat, "m_eu.doc.label.accuracy", 1.0);
    assert_string_equal(
        json_string_value(json_object_get(flat, "m_eu.gold_layer")), "m");
    /* Explicit, so reported although the output lacks it. */
    expect_prf(flat, "g.exact.micro", 0, 0, 1);
    expect(flat, "g.output_documents", 0);
    expect_absent(flat, "a.exact.micro.f1");
    json_decref(flat);
}

/* Ratios with a zero denominator are undefined, not 0 or 1. */
static void test_undefined_metrics(void **state)
{
    (void)state;
    const char *attrs[] = {"v"};
    const char *doc_attrs[] = {"label"};
    json_t *flat = run_ev(make(NULL, 0, attrs, 1, doc_attrs, 1),
                          "[{\"id\": \"d\", \"s\": [], \"t\": [{\"start\": 0, "
                          "\"end\": 1, \"v\": 1}]}]",
                          "[{\"id\": \"d\", \"annotations\": {\"s\": [], "
                          "\"t\": []}}]");
    expect_undefined(flat, "s.exact.micro.precision");
    expect_undefined(flat, "s.exact.micro.recall");
    expect_undefined(flat, "s.exact.micro.f1");
    expect_undefined(flat, "t.exact.micro.precision");
    expect(flat, "t.exact.micro.recall", 0);
    expect(flat, "t.exact.micro.f1", 0);
    expect_undefined(flat, "t.attr.v.accuracy_exact");
    expect_undefined(flat, "t.attr.v.accuracy_relaxed");
    expect_undefined(flat, "t.attr.v.precision");
    expect(flat, "t.attr.v.f1", 0);
    expect_undefined(flat, "t.attr.v.macro_f1");
    expect_absent(flat, "s.doc.label.accuracy");
    double v;
    int defined;
    assert_int_equal(glossa_eval_metric(flat, "nope", &v, &defined),
                     GLOSSA_ENOENT);
    assert_int_equal(glossa_eval_metric(flat, "s.gold_layer", &v, &defined),
                     GLOSSA_EINVAL);
    json_decref(flat);
}

/* ---- Errors ---- */

static int record_error(const char *record, glossa_error_t *err)
{
    glossa_eval_t *ev = make(NULL, 0, NULL, 0, NULL, 0);
    json_t *g = parse("{\"id\": \"d\", \"s\": []}");
    json_t *first = parse("{\"id\": \"d0\"}");
    json_t *r = parse(record);
    memset(err, 0, sizeof(*err));
    assert_int_equal(glossa_eval_add_gold(ev, g, "g.json", err), 0);
    assert_int_equal(glossa_eval_add_record(ev, first, "o.jsonl", 1, err), 0);
    int rc = glossa_eval_add_record(ev, r, "o.jsonl", 7, err);
    json_decref(g);
    json_decref(first);
    json_decref(r);
    glossa_eval_free(ev);
    return rc;
}

static void test_record_errors(void **state)
{
    (void)state;
    static const struct {
        const char *record, *message;
    } cases[] = {
        {"[1]", "a record must be a JSON object"},
        {"{\"annotations\": {}}", "missing \"id\" (a string or an integer)"},
        {"{\"id\": \"d0\"}", "duplicate document id \"d0\" (first on line 1)"},
        {"{\"id\": \"d\", \"annotations\": []}",
         "\"annotations\" must be an object"},
        {"{\"id\": \"d\", \"annotations\": {\"s\": {}}}",
         "annotations.s: expected an array of spans"},
        {"{\"id\": \"d\", \"annotations\": {\"s\": [{\"start\": 5, \"end\": "
         "4}]}}",
         "annotations.s[0]: \"end\" must be an integer >= \"start\""},
        {"{\"id\": \"d\", \"annotations\": {\"s\": [{\"start\": 0, \"end\": "
         "1}, {\"start\": 1.0, \"end\": 2}]}}",
         "annotations.s[1]: \"start\" must be a non-negative integer"},
        {"{\"id\": \"d\", \"annotations\": {\"s\": [{\"start\": 0, \"end\": "
         "1, \"label\": 3}]}}",
         "annotations.s[0]: \"label\" must be a string"},
        {"{\"id\": \"d\", \"document\": {\"s\": 3}}",
         "document.s: expected an object"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        glossa_error_t err;
        assert_int_equal(record_error(cases[i].record, &err), GLOSSA_EPARSE);
        assert_string_equal(err.text, cases[i].message);
        assert_string_equal(err.source, "o.jsonl");
        assert_int_equal(err.line, 7);
    }
}

static void test_usage_and_state_errors(void **state)
{
    (void)state;
    glossa_error_t err;
    glossa_eval_t *ev = NULL;
    const char *bad[][2] = {
        {"=m", NULL}, {"m=", NULL}, {"a=b=c", NULL}, {"x", "x=y"}};
    for (size_t i = 0; i < 4; i++) {
        glossa_eval_options_t opts = {.layers = bad[i],
                                      .n_layers = bad[i][1] ? 2 : 1};
        memset(&err, 0, sizeof(err));
        assert_int_equal(glossa_eval_new(&opts, &ev, &err), GLOSSA_EINVAL);
        assert_null(ev);
    }
    assert_string_equal(err.text, "layer \"x\" is given twice");

    const char *layers[] = {"nope"};
    ev = make(layers, 1, NULL, 0, NULL, 0);
    json_t *g = parse("{\"id\": \"d\", \"s\": []}");
    json_t *r = parse("{\"id\": \"d\"}");
    json_t *report = NULL;
    memset(&err, 0, sizeof(err));
    assert_int_equal(glossa_eval_add_gold(ev, g, "g", &err), 0);
    assert_int_equal(glossa_eval_add_gold(ev, g, "g2", &err), GLOSSA_EPARSE);
    assert_string_equal(err.text, "duplicate gold document id \"d\"");
    memset(&err, 0, sizeof(err));
    assert_int_equal(glossa_eval_finish(ev, &report, &err), GLOSSA_EINVAL);
    assert_string_equal(err.text, "no gold document has layer \"nope\" (or "
                                  "\"nope_document\")");
    glossa_eval_free(ev);

    ev = make(NULL, 0, NULL, 0, NULL, 0);
    assert_int_equal(glossa_eval_add_gold(ev, g, "g", &err), 0);
    assert_int_equal(glossa_eval_add_record(ev, r, "o", 1, &err), 0);
    assert_int_equal(glossa_eval_add_gold(ev, g, "g", &err), GLOSSA_ESTATE);
    assert_int_equal(glossa_eval_finish(ev, &report, &err), 0);
    json_decref(report);
    assert_int_equal(glossa_eval_finish(ev, &report, &err), GLOSSA_ESTATE);
    assert_int_equal(glossa_eval_add_record(ev, r, "o", 2, &err),
                     GLOSSA_ESTATE);
    glossa_eval_free(ev);

    ev = make(NULL, 0, NULL, 0, NULL, 0);
    json_t *bad_gold = parse("{\"id\": \"d\", \"s\": [{\"start\": -1, "
                             "\"end\": 2}]}");
    memset(&err, 0, sizeof(err));
    assert_int_equal(glossa_eval_add_gold(ev, bad_gold, "g.json", &err),
                     GLOSSA_EPARSE);
    assert_string_equal(err.source, "g.json");
    assert_string_equal(err.text,
                        "s[0]: \"start\" must be a non-negative integer");
    json_t *no_id = parse("{\"s\": []}");
    memset(&err, 0, sizeof(err));
    assert_int_equal(glossa_eval_add_gold(ev, no_id, "g.json", &err),
                     GLOSSA_EPARSE);
    glossa_eval_free(ev);
    glossa_eval_free(NULL);
    json_decref(bad_gold);
    json_decref(no_id);
    json_decref(g);
    json_decref(r);
}

/* ---- Files ---- */

static json_t *score_files(const char *gold, const char *out,
                           const char *const *attrs, size_t n_attrs,
                           const char *const *doc_attrs, size_t n_doc)
{
    glossa_eval_t *ev = make(NULL, 0, attrs, n_attrs, doc_attrs, n_doc);
    glossa_error_t err;
    memset(&err, 0, sizeof(err));
    char *g = path_to(gold), *o = path_to(out);
    json_t *report = NULL;
    if (glossa_eval_load_gold(ev, g, &err) != 0 ||
        glossa_eval_read_output(ev, o, &err) != 0 ||
        glossa_eval_finish(ev, &report, &err) != 0)
        fail_msg("%s:%d: %s", err.source, err.line, err.text);
    json_t *flat = glossa_eval_flatten(report);
    json_decref(report);
    glossa_eval_free(ev);
    free(g);
    free(o);
    return flat;
}

/* tests/data/eval: gold a and b, output a and c (see its README).
 *   entities: a has 4 gold, b 2; predicted for a: Russia exact, Putin with
 *   label PER (strict), Kremlin shifted (relaxed), Sochi spurious.
 *   mediation: a 2 gold both found, one wrong polarity; b 1 missed. */
static void test_files_score(void **state)
{
    (void)state;
    const char *attrs[] = {"canonical", "polarity"};
    const char *doc_attrs[] = {"label"};
    json_t *flat = score_files("data/eval/gold", "data/eval/out.jsonl", attrs,
                               2, doc_attrs, 1);
    expect(flat, "documents.gold", 2);
    expect(flat, "documents.output", 2);
    expect(flat, "documents.scored", 1);
    expect(flat, "documents.missing", 1);
    expect(flat, "documents.without_gold", 1);
    expect(flat, "documents.with_errors", 1);
    expect_prf(flat, "entities.exact.micro", 1, 3, 5);
    expect(flat, "entities.exact.micro.precision", 0.25);
    expect(flat, "entities.exact.micro.recall", 1.0 / 6);
    expect_prf(flat, "entities.exact.per_label.GPE", 1, 1, 2);
    expect_prf(flat, "entities.exact.per_label.PER", 0, 1, 0);
    expect_prf(flat, "entities.exact.per_label.PERSON", 0, 0, 1);
    expect_prf(flat, "entities.strict", 2, 2, 4);
    expect_prf(flat, "entities.relaxed", 3, 1, 3);
    expect(flat, "entities.attr.canonical.accuracy_exact", 1.0);
    expect(flat, "entities.attr.canonical.accuracy_relaxed", 1.0);
    expect(flat, "entities.attr.canonical.f1", 0.6);
    expect_prf(flat, "mediation.relaxed", 2, 0, 1);
    expect(flat, "mediation.attr.polarity.accuracy_relaxed", 0.5);
    expect(flat, "mediation.attr.polarity.f1", 0.4);
    expect(flat, "mediation.attr.polarity.macro_f1", 1.0 / 3);
    expect(flat, "mediation.doc.label.accuracy", 0.5);
    expect_absent(flat, "entities.attr.polarity.f1");
    expect_absent(flat, "mediation.attr.canonical.f1");
    expect_absent(flat, "entities.doc.label.accuracy");
    json_decref(flat);
}

static void test_file_errors(void **state)
{
    (void)state;
    struct {
        const char *gold, *out;
        int code, line, column;
        const char *source, *text;
    } cases[] = {
        {"data/eval/gold", "data/eval/broken.jsonl", GLOSSA_EPARSE, 2, 0,
         "data/eval/broken.jsonl", NULL},
        {"data/eval/broken-gold", NULL, GLOSSA_EPARSE, 3, 16,
         "data/eval/broken-gold/x.json", NULL},
        {"data/eval/no-gold", NULL, GLOSSA_ENOENT, 0, 0, "data/eval/no-gold",
         "no .json gold files"},
        {"data/eval/nonexistent", NULL, GLOSSA_ENOENT, 0, 0,
         "data/eval/nonexistent", NULL},
        {"data/eval/gold", "data/eval/nonexistent.jsonl", GLOSSA_ENOENT, 0, 0,
         "data/eval/nonexistent.jsonl", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        glossa_eval_t *ev = make(NULL, 0, NULL, 0, NULL, 0);
        glossa_error_t err;
        memset(&err, 0, sizeof(err));
        char *g = path_to(cases[i].gold);
        int rc = glossa_eval_load_gold(ev, g, &err);
        if (rc == 0 && cases[i].out) {
            char *o = path_to(cases[i].out);
            rc = glossa_eval_read_output(ev, o, &err);
            free(o);
        }
        assert_int_equal(rc, cases[i].code);
        assert_int_equal(err.line, cases[i].line);
        if (cases[i].column)
            assert_int_equal(err.column, cases[i].column);
        char *want = path_to(cases[i].source);
        assert_string_equal(err.source, want);
        if (cases[i].text)
            assert_string_equal(err.text, cases[i].text);
        free(want);
        free(g);
        glossa_eval_free(ev);
    }
}

/* ---- The gold against itself ---- */

/* One output record per gold file: every array is a layer, every
 * "<layer>_document" object its document result. */
static json_t *gold_as_record(const json_t *gold)
{
    json_t *ann = json_object(), *doc = json_object();
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)gold, key, v)
    {
        size_t n = strlen(key);
        if (json_is_array(v))
            json_object_set(ann, key, v);
        else if (n > 9 && strcmp(key + n - 9, "_document") == 0) {
            char *layer = strndup(key, n - 9);
            json_object_set(doc, layer, v);
            free(layer);
        }
    }
    return json_pack("{sO s{} so so s[]}", "id", json_object_get(gold, "id"),
                     "meta", "annotations", ann, "document", doc, "errors");
}

static const char *self_attrs[] = {"canonical", "refers_to", "value",
                                   "anchor",    "mod",       "label",
                                   "polarity",  "holder",    "score"};
static const char *self_doc_attrs[] = {"label", "mean_score", "n_relevant",
                                       "counts"};

static int is_ratio(const char *name)
{
    static const char *const suffixes[] = {
        ".precision",      ".recall",           ".f1",      ".accuracy",
        ".accuracy_exact", ".accuracy_relaxed", ".macro_f1"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        size_t n = strlen(name), ns = strlen(suffixes[i]);
        if (n >= ns && strcmp(name + n - ns, suffixes[i]) == 0)
            return 1;
    }
    return 0;
}

static void expect_perfect(const json_t *flat)
{
    const char *name;
    json_t *v;
    int ratios = 0;
    json_object_foreach((json_t *)flat, name, v)
    {
        size_t n = strlen(name);
        if (is_ratio(name)) {
            ratios++;
            if (!json_is_real(v) || json_real_value(v) != 1.0)
                fail_msg("%s is not 1.0", name);
        } else if ((n > 3 && (strcmp(name + n - 3, ".fp") == 0 ||
                              strcmp(name + n - 3, ".fn") == 0)) ||
                   strcmp(name, "documents.missing") == 0) {
            assert_int_equal(json_integer_value(v), 0);
        }
    }
    /* 3 layers x (exact, strict, relaxed) and 7 labels: 48 without the
     * attributes. */
    assert_true(ratios > 48);
    expect(flat, "entities.gold_spans", 390);
    expect(flat, "dates.gold_spans", 79);
    expect(flat, "mediation.gold_spans", 71);
    expect(flat, "entities.attr.canonical.f1", 1.0);
    expect(flat, "dates.attr.value.f1", 1.0);
    expect(flat, "mediation.attr.polarity.macro_f1", 1.0);
    expect(flat, "mediation.doc.label.accuracy", 1.0);
}

static void test_gold_against_itself(void **state)
{
    (void)state;
    glossa_eval_t *ev = make(NULL, 0, self_attrs, 9, self_doc_attrs, 4);
    glossa_error_t err;
    memset(&err, 0, sizeof(err));
    char *dir = path_to("gold");
    assert_int_equal(glossa_eval_load_gold(ev, dir, &err), 0);
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *de;
    int line = 0;
    while ((de = readdir(d)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n < 5 || strcmp(de->d_name + n - 5, ".json") != 0)
            continue;
        size_t len = strlen(dir) + n + 2;
        char *path = malloc(len);
        snprintf(path, len, "%s/%s", dir, de->d_name);
        json_t *gold = json_load_file(path, 0, NULL);
        assert_non_null(gold);
        json_t *rec = gold_as_record(gold);
        assert_int_equal(glossa_eval_add_record(ev, rec, "self", ++line, &err),
                         0);
        json_decref(rec);
        json_decref(gold);
        free(path);
    }
    closedir(d);
    assert_int_equal(line, 5);
    json_t *report = NULL;
    assert_int_equal(glossa_eval_finish(ev, &report, &err), 0);
    json_t *flat = glossa_eval_flatten(report);
    expect_perfect(flat);
    json_decref(flat);
    json_decref(report);
    glossa_eval_free(ev);
    free(dir);
}

/* ---- The command ---- */

typedef struct cli_result {
    int code;
    char *out;
    char *err;
} cli_result_t;

static char *slurp(FILE *f)
{
    long n = ftell(f);
    assert_true(n >= 0);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    rewind(f);
    size_t got = fread(buf, 1, (size_t)n, f);
    buf[got] = '\0';
    fclose(f);
    return buf;
}

/* Runs `glossa eval ARGS...`; a NULL-terminated list. Paths starting with
 * "@" are relative to the test data directory. */
static cli_result_t cli(const char *first, ...)
{
    char *argv[64];
    char *owned[64];
    int argc = 0, n_owned = 0;
    argv[argc++] = "eval";
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a; a = va_arg(ap, const char *)) {
        if (a[0] == '@')
            a = owned[n_owned++] = path_to(a + 1);
        argv[argc++] = (char *)a;
    }
    va_end(ap);
    argv[argc] = NULL;
    FILE *out = tmpfile(), *err = tmpfile();
    assert_non_null(out);
    assert_non_null(err);
    cli_result_t r;
    r.code = glossa_eval_main(argc, argv, out, err);
    r.out = slurp(out);
    r.err = slurp(err);
    for (int i = 0; i < n_owned; i++)
        free(owned[i]);
    return r;
}

static void cli_free(cli_result_t *r)
{
    free(r->out);
    free(r->err);
}

static void assert_contains(const char *haystack, const char *needle)
{
    if (!strstr(haystack, needle))
        fail_msg("\"%s\" not found in:\n%s", needle, haystack);
}

static void test_cli_table(void **state)
{
    (void)state;
    cli_result_t r =
        cli("--gold", "@data/eval/gold", "--attr", "canonical", "--attr",
            "polarity", "--doc-attr", "label", "@data/eval/out.jsonl", NULL);
    assert_int_equal(r.code, 0);
    assert_contains(r.out, "documents: 2 gold, 2 in output, 1 scored, 1 "
                           "missing, 1 without gold, 1 with errors\n");
    assert_contains(r.out, "entities (gold layer entities): 2 documents, 6 "
                           "gold spans, 4 predicted\n");
    assert_contains(r.out, "  exact (micro)       0.2500    0.1667    "
                           "0.2000         1         3         5\n");
    assert_contains(r.out, "    PERSON                 -    0.0000    "
                           "0.0000         0         0         1\n");
    assert_contains(r.out, "  relaxed             0.7500    0.5000    "
                           "0.6000         3         1         3\n");
    /* Mediation spans have no label: exact pairs are same-extent pairs. */
    assert_contains(r.out, "  polarity            0.5000    0.5000    "
                           "0.5000    0.3333    0.4000    0.3333\n");
    assert_contains(r.out, "  label               0.5000         1         "
                           "2\n");
    assert_string_equal(r.err, "glossa eval: warning: 1 gold document "
                               "missing from the output, counted as "
                               "missed: b\n");
    cli_free(&r);
}

static void test_cli_json_and_floors(void **state)
{
    (void)state;
    char *gold = path_to("data/eval/gold");
    size_t n = strlen(gold) + 8;
    char *gold_opt = malloc(n);
    snprintf(gold_opt, n, "--gold=%s", gold);
    cli_result_t r =
        cli(gold_opt, "--json", "--attr=canonical", "--floor",
            "entities.relaxed.f1=0.6", "--floor", "entities.exact.micro.f1=0.2",
            "@data/eval/out.jsonl", NULL);
    assert_int_equal(r.code, 0);
    json_t *j = parse(r.out);
    expect(j, "entities.relaxed.f1", 0.6);
    expect(j, "entities.attr.canonical.accuracy_exact", 1.0);
    assert_true(json_is_real(json_object_get(j, "entities.relaxed.f1")));
    json_decref(j);
    cli_free(&r);

    r = cli(gold_opt, "--json", "--floor", "entities.relaxed.f1=0.7", "--floor",
            "mediation.relaxed.recall=0.6667", "--floor",
            "mediation.relaxed.precision=1", "@data/eval/out.jsonl", NULL);
    assert_int_equal(r.code, 5);
    assert_contains(r.err,
                    "floor not met: entities.relaxed.f1 = 0.6000 < 0.7000\n");
    /* 2/3 prints as 0.6667 to four places: more digits then. */
    assert_contains(r.err, "floor not met: mediation.relaxed.recall = "
                           "0.6666666667 < 0.6667\n");
    assert_true(strstr(r.err, "mediation.relaxed.precision") == NULL);
    cli_free(&r);

    r = cli(gold_opt, "--attr", "polarity", "--floor",
            "entities.attr.polarity.f1=0.5", "@data/eval/out.jsonl", NULL);
    assert_int_equal(r.code, 2);
    assert_contains(r.err, "glossa eval: unknown metric "
                           "\"entities.attr.polarity.f1\" in --floor\n");
    assert_string_equal(r.out, "");
    cli_free(&r);

    /* An undefined metric does not meet any floor. */
    r = cli(gold_opt, "--layer", "dates=entities", "--floor",
            "dates.exact.micro.precision=0", "@data/eval/out.jsonl", NULL);
    assert_int_equal(r.code, 5);
    assert_contains(r.err, "warning: no scored output record has layer "
                           "\"dates\"\n");
    assert_contains(r.err, "floor not met: dates.exact.micro.precision = "
                           "undefined < 0.0000\n");
    cli_free(&r);
    free(gold_opt);
    free(gold);
}

static void test_cli_usage(void **state)
{
    (void)state;
    static const struct {
        const char *args[5];
        int code;
        const char *message;
    } cases[] = {
        {{"--help"}, 0, NULL},
        {{"@data/eval/out.jsonl"}, 2, "--gold DIR is required"},
        {{"--gold", "@data/eval/gold"}, 2, "no OUTPUT.jsonl given"},
        {{"--gold"}, 2, "--gold needs a directory"},
        {{"--frobnicate"}, 2, "unknown option \"--frobnicate\""},
        {{"--floor", "x"}, 2, "bad --floor \"x\""},
        {{"--floor", "x=abc"}, 2, "bad --floor \"x=abc\""},
        {{"--floor", "x=inf"}, 2, "bad --floor \"x=inf\""},
        {{"a.jsonl", "b.jsonl"}, 2, "unexpected argument \"b.jsonl\""},
        {{"--gold", "@data/eval/gold", "--layer", "=x", "@data/eval/out.jsonl"},
         2,
         "bad layer \"=x\": expected OUT or OUT=GOLD"},
        {{"--gold", "@data/eval/gold", "--layer", "nope",
          "@data/eval/out.jsonl"},
         2,
         "no gold document has layer \"nope\""},
        {{"--gold", "@data/eval/gold", "@data/eval/broken.jsonl"},
         1,
         "data/eval/broken.jsonl:2:"},
        {{"--gold", "@data/eval/broken-gold", "@data/eval/out.jsonl"},
         1,
         "data/eval/broken-gold/x.json:3:16: invalid JSON"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *const *a = cases[i].args;
        cli_result_t r = cli(a[0], a[1], a[2], a[3], a[4], NULL);
        if (r.code != cases[i].code)
            fail_msg("case %zu: exit %d, expected %d; stderr: %s", i, r.code,
                     cases[i].code, r.err);
        if (cases[i].message)
            assert_contains(r.err, cases[i].message);
        if (cases[i].code == 2)
            assert_contains(r.err, "Try 'glossa eval --help'.\n");
        if (cases[i].code == 0)
            assert_contains(r.out, "usage: glossa eval --gold DIR");
        cli_free(&r);
    }
}

/* The gold against itself through the command: a JSONL file written from
 * the gold files, every floor at 1. */
static void test_cli_gold_against_itself(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof(path), "%s/glossa-eval-XXXXXX",
             tmp && tmp[0] ? tmp : "/tmp");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    static const char *ids[] = {"000", "001", "002", "003", "004"};
    for (size_t i = 0; i < 5; i++) {
        char rel[64];
        snprintf(rel, sizeof(rel), "gold/%s.json", ids[i]);
        char *p = path_to(rel);
        json_t *gold = json_load_file(p, 0, NULL);
        assert_non_null(gold);
        json_t *rec = gold_as_record(gold);
        assert_int_equal(json_dumpf(rec, f, JSON_COMPACT), 0);
        fputc('\n', f);
        json_decref(rec);
        json_decref(gold);
        free(p);
    }
    fclose(f);
    cli_result_t r = cli(
        "--gold", "@gold", "--json", "--attr", "canonical", "--attr", "value",
        "--attr", "label", "--attr", "polarity", "--attr", "holder",
        "--doc-attr", "label", "--floor", "entities.exact.micro.f1=1",
        "--floor", "entities.attr.canonical.accuracy_exact=1", "--floor",
        "dates.strict.f1=1", "--floor", "dates.attr.value.f1=1", "--floor",
        "mediation.attr.polarity.macro_f1=1", "--floor",
        "mediation.doc.label.accuracy=1", path, NULL);
    unlink(path);
    if (r.code != 0)
        fail_msg("exit %d: %s", r.code, r.err);
    assert_string_equal(r.err, "");
    json_t *flat = parse(r.out);
    expect_perfect(flat);
    json_decref(flat);
    cli_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_strict_relaxed),
        cmocka_unit_test(test_duplicates_and_no_label),
        cmocka_unit_test(test_relaxed_one_to_one),
        cmocka_unit_test(test_relaxed_maximum_matching),
        cmocka_unit_test(test_matching_invariants),
        cmocka_unit_test(test_attributes),
        cmocka_unit_test(test_attribute_json_equality),
        cmocka_unit_test(test_label_as_attribute),
        cmocka_unit_test(test_doc_attrs),
        cmocka_unit_test(test_missing_documents),
        cmocka_unit_test(test_layer_selection),
        cmocka_unit_test(test_undefined_metrics),
        cmocka_unit_test(test_record_errors),
        cmocka_unit_test(test_usage_and_state_errors),
        cmocka_unit_test(test_files_score),
        cmocka_unit_test(test_file_errors),
        cmocka_unit_test(test_gold_against_itself),
        cmocka_unit_test(test_cli_table),
        cmocka_unit_test(test_cli_json_and_floors),
        cmocka_unit_test(test_cli_usage),
        cmocka_unit_test(test_cli_gold_against_itself),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
