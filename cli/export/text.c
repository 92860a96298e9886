/* Text as the formats count it: UTF-8 checked and repaired the way glossa
 * run does, code point and UTF-16 offsets, line breaks, and the file
 * names documents get.
 *
 * The repair is the policy of docs/output-format.md ("U+FFFD substitution
 * of maximal subparts", Unicode 15 section 3.9, and NUL bytes). The core
 * has its own copy, private to it (the CLI includes public headers only);
 * records.c checks every span's text against the result, so a divergence
 * would be reported, not exported. */
#include <stdlib.h>
#include <string.h>

#include "export_internal.h"

/* Valid second-byte range for each lead byte (Unicode Table 3-7); the
 * third and fourth bytes are always 80..BF. */
static int second_ok(unsigned char lead, unsigned char b)
{
    switch (lead) {
    case 0xE0:
        return b >= 0xA0 && b <= 0xBF;
    case 0xED:
        return b >= 0x80 && b <= 0x9F;
    case 0xF0:
        return b >= 0x90 && b <= 0xBF;
    case 0xF4:
        return b >= 0x80 && b <= 0x8F;
    default:
        return b >= 0x80 && b <= 0xBF;
    }
}

/* Length announced by a lead byte; 0 for bytes that cannot lead. */
static size_t announced(unsigned char lead)
{
    if (lead < 0x80)
        return 1;
    if (lead < 0xC2)
        return 0;
    if (lead < 0xE0)
        return 2;
    if (lead < 0xF0)
        return 3;
    return lead < 0xF5 ? 4 : 0;
}

/* Bytes from s that form a well-formed prefix of one character (at least
 * 1: the maximal subpart replaced by one U+FFFD). */
static size_t valid_prefix(const unsigned char *s, size_t n, size_t need)
{
    if (n < 2 || !second_ok(s[0], s[1]))
        return 1;
    size_t k = 2;
    while (k < need && k < n && (s[k] & 0xC0) == 0x80)
        k++;
    return k;
}

size_t glossa_export__utf8_decode(const char *str, size_t n, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t need = announced(s[0]);
    if (need == 1) {
        *cp = s[0];
        return 1;
    }
    if (need == 0 || n < need || valid_prefix(s, n, need) != need)
        return 0;
    uint32_t c = s[0] & (need == 2 ? 0x1Fu : need == 3 ? 0x0Fu : 0x07u);
    for (size_t i = 1; i < need; i++)
        c = (c << 6) | (s[i] & 0x3Fu);
    *cp = c;
    return need;
}

size_t glossa_export__utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

int glossa_export__utf8_repair(const char *s, size_t n, char **out,
                               size_t *out_len, size_t *n_replaced)
{
    /* Each bad byte grows to at most 3 bytes (U+FFFD). */
    char *r = malloc(3 * n + 1);
    if (!r)
        return GLOSSA_ENOMEM;
    size_t o = 0, i = 0, bad = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = s[i] ? glossa_export__utf8_decode(s + i, n - i, &cp) : 0;
        if (k > 0) {
            memcpy(r + o, s + i, k);
            o += k;
            i += k;
            continue;
        }
        const unsigned char *u = (const unsigned char *)s + i;
        size_t need = announced(u[0]);
        i += (s[i] == 0 || need <= 1) ? 1 : valid_prefix(u, n - i, need);
        memcpy(r + o, "\xEF\xBF\xBD", 3);
        o += 3;
        bad++;
    }
    r[o] = '\0';
    *out = r;
    *out_len = o;
    *n_replaced = bad;
    return 0;
}

size_t *glossa_export__cp_index(const char *s, size_t n, size_t *n_cp)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += ((unsigned char)s[i] & 0xC0) != 0x80;
    size_t *idx = malloc((count + 1) * sizeof(*idx));
    if (!idx)
        return NULL;
    size_t i = 0, c = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = s[i] ? glossa_export__utf8_decode(s + i, n - i, &cp) : 0;
        if (k == 0) {
            free(idx);
            return NULL;
        }
        idx[c++] = i;
        i += k;
    }
    idx[c] = n;
    *n_cp = c;
    return idx;
}

uint32_t glossa_export__doc_cp(const export_doc_t *doc, size_t i)
{
    size_t b = doc->cp_byte[i];
    uint32_t cp = 0;
    glossa_export__utf8_decode(doc->text + b, doc->cp_byte[i + 1] - b, &cp);
    return cp;
}

const char *glossa_export__doc_slice(const export_doc_t *doc, size_t start,
                                     size_t end, size_t *len)
{
    *len = doc->cp_byte[end] - doc->cp_byte[start];
    return doc->text + doc->cp_byte[start];
}

size_t *glossa_export__utf16_index(const export_doc_t *doc)
{
    size_t *u = malloc((doc->n_cp + 1) * sizeof(*u));
    if (!u)
        return NULL;
    size_t units = 0;
    for (size_t i = 0; i < doc->n_cp; i++) {
        u[i] = units;
        /* Four UTF-8 bytes: a code point beyond the BMP, a surrogate
         * pair in UTF-16. */
        units += doc->cp_byte[i + 1] - doc->cp_byte[i] == 4 ? 2 : 1;
    }
    u[doc->n_cp] = units;
    return u;
}

int glossa_export__is_line_break(uint32_t cp)
{
    return (cp >= 0x0A && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x1E) ||
           cp == 0x85 || cp == 0x2028 || cp == 0x2029;
}

static int keeps(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c >= 0x80 || strchr("-_.,+=@~", c);
}

char *glossa_export__file_name(const char *id)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(id);
    char *name = malloc(3 * n + 1);
    if (!name)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)id[i];
        if (c != '\0' && keeps(c) && !(i == 0 && c == '.')) {
            name[o++] = (char)c;
            continue;
        }
        name[o++] = '%';
        name[o++] = hex[c >> 4];
        name[o++] = hex[c & 15];
    }
    name[o] = '\0';
    return name;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

char *glossa_export__id_of_file(const char *name, size_t len)
{
    char *id = malloc(len + 1);
    if (!id)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        int hi, lo;
        if (name[i] == '%' && i + 2 < len &&
            (hi = hex_value(name[i + 1])) >= 0 &&
            (lo = hex_value(name[i + 2])) >= 0 && (hi || lo)) {
            id[o++] = (char)(hi << 4 | lo);
            i += 2;
        } else {
            id[o++] = name[i];
        }
    }
    id[o] = '\0';
    return id;
}
