/* Value templates: parsing a rule's value ("%ymd($y, $m, $d)") into
 * nodes at load time, and evaluating them for a match at annotation time.
 * The normalization functions the calls name are in functions.h; a call
 * that rejects its input (an impossible date, an unknown word) drops the
 * match. Evaluation reads only the engine and the per-call dates_eval_t. */
#include "template.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "functions.h"

/* ---- Parsing ----------------------------------------------------------- */

typedef struct tparser {
    const char *p;
    const pcre2_code *re;
    char *err;
    size_t err_size;
    bool failed;
} tparser_t;

static void tp_fail(tparser_t *tp, const char *msg, const char *what)
{
    if (tp->failed)
        return;
    tp->failed = true;
    snprintf(tp->err, tp->err_size, "%s%s%s", msg, what ? " " : "",
             what ? what : "");
}

static dates_tnode_t *add_node(dates_template_t *t)
{
    dates_tnode_t *n = realloc(t->nodes, (size_t)(t->n + 1) * sizeof *n);
    if (!n)
        return NULL;
    t->nodes = n;
    memset(&n[t->n], 0, sizeof n[t->n]);
    return &n[t->n++];
}

static dates_template_t *parse_seq(tparser_t *tp, bool in_args);

static bool parse_group(tparser_t *tp, dates_tnode_t *node)
{
    const char *s = tp->p + 1;
    char name[64];
    size_t n = 0;
    bool braced = *s == '{';
    if (braced)
        s++;
    while ((isalnum((unsigned char)s[n]) || s[n] == '_') && n < 63)
        n++;
    memcpy(name, s, n);
    name[n] = '\0';
    if (n == 0 || (braced && s[n] != '}')) {
        tp_fail(tp, "'$' must be followed by a group name or number", NULL);
        return false;
    }
    tp->p = s + n + (braced ? 1 : 0);
    node->kind = TN_GROUP;
    if (isdigit((unsigned char)name[0])) {
        char *end;
        long g = strtol(name, &end, 10);
        uint32_t caps = 0;
        pcre2_pattern_info(tp->re, PCRE2_INFO_CAPTURECOUNT, &caps);
        if (*end != '\0' || g < 0 || g > (long)caps) {
            tp_fail(tp, "no capture group", name);
            return false;
        }
        node->groups = malloc(sizeof *node->groups);
        if (!node->groups) {
            tp_fail(tp, "out of memory", NULL);
            return false;
        }
        node->groups[0] = (int)g;
        node->ngroups = 1;
        return true;
    }
    PCRE2_SPTR first, last;
    int rc =
        pcre2_substring_nametable_scan(tp->re, (PCRE2_SPTR)name, &first, &last);
    if (rc < 0) {
        tp_fail(tp, "no capture group named", name);
        return false;
    }
    uint32_t esize = 0;
    pcre2_pattern_info(tp->re, PCRE2_INFO_NAMEENTRYSIZE, &esize);
    int count = (int)((last - first) / esize) + 1;
    node->groups = malloc((size_t)count * sizeof *node->groups);
    if (!node->groups) {
        tp_fail(tp, "out of memory", NULL);
        return false;
    }
    for (int i = 0; i < count; i++) {
        PCRE2_SPTR e = first + (size_t)i * esize;
        node->groups[i] = (e[0] << 8) | e[1];
    }
    node->ngroups = count;
    return true;
}

static bool parse_call(tparser_t *tp, dates_tnode_t *node)
{
    const char *s = tp->p + 1;
    size_t n = 0;
    while (isalnum((unsigned char)s[n]) || s[n] == '_')
        n++;
    char name[32];
    if (n == 0 || n >= sizeof name) {
        tp_fail(tp, "'%' must be followed by a function name", NULL);
        return false;
    }
    memcpy(name, s, n);
    name[n] = '\0';
    size_t nfn;
    const dates_fn_desc_t *tab = dates__fn_table(&nfn);
    int fn = -1;
    for (size_t i = 0; i < nfn; i++)
        if (strcmp(tab[i].name, name) == 0)
            fn = (int)i;
    if (fn < 0) {
        char what[48];
        snprintf(what, sizeof what, "%%%s", name);
        tp_fail(tp, "unknown function", what);
        return false;
    }
    node->kind = TN_CALL;
    node->fn = fn;
    s += n;
    if (*s != '(') {
        tp_fail(tp, "expected '(' after", name);
        return false;
    }
    tp->p = s + 1;
    for (;;) {
        while (*tp->p == ' ')
            tp->p++;
        if (*tp->p == ')' && node->nargs == 0) {
            tp->p++;
            break;
        }
        dates_template_t *arg = parse_seq(tp, true);
        if (!arg)
            return false;
        dates_template_t **na =
            realloc(node->args, (size_t)(node->nargs + 1) * sizeof *na);
        if (!na) {
            dates__template_free(arg);
            tp_fail(tp, "out of memory", NULL);
            return false;
        }
        node->args = na;
        node->args[node->nargs++] = arg;
        if (*tp->p == ',') {
            tp->p++;
            continue;
        }
        if (*tp->p == ')') {
            tp->p++;
            break;
        }
        tp_fail(tp, "unterminated call of", name);
        return false;
    }
    if (node->nargs < tab[fn].min_args || node->nargs > tab[fn].max_args) {
        char what[96];
        snprintf(what, sizeof what, "%%%s takes %d to %d, got %d", name,
                 tab[fn].min_args, tab[fn].max_args, node->nargs);
        tp_fail(tp, "wrong number of arguments:", what);
        return false;
    }
    return true;
}

