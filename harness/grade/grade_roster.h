/* grade_roster.h: filling an LMS roster CSV (a gradebook export) with the class's scores. */
#ifndef SOCKCHECK_GRADE_ROSTER_H
#define SOCKCHECK_GRADE_ROSTER_H

#include <stddef.h>

#include "grade_class.h"

/* Reads the roster CSV (its first row is the header), adds a column named after the assignment (or
 * fills the one that has that name), and writes the whole roster to out: a row whose cells hold a
 * submission's label, name, LMS id or "Participant <id>" (letter case ignored) gets its total; a row whose
 * first cell says "Points Possible" (Canvas) gets the maximum; the others stay empty. *unmatched lists the
 * submissions no row named (caller frees each and the array). 0, or -1 with err (an unreadable or
 * malformed roster, an unwritable out). */
int grade_roster_fill(const struct grade_class *c, const char *roster, const char *out, char ***unmatched,
		      size_t *nunmatched, char *err, size_t errlen);

#endif
