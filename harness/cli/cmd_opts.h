/* cmd_opts.h: command-line checks shared by the subcommands (run, matrix, selftest). */
#ifndef SOCKCHECK_CMD_OPTS_H
#define SOCKCHECK_CMD_OPTS_H

#include <getopt.h>
#include <stddef.h>

/* What getopt_long() has returned so far, to refuse a single-valued option given twice. */
struct cmd_opts_seen {
	unsigned char seen[256];
};

/* Call once per option getopt_long() returns (ch) with the command's long options. An option that takes a
 * value may be given once: the second time returns -1 with err ("--format was given twice ..."), because
 * "the last one wins" silently drops what the user asked for first. Options without a value (flags) and
 * the characters in `repeatable` (list options that accumulate) may repeat. Returns 0 otherwise. */
int cmd_opts_once(struct cmd_opts_seen *s, const struct option *longs, int ch, const char *repeatable,
		  char *err, size_t errlen);

/* The default time scale of run, matrix and selftest (before --time-scale): SOCKCHECK_TIME_SCALE when set
 * and not empty, read with strtod (not a number gives 0), else 1. */
double cmd_opts_time_scale_env(void);

/* Appends " s" to the malloc'd *cmd, single-quoted for sh unless s is plain (letters, digits, -_./=:,+).
 * On out of memory *cmd is left as it was. */
void cmd_opts_append_quoted(char **cmd, const char *s);

#endif
