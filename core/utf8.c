#include "utf8.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "alloc.h"
#include "glossa/error.h"
#include "glossa/text.h"

/* Valid second-byte range for each lead byte (Unicode Table 3-7); the
 * third and fourth bytes are always 80..BF. */
static int second_byte_ok(unsigned char lead, unsigned char b)
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

/* Total length announced by a lead byte, 0 for bytes that cannot lead. */
static size_t sequence_length(unsigned char lead)
{
    if (lead < 0x80)
        return 1;
    if (lead < 0xC2)
        return 0;
    if (lead < 0xE0)
        return 2;
    if (lead < 0xF0)
        return 3;
    if (lead < 0xF5)
        return 4;
    return 0;
}

/* Number of bytes from s that form a valid prefix of one character. */
static size_t valid_prefix(const unsigned char *s, size_t n, size_t need)
{
    size_t k = 1;
    if (n < 2 || !second_byte_ok(s[0], s[1]))
        return k;
    k = 2;
    while (k < need && k < n && (s[k] & 0xC0) == 0x80)
        k++;
    return k;
}

size_t glossa__utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char lead = s[0];
    size_t need = sequence_length(lead);
    if (need == 1) {
        *cp = lead;
        return 1;
    }
    if (need == 0 || n < need || valid_prefix(s, n, need) != need)
        return 0;
    uint32_t c;
    switch (need) {
    case 2:
        c = ((uint32_t)(lead & 0x1F) << 6) | (s[1] & 0x3Fu);
        break;
    case 3:
        c = ((uint32_t)(lead & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) |
            (s[2] & 0x3Fu);
        break;
    default:
        c = ((uint32_t)(lead & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
            ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3Fu);
        break;
    }
    *cp = c;
    return need;
}

size_t glossa__utf8_bad_length(const unsigned char *s, size_t n)
{
    size_t need = sequence_length(s[0]);
    if (need <= 1)
        return 1;
    size_t k = valid_prefix(s, n, need);
    return k < need ? k : 1;
}

size_t glossa__utf8_encode(uint32_t cp, char out[4])
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

/* True when none of the 8 bytes is >= 0x80 or 0x00. */
static int word_is_plain_ascii(const unsigned char *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof(w));
    const uint64_t high = 0x8080808080808080ull;
    const uint64_t ones = 0x0101010101010101ull;
    return ((w & high) == 0) && (((w - ones) & ~w & high) == 0);
}

/* True when none of the 8 bytes is >= 0x80 (NUL bytes count as ASCII). */
static inline int word_is_ascii(const unsigned char *p)
{
    uint64_t w;
    memcpy(&w, p, sizeof(w));
    return (w & 0x8080808080808080ull) == 0;
}

/* Whether the 16 bytes at p are ASCII; with `nul`, none of them NUL
 * either. Always 0 without SSE2 (the callers go on 8 bytes at a time). */
static inline int block_is_ascii(const unsigned char *p, int nul)
{
#if defined(__SSE2__)
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    int bad = _mm_movemask_epi8(v);
    if (nul)
        bad |= _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_setzero_si128()));
    return bad == 0;
#else
    (void)p;
    (void)nul;
    return 0;
#endif
}

/* Scans from `from`; returns the offset of the first NUL or ill-formed
 * byte (len if none) and adds the code points before it to *count. */
static size_t scan_valid(const unsigned char *s, size_t len, size_t from,
                         size_t *count)
{
    size_t i = from, cps = 0;
    while (i < len) {
        if (i + 16 <= len && block_is_ascii(s + i, 1)) {
            i += 16;
            cps += 16;
            continue;
        }
        if (i + 8 <= len && word_is_plain_ascii(s + i)) {
            i += 8;
            cps += 8;
            continue;
        }
        unsigned char b = s[i];
        if (b != 0 && b < 0x80) {
            i++;
            cps++;
            continue;
        }
        if (b == 0)
            break;
        uint32_t cp;
        size_t k = glossa__utf8_decode(s + i, len - i, &cp);
        if (k == 0)
            break;
        i += k;
        cps++;
    }
    *count += cps;
    return i;
}

