/* Loading patterns/<name>.txt and rules/<name>.txt: the "name = value" entry
 * syntax both share, named sub-patterns and their expansion (with the
 * lexicons as alternations), and rules compiled into PCRE2 patterns with
 * their triggers and value templates. */
#define _POSIX_C_SOURCE 200809L /* strtok_r */
#include "loader.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <glossa/error.h>

/* ---- Entry files ------------------------------------------------------- */

/* Reads "name = value" entries, where lines starting with white space
 * continue the previous value (joined without the leading space, so long
 * regexes can be split). Calls fn for each entry with the line where it
 * started. Used by pattern files and rule blocks alike. */
typedef int (*entry_fn)(dates_loader_t *L, void *arg, const char *file,
                        int line, char *section, char *key, char *value);

/* Reads the "[name]" line s of a file with sections into section (cap
 * bytes). Returns 0 or the error. */
static int read_section(dates_loader_t *L, const char *shortp, int lineno,
                        const char *s, bool sections, char *section, size_t cap)
{
    size_t n = strlen(s);
    if (!sections || s[n - 1] != ']' || n - 2 >= cap)
        /* Line and column, not the line's text: a configured path may
         * name any file, and errors must not show what is in it. */
        return dates__fail(L, GLOSSA_EPARSE, shortp, lineno, "%s",
                           sections ? "bad section header"
                                    : "unexpected section header");
    memcpy(section, s + 1, n - 2);
    section[n - 2] = '\0';
    char *t = dates__trim(section);
    memmove(section, t, strlen(t) + 1);
    if (!dates__is_ident(section))
        return dates__fail(L, GLOSSA_EPARSE, shortp, lineno,
                           "the rule name is not an identifier");
    return 0;
}

static int parse_entries(dates_loader_t *L, const char *shortp, char *buf,
                         bool sections, entry_fn fn, void *arg)
{
    dates_sb_t val = {0};
    char key[64] = "";
    int key_line = 0;
    char section[128] = "";
    int lineno = 0;
    char *save = NULL;
    int rc = 0;
    for (char *ln = buf;; ln = save) {
        bool eof = ln == NULL;
        char *s = NULL;
        bool cont = false;
        if (!eof) {
            save = strchr(ln, '\n');
            if (save)
                *save++ = '\0';
            lineno++;
            cont = (*ln == ' ' || *ln == '\t') && key[0] != '\0';
            s = dates__trim(ln);
            if (*s == '#')
                continue;
            if (*s == '\0') {
                if (!cont && key[0] == '\0')
                    continue;
                if (cont)
                    continue; /* blank lines inside a value are skipped */
            }
            if (cont && *s != '\0') {
                dates__sb_str(&val, s);
                continue;
            }
        }
        /* Flush the pending entry. */
        if (key[0] != '\0') {
            if (val.oom) {
                rc = dates__oom(L);
                break;
            }
            rc = fn(L, arg, shortp, key_line, section, key,
                    val.s ? val.s : (char *)"");
            key[0] = '\0';
            val.n = 0;
            if (val.s)
                val.s[0] = '\0';
            if (rc)
                break;
        }
        if (eof)
            break;
        if (*s == '\0')
            continue;
        if (*s == '[') {
            rc = read_section(L, shortp, lineno, s, sections, section,
                              sizeof section);
            if (!rc)
                rc = fn(L, arg, shortp, lineno, section, NULL, NULL);
            if (rc)
                break;
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq) {
            rc = dates__fail(L, GLOSSA_EPARSE, shortp, lineno,
                             "expected 'name = value'");
            break;
        }
        *eq = '\0';
        char *k = dates__trim(s);
        if (!dates__is_ident(k) || strlen(k) >= sizeof key) {
            rc = dates__fail(L, GLOSSA_EPARSE, shortp, lineno,
                             "bad name '%s' before '='", k);
            break;
        }
        if (sections && section[0] == '\0') {
            rc = dates__fail(L, GLOSSA_EPARSE, shortp, lineno,
                             "'%s' outside a [rule] block", k);
            break;
        }
        memcpy(key, k, strlen(k) + 1);
        key_line = lineno;
        val.n = 0;
        dates__sb_str(&val, "");
        dates__sb_str(&val, dates__trim(eq + 1));
    }
    free(val.s);
    return rc;
}

/* ---- Named sub-patterns ------------------------------------------------ */

