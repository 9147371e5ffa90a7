/* sandbox_env.c: the fixed environment a program under test gets, never the grader's (tokens, keys). */
#include "sandbox_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Taken from the grader only when set: what finds and runs the same interpreter (pyenv's shim reads
 * PYENV_ROOT and PYENV_VERSION), the time zone, and what a sanitizer-built program is told to do. */
static const char *const passed[] = {"TZ",           "PYENV_ROOT",   "PYENV_VERSION", "ASAN_OPTIONS",
				     "UBSAN_OPTIONS", "LSAN_OPTIONS", "MSAN_OPTIONS",  "TSAN_OPTIONS"};

int sandbox_env(char *envp[SANDBOX_ENV_MAX], char *buf, size_t buflen)
{
	size_t n = 0, used;
	const char *path = getenv("PATH");
	/* The case's private /tmp is the program's home: writable, its own, emptied with the case. */
	const char *const set[] = {"HOME=/tmp", "LANG=C.UTF-8", "LC_ALL=C.UTF-8", "TERM=dumb"};
	int w = snprintf(buf, buflen, "PATH=%s", path && *path ? path : SANDBOX_ENV_PATH);
	if (w < 0 || (size_t)w >= buflen)
		return -1;
	envp[n++] = buf;
	used = (size_t)w + 1;
	for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
		envp[n++] = (char *)set[i];
	for (size_t i = 0; i < sizeof passed / sizeof passed[0]; i++) {
		const char *v = getenv(passed[i]);
		if (!v)
			continue;
		w = snprintf(buf + used, buflen - used, "%s=%s", passed[i], v);
		if (w < 0 || (size_t)w >= buflen - used)
			return -1;
		envp[n++] = buf + used;
		used += (size_t)w + 1;
	}
	envp[n] = NULL;
	return (int)n;
}
