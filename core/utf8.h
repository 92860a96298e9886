/* UTF-8 decoding, the input policy for invalid UTF-8, and code-point <->
 * byte offset mapping.
 *
 * Input policy (the same for every input format): each maximal ill-formed
 * subsequence of bytes (Unicode 15, section 3.9, "U+FFFD substitution of
 * maximal subparts") and each NUL byte is replaced with U+FFFD, and the
 * document records one error naming the first bad byte and the count. A
 * NUL byte and U+FFFD are both one code point, so offsets of the text
 * around a replaced NUL do not move. */
#ifndef GLOSSA_CORE_UTF8_H
#define GLOSSA_CORE_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes one well-formed character at s (n > 0 bytes available). Returns
 * its length in bytes (1-4) and stores the code point, or returns 0 when
 * the bytes at s do not start a well-formed character. */
size_t glossa__utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* Length of the maximal ill-formed subpart starting at s (at least 1). */
size_t glossa__utf8_bad_length(const unsigned char *s, size_t n);

/* Encodes cp (<= 0x10FFFF, not a surrogate) into out; returns 1-4. */
size_t glossa__utf8_encode(uint32_t cp, char out[4]);

typedef struct glossa__utf8_report {
    size_t n_replaced;     /* ill-formed subparts and NUL bytes replaced */
    size_t first_bad_byte; /* offset of the first one in the input */
    size_t n_codepoints;   /* of the (repaired) text */
} glossa__utf8_report_t;

/* Checks text. When it is well-formed and has no NUL, returns 0 with
 * *repaired = NULL. Otherwise stores a new NUL-terminated repaired copy in
 * *repaired (length *repaired_len) and returns 0, or returns GLOSSA_ENOMEM.
 * The report is filled in both cases. */
int glossa__utf8_sanitize(const char *text, size_t len, char **repaired,
                          size_t *repaired_len, glossa__utf8_report_t *report);

/* A NUL-terminated string as valid UTF-8, to show or to put in JSON (a
 * file name may be any bytes): a new copy with each ill-formed sequence
 * replaced by U+FFFD; NULL when out of memory. */
char *glossa__utf8_shown(const char *s);

/* The bytes of s in ASCII: bytes of 0x80 and above as \xNN, a backslash
 * as \\, everything else as it is; a new string, NULL when out of
 * memory. For names that are not UTF-8 ("file_raw"). */
char *glossa__bytes_escaped(const char *s);

/* Whether s is valid UTF-8. */
int glossa__utf8_is_valid(const char *s);

/* Whether text[0, n) is well-formed UTF-8, NUL bytes allowed (as
 * Jansson's json_stringn allows them): what a layer's strings must be. */
int glossa__utf8_valid_n(const char *text, size_t n);

/* Number of code points in well-formed UTF-8. */
size_t glossa__utf8_count(const char *text, size_t len);

/* Offset map of one well-formed text, in one of two forms:
 *   - mostly ASCII (news in English: a few curly quotes and dashes per
 *     document; at most one multi-byte character in 32 bytes): the
 *     multi-byte characters are listed, each with its code-point index and
 *     the extra bytes of it and all before it;
 *   - otherwise: the byte offset of every GLOSSA__OFFSET_STRIDE-th code
 *     point, 4 bytes per 64 code points.
 * ASCII text needs neither. Conversions are O(log n) and O(1) + a scan of
 * at most STRIDE characters respectively. */
#define GLOSSA__OFFSET_STRIDE 64

typedef struct glossa__offsets {
    const char *text;
    size_t n_bytes;
    size_t n_codepoints;
    uint32_t *wide_cp;    /* mostly ASCII: code-point index of each */
    uint32_t *wide_extra; /* ... and the extra bytes up to and including it */
    size_t n_wide;
    uint32_t *checkpoints; /* otherwise */
    size_t n_checkpoints;
} glossa__offsets_t;

/* Builds the map (text must stay alive as long as the map). Returns 0 or
 * GLOSSA_ENOMEM. n_codepoints may be passed if known, else SIZE_MAX. */
int glossa__offsets_init(glossa__offsets_t *map, const char *text,
                         size_t n_bytes, size_t n_codepoints);
void glossa__offsets_free(glossa__offsets_t *map);

/* Conversions; inputs past the end are clamped. A byte offset inside a
 * character maps to that character. */
size_t glossa__offsets_cp_to_byte(const glossa__offsets_t *map, size_t cp);
size_t glossa__offsets_byte_to_cp(const glossa__offsets_t *map, size_t byte);

#endif
