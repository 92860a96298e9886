/* Value templates and the normalization functions they call.
 *
 * A rule's value is text with calls such as %ymd($y, $m, $d) or
 * %rel(M, -, 1). The functions here turn matched text into TIMEX3 values:
 * they hold the knowledge of the calendar and of TIMEX3 spelling, while
 * the rules say which function applies to which pattern. A function that
 * rejects its input (an impossible date, an unknown word) drops the match.
 * Everything here reads only the engine and the per-call dates_eval_t. */
#define _POSIX_C_SOURCE 200809L /* strtok_r */
#include "internal.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <glossa/export.h>

#define VAL_MAX 64

typedef int (*fn_t)(dates_eval_t *ev, int argc, char **argv, char *out,
                    size_t out_size);

typedef struct fn_desc {
    const char *name;
    int min_args, max_args;
    fn_t fn;
} fn_desc_t;

static const fn_desc_t *fn_table(size_t *n);

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
    const fn_desc_t *tab = fn_table(&nfn);
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
    const fn_desc_t *tab = fn_table(&nfn);
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
            char test[VAL_MAX];
            /* A test that fails (an unknown word) counts as false. */
            if (dates__template_eval(n->args[0], ev, test, sizeof test) < 0)
                test[0] = '\0';
            int branch = test[0] != '\0' ? 1 : 2;
            if (branch < n->nargs) {
                char r[VAL_MAX];
                if (dates__template_eval(n->args[branch], ev, r, sizeof r) < 0)
                    return -1;
                if (!append(out, out_size, &len, r, strlen(r)))
                    return -1;
            }
        } else {
            char bufs[4][VAL_MAX];
            char *argv[4];
            for (int a = 0; a < n->nargs; a++) {
                argv[a] = bufs[a];
                if (dates__template_eval(n->args[a], ev, bufs[a], VAL_MAX) < 0)
                    return -1;
            }
            char r[VAL_MAX];
            r[0] = '\0';
            if (tab[n->fn].fn(ev, n->nargs, argv, r, sizeof r) < 0)
                return -1;
            if (!append(out, out_size, &len, r, strlen(r)))
                return -1;
        }
    }
    return 0;
}

/* ---- Number and word helpers ------------------------------------------- */

static void lower_copy(char *dst, size_t n, const char *src)
{
    size_t i = 0;
    for (; src[i] && i + 1 < n; i++)
        dst[i] = (char)tolower((unsigned char)src[i]);
    dst[i] = '\0';
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

/* Parses a number written in digits ("12", "1,000", "2.5", "2 1/2") or
 * words ("twenty-four", "a couple of", "two hundred") with the number
 * lexicon. Returns 1 with *v, 0 for an indefinite amount ("several",
 * "few": TIMEX3's X), -1 when s is not a number. */
static int parse_number(const dates_eval_t *ev, const char *s, double *v)
{
    char buf[VAL_MAX];
    size_t k = 0;
    for (const char *p = s; *p && k + 1 < sizeof buf; p++)
        if (*p != ',')
            buf[k++] = (char)tolower((unsigned char)*p);
    buf[k] = '\0';
    char *p = buf;
    while (*p == ' ')
        p++;
    if (isdigit((unsigned char)*p)) {
        char *end;
        double x = strtod(p, &end);
        while (*end == ' ' || *end == '-')
            end++;
        if (*end == '\0') {
            *v = x;
            return 1;
        }
        /* "2 1/2", "2-1/2" */
        int a, b;
        if (sscanf(end, "%d/%d", &a, &b) == 2 && b > 0) {
            *v = x + (double)a / b;
            return 1;
        }
        if (strcmp(end, "and a half") == 0 || strcmp(end, "1/2") == 0) {
            *v = x + 0.5;
            return 1;
        }
        return -1;
    }
    /* Words: first the whole text ("a couple of", "a few"), then word by
     * word ("twenty-four", "two hundred"). */
    const char *whole = dates__lexicon_get(ev->engine->lx_number, p);
    if (whole && whole[0] != '*' && whole[0] != '+') {
        if (strcmp(whole, "X") == 0)
            return 0;
        *v = atof(whole);
        return 1;
    }
    double half = 0;
    size_t pl = strlen(p);
    if (pl > 11 && strcmp(p + pl - 11, " and a half") == 0) {
        p[pl - 11] = '\0';
        half = 0.5;
    }
    double total = half, cur = 0;
    bool any = false;
    char *save = NULL;
    for (char *w = strtok_r(p, " -", &save); w;
         w = strtok_r(NULL, " -", &save)) {
        if (strcmp(w, "and") == 0 || strcmp(w, "of") == 0)
            continue;
        const char *val = dates__lexicon_get(ev->engine->lx_number, w);
        if (!val)
            return -1;
        any = true;
        if (strcmp(val, "X") == 0)
            return 0;
        if (val[0] == '*') {
            double mul = atof(val + 1);
            cur = (cur == 0 ? 1 : cur) * mul;
            if (mul >= 1000) {
                total += cur;
                cur = 0;
            }
            continue;
        }
        if (val[0] == '+') { /* "half" in "a year and a half" */
            cur += atof(val + 1);
            continue;
        }
        cur += atof(val);
    }
    if (!any)
        return -1;
    *v = total + cur;
    return 1;
}

static int fmt(char *out, size_t n, const char *f, ...) GLOSSA_PRINTF(3, 4);
static int fmt(char *out, size_t n, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    int k = vsnprintf(out, n, f, ap);
    va_end(ap);
    return k < 0 || (size_t)k >= n ? -1 : 0;
}

static int month_of(const dates_eval_t *ev, const char *s)
{
    if (all_digits(s)) {
        int m = atoi(s);
        return m >= 1 && m <= 12 ? m : -1;
    }
    const char *v = dates__lexicon_get(ev->engine->lx_month, s);
    return v ? atoi(v) : -1;
}

static int day_of(const dates_eval_t *ev, const char *s)
{
    char buf[VAL_MAX];
    lower_copy(buf, sizeof buf, s);
    size_t n = strlen(buf);
    if (n > 2 && isdigit((unsigned char)buf[0]) &&
        (strcmp(buf + n - 2, "st") == 0 || strcmp(buf + n - 2, "nd") == 0 ||
         strcmp(buf + n - 2, "rd") == 0 || strcmp(buf + n - 2, "th") == 0))
        buf[n - 2] = '\0';
    int d;
    if (all_digits(buf)) {
        d = atoi(buf);
    } else {
        const char *v = dates__lexicon_get(ev->engine->lx_ordinal, buf);
        if (!v)
            return -1;
        d = atoi(v);
    }
    return d >= 1 && d <= 31 ? d : -1;
}

/* A spoken year: "nineteen ninety-six", "two thousand (and) one",
 * "nineteen hundred". */
static int spoken_year(const dates_eval_t *ev, const char *s)
{
    char buf[VAL_MAX];
    lower_copy(buf, sizeof buf, s);
    if (strncmp(buf, "two thousand", 12) == 0) {
        double v;
        if (parse_number(ev, buf, &v) == 1 && v >= 2000 && v < 2100)
            return (int)v;
        return -1;
    }
    char *sp = strchr(buf, ' ');
    if (!sp)
        return -1;
    *sp = '\0';
    double hi, lo;
    if (parse_number(ev, buf, &hi) != 1 || hi < 10 || hi > 20)
        return -1;
    char *rest = sp + 1;
    if (strcmp(rest, "hundred") == 0)
        return (int)hi * 100;
    if (parse_number(ev, rest, &lo) != 1 || lo < 1 || lo > 99)
        return -1;
    return (int)hi * 100 + (int)lo;
}

static int year_of(dates_eval_t *ev, const char *s)
{
    const char *p = s;
    if (*p == '\'' || *p == '`')
        p++;
    if (all_digits(p)) {
        size_t n = strlen(p);
        int y = atoi(p);
        if (n == 4)
            return y;
        if (n == 2) {
            /* A two-digit year: the century that puts it at most ten
             * years after the DCT. */
            int base = ev->dct.valid ? ev->dct.date.y : 2000;
            int c = base / 100 * 100 + y;
            if (c > base + 10)
                c -= 100;
            return c;
        }
        if (n == 3)
            return y;
        return -1;
    }
    return spoken_year(ev, s);
}

/* ---- Tense ------------------------------------------------------------- */

enum { TENSE_UNKNOWN = 0, TENSE_PAST = 1, TENSE_FUTURE = 2, TENSE_NONE = 3 };

static bool sentence_end_at(const char *t, size_t i, size_t len)
{
    char c = t[i];
    if (c == ';' || c == '!' || c == '?')
        return true;
    if (c == '\n' && i + 1 < len && t[i + 1] == '\n')
        return true;
    if (c == '.' && i + 2 < len && (t[i + 1] == ' ' || t[i + 1] == '\n') &&
        isupper((unsigned char)t[i + 2])) {
        /* "Oct. 31", "Mr. Smith": a short capitalized word before the
         * period is an abbreviation, not the end of a sentence. */
        size_t k = i;
        while (k > 0 && isalpha((unsigned char)t[k - 1]))
            k--;
        if (i - k <= 4 && k < i && isupper((unsigned char)t[k]))
            return false;
        /* "Roe vs. Wade", "Roe v. Wade" */
        if ((i - k == 2 && strncmp(t + k, "vs", 2) == 0) ||
            (i - k == 1 && t[k] == 'v'))
            return false;
        return true;
    }
    return false;
}

/* True when an article and a word follow position p ("planned a rally",
 * "set the date"). */
static bool article_follows(const dates_eval_t *ev, const char *p)
{
    static const char *const art[] = {"a", "an", "the", "another"};
    const char *end = ev->text + ev->len;
    while (p < end && *p == ' ')
        p++;
    for (size_t k = 0; k < sizeof art / sizeof art[0]; k++) {
        size_t n = strlen(art[k]);
        if ((size_t)(end - p) > n + 1 && strncasecmp(p, art[k], n) == 0 &&
            p[n] == ' ' && isalpha((unsigned char)p[n + 1]))
            return true;
    }
    return false;
}

/* True when "to" and a word follow position p ("set to resume"). */
static bool to_follows(const dates_eval_t *ev, const char *p)
{
    const char *end = ev->text + ev->len;
    while (p < end && *p == ' ')
        p++;
    return end - p >= 4 && p[0] == 't' && p[1] == 'o' && p[2] == ' ' &&
           isalpha((unsigned char)p[3]);
}

/* True when the word at w follows "had" or "had been". */
static bool after_had(const dates_eval_t *ev, const char *w)
{
    const char *t = ev->text;
    size_t i = (size_t)(w - t);
    for (int k = 0; k < 2; k++) {
        while (i > 0 && t[i - 1] == ' ')
            i--;
        size_t e = i;
        while (i > 0 && isalpha((unsigned char)t[i - 1]))
            i--;
        if (e - i == 3 && strncasecmp(t + i, "had", 3) == 0)
            return true;
        if (!(k == 0 && e - i == 4 && strncasecmp(t + i, "been", 4) == 0))
            return false;
    }
    return false;
}

/* The tense marker a word is, from the tense lexicon, or a past tense
 * guessed from an -ed ending. */
static int word_tense(const dates_eval_t *ev, const char *w, size_t n)
{
    char buf[DATES_MAX_WORD + 1];
    if (n == 0 || n > DATES_MAX_WORD)
        return TENSE_UNKNOWN;
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)tolower((unsigned char)w[i]);
    buf[n] = '\0';
    const char *v = dates__lexicon_get(ev->engine->lx_tense, buf);
    if (v) {
        if (strcmp(v, "past") == 0)
            return TENSE_PAST;
        bool future = strcmp(v, "future") == 0 ||
                      strcmp(v, "future_near") == 0 ||
                      (strcmp(v, "future_to") == 0 && to_follows(ev, w + n)) ||
                      (strcmp(v, "future_obj") == 0 &&
                       (to_follows(ev, w + n) || article_follows(ev, w + n)));
        /* "is to resume trading Tuesday": "be to" is a future. */
        if (!future && (strcmp(buf, "is") == 0 || strcmp(buf, "are") == 0) &&
            to_follows(ev, w + n))
            future = true;
        /* A future seen from the past perfect is over: "the offer had
         * been due to expire Friday" (but "the sale, which had been
         * expected, is part of a plan to pay by February"). */
        if (future && strcmp(buf, "is") != 0 && strcmp(buf, "are") != 0 &&
            to_follows(ev, w + n) && after_had(ev, w))
            return TENSE_PAST;
        return future ? TENSE_FUTURE : TENSE_NONE; /* NONE: stops -ed
                                                    * guessing */
    }
    if (n >= 5 && buf[n - 2] == 'e' && buf[n - 1] == 'd')
        return TENSE_PAST;
    return TENSE_UNKNOWN;
}