static int pattern_entry(dates_loader_t *L, void *arg, const char *file,
                         int line, char *section, char *key, char *value)
{
    (void)arg;
    (void)section;
    if (!key)
        return 0;
    for (size_t i = 0; i < L->npats; i++)
        if (strcmp(L->pats[i].name, key) == 0)
            return dates__fail(L, GLOSSA_EPARSE, file, line,
                               "sub-pattern %%%s already defined at %s:%d", key,
                               L->pats[i].file, L->pats[i].line);
    if (dates__lexicon_find(L->e, key))
        return dates__fail(L, GLOSSA_EPARSE, file, line,
                           "sub-pattern %%%s has the name of a lexicon", key);
    dates_subpattern_t *np = realloc(L->pats, (L->npats + 1) * sizeof *np);
    if (!np)
        return dates__oom(L);
    L->pats = np;
    dates_subpattern_t *p = &L->pats[L->npats];
    memset(p, 0, sizeof *p);
    p->name = dates__strdup(key);
    p->raw = dates__strdup(value);
    p->file = dates__strdup(file);
    p->line = line;
    L->npats++;
    if (!p->name || !p->raw || !p->file)
        return dates__oom(L);
    return 0;
}

/* Expands %name references (lexicons and sub-patterns, recursively) in
 * src. "%%" is a literal percent sign. */
static char *expand(dates_loader_t *L, const char *src, const char *file,
                    int line, int depth)
{
    if (depth > 20) {
        dates__fail(L, GLOSSA_EPARSE, file, line,
                    "sub-patterns nest too deeply");
        return NULL;
    }
    dates_sb_t b = {0};
    for (const char *p = src; *p;) {
        if (*p != '%') {
            const char *q = strchr(p, '%');
            size_t n = q ? (size_t)(q - p) : strlen(p);
            dates__sb_add(&b, p, n);
            p += n;
            continue;
        }
        if (p[1] == '%') {
            dates__sb_str(&b, "%");
            p += 2;
            continue;
        }
        const char *s = p + 1;
        const char *q = s;
        while (isalnum((unsigned char)*q) || *q == '_')
            q++;
        if (q == s) {
            dates__fail(L, GLOSSA_EPARSE, file, line,
                        "'%%' must be followed by a name (write %%%% for a "
                        "literal percent sign)");
            free(b.s);
            return NULL;
        }
        char name[64];
        size_t nl = (size_t)(q - s);
        if (nl >= sizeof name)
            nl = sizeof name - 1;
        memcpy(name, s, nl);
        name[nl] = '\0';
        p = q;
        const dates_lexicon_t *lex = dates__lexicon_find(L->e, name);
        if (lex) {
            char *re = dates__lexicon_regex(L, lex);
            if (!re) {
                free(b.s);
                return NULL;
            }
            dates__sb_str(&b, re);
            free(re);
            continue;
        }
        dates_subpattern_t *pt = NULL;
        for (size_t i = 0; i < L->npats; i++)
            if (strcmp(L->pats[i].name, name) == 0)
                pt = &L->pats[i];
        if (!pt) {
            dates__fail(L, GLOSSA_EPARSE, file, line,
                        "unknown sub-pattern or lexicon %%%s", name);
            free(b.s);
            return NULL;
        }
        if (!pt->expanded) {
            if (pt->busy) {
                dates__fail(L, GLOSSA_EPARSE, pt->file, pt->line,
                            "sub-pattern %%%s refers to itself", name);
                free(b.s);
                return NULL;
            }
            pt->busy = true;
            pt->expanded = expand(L, pt->raw, pt->file, pt->line, depth + 1);
            pt->busy = false;
            if (!pt->expanded) {
                free(b.s);
                return NULL;
            }
        }
        dates__sb_str(&b, "(?:");
        dates__sb_str(&b, pt->expanded);
        dates__sb_str(&b, ")");
    }
    if (b.oom) {
        free(b.s);
        dates__oom(L);
        return NULL;
    }
    return b.s ? b.s : dates__strdup("");
}

int dates__load_patterns(dates_loader_t *L, const char *shortp, char *buf)
{
    return parse_entries(L, shortp, buf, false, pattern_entry, NULL);
}

void dates__subpatterns_free(dates_loader_t *L)
{
    for (size_t i = 0; i < L->npats; i++) {
        free(L->pats[i].name);
        free(L->pats[i].raw);
        free(L->pats[i].file);
        free(L->pats[i].expanded);
    }
    free(L->pats);
    L->pats = NULL;
    L->npats = 0;
}

/* ---- Rules ------------------------------------------------------------- */

typedef struct rule_build {
    dates_rule_t *r; /* the rule being read, NULL before the first block */
    char *pattern, *value, *trigger, *extent, *mod;
    int pattern_line, value_line, trigger_line, extent_line, mod_line;
    bool bounds;
} rule_build_t;

