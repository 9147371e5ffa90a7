/* sandbox_build.c: running a build command (`make`) on a submission in a sandbox of its own. */
#define _GNU_SOURCE
#include "sandbox_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void errf(char errbuf[SANDBOX_ERRBUF_SIZE], const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errbuf, SANDBOX_ERRBUF_SIZE, fmt, ap);
	va_end(ap);
}

/* chown -R (symlinks themselves, never followed) of the directory open as dfd; closes dfd. */
static int chown_tree(int dfd, uid_t uid, gid_t gid, int depth)
{
	int rc = fchown(dfd, uid, gid);
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -1;
	}
	struct dirent *e;
	while (rc == 0 && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (e->d_type == DT_DIR && depth < 64) {
			int sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			rc = sub < 0 ? -1 : chown_tree(sub, uid, gid, depth + 1);
		} else {
			rc = fchownat(dirfd(d), e->d_name, uid, gid, AT_SYMLINK_NOFOLLOW);
		}
	}
	closedir(d);
	return rc;
}

static int chown_dir(const char *dir, uid_t uid, gid_t gid)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -1 : chown_tree(fd, uid, gid, 0);
}

/* Copies what arrives on *fd to out (discarded when out < 0); closes *fd at its end. */
static void pump(int *fd, int out)
{
	char buf[65536];
	ssize_t n = read(*fd, buf, sizeof buf);
	if (n > 0 && out >= 0 && write(out, buf, (size_t)n) < 0)
		return;
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		close(*fd);
		*fd = -1;
	}
}

/* The worker: a sandbox with dir bound writable, the command, its output. Returns the wait status or -1. */
static int build_worker(const struct sandbox_config *cfg, const char *cmd, double seconds, int out_fd,
			char errbuf[SANDBOX_ERRBUF_SIZE])
{
	struct stat top;
	if (!cfg->dir || stat(cfg->dir, &top) < 0 || !S_ISDIR(top.st_mode)) {
		errf(errbuf, "the build directory %s is not a directory", cfg->dir ? cfg->dir : "(none)");
		return -1;
	}
	struct sandbox *sb = sandbox_enter_with(cfg, errbuf);
	if (!sb)
		return -1;
	sb->rw_dir = 1;
	int root = sb->was_root;
	/* As root, the build's uid owns the tree while it builds; the owner gets it back afterwards. */
	if (root && chown_dir(cfg->dir, sb->uid, sb->uid) < 0) {
		errf(errbuf, "cannot hand %s to the build's uid %u: %s", cfg->dir, sb->uid, strerror(errno));
		sandbox_destroy(sb);
		return -1;
	}
	struct sandbox_proc p;
	int rc = -1;
	if (sandbox_spawn_ex(sb, cmd, seconds, SANDBOX_STDIN_NULL, &p, errbuf) == 0) {
		double deadline = sandbox_now() + seconds;
		while (!sandbox_proc_reap(&p) && sandbox_now() < deadline) {
			struct pollfd pfd[3] = {{.fd = p.stdout_fd, .events = POLLIN},
						{.fd = p.stderr_fd, .events = POLLIN},
						{.fd = p.pidfd, .events = POLLIN}};
			poll(pfd, 3, 50);
			if (pfd[0].revents)
				pump(&p.stdout_fd, out_fd);
			if (pfd[1].revents)
				pump(&p.stderr_fd, out_fd);
		}
		if (!p.exited)
			sandbox_proc_stop(&p, 0.5);
		/* What is left in the pipes; a descendant that kept them open is dead by now. */
		sandbox_destroy(sb);
		sb = NULL;
		while (p.stdout_fd >= 0)
			pump(&p.stdout_fd, out_fd);
		while (p.stderr_fd >= 0)
			pump(&p.stderr_fd, out_fd);
		rc = p.status;
		sandbox_proc_close(&p);
	}
	sandbox_destroy(sb);
	if (root && chown_dir(cfg->dir, top.st_uid, top.st_gid) < 0 && rc >= 0) {
		errf(errbuf, "cannot give %s back to its owner: %s", cfg->dir, strerror(errno));
		rc = -1;
	}
	return rc;
}

int sandbox_run_build(const struct sandbox_config *cfg, const char *cmd, double seconds, int out_fd,
		      char errbuf[SANDBOX_ERRBUF_SIZE])
{
	errbuf[0] = '\0';
	int st[2];
	if (pipe2(st, O_CLOEXEC) < 0) {
		errf(errbuf, "pipe: %s", strerror(errno));
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		errf(errbuf, "fork: %s", strerror(errno));
		close(st[0]);
		close(st[1]);
		return -1;
	}
	if (pid == 0) {
		close(st[0]);
		char err[SANDBOX_ERRBUF_SIZE] = "";
		int rc = build_worker(cfg, cmd, seconds, out_fd, err);
		char msg[SANDBOX_ERRBUF_SIZE + 16];
		int n = snprintf(msg, sizeof msg, "%d %s", rc, err);
		if (write(st[1], msg, (size_t)n) < 0)
			_exit(1);
		_exit(0);
	}
	close(st[1]);
	char msg[SANDBOX_ERRBUF_SIZE + 16];
	size_t len = 0;
	for (;;) {
		ssize_t n = read(st[0], msg + len, sizeof msg - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || (len += (size_t)n) >= sizeof msg - 1)
			break;
	}
	close(st[0]);
	msg[len] = '\0';
	int wst;
	while (waitpid(pid, &wst, 0) < 0 && errno == EINTR)
		;
	int rc = -1, off = 0;
	if (len == 0 || sscanf(msg, "%d %n", &rc, &off) < 1) {
		errf(errbuf, "the build's worker died (status 0x%x)", wst);
		return -1;
	}
	if (rc < 0)
		errf(errbuf, "%s", msg + off);
	return rc;
}