/* The word before position i (skipping spaces and commas): its start in
 * *ws and length, 0 when there is none. */
static size_t word_before(const char *t, size_t i, size_t *ws)
{
    while (i > 0 && (t[i - 1] == ' ' || t[i - 1] == ','))
        i--;
    size_t e = i;
    while (i > 0 && isalpha((unsigned char)t[i - 1]))
        i--;
    *ws = i;
    return e - i;
}

/* True when a letter lies between positions a and b. */
static bool words_between(const char *t, size_t a, size_t b)
{
    for (size_t k = a; k < b; k++)
        if (isalpha((unsigned char)t[k]))
            return true;
    return false;
}

/* True when the word before position i is a form of "be". */
static bool after_be(const char *t, size_t i)
{
    static const char *const be[] = {"be",  "been", "being", "is",
                                     "are", "was",  "were"};
    size_t ws, n = word_before(t, i, &ws);
    for (size_t k = 0; k < sizeof be / sizeof be[0]; k++)
        if (n == strlen(be[k]) && strncasecmp(t + ws, be[k], n) == 0)
            return true;
    return false;
}

/* True when "until" (or "till") comes right before the match inside its
 * sentence, and not as "up until" or "not until": a weekday there is a
 * deadline ("extended its deadline until 9 a.m. Tuesday", "postponed
 * until Tuesday"), which lies ahead. "Until Thursday, they had not..."
 * opens the sentence and looks back. (A month-day far off may be a past
 * end: "he served until March 1".) */
static bool deadline_until(const dates_eval_t *ev)
{
    const char *t = ev->text;
    size_t ws, n = word_before(t, ev->start, &ws);
    if (!((n == 5 && strncasecmp(t + ws, "until", 5) == 0) ||
          (n == 4 && strncasecmp(t + ws, "till", 4) == 0)))
        return false;
    size_t ps, pn = word_before(t, ws, &ps);
    if ((pn == 2 && strncasecmp(t + ps, "up", 2) == 0) ||
        (pn == 3 && strncasecmp(t + ps, "not", 3) == 0))
        return false;
    /* Something other than the end of a sentence comes before. */
    size_t i = ws;
    while (i > 0 && (t[i - 1] == ' ' || t[i - 1] == '"' || t[i - 1] == '`' ||
                     t[i - 1] == '\''))
        i--;
    return i > 0 && t[i - 1] != '.' && t[i - 1] != '\n' && t[i - 1] != '!' &&
           t[i - 1] != '?' && t[i - 1] != ';';
}

