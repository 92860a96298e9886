#include "utf8.h"

#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "glossa/error.h"

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

/* Scans from `from`; returns the offset of the first NUL or ill-formed
 * byte (len if none) and adds the code points before it to *count. */
static size_t scan_valid(const unsigned char *s, size_t len, size_t from,
                         size_t *count)
{
    size_t i = from, cps = 0;
    while (i < len) {
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
        n += 8 - (size_t)__builtin_popcountll(cont);
    }
    for (; i < len; i++)
        n += (s[i] & 0xC0) != 0x80;
    return n;
}

static int is_continuation(unsigned char b)
{
    return (b & 0xC0) == 0x80;
}

int glossa__offsets_init(glossa__offsets_t *map, const char *text,
                         size_t n_bytes, size_t n_codepoints)
{
    memset(map, 0, sizeof(*map));
    map->text = text;
    map->n_bytes = n_bytes;
    map->n_codepoints = n_codepoints == SIZE_MAX
                            ? glossa__utf8_count(text, n_bytes)
                            : n_codepoints;
    if (map->n_codepoints == n_bytes)
        return 0; /* ASCII: offsets are identical */
    size_t n_cp = map->n_codepoints / GLOSSA__OFFSET_STRIDE + 1;
    map->checkpoints = glossa__malloc(n_cp * sizeof(uint32_t));
    if (!map->checkpoints)
        return GLOSSA_ENOMEM;
    map->n_checkpoints = n_cp;
    const unsigned char *s = (const unsigned char *)text;
    size_t cp = 0, k = 0;
    for (size_t i = 0; i < n_bytes; i++) {
        if (is_continuation(s[i]))
            continue;
        if (cp % GLOSSA__OFFSET_STRIDE == 0)
            map->checkpoints[k++] = (uint32_t)i;
        cp++;
    }
    if (k < n_cp) /* the text's end falls exactly on a checkpoint */
        map->checkpoints[k++] = (uint32_t)n_bytes;
    return 0;
}

void glossa__offsets_free(glossa__offsets_t *map)
{
    glossa__free(map->checkpoints);
    map->checkpoints = NULL;
}

size_t glossa__offsets_cp_to_byte(const glossa__offsets_t *map, size_t cp)
{
    if (cp >= map->n_codepoints)
        return map->n_bytes;
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
    if (!map->checkpoints)
        return byte;
    const unsigned char *s = (const unsigned char *)map->text;
    while (byte > 0 && is_continuation(s[byte]))
        byte--;
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
