/* UTF-8 helpers, folding and hashing for the entities analyzer. */
#include <string.h>

#include <utf8proc.h>

#include "entities.h"

size_t entities_utf8_next(const char *str, size_t n, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned char c = s[0];
    size_t len;
    uint32_t v;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        len = 2;
        v = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        v = c & 0x0Fu;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        v = c & 0x07u;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    if (len > n) {
        *cp = 0xFFFD;
        return 1;
    }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *cp = 0xFFFD;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    *cp = v;
    return len;
}

uint32_t entities_ascii_standin(uint32_t cp)
{
    switch (cp) {
    case 0x2018:
    case 0x2019:
    case 0x201B:
    case 0x02BC:
    case 0x2032:
        return '\'';
    case 0x201C:
    case 0x201D:
    case 0x201E:
    case 0x00AB:
    case 0x00BB:
        return '"';
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2014:
    case 0x2015:
    case 0x2212:
        return '-';
    default:
        return cp;
    }
}

static size_t put_cp(uint32_t cp, char *out, size_t o, size_t cap)
{
    utf8proc_uint8_t buf[4];
    utf8proc_ssize_t k = utf8proc_encode_char((utf8proc_int32_t)cp, buf);
    if (k <= 0 || o + (size_t)k > cap)
        return cap + 1;
    memcpy(out + o, buf, (size_t)k);
    return o + (size_t)k;
}

size_t entities_fold(const char *s, size_t len, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            i++;
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
                continue;
            if (o >= cap)
                return cap + 1;
            out[o++] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
            continue;
        }
        uint32_t cp;
        i += entities_utf8_next(s + i, len - i, &cp);
        uint32_t a = entities_ascii_standin(cp);
        if (a < 0x80) {
            if (o >= cap)
                return cap + 1;
            out[o++] = (char)a;
            continue;
        }
        if (utf8proc_category((utf8proc_int32_t)cp) == UTF8PROC_CATEGORY_ZS)
            continue;
        utf8proc_int32_t dec[8];
        int boundclass = 0;
        utf8proc_ssize_t k = utf8proc_decompose_char(
            (utf8proc_int32_t)cp, dec, 8,
            UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD,
            &boundclass);
        if (k < 0 || k > 8)
            return cap + 1;
        for (utf8proc_ssize_t j = 0; j < k; j++) {
            o = put_cp((uint32_t)dec[j], out, o, cap);
            if (o > cap)
                return o;
        }
    }
    return o;
}

int entities_is_capitalized_cp(const char *s, size_t len)
{
    uint32_t cp;
    entities_utf8_next(s, len, &cp);
    utf8proc_category_t cat = utf8proc_category((utf8proc_int32_t)cp);
    return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT;
}

int entities_is_lowercase(uint32_t cp)
{
    if (cp < 0x80)
        return cp >= 'a' && cp <= 'z';
    return utf8proc_category((utf8proc_int32_t)cp) == UTF8PROC_CATEGORY_LL;
}

static const char *const LABEL_NAMES[ENTITIES_N_LABELS] = {
    "PERSON", "ORG", "GPE", "LOC", "NORP"};

const char *entities_label_name(int label)
{
    if (label < 0 || label >= ENTITIES_N_LABELS)
        return NULL;
    return LABEL_NAMES[label];
}

int entities_label_parse(const char *name, size_t len)
{
    for (int i = 0; i < ENTITIES_N_LABELS; i++)
        if (strlen(LABEL_NAMES[i]) == len &&
            memcmp(LABEL_NAMES[i], name, len) == 0)
            return i;
    return ENTITIES_NO_LABEL;
}

const char *entities_tag_name(int tag)
{
    static const char *const names[ENTITIES_N_TAGS] = {
        "O",     "B-PER", "I-PER",  "B-ORG", "I-ORG",
        "B-LOC", "I-LOC", "B-MISC", "I-MISC"};
    if (tag < 0 || tag >= ENTITIES_N_TAGS)
        return NULL;
    return names[tag];
}