/* The tense of the clause around the match: the nearest marker to its
 * left within the sentence, else the nearest to its right. */
static int clause_tense(dates_eval_t *ev)
{
    if (ev->tense)
        return ev->tense;
    const char *t = ev->text;
    int found = TENSE_UNKNOWN;
    /* Left, nearest first, at most 200 bytes. */
    size_t lim = ev->start > 200 ? ev->start - 200 : 0;
    size_t i = ev->start;
    while (i > lim && found == TENSE_UNKNOWN) {
        i--;
        if (sentence_end_at(t, i, ev->len))
            break;
        if (isalpha((unsigned char)t[i])) {
            size_t e = i + 1, s = i;
            while (s > lim && isalpha((unsigned char)t[s - 1]))
                s--;
            int wt = word_tense(ev, t + s, e - s);
            /* "will be named ... for a mission in December": a participle
             * after "be" is no past; the word before "be" decides. */
            if (wt == TENSE_PAST && e - s >= 5 && t[e - 2] == 'e' &&
                t[e - 1] == 'd') {
                size_t bs, bn = word_before(t, s, &bs);
                if (bn == 2 && strncasecmp(t + bs, "be", 2) == 0)
                    wt = TENSE_UNKNOWN;
            }
            if (wt == TENSE_PAST || wt == TENSE_FUTURE)
                found = wt;
            i = s;
        }
    }
    /* Right, at most 200 bytes. */
    size_t rlim = ev->end + 200 < ev->len ? ev->end + 200 : ev->len;
    for (i = ev->end; i < rlim && found == TENSE_UNKNOWN; i++) {
        if (sentence_end_at(t, i, ev->len))
            break;
        if (isalpha((unsigned char)t[i])) {
            size_t s = i;
            while (i < rlim && isalpha((unsigned char)t[i]))
                i++;
            int wt = word_tense(ev, t + s, i - s);
            /* After the date, a past form of a future marker is the verb
             * of the clause, in the past: "On Friday, the government
             * planned to pay" (but "talks Monday are expected to", and
             * "a vote Monday, expected to pass", a participle right after
             * the date). */
            if (wt == TENSE_FUTURE && i - s >= 5 && t[i - 2] == 'e' &&
                t[i - 1] == 'd' && !after_be(t, s) && s > ev->end &&
                words_between(t, ev->end, s))
                wt = TENSE_PAST;
            if (wt == TENSE_PAST || wt == TENSE_FUTURE)
                found = wt;
        }
    }
    ev->tense = found == TENSE_UNKNOWN ? TENSE_NONE : found;
    return ev->tense;
}

/* True when the match opens its sentence, after at most a preposition:
 * "In January, ...", "On Feb. 3 the ...". */
static bool opens_sentence(const dates_eval_t *ev)
{
    const char *t = ev->text;
    size_t i = ev->start;
    while (i > 0 && t[i - 1] == ' ')
        i--;
    size_t e = i;
    while (i > 0 && isalpha((unsigned char)t[i - 1]))
        i--;
    if (e > i) {
        static const char *const preps[] = {
            "in", "on", "by", "during", "since", "until", "through"};
        bool prep = false;
        for (size_t k = 0; k < sizeof preps / sizeof preps[0]; k++)
            if (e - i == strlen(preps[k]) &&
                strncasecmp(t + i, preps[k], e - i) == 0)
                prep = true;
        if (!prep)
            return false;
        while (i > 0 && t[i - 1] == ' ')
            i--;
    }
    if (i == 0 || t[i - 1] == '\n')
        return true;
    while (i > 0 && (t[i - 1] == '"' || t[i - 1] == '\'' || t[i - 1] == '`'))
        i--;
    return i > 0 && (t[i - 1] == '.' || t[i - 1] == '!' || t[i - 1] == '?' ||
                     t[i - 1] == ';' || t[i - 1] == '\n');
}

/* The tense of the word right before the match, skipping "on" and "in":
 * "the year ended Jan. 31", "effective Feb. 1". A verb that governs the
 * date directly says more than the clause around it. Past forms count
 * unless a form of "be" makes them passive ("will be paid Dec. 14");
 * future markers only when the lexicon marks them "future_near". */
static int adjacent_tense(dates_eval_t *ev)
{
    const char *t = ev->text;
    size_t ws, n = word_before(t, ev->start, &ws);
    if (n == 2 &&
        (strncmp(t + ws, "on", 2) == 0 || strncmp(t + ws, "in", 2) == 0))
        n = word_before(t, ws, &ws);
    if (n == 0 || n > DATES_MAX_WORD)
        return TENSE_UNKNOWN;
    char buf[DATES_MAX_WORD + 1];
    for (size_t k = 0; k < n; k++)
        buf[k] = (char)tolower((unsigned char)t[ws + k]);
    buf[n] = '\0';
    const char *v = dates__lexicon_get(ev->engine->lx_tense, buf);
    if (v && strcmp(v, "future_near") == 0)
        return TENSE_FUTURE;
    if (word_tense(ev, t + ws, n) != TENSE_PAST)
        return TENSE_UNKNOWN;
    size_t bs, bn = word_before(t, ws, &bs);
    static const char *const be[] = {"be", "been", "being", "is", "are"};
    for (size_t k = 0; k < sizeof be / sizeof be[0]; k++)
        if (bn == strlen(be[k]) && strncasecmp(t + bs, be[k], bn) == 0)
            return TENSE_UNKNOWN;
    return TENSE_PAST;
}

/* ---- Points and granularities ------------------------------------------ */

static dates_gran_t unit_gran(const char *u)
{
    if (strcmp(u, "Y") == 0)
        return G_YEAR;
    if (strcmp(u, "M") == 0)
        return G_MONTH;
    if (strcmp(u, "W") == 0)
        return G_WEEK;
    if (strcmp(u, "D") == 0)
        return G_DAY;
    if (strcmp(u, "Q") == 0)
        return G_QUARTER;
    if (strcmp(u, "H") == 0)
        return G_HALF;
    if (strcmp(u, "DE") == 0)
        return G_DECADE;
    if (strcmp(u, "CE") == 0)
        return G_CENTURY;
    if (strcmp(u, "SE") == 0)
        return G_SEASON;
    if (u[0] == 'T')
        return G_DAY; /* hours ago: still today, as a day */
    return G_NONE;
}

/* The first day of a point's period, for arithmetic. */
static dates_ymd_t point_day(const dates_point_t *p)
{
    dates_ymd_t d = {p->y, 1, 1};
    switch (p->gran) {
    case G_DAY:
        d.m = p->m;
        d.d = p->d;
        break;
    case G_MONTH:
        d.m = p->m;
        break;
    case G_QUARTER:
        d.m = (p->q - 1) * 3 + 1;
        break;
    case G_HALF:
        d.m = (p->q - 1) * 6 + 1;
        break;
    case G_SEASON:
        d.m = p->q * 3 + 3; /* SP=0 -> March ... WI=3 -> December */
        break;
    case G_WEEK:
        return dates_cal_iso_week_monday(p->y, p->q);
    default:
        break;
    }
    return d;
}

