/* sandbox_test.c: entering the sandbox (lo up, isolated from the host, our init as PID 1) and tearing it down. */
#define _GNU_SOURCE
#include "unit.h"
UNIT_STATE;
#include "sandbox_testkit.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sched.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>

struct shared {
	int host_port;     /* a TCP listener of the test process, on the host */
	pid_t daemon_pid;  /* the escaped daemon, as seen by the test process */
	pid_t gone[2];     /* init and a program of a worker that died without sandbox_destroy */
};

static struct sandbox *enter_or_fail(void)
{
	char err[SANDBOX_ERRBUF_SIZE];
	struct sandbox *sb = sandbox_enter(err);
	if (!sb)
		fprintf(stderr, "sandbox_enter: %s\n", err);
	CHECK(sb != NULL);
	return sb;
}

/* A TCP round trip over addr:port=0 inside the namespace; 1 on success. */
static int tcp_roundtrip(int family, const char *addr)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	socklen_t len;
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;
		a->sin_family = AF_INET;
		inet_pton(AF_INET, addr, &a->sin_addr);
		len = sizeof *a;
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
		a->sin6_family = AF_INET6;
		inet_pton(AF_INET6, addr, &a->sin6_addr);
		len = sizeof *a;
	}
	int ok = 0, l = socket(family, SOCK_STREAM, 0), c = -1, s = -1;
	if (l < 0 || bind(l, (struct sockaddr *)&ss, len) < 0 || listen(l, 1) < 0 ||
	    getsockname(l, (struct sockaddr *)&ss, &len) < 0)
		goto out;
	c = socket(family, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&ss, len) < 0)
		goto out;
	s = accept(l, NULL, NULL);
	char b = 0;
	ok = s >= 0 && write(c, "x", 1) == 1 && read(s, &b, 1) == 1 && b == 'x';
out:
	if (l >= 0)
		close(l);
	if (c >= 0)
		close(c);
	if (s >= 0)
		close(s);
	return ok;
}

static void t_network(void *arg)
{
	struct shared *sh = arg;
	struct sandbox *sb = enter_or_fail();
	if (!sb)
		return;
	CHECK(tcp_roundtrip(AF_INET, "127.0.0.1"));
	CHECK(tcp_roundtrip(AF_INET, "127.0.0.2"));
	int v6 = socket(AF_INET6, SOCK_STREAM, 0);
	if (v6 >= 0) {
		close(v6);
		CHECK(tcp_roundtrip(AF_INET6, "::1"));
	} else {
		printf("network: IPv6 unavailable, ::1 not checked\n");
	}
	/* The host's listener is neither visible nor reachable in here. */
	char err[SANDBOX_ERRBUF_SIZE];
	CHECK_INT(sandbox_port_bound(sh->host_port, NULL, err), 0);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)sh->host_port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK(connect(c, (struct sockaddr *)&a, sizeof a) < 0 && errno == ECONNREFUSED);
	close(c);
	sandbox_destroy(sb);
}

/* Returns the last "NSpid:" value of pid (its pid in the innermost namespace), or -1. */
static long inner_pid(pid_t pid)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	FILE *f = fopen(path, "r");
	long v = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, "NSpid:", 6) == 0) {
			char *last = strrchr(line, '\t');
			v = last ? strtol(last + 1, NULL, 10) : -1;
		}
	fclose(f);
	return v;
}

