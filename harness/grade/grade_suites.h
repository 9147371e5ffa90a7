/* grade_suites.h: what an assignment grades against: its suites' cases, their points, and one hash. */
#ifndef SOCKCHECK_GRADE_SUITES_H
#define SOCKCHECK_GRADE_SUITES_H

#include <stddef.h>

#include "grade_assign.h"

/* Reads every case of every part's suites: sets max[k] (the part's `points`, or its cases' sum), a part
 * without `timeout` gets its cases' timeouts summed plus 60 s, and hex (17 bytes) gets a hash of every case
 * file (path within its suite, and content). Returns 0, or -1 with err naming a suite that is missing or a
 * case that does not parse (with `sockcheck lint` to see why). */
int grade_suites_scan(struct grade_assignment *a, double *max, char hex[17], char *err, size_t errlen);

#endif
