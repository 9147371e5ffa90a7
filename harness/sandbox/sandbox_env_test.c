/* sandbox_env_test.c: a program's environment is the documented fixed one, never the grader's secrets. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sandbox_int.h"
#include "unit.h"

UNIT_STATE;

/* The whole environment as one "A=1 B=2" line, for exact comparison. */
static void joined(char *const *envp, char *out, size_t len)
{
	out[0] = '\0';
	for (size_t i = 0; envp[i]; i++)
		snprintf(out + strlen(out), len - strlen(out), "%s%s", i ? " " : "", envp[i]);
}

int main(void)
{
	char *envp[SANDBOX_ENV_MAX], buf[4096], all[8192];
	clearenv();
	setenv("PATH", "/root/.pyenv/shims:/usr/bin:/bin", 1);
	setenv("HOME", "/root", 1);
	setenv("LANG", "de_DE.UTF-8", 1);
	setenv("CI_JOB_TOKEN", "glcbt-secret", 1);
	setenv("GITHUB_TOKEN", "ghp_secret", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "secret", 1);
	setenv("PYTHONUNBUFFERED", "1", 1);
	setenv("TZ", "UTC", 1);
	setenv("PYENV_VERSION", "3.12.1", 1);
	setenv("ASAN_OPTIONS", "detect_leaks=0", 1);
	CHECK_INT(sandbox_env(envp, buf, sizeof buf), 8);
	joined(envp, all, sizeof all);
	CHECK_STR(all, "PATH=/root/.pyenv/shims:/usr/bin:/bin HOME=/tmp LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=dumb TZ=UTC "
		       "PYENV_VERSION=3.12.1 ASAN_OPTIONS=detect_leaks=0");
	CHECK(strstr(all, "secret") == NULL);

	/* Without PATH: a sane default; without the optional ones: only the fixed five. */
	clearenv();
	setenv("GITHUB_TOKEN", "ghp_secret", 1);
	CHECK_INT(sandbox_env(envp, buf, sizeof buf), 5);
	joined(envp, all, sizeof all);
	CHECK_STR(all, "PATH=" SANDBOX_ENV_PATH " HOME=/tmp LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=dumb");

	/* Too little room: -1, never a truncated variable. */
	setenv("TZ", "Europe/Amsterdam", 1);
	CHECK_INT(sandbox_env(envp, buf, 40), -1);
	return unit_summary();
}