static int print_point(dates_ymd_t d, dates_gran_t g, char *out, size_t n)
{
    switch (g) {
    case G_CENTURY:
        return fmt(out, n, "%02d", d.y / 100);
    case G_DECADE:
        return fmt(out, n, "%03d", d.y / 10);
    case G_YEAR:
        return fmt(out, n, "%04d", d.y);
    case G_HALF:
        return fmt(out, n, "%04d-H%d", d.y, dates_cal_half(d.m));
    case G_QUARTER:
        return fmt(out, n, "%04d-Q%d", d.y, dates_cal_quarter(d.m));
    case G_SEASON: {
        /* December belongs to the winter of its year in TIMEX3 usage;
         * January and February to the winter of the year before. */
        int y = d.y;
        if (d.m <= 2)
            y--;
        return fmt(out, n, "%04d-%s", y, dates_cal_season(d.m));
    }
    case G_MONTH:
        return fmt(out, n, "%04d-%02d", d.y, d.m);
    case G_WEEK: {
        int iy, w;
        dates_cal_iso_week(d, &iy, &w);
        return fmt(out, n, "%04d-W%02d", iy, w);
    }
    case G_DAY:
        return fmt(out, n, "%04d-%02d-%02d", d.y, d.m, d.d);
    default:
        return -1;
    }
}

static const char *underspecified(dates_gran_t g)
{
    switch (g) {
    case G_CENTURY:
        return "XX";
    case G_DECADE:
        return "XXX";
    case G_YEAR:
        return "XXXX";
    case G_HALF:
        return "XXXX-HX";
    case G_QUARTER:
        return "XXXX-QX";
    case G_SEASON:
        return "XXXX-XX";
    case G_MONTH:
        return "XXXX-XX";
    case G_WEEK:
        return "XXXX-WXX";
    default:
        return "XXXX-XX-XX";
    }
}

/* d shifted by n units (code as in the unit lexicon). */
static dates_ymd_t shift(dates_ymd_t d, const char *unit, int n)
{
    switch (unit_gran(unit)) {
    case G_CENTURY:
        return dates_cal_add_months(d, 1200 * n);
    case G_DECADE:
        return dates_cal_add_months(d, 120 * n);
    case G_YEAR:
        return dates_cal_add_months(d, 12 * n);
    case G_HALF:
        return dates_cal_add_months(d, 6 * n);
    case G_QUARTER:
    case G_SEASON:
        return dates_cal_add_months(d, 3 * n);
    case G_MONTH:
        return dates_cal_add_months(d, n);
    case G_WEEK:
        return dates_cal_add_days(d, 7L * n);
    case G_DAY:
        return unit[0] == 'T' ? d : dates_cal_add_days(d, n);
    default:
        return d;
    }
}

bool dates__point_parse(const char *v, dates_point_t *p)
{
    memset(p, 0, sizeof *p);
    size_t n = strlen(v);
    if (n < 2 || !isdigit((unsigned char)v[0]) || !isdigit((unsigned char)v[1]))
        return false;
    if (n == 2 && all_digits(v)) {
        p->gran = G_CENTURY;
        p->y = atoi(v) * 100;
        return true;
    }
    if (n == 3 && all_digits(v)) {
        p->gran = G_DECADE;
        p->y = atoi(v) * 10;
        return true;
    }
    if (n < 4 || !isdigit((unsigned char)v[2]) || !isdigit((unsigned char)v[3]))
        return false;
    char yb[5] = {v[0], v[1], v[2], v[3], 0};
    p->y = atoi(yb);
    if (n == 4) {
        p->gran = G_YEAR;
        return true;
    }
    if (v[4] != '-')
        return false;
    const char *r = v + 5;
    if (r[0] == 'Q' && r[1] >= '1' && r[1] <= '4' && r[2] == '\0') {
        p->gran = G_QUARTER;
        p->q = r[1] - '0';
        return true;
    }
    if (r[0] == 'H' && (r[1] == '1' || r[1] == '2') && r[2] == '\0') {
        p->gran = G_HALF;
        p->q = r[1] - '0';
        return true;
    }
    if (r[0] == 'W' && isdigit((unsigned char)r[1])) {
        int w = atoi(r + 1);
        if (w < 1 || w > 53)
            return false;
        p->gran = G_WEEK;
        p->q = w;
        return true;
    }
    int si = dates_cal_season_index(r);
    if (si >= 0) {
        p->gran = G_SEASON;
        p->q = si;
        return true;
    }
    if (isdigit((unsigned char)r[0]) && isdigit((unsigned char)r[1])) {
        p->m = (r[0] - '0') * 10 + (r[1] - '0');
        if (p->m < 1 || p->m > 12)
            return false;
        if (r[2] == '\0') {
            p->gran = G_MONTH;
            return true;
        }
        if (r[2] == '-' && isdigit((unsigned char)r[3]) &&
            isdigit((unsigned char)r[4])) {
            p->d = (r[3] - '0') * 10 + (r[4] - '0');
            if (!dates_cal_valid(p->y, p->m, p->d))
                return false;
            p->gran = G_DAY;
            return true;
        }
    }
    return false;
}

/* Signed integer n from sign and number arguments; 0 with *indef for "X". */
static int signed_count(dates_eval_t *ev, const char *sign, const char *num,
                        int *n, bool *indef)
{
    double v;
    *indef = false;
    bool flip = false;
    /* The count may carry its own sign ("-1" from a lexicon). */
    if (num[0] == '-' || num[0] == '+') {
        flip = num[0] == '-';
        num++;
    }
    int r = parse_number(ev, num, &v);
    if (r < 0)
        return -1;
    if (r == 0) {
        *indef = true;
        *n = 0;
    } else {
        *n = (int)v;
    }
    if (strcmp(sign, "-") == 0)
        *n = -*n;
    else if (strcmp(sign, "+") != 0)
        return -1;
    if (flip)
        *n = -*n;
    return 0;
}

/* ---- The functions ----------------------------------------------------- */

static int fn_year(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    (void)argc;
    int y = year_of(ev, argv[0]);
    if (y < 0)
        return -1;
    return fmt(out, n, "%04d", y);
}

static int fn_month(dates_eval_t *ev, int argc, char **argv, char *out,
                    size_t n)
{
    (void)argc;
    int m = month_of(ev, argv[0]);
    return m < 0 ? -1 : fmt(out, n, "%02d", m);
}

static int fn_day(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    (void)argc;
    int d = day_of(ev, argv[0]);
    return d < 0 ? -1 : fmt(out, n, "%02d", d);
}

/* %ymd(year, month, day): a full date, checked against the calendar. */
static int fn_ymd(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    (void)argc;
    int y = year_of(ev, argv[0]);
    int m = month_of(ev, argv[1]);
    int d = day_of(ev, argv[2]);
    if (y < 0 || m < 0 || d < 0 || !dates_cal_valid(y, m, d))
        return -1;
    return fmt(out, n, "%04d-%02d-%02d", y, m, d);
}

static int fn_ym(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    (void)argc;
    int y = year_of(ev, argv[0]);
    int m = month_of(ev, argv[1]);
    if (y < 0 || m < 0)
        return -1;
    return fmt(out, n, "%04d-%02d", y, m);
}

static int fn_num(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    (void)argc;
    double v;
    int r = parse_number(ev, argv[0], &v);
    if (r < 0)
        return -1;
    if (r == 0)
        return fmt(out, n, "X");
    if (v == (double)(long)v)
        return fmt(out, n, "%ld", (long)v);
    return fmt(out, n, "%g", v);
}

static int fn_lex(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    (void)argc;
    const dates_lexicon_t *lex = dates__lexicon_find(ev->engine, argv[0]);
    const char *v = dates__lexicon_get(lex, argv[1]);
    if (!v || !*v)
        return -1;
    return fmt(out, n, "%s", v);
}

