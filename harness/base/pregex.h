/* pregex.h: the regexes of case files, compiled and matched by PCRE2 with bounds on size, nesting and work. */
#ifndef SOCKCHECK_PREGEX_H
#define SOCKCHECK_PREGEX_H

#include <stddef.h>

/* Limits (docs/scenario-language.md, "Limits"; docs/hardening.md says why). */
#define PREGEX_MAX_LENGTH 4096        /* characters in a pattern */
#define PREGEX_MAX_NESTING 32         /* parentheses nested at most this deep */
#define PREGEX_MATCH_LIMIT 1000000    /* backtracking steps per search */
#define PREGEX_DEPTH_LIMIT 10000      /* backtracking depth per search */
#define PREGEX_HEAP_LIMIT_KIB 16384   /* backtracking memory per search */

struct pregex;

/* Compiles pattern[0..len) (POSIX extended syntax as documented; `.` matches any byte, `$` only the end).
 * Returns the regex (caller frees with pregex_free), or NULL with a one-line reason in err and, in *erroff,
 * the offset in the pattern the reason refers to. */
struct pregex *pregex_compile(const char *pattern, size_t len, size_t *erroff, char *err, size_t errlen);
void pregex_free(struct pregex *re);
/* The compiled size in bytes (compile time grows with it: callers bound the sum over a file). */
size_t pregex_size(const struct pregex *re);

/* Searches s[0..n) (any bytes, NUL included). Returns 1 with the leftmost match in [*so, *eo), 0 when
 * nothing matches, or -1 when the search hit a limit (or ran out of memory): err then says which, and
 * nothing is known about whether the data matches. */
int pregex_search(const struct pregex *re, const void *s, size_t n, size_t *so, size_t *eo, char *err,
		  size_t errlen);

#endif
