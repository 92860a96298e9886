/* Text as Glossa reads it, for programs that must agree with a run's
 * offsets without running one (exporters, viewers, converters): the input
 * policy for invalid UTF-8 and code points. Since 0.2.
 *
 * The input policy (docs/output-format.md, "Input policy for invalid UTF-8"):
 * each maximal ill-formed subsequence of bytes (Unicode 15, section 3.9) and
 * each NUL byte becomes U+FFFD. A text repaired here is byte for byte the
 * text a run annotated, so the run's code-point offsets index it.
 *
 * THREADS. Pure functions: any thread, no allocation. */
#ifndef GLOSSA_TEXT_H
#define GLOSSA_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The bytes glossa_utf8_repair() may write for len bytes of input: each
 * byte can become U+FFFD (3 bytes), and the terminating NUL. */
#define GLOSSA_UTF8_REPAIR_MAX(len) (3 * (size_t)(len) + 1)

/* Writes text (len bytes, any bytes) repaired by the input policy into
 * out, which holds at least GLOSSA_UTF8_REPAIR_MAX(len) bytes, and
 * terminates it with a NUL. Returns the length written (without the NUL);
 * *n_replaced (if not NULL) receives how many subsequences and NUL bytes
 * were replaced. */
GLOSSA_API size_t glossa_utf8_repair(const char *text, size_t len, char *out,
                                     size_t *n_replaced);

/* Decodes the well-formed character at s (n > 0 bytes available): returns
 * its length (1-4) and stores its code point, or returns 0 when the bytes
 * at s do not begin one. A NUL byte is a character here (code point 0). */
GLOSSA_API size_t glossa_utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Encodes cp (at most 0x10FFFF, not a surrogate) into out; returns 1-4. */
GLOSSA_API size_t glossa_utf8_encode(uint32_t cp, char out[4]);

#ifdef __cplusplus
}
#endif

#endif /* GLOSSA_TEXT_H */
