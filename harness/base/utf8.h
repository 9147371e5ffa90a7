/* utf8.h: strict UTF-8 decoding, so every reporter treats hostile bytes the same way. */
#ifndef SOCKCHECK_UTF8_H
#define SOCKCHECK_UTF8_H

#include <stddef.h>
#include <stdint.h>

#define UTF8_REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD, what an invalid byte becomes */

/* Decodes the sequence at s (len > 0 bytes available). Returns its length in bytes (1..4) and sets *cp
 * to the code point, or returns 1 with *cp = -1 for an invalid byte (overlong forms, surrogates, code
 * points above U+10FFFF and truncated sequences are invalid). */
size_t utf8_decode(const char *s, size_t len, int32_t *cp);

/* 1 when the len bytes at s are valid UTF-8 with no NUL, else 0. */
int utf8_valid(const char *s, size_t len);

/* A NUL-terminated copy of the len bytes at s where every invalid byte and every NUL becomes U+FFFD.
 * Caller frees with free(); NULL when out of memory. */
char *utf8_sanitize(const char *s, size_t len);

/* A NUL-terminated copy of the len bytes at s that is safe to print on a terminal: control bytes (C0, DEL,
 * C1 such as ESC and CSI), NULs and invalid bytes become \xNN; valid printable UTF-8 is kept. Caller frees
 * with free(); NULL when out of memory. */
char *utf8_printable(const char *s, size_t len);

#endif