static void t_init(void *arg)
{
	(void)arg;
	struct sandbox *sb = enter_or_fail();
	if (!sb)
		return;
	CHECK(sb->init_pid > 0 && sb->init_pid != getpid());
	CHECK_INT(inner_pid(sb->init_pid), 1);
	CHECK(testkit_alive(sb->init_pid));
	/* A program spawned later is in the new PID namespace, our child. */
	char err[SANDBOX_ERRBUF_SIZE], out[64];
	struct sandbox_proc p;
	CHECK_INT(sandbox_spawn(sb, "echo $$; read x", 5, &p, err), 0);
	testkit_read(p.stdout_fd, out, sizeof out, "\n", 5);
	long inner = strtol(out, NULL, 10);
	CHECK(inner > 1 && inner == inner_pid(p.pid));
	close(p.stdin_fd); /* EOF for read: the program exits */
	p.stdin_fd = -1;
	CHECK(testkit_wait_exit(&p, 5));
	sandbox_proc_close(&p);

	/* init reaps an orphan promptly, even after it has been idle with no children. */
	CHECK_INT(sandbox_spawn(sb, "sleep 0.4; (sleep 0.3 &); sleep 100", 5, &p, err), 0);
	pid_t orphan = 0;
	double deadline = sandbox_now() + 3;
	while (!orphan && sandbox_now() < deadline) {
		struct sandbox_tree t;
		if (sandbox_tree_collect(0, sb->init_pid, &t, err) == 0) {
			for (size_t i = 0; i < t.n; i++)
				if (t.m[i].ppid == sb->init_pid)
					orphan = t.m[i].pid;
			free(t.m);
		}
		if (!orphan)
			testkit_sleep_ms(10);
	}
	CHECK(orphan > 0);
	deadline = sandbox_now() + 2; /* well below init's 5 s safety wake-up */
	while (orphan && sandbox_now() < deadline) {
		char path[64];
		snprintf(path, sizeof path, "/proc/%ld", (long)orphan);
		if (access(path, F_OK) < 0)
			break;
		testkit_sleep_ms(10);
	}
	CHECK(sandbox_now() < deadline);
	struct sandbox_stats st;
	CHECK_INT(sandbox_proc_stats(sb, &p, &st, err), 0);
	CHECK_INT(st.zombies, 0);
	CHECK_INT(sandbox_proc_stop(&p, 2), 1);
	sandbox_proc_close(&p);
	sandbox_destroy(sb);
}

