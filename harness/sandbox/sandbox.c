/* sandbox.c: entering a case's namespaces (user when unprivileged, mount, net, PID), lo up, our init, teardown. */
#define _GNU_SOURCE
#include "sandbox_int.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* How long destroy waits for the namespace to empty. SIGKILL of init is immediate; this only bounds a
 * pathological case (a process stuck in uninterruptible sleep). */
#define SANDBOX_DESTROY_WAIT 5.0

static void errf(char errbuf[SANDBOX_ERRBUF_SIZE], const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errbuf, SANDBOX_ERRBUF_SIZE, fmt, ap);
	va_end(ap);
}

/* Reads a small integer sysctl; -1 when absent or unreadable. */
static long read_sysctl(const char *path)
{
	char buf[32];
	if (sandbox_read_small(path, buf, sizeof buf) < 0)
		return -1;
	char *end;
	long v = strtol(buf, &end, 10);
	return end == buf ? -1 : v;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t len = strlen(text);
	ssize_t n = write(fd, text, len); /* the id maps must be written in one write(2) */
	int saved = errno;
	close(fd);
	if (n != (ssize_t)len) {
		errno = n < 0 ? saved : EIO;
		return -1;
	}
	return 0;
}

/* Explains why an unprivileged user namespace could not be created, naming the knob that forbids it. */
static void userns_error(int err, char errbuf[SANDBOX_ERRBUF_SIZE])
{
	if (err == EINVAL) {
		errf(errbuf, "cannot create a user namespace: %s (sandbox_enter must be called in a "
			     "single-threaded process)", strerror(err));
		return;
	}
	const char *why = "unprivileged user namespaces are disabled: sysctl "
			  "kernel.unprivileged_userns_clone=0 or user.max_user_namespaces=0";
	if (read_sysctl("/proc/sys/user/max_user_namespaces") == 0)
		why = "unprivileged user namespaces are disabled: sysctl user.max_user_namespaces=0";
	else if (read_sysctl("/proc/sys/kernel/unprivileged_userns_clone") == 0)
		why = "unprivileged user namespaces are disabled: sysctl kernel.unprivileged_userns_clone=0";
	else if (err == ENOSPC || err == EUSERS)
		why = "the limit user.max_user_namespaces is reached";
	errf(errbuf, "cannot create a user namespace: %s (%s); run as root or enable them", strerror(err),
	     why);
}