static int fn_unit(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    (void)argc;
    const char *v = dates__lexicon_get(ev->engine->lx_unit, argv[0]);
    if (!v) {
        /* Plural forms: "years" -> "year". */
        char buf[VAL_MAX];
        lower_copy(buf, sizeof buf, argv[0]);
        size_t k = strlen(buf);
        if (k > 1 && buf[k - 1] == 's') {
            buf[k - 1] = '\0';
            v = dates__lexicon_get(ev->engine->lx_unit, buf);
        }
    }
    if (!v || !*v)
        return -1;
    return fmt(out, n, "%s", v);
}

/* %dur(count, unit): P<count><unit>, with T before time units, X for an
 * indefinite count, and halves spelled in the next smaller unit. */
static int fn_dur(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    (void)argc;
    const char *u = argv[1];
    bool t = u[0] == 'T';
    const char *code = t ? u + 1 : u;
    if (!*code)
        return -1;
    double v;
    int r = strcmp(argv[0], "X") == 0 ? 0 : parse_number(ev, argv[0], &v);
    if (r < 0)
        return -1;
    if (r == 0)
        return fmt(out, n, "P%sX%s", t ? "T" : "", code);
    if (v <= 0 || v > 100000)
        return -1;
    long whole = (long)v;
    double frac = v - (double)whole;
    if (frac == 0)
        return fmt(out, n, "P%s%ld%s", t ? "T" : "", whole, code);
    if (frac == 0.5) {
        const char *sub = NULL;
        int subn = 0;
        bool subt = t;
        if (strcmp(code, "Y") == 0)
            sub = "M", subn = 6;
        else if (strcmp(code, "D") == 0)
            sub = "H", subn = 12, subt = true;
        else if (strcmp(code, "H") == 0)
            sub = "M", subn = 30;
        else if (strcmp(code, "M") == 0 && t)
            sub = "S", subn = 30;
        else if (strcmp(code, "DE") == 0)
            sub = "Y", subn = 5;
        if (sub) {
            char head[32] = "";
            if (whole > 0)
                fmt(head, sizeof head, "%ld%s", whole, code);
            return fmt(out, n, "P%s%s%s%d%s", t ? "T" : "", head,
                       subt && !t ? "T" : "", subn, sub);
        }
    }
    return fmt(out, n, "P%s%g%s", t ? "T" : "", v, code);
}

/* %rel(unit, sign, count): the DCT moved by count units, at the unit's
 * granularity ("last month": %rel(M, -, 1)). An indefinite count gives
 * PAST_REF or FUTURE_REF; no DCT gives an underspecified value. */
static int fn_rel(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    (void)argc;
    dates_gran_t g = unit_gran(argv[0]);
    if (g == G_NONE)
        return -1;
    int k;
    bool indef;
    if (signed_count(ev, argv[1], argv[2], &k, &indef) < 0)
        return -1;
    if (indef) {
        ev->used_dct = ev->dct.valid;
        return fmt(out, n, "%s", argv[1][0] == '-' ? "PAST_REF" : "FUTURE_REF");
    }
    if (!ev->dct.valid)
        return fmt(out, n, "%s", underspecified(g));
    ev->used_dct = true;
    return print_point(shift(ev->dct.date, argv[0], k), g, out, n);
}

static dates_gran_t gran_order(dates_gran_t g)
{
    return g; /* the enum is declared from coarse to fine */
}

/* %refrel(unit, sign, count): like %rel but from the last date the text
 * mentioned, at that date's granularity ("a year earlier" after "the third
 * quarter" is the third quarter of the year before). Falls back to %rel
 * when there is no such date or it is coarser than the unit. */
static int fn_refrel(dates_eval_t *ev, int argc, char **argv, char *out,
                     size_t n)
{
    dates_gran_t g = unit_gran(argv[0]);
    if (g == G_NONE)
        return -1;
    if (ev->ref.gran == G_NONE || gran_order(g) > gran_order(ev->ref.gran) ||
        (ev->ref.gran == G_WEEK && g != G_WEEK && g != G_DAY))
        return fn_rel(ev, argc, argv, out, n);
    int k;
    bool indef;
    if (signed_count(ev, argv[1], argv[2], &k, &indef) < 0)
        return -1;
    if (indef)
        return fn_rel(ev, argc, argv, out, n);
    ev->used_ref = true;
    /* A fourth argument "unit" prints at the unit's granularity: "the
     * following year" after May 22, 1995 is 1996. */
    dates_gran_t pg =
        argc > 3 && strcmp(argv[3], "unit") == 0 ? g : ev->ref.gran;
    return print_point(shift(point_day(&ev->ref), argv[0], k), pg, out, n);
}

/* When the report last named a year-to-date period ("the nine months")
 * rather than a quarter: the year of that period, from the last quarter
 * named or else the DCT; false when neither is known. */
static bool ytd_year(dates_eval_t *ev, int *y)
{
    if (!ev->qytd)
        return false;
    if (ev->qref.gran == G_QUARTER) {
        ev->used_qref = true;
        *y = ev->qref.y;
        return true;
    }
    if (!ev->dct.valid)
        return false;
    ev->used_dct = true;
    *y = ev->dct.date.y;
    return true;
}

/* %qrefrel(unit, sign, count): like %refrel, but from the last quarter the
 * text named when it named one. Earnings reports compare "a year ago" with
 * the quarter they report on, even after other dates ("said yesterday"). */
static int fn_qrefrel(dates_eval_t *ev, int argc, char **argv, char *out,
                      size_t n)
{
    dates_gran_t g = unit_gran(argv[0]);
    int y;
    if (g == G_YEAR && ytd_year(ev, &y)) {
        /* After "the first nine months": the same months of the year
         * before, which TIMEX3 can only give as that year. */
        int k;
        bool indef;
        if (signed_count(ev, argv[1], argv[2], &k, &indef) < 0)
            return -1;
        if (!indef)
            return fmt(out, n, "%04d", y + k);
    }
    if (ev->qref.gran != G_QUARTER || g == G_NONE || g > G_QUARTER)
        return fn_refrel(ev, argc, argv, out, n);
    int k;
    bool indef;
    if (signed_count(ev, argv[1], argv[2], &k, &indef) < 0 || indef)
        return fn_refrel(ev, argc, argv, out, n);
    ev->used_qref = true;
    return print_point(shift(point_day(&ev->qref), argv[0], k), G_QUARTER, out,
                       n);
}

/* %shift(value, unit, sign, count): a calendar value moved by count units
 * at its own granularity ("the day before last Tuesday"); other values
 * (underspecified, *_REF) are left as they are. */
static int fn_shift(dates_eval_t *ev, int argc, char **argv, char *out,
                    size_t n)
{
    (void)argc;
    dates_point_t p;
    if (!dates__point_parse(argv[0], &p))
        return fmt(out, n, "%s", argv[0]);
    int k;
    bool indef;
    if (unit_gran(argv[1]) == G_NONE ||
        signed_count(ev, argv[2], argv[3], &k, &indef) < 0 || indef)
        return -1;
    return print_point(shift(point_day(&p), argv[1], k), p.gran, out, n);
}

/* %gran(value, unit): a calendar value at the coarser granularity of the
 * unit ("the week of March 6": the ISO week of that day). */
static int fn_gran(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    (void)ev;
    (void)argc;
    dates_point_t p;
    dates_gran_t g = unit_gran(argv[1]);
    if (g == G_NONE)
        return -1;
    if (!dates__point_parse(argv[0], &p) || g > p.gran)
        return fmt(out, n, "%s", argv[0]);
    return print_point(point_day(&p), g, out, n);
}