static int is_sleep(pid_t pid)
{
	char path[64], comm[32] = "";
	snprintf(path, sizeof path, "/proc/%ld/comm", (long)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	int ok = fgets(comm, sizeof comm, f) && strcmp(comm, "sleep\n") == 0;
	fclose(f);
	return ok;
}

static void t_daemon(void *arg)
{
	struct shared *sh = arg;
	struct sandbox *sb = enter_or_fail();
	if (!sb)
		return;
	char err[SANDBOX_ERRBUF_SIZE];
	struct sandbox_proc p;
	CHECK_INT(sandbox_spawn(sb, "(setsid sleep 100 &) ; sleep 100", 5, &p, err), 0);
	pid_t daemon = 0;
	double deadline = sandbox_now() + 5;
	while (!daemon && sandbox_now() < deadline) {
		struct sandbox_tree t;
		if (sandbox_tree_collect(0, sb->init_pid, &t, err) == 0) {
			for (size_t i = 0; i < t.n; i++)
				if (t.m[i].ppid == sb->init_pid && t.m[i].state != 'Z' &&
				    is_sleep(t.m[i].pid)) /* exec'd: setsid is done */
					daemon = t.m[i].pid;
			free(t.m);
		}
		if (!daemon)
			testkit_sleep_ms(10);
	}
	CHECK(daemon > 0);
	sh->daemon_pid = daemon;
	/* Stopping the program's process group does not reach the daemon (own session)... */
	CHECK_INT(sandbox_proc_stop(&p, 2), 1);
	CHECK(testkit_alive(daemon));
	struct sandbox_stats st;
	CHECK_INT(sandbox_proc_stats(sb, &p, &st, err), 0);
	CHECK_INT(st.processes, 1); /* ...and it still counts against the program */
	sandbox_proc_close(&p);
	/* ...but destroying the sandbox does, at once. */
	double t0 = sandbox_now();
	sandbox_destroy(sb);
	CHECK(sandbox_now() - t0 < 1.0);
	CHECK(!testkit_alive(daemon));
}

/* destroy with a program still running: it is killed and reaped, destroy is quick. */
static void t_destroy_running(void *arg)
{
	(void)arg;
	struct sandbox *sb = enter_or_fail();
	if (!sb)
		return;
	char err[SANDBOX_ERRBUF_SIZE];
	struct sandbox_proc p;
	CHECK_INT(sandbox_spawn(sb, "trap '' TERM; sleep 100 & sleep 100", 5, &p, err), 0);
	pid_t pid = p.pid, init = sb->init_pid;
	double t0 = sandbox_now();
	sandbox_destroy(sb);
	CHECK(sandbox_now() - t0 < 1.0);
	CHECK(waitpid(pid, NULL, WNOHANG) < 0 && errno == ECHILD); /* reaped by destroy */
	CHECK(waitpid(init, NULL, WNOHANG) < 0 && errno == ECHILD);
	CHECK_INT(sandbox_proc_reap(&p), 1);
	CHECK(WIFSIGNALED(p.status) && WTERMSIG(p.status) == SIGKILL);
	sandbox_proc_close(&p);
	sandbox_destroy(NULL);
}

/* A worker that dies without sandbox_destroy takes init and the programs with it (PDEATHSIG). */
static void t_worker_dies(void *arg)
{
	struct shared *sh = arg;
	prctl(PR_SET_CHILD_SUBREAPER, 1); /* so the orphaned zombies come to us and can be checked */
	pid_t w = fork();
	if (w == 0) {
		char err[SANDBOX_ERRBUF_SIZE];
		struct sandbox *sb = sandbox_enter(err);
		struct sandbox_proc p;
		if (!sb || sandbox_spawn(sb, "sleep 100", 5, &p, err) < 0)
			_exit(1);
		sh->gone[0] = sb->init_pid;
		sh->gone[1] = p.pid;
		_exit(0);
	}
	int st;
	CHECK(w > 0 && waitpid(w, &st, 0) == w && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	double deadline = sandbox_now() + 3;
	int left = 2;
	while (left > 0 && sandbox_now() < deadline) {
		pid_t r = waitpid(-1, &st, WNOHANG);
		if (r == sh->gone[1]) {
			CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
			left--;
		} else if (r == sh->gone[0]) {
			/* PDEATHSIG, or init saw at start that the worker was already gone and exited */
			CHECK((WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) ||
			      (WIFEXITED(st) && WEXITSTATUS(st) == 1));
			left--;
		} else if (r <= 0) {
			testkit_sleep_ms(5);
		}
	}
	CHECK_INT(left, 0);
}

/* Where user namespaces are forbidden, enter fails with a reason that says what to do. The limit is
 * set to 0 inside a throw-away user namespace of our own (where we are unmapped, so not root): the
 * host's setting is untouched. */
static void t_userns_disabled(void *arg)
{
	(void)arg;
	int fd = -1;
	if (unshare(CLONE_NEWUSER) < 0 ||
	    (fd = open("/proc/sys/user/max_user_namespaces", O_WRONLY | O_CLOEXEC)) < 0 ||
	    write(fd, "0", 1) != 1 || geteuid() == 0) {
		printf("userns disabled: cannot simulate (%s), not checked\n", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	char err[SANDBOX_ERRBUF_SIZE];
	struct sandbox *sb = sandbox_enter(err);
	CHECK(sb == NULL);
	CHECK(strstr(err, "cannot create a user namespace") != NULL);
	CHECK(strstr(err, "user.max_user_namespaces=0") != NULL);
	CHECK(strstr(err, "run as root or enable them") != NULL);
	printf("userns disabled: \"%s\"\n", err);
	sandbox_destroy(sb);
}

static long read_long(const char *path)
{
	char buf[32];
	return sandbox_read_small(path, buf, sizeof buf) > 0 ? strtol(buf, NULL, 10) : -1;
}

/* The case's network namespace has TCP and UDP hash tables of its own, small (so reading its TCP table
 * costs ~0.1 ms, not ~5), and the SYN queue and TIME-WAIT limits of a namespace of the machine's table. */
static void t_own_hash(void *arg)
{
	(void)arg;
	if (access("/proc/sys/net/ipv4/tcp_child_ehash_entries", F_OK) != 0) {
		printf("own hash: skipped, this kernel has no tcp_child_ehash_entries (Linux < 6.1)\n");
		return;
	}
	/* The machine's table, and what the kernel derives from it for a namespace (tcp_sk_init) */
	long host = labs(read_long("/proc/sys/net/ipv4/tcp_ehash_entries"));
	long syn = host / 128 > 128 ? host / 128 : 128, tw = host / 2;
	struct sandbox *sb = enter_or_fail();
	if (!sb)
		return;
	CHECK_INT(read_long("/proc/sys/net/ipv4/tcp_ehash_entries"), 1024); /* positive: its own */
	if (access("/proc/sys/net/ipv4/udp_child_hash_entries", F_OK) == 0)
		CHECK_INT(read_long("/proc/sys/net/ipv4/udp_hash_entries"), 256);
	CHECK_INT(read_long("/proc/sys/net/ipv4/tcp_max_syn_backlog"), syn);
	CHECK_INT(read_long("/proc/sys/net/ipv4/tcp_max_tw_buckets"), tw);
	CHECK(tcp_roundtrip(AF_INET, "127.0.0.1"));
	sandbox_destroy(sb);
}

/* As root, a case whose every sandbox uid is in use waits for one to be freed, rather than failing
 * (more cases at once than uids: a large -j, or several runs). */
static void t_uid_wait(void *arg)
{
	(void)arg;
	if (geteuid() != 0) {
		printf("uid wait: skipped, sandbox uids are claimed only as root\n");
		return;
	}
	struct sandbox_config cfg = {.uid_base = 61090, .uid_count = 1};
	int ready[2];
	CHECK(pipe(ready) == 0);
	pid_t holder = fork();
	if (holder == 0) { /* holds the only uid for 300 ms */
		char err[SANDBOX_ERRBUF_SIZE];
		struct sandbox *sb = sandbox_enter_with(&cfg, err);
		char ok = sb != NULL;
		if (write(ready[1], &ok, 1) != 1)
			_exit(1);
		testkit_sleep_ms(300);
		sandbox_destroy(sb);
		_exit(0);
	}
	char ok = 0;
	CHECK(read(ready[0], &ok, 1) == 1 && ok);
	double t0 = sandbox_now();
	char err[SANDBOX_ERRBUF_SIZE];
	struct sandbox *sb = sandbox_enter_with(&cfg, err);
	if (!sb)
		fprintf(stderr, "sandbox_enter_with: %s\n", err);
	CHECK(sb != NULL);
	CHECK(sandbox_now() - t0 >= 0.2); /* it waited for the holder */
	if (sb)
		CHECK_INT((int)sandbox_uid(sb), 61090);
	sandbox_destroy(sb);
	waitpid(holder, NULL, 0);
}

int main(void)
{
	struct shared *sh = testkit_shared(sizeof *sh);
	CHECK(sh != NULL);
	if (!sh)
		return unit_summary();
	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof a;
	CHECK(l >= 0 && bind(l, (struct sockaddr *)&a, len) == 0 && listen(l, 1) == 0 &&
	      getsockname(l, (struct sockaddr *)&a, &len) == 0);
	sh->host_port = ntohs(a.sin_port);
	char err[SANDBOX_ERRBUF_SIZE];
	CHECK_INT(sandbox_port_bound(sh->host_port, "tcp", err), 1); /* visible outside */

	testkit_in_worker("network", t_network, sh, 10);
	testkit_in_worker("init", t_init, NULL, 10);
	testkit_in_worker("own hash", t_own_hash, NULL, 10);
	testkit_in_worker("uid wait", t_uid_wait, NULL, 10);
	testkit_in_worker("daemon", t_daemon, sh, 10);
	CHECK(sh->daemon_pid > 0 && !testkit_alive(sh->daemon_pid) && kill(sh->daemon_pid, 0) < 0);
	testkit_in_worker("destroy", t_destroy_running, NULL, 10);
	testkit_in_worker("worker dies", t_worker_dies, sh, 10);
	testkit_in_worker("userns disabled", t_userns_disabled, NULL, 10);
	close(l);
	return unit_summary();
}