int glossa__utf8_sanitize(const char *text, size_t len, char **repaired,
                          size_t *repaired_len, glossa__utf8_report_t *report)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t cps = 0;
    size_t bad = scan_valid(s, len, 0, &cps);
    *repaired = NULL;
    *repaired_len = len;
    memset(report, 0, sizeof(*report));
    if (bad == len) {
        report->n_codepoints = cps;
        return 0;
    }
    report->first_bad_byte = bad;

    /* First pass: size of the repaired text. */
    size_t out_len = bad, i = bad, dummy = 0;
    while (i < len) {
        size_t k = (s[i] == 0) ? 1 : glossa__utf8_bad_length(s + i, len - i);
        out_len += 3; /* U+FFFD */
        i += k;
        size_t next = scan_valid(s, len, i, &dummy);
        out_len += next - i;
        i = next;
    }

    char *out = glossa__malloc(out_len + 1);
    if (!out)
        return GLOSSA_ENOMEM;
    memcpy(out, text, bad);
    size_t o = bad;
    i = bad;
    while (i < len) {
        size_t k = (s[i] == 0) ? 1 : glossa__utf8_bad_length(s + i, len - i);
        memcpy(out + o, "\xEF\xBF\xBD", 3);
        o += 3;
        cps++;
        report->n_replaced++;
        i += k;
        size_t next = scan_valid(s, len, i, &cps);
        memcpy(out + o, text + i, next - i);
        o += next - i;
        i = next;
    }
    out[o] = '\0';
    *repaired = out;
    *repaired_len = o;
    report->n_codepoints = cps;
    return 0;
}

size_t glossa__utf8_count(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n = 0, i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, sizeof(w));
        /* A byte starts a character unless it is 10xxxxxx. */
        uint64_t cont = (w & ~(w << 1)) & 0x8080808080808080ull;
        /* Count the flagged bytes without a popcount instruction (not in
         * the baseline x86-64 ISA): sum the bytes' 0/1 via a multiply. */
        n += 8 - (size_t)(((cont >> 7) * 0x0101010101010101ull) >> 56);
    }
    for (; i < len; i++)
        n += (s[i] & 0xC0) != 0x80;
    return n;
}

static int is_continuation(unsigned char b)
{
    return (b & 0xC0) == 0x80;
}

/* Records the byte offset of every GLOSSA__OFFSET_STRIDE-th code point
 * into out (when not NULL) and returns the number of code points. Eight
 * bytes at a time while no checkpoint falls inside them. */
static size_t walk_checkpoints(const unsigned char *s, size_t n_bytes,
                               uint32_t *out, size_t *n_out)
{
    size_t cp = 0, k = 0, i = 0;
    while (i < n_bytes) {
        if (i + 8 <= n_bytes && cp % GLOSSA__OFFSET_STRIDE != 0) {
            uint64_t w;
            memcpy(&w, s + i, sizeof(w));
            uint64_t cont = (w & ~(w << 1)) & 0x8080808080808080ull;
            size_t starts =
                8 - (size_t)(((cont >> 7) * 0x0101010101010101ull) >> 56);
            size_t next_stop =
                cp + GLOSSA__OFFSET_STRIDE - cp % GLOSSA__OFFSET_STRIDE;
            if (cp + starts < next_stop) {
                cp += starts;
                i += 8;
                continue;
            }
        }
        if (!is_continuation(s[i])) {
            if (cp % GLOSSA__OFFSET_STRIDE == 0 && out)
                out[k++] = (uint32_t)i;
            cp++;
        }
        i++;
    }
    if (n_out)
        *n_out = k;
    return cp;
}

/* Lists the multi-byte characters in one pass, growing the list as it
 * goes. Returns 0, 1 when there are more than `limit` (the caller then
 * builds checkpoints instead), or GLOSSA_ENOMEM. */
