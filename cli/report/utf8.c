/* UTF-8 for the report: the input policy of docs/output-format.md (each
 * maximal ill-formed subsequence and each NUL byte becomes U+FFFD, Unicode
 * 15 section 3.9), so that texts read again from the inputs are the texts
 * the offsets count in; and code point positions. The CLI reaches only the
 * public API, which does not export the core's copy of this. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define CHECKPOINT 64 /* code points between two marks */

/* Valid second bytes for each lead byte (Unicode Table 3-7); later bytes
 * are always 80..BF. */
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

/* The length a lead byte announces, 0 for a byte that cannot lead. */
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

/* The length of the well-formed character at s, or 0 with *bad set to
 * the length of the maximal ill-formed subpart to replace. NUL is
 * ill-formed here (length 1). */
static size_t next_char(const unsigned char *s, size_t n, size_t *bad)
{
    size_t need = announced(s[0]);
    *bad = 1;
    if (need == 1)
        return s[0] ? 1 : 0;
    if (need == 0 || n < 2 || !second_ok(s[0], s[1]))
        return 0;
    size_t k = 2;
    while (k < need && k < n && (s[k] & 0xC0) == 0x80)
        k++;
    if (k == need)
        return need;
    *bad = k;
    return 0;
}

char *glossa_report_utf8_repair(const char *text, size_t len, size_t *out_len)
{
    /* U+FFFD is 3 bytes and replaces at least one: 3 * len bounds it. */
    if (len > (SIZE_MAX - 1) / 3)
        return NULL;
    char *out = malloc(3 * len + 1);
    if (!out)
        return NULL;
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0, o = 0;
    while (i < len) {
        size_t bad, k = next_char(s + i, len - i, &bad);
        if (k) {
            memcpy(out + o, text + i, k);
            o += k;
            i += k;
        } else {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i += bad;
        }
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}

int glossa_report_offsets_init(glossa_report_offsets_t *o, const char *text,
                               size_t len)
{
    memset(o, 0, sizeof(*o));
    o->text = text;
    o->len = len;
    size_t cap = len / CHECKPOINT + 1;
    o->marks = malloc(cap * sizeof(*o->marks));
    if (!o->marks)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (((unsigned char)text[i] & 0xC0) == 0x80)
            continue;
        if (o->n_cp % CHECKPOINT == 0)
            o->marks[o->n_marks++] = i;
        o->n_cp++;
    }
    return 0;
}

void glossa_report_offsets_free(glossa_report_offsets_t *o)
{
    free(o->marks);
    o->marks = NULL;
}

size_t glossa_report_offsets_byte(const glossa_report_offsets_t *o, size_t cp)
{
    if (cp >= o->n_cp)
        return o->len;
    size_t i = o->marks[cp / CHECKPOINT];
    for (size_t left = cp % CHECKPOINT; left > 0; left--) {
        i++;
        while (i < o->len && ((unsigned char)o->text[i] & 0xC0) == 0x80)
            i++;
    }
    return i;
}
