/* The HTML page: template.html with its markers filled in, written
 * through OUT.partial and renamed when complete.
 *
 * A marker is `<!-- glossa-report:NAME -->`:
 *   title   the report's title, HTML-escaped
 *   style   report.css, inline
 *   data    the data: <script type="application/json" id="report-data">
 *   script  vendor/chart.umd.min.js and report.js, inline
 *
 * Everything is inline so that the page needs no other file and no
 * network. Inside a <script> element nothing may read as its end tag:
 * the JSON has every '<' written as \u003c (only strings hold one), the
 * scripts have "</script" written as "<\/script" (the same string to
 * JavaScript).
 *
 * Strings go into the JSON as UTF-8, or as \u escapes (pure ASCII) when
 * the texts of the first documents are nearly all ASCII: a browser keeps
 * a text with a single character beyond Latin-1 in two bytes a character,
 * and parses such a page about a third slower (10,000 news documents: 60
 * MB; docs/report.md). In a corpus in another script the escapes would
 * cost more than they save. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "report.h"

#define WHO "glossa report"
#define MARK_OPEN "<!-- glossa-report:"
#define MARK_CLOSE " -->"
#define PROBE_DOCS 64            /* documents that decide the encoding */
#define PROBE_MAX_NON_ASCII 0.02 /* share of their text's bytes */

struct glossa_report_page {
    FILE *out;
    char *path, *partial; /* partial NULL: standard output */
    const char *dir;
    char *tmpl;       /* template.html */
    const char *rest; /* the template after the data marker */
    const char *title;
    size_t n_docs;
    json_t *probe; /* documents held until the encoding is decided */
    size_t json_flags;
};

const char *glossa_report_data_dir(char *buf, size_t size)
{
    struct stat st;
    const char *env = getenv("GLOSSA_REPORT_DIR");
    if (env && *env)
        return env;
    const char *exe = glossa_cli_exe_dir();
    const char *const candidates[] = {"/report", "/../share/glossa/report"};
    for (size_t i = 0; exe && i < 2; i++) {
        snprintf(buf, size, "%s%s", exe, candidates[i]);
        size_t n = strlen(buf);
        snprintf(buf + n, size - n, "/template.html");
        int found = stat(buf, &st) == 0;
        buf[n] = '\0';
        if (found)
            return buf;
    }
    snprintf(buf, size, "%s/report/template.html", GLOSSA_INSTALL_DATA_DIR);
    if (stat(buf, &st) != 0)
        return NULL;
    buf[strlen(buf) - strlen("/template.html")] = '\0';
    return buf;
}

/* The whole of dir/name, NUL-terminated; NULL after an error (reported). */
static char *slurp(const char *dir, const char *name, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    size_t cap = 0, n = 0;
    while (f && !ferror(f) && !feof(f)) {
        if (n + 65536 + 1 > cap) {
            cap = cap ? 2 * cap : 262144;
            char *grown = realloc(data, cap);
            if (!grown)
                break;
            data = grown;
        }
        n += fread(data + n, 1, cap - n - 1, f);
    }
    if (!f || ferror(f) || !feof(f)) {
        fprintf(stderr, WHO ": cannot read %s: %s\n", path,
                f ? strerror(errno ? errno : EIO) : strerror(errno));
        free(data);
        data = NULL;
    } else {
        data[n] = '\0';
        *len = n;
    }
    if (f)
        fclose(f);
    return data;
}

static void put_escaped_html(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '&':
            fputs("&amp;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        default:
            fputc(*s, out);
        }
    }
}

/* Writes a script's text for an inline <script>: "</script" escaped, the
 * source map comment left out (the map is not shipped). */
static void put_script(FILE *out, const char *js)
{
    static const char map[] = "//# sourceMappingURL=";
    const char *p = js;
    while (*p) {
        if (strncmp(p, map, sizeof(map) - 1) == 0 &&
            (p == js || p[-1] == '\n')) {
            p += strcspn(p, "\n");
            continue;
        }
        if (strncasecmp(p, "</script", 8) == 0) {
            fputs("<\\/", out);
            p += 2;
            continue;
        }
        fputc(*p++, out);
    }
}

