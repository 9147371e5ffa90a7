/* utf8.c: strict UTF-8 decoding and repair (invalid bytes and NUL become U+FFFD). */
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t utf8_decode(const char *s, size_t len, int32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned char c = u[0];
	size_t need;
	int32_t v, min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1, v = c & 0x1F, min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2, v = c & 0x0F, min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3, v = c & 0x07, min = 0x10000;
	} else {
		*cp = -1; /* a continuation byte, C0/C1 (always overlong) or F5..FF */
		return 1;
	}
	if (len < need + 1) {
		*cp = -1;
		return 1;
	}
	for (size_t i = 1; i <= need; i++) {
		if ((u[i] & 0xC0) != 0x80) {
			*cp = -1;
			return 1;
		}
		v = (v << 6) | (u[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
		*cp = -1;
		return 1;
	}
	*cp = v;
	return need + 1;
}

int utf8_valid(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		int32_t cp;
		i += utf8_decode(s + i, len - i, &cp);
		if (cp <= 0)
			return 0;
	}
	return 1;
}

/* C0 controls (ESC starts terminal sequences), DEL, C1 controls (U+0080..U+009F); NUL and invalid (-1) too. */
static int control(int32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f);
}

/* A NUL-terminated copy of the len bytes at s in which every invalid byte and NUL is replaced: by U+FFFD;
 * with hex, by \xNN, and so is each byte of a control character. */
static char *copy_replacing(const char *s, size_t len, int hex)
{
	size_t worst = hex ? 4 : 3; /* the most bytes one byte of s may become */
	if (len > (SIZE_MAX - 1) / worst)
		return NULL;
	char *out = malloc(len * worst + 1), *o = out;
	if (!out)
		return NULL;
	for (size_t i = 0, n; i < len; i += n) {
		int32_t cp;
		n = utf8_decode(s + i, len - i, &cp);
		if (cp > 0 && !(hex && control(cp))) {
			memcpy(o, s + i, n);
			o += n;
		} else if (!hex) {
			memcpy(o, UTF8_REPLACEMENT, 3);
			o += 3;
		} else {
			for (size_t k = 0; k < n; k++)
				o += sprintf(o, "\\x%02x", (unsigned char)s[i + k]);
		}
	}
	*o = '\0';
	return out;
}

char *utf8_sanitize(const char *s, size_t len)
{
	return copy_replacing(s, len, 0);
}

char *utf8_printable(const char *s, size_t len)
{
	return copy_replacing(s, len, 1);
}