static void rb_reset(rule_build_t *rb)
{
    free(rb->pattern);
    free(rb->value);
    free(rb->trigger);
    free(rb->extent);
    free(rb->mod);
    memset(rb, 0, sizeof *rb);
    rb->bounds = true;
}

static int set_field(dates_loader_t *L, char **dst, int *dst_line,
                     const char *v, const char *file, int line, const char *key)
{
    if (*dst)
        return dates__fail(L, GLOSSA_EPARSE, file, line, "'%s' given twice",
                           key);
    *dst = dates__strdup(v);
    if (!*dst)
        return dates__oom(L);
    *dst_line = line;
    return 0;
}

static int parse_bool(dates_loader_t *L, const char *v, bool *out,
                      const char *file, int line, const char *key)
{
    if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0) {
        *out = true;
        return 0;
    }
    if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0) {
        *out = false;
        return 0;
    }
    return dates__fail(L, GLOSSA_EPARSE, file, line,
                       "'%s' must be yes or no, not '%s'", key, v);
}

/* The rule's trigger classes: built-in digit classes, or lexicons marked
 * !trigger. Returns 0 or the error. */
static int rule_triggers(dates_loader_t *L, rule_build_t *rb)
{
    dates_rule_t *r = rb->r;
    const char *file = r->file;
    char *save = NULL;
    for (char *t = strtok_r(rb->trigger, " ,", &save); t;
         t = strtok_r(NULL, " ,", &save)) {
        int builtin = -1;
        for (int i = 0; i < DATES_BUILTIN_CLASSES; i++)
            if (strcmp(t, L->e->class_names[i]) == 0)
                builtin = i;
        if (builtin >= 0) {
            r->triggers |= 1ull << builtin;
            continue;
        }
        const dates_lexicon_t *lex = dates__lexicon_find(L->e, t);
        if (!lex)
            return dates__fail(L, GLOSSA_EPARSE, file, rb->trigger_line,
                               "trigger '%s' is neither a lexicon nor one of "
                               "digits, year, clock, numdate",
                               t);
        if (!lex->trigger)
            return dates__fail(L, GLOSSA_EPARSE, file, rb->trigger_line,
                               "lexicon '%s' is not marked !trigger", t);
        r->triggers |= 1ull << lex->class_bit;
    }
    if (r->triggers == 0)
        return dates__fail(L, GLOSSA_EPARSE, file, rb->trigger_line,
                           "rule %s: empty trigger list", r->name);
    return 0;
}

/* The rule's prefilter (prefilter.h), told the trigger words that wake
 * it unless a digit class does. Returns 0 or the error. */
static int rule_need(dates_loader_t *L, dates_rule_t *r, const char *re,
                     size_t n)
{
    const dates_engine_t *e = L->e;
    const char **words = NULL;
    size_t nwords = 0;
    bool by_words = (r->triggers & ((1ull << DATES_BUILTIN_CLASSES) - 1)) == 0;
    if (by_words && e->tw_size) {
        words = malloc(e->tw_size * sizeof *words);
        if (!words)
            return dates__oom(L);
        for (size_t i = 0; i < e->tw_size; i++)
            if (e->tw_keys[i][0] && (e->tw_masks[i] & r->triggers))
                words[nwords++] = e->tw_keys[i];
    }
    if (!L->memo)
        L->memo = dates__need_memo_new(); /* NULL: analysed without */
    int rc = dates__need_build(re, n, by_words ? words : NULL, nwords, L->memo,
                               &r->need);
    free(words);
    return rc ? dates__oom(L) : 0;
}

/* The text of the sub-pattern named name as its file gives it, or NULL.
 * A lexicon of that name would be the one that %name means. */
static const char *subpattern_raw(const dates_loader_t *L, const char *name)
{
    if (dates__lexicon_find(L->e, name))
        return NULL;
    for (size_t i = 0; i < L->npats; i++)
        if (strcmp(L->pats[i].name, name) == 0)
            return L->pats[i].raw;
    return NULL;
}

/* Expands the rule's pattern, bounds it to whole words unless told
 * otherwise, and compiles it (with JIT when it can). Returns 0 or the
 * error. */
