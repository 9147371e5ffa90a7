/* sandbox_fs_test.c: what a program sees and who it is: the submission directory rule, the mount view,
 * the identity (uid, capabilities, no_new_privs, seccomp), its own /proc, /dev/null stdin. */
#define _GNU_SOURCE
#include "unit.h"
UNIT_STATE;
#include "sandbox_testkit.h"

#include <limits.h>
#include <sys/stat.h>

struct env {
	char dir[256]; /* a submission: dir/server.py, dir/server (a script), dir/data/ */
	char cwd[PATH_MAX];
};

static void t_submission(void *arg)
{
	const struct env *e = arg;
	char out[PATH_MAX], cmd[1024];
	snprintf(cmd, sizeof cmd, "python3 -u %s/server.py 9000", e->dir);
	CHECK_INT(sandbox_fs_submission(cmd, out, sizeof out), 0);
	CHECK_STR(out, e->dir);
	snprintf(cmd, sizeof cmd, "exec /usr/bin/python3 '%s/server.py' {port}", e->dir);
	CHECK_INT(sandbox_fs_submission(cmd, out, sizeof out), 0);
	CHECK_STR(out, e->dir);
	snprintf(cmd, sizeof cmd, "%s/server 9000", e->dir);
	CHECK_INT(sandbox_fs_submission(cmd, out, sizeof out), 0);
	CHECK_STR(out, e->dir);
	/* A data file of the program is not the program. */
	snprintf(cmd, sizeof cmd, "%s/server %s/data/input.txt", e->dir, e->dir);
	CHECK_INT(sandbox_fs_submission(cmd, out, sizeof out), 0);
	CHECK_STR(out, e->dir);
	/* No program file, a system one, or a kernel file: the current directory. */
	CHECK_INT(sandbox_fs_submission("python3 -c 'print(1)'", out, sizeof out), 0);
	CHECK_STR(out, e->cwd);
	CHECK_INT(sandbox_fs_submission("cat /proc/self/status", out, sizeof out), 0);
	CHECK_STR(out, e->cwd);
	CHECK_INT(sandbox_fs_submission("/bin/sleep 1", out, sizeof out), 0);
	CHECK_STR(out, e->cwd);
}

/* Runs cmd in the sandbox (stdin /dev/null) and returns its stdout in out. */
static int run(struct sandbox *sb, const char *cmd, char *out, size_t cap)
{
	char err[SANDBOX_ERRBUF_SIZE];
	struct sandbox_proc p;
	out[0] = '\0';
	if (sandbox_spawn_ex(sb, cmd, 5, SANDBOX_STDIN_NULL, &p, err) < 0) {
		fprintf(stderr, "spawn %s: %s\n", cmd, err);
		CHECK(!"spawn");
		return -1;
	}
	CHECK_INT(p.stdin_fd, -1);
	testkit_read(p.stdout_fd, out, cap, NULL, 5);
	testkit_wait_exit(&p, 5);
	sandbox_proc_close(&p);
	return WIFEXITED(p.status) ? WEXITSTATUS(p.status) : 128 + WTERMSIG(p.status);
}

static void t_view(void *arg)
{
	const struct env *e = arg;
	char err[SANDBOX_ERRBUF_SIZE], out[8192], cmd[2048];
	const char *hide[] = {NULL, NULL};
	char hidden[300];
	snprintf(hidden, sizeof hidden, "%s/data", e->dir);
	hide[0] = hidden;
	struct sandbox_config cfg = {.dir = e->dir, .hide = hide};
	struct sandbox *sb = sandbox_enter_with(&cfg, err);
	if (!sb) {
		fprintf(stderr, "sandbox_enter_with: %s\n", err);
		CHECK(!"enter");
		return;
	}
	/* Identity: the sandbox uid, no capabilities, no_new_privs, seccomp filtering. */
	CHECK_INT(run(sb, "id -u; id -g", out, sizeof out), 0);
	char want[64];
	snprintf(want, sizeof want, "%u\n%u\n", sandbox_uid(sb), sandbox_uid(sb));
	CHECK_STR(out, want);
	CHECK(sandbox_uid(sb) >= SANDBOX_UID_BASE && sandbox_uid(sb) < SANDBOX_UID_BASE + SANDBOX_UID_COUNT);
	run(sb, "grep -E '^(CapEff|CapPrm|CapBnd|NoNewPrivs|Seccomp):' /proc/self/status | tr -s '\\t' ' '", out,
	    sizeof out);
	CHECK_STR(out, "CapPrm: 0000000000000000\nCapEff: 0000000000000000\nCapBnd: 0000000000000000\n"
		       "NoNewPrivs: 1\nSeccomp: 2\n");
	/* Its own /proc: only itself (the shell and ls), never our init or the harness. */
	CHECK_INT(run(sb, "ls /proc > /tmp/ls; grep -c '^[0-9]' /tmp/ls; test -e /proc/1 || echo no-init", out, sizeof out), 0);
	CHECK_STR(out, "2\nno-init\n");
	/* The system read-only, secrets and the host's /tmp and homes absent, the submission read-only with
	 * private writes, the hidden path empty, a writable /tmp shared with the harness. */
	CHECK(run(sb, "touch /usr/x /etc/x /x", out, sizeof out) != 0);
	CHECK_INT(run(sb, "wc -c < /etc/shadow; ls -A /home /root 2>/dev/null | wc -l", out, sizeof out), 0);
	CHECK_STR(out, "0\n0\n");
	snprintf(cmd, sizeof cmd, "cd %s && cat server.py && echo new > new.txt && cat new.txt && ls data | wc -l", e->dir);
	CHECK_INT(run(sb, cmd, out, sizeof out), 0);
	CHECK_STR(out, "print('server')\nnew\n0\n");
	CHECK_INT(run(sb, "echo shared > /tmp/f && cat /tmp/f", out, sizeof out), 0);
	CHECK_STR(out, "shared\n");
	char path[PATH_MAX + 8];
	snprintf(path, sizeof path, "%s/f", sandbox_shared_dir(sb));
	FILE *f = fopen(path, "r");
	CHECK(f != NULL);
	if (f) {
		CHECK(fgets(out, sizeof out, f) != NULL);
		CHECK_STR(out, "shared\n");
		fclose(f);
	}
	/* stdin is /dev/null: cat ends at once. */
	CHECK_INT(run(sb, "cat; echo done", out, sizeof out), 0);
	CHECK_STR(out, "done\n");
	/* No new namespaces, no mounts. */
	CHECK(run(sb, "unshare -U true", out, sizeof out) != 0);
	sandbox_destroy(sb);
}