static dates_template_t *parse_seq(tparser_t *tp, bool in_args)
{
    dates_template_t *t = calloc(1, sizeof *t);
    if (!t) {
        tp_fail(tp, "out of memory", NULL);
        return NULL;
    }
    while (*tp->p && !tp->failed) {
        char c = *tp->p;
        if (in_args && (c == ',' || c == ')'))
            break;
        dates_tnode_t *node = add_node(t);
        if (!node) {
            tp_fail(tp, "out of memory", NULL);
            break;
        }
        if (c == '$') {
            parse_group(tp, node);
        } else if (c == '%' && tp->p[1] == '%') {
            node->kind = TN_TEXT;
            node->text = malloc(2);
            if (node->text)
                memcpy(node->text, "%", 2);
            tp->p += 2;
        } else if (c == '%') {
            parse_call(tp, node);
        } else {
            const char *s = tp->p;
            while (*tp->p && *tp->p != '$' && *tp->p != '%' &&
                   !(in_args && (*tp->p == ',' || *tp->p == ')')))
                tp->p++;
            const char *e = tp->p;
            if (in_args) {
                /* Spaces around arguments are layout, not text. */
                while (s < e && *s == ' ')
                    s++;
                while (e > s && e[-1] == ' ')
                    e--;
            }
            node->kind = TN_TEXT;
            node->text = malloc((size_t)(e - s) + 1);
            if (node->text) {
                memcpy(node->text, s, (size_t)(e - s));
                node->text[e - s] = '\0';
            }
        }
        if (node->kind == TN_TEXT && !node->text)
            tp_fail(tp, "out of memory", NULL);
    }
    if (tp->failed) {
        dates__template_free(t);
        return NULL;
    }
    return t;
}

dates_template_t *dates__template_parse(const char *src, const pcre2_code *re,
                                        char *err, size_t err_size)
{
    tparser_t tp = {src, re, err, err_size, false};
    dates_template_t *t = parse_seq(&tp, false);
    if (t && *tp.p != '\0') {
        tp_fail(&tp, "unexpected", tp.p);
        dates__template_free(t);
        return NULL;
    }
    if (t && t->n == 0) {
        tp_fail(&tp, "empty value", NULL);
        dates__template_free(t);
        return NULL;
    }
    return t;
}

void dates__template_free(dates_template_t *t)
{
    if (!t)
        return;
    for (int i = 0; i < t->n; i++) {
        dates_tnode_t *n = &t->nodes[i];
        free(n->text);
        free(n->groups);
        for (int j = 0; j < n->nargs; j++)
            dates__template_free(n->args[j]);
        free(n->args);
    }
    free(t->nodes);
    free(t);
}

/* ---- Evaluation -------------------------------------------------------- */

static bool append(char *out, size_t out_size, size_t *len, const char *s,
                   size_t n)
{
    if (*len + n + 1 > out_size)
        return false;
    memcpy(out + *len, s, n);
    *len += n;
    out[*len] = '\0';
    return true;
}

int dates__template_eval(const dates_template_t *t, dates_eval_t *ev, char *out,
                         size_t out_size)
{
    size_t len = 0;
    out[0] = '\0';
    size_t nfn;
    const dates_fn_desc_t *tab = dates__fn_table(&nfn);
    for (int i = 0; i < t->n; i++) {
        const dates_tnode_t *n = &t->nodes[i];
        if (n->kind == TN_TEXT) {
            if (!append(out, out_size, &len, n->text, strlen(n->text)))
                return -1;
        } else if (n->kind == TN_GROUP) {
            for (int g = 0; g < n->ngroups; g++) {
                uint32_t k = (uint32_t)n->groups[g];
                if (k >= ev->pairs)
                    continue;
                PCRE2_SIZE s = ev->ov[2 * k], e = ev->ov[2 * k + 1];
                if (s == PCRE2_UNSET)
                    continue;
                if (!append(out, out_size, &len, ev->text + s, e - s))
                    return -1;
                break;
            }
        } else if (strcmp(tab[n->fn].name, "if") == 0) {
            /* %if(test, then[, else]): only the chosen branch is
             * evaluated, so that it may call functions that would reject
             * the empty text of an unset group. */
            char test[DATES_VAL_MAX];
            /* A test that fails (an unknown word) counts as false. */
            if (dates__template_eval(n->args[0], ev, test, sizeof test) < 0)
                test[0] = '\0';
            int branch = test[0] != '\0' ? 1 : 2;
            if (branch < n->nargs) {
                char r[DATES_VAL_MAX];
                if (dates__template_eval(n->args[branch], ev, r, sizeof r) < 0)
                    return -1;
                if (!append(out, out_size, &len, r, strlen(r)))
                    return -1;
            }
        } else {
            char bufs[4][DATES_VAL_MAX];
            char *argv[4];
            for (int a = 0; a < n->nargs; a++) {
                argv[a] = bufs[a];
                if (dates__template_eval(n->args[a], ev, bufs[a],
                                         DATES_VAL_MAX) < 0)
                    return -1;
            }
            char r[DATES_VAL_MAX];
            r[0] = '\0';
            if (tab[n->fn].fn(ev, n->nargs, argv, r, sizeof r) < 0)
                return -1;
            if (!append(out, out_size, &len, r, strlen(r)))
                return -1;
        }
    }
    return 0;
}