/* %qyear(year): "the 1988 period" in a report on a quarter is that
 * quarter of 1988; the year itself when no quarter has been named. */
static int fn_qyear(dates_eval_t *ev, int argc, char **argv, char *out,
                    size_t n)
{
    (void)argc;
    int y = year_of(ev, argv[0]);
    if (y < 0)
        return -1;
    if (ev->qref.gran != G_QUARTER || ev->qytd)
        return fmt(out, n, "%04d", y);
    ev->used_qref = true;
    return fmt(out, n, "%04d-Q%d", y, ev->qref.q);
}

/* %ref(unit[, fallback[, over]]): the last date mentioned, at the unit's
 * granularity ("that year", "the same day"); the DCT's when there is none
 * fine enough. With a fallback, see below. */
static int fn_ref(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    dates_gran_t g = unit_gran(argv[0]);
    if (g == G_NONE)
        return -1;
    if (argc > 1) {
        /* "over": the last quarter named that is over by the DCT comes
         * first ("the latest quarter", not a forecast named since). */
        if (argc > 2 && strcmp(argv[2], "over") == 0 && g == G_QUARTER &&
            ev->qref.gran == G_QUARTER) {
            ev->used_qref = true;
            return print_point(point_day(&ev->qref), g, out, n);
        }
        /* With a fallback: only a reference of exactly that granularity
         * ("the quarter" means the quarter last named, if any). */
        if (ev->ref.gran == g) {
            ev->used_ref = true;
            return print_point(point_day(&ev->ref), g, out, n);
        }
        /* "the quarter" after other dates: the last quarter named. */
        if (g == G_QUARTER && ev->qref.gran == G_QUARTER) {
            ev->used_qref = true;
            return print_point(point_day(&ev->qref), g, out, n);
        }
        return fmt(out, n, "%s", argv[1]);
    }
    if (ev->ref.gran != G_NONE && gran_order(ev->ref.gran) >= gran_order(g) &&
        !(ev->ref.gran == G_WEEK && g != G_WEEK && g != G_DAY)) {
        ev->used_ref = true;
        return print_point(point_day(&ev->ref), g, out, n);
    }
    char *args[3] = {argv[0], (char *)"+", (char *)"0"};
    return fn_rel(ev, 3, args, out, n);
}

/* How far to move a periodic point (weekday, month, season, quarter) of
 * index `want` from the DCT's index `have` in a cycle of `len`, for a
 * mode: "last", "next", "this", or "" to follow the clause's tense. */
static int cycle_offset(dates_eval_t *ev, int want, int have, int len,
                        const char *mode)
{
    int diff = want - have; /* in (-len, len) */
    if (strcmp(mode, "this") == 0)
        return diff;
    if (strcmp(mode, "last") == 0)
        return diff < 0 ? diff : diff - len;
    if (strcmp(mode, "next") == 0)
        return diff > 0 ? diff : diff + len;
    if (diff == 0)
        return 0;
    int tense = clause_tense(ev);
    if (strcmp(mode, "future") == 0)
        tense = TENSE_FUTURE;
    else if (strcmp(mode, "past") == 0 || strcmp(mode, "earlier") == 0)
        tense = TENSE_PAST;
    if (tense == TENSE_FUTURE)
        return diff > 0 ? diff : diff + len;
    if (tense == TENSE_PAST)
        return diff < 0 ? diff : diff - len;
    return -2 * len; /* no tense: the caller decides */
}

/* The optional mode argument, lowercased in place ("Last" -> "last"),
 * with inner spaces removed ("this past" -> "thispast"). */
static const char *mode_arg(int argc, char **argv, int i)
{
    if (argc <= i)
        return "";
    char *w = argv[i];
    for (char *r = argv[i]; *r; r++)
        if (!isspace((unsigned char)*r))
            *w++ = (char)tolower((unsigned char)*r);
    *w = '\0';
    if (strcmp(argv[i], "thispast") == 0 || strcmp(argv[i], "past") == 0)
        return "last";
    if (strcmp(argv[i], "thiscoming") == 0 || strcmp(argv[i], "coming") == 0)
        return "next";
    return argv[i];
}

/* %weekday(name[, mode]): the day of that name nearest the DCT in the
 * direction the mode or tense gives (past when unknown: news reports what
 * happened). Without a DCT: XXXX-WXX-<n>. */
static int fn_weekday(dates_eval_t *ev, int argc, char **argv, char *out,
                      size_t n)
{
    const char *v = dates__lexicon_get(ev->engine->lx_weekday, argv[0]);
    int wd = v ? atoi(v) : (all_digits(argv[0]) ? atoi(argv[0]) : 0);
    if (wd < 1 || wd > 7)
        return -1;
    if (!ev->dct.valid)
        return fmt(out, n, "XXXX-WXX-%d", wd);
    ev->used_dct = true;
    const char *mode = mode_arg(argc, argv, 1);
    if (!*mode && deadline_until(ev))
        mode = "future";
    int have = dates_cal_weekday(ev->dct.date);
    int off;
    if (strcmp(mode, "this") == 0) {
        off = wd - have; /* the same ISO week */
    } else {
        off = cycle_offset(ev, wd, have, 7, mode);
        if (off < -7)
            off = wd - have < 0 ? wd - have : wd - have - 7;
    }
    return print_point(dates_cal_add_days(ev->dct.date, off), G_DAY, out, n);
}

/* %refweekday(name, last|next): "the previous Friday", "the following
 * Monday": the day of that name before or after the last day named, or
 * the DCT's last/next one when no day has been named. */
static int fn_refweekday(dates_eval_t *ev, int argc, char **argv, char *out,
                         size_t n)
{
    if (ev->ref.gran != G_DAY)
        return fn_weekday(ev, argc, argv, out, n);
    const char *v = dates__lexicon_get(ev->engine->lx_weekday, argv[0]);
    int wd = v ? atoi(v) : 0;
    if (wd < 1 || wd > 7)
        return -1;
    const char *mode = mode_arg(argc, argv, 1);
    dates_ymd_t d = point_day(&ev->ref);
    int diff = wd - dates_cal_weekday(d);
    int off = strcmp(mode, "next") == 0 ? (diff > 0 ? diff : diff + 7)
                                        : (diff < 0 ? diff : diff - 7);
    ev->used_ref = true;
    return print_point(dates_cal_add_days(d, off), G_DAY, out, n);
}

/* The year of a month (and day) named without one. With a mode, the
 * mode decides. Otherwise the year that puts the date nearest the DCT,
 * unless that is more than NEAR_MONTHS away: then the clause's tense picks
 * the nearest year in its direction. News mostly names dates close to
 * when it is written, in both directions ("Dec. 15" in a November story
 * is next month; "October" in a January story is last autumn). A month
 * without a day in a future clause is not one more than two months back
 * ("will be named commander for a mission in December" in March). */