static int rule_compile(dates_loader_t *L, rule_build_t *rb)
{
    dates_rule_t *r = rb->r;
    const char *file = r->file;
    char *body = expand(L, rb->pattern, file, rb->pattern_line, 0);
    if (!body)
        return L->rc;
    dates_sb_t re = {0};
    /* Rules match whole words unless they say otherwise. */
    if (rb->bounds)
        dates__sb_str(&re, "(?<![A-Za-z0-9])(?:");
    dates__sb_str(&re, body);
    if (rb->bounds)
        dates__sb_str(&re, ")(?![A-Za-z0-9])");
    free(body);
    if (re.oom) {
        free(re.s);
        return dates__oom(L);
    }
    int ec;
    PCRE2_SIZE eo;
    r->re = pcre2_compile((PCRE2_SPTR)re.s, re.n,
                          PCRE2_CASELESS | PCRE2_DUPNAMES, &ec, &eo, NULL);
    if (!r->re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(ec, msg, sizeof msg);
        size_t shown = eo < re.n ? eo : re.n;
        size_t from = shown > 30 ? shown - 30 : 0;
        dates__fail(L, GLOSSA_EPARSE, file, rb->pattern_line,
                    "rule %s: bad pattern: %s, near '%.*s' in the expanded "
                    "pattern",
                    r->name, (const char *)msg,
                    (int)(shown - from + 10 < re.n - from ? shown - from + 10
                                                          : re.n - from),
                    re.s + from);
        free(re.s);
        return L->rc;
    }
    int rc = rule_need(L, r, re.s, re.n);
    free(re.s);
    if (rc == 0 && strstr(rb->pattern, "count"))
        rc = dates__count_unit_build(
            rb->pattern, rb->bounds, subpattern_raw(L, "count"),
            subpattern_raw(L, "digits_num"), subpattern_raw(L, "digits_frac"),
            subpattern_raw(L, "number_words"), subpattern_raw(L, "small_count"),
            dates__lexicon_find(L->e, "number"),
            dates__lexicon_find(L->e, "unit"), &r->count_unit);
    if (rc)
        return rc == GLOSSA_ENOMEM ? dates__oom(L) : rc;
    /* JIT failure is not fatal: the interpreter gives the same results. */
    r->jit = pcre2_jit_compile(r->re, PCRE2_JIT_COMPLETE) == 0;
    uint32_t caps = 0;
    pcre2_pattern_info(r->re, PCRE2_INFO_CAPTURECOUNT, &caps);
    r->pairs = caps + 1;
    if (r->pairs > L->e->max_pairs)
        L->e->max_pairs = r->pairs;
    uint32_t behind = 0;
    pcre2_pattern_info(r->re, PCRE2_INFO_MAXLOOKBEHIND, &behind);
    if (behind > L->e->max_lookbehind)
        L->e->max_lookbehind = behind;
    return 0;
}

/* Parses the value and mod templates against the compiled pattern and
 * finds the extent group. Returns 0 or the error. */
static int rule_templates(dates_loader_t *L, rule_build_t *rb)
{
    dates_rule_t *r = rb->r;
    const char *file = r->file;
    if (rb->value) {
        char msg[256];
        r->value = dates__template_parse(rb->value, r->re, msg, sizeof msg);
        if (!r->value)
            return dates__fail(L, GLOSSA_EPARSE, file, rb->value_line,
                               "rule %s: value: %s", r->name, msg);
    }
    if (rb->mod) {
        char msg[256];
        r->mod = dates__template_parse(rb->mod, r->re, msg, sizeof msg);
        if (!r->mod)
            return dates__fail(L, GLOSSA_EPARSE, file, rb->mod_line,
                               "rule %s: mod: %s", r->name, msg);
    }
    if (rb->extent) {
        int g = pcre2_substring_number_from_name(r->re, (PCRE2_SPTR)rb->extent);
        if (g <= 0)
            return dates__fail(L, GLOSSA_EPARSE, file, rb->extent_line,
                               "rule %s: extent: no group named '%s'", r->name,
                               rb->extent);
        r->extent_group = g;
    }
    return 0;
}

/* Compiles the rule read so far (called at the next block and at the end
 * of the file). */
static int rule_finish(dates_loader_t *L, rule_build_t *rb)
{
    dates_rule_t *r = rb->r;
    if (!r)
        return 0;
    const char *file = r->file;
    if (!rb->pattern)
        return dates__fail(L, GLOSSA_EPARSE, file, r->line,
                           "rule %s has no 'pattern'", r->name);
    if (!rb->trigger)
        return dates__fail(L, GLOSSA_EPARSE, file, r->line,
                           "rule %s has no 'trigger'", r->name);
    if (!rb->value && r->type != DATES_T_NONE)
        return dates__fail(L, GLOSSA_EPARSE, file, r->line,
                           "rule %s has no 'value'", r->name);
    int rc = rule_triggers(L, rb);
    if (!rc)
        rc = rule_compile(L, rb);
    if (!rc)
        rc = rule_templates(L, rb);
    return rc;
}

