/* scenario_limit.h: the sandbox limits a case header or an assignment file may set: names, units, ranges. */
#ifndef SOCKCHECK_SCENARIO_LIMIT_H
#define SOCKCHECK_SCENARIO_LIMIT_H

#include <stddef.h>

#include "scenario_lex.h"

/* docs/sandbox.md, "Resources". The order is that of struct scenario's limits[]. */
enum scenario_limit {
	SCENARIO_LIMIT_MEMORY,      /* MiB of address space of each program (RLIMIT_AS) */
	SCENARIO_LIMIT_PROCESSES,   /* processes and threads of the case (RLIMIT_NPROC) */
	SCENARIO_LIMIT_CPU_TIME,    /* seconds of CPU time of each program (RLIMIT_CPU) */
	SCENARIO_LIMIT_FILE_SIZE,   /* MiB, the largest file a program writes (RLIMIT_FSIZE) */
	SCENARIO_LIMIT_OPEN_FILES,  /* open files of each program (RLIMIT_NOFILE) */
	SCENARIO_LIMIT_OUTPUT_SIZE, /* MiB of each program's stdout and of its stderr that the runner keeps */
	SCENARIO_LIMIT_COUNT
};

struct scenario_limit_info {
	const char *name; /* the case header, the assignment keyword, and `sockcheck run --NAME` */
	const char *what; /* "MiB of memory": what the value is, for messages */
	const char *unit; /* "MiB", "s" or "" after a value in messages */
	long min, max;    /* the accepted range, inclusive */
};

/* The limit's name, unit and range; NULL for a value out of the enum. */
const struct scenario_limit_info *scenario_limit_info(enum scenario_limit l);

/* The limit named `word` ("memory", "cpu-time"), or -1. */
int scenario_limit_find(const char *word);

/* The value token of limit l: a whole number in range, or for cpu-time a duration (10s, 1m; rounded up to
 * whole seconds) in range. Returns 0 with *out set, or -1 with "cpu-time: expected ... found '20'" or
 * "memory: 0 is out of range (1 to 1048576 MiB)" in err. */
int scenario_limit_value(enum scenario_limit l, const struct scenario_tok *t, long *out, char *err, size_t errlen);

#endif
