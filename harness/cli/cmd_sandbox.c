/* cmd_sandbox.c: the sandbox options of `sockcheck run`: the submission directory and the limits. */
#include "cmd_sandbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_limit.h"

static const char *const names[] = {"--dir",      "--memory",       "--processes", "--open-files",
				    "--file-size", "--tmp-size", "--sandbox-uids", "--cpu-time", "--output-size"};

/* A positive integer no larger than max, or -1. */
static long positive(const char *arg, long max)
{
	char *end;
	long v = strtol(arg, &end, 10);
	return *arg && !*end && v >= 1 && v <= max ? v : -1;
}

/* The value of a limit a case header may also set, in that header's range (scenario_limit.h), or -1. */
static long in_range(const char *arg, enum scenario_limit l)
{
	const struct scenario_limit_info *in = scenario_limit_info(l);
	long v = positive(arg, in->max);
	return v >= in->min ? v : -1;
}

int cmd_sandbox_opt(struct cmd_sandbox *s, int ch, const char *arg, char *err, size_t errlen)
{
	struct sandbox_config *c = &s->cfg;
	long v = 0;
	const char *name = names[ch - CMD_SANDBOX_DIR];
	switch (ch) {
	case CMD_SANDBOX_DIR:
		c->dir = arg;
		break;
	case CMD_SANDBOX_MEMORY: /* "unlimited": no RLIMIT_AS (sanitizer builds reserve terabytes of it) */
		v = strcmp(arg, "unlimited") == 0 ? (c->mem_mib = SANDBOX_MEM_UNLIMITED, 1)
						  : (c->mem_mib = in_range(arg, SCENARIO_LIMIT_MEMORY));
		break;
	case CMD_SANDBOX_PROCESSES:
		v = c->nproc = in_range(arg, SCENARIO_LIMIT_PROCESSES);
		break;
	case CMD_SANDBOX_OPEN_FILES:
		v = c->nofile = in_range(arg, SCENARIO_LIMIT_OPEN_FILES);
		break;
	case CMD_SANDBOX_FILE_SIZE:
		v = c->fsize_mib = in_range(arg, SCENARIO_LIMIT_FILE_SIZE);
		break;
	case CMD_SANDBOX_CPU_TIME:
		v = c->cpu_s = in_range(arg, SCENARIO_LIMIT_CPU_TIME);
		break;
	case CMD_SANDBOX_OUTPUT_SIZE:
		v = c->output_mib = in_range(arg, SCENARIO_LIMIT_OUTPUT_SIZE);
		break;
	case CMD_SANDBOX_TMP_SIZE:
		v = c->tmp_mib = positive(arg, 1L << 20);
		break;
	case CMD_SANDBOX_UIDS: {
		unsigned base, count;
		char extra;
		if (sscanf(arg, "%u:%u%c", &base, &count, &extra) != 2 || base < 1000 || count < 1 ||
		    count > 65536 || base > 0xfffffff0u - count) {
			snprintf(err, errlen, "--sandbox-uids wants BASE:COUNT (BASE >= 1000, COUNT 1..65536), got '%s'",
				 arg);
			return -1;
		}
		c->uid_base = base;
		c->uid_count = count;
		break;
	}
	default:
		snprintf(err, errlen, "not a sandbox option");
		return -1;
	}
	if (v < 0) {
		int l = scenario_limit_find(name + 2);
		if (l >= 0)
			snprintf(err, errlen, "%s wants a whole number from %ld to %ld%s, got '%s'", name,
				 scenario_limit_info(l)->min, scenario_limit_info(l)->max,
				 l == SCENARIO_LIMIT_MEMORY ? " (or unlimited)" : "", arg);
		else
			snprintf(err, errlen, "%s wants a positive integer, got '%s'", name, arg);
		return -1;
	}
	s->given[ch - CMD_SANDBOX_DIR] = arg;
	return 0;
}

int cmd_sandbox_hide(struct cmd_sandbox *s, const char *path)
{
	for (size_t i = 0; i < s->nhide; i++)
		if (strcmp(s->hide[i], path) == 0)
			return 0;
	const char **v = realloc(s->hide, (s->nhide + 2) * sizeof *v);
	if (!v)
		return -1;
	s->hide = v;
	if (!(v[s->nhide] = strdup(path)))
		return -1;
	v[++s->nhide] = NULL;
	s->cfg.hide = s->hide;
	return 0;
}

void cmd_sandbox_reproduce(const struct cmd_sandbox *s, void (*append)(char **, const char *), char **cmd)
{
	for (int i = 0; i < CMD_SANDBOX_END - CMD_SANDBOX_DIR; i++) {
		if (!s->given[i])
			continue;
		append(cmd, names[i]);
		append(cmd, s->given[i]);
	}
}

void cmd_sandbox_free(struct cmd_sandbox *s)
{
	for (size_t i = 0; i < s->nhide; i++)
		free((char *)s->hide[i]);
	free(s->hide);
	s->hide = NULL;
	s->nhide = 0;
}
