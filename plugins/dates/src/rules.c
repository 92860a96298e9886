/* Loading the data directory: lexicons, named sub-patterns and rules.
 *
 * Everything is compiled here, once, so that annotate() only reads. The
 * formats are described in data/README.md; every error names file:line. */
#define _POSIX_C_SOURCE 200809L /* strtok_r */
#include "internal.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glossa/error.h>

/* ---- Small helpers ----------------------------------------------------- */

typedef struct sb {
    char *s;
    size_t n, cap;
    bool oom;
} sb_t;

static void sb_add(sb_t *b, const char *s, size_t n)
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

static void sb_str(sb_t *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

static char *xstrndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

typedef struct loader {
    dates_engine_t *e;
    char *err;
    size_t err_size;
    int rc;
    /* Named sub-patterns, alive during loading only. */
    struct pat {
        char *name, *raw, *file;
        int line;
        char *expanded; /* cache */
        bool busy;      /* cycle detection */
    } * pats;
    size_t npats;
} loader_t;

static int fail(loader_t *L, int rc, const char *file, int line,
                const char *fmt, ...) GLOSSA_PRINTF(5, 6);

static int fail(loader_t *L, int rc, const char *file, int line,
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

static int oom(loader_t *L)
{
    return fail(L, GLOSSA_ENOMEM, NULL, 0, "out of memory");
}

static char *read_file(loader_t *L, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fail(L, GLOSSA_EIO, path, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    sb_t b = {0};
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sb_add(&b, buf, n);
    bool bad = ferror(f) != 0;
    fclose(f);
    if (bad) {
        free(b.s);
        fail(L, GLOSSA_EIO, path, 0, "read error");
        return NULL;
    }
    if (b.oom) {
        free(b.s);
        oom(L);
        return NULL;
    }
    if (!b.s)
        return xstrdup("");
    return b.s;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.txt files of dir, sorted, as full paths. A missing directory is
 * an error: a data directory without rules is a broken install. */
static char **list_txt(loader_t *L, const char *dir, size_t *count)
{
    *count = 0;
    DIR *d = opendir(dir);
    if (!d) {
        fail(L, GLOSSA_EIO, dir, 0, "cannot open directory: %s",
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
    oom(L);
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

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

static bool is_ident(const char *s)
{
    if (!(isalpha((unsigned char)*s) || *s == '_'))
        return false;
    for (s++; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_'))
            return false;
    return true;
}

/* ---- Lexicons ---------------------------------------------------------- */

static uint64_t hash_word(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

static int trigger_add(loader_t *L, const char *word, int bit)
{
    dates_engine_t *e = L->e;
    size_t len = strlen(word);
    if (len < 2 || len > DATES_MAX_WORD)
        return 0;
    if (e->tw_size == 0) {
        e->tw_size = 1024;
        e->tw_keys = calloc(e->tw_size, sizeof *e->tw_keys);
        e->tw_masks = calloc(e->tw_size, sizeof *e->tw_masks);
        if (!e->tw_keys || !e->tw_masks)
            return oom(L);
    }
    size_t mask = e->tw_size - 1;
    for (size_t i = hash_word(word) & mask;; i = (i + 1) & mask) {
        if (e->tw_keys[i][0] == '\0') {
            /* Keep the load factor under 1/2; the table is sized up front
             * generously and grown by rehashing when needed. */
            memcpy(e->tw_keys[i], word, len + 1);
            e->tw_masks[i] = 1ull << bit;
            break;
        }
        if (strcmp(e->tw_keys[i], word) == 0) {
            e->tw_masks[i] |= 1ull << bit;
            return 0;
        }
    }
    size_t used = 0;
    for (size_t i = 0; i < e->tw_size; i++)
        used += e->tw_keys[i][0] != '\0';
    if (used * 2 > e->tw_size) {
        size_t nsize = e->tw_size * 2;
        char(*nk)[DATES_MAX_WORD + 1] = calloc(nsize, sizeof *nk);
        uint64_t *nm = calloc(nsize, sizeof *nm);
        if (!nk || !nm) {
            free(nk);
            free(nm);
            return oom(L);
        }
        for (size_t i = 0; i < e->tw_size; i++) {
            if (e->tw_keys[i][0] == '\0')
                continue;
            size_t j = hash_word(e->tw_keys[i]) & (nsize - 1);
            while (nk[j][0] != '\0')
                j = (j + 1) & (nsize - 1);
            memcpy(nk[j], e->tw_keys[i], sizeof nk[j]);
            nm[j] = e->tw_masks[i];
        }
        free(e->tw_keys);
        free(e->tw_masks);
        e->tw_keys = nk;
        e->tw_masks = nm;
        e->tw_size = nsize;
    }
    return 0;
}

static int class_bit(loader_t *L, const char *name, const char *file, int line)
{
    dates_engine_t *e = L->e;
    for (int i = 0; i < e->nclasses; i++)
        if (strcmp(e->class_names[i], name) == 0)
            return i;
    if (e->nclasses == DATES_MAX_CLASSES)
        return fail(L, GLOSSA_EPARSE, file, line,
                    "too many trigger lexicons (at most %d)",
                    DATES_MAX_CLASSES - 1);
    e->class_names[e->nclasses] = xstrdup(name);
    if (!e->class_names[e->nclasses])
        return oom(L);
    return e->nclasses++;
}

static int load_lexicon(loader_t *L, const char *path, const char *shortp)
{
    char *buf = read_file(L, path);
    if (!buf)
        return L->rc;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char *name = xstrndup(base, strlen(base) - 4);
    if (!name) {
        free(buf);
        return oom(L);
    }
    if (!is_ident(name)) {
        fail(L, GLOSSA_EPARSE, shortp, 0,
             "lexicon name '%s' is not an identifier", name);
        free(name);
        free(buf);
        return L->rc;
    }
    dates_engine_t *e = L->e;
    dates_lexicon_t *nl = realloc(e->lex, (e->nlex + 1) * sizeof *nl);
    if (!nl) {
        free(name);
        free(buf);
        return oom(L);
    }
    e->lex = nl;
    dates_lexicon_t *lex = &e->lex[e->nlex++];
    memset(lex, 0, sizeof *lex);
    lex->name = name;
    size_t cap = 0;
    int lineno = 0;
    char *save = NULL;
    for (char *ln = buf; ln; ln = save) {
        save = strchr(ln, '\n');
        if (save)
            *save++ = '\0';
        lineno++;
        char *s = trim(ln);
        if (*s == '#' || *s == '\0')
            continue;
        if (*s == '!') {
            if (strcmp(s, "!trigger") == 0) {
                int bit = class_bit(L, name, shortp, lineno);
                if (bit < 0)
                    break;
                lex->trigger = true;
                lex->class_bit = bit;
            } else {
                fail(L, GLOSSA_EPARSE, shortp, lineno,
                     "unknown directive '%s' (expected !trigger)", s);
                break;
            }
            continue;
        }
        char *eq = strstr(s, " = ");
        char *value = "";
        if (eq) {
            *eq = '\0';
            value = trim(eq + 3);
        }
        char *key = trim(s);
        dates__key_normalize(key);
        if (*key == '\0') {
            fail(L, GLOSSA_EPARSE, shortp, lineno, "empty key");
            break;
        }
        if (lex->n == cap) {
            cap = cap ? cap * 2 : 32;
            dates_lex_entry_t *p =
                realloc(lex->entries, cap * sizeof *lex->entries);
            if (!p) {
                oom(L);
                break;
            }
            lex->entries = p;
        }
        lex->entries[lex->n].key = xstrdup(key);
        lex->entries[lex->n].value = xstrdup(value);
        if (!lex->entries[lex->n].key || !lex->entries[lex->n].value) {
            free(lex->entries[lex->n].key);
            free(lex->entries[lex->n].value);
            oom(L);
            break;
        }
        lex->n++;
        if (lex->trigger) {
            /* Every alphabetic part of a key is a trigger word. */
            char w[DATES_MAX_WORD + 2];
            size_t wn = 0;
            for (const char *p = key;; p++) {
                if (isalpha((unsigned char)*p)) {
                    if (wn <= DATES_MAX_WORD)
                        w[wn] = *p;
                    wn++;
                    continue;
                }
                if (wn > 0 && wn <= DATES_MAX_WORD) {
                    w[wn] = '\0';
                    if (trigger_add(L, w, lex->class_bit) < 0)
                        break;
                }
                wn = 0;
                if (*p == '\0')
                    break;
            }
            if (L->rc)
                break;
        }
    }
    free(buf);
    if (L->rc)
        return L->rc;
    if (lex->n == 0)
        return fail(L, GLOSSA_EPARSE, shortp, 0, "lexicon '%s' is empty", name);
    const char *dup = dates__lexicon_sort(lex);
    if (dup)
        return fail(L, GLOSSA_EPARSE, shortp, 0,
                    "duplicate key '%s' in lexicon '%s'", dup, name);
    return 0;
}

/* The lexicon as a regex alternation, longest keys first so that "sept"
 * wins over "sep". Spaces match any whitespace run. */
static char *lexicon_regex(loader_t *L, const dates_lexicon_t *lex)
{
    size_t n = lex->n;
    const char **keys = malloc(n * sizeof *keys);
    if (!keys) {
        oom(L);
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        keys[i] = lex->entries[i].key;
    /* Insertion sort by length, descending; lexicons are small. */
    for (size_t i = 1; i < n; i++) {
        const char *k = keys[i];
        size_t j = i;
        while (j > 0 && strlen(keys[j - 1]) < strlen(k)) {
            keys[j] = keys[j - 1];
            j--;
        }
        keys[j] = k;
    }
    sb_t b = {0};
    sb_str(&b, "(?:");
    for (size_t i = 0; i < n; i++) {
        if (i)
            sb_str(&b, "|");
        for (const char *p = keys[i]; *p; p++) {
            if (*p == ' ') {
                sb_str(&b, "\\s+");
            } else if (strchr("\\^$.|?*+()[]{}/-'", *p)) {
                char esc[3] = {'\\', *p, '\0'};
                sb_str(&b, esc);
            } else {
                sb_add(&b, p, 1);
            }
        }
    }
    sb_str(&b, ")");
    free(keys);
    if (b.oom) {
        free(b.s);
        oom(L);
        return NULL;
    }
    return b.s;
}

/* ---- Named sub-patterns ------------------------------------------------ */

/* Reads "name = value" entries, where lines starting with white space
 * continue the previous value (joined without the leading space, so long
 * regexes can be split). Calls fn for each entry with the line where it
 * started. Used by pattern files and rule blocks alike. */
typedef int (*entry_fn)(loader_t *L, void *arg, const char *file, int line,
                        char *section, char *key, char *value);

static int parse_entries(loader_t *L, const char *shortp, char *buf,
                         bool sections, entry_fn fn, void *arg)
{
    sb_t val = {0};
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
            s = trim(ln);
            if (*s == '#')
                continue;
            if (*s == '\0') {
                if (!cont && key[0] == '\0')
                    continue;
                if (cont)
                    continue; /* blank lines inside a value are skipped */
            }
            if (cont && *s != '\0') {
                sb_str(&val, s);
                continue;
            }
        }
        /* Flush the pending entry. */
        if (key[0] != '\0') {
            if (val.oom) {
                rc = oom(L);
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
            size_t n = strlen(s);
            if (!sections || s[n - 1] != ']' || n - 2 >= sizeof section) {
                rc = fail(L, GLOSSA_EPARSE, shortp, lineno,
                          sections ? "bad section header '%s'"
                                   : "unexpected section header '%s'",
                          s);
                break;
            }
            memcpy(section, s + 1, n - 2);
            section[n - 2] = '\0';
            char *t = trim(section);
            memmove(section, t, strlen(t) + 1);
            if (!is_ident(section)) {
                rc = fail(L, GLOSSA_EPARSE, shortp, lineno,
                          "rule name '%s' is not an identifier", section);
                break;
            }
            rc = fn(L, arg, shortp, lineno, section, NULL, NULL);
            if (rc)
                break;
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq) {
            rc = fail(L, GLOSSA_EPARSE, shortp, lineno,
                      "expected 'name = value', got '%s'", s);
            break;
        }
        *eq = '\0';
        char *k = trim(s);
        if (!is_ident(k) || strlen(k) >= sizeof key) {
            rc = fail(L, GLOSSA_EPARSE, shortp, lineno,
                      "bad name '%s' before '='", k);
            break;
        }
        if (sections && section[0] == '\0') {
            rc = fail(L, GLOSSA_EPARSE, shortp, lineno,
                      "'%s' outside a [rule] block", k);
            break;
        }
        memcpy(key, k, strlen(k) + 1);
        key_line = lineno;
        val.n = 0;
        sb_str(&val, "");
        sb_str(&val, trim(eq + 1));
    }
    free(val.s);
    return rc;
}

static int pattern_entry(loader_t *L, void *arg, const char *file, int line,
                         char *section, char *key, char *value)
{
    (void)arg;
    (void)section;
    if (!key)
        return 0;
    for (size_t i = 0; i < L->npats; i++)
        if (strcmp(L->pats[i].name, key) == 0)
            return fail(L, GLOSSA_EPARSE, file, line,
                        "sub-pattern %%%s already defined at %s:%d", key,
                        L->pats[i].file, L->pats[i].line);
    if (dates__lexicon_find(L->e, key))
        return fail(L, GLOSSA_EPARSE, file, line,
                    "sub-pattern %%%s has the name of a lexicon", key);
    struct pat *np = realloc(L->pats, (L->npats + 1) * sizeof *np);
    if (!np)
        return oom(L);
    L->pats = np;
    struct pat *p = &L->pats[L->npats];
    memset(p, 0, sizeof *p);
    p->name = xstrdup(key);
    p->raw = xstrdup(value);
    p->file = xstrdup(file);
    p->line = line;
    L->npats++;
    if (!p->name || !p->raw || !p->file)
        return oom(L);
    return 0;
}

/* Expands %name references (lexicons and sub-patterns, recursively) in
 * src. "%%" is a literal percent sign. */
static char *expand(loader_t *L, const char *src, const char *file, int line,
                    int depth)
{
    if (depth > 20) {
        fail(L, GLOSSA_EPARSE, file, line, "sub-patterns nest too deeply");
        return NULL;
    }
    sb_t b = {0};
    for (const char *p = src; *p;) {
        if (*p != '%') {
            const char *q = strchr(p, '%');
            size_t n = q ? (size_t)(q - p) : strlen(p);
            sb_add(&b, p, n);
            p += n;
            continue;
        }
        if (p[1] == '%') {
            sb_str(&b, "%");
            p += 2;
            continue;
        }
        const char *s = p + 1;
        const char *q = s;
        while (isalnum((unsigned char)*q) || *q == '_')
            q++;
        if (q == s) {
            fail(L, GLOSSA_EPARSE, file, line,
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
            char *re = lexicon_regex(L, lex);
            if (!re) {
                free(b.s);
                return NULL;
            }
            sb_str(&b, re);
            free(re);
            continue;
        }
        struct pat *pt = NULL;
        for (size_t i = 0; i < L->npats; i++)
            if (strcmp(L->pats[i].name, name) == 0)
                pt = &L->pats[i];
        if (!pt) {
            fail(L, GLOSSA_EPARSE, file, line,
                 "unknown sub-pattern or lexicon %%%s", name);
            free(b.s);
            return NULL;
        }
        if (!pt->expanded) {
            if (pt->busy) {
                fail(L, GLOSSA_EPARSE, pt->file, pt->line,
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
        sb_str(&b, "(?:");
        sb_str(&b, pt->expanded);
        sb_str(&b, ")");
    }
    if (b.oom) {
        free(b.s);
        oom(L);
        return NULL;
    }
    return b.s ? b.s : xstrdup("");
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

static int set_field(loader_t *L, char **dst, int *dst_line, const char *v,
                     const char *file, int line, const char *key)
{
    if (*dst)
        return fail(L, GLOSSA_EPARSE, file, line, "'%s' given twice", key);
    *dst = xstrdup(v);
    if (!*dst)
        return oom(L);
    *dst_line = line;
    return 0;
}

static int parse_bool(loader_t *L, const char *v, bool *out, const char *file,
                      int line, const char *key)
{
    if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0) {
        *out = true;
        return 0;
    }
    if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0) {
        *out = false;
        return 0;
    }
    return fail(L, GLOSSA_EPARSE, file, line,
                "'%s' must be yes or no, not '%s'", key, v);
}

/* Compiles the rule read so far (called at the next block and at the end
 * of the file). */
static int rule_finish(loader_t *L, rule_build_t *rb)
{
    dates_rule_t *r = rb->r;
    if (!r)
        return 0;
    const char *file = r->file;
    if (!rb->pattern)
        return fail(L, GLOSSA_EPARSE, file, r->line, "rule %s has no 'pattern'",
                    r->name);
    if (!rb->trigger)
        return fail(L, GLOSSA_EPARSE, file, r->line, "rule %s has no 'trigger'",
                    r->name);
    if (!rb->value && r->type != DATES_T_NONE)
        return fail(L, GLOSSA_EPARSE, file, r->line, "rule %s has no 'value'",
                    r->name);

    /* Triggers: built-in digit classes, or lexicons marked !trigger. */
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
            return fail(L, GLOSSA_EPARSE, file, rb->trigger_line,
                        "trigger '%s' is neither a lexicon nor one of "
                        "digits, year, clock, numdate",
                        t);
        if (!lex->trigger)
            return fail(L, GLOSSA_EPARSE, file, rb->trigger_line,
                        "lexicon '%s' is not marked !trigger", t);
        r->triggers |= 1ull << lex->class_bit;
    }
    if (r->triggers == 0)
        return fail(L, GLOSSA_EPARSE, file, rb->trigger_line,
                    "rule %s: empty trigger list", r->name);

    char *body = expand(L, rb->pattern, file, rb->pattern_line, 0);
    if (!body)
        return L->rc;
    sb_t re = {0};
    /* Rules match whole words unless they say otherwise. */
    if (rb->bounds)
        sb_str(&re, "(?<![A-Za-z0-9])(?:");
    sb_str(&re, body);
    if (rb->bounds)
        sb_str(&re, ")(?![A-Za-z0-9])");
    free(body);
    if (re.oom) {
        free(re.s);
        return oom(L);
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
        fail(L, GLOSSA_EPARSE, file, rb->pattern_line,
             "rule %s: bad pattern: %s, near '%.*s' in the expanded "
             "pattern",
             r->name, (const char *)msg,
             (int)(shown - from + 10 < re.n - from ? shown - from + 10
                                                   : re.n - from),
             re.s + from);
        free(re.s);
        return L->rc;
    }
    free(re.s);
    /* JIT failure is not fatal: the interpreter gives the same results. */
    (void)pcre2_jit_compile(r->re, PCRE2_JIT_COMPLETE);
    uint32_t caps = 0;
    pcre2_pattern_info(r->re, PCRE2_INFO_CAPTURECOUNT, &caps);
    r->pairs = caps + 1;
    if (r->pairs > L->e->max_pairs)
        L->e->max_pairs = r->pairs;

    if (rb->value) {
        char msg[256];
        r->value = dates__template_parse(rb->value, r->re, msg, sizeof msg);
        if (!r->value)
            return fail(L, GLOSSA_EPARSE, file, rb->value_line,
                        "rule %s: value: %s", r->name, msg);
    }
    if (rb->mod) {
        char msg[256];
        r->mod = dates__template_parse(rb->mod, r->re, msg, sizeof msg);
        if (!r->mod)
            return fail(L, GLOSSA_EPARSE, file, rb->mod_line,
                        "rule %s: mod: %s", r->name, msg);
    }
    if (rb->extent) {
        int g = pcre2_substring_number_from_name(r->re, (PCRE2_SPTR)rb->extent);
        if (g <= 0)
            return fail(L, GLOSSA_EPARSE, file, rb->extent_line,
                        "rule %s: extent: no group named '%s'", r->name,
                        rb->extent);
        r->extent_group = g;
    }
    return 0;
}

static int rule_entry(loader_t *L, void *arg, const char *file, int line,
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
                return fail(L, GLOSSA_EPARSE, file, line,
                            "rule %s already defined at %s:%d", section,
                            e->rules[i].file, e->rules[i].line);
        dates_rule_t *nr = realloc(e->rules, (e->nrules + 1) * sizeof *nr);
        if (!nr)
            return oom(L);
        e->rules = nr;
        dates_rule_t *r = &e->rules[e->nrules++];
        memset(r, 0, sizeof *r);
        r->name = xstrdup(section);
        r->file = xstrdup(file);
        r->line = line;
        r->type = DATES_T_DATE;
        r->keep_ref = true;
        r->extent_group = -1;
        rb->r = r;
        if (!r->name || !r->file)
            return oom(L);
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
        return fail(L, GLOSSA_EPARSE, file, line,
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
            return fail(L, GLOSSA_EPARSE, file, line,
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
    return fail(L, GLOSSA_EPARSE, file, line,
                "unknown key '%s' (expected pattern, value, type, trigger, "
                "mod, priority, extent, dateline, reference, bounds or ytd)",
                key);
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
        dates__template_free(r->value);
    }
    free(e->rules);
    for (int i = 0; i < e->nclasses; i++)
        free(e->class_names[i]);
    free(e->tw_keys);
    free(e->tw_masks);
    free(e);
}

size_t dates_engine_rule_count(const dates_engine_t *e)
{
    return e ? e->nrules : 0;
}

static int load_dir(loader_t *L, const char *data_dir, const char *sub,
                    int kind)
{
    size_t dl = strlen(data_dir), sl = strlen(sub);
    char *dir = malloc(dl + sl + 2);
    if (!dir)
        return oom(L);
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
            load_lexicon(L, files[i], sp);
            continue;
        }
        char *buf = read_file(L, files[i]);
        if (!buf)
            break;
        if (kind == 1) {
            parse_entries(L, sp, buf, false, pattern_entry, NULL);
        } else {
            rule_build_t rb;
            memset(&rb, 0, sizeof rb);
            rb_reset(&rb);
            if (parse_entries(L, sp, buf, true, rule_entry, &rb) == 0)
                rule_finish(L, &rb);
            rb_reset(&rb);
        }
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
    loader_t L;
    memset(&L, 0, sizeof L);
    L.err = err;
    L.err_size = err_size;
    L.e = calloc(1, sizeof *L.e);
    if (!L.e)
        return oom(&L);
    L.e->max_pairs = 1;
    static const char *const builtin[DATES_BUILTIN_CLASSES] = {
        "digits", "year", "clock", "numdate"};
    for (int i = 0; i < DATES_BUILTIN_CLASSES; i++) {
        L.e->class_names[i] = xstrdup(builtin[i]);
        if (!L.e->class_names[i])
            oom(&L);
        L.e->nclasses = i + 1;
    }
    if (L.rc == 0)
        load_dir(&L, data_dir, "lexicon", 0);
    if (L.rc == 0)
        load_dir(&L, data_dir, "patterns", 1);
    if (L.rc == 0)
        load_dir(&L, data_dir, "rules", 2);
    if (L.rc == 0 && L.e->nrules == 0)
        fail(&L, GLOSSA_EPARSE, data_dir, 0, "no rules in rules/*.txt");
    for (size_t i = 0; i < L.npats; i++) {
        free(L.pats[i].name);
        free(L.pats[i].raw);
        free(L.pats[i].file);
        free(L.pats[i].expanded);
    }
    free(L.pats);
    if (L.rc) {
        dates_engine_free(L.e);
        return L.rc;
    }
    dates_engine_t *e = L.e;
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
