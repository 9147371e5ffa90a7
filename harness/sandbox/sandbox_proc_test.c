/* sandbox_proc_test.c: spawning programs in the sandbox: pipes, exit status, clean signals/rlimits/fds, stop. */
#define _GNU_SOURCE
#include "unit.h"
UNIT_STATE;
#include "sandbox_testkit.h"

#include <fcntl.h>

struct run {
	char out[4096], err[4096];
	int status;
	int exited;
};

/* Runs cmd to completion (bounded) with optional stdin text. */
static void run(struct sandbox *sb, const char *cmd, const char *input, double cpu, struct run *r)
{
	char errbuf[SANDBOX_ERRBUF_SIZE];
	struct sandbox_proc p;
	memset(r, 0, sizeof *r);
	if (sandbox_spawn(sb, cmd, cpu, &p, errbuf) < 0) {
		fprintf(stderr, "spawn %s: %s\n", cmd, errbuf);
		CHECK(!"spawn");
		return;
	}
	if (input)
		CHECK(write(p.stdin_fd, input, strlen(input)) == (ssize_t)strlen(input));
	close(p.stdin_fd);
	p.stdin_fd = -1;
	testkit_read(p.stdout_fd, r->out, sizeof r->out, NULL, 10);
	testkit_read(p.stderr_fd, r->err, sizeof r->err, NULL, 10);
	r->exited = testkit_wait_exit(&p, 10);
	r->status = p.status;
	if (!r->exited)
		sandbox_proc_stop(&p, 0);
	sandbox_proc_close(&p);
}

/* "soft hard" of one line of /proc/<pid>/limits text, or "" (static buffer). */
static const char *limit_of(const char *limits, const char *name)
{
	static char out[64];
	char soft[32], hard[32];
	out[0] = '\0';
	const char *line = strstr(limits, name);
	if (line && sscanf(line + strlen(name), " %31s %31s", soft, hard) == 2)
		snprintf(out, sizeof out, "%s %s", soft, hard);
	return out;
}

static void t_basics(void *arg)
{
	(void)arg;
	char errbuf[SANDBOX_ERRBUF_SIZE];
	struct sandbox *sb = sandbox_enter(errbuf);
	CHECK(sb != NULL);
	if (!sb) {
		fprintf(stderr, "sandbox_enter: %s\n", errbuf);
		return;
	}
	struct run r;
	run(sb, "echo hi", NULL, 5, &r);
	CHECK_STR(r.out, "hi\n");
	CHECK_STR(r.err, "");
	CHECK(r.exited && WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0);

	run(sb, "echo oops >&2; exit 3", NULL, 5, &r);
	CHECK_STR(r.err, "oops\n");
	CHECK(r.exited && WIFEXITED(r.status) && WEXITSTATUS(r.status) == 3);

	run(sb, "read x; echo \"got $x\"", "abc\n", 5, &r);
	CHECK_STR(r.out, "got abc\n");

	run(sb, "/nonexistent/program", NULL, 5, &r);
	CHECK(r.exited && WIFEXITED(r.status) && WEXITSTATUS(r.status) == 127);
	CHECK(strstr(r.err, "nonexistent") != NULL);

	/* Signal dispositions and mask are the defaults, whatever the worker had (SIGPIPE!). */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGUSR2, SIG_IGN);
	sigset_t block;
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, NULL);
	run(sb, "grep -E '^Sig(Blk|Ign)' /proc/self/status", NULL, 5, &r);
	CHECK_STR(r.out, "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
	run(sb, "yes | head -n 1", NULL, 5, &r); /* yes dies of SIGPIPE quietly */
	CHECK_STR(r.out, "y\n");
	CHECK_STR(r.err, "");

	/* Only stdin/stdout/stderr are open (fd 3 is ls's own directory handle). */
	int leak = open("/dev/null", O_RDONLY); /* not close-on-exec: must not reach the program */
	run(sb, "ls /proc/self/fd", NULL, 5, &r);
	CHECK_STR(r.out, "0\n1\n2\n3\n");
	close(leak);

	/* rlimits, as the program sees them (the kernel's table, whatever the shell). */
	run(sb, "cat /proc/self/limits", NULL, 2.5, &r);
	CHECK_STR(limit_of(r.out, "Max core file size"), "0 0");
	CHECK_STR(limit_of(r.out, "Max file size"), "67108864 67108864");
	CHECK_STR(limit_of(r.out, "Max open files"), "1024 1024");
	CHECK_STR(limit_of(r.out, "Max cpu time"), "3 4");
	/* Applied as root too: the program runs as a sandbox uid, without CAP_SYS_RESOURCE. */
	CHECK_STR(limit_of(r.out, "Max processes"), "256 256");
	CHECK_STR(limit_of(r.out, "Max address space"), "1073741824 1073741824");
	run(sb, "cat /proc/self/limits", NULL, 0.2, &r);
	CHECK_STR(limit_of(r.out, "Max cpu time"), "1 2");

	/* The CPU limit ends a busy loop (SIGXCPU at 1 s of CPU time; the wall time depends on load,
	 * run() allows 10 s). */
	run(sb, "while :; do :; done", NULL, 1, &r);
	CHECK(r.exited && WIFSIGNALED(r.status) && WTERMSIG(r.status) == SIGXCPU);
	sandbox_destroy(sb);
}

