/* Loading the data directory: lexicons, named sub-patterns and rules, in
 * that order, into a new engine (see dates.h), and freeing it.
 *
 * Everything is compiled here, once, so that annotate() only reads. The
 * formats are described in data/README.md; every error names file:line.
 * This file walks the directory and holds the loader's helpers
 * (loader.h); load_lexicon.c and load_rules.c read the files. */
#include "loader.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glossa/error.h>

/* ---- Small helpers ----------------------------------------------------- */

void dates__sb_add(dates_sb_t *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

void dates__sb_str(dates_sb_t *b, const char *s)
{
    dates__sb_add(b, s, strlen(s));
}

char *dates__strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

char *dates__strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

int dates__fail(dates_loader_t *L, int rc, const char *file, int line,
                const char *fmt, ...)
{
    if (L->rc != 0)
        return L->rc; /* the first error wins */
    L->rc = rc;
    if (L->err && L->err_size > 0) {
        int k = 0;
        if (file && line > 0)
            k = snprintf(L->err, L->err_size, "%s:%d: ", file, line);
        else if (file)
            k = snprintf(L->err, L->err_size, "%s: ", file);
        if (k < 0)
            k = 0;
        if ((size_t)k < L->err_size) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(L->err + k, L->err_size - (size_t)k, fmt, ap);
            va_end(ap);
        }
    }
    return rc;
}

int dates__oom(dates_loader_t *L)
{
    return dates__fail(L, GLOSSA_ENOMEM, NULL, 0, "out of memory");
}

