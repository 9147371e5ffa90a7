/* unit.h: the tiny assertion kit shared by harness/<module>_test.c files. */
#ifndef SOCKCHECK_UNIT_H
#define SOCKCHECK_UNIT_H

#include <stdio.h>
#include <string.h>

/* Each test file defines `static int unit_failed, unit_passed;` through UNIT_STATE and ends main() with
 * `return unit_summary();`, which prints the plain "N passed, N failed" closing line. */
#define UNIT_STATE static int unit_failed, unit_passed

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (cond) {                                                                        \
			unit_passed++;                                                             \
		} else {                                                                           \
			unit_failed++;                                                             \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
		}                                                                                  \
	} while (0)

#define CHECK_STR(got, want)                                                                       \
	do {                                                                                       \
		const char *g_ = (got), *w_ = (want);                                              \
		if (g_ && w_ && strcmp(g_, w_) == 0) {                                             \
			unit_passed++;                                                             \
		} else {                                                                           \
			unit_failed++;                                                             \
			fprintf(stderr, "%s:%d: expected \"%s\" vs actual \"%s\"\n", __FILE__,     \
				__LINE__, w_ ? w_ : "(null)", g_ ? g_ : "(null)");                 \
		}                                                                                  \
	} while (0)

#define CHECK_INT(got, want)                                                                       \
	do {                                                                                       \
		long long g_ = (long long)(got), w_ = (long long)(want);                           \
		if (g_ == w_) {                                                                    \
			unit_passed++;                                                             \
		} else {                                                                           \
			unit_failed++;                                                             \
			fprintf(stderr, "%s:%d: %s: expected %lld vs actual %lld\n", __FILE__,     \
				__LINE__, #got, w_, g_);                                           \
		}                                                                                  \
	} while (0)

#define unit_summary()                                                                             \
	(printf("%d passed, %d failed\n", unit_passed, unit_failed),                               \
	 (unit_failed || !unit_passed) ? 1 : 0)

#endif