#define NEAR_MONTHS (3 * 32)
static int year_for(dates_eval_t *ev, int m, int d, const char *mode)
{
    dates_ymd_t dct = ev->dct.date;
    int y = dct.y;
    /* Positions on a common scale: months * 32 + day. */
    long have = (long)dct.y * 12 * 32 + (dct.m - 1) * 32 + (d ? dct.d : 0);
    if (strcmp(mode, "this") == 0)
        return y;
    long best_dist = 0;
    int best = y, past = y, future = y;
    bool first = true, have_past = false, have_future = false;
    for (int cy = y - 1; cy <= y + 1; cy++) {
        long want = (long)cy * 12 * 32 + (m - 1) * 32 + d;
        long dist = want > have ? want - have : have - want;
        if (first || dist < best_dist) {
            best_dist = dist;
            best = cy;
            first = false;
        }
        if (want < have || (want == have && !d)) {
            past = cy; /* the latest one not after the DCT */
            have_past = true;
        }
        if (want > have && !have_future) {
            future = cy; /* the earliest one after the DCT */
            have_future = true;
        }
    }
    /* "last June" in June is a year ago; "next June" a year ahead. */
    long now = (long)dct.m * 32 + (d ? dct.d : 0), at = (long)m * 32 + d;
    if (strcmp(mode, "last") == 0)
        return at < now ? y : y - 1;
    if (strcmp(mode, "next") == 0)
        return at > now ? y : y + 1;
    if (best_dist == 0)
        return best;
    if (!*mode) {
        int adj = adjacent_tense(ev);
        if (adj == TENSE_PAST && have_past)
            return past;
        if (adj == TENSE_FUTURE && have_future)
            return future;
    }
    int t = clause_tense(ev);
    /* "In January, the company brought in a new chief": a date that opens
     * its sentence takes the tense of the verb that follows. */
    if (!*mode && best_dist <= NEAR_MONTHS && t == TENSE_PAST && have_past &&
        best > past && opens_sentence(ev))
        return past;
    if (!*mode && !d && t == TENSE_FUTURE && have_future && best < future &&
        best_dist > 2 * 32)
        return future;
    if (best_dist <= NEAR_MONTHS && !*mode)
        return best;
    if (strcmp(mode, "future") == 0)
        t = TENSE_FUTURE;
    if (t == TENSE_FUTURE && have_future)
        return future;
    if (t == TENSE_PAST && have_past)
        return past;
    return best;
}

/* %md(month, day[, mode]) */
static int fn_md(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    int m = month_of(ev, argv[0]);
    int d = day_of(ev, argv[1]);
    if (m < 0 || d < 0 || d > dates_cal_month_days(2000, m))
        return -1;
    if (!ev->dct.valid)
        return fmt(out, n, "XXXX-%02d-%02d", m, d);
    ev->used_dct = true;
    int y = year_for(ev, m, d, mode_arg(argc, argv, 2));
    if (!dates_cal_valid(y, m, d))
        return -1;
    return fmt(out, n, "%04d-%02d-%02d", y, m, d);
}

/* %mon(month[, mode]) */
static int fn_mon(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    int m = month_of(ev, argv[0]);
    if (m < 0)
        return -1;
    if (!ev->dct.valid)
        return fmt(out, n, "XXXX-%02d", m);
    ev->used_dct = true;
    return fmt(out, n, "%04d-%02d", year_for(ev, m, 0, mode_arg(argc, argv, 1)),
               m);
}

/* The date of a holiday in year y from its rule in the holiday lexicon:
 * "MM-DD" a fixed day; "MM/W/N" the N-th weekday W (1 = Monday) of month
 * MM, N = -1 the last; "E" Easter Sunday; either of the last two may end
 * in "+K" or "-K" days ("11/1/1+1": the Tuesday after the first Monday of
 * November). */
static bool holiday_date(const char *spec, int y, dates_ymd_t *out)
{
    int m, d, w, k;
    char sign;
    int off = 0;
    const char *p = spec;
    if (p[0] == 'E') {
        *out = dates_cal_easter(y);
        p++;
    } else if (sscanf(p, "%d/%d/%d", &m, &w, &k) == 3) {
        if (m < 1 || m > 12 || w < 1 || w > 7 || k < -1 || k == 0 || k > 4)
            return false;
        *out = dates_cal_nth_weekday(y, m, w, k);
        p = strchr(strchr(p, '/') + 1, '/') + 1;
        if (*p == '-')
            p++;
        while (isdigit((unsigned char)*p))
            p++;
    } else if (sscanf(p, "%d-%d", &m, &d) == 2) {
        if (!dates_cal_valid(y, m, d))
            return false;
        out->y = y;
        out->m = m;
        out->d = d;
        return true;
    } else {
        return false;
    }
    if (*p) {
        if (sscanf(p, "%c%d", &sign, &off) != 2 || (sign != '+' && sign != '-'))
            return false;
        *out = dates_cal_add_days(*out, sign == '-' ? -off : off);
    }
    return true;
}

/* %holiday(rule[, mode]): the holiday's date (rule as in holiday_date)
 * in the year a mode gives ("last Thanksgiving"), else the occurrence
 * nearest the DCT, or the one the clause's tense points at when the
 * nearest is over three months away. Without a DCT: XXXX-MM-DD for a
 * fixed day, XXXX-XX-XX otherwise. */
static int fn_holiday(dates_eval_t *ev, int argc, char **argv, char *out,
                      size_t n)
{
    dates_ymd_t probe;
    if (!holiday_date(argv[0], 2000, &probe))
        return -1;
    if (!ev->dct.valid) {
        int m, d;
        if (strchr(argv[0], '/') == NULL && argv[0][0] != 'E' &&
            sscanf(argv[0], "%d-%d", &m, &d) == 2)
            return fmt(out, n, "XXXX-%02d-%02d", m, d);
        return fmt(out, n, "XXXX-XX-XX");
    }
    ev->used_dct = true;
    const char *mode = mode_arg(argc, argv, 1);
    long now = dates_cal_to_days(ev->dct.date);
    dates_ymd_t c[3];
    long dist[3];
    for (int i = 0; i < 3; i++) {
        if (!holiday_date(argv[0], ev->dct.date.y - 1 + i, &c[i]))
            return -1;
        dist[i] = dates_cal_to_days(c[i]) - now;
    }
    int pick = 1;
    if (strcmp(mode, "this") == 0) {
        pick = 1;
    } else if (strcmp(mode, "last") == 0) {
        pick = dist[1] < 0 ? 1 : 0;
    } else if (strcmp(mode, "next") == 0) {
        pick = dist[1] > 0 ? 1 : 2;
    } else {
        for (int i = 0; i < 3; i++)
            if (labs(dist[i]) < labs(dist[pick]))
                pick = i;
        if (labs(dist[pick]) > 96) {
            int t = clause_tense(ev);
            if (t == TENSE_PAST)
                pick = dist[1] <= 0 ? 1 : 0;
            else if (t == TENSE_FUTURE)
                pick = dist[1] >= 0 ? 1 : 2;
        }
    }
    return print_point(c[pick], G_DAY, out, n);
}

/* %season(word[, mode]): YYYY-SP/SU/FA/WI; "" mode means this year's. */
static int fn_season(dates_eval_t *ev, int argc, char **argv, char *out,
                     size_t n)
{
    const char *code = dates__lexicon_get(ev->engine->lx_season, argv[0]);
    if (!code)
        code = argv[0];
    int si = dates_cal_season_index(code);
    if (si < 0)
        return -1;
    if (!ev->dct.valid)
        return fmt(out, n, "XXXX-%s", code);
    ev->used_dct = true;
    const char *mode = mode_arg(argc, argv, 1);
    int y = ev->dct.date.y;
    int have = dates_cal_season_index(dates_cal_season(ev->dct.date.m));
    if (ev->dct.date.m <= 2)
        have = -1; /* still the winter of last year */
    if (strcmp(mode, "last") == 0 && si >= have)
        y--;
    else if (strcmp(mode, "next") == 0 && si <= have)
        y++;
    return fmt(out, n, "%04d-%s", y, code);
}

