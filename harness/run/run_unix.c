/* run_unix.c: AF_UNIX cases (`family unix`): the case's socket path, the stale socket file, `expect unlinked`. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stddef.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "run_ctx.h"

#define RUN_UNIX_SOCK "sock" /* the socket file's name inside the case's directory */
#define RUN_UNIX_DIR "sockcheck-unix" /* that directory, in the sandbox's /tmp */

/* The one place that chooses where a case's socket file lives. In the sandbox, a directory in the case's
 * private /tmp: the harness reaches it through sandbox_shared_dir(), the program sees it as /tmp. It is not
 * sticky (the case's /tmp is), so a correct server can unlink() a stale socket file the harness left there.
 * Without the sandbox's directory, a fresh directory in $TMPDIR that both see at the same path. Sets out
 * (the harness's view) and prog (the program's). 0, or -1 with err. */
static int case_dir(struct run_ctx *c, char **out, char **prog, char *err, size_t errlen)
{
	const char *shared = sandbox_shared_dir(c->sb);
	if (shared) {
		if (asprintf(out, "%s/%s", shared, RUN_UNIX_DIR) < 0 || !(*prog = strdup("/tmp/" RUN_UNIX_DIR)))
			return snprintf(err, errlen, "out of memory"), -1;
		if ((mkdir(*out, 0777) != 0 && errno != EEXIST) || chmod(*out, 0777) != 0) {
			snprintf(err, errlen, "cannot create a directory for the case's socket (%s): %s", *out, strerror(errno));
			return -1;
		}
		return 0;
	}
	const char *tmp = getenv("TMPDIR");
	char *tmpl = NULL;
	if (asprintf(&tmpl, "%s/sockcheck-unix-XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0)
		return snprintf(err, errlen, "out of memory"), -1;
	if (!mkdtemp(tmpl)) {
		snprintf(err, errlen, "cannot create a directory for the case's socket (%s): %s", tmpl, strerror(errno));
		free(tmpl);
		return -1;
	}
	*out = tmpl;
	if (!(*prog = strdup(tmpl)))
		return snprintf(err, errlen, "out of memory"), -1;
	return 0;
}

const char *run_unix_path(struct run_ctx *c)
{
	if (c->unix_path)
		return c->unix_path;
	char err[256];
	char *prog_dir = NULL;
	if (case_dir(c, &c->unix_dir, &prog_dir, err, sizeof err) != 0) {
		free(prog_dir);
		run_fail(c, RUN_ERROR, "harness: %s", err);
		return NULL;
	}
	char *path = NULL;
	int n = asprintf(&c->unix_prog_path, "%s/%s", prog_dir, RUN_UNIX_SOCK);
	free(prog_dir);
	if (n < 0 || asprintf(&path, "%s/%s", c->unix_dir, RUN_UNIX_SOCK) < 0) {
		run_fail(c, RUN_ERROR, "harness: out of memory");
		return NULL;
	}
	if (strlen(path) >= sizeof((struct sockaddr_un *)0)->sun_path) {
		run_fail(c, RUN_ERROR, "harness: the socket path %s is longer than an AF_UNIX address holds (%zu "
			 "bytes): set TMPDIR to a shorter directory", path, sizeof((struct sockaddr_un *)0)->sun_path - 1);
		free(path);
		return NULL;
	}
	c->unix_path = path;
	return path;
}

int run_unix_sockaddr(struct run_ctx *c, struct sockaddr_storage *ss, socklen_t *len)
{
	const char *path = run_unix_path(c);
	if (!path)
		return -1;
	memset(ss, 0, sizeof *ss);
	struct sockaddr_un *a = (struct sockaddr_un *)ss;
	a->sun_family = AF_UNIX;
	memcpy(a->sun_path, path, strlen(path) + 1);
	*len = (socklen_t)sizeof *a;
	return 0;
}

int run_unix_bind_client(struct run_ctx *c, int fd, const char *name)
{
	if (!run_unix_path(c))
		return -1;
	/* An abstract address (a leading NUL: a name in the network namespace, not a file): the program
	 * answers it with sendto() whatever its view of the filesystem (its /tmp is not the harness's). */
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	int n = snprintf(a.sun_path + 1, sizeof a.sun_path - 1, "sockcheck-%s.dgram", name);
	if (n < 0 || (size_t)n >= sizeof a.sun_path - 1) {
		run_fail(c, RUN_ERROR, "connect %s: the name is too long for an AF_UNIX address", name);
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&a, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n)) != 0) {
		run_fail(c, RUN_ERROR, "connect %s: bind @sockcheck-%s.dgram: %s", name, name, strerror(errno));
		return -1;
	}
	return 0;
}

enum run_status run_step_stale(struct run_ctx *c, const struct scenario_step *st)
{
	(void)st;
	struct sockaddr_storage ss;
	socklen_t len;
	if (run_unix_sockaddr(c, &ss, &len) != 0)
		return RUN_ERROR;
	/* A socket bound to the path and closed without unlink(): what a crashed earlier run leaves. Its file
	 * stays; connecting to it is refused; bind() on it fails with EADDRINUSE until someone unlinks it. */
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return run_fail(c, RUN_ERROR, "stale-socket: cannot create %s: %s", c->unix_path, strerror(e));
	}
	close(fd);
	chmod(c->unix_path, 0777); /* as the program's own earlier run would have left it: its to connect to or remove */
	c->stale_planted = 1;
	return RUN_OK;
}

static int gone(struct run_ctx *c, void *arg)
{
	(void)arg;
	struct stat sb;
	return lstat(c->unix_path, &sb) != 0 && errno == ENOENT;
}

enum run_status run_expect_unlinked(struct run_ctx *c, const struct scenario_step *st)
{
	if (!run_unix_path(c))
		return RUN_ERROR;
	double within = run_scaled(c, st->u.expect.within, RUN_DEFAULT_EXPECT);
	int w = run_wait(c, run_now() + within, gone, NULL);
	if (w == -1)
		return RUN_TIMEOUT;
	if (w == -2)
		return RUN_ERROR;
	if (w == 1)
		return RUN_OK;
	run_detail(&c->r->expected, "no file at %s within %.2fs", c->unix_prog_path, within);
	run_detail(&c->r->actual, "the socket file is still there");
	return run_fail(c, RUN_FAIL, "expect %s unlinked: the socket file %s is still there after %.2fs: the %s "
			"should unlink() its path when it stops", st->target, c->unix_prog_path, within, st->target);
}

void run_unix_cleanup(struct run_ctx *c)
{
	if (c->unix_dir) {
		DIR *d = opendir(c->unix_dir);
		struct dirent *e;
		while (d && (e = readdir(d)) != NULL)
			if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
				unlinkat(dirfd(d), e->d_name, 0);
		if (d)
			closedir(d);
		rmdir(c->unix_dir);
	}
	free(c->unix_dir);
	free(c->unix_path);
	free(c->unix_prog_path);
	c->unix_dir = c->unix_path = c->unix_prog_path = NULL;
}