/* Inlines dir/name as a <script> (is_script) or <style> element. */
static int put_asset(glossa_report_page_t *p, const char *name, int is_script)
{
    size_t len;
    char *text = slurp(p->dir, name, &len);
    if (!text)
        return -1;
    if (!is_script && strcasestr(text, "</style")) {
        fprintf(stderr, WHO ": %s/%s: cannot be inlined (holds </style)\n",
                p->dir, name);
        free(text);
        return -1;
    }
    fputs(is_script ? "<script>" : "<style>", p->out);
    if (is_script)
        put_script(p->out, text);
    else
        fwrite(text, 1, len, p->out);
    fputs(is_script ? "</script>\n" : "</style>\n", p->out);
    free(text);
    return 0;
}

/* Writes the template from s up to the data marker (or its end), filling
 * in the other markers. Returns where it stopped (after the data marker:
 * *at_data set), or NULL after an error. */
static const char *put_template(glossa_report_page_t *p, const char *s,
                                int *at_data)
{
    *at_data = 0;
    const char *m;
    while ((m = strstr(s, MARK_OPEN))) {
        fwrite(s, 1, (size_t)(m - s), p->out);
        const char *name = m + strlen(MARK_OPEN);
        const char *end = strstr(name, MARK_CLOSE);
        if (!end) {
            s = m; /* not a marker: written as it is */
            break;
        }
        size_t n = (size_t)(end - name);
        s = end + strlen(MARK_CLOSE);
        int rc = 0;
        if (n == 4 && strncmp(name, "data", 4) == 0) {
            *at_data = 1;
            return s;
        } else if (n == 5 && strncmp(name, "title", 5) == 0) {
            put_escaped_html(p->out, p->title);
        } else if (n == 5 && strncmp(name, "style", 5) == 0) {
            rc = put_asset(p, "report.css", 0);
        } else if (n == 6 && strncmp(name, "script", 6) == 0) {
            rc = put_asset(p, "vendor/chart.umd.min.js", 1);
            if (rc == 0)
                rc = put_asset(p, "report.js", 1);
        } else {
            fprintf(stderr, WHO ": %s/template.html: unknown marker '%.*s'\n",
                    p->dir, (int)n, name);
            rc = -1;
        }
        if (rc)
            return NULL;
    }
    fputs(s, p->out);
    return s + strlen(s);
}

/* Jansson's output, with '<' as \u003c: it can only occur in strings. */
static int put_json_chunk(const char *buf, size_t size, void *data)
{
    FILE *out = data;
    const char *end = buf + size;
    while (buf < end) {
        const char *lt = memchr(buf, '<', (size_t)(end - buf));
        size_t n = lt ? (size_t)(lt - buf) : (size_t)(end - buf);
        if (fwrite(buf, 1, n, out) != n)
            return -1;
        buf += n;
        if (lt) {
            if (fputs("\\u003c", out) < 0)
                return -1;
            buf++;
        }
    }
    return 0;
}

static int put_json(glossa_report_page_t *p, const json_t *v)
{
    return json_dump_callback(v, put_json_chunk, p->out, p->json_flags);
}

/* Writes one document into the data. */
static int put_doc(glossa_report_page_t *p, const json_t *doc)
{
    if (p->n_docs++)
        fputc(',', p->out);
    return put_json(p, doc);
}

/* Settles the encoding by the held documents' texts, then writes them. */
static int flush_probe(glossa_report_page_t *p)
{
    size_t bytes = 0, non_ascii = 0, i;
    json_t *doc;
    json_array_foreach(p->probe, i, doc)
    {
        const json_t *t = json_object_get(doc, "t");
        const unsigned char *s = (const unsigned char *)json_string_value(t);
        size_t n = json_string_length(t);
        bytes += n;
        for (size_t k = 0; s && k < n; k++)
            non_ascii += s[k] >= 0x80;
    }
    if ((double)non_ascii <= PROBE_MAX_NON_ASCII * (double)bytes)
        p->json_flags |= JSON_ENSURE_ASCII;
    int rc = 0;
    json_array_foreach(p->probe, i, doc)
    {
        rc |= put_doc(p, doc);
    }
    json_decref(p->probe);
    p->probe = NULL;
    return rc;
}