static int rule_entry(dates_loader_t *L, void *arg, const char *file, int line,
                      char *section, char *key, char *value)
{
    rule_build_t *rb = arg;
    dates_engine_t *e = L->e;
    if (!key) {
        /* A new [block]. */
        int rc = rule_finish(L, rb);
        if (rc)
            return rc;
        rb_reset(rb);
        for (size_t i = 0; i < e->nrules; i++)
            if (strcmp(e->rules[i].name, section) == 0)
                return dates__fail(L, GLOSSA_EPARSE, file, line,
                                   "rule %s already defined at %s:%d", section,
                                   e->rules[i].file, e->rules[i].line);
        dates_rule_t *nr = realloc(e->rules, (e->nrules + 1) * sizeof *nr);
        if (!nr)
            return dates__oom(L);
        e->rules = nr;
        dates_rule_t *r = &e->rules[e->nrules++];
        memset(r, 0, sizeof *r);
        r->name = dates__strdup(section);
        r->file = dates__strdup(file);
        r->line = line;
        r->type = DATES_T_DATE;
        r->keep_ref = true;
        r->extent_group = -1;
        rb->r = r;
        if (!r->name || !r->file)
            return dates__oom(L);
        return 0;
    }
    dates_rule_t *r = rb->r;
    if (strcmp(key, "pattern") == 0)
        return set_field(L, &rb->pattern, &rb->pattern_line, value, file, line,
                         key);
    if (strcmp(key, "value") == 0)
        return set_field(L, &rb->value, &rb->value_line, value, file, line,
                         key);
    if (strcmp(key, "trigger") == 0)
        return set_field(L, &rb->trigger, &rb->trigger_line, value, file, line,
                         key);
    if (strcmp(key, "extent") == 0)
        return set_field(L, &rb->extent, &rb->extent_line, value, file, line,
                         key);
    if (strcmp(key, "type") == 0) {
        static const char *const names[] = {"DATE", "TIME", "DURATION", "SET",
                                            "NONE"};
        for (int i = 0; i < 5; i++)
            if (strcmp(value, names[i]) == 0) {
                r->type = (dates_type_t)i;
                return 0;
            }
        return dates__fail(
            L, GLOSSA_EPARSE, file, line,
            "type must be DATE, TIME, DURATION, SET or NONE, not "
            "'%s'",
            value);
    }
    if (strcmp(key, "mod") == 0)
        return set_field(L, &rb->mod, &rb->mod_line, value, file, line, key);
    if (strcmp(key, "priority") == 0) {
        char *end;
        long v = strtol(value, &end, 10);
        if (*value == '\0' || *end != '\0' || v < -100 || v > 100)
            return dates__fail(L, GLOSSA_EPARSE, file, line,
                               "priority must be an integer in [-100, 100]");
        r->priority = (int)v;
        return 0;
    }
    if (strcmp(key, "dateline") == 0)
        return parse_bool(L, value, &r->dateline, file, line, key);
    if (strcmp(key, "reference") == 0)
        return parse_bool(L, value, &r->keep_ref, file, line, key);
    if (strcmp(key, "bounds") == 0)
        return parse_bool(L, value, &rb->bounds, file, line, key);
    if (strcmp(key, "ytd") == 0)
        return parse_bool(L, value, &r->ytd, file, line, key);
    if (strcmp(key, "anchor") == 0) {
        if (strcmp(value, "dct") == 0)
            r->anchor = DATES_ANCHOR_DCT;
        else if (strcmp(value, "scene") == 0)
            r->anchor = DATES_ANCHOR_SCENE;
        else
            return dates__fail(L, GLOSSA_EPARSE, file, line,
                               "anchor must be dct or scene");
        return 0;
    }
    return dates__fail(
        L, GLOSSA_EPARSE, file, line,
        "unknown key '%s' (expected pattern, value, type, trigger, "
        "mod, priority, extent, dateline, reference, bounds, ytd or anchor)",
        key);
}

int dates__load_rules(dates_loader_t *L, const char *shortp, char *buf)
{
    rule_build_t rb;
    memset(&rb, 0, sizeof rb);
    rb_reset(&rb);
    if (parse_entries(L, shortp, buf, true, rule_entry, &rb) == 0)
        rule_finish(L, &rb);
    rb_reset(&rb);
    return L->rc;
}
