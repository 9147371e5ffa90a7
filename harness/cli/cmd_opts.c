/* cmd_opts.c: command-line checks shared by the subcommands: a single-valued option given twice is an error. */
#include "cmd_opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cmd_opts_once(struct cmd_opts_seen *s, const struct option *longs, int ch, const char *repeatable,
		  char *err, size_t errlen)
{
	if (ch <= 0 || ch > 255 || (repeatable && strchr(repeatable, ch)))
		return 0;
	const struct option *o = longs;
	while (o->name && o->val != ch)
		o++;
	if (!o->name || o->has_arg != required_argument)
		return 0; /* a flag, or an unknown option getopt already reported */
	if (!s->seen[ch]) {
		s->seen[ch] = 1;
		return 0;
	}
	snprintf(err, errlen, "--%s was given twice: give it once (the last one would silently replace the first)",
		 o->name);
	return -1;
}

double cmd_opts_time_scale_env(void)
{
	const char *env = getenv("SOCKCHECK_TIME_SCALE");
	return env && *env ? strtod(env, NULL) : 1.0;
}

void cmd_opts_append_quoted(char **cmd, const char *s)
{
	int plain = *s != '\0';
	for (const char *p = s; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+", *p))
			plain = 0;
	size_t need = strlen(*cmd) + 4 * strlen(s) + 4;
	char *out = realloc(*cmd, need);
	if (!out)
		return;
	*cmd = out;
	char *o = out + strlen(out);
	*o++ = ' ';
	if (plain) {
		strcpy(o, s);
		return;
	}
	*o++ = '\'';
	for (const char *p = s; *p; p++) {
		if (*p == '\'') {
			memcpy(o, "'\\''", 4);
			o += 4;
		} else {
			*o++ = *p;
		}
	}
	*o++ = '\'';
	*o = '\0';
}
