/* pregex.c: case-file regexes on PCRE2 (8-bit, no UTF): bounded compile and bounded, length-delimited search. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "pregex.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>

struct pregex {
	pcre2_code *code;
	pcre2_match_context *mctx;
};

void pregex_free(struct pregex *re)
{
	if (!re)
		return;
	pcre2_match_context_free(re->mctx);
	pcre2_code_free(re->code);
	free(re);
}

size_t pregex_size(const struct pregex *re)
{
	size_t n = 0;
	if (pcre2_pattern_info(re->code, PCRE2_INFO_SIZE, &n) != 0)
		return 0;
	return n;
}

struct pregex *pregex_compile(const char *pattern, size_t len, size_t *erroff, char *err, size_t errlen)
{
	*erroff = 0;
	if (len > PREGEX_MAX_LENGTH) {
		snprintf(err, errlen, "the regex has %zu characters, above the limit of %d", len, PREGEX_MAX_LENGTH);
		*erroff = PREGEX_MAX_LENGTH;
		return NULL;
	}
	struct pregex *re = calloc(1, sizeof *re);
	pcre2_compile_context *cctx = pcre2_compile_context_create(NULL);
	if (!re || !cctx) {
		free(re);
		pcre2_compile_context_free(cctx);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pcre2_set_parens_nest_limit(cctx, PREGEX_MAX_NESTING);
	pcre2_set_max_pattern_length(cctx, PREGEX_MAX_LENGTH);
	int code;
	PCRE2_SIZE off = 0;
	/* POSIX extended semantics where PCRE2 differs by default: `.` matches a newline too, `$` matches only at
	 * the very end (not before a final newline). */
	re->code = pcre2_compile((PCRE2_SPTR)pattern, len, PCRE2_DOTALL | PCRE2_DOLLAR_ENDONLY, &code, &off, cctx);
	pcre2_compile_context_free(cctx);
	if (!re->code) {
		PCRE2_UCHAR msg[160];
		if (pcre2_get_error_message(code, msg, sizeof msg) < 0)
			snprintf((char *)msg, sizeof msg, "error %d", code);
		snprintf(err, errlen, "%s", (const char *)msg);
		*erroff = off;
		free(re);
		return NULL;
	}
	re->mctx = pcre2_match_context_create(NULL);
	if (!re->mctx) {
		pregex_free(re);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	pcre2_set_match_limit(re->mctx, PREGEX_MATCH_LIMIT);
	pcre2_set_depth_limit(re->mctx, PREGEX_DEPTH_LIMIT);
	pcre2_set_heap_limit(re->mctx, PREGEX_HEAP_LIMIT_KIB);
	return re;
}

int pregex_search(const struct pregex *re, const void *s, size_t n, size_t *so, size_t *eo, char *err,
		  size_t errlen)
{
	pcre2_match_data *md = pcre2_match_data_create(1, NULL);
	if (!md) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* PCRE2 reads exactly n bytes: no terminating NUL needed, none read past the end. */
	static const unsigned char empty[1];
	int rc = pcre2_match(re->code, n ? (PCRE2_SPTR)s : empty, n, 0, 0, md, re->mctx);
	int ret;
	if (rc >= 0) {
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		*so = ov[0];
		*eo = ov[1];
		ret = 1;
	} else if (rc == PCRE2_ERROR_NOMATCH) {
		ret = 0;
	} else {
		const char *what = rc == PCRE2_ERROR_MATCHLIMIT   ? "more than 1000000 backtracking steps"
				   : rc == PCRE2_ERROR_DEPTHLIMIT ? "backtracking deeper than 10000"
				   : rc == PCRE2_ERROR_HEAPLIMIT  ? "more than 16 MiB of backtracking memory"
								  : NULL;
		if (what) {
			snprintf(err, errlen, "matching needed %s on %zu bytes (a nested repetition such as (a*)* "
					      "backtracks exponentially: simplify the regex)", what, n);
		} else {
			PCRE2_UCHAR msg[160];
			if (pcre2_get_error_message(rc, msg, sizeof msg) < 0)
				snprintf((char *)msg, sizeof msg, "error %d", rc);
			snprintf(err, errlen, "matching failed: %s", (const char *)msg);
		}
		ret = -1;
	}
	pcre2_match_data_free(md);
	return ret;
}