char *dates__read_file(dates_loader_t *L, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        dates__fail(L, GLOSSA_EIO, path, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    dates_sb_t b = {0};
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        dates__sb_add(&b, buf, n);
    bool bad = ferror(f) != 0;
    fclose(f);
    if (bad) {
        free(b.s);
        dates__fail(L, GLOSSA_EIO, path, 0, "read error");
        return NULL;
    }
    if (b.oom) {
        free(b.s);
        dates__oom(L);
        return NULL;
    }
    if (!b.s)
        return dates__strdup("");
    return b.s;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.txt files of dir, sorted, as full paths. A missing directory is
 * an error: a data directory without rules is a broken install. */
static char **list_txt(dates_loader_t *L, const char *dir, size_t *count)
{
    *count = 0;
    DIR *d = opendir(dir);
    if (!d) {
        dates__fail(L, GLOSSA_EIO, dir, 0, "cannot open directory: %s",
                    strerror(errno));
        return NULL;
    }
    char **v = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len < 5 || de->d_name[0] == '.' ||
            strcmp(de->d_name + len - 4, ".txt") != 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **p = realloc(v, cap * sizeof *v);
            if (!p)
                goto nomem;
            v = p;
        }
        size_t dl = strlen(dir);
        v[n] = malloc(dl + len + 2);
        if (!v[n])
            goto nomem;
        memcpy(v[n], dir, dl);
        v[n][dl] = '/';
        memcpy(v[n] + dl + 1, de->d_name, len + 1);
        n++;
    }
    closedir(d);
    if (n > 1)
        qsort(v, n, sizeof *v, cmp_str);
    *count = n;
    return v;
nomem:
    closedir(d);
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
    dates__oom(L);
    return NULL;
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* The file name without directory, for messages relative to data/. */
static const char *short_name(const char *path, const char *data_dir)
{
    size_t dl = strlen(data_dir);
    if (strncmp(path, data_dir, dl) == 0 && path[dl] == '/')
        return path + dl + 1;
    return path;
}

char *dates__trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

bool dates__is_ident(const char *s)
{
    if (!(isalpha((unsigned char)*s) || *s == '_'))
        return false;
    for (s++; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_'))
            return false;
    return true;
}

/* ---- The engine -------------------------------------------------------- */

void dates_engine_free(dates_engine_t *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->nlex; i++)
        dates__lexicon_release(&e->lex[i]);
    free(e->lex);
    for (size_t i = 0; i < e->nrules; i++) {
        dates_rule_t *r = &e->rules[i];
        free(r->name);
        free(r->file);
        dates__template_free(r->mod);
        pcre2_code_free(r->re);
        dates__need_free(r->need);
        dates__count_unit_free(r->count_unit);
        dates__template_free(r->value);
    }
    free(e->rules);
    free(e->rule_triggers);
    free(e->class_rules);
    for (int i = 0; i < e->nclasses; i++)
        free(e->class_names[i]);
    free(e->tw_keys);
    free(e->tw_masks);
    free(e->tw_tags);
    free(e->tw_sigs);
    free(e);
}

size_t dates_engine_rule_count(const dates_engine_t *e)
{
    return e ? e->nrules : 0;
}

static int load_dir(dates_loader_t *L, const char *data_dir, const char *sub,
                    int kind)
{
    size_t dl = strlen(data_dir), sl = strlen(sub);
    char *dir = malloc(dl + sl + 2);
    if (!dir)
        return dates__oom(L);
    memcpy(dir, data_dir, dl);
    dir[dl] = '/';
    memcpy(dir + dl + 1, sub, sl + 1);
    size_t n = 0;
    char **files = list_txt(L, dir, &n);
    free(dir);
    if (!files)
        return L->rc;
    for (size_t i = 0; i < n && L->rc == 0; i++) {
        const char *sp = short_name(files[i], data_dir);
        if (kind == 0) {
            dates__load_lexicon(L, files[i], sp);
            continue;
        }
        char *buf = dates__read_file(L, files[i]);
        if (!buf)
            break;
        if (kind == 1)
            dates__load_patterns(L, sp, buf);
        else
            dates__load_rules(L, sp, buf);
        free(buf);
    }
    free_list(files, n);
    return L->rc;
}

int dates_engine_load(const char *data_dir, dates_engine_t **out, char *err,
                      size_t err_size)
{
    *out = NULL;
    if (err && err_size)
        err[0] = '\0';
    dates_loader_t L;
    memset(&L, 0, sizeof L);
    L.err = err;
    L.err_size = err_size;
    L.e = calloc(1, sizeof *L.e);
    if (!L.e)
        return dates__oom(&L);
    L.e->max_pairs = 1;
    static const char *const builtin[DATES_BUILTIN_CLASSES] = {
        "digits", "year", "clock", "numdate"};
    for (int i = 0; i < DATES_BUILTIN_CLASSES; i++) {
        L.e->class_names[i] = dates__strdup(builtin[i]);
        if (!L.e->class_names[i])
            dates__oom(&L);
        L.e->nclasses = i + 1;
    }
    if (L.rc == 0)
        load_dir(&L, data_dir, "lexicon", 0);
    if (L.rc == 0)
        load_dir(&L, data_dir, "patterns", 1);
    if (L.rc == 0)
        load_dir(&L, data_dir, "rules", 2);
    if (L.rc == 0 && L.e->nrules == 0)
        dates__fail(&L, GLOSSA_EPARSE, data_dir, 0, "no rules in rules/*.txt");
    dates__subpatterns_free(&L);
    dates__need_memo_free(L.memo);
    if (L.rc) {
        dates_engine_free(L.e);
        return L.rc;
    }
    dates_engine_t *e = L.e;
    e->rule_triggers = malloc(e->nrules * sizeof *e->rule_triggers);
    e->rule_words = (e->nrules + 63) / 64;
    e->class_rules =
        calloc((size_t)DATES_MAX_CLASSES * e->rule_words, sizeof(uint64_t));
    e->tw_tags = calloc(e->tw_size ? e->tw_size : 1, 1);
    e->tw_sigs = calloc(DATES_SIG_BITS / 8, 1);
    if (!e->rule_triggers || !e->class_rules || !e->tw_tags || !e->tw_sigs) {
        int rc = dates__oom(&L);
        dates_engine_free(e);
        return rc;
    }
    for (size_t i = 0; i < e->nrules; i++) {
        uint64_t t = e->rules[i].triggers;
        e->rule_triggers[i] = t;
        for (size_t c = 0; c < DATES_MAX_CLASSES; c++)
            if (t >> c & 1)
                e->class_rules[c * e->rule_words + i / 64] |= 1ull << (i % 64);
    }
    for (size_t i = 0; i < e->tw_size; i++) {
        const char *k = e->tw_keys[i];
        if (!k[0])
            continue;
        e->tw_tags[i] = dates__trigger_tag(dates__trigger_hash(k));
        uint32_t sig = dates__trigger_sig((const unsigned char *)k, strlen(k));
        e->tw_sigs[sig / 8] |= (uint8_t)(1u << (sig % 8));
    }
    e->lx_month = dates__lexicon_find(e, "month");
    e->lx_weekday = dates__lexicon_find(e, "weekday");
    e->lx_number = dates__lexicon_find(e, "number");
    e->lx_ordinal = dates__lexicon_find(e, "ordinal");
    e->lx_unit = dates__lexicon_find(e, "unit");
    e->lx_season = dates__lexicon_find(e, "season");
    e->lx_daypart = dates__lexicon_find(e, "daypart");
    e->lx_tense = dates__lexicon_find(e, "tense");
    e->lx_decade = dates__lexicon_find(e, "decade");
    *out = e;
    return 0;
}