/* %qtr(quarter[, mode]): YYYY-Qn of a quarter named without a year. */
static int fn_qtr(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    int q;
    if (all_digits(argv[0])) {
        q = atoi(argv[0]);
    } else {
        const char *v = dates__lexicon_get(ev->engine->lx_ordinal, argv[0]);
        q = v ? atoi(v) : 0;
    }
    if (q < 1 || q > 4)
        return -1;
    if (!ev->dct.valid)
        return fmt(out, n, "XXXX-Q%d", q);
    ev->used_dct = true;
    const char *mode = mode_arg(argc, argv, 1);
    int have = dates_cal_quarter(ev->dct.date.m);
    int y = ev->dct.date.y;
    if (strcmp(mode, "last") == 0 && q >= have)
        y--;
    else if (strcmp(mode, "next") == 0 && q <= have)
        y++;
    else if (!*mode && q > have && clause_tense(ev) == TENSE_PAST && have == 1)
        y--; /* "the fourth quarter" reported in January */
    return fmt(out, n, "%04d-Q%d", y, q);
}

/* %decade(text): "1990s" -> 199, "'80s"/"eighties" -> the decade of that
 * name nearest before the DCT. */
static int fn_decade(dates_eval_t *ev, int argc, char **argv, char *out,
                     size_t n)
{
    (void)argc;
    char buf[VAL_MAX];
    const char *s = argv[0];
    if (*s == '\'' || *s == '`')
        s++;
    lower_copy(buf, sizeof buf, s);
    size_t k = strlen(buf);
    if (k > 0 && buf[k - 1] == 's')
        buf[--k] = '\0';
    if (k > 0 && buf[k - 1] == '\'')
        buf[--k] = '\0';
    if (all_digits(buf) && k == 4)
        return fmt(out, n, "%.3s", buf);
    int d = -1;
    if (all_digits(buf) && k == 2 && buf[1] == '0') {
        d = buf[0] - '0';
    } else {
        const char *v = dates__lexicon_get(ev->engine->lx_decade, argv[0]);
        if (v)
            d = atoi(v);
    }
    if (d < 0 || d > 9)
        return -1;
    int base = ev->dct.valid ? ev->dct.date.y : 1999;
    int dec = base / 100 * 10 + d;
    if (dec > base / 10)
        dec -= 10;
    return fmt(out, n, "%03d", dec);
}

/* %century(ordinal): "20th" -> 19. */
static int fn_century(dates_eval_t *ev, int argc, char **argv, char *out,
                      size_t n)
{
    (void)argc;
    int c = day_of(ev, argv[0]);
    if (c < 1 || c > 30)
        return -1;
    return fmt(out, n, "%02d", c - 1);
}

/* %ord(ordinal): "third", "3rd", "3" -> 3. */
static int fn_ord(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    (void)argc;
    int k = day_of(ev, argv[0]);
    return k < 0 ? -1 : fmt(out, n, "%d", k);
}

/* %time(hour, minutes, am/pm): HH:MM. */
static int fn_time(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    (void)argc;
    double hv;
    if (parse_number(ev, argv[0], &hv) != 1)
        return -1;
    int h = (int)hv;
    int m = argv[1][0] ? atoi(argv[1]) : 0;
    char ap[8];
    lower_copy(ap, sizeof ap, argv[2]);
    if (h < 0 || h > 24 || m < 0 || m > 59)
        return -1;
    if (ap[0] == 'a' && h == 12)
        h = 0;
    else if (ap[0] == 'p' && h < 12)
        h += 12;
    else if (ap[0] && h > 12)
        return -1;
    return fmt(out, n, "%02d:%02d", h, m);
}

/* %weekend(): the weekend nearest the DCT in the clause's direction
 * (past by default), as YYYY-Www-WE. */
static int fn_weekend(dates_eval_t *ev, int argc, char **argv, char *out,
                      size_t n)
{
    (void)argc;
    (void)argv;
    if (!ev->dct.valid)
        return fmt(out, n, "XXXX-WXX-WE");
    ev->used_dct = true;
    int wd = dates_cal_weekday(ev->dct.date);
    dates_ymd_t d = ev->dct.date;
    if (wd < 6) {
        /* A weekday: last weekend's Saturday or the coming one. */
        long off = clause_tense(ev) == TENSE_FUTURE ? 6 - wd : -(wd + 1);
        d = dates_cal_add_days(d, off);
    }
    int iy, w;
    dates_cal_iso_week(d, &iy, &w);
    return fmt(out, n, "%04d-W%02d-WE", iy, w);
}

/* True when the word right after the match is a past form ("was soon
 * released", "soon became"; but "were soon meeting"). */
static bool past_next_to(dates_eval_t *ev)
{
    const char *t = ev->text;
    size_t i = ev->end;
    while (i < ev->len && t[i] == ' ')
        i++;
    size_t s = i;
    while (i < ev->len && isalpha((unsigned char)t[i]))
        i++;
    return i > s && word_tense(ev, t + s, i - s) == TENSE_PAST;
}

/* %notpast(value): the value, or no expression at all when a past form
 * follows the match. */
static int fn_notpast(dates_eval_t *ev, int argc, char **argv, char *out,
                      size_t n)
{
    (void)argc;
    if (past_next_to(ev))
        return -1;
    return fmt(out, n, "%s", argv[0]);
}

/* %tensed(past, future): one of two texts by the clause's tense (past
 * when it has none). */
static int fn_tensed(dates_eval_t *ev, int argc, char **argv, char *out,
                     size_t n)
{
    (void)argc;
    return fmt(out, n, "%s",
               clause_tense(ev) == TENSE_FUTURE ? argv[1] : argv[0]);
}

static int fn_if(dates_eval_t *ev, int argc, char **argv, char *out, size_t n)
{
    /* Evaluated lazily in dates__template_eval; never called. */
    (void)ev;
    (void)argc;
    (void)argv;
    (void)out;
    (void)n;
    return -1;
}

static const fn_desc_t FUNCTIONS[] = {
    {"if", 2, 3, fn_if},
    {"year", 1, 1, fn_year},
    {"month", 1, 1, fn_month},
    {"day", 1, 1, fn_day},
    {"ymd", 3, 3, fn_ymd},
    {"ym", 2, 2, fn_ym},
    {"num", 1, 1, fn_num},
    {"lex", 2, 2, fn_lex},
    {"unit", 1, 1, fn_unit},
    {"dur", 2, 2, fn_dur},
    {"rel", 3, 3, fn_rel},
    {"refrel", 3, 4, fn_refrel},
    {"qrefrel", 3, 3, fn_qrefrel},
    {"ref", 1, 3, fn_ref},
    {"ord", 1, 1, fn_ord},
    {"weekday", 1, 2, fn_weekday},
    {"md", 2, 3, fn_md},
    {"mon", 1, 2, fn_mon},
    {"season", 1, 2, fn_season},
    {"qtr", 1, 2, fn_qtr},
    {"decade", 1, 1, fn_decade},
    {"century", 1, 1, fn_century},
    {"time", 3, 3, fn_time},
    {"tensed", 2, 2, fn_tensed},
    {"weekend", 0, 0, fn_weekend},
    {"holiday", 1, 2, fn_holiday},
    {"qyear", 1, 1, fn_qyear},
    {"shift", 4, 4, fn_shift},
    {"refweekday", 2, 2, fn_refweekday},
    {"gran", 2, 2, fn_gran},
    {"notpast", 1, 1, fn_notpast},
};

static const fn_desc_t *fn_table(size_t *n)
{
    *n = sizeof FUNCTIONS / sizeof FUNCTIONS[0];
    return FUNCTIONS;
}