static void t_signals(void *arg)
{
	(void)arg;
	char errbuf[SANDBOX_ERRBUF_SIZE];
	struct sandbox *sb = sandbox_enter(errbuf);
	CHECK(sb != NULL);
	if (!sb)
		return;
	struct sandbox_proc p;

	/* reap is non-blocking; signal reaches the program. */
	CHECK_INT(sandbox_spawn(sb, "sleep 100", 5, &p, errbuf), 0);
	CHECK_INT(sandbox_proc_reap(&p), 0);
	CHECK_INT(p.exited, 0);
	CHECK_INT(sandbox_proc_signal(&p, SIGUSR1), 0);
	CHECK(testkit_wait_exit(&p, 5));
	CHECK(WIFSIGNALED(p.status) && WTERMSIG(p.status) == SIGUSR1);
	CHECK_INT(sandbox_proc_reap(&p), 1); /* idempotent */
	sandbox_proc_close(&p);
	CHECK(p.stdin_fd == -1 && p.stdout_fd == -1 && p.stderr_fd == -1 && p.pidfd == -1);

	/* stop: a program that honours SIGTERM exits within the grace period. */
	CHECK_INT(sandbox_spawn(sb, "sleep 100", 5, &p, errbuf), 0);
	double t0 = sandbox_now();
	CHECK_INT(sandbox_proc_stop(&p, 3), 1);
	CHECK(sandbox_now() - t0 < 1);
	CHECK(p.exited && WIFSIGNALED(p.status) && WTERMSIG(p.status) == SIGTERM);
	sandbox_proc_close(&p);

	/* stop: one that ignores SIGTERM is killed once the grace period is over. */
	CHECK_INT(sandbox_spawn(sb, "trap '' TERM; echo ready; sleep 100; echo survived", 5, &p, errbuf), 0);
	char out[64];
	testkit_read(p.stdout_fd, out, sizeof out, "ready\n", 5);
	CHECK_STR(out, "ready\n");
	t0 = sandbox_now();
	CHECK_INT(sandbox_proc_stop(&p, 0.5), 0);
	double took = sandbox_now() - t0;
	CHECK(took >= 0.5 && took < 2);
	CHECK(p.exited && WIFSIGNALED(p.status) && WTERMSIG(p.status) == SIGKILL);
	sandbox_proc_close(&p);

	/* stop also clears the program's background children (same process group). */
	CHECK_INT(sandbox_spawn(sb, "sleep 100 & echo $!; exit 0", 5, &p, errbuf), 0);
	CHECK(testkit_wait_exit(&p, 5));
	struct sandbox_stats st;
	CHECK_INT(sandbox_proc_stats(sb, &p, &st, errbuf), 0);
	CHECK_INT(st.processes, 1); /* the background sleep, now init's */
	CHECK_INT(sandbox_proc_stop(&p, 1), 1);
	double deadline = sandbox_now() + 3;
	do {
		CHECK_INT(sandbox_proc_stats(sb, &p, &st, errbuf), 0);
	} while (st.processes + st.zombies > 0 && sandbox_now() < deadline && (testkit_sleep_ms(5), 1));
	CHECK_INT(st.processes, 0);
	sandbox_proc_close(&p);

	/* signal on an unknown program fails cleanly. */
	struct sandbox_proc none = {.pid = -1, .pidfd = -1, .stdin_fd = -1, .stdout_fd = -1,
				    .stderr_fd = -1};
	CHECK_INT(sandbox_proc_signal(&none, SIGTERM), -1);
	CHECK_INT(sandbox_proc_stop(&none, 0), 0);
	sandbox_destroy(sb);
}

