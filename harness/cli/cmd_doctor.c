/* cmd_doctor.c: `sockcheck doctor`: a preflight of everything a run needs, one line per check. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture.h"
#include "commands.h"
#include "sandbox.h"

struct tally {
	int fails, warns;
};

static void line(struct tally *t, const char *level, const char *check, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void line(struct tally *t, const char *level, const char *check, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("%-4s  %-22s ", level, check);
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	t->fails += strcmp(level, "fail") == 0;
	t->warns += strcmp(level, "warn") == 0;
	fflush(stdout);
}

static long read_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* Runs cmd in sb; its stdout (first line) into out. Returns its exit status, or -1 with err. */
static int probe(struct sandbox *sb, const char *cmd, char *out, size_t len, char err[SANDBOX_ERRBUF_SIZE])
{
	struct sandbox_proc p;
	out[0] = '\0';
	if (sandbox_spawn_ex(sb, cmd, 5, SANDBOX_STDIN_NULL, &p, err) < 0)
		return -1;
	size_t n = 0;
	for (int i = 0; i < 500 && !sandbox_proc_reap(&p); i++)
		usleep(10000);
	ssize_t r;
	while (n + 1 < len && (r = read(p.stdout_fd, out + n, len - 1 - n)) > 0)
		n += (size_t)r;
	out[n] = '\0';
	out[strcspn(out, "\n")] = '\0';
	if (!p.exited)
		sandbox_proc_stop(&p, 0);
	sandbox_proc_close(&p);
	return WIFEXITED(p.status) ? WEXITSTATUS(p.status) : 128 + WTERMSIG(p.status);
}

/* In a worker of its own (sandbox_enter changes the calling process): the sandbox as a case gets it. */
static void worker_checks(struct tally *t)
{
	char err[SANDBOX_ERRBUF_SIZE], out[512], cmd[256];
	struct sandbox *sb = sandbox_enter_with(NULL, err);
	if (!sb) {
		line(t, "fail", "namespaces", "%s", err);
		return;
	}
	line(t, "ok", "namespaces", "user (when not root), mount, network and PID namespaces");
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (s >= 0 && bind(s, (struct sockaddr *)&a, sizeof a) == 0 && listen(s, 1) == 0)
		line(t, "ok", "loopback", "lo is up in a new network namespace");
	else
		line(t, "fail", "loopback", "cannot listen on 127.0.0.1 in a new network namespace: %s", strerror(errno));
	if (s >= 0)
		close(s);
	char cerr[CAPTURE_ERRBUF_SIZE];
	struct capture *c = capture_open("lo", "/dev/null", CAPTURE_BUFFER_BYTES, cerr);
	if (c && capture_close(c, NULL, cerr) == 0)
		line(t, "ok", "libpcap on lo", "captures work in the case's namespace");
	else
		line(t, "fail", "libpcap on lo", "%s (run as root, or give sockcheck CAP_NET_RAW)", cerr);
	snprintf(cmd, sizeof cmd, "echo $(id -u) $(grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status)");
	int rc = probe(sb, cmd, out, sizeof out, err);
	unsigned uid;
	char want[128];
	snprintf(want, sizeof want, "%u CapEff: 0000000000000000 NoNewPrivs: 1 Seccomp: 2", sandbox_uid(sb));
	if (rc < 0)
		line(t, "fail", "program view", "%s", err);
	else if (rc != 0 || sscanf(out, "%u", &uid) != 1 || strcmp(out, want) != 0)
		line(t, "fail", "program view", "a program in the sandbox printed \"%s\" (status %d), not \"%s\"", out, rc,
		     want);
	else
		line(t, "ok", "program view", "its own mounts and /proc, uid %u, no capabilities, no_new_privs, seccomp",
		     uid);
	if (access("/usr/bin/python3", X_OK) == 0 || system("command -v python3 >/dev/null 2>&1") == 0) {
		rc = probe(sb, "python3 -c 'print(\"python ok\")'", out, sizeof out, err);
		if (rc == 0 && strcmp(out, "python ok") == 0)
			line(t, "ok", "python3 in sandbox", "the python3 on PATH runs inside the sandbox");
		else
			line(t, "warn", "python3 in sandbox", "python3 on PATH does not run in the sandbox (%s): give "
			     "submissions an interpreter under /usr or /opt", rc < 0 ? err : out);
	}
	sandbox_destroy(sb);
}