static int list_wide(glossa__offsets_t *map, const unsigned char *s,
                     size_t limit)
{
    size_t extra = 0, k = 0, cap = 0, i = 0, n = map->n_bytes;
    while (i < n) {
        if (i + 16 <= n && block_is_ascii(s + i, 0)) {
            i += 16;
            continue;
        }
        if (i + 8 <= n && word_is_ascii(s + i)) {
            i += 8;
            continue;
        }
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        if (k == limit)
            return 1;
        if (k == cap) {
            cap = cap ? cap * 2 : 32;
            uint32_t *a = glossa__realloc(map->wide_cp, cap * sizeof(uint32_t));
            if (a)
                map->wide_cp = a;
            uint32_t *e =
                a ? glossa__realloc(map->wide_extra, cap * sizeof(uint32_t))
                  : NULL;
            if (e)
                map->wide_extra = e;
            if (!a || !e)
                return GLOSSA_ENOMEM;
        }
        size_t len = sequence_length(s[i]);
        if (len == 0)
            len = 1; /* not valid UTF-8: not reached */
        map->wide_cp[k] = (uint32_t)(i - extra);
        extra += len - 1;
        map->wide_extra[k] = (uint32_t)extra;
        k++;
        i += len;
    }
    map->n_wide = k;
    map->n_codepoints = n - extra;
    return 0;
}

int glossa__offsets_init(glossa__offsets_t *map, const char *text,
                         size_t n_bytes, size_t n_codepoints)
{
    memset(map, 0, sizeof(*map));
    map->text = text;
    map->n_bytes = n_bytes;
    map->n_codepoints = n_bytes;
    const unsigned char *s = (const unsigned char *)text;
    if (n_codepoints == n_bytes)
        return 0; /* ASCII: offsets are identical */
    /* The list form (8 bytes per wide character) up to one wide
     * character in 32 bytes: at most a quarter of the text's size, and
     * cheaper to build than checkpoints. */
    size_t limit = n_bytes / 32 + 1;
    int rc = list_wide(map, s, limit);
    if (rc < 0)
        return rc;
    if (rc == 0) {
        if (map->n_wide == 0) { /* ASCII after all */
            glossa__free(map->wide_cp);
            glossa__free(map->wide_extra);
            map->wide_cp = map->wide_extra = NULL;
        }
        return 0;
    }
    /* Too many: checkpoints instead. */
    glossa__free(map->wide_cp);
    glossa__free(map->wide_extra);
    map->wide_cp = map->wide_extra = NULL;
    map->n_wide = 0;
    size_t cap = n_bytes / GLOSSA__OFFSET_STRIDE + 2;
    map->checkpoints = glossa__malloc(cap * sizeof(uint32_t));
    if (!map->checkpoints)
        return GLOSSA_ENOMEM;
    size_t k = 0;
    map->n_codepoints = walk_checkpoints(s, n_bytes, map->checkpoints, &k);
    if (map->n_codepoints % GLOSSA__OFFSET_STRIDE == 0)
        map->checkpoints[k++] = (uint32_t)n_bytes; /* the end, exactly */
    map->n_checkpoints = k;
    return 0;
}

void glossa__offsets_free(glossa__offsets_t *map)
{
    glossa__free(map->checkpoints);
    glossa__free(map->wide_cp);
    glossa__free(map->wide_extra);
    map->checkpoints = map->wide_cp = map->wide_extra = NULL;
}