static void t_build(void *arg)
{
	const struct env *e = arg;
	char err[SANDBOX_ERRBUF_SIZE], dir[300], out[4096] = "";
	snprintf(dir, sizeof dir, "%s/build", e->dir);
	mkdir(dir, 0755);
	struct sandbox_config cfg = {.dir = dir};
	int fds[2];
	if (pipe(fds) < 0)
		return;
	/* The product stays in the directory; the output arrives; the host's /tmp is not the build's. */
	int st = sandbox_run_build(&cfg, "echo built > product && echo made && ls /tmp | grep -v sockcheck-fs-test | wc -l >&2", 10, fds[1], err);
	close(fds[1]);
	testkit_read(fds[0], out, sizeof out, NULL, 2);
	close(fds[0]);
	if (st < 0)
		fprintf(stderr, "sandbox_run_build: %s\n", err);
	CHECK_INT(st, 0);
	CHECK_STR(out, "made\n0\n");
	char path[400];
	snprintf(path, sizeof path, "%s/product", dir);
	struct stat sp;
	CHECK_INT(stat(path, &sp), 0);
	CHECK_INT((long)sp.st_uid, (long)geteuid()); /* given back to the owner */
	/* A build that runs too long is stopped at its bound. */
	double t0 = sandbox_now();
	st = sandbox_run_build(&cfg, "sleep 30", 0.5, -1, err);
	CHECK(sandbox_now() - t0 < 5);
	CHECK(st > 0 && WIFSIGNALED(st));
	/* No directory: the harness's error, not a status. */
	cfg.dir = NULL;
	CHECK_INT(sandbox_run_build(&cfg, "true", 1, -1, err), -1);
	CHECK(strstr(err, "not a directory") != NULL);
}

int main(void)
{
	struct env e;
	snprintf(e.dir, sizeof e.dir, "/tmp/sockcheck-fs-test-XXXXXX");
	if (!mkdtemp(e.dir) || !getcwd(e.cwd, sizeof e.cwd)) {
		perror("setup");
		return 1;
	}
	chmod(e.dir, 0755);
	char path[PATH_MAX + 32];
	snprintf(path, sizeof path, "%s/server.py", e.dir);
	FILE *f = fopen(path, "w");
	if (f) {
		fputs("print('server')\n", f);
		fclose(f);
	}
	chmod(path, 0644);
	snprintf(path, sizeof path, "%s/server", e.dir);
	f = fopen(path, "w");
	if (f) {
		fputs("#!/bin/sh\n", f);
		fclose(f);
	}
	chmod(path, 0755);
	snprintf(path, sizeof path, "%s/data", e.dir);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/data/input.txt", e.dir);
	f = fopen(path, "w");
	if (f)
		fclose(f);
	testkit_in_worker("submission", t_submission, &e, 10);
	testkit_in_worker("view", t_view, &e, 30);
	testkit_in_worker("build", t_build, &e, 30);
	/* The original is unchanged. */
	snprintf(path, sizeof path, "%s/server.py", e.dir);
	char line[64] = "";
	f = fopen(path, "r");
	if (f) {
		if (!fgets(line, sizeof line, f))
			line[0] = '\0';
		fclose(f);
	}
	CHECK_STR(line, "print('server')\n");
	snprintf(path, sizeof path, "%s/new.txt", e.dir);
	CHECK(access(path, F_OK) != 0); /* the program's write stayed in its overlay */
	char rm[PATH_MAX + 16];
	snprintf(rm, sizeof rm, "rm -rf '%s'", e.dir);
	if (system(rm) != 0)
		fprintf(stderr, "could not remove %s\n", e.dir);
	return unit_summary();
}
