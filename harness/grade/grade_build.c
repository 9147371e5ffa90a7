/* grade_build.c: builds a submission (make, or cc on each *.c) with time, CPU and output bounds. */
#define _GNU_SOURCE
#include "grade_build.h"

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

int grade_build_run(const char *dir, const char *cmd, double timeout, size_t cap, struct grade_build_result *r,
		    char *err, size_t errlen)
{
	memset(r, 0, sizeof *r);
	r->code = -1;
	r->command = strdup(cmd);
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) != 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	double start = now();
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		return -1;
	}
	if (pid == 0) {
		setpgid(0, 0);
		int devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			dup2(devnull, STDIN_FILENO);
		dup2(pfd[1], STDOUT_FILENO);
		dup2(pfd[1], STDERR_FILENO);
		struct rlimit cpu = {(rlim_t)timeout + 1, (rlim_t)timeout + 2}, fsize = {256u << 20, 256u << 20},
			      core = {0, 0};
		setrlimit(RLIMIT_CPU, &cpu);
		setrlimit(RLIMIT_FSIZE, &fsize);
		setrlimit(RLIMIT_CORE, &core);
		/* No network for a build: its own empty network namespace where we may make one. */
		if (unshare(CLONE_NEWNET) != 0)
			dprintf(STDOUT_FILENO, "[sockcheck: the build keeps the network (no network namespace: %s)]\n",
				strerror(errno));
		if (chdir(dir) != 0) {
			dprintf(STDERR_FILENO, "cannot enter %s: %s\n", dir, strerror(errno));
			_exit(126);
		}
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		dprintf(STDERR_FILENO, "exec /bin/sh: %s\n", strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	close(pfd[1]);
	r->ran = 1;
	size_t len = 0;
	int open_pipe = 1, status = 0, reaped = 0;
	double deadline = start + timeout;
	while (!reaped) {
		double left = deadline - now();
		if (left <= 0 && !r->timed_out) {
			r->timed_out = 1;
			kill(-pid, SIGKILL);
		}
		if (open_pipe) {
			struct pollfd p = {pfd[0], POLLIN, 0};
			int ms = r->timed_out ? 100 : (int)(left * 1000) + 1;
			if (poll(&p, 1, ms > 200 ? 200 : ms) > 0) {
				char buf[8192];
				ssize_t got = read(pfd[0], buf, sizeof buf);
				if (got > 0)
					append(r, cap, &len, buf, (size_t)got);
				else if (got == 0)
					open_pipe = 0;
			}
		} else {
			struct timespec ts = {0, 20 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			reaped = 1;
		if (r->timed_out && now() > deadline + 10)
			break; /* SIGKILL was sent; never wait forever (the pipe may be held by an escaped child) */
	}
	kill(-pid, SIGKILL); /* anything the build left behind in its group */
	close(pfd[0]);
	if (!reaped)
		waitpid(pid, &status, 0);
	r->seconds = now() - start;
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