void glossa_report_page_abort(glossa_report_page_t *p)
{
    if (!p)
        return;
    if (p->out && p->partial) {
        fclose(p->out);
        unlink(p->partial);
    }
    json_decref(p->probe);
    free(p->tmpl);
    free(p->path);
    free(p->partial);
    free(p);
}

glossa_report_page_t *
glossa_report_page_begin(const char *dir, const char *path, const char *title)
{
    glossa_report_page_t *p = calloc(1, sizeof(*p));
    size_t len;
    if (!p)
        return NULL;
    p->dir = dir;
    p->title = title;
    p->json_flags = JSON_COMPACT | JSON_REAL_PRECISION(10) | JSON_ENCODE_ANY;
    p->probe = json_array();
    if (!p->probe)
        goto fail;
    p->tmpl = slurp(dir, "template.html", &len);
    if (!p->tmpl)
        goto fail;
    if (strcmp(path, "-") == 0) {
        p->out = stdout;
    } else {
        p->path = strdup(path);
        p->partial = glossa_cli_concat(path, ".partial");
        p->out = p->partial ? fopen(p->partial, "wb") : NULL;
        if (!p->out) {
            fprintf(stderr, WHO ": cannot write %s: %s\n",
                    p->partial ? p->partial : path, strerror(errno));
            goto fail;
        }
    }
    int at_data;
    p->rest = put_template(p, p->tmpl, &at_data);
    if (!p->rest)
        goto fail;
    if (!at_data) {
        fprintf(stderr, WHO ": %s/template.html: no data marker\n", dir);
        goto fail;
    }
    fputs("<script type=\"application/json\" id=\"report-data\">"
          "{\"format\":1,\"docs\":[",
          p->out);
    return p;
fail:
    glossa_report_page_abort(p);
    return NULL;
}

int glossa_report_page_add_doc(glossa_report_page_t *p, const json_t *doc)
{
    if (!p->probe)
        return put_doc(p, doc);
    if (json_array_append(p->probe, (json_t *)doc))
        return -1;
    return json_array_size(p->probe) >= PROBE_DOCS ? flush_probe(p) : 0;
}

/* Flushes and closes the output, then renames OUT.partial to OUT. */
static int publish(glossa_report_page_t *p)
{
    const char *shown = p->partial ? p->partial : "standard output";
    int rc = fflush(p->out) || ferror(p->out);
    if (p->partial) {
        rc |= fclose(p->out) != 0;
        p->out = NULL;
        if (!rc && rename(p->partial, p->path)) {
            fprintf(stderr, WHO ": cannot rename %s to %s: %s\n", p->partial,
                    p->path, strerror(errno));
            unlink(p->partial);
            return -1;
        }
    }
    if (rc) {
        fprintf(stderr, WHO ": cannot write %s: %s\n", shown,
                strerror(errno ? errno : EIO));
        if (p->partial)
            unlink(p->partial);
        return -1;
    }
    return 0;
}

int glossa_report_page_end(glossa_report_page_t *p, const json_t *tail)
{
    int rc = p->probe ? flush_probe(p) : 0;
    fputc(']', p->out);
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)tail, key, v)
    {
        fputc(',', p->out);
        json_t *k = json_string(key);
        rc |= put_json(p, k);
        json_decref(k);
        fputc(':', p->out);
        rc |= put_json(p, v);
    }
    fputs("}</script>\n", p->out);
    int at_data;
    if (rc || !put_template(p, p->rest, &at_data)) {
        glossa_report_page_abort(p);
        return -1;
    }
    rc = publish(p);
    p->out = NULL;
    glossa_report_page_abort(p);
    return rc;
}