static void host_checks(struct tally *t)
{
	if (geteuid() != 0) {
		long m = read_long("/proc/sys/user/max_user_namespaces");
		long u = read_long("/proc/sys/kernel/unprivileged_userns_clone");
		long aa = read_long("/proc/sys/kernel/apparmor_restrict_unprivileged_userns");
		if (m == 0 || u == 0 || aa == 1)
			line(t, "fail", "user namespaces", "disabled for ordinary users (%s): run as root, or sysctl %s",
			     m == 0 ? "user.max_user_namespaces=0" : u == 0 ? "kernel.unprivileged_userns_clone=0"
									: "AppArmor restricts them",
			     m == 0 ? "user.max_user_namespaces=10000" : u == 0 ? "kernel.unprivileged_userns_clone=1"
									 : "kernel.apparmor_restrict_unprivileged_userns=0");
		else
			line(t, "ok", "user namespaces", "available to ordinary users; RLIMIT_NPROC counts all of this "
			     "user's processes (run as root for one budget per case)");
	} else {
		unsigned clash = 0;
		for (unsigned u = SANDBOX_UID_BASE; u < SANDBOX_UID_BASE + SANDBOX_UID_COUNT; u++)
			if (getpwuid(u))
				clash = u;
		if (clash)
			line(t, "warn", "sandbox uids", "uid %u of %u..%u belongs to a user of this machine: choose a free "
			     "range with --sandbox-uids BASE:COUNT", clash, SANDBOX_UID_BASE,
			     SANDBOX_UID_BASE + SANDBOX_UID_COUNT - 1);
		else
			line(t, "ok", "sandbox uids", "programs run as uids %u..%u (one per concurrent case), claimed "
			     "in /run/sockcheck", SANDBOX_UID_BASE, SANDBOX_UID_BASE + SANDBOX_UID_COUNT - 1);
	}
	char path[512] = "/sys/fs/cgroup", ctl[256] = "";
	FILE *f = fopen("/proc/self/cgroup", "r");
	char buf[400];
	if (f && fgets(buf, sizeof buf, f) && strncmp(buf, "0::", 3) == 0) {
		buf[strcspn(buf, "\n")] = '\0';
		snprintf(path, sizeof path, "/sys/fs/cgroup%s/cgroup.controllers", buf + 3);
	}
	if (f)
		fclose(f);
	FILE *c = fopen(path, "r");
	if (c && fgets(ctl, sizeof ctl, c))
		ctl[strcspn(ctl, "\n")] = '\0';
	if (c)
		fclose(c);
	if (strstr(ctl, "memory") && strstr(ctl, "pids"))
		line(t, "ok", "cgroup controllers", "memory and pids are delegated here; sockcheck's limits are rlimits "
		     "(RLIMIT_AS, RLIMIT_NPROC per sandbox uid), which hold either way");
	else
		line(t, "warn", "cgroup controllers", "no delegated memory/pids controller (\"%s\"): limits are rlimits "
		     "(RLIMIT_AS, RLIMIT_NPROC per sandbox uid); nothing to do", ctl);
	if (system("command -v tshark >/dev/null 2>&1") == 0)
		line(t, "ok", "tshark (optional)", "found: `sockcheck inspect` can decode captures with it");
	else
		line(t, "warn", "tshark (optional)", "not found: install tshark to decode captures beyond sockcheck's own");
}

int cmd_doctor(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("usage: sockcheck doctor\n\nChecks what a run needs, one line each: ok, warn or fail with the "
		       "fix.\nExit status: 0 runs can work (warnings allowed), 1 a check failed.\n");
		return EXIT_PASS;
	}
	if (argc > 1) {
		fprintf(stderr, "sockcheck doctor: takes no arguments (try --help)\n");
		return EXIT_USAGE;
	}
	struct tally t = {0, 0};
	host_checks(&t);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		struct tally w = {0, 0};
		worker_checks(&w);
		fflush(NULL);
		_exit(w.fails > 0 ? 1 : 0);
	}
	int st = 0;
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		if (pid < 0 || !WIFEXITED(st))
			line(&t, "fail", "sandbox worker", "the check's worker died (status 0x%x)", st);
		t.fails++;
	}
	printf("%s\n", t.fails ? "doctor: runs cannot work until the failed checks are fixed"
			       : "doctor: runs can work");
	return t.fails ? EXIT_FAILED : EXIT_PASS;
}
