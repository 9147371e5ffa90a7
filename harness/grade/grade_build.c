/* grade_build.c: builds a submission (make, or cc on each *.c) in the sandbox, bounded in time and output. */
#define _GNU_SOURCE
#include "grade_build.h"
#include "sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int exists(const char *dir, const char *name)
{
	char *p;
	if (asprintf(&p, "%s/%s", dir, name) < 0)
		return 0;
	struct stat st;
	int ok = stat(p, &st) == 0 && S_ISREG(st.st_mode);
	free(p);
	return ok;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A file name is used in the command only when it needs no quoting. */
static int plain(const char *s)
{
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+") == strlen(s);
}

char *grade_build_default(const char *dir)
{
	if (exists(dir, "Makefile") || exists(dir, "makefile") || exists(dir, "GNUmakefile"))
		return strdup("make");
	DIR *d = opendir(dir);
	if (!d)
		return NULL;
	char **c = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len > 2 && strcmp(e->d_name + len - 2, ".c") == 0 && plain(e->d_name) && exists(dir, e->d_name)) {
			char **nc = realloc(c, (n + 1) * sizeof *nc);
			if (!nc)
				break;
			c = nc;
			c[n++] = strndup(e->d_name, len - 2);
		}
	}
	closedir(d);
	if (n)
		qsort(c, n, sizeof *c, name_cmp);
	char *cmd = NULL;
	for (size_t i = 0; i < n; i++) {
		char *next;
		if (c[i] && asprintf(&next, "%s%scc -O2 -pthread -o %s %s.c", cmd ? cmd : "", cmd ? " && " : "", c[i],
				     c[i]) >= 0) {
			free(cmd);
			cmd = next;
		}
		free(c[i]);
	}
	free(c);
	return cmd;
}

static void append(struct grade_build_result *r, size_t cap, size_t *len, const char *buf, size_t n)
{
	if (*len + n > cap) {
		r->truncated = 1;
		n = *len < cap ? cap - *len : 0;
	}
	if (n == 0)
		return;
	char *nl = realloc(r->log, *len + n + 1);
	if (!nl)
		return;
	r->log = nl;
	memcpy(r->log + *len, buf, n);
	*len += n;
	r->log[*len] = '\0';
}

int grade_build_run(const char *dir, const char *cmd, double timeout, size_t cap, const char *const *hide,
		    struct grade_build_result *r, char *err, size_t errlen)
{
	memset(r, 0, sizeof *r);
	r->code = -1;
	r->command = strdup(cmd);
	/* The log goes to an unlinked file: the build's writes to it are capped by its file size limit, and
	 * nothing has to be read while it runs. */
	const char *tmp = getenv("TMPDIR");
	char path[4096];
	snprintf(path, sizeof path, "%s/sockcheck-build-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot create the build log %s: %s", path, strerror(errno));
		return -1;
	}
	unlink(path);
	struct sandbox_config cfg = {.dir = dir, .hide = hide};
	char serr[SANDBOX_ERRBUF_SIZE];
	double start = now();
	fflush(NULL);
	int status = sandbox_run_build(&cfg, cmd, timeout, fd, serr);
	r->seconds = now() - start;
	if (status < 0) {
		snprintf(err, errlen, "%s", serr);
		close(fd);
		return -1;
	}
	r->ran = 1;
	/* sandbox_run_build stops the command at `timeout` of wall-clock time (SIGTERM, then SIGKILL). */
	r->timed_out = WIFSIGNALED(status) && r->seconds >= timeout;
	size_t len = 0;
	char buf[8192];
	ssize_t got;
	if (lseek(fd, 0, SEEK_SET) == 0)
		while ((got = read(fd, buf, sizeof buf)) > 0)
			append(r, cap, &len, buf, (size_t)got);
	close(fd);
	r->code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	r->ok = !r->timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	if (r->timed_out) {
		char note[160];
		snprintf(note, sizeof note, "\n[sockcheck: the build was stopped after its limit of %.0f s]\n", timeout);
		append(r, cap + sizeof note, &len, note, strlen(note));
	} else if (WIFSIGNALED(status)) {
		char note[160];
		snprintf(note, sizeof note, "\n[sockcheck: the build was killed by signal %d]\n", WTERMSIG(status));
		append(r, cap + sizeof note, &len, note, strlen(note));
	}
	return 0;
}

void grade_build_result_free(struct grade_build_result *r)
{
	free(r->command);
	free(r->log);
	memset(r, 0, sizeof *r);
}
