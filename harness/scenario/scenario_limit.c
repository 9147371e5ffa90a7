/* scenario_limit.c: the sandbox limits a case header or an assignment file may set, and their validation. */
#include "scenario_limit.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const struct scenario_limit_info infos[SCENARIO_LIMIT_COUNT] = {
	[SCENARIO_LIMIT_MEMORY] = {"memory", "MiB of memory", "MiB", 1, 1L << 20},
	[SCENARIO_LIMIT_PROCESSES] = {"processes", "a number of processes", "", 1, 1L << 20},
	/* A case lasts at most 10 minutes (SCENARIO_MAX_DURATION), so its programs never need more. */
	[SCENARIO_LIMIT_CPU_TIME] = {"cpu-time", "a CPU time (a duration such as 20s)", "s", 1, 600},
	[SCENARIO_LIMIT_FILE_SIZE] = {"file-size", "MiB of file size", "MiB", 1, 1L << 20},
	/* The kernel's own ceiling (fs.nr_open) is 1048576 by default. */
	[SCENARIO_LIMIT_OPEN_FILES] = {"open-files", "a number of open files", "", 1, 1L << 20},
	/* The runner holds what it keeps in memory, per program and stream. */
	[SCENARIO_LIMIT_OUTPUT_SIZE] = {"output-size", "MiB of output", "MiB", 1, 256},
};

const struct scenario_limit_info *scenario_limit_info(enum scenario_limit l)
{
	return (unsigned)l < SCENARIO_LIMIT_COUNT ? &infos[l] : NULL;
}

int scenario_limit_find(const char *word)
{
	for (int l = 0; l < SCENARIO_LIMIT_COUNT; l++)
		if (strcmp(word, infos[l].name) == 0)
			return l;
	return -1;
}

int scenario_limit_value(enum scenario_limit l, const struct scenario_tok *t, long *out, char *err, size_t errlen)
{
	const struct scenario_limit_info *in = scenario_limit_info(l);
	if (!in) {
		snprintf(err, errlen, "not a limit");
		return -1;
	}
	int duration = l == SCENARIO_LIMIT_CPU_TIME;
	const char *shown = t->kind == SCENARIO_TOK_STRING || t->kind == SCENARIO_TOK_REGEX ? "a quoted text"
			    : t->text                                                    ? t->text
											 : "nothing";
	double v;
	if (duration && t->kind == SCENARIO_TOK_DURATION)
		v = ceil(t->num);
	else if (!duration && t->kind == SCENARIO_TOK_NUMBER && t->is_int)
		v = t->ival > (1ULL << 40) ? (double)(1ULL << 40) : (double)t->ival;
	else if (duration) {
		snprintf(err, errlen, "%s: expected %s from %lds to %lds, found '%s'", in->name, in->what, in->min,
			 in->max, shown);
		return -1;
	} else {
		snprintf(err, errlen, "%s: expected %s, a whole number from %ld to %ld, found '%s'", in->name, in->what,
			 in->min, in->max, shown);
		return -1;
	}
	if (v < (double)in->min || v > (double)in->max) {
		if (duration)
			snprintf(err, errlen, "%s: %s is out of range (%lds to %lds)", in->name, t->text, in->min, in->max);
		else
			snprintf(err, errlen, "%s: %s is out of range (%ld to %ld%s%s)", in->name, t->text, in->min,
				 in->max, *in->unit ? " " : "", in->unit);
		return -1;
	}
	*out = (long)v;
	return 0;
}