/* Number of listed wide characters whose code-point index is below cp. */
static size_t wide_before_cp(const glossa__offsets_t *map, size_t cp)
{
    size_t lo = 0, hi = map->n_wide;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (map->wide_cp[mid] < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Number of listed wide characters that start before byte. */
static size_t wide_before_byte(const glossa__offsets_t *map, size_t byte)
{
    size_t lo = 0, hi = map->n_wide;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        size_t start = map->wide_cp[mid] + (mid ? map->wide_extra[mid - 1] : 0);
        if (start < byte)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t glossa__offsets_cp_to_byte(const glossa__offsets_t *map, size_t cp)
{
    if (cp >= map->n_codepoints)
        return map->n_bytes;
    if (map->wide_cp) {
        size_t k = wide_before_cp(map, cp);
        return cp + (k ? map->wide_extra[k - 1] : 0);
    }
    if (!map->checkpoints)
        return cp;
    const unsigned char *s = (const unsigned char *)map->text;
    size_t b = map->checkpoints[cp / GLOSSA__OFFSET_STRIDE];
    for (size_t r = cp % GLOSSA__OFFSET_STRIDE; r > 0; r--) {
        size_t len = sequence_length(s[b]);
        b += len ? len : 1;
    }
    return b;
}

size_t glossa__offsets_byte_to_cp(const glossa__offsets_t *map, size_t byte)
{
    if (byte >= map->n_bytes)
        return map->n_codepoints;
    if (!map->checkpoints && !map->wide_cp)
        return byte;
    const unsigned char *s = (const unsigned char *)map->text;
    while (byte > 0 && is_continuation(s[byte]))
        byte--;
    if (map->wide_cp) {
        size_t k = wide_before_byte(map, byte);
        return byte - (k ? map->wide_extra[k - 1] : 0);
    }
    /* Largest k with checkpoints[k] <= byte. */
    size_t lo = 0, hi = map->n_checkpoints;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (map->checkpoints[mid] <= byte)
            lo = mid;
        else
            hi = mid;
    }
    size_t cp = lo * GLOSSA__OFFSET_STRIDE;
    for (size_t i = map->checkpoints[lo]; i < byte; i++)
        cp += !is_continuation(s[i]);
    return cp;
}

char *glossa__utf8_shown(const char *s)
{
    char *fixed = NULL;
    size_t fixed_len;
    glossa__utf8_report_t rep;
    if (glossa__utf8_sanitize(s, strlen(s), &fixed, &fixed_len, &rep))
        return NULL;
    return fixed ? fixed : glossa__strdup(s);
}

int glossa__utf8_valid_n(const char *text, size_t n)
{
    const unsigned char *s = (const unsigned char *)text;
    uint32_t cp;
    for (size_t i = 0; i < n;) {
        if (i + 16 <= n && block_is_ascii(s + i, 0)) {
            i += 16;
            continue;
        }
        if (i + 8 <= n && word_is_ascii(s + i)) {
            i += 8;
            continue;
        }
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = glossa__utf8_decode(s + i, n - i, &cp);
        if (!k)
            return 0;
        i += k;
    }
    return 1;
}

int glossa__utf8_is_valid(const char *s)
{
    char *fixed = NULL;
    size_t fixed_len;
    glossa__utf8_report_t rep;
    if (glossa__utf8_sanitize(s, strlen(s), &fixed, &fixed_len, &rep))
        return 1; /* out of memory: take it as it is */
    glossa__free(fixed);
    return fixed == NULL;
}

char *glossa__bytes_escaped(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += *p >= 0x80 ? 4 : *p == '\\' ? 2 : 1;
    char *out = glossa__malloc(n + 1), *o = out;
    if (!out)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p >= 0x80)
            o += sprintf(o, "\\x%02x", *p);
        else if (*p == '\\') {
            *o++ = '\\';
            *o++ = '\\';
        } else
            *o++ = (char)*p;
    }
    *o = '\0';
    return out;
}

/* ---- The public face (glossa/text.h) ------------------------------------ */

size_t glossa_utf8_repair(const char *text, size_t len, char *out,
                          size_t *n_replaced)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0, o = 0, replaced = 0;
    while (i < len) {
        uint32_t cp;
        size_t k = s[i] ? glossa__utf8_decode(s + i, len - i, &cp) : 0;
        if (k) {
            memcpy(out + o, text + i, k);
            o += k;
            i += k;
            continue;
        }
        i += s[i] ? glossa__utf8_bad_length(s + i, len - i) : 1;
        memcpy(out + o, "\xEF\xBF\xBD", 3);
        o += 3;
        replaced++;
    }
    out[o] = '\0';
    if (n_replaced)
        *n_replaced = replaced;
    return o;
}

size_t glossa_utf8_decode(const char *s, size_t n, uint32_t *cp)
{
    return glossa__utf8_decode((const unsigned char *)s, n, cp);
}

size_t glossa_utf8_encode(uint32_t cp, char out[4])
{
    return glossa__utf8_encode(cp, out);
}