/* SANDBOX_GATED: the program is set up but does not run before sandbox_proc_go; a set-up failure is
 * go's error; a program never let go leaves nothing behind. */
static void t_gated(void *arg)
{
	(void)arg;
	char errbuf[SANDBOX_ERRBUF_SIZE];
	struct sandbox *sb = sandbox_enter(errbuf);
	CHECK(sb != NULL);
	if (!sb)
		return;
	struct sandbox_proc p;
	CHECK_INT(sandbox_spawn_ex(sb, "echo ran", 5, SANDBOX_STDIN_NULL | SANDBOX_GATED, &p, errbuf), 0);
	CHECK(p.pid > 0 && p.gate_fd >= 0 && p.status_fd >= 0);
	char out[64];
	/* 200 ms with the gate shut: nothing printed, still alive (a plain spawn prints within a few ms) */
	CHECK_INT((int)testkit_read(p.stdout_fd, out, sizeof out, "ran\n", 0.2), 0);
	CHECK_INT(sandbox_proc_reap(&p), 0);
	CHECK_INT(sandbox_proc_go(sb, &p, errbuf), 0);
	CHECK(p.gate_fd == -1 && p.status_fd == -1);
	testkit_read(p.stdout_fd, out, sizeof out, "ran\n", 5);
	CHECK_STR(out, "ran\n");
	CHECK(testkit_wait_exit(&p, 5));
	CHECK(WIFEXITED(p.status) && WEXITSTATUS(p.status) == 0);
	CHECK_INT(sandbox_proc_go(sb, &p, errbuf), 0); /* not gated any more: a no-op */
	sandbox_proc_close(&p);

	/* never let go: destroy takes it with the namespace */
	CHECK_INT(sandbox_spawn_ex(sb, "echo ran", 5, SANDBOX_GATED, &p, errbuf), 0);
	pid_t pid = p.pid;
	sandbox_destroy(sb);
	CHECK(!testkit_alive(pid));
	sandbox_proc_close(&p);
	CHECK(p.gate_fd == -1 && p.status_fd == -1 && p.stdout_fd == -1);
}

/* A gated program whose view cannot be built (no such submission directory): go says why. */
static void t_gated_fails(void *arg)
{
	(void)arg;
	char errbuf[SANDBOX_ERRBUF_SIZE];
	struct sandbox_proc p;
	struct sandbox_config cfg = {.dir = "/nonexistent/submission"};
	struct sandbox *sb = sandbox_enter_with(&cfg, errbuf);
	CHECK(sb != NULL);
	if (!sb)
		return;
	CHECK_INT(sandbox_spawn_ex(sb, "echo ran", 5, SANDBOX_GATED, &p, errbuf), 0);
	CHECK_INT(sandbox_proc_go(sb, &p, errbuf), -1);
	CHECK(strstr(errbuf, "submission directory") != NULL);
	CHECK_INT(p.pid, -1);
	CHECK(p.stdout_fd == -1 && p.pidfd == -1);
	sandbox_destroy(sb);
}

int main(void)
{
	testkit_in_worker("basics", t_basics, NULL, 15);
	testkit_in_worker("signals", t_signals, NULL, 15);
	testkit_in_worker("gated", t_gated, NULL, 15);
	testkit_in_worker("gated, fails", t_gated_fails, NULL, 15);
	return unit_summary();
}