/* Creates a user namespace in which we are root (uid/gid 0 mapped to our own ids). */
static int enter_userns(char errbuf[SANDBOX_ERRBUF_SIZE])
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	if (unshare(CLONE_NEWUSER) < 0) {
		userns_error(errno, errbuf);
		return -1;
	}
	char map[64];
	snprintf(map, sizeof map, "0 %lu 1", (unsigned long)uid);
	if (write_file("/proc/self/uid_map", map) < 0) {
		errf(errbuf, "cannot write /proc/self/uid_map in the new user namespace: %s", strerror(errno));
		return -1;
	}
	if (write_file("/proc/self/setgroups", "deny") < 0 && errno != ENOENT) {
		errf(errbuf, "cannot write /proc/self/setgroups in the new user namespace: %s",
		     strerror(errno));
		return -1;
	}
	snprintf(map, sizeof map, "0 %lu 1", (unsigned long)gid);
	if (write_file("/proc/self/gid_map", map) < 0) {
		errf(errbuf, "cannot write /proc/self/gid_map in the new user namespace: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Hint appended to namespace errors: what usually causes EPERM there. */
static const char *ns_hint(int err, int was_root)
{
	if (err != EPERM)
		return "";
	if (!was_root && read_sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") == 1)
		return " (AppArmor restricts unprivileged user namespaces: sysctl "
		       "kernel.apparmor_restrict_unprivileged_userns=1; run as root or set it to 0)";
	return was_root ? " (CAP_SYS_ADMIN is missing; in a container, allow unshare(2))" : "";
}

/* The established hash a case's network namespace gets: the TCP tables (/proc/net/tcp, which `expect
 * running` and `expect accepted` read) walk every bucket of it. A case holds at most a few hundred
 * sockets, which chain in 1024 buckets at no measurable cost. */
#define SANDBOX_CASE_EHASH "1024"
#define SANDBOX_CASE_UDPHASH "256"

/* Enters a new network namespace (with ns_more, e.g. IPC and UTS) that has TCP and UDP hash tables of its
 * own. Otherwise every namespace shares the machine's: 262144 buckets here, so one read of /proc/net/tcp
 * takes ~5 ms in an empty namespace, against ~0.1 ms with its own 1024. The kernel sizes a namespace's
 * tables from its parent's tcp_child_ehash_entries (Linux >= 6.1; UDP >= 6.2), so we make an
 * intermediate namespace, set it there, and create the case's inside it; the intermediate one, left at
 * once, is freed. The limits the kernel derives from a small table (tcp_max_syn_backlog 128,
 * tcp_max_tw_buckets 512) are set back to what a namespace of the machine's table gets, so that a
 * program sees the usual SYN queue. Where a knob is missing (an older kernel), it falls back to one plain
 * namespace, which only costs time. Returns unshare's result. */
static int unshare_net(int ns_more)
{
	static const char *const kept[] = {"/proc/sys/net/ipv4/tcp_max_syn_backlog",
					   "/proc/sys/net/ipv4/tcp_max_tw_buckets"};
	char val[2][32];
	if (unshare(CLONE_NEWNET) < 0)
		return unshare(CLONE_NEWNET | ns_more);
	int own = write_file("/proc/sys/net/ipv4/tcp_child_ehash_entries", SANDBOX_CASE_EHASH) == 0;
	write_file("/proc/sys/net/ipv4/udp_child_hash_entries", SANDBOX_CASE_UDPHASH); /* optional */
	for (size_t i = 0; own && i < 2; i++)
		own = sandbox_read_small(kept[i], val[i], sizeof val[i]) > 0;
	if (unshare(CLONE_NEWNET | ns_more) < 0)
		return -1;
	for (size_t i = 0; own && i < 2; i++)
		write_file(kept[i], val[i]);
	return 0;
}

static int lo_up(char errbuf[SANDBOX_ERRBUF_SIZE])
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0) {
		errf(errbuf, "cannot bring lo up: socket: %s", strerror(errno));
		return -1;
	}
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
	int rc = ioctl(s, SIOCGIFFLAGS, &ifr);
	if (rc == 0 && !(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		rc = ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	int saved = errno;
	close(s);
	if (rc < 0) {
		errf(errbuf, "cannot bring lo up in the new network namespace: %s", strerror(saved));
		return -1;
	}
	return 0;
}

static void init_noop(int sig)
{
	(void)sig;
}

/* PID 1 of the new PID namespace. Reaps whatever is reparented to it and otherwise sleeps; it dies
 * only by SIGKILL (from sandbox_destroy, or PDEATHSIG when the worker dies). Never returns. */
static void init_main(int worker_pidfd)
{
	sigset_t all, chld;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		_exit(1);
	/* getppid() is 0 here (our parent is outside the namespace), so the usual "did the parent die
	 * before PDEATHSIG was armed" check uses a pidfd of the worker instead. */
	if (worker_pidfd >= 0) {
		struct pollfd pfd = {.fd = worker_pidfd, .events = POLLIN};
		if (poll(&pfd, 1, 0) != 0)
			_exit(1);
	}
	prctl(PR_SET_NAME, "sockcheck-init");
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); /* no program may open its memory or trace it */
	/* Nothing of the worker's (sockets, pipes to the runner) stays open in init. */
	if (syscall(SYS_close_range, 0U, ~0U, 0U) < 0) {
		for (int fd = 0; fd < 1024; fd++)
			close(fd);
	}
	/* SIGCHLD stays blocked (so it is queued, never lost) and is consumed by sigtimedwait; the no-op
	 * handler only makes sure it is not discarded as "ignored". */
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = init_noop;
	sigfillset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	for (;;) {
		pid_t r = waitpid(-1, NULL, __WALL);
		if (r > 0 || errno == EINTR)
			continue;
		/* No children: sleep until one is reparented to us and exits. The timeout is only a
		 * safety net; it is not a busy loop. */
		struct timespec ts = {.tv_sec = 5, .tv_nsec = 0};
		siginfo_t si;
		sigtimedwait(&chld, &si, &ts);
	}
}

struct sandbox *sandbox_enter(char errbuf[SANDBOX_ERRBUF_SIZE])
{
	return sandbox_enter_with(NULL, errbuf);
}

/* The worker's own mount namespace (so the case's tmpfs is nobody else's) and the case's uid. */
static int enter_files(struct sandbox *sb, char errbuf[SANDBOX_ERRBUF_SIZE])
{
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		int e = errno;
		errf(errbuf, "cannot create a mount namespace: %s%s", strerror(e), ns_hint(e, sb->was_root));
		return -1;
	}
	if (sandbox_fs_scratch(sb, errbuf) < 0 || sandbox_id_claim(sb, errbuf) < 0)
		return -1;
	return 0;
}

static struct sandbox *fail_enter(struct sandbox *sb)
{
	sandbox_fs_cleanup(sb);
	if (sb->lock_fd >= 0)
		close(sb->lock_fd);
	free(sb);
	return NULL;
}

struct sandbox *sandbox_enter_with(const struct sandbox_config *cfg, char errbuf[SANDBOX_ERRBUF_SIZE])
{
	errbuf[0] = '\0';
	int was_root = geteuid() == 0;
	struct sandbox *sb = calloc(1, sizeof *sb);
	if (!sb) {
		errf(errbuf, "out of memory");
		return NULL;
	}
	sb->was_root = was_root;
	sb->host_uid = geteuid();
	sb->init_pidfd = -1;
	sb->lock_fd = -1;
	sandbox_config_defaults(cfg, &sb->cfg);
	if (!was_root && enter_userns(errbuf) < 0)
		return fail_enter(sb);
	if (enter_files(sb, errbuf) < 0)
		return fail_enter(sb);
	/* With the network, System V IPC and the hostname become the case's own: a program sees no shared
	 * memory segment, semaphore or message queue of the host's, and a hostname it set would be its own. */
	const int ns = CLONE_NEWIPC | CLONE_NEWUTS;
	if (unshare_net(ns) < 0) {
		int e = errno;
		/* Root without CAP_SYS_ADMIN (a container) may still own a user namespace of its own. */
		char ignored[SANDBOX_ERRBUF_SIZE];
		if (!(e == EPERM && was_root && enter_userns(ignored) == 0 && unshare_net(ns) == 0)) {
			errf(errbuf, "cannot create a network, IPC and UTS namespace: %s%s", strerror(e),
			     ns_hint(e, was_root));
			return fail_enter(sb);
		}
	}
	if (lo_up(errbuf) < 0)
		return fail_enter(sb);
	if (unshare(CLONE_NEWPID) < 0) {
		int e = errno;
		errf(errbuf, "cannot create a PID namespace: %s%s", strerror(e), ns_hint(e, was_root));
		return fail_enter(sb);
	}
	int self_pidfd = sandbox_pidfd_open(getpid());
	pid_t pid = fork();
	if (pid < 0) {
		errf(errbuf, "cannot start the sandbox's init: fork: %s", strerror(errno));
		if (self_pidfd >= 0)
			close(self_pidfd);
		return fail_enter(sb);
	}
	if (pid == 0)
		init_main(self_pidfd);
	if (self_pidfd >= 0)
		close(self_pidfd);
	sb->init_pid = pid;
	sb->init_pidfd = sandbox_pidfd_open(pid);
	if (sb->init_pidfd >= 0)
		fcntl(sb->init_pidfd, F_SETFD, FD_CLOEXEC);
	return sb;
}

int sandbox_track(struct sandbox *sb, pid_t pid)
{
	if (sb->nspawned == sb->capspawned) {
		size_t cap = sb->capspawned ? sb->capspawned * 2 : 8;
		pid_t *p = realloc(sb->spawned, cap * sizeof *p);
		if (!p) {
			errno = ENOMEM;
			return -1;
		}
		sb->spawned = p;
		sb->capspawned = cap;
	}
	sb->spawned[sb->nspawned++] = pid;
	return 0;
}

/* Reaps pid if it is gone (or is not our child anymore). Returns 1 when nothing is left to wait for. */
static int reap_done(pid_t pid)
{
	if (pid <= 0)
		return 1;
	pid_t r = waitpid(pid, NULL, WNOHANG | __WALL);
	return r == pid || (r < 0 && errno == ECHILD);
}

void sandbox_destroy(struct sandbox *sb)
{
	if (!sb)
		return;
	if (sb->init_pid > 0)
		kill(sb->init_pid, SIGKILL);
	/* The kernel kills every process of the namespace when its init dies, but init's exit completes
	 * only once all of them are reaped, including our own children: reap those first, then init. */
	double deadline = sandbox_now() + SANDBOX_DESTROY_WAIT;
	int init_done = sb->init_pid <= 0;
	for (;;) {
		int all = 1;
		for (size_t i = 0; i < sb->nspawned; i++) {
			if (sb->spawned[i] > 0 && reap_done(sb->spawned[i]))
				sb->spawned[i] = 0;
			all &= sb->spawned[i] == 0;
		}
		if (!init_done)
			init_done = reap_done(sb->init_pid);
		if ((all && init_done) || sandbox_now() >= deadline)
			break;
		if (sb->init_pidfd >= 0 && all) {
			struct pollfd pfd = {.fd = sb->init_pidfd, .events = POLLIN};
			poll(&pfd, 1, 50);
		} else {
			struct timespec ts = {.tv_sec = 0, .tv_nsec = 2 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
	}
	if (sb->init_pidfd >= 0)
		close(sb->init_pidfd);
	sandbox_nsproc_close(sb);
	sandbox_fs_cleanup(sb);
	if (sb->lock_fd >= 0)
		close(sb->lock_fd); /* the uid is free again: nothing of the case runs any more */
	free(sb->spawned);
	free(sb);
}
