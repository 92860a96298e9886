/* Text as the formats count it: UTF-8 checked and repaired the way glossa
 * run does, code point and UTF-16 offsets, line breaks, and the file
 * names documents get.
 *
 * The repair is the library's own (glossa/text.h), so a text read again
 * from the inputs is the text the run's offsets count in; records.c
 * still checks every span's text against it. */
#include <stdlib.h>
#include <string.h>

#include "export_internal.h"

int glossa_export__utf8_repair(const char *s, size_t n, char **out,
                               size_t *out_len, size_t *n_replaced)
{
    char *r = malloc(GLOSSA_UTF8_REPAIR_MAX(n));
    if (!r)
        return GLOSSA_ENOMEM;
    *out_len = glossa_utf8_repair(s, n, r, n_replaced);
    *out = r;
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
        size_t k = s[i] ? glossa_utf8_decode(s + i, n - i, &cp) : 0;
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
    glossa_utf8_decode(doc->text + b, doc->cp_byte[i + 1] - b, &cp);
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
