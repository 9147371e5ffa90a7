/* sandbox_stats.c: a program's process tree (from the case's own /proc) and its hygiene: fds, zombies, threads, CPU. */
#define _GNU_SOURCE
#include "sandbox_int.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static void errf(char errbuf[SANDBOX_ERRBUF_SIZE], const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errbuf, SANDBOX_ERRBUF_SIZE, fmt, ap);
	va_end(ap);
}

/* The case's own /proc: a procfs of its PID namespace, mounted nowhere, so that a program's processes are
 * read without walking every process of the machine. */

/* How long the helper that mounts it may take. */
#define NSPROC_HELPER_MS 2000

/* In a child of the worker, which is in the case's PID namespace: a detached procfs of that namespace
 * (fsopen takes the namespace of its caller), sent back over sock. Never returns. */
static void helper_main(int sock)
{
	/* As an ordinary user the programs share our uid: they may not read or write this process's memory,
	 * and it keeps nothing of the worker's but the socket back. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (sock > 0)
		syscall(SYS_close_range, 0U, (unsigned)sock - 1, 0U);
	syscall(SYS_close_range, (unsigned)sock + 1, ~0U, 0U);
	int fs = fsopen("proc", FSOPEN_CLOEXEC);
	int mnt = -1;
	if (fs >= 0 && fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
		mnt = fsmount(fs, FSMOUNT_CLOEXEC,
			      MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (mnt < 0)
		_exit(1);
	char byte = 0;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	memset(&u, 0, sizeof u);
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &mnt, sizeof mnt);
	_exit(sendmsg(sock, &msg, MSG_NOSIGNAL) == 1 ? 0 : 1);
}

/* The fd the helper sent, or -1. */
static int receive_fd(int sock)
{
	char byte;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
	/* Bounded: a helper that cannot make the mount exits without sending (EOF on a SEQPACKET pair). */
	struct pollfd pfd = {.fd = sock, .events = POLLIN};
	int k;
	do
		k = poll(&pfd, 1, NSPROC_HELPER_MS);
	while (k < 0 && errno == EINTR);
	ssize_t n = -1;
	if (k == 1)
		do
			n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
		while (n < 0 && errno == EINTR);
	struct cmsghdr *cm = n == 1 ? CMSG_FIRSTHDR(&msg) : NULL;
	if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS || cm->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1;
	int fd;
	memcpy(&fd, CMSG_DATA(cm), sizeof fd);
	return fd;
}

/* Is fd the /proc of a PID namespace we are not in (the case's): it has a PID 1, and no "self" for us
 * (the worker has no pid there)? */
static int is_ours(int fd)
{
	char buf[64];
	if (faccessat(fd, "1/stat", R_OK, 0) != 0)
		return 0;
	return readlinkat(fd, "self", buf, sizeof buf) < 0 && errno == ENOENT;
}

/* Mounts the case's /proc through a short-lived child. Returns its fd, or -1. */
static int open_nsproc(void)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	pid_t pid = fork(); /* lands in the case's PID namespace (the worker's pid_ns_for_children) */
	if (pid == 0) {
		close(sv[0]);
		helper_main(sv[1]);
	}
	close(sv[1]);
	int fd = -1;
	if (pid > 0) {
		fd = receive_fd(sv[0]);
		if (fd < 0)
			kill(pid, SIGKILL); /* stuck, or gone already */
		while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
			;
	}
	close(sv[0]);
	if (fd >= 0 && !is_ours(fd)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

int sandbox_nsproc_fd(struct sandbox *sb)
{
	if (!sb || sb->init_pid <= 0)
		return -1;
	if (sb->nsproc_state == 0) {
		sb->nsproc_fd = open_nsproc();
		sb->nsproc_state = sb->nsproc_fd >= 0 ? 1 : -1;
	}
	return sb->nsproc_state == 1 ? sb->nsproc_fd : -1;
}

void sandbox_nsproc_close(struct sandbox *sb)
{
	if (sb->nsproc_state == 1)
		close(sb->nsproc_fd);
	sb->nsproc_state = -1;
	sb->nsproc_fd = -1;
}

pid_t sandbox_nsproc_pid(pid_t pid)
{
	char path[64], buf[2048];
	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	if (sandbox_read_small(path, buf, sizeof buf) < 0)
		return -1;
	int levels;
	pid_t inner = sandbox_nspid_parse(buf, &levels);
	/* A program of the case is in a namespace below ours: one number for each. */
	return levels >= 2 ? inner : -1;
}

pid_t sandbox_nspid_parse(const char *status, int *levels)
{
	*levels = 0;
	const char *line = strstr(status, "\nNSpid:");
	if (!line)
		return -1;
	const char *p = line + 7, *nl = strchr(p, '\n');
	const char *end = nl ? nl : p + strlen(p);
	long last = -1;
	int k = 0;
	while (p < end) {
		if (*p == ' ' || *p == '\t') {
			p++;
			continue;
		}
		char *stop;
		errno = 0;
		long v = strtol(p, &stop, 10);
		if (stop == p || errno || v <= 0 || (stop < end && *stop != ' ' && *stop != '\t'))
			return -1;
		last = v;
		k++;
		p = stop;
	}
	*levels = k;
	return last > 0 ? (pid_t)last : -1;
}

int sandbox_proc_openat(int proc, pid_t pid, const char *rel, int flags)
{
	char path[160];
	if (proc >= 0) {
		snprintf(path, sizeof path, "%ld/%s", (long)pid, rel);
		return openat(proc, path, flags | O_CLOEXEC);
	}
	snprintf(path, sizeof path, "/proc/%ld/%s", (long)pid, rel);
	return open(path, flags | O_CLOEXEC);
}

/* Parses a decimal long from [*p, end); advances *p. Returns 0 or -1. */
static int take_long(const char **p, const char *end, long *out)
{
	const char *s = *p;
	while (s < end && *s == ' ')
		s++;
	int neg = 0;
	if (s < end && *s == '-') {
		neg = 1;
		s++;
	}
	if (s >= end || !isdigit((unsigned char)*s))
		return -1;
	long v = 0;
	while (s < end && isdigit((unsigned char)*s)) {
		if (v > (__LONG_MAX__ - 9) / 10)
			return -1;
		v = v * 10 + (*s - '0');
		s++;
	}
	if (s < end && *s != ' ' && *s != '\n')
		return -1;
	*out = neg ? -v : v;
	*p = s;
	return 0;
}

/* Skips one space-separated field. */
static int skip_field(const char **p, const char *end)
{
	const char *s = *p;
	while (s < end && *s == ' ')
		s++;
	if (s >= end)
		return -1;
	while (s < end && *s != ' ' && *s != '\n')
		s++;
	*p = s;
	return 0;
}

int sandbox_stat_parse(const char *text, size_t len, struct sandbox_member *out)
{
	const char *p = text, *end = text + len;
	long pid;
	if (take_long(&p, end, &pid) < 0 || pid <= 0)
		return -1;
	/* comm is "(...)" and may itself hold spaces and parentheses: the last ')' ends it. */
	const char *close = NULL;
	for (const char *s = p; s < end; s++)
		if (*s == ')')
			close = s;
	if (!close || close + 2 >= end || close[1] != ' ')
		return -1;
	p = close + 2;
	char state = *p++;
	if (!isalpha((unsigned char)state))
		return -1;
	long ppid;
	if (take_long(&p, end, &ppid) < 0 || ppid < 0)
		return -1;
	/* Fields 5..13 (pgrp .. cmajflt), 14..17: utime stime cutime cstime, 18..19 (priority, nice), then
	 * 20: num_threads. */
	for (int i = 5; i <= 13; i++)
		if (skip_field(&p, end) < 0)
			return -1;
	long times[4];
	for (int i = 0; i < 4; i++)
		if (take_long(&p, end, &times[i]) < 0 || times[i] < 0)
			return -1;
	for (int i = 18; i <= 19; i++)
		if (skip_field(&p, end) < 0)
			return -1;
	long threads;
	if (take_long(&p, end, &threads) < 0 || threads < 0)
		return -1;
	out->pid = (pid_t)pid;
	out->ppid = (pid_t)ppid;
	out->state = state;
	out->threads = threads;
	out->cpu_ticks = times[0] + times[1];
	out->child_cpu_ticks = times[2] + times[3];
	return 0;
}

/* Reads <pid>/stat of a /proc (sandbox_proc_openat). Returns 0, 1 if the process is gone or unreadable, -1
 * on a malformed file. */
static int read_stat(int proc, pid_t pid, struct sandbox_member *out)
{
	char buf[1024];
	int fd = sandbox_proc_openat(proc, pid, "stat", O_RDONLY);
	if (fd < 0)
		return 1;
	ssize_t n = read(fd, buf, sizeof buf);
	close(fd);
	if (n <= 0)
		return 1;
	return sandbox_stat_parse(buf, (size_t)n, out) < 0 ? -1 : 0;
}

static int by_pid(const void *a, const void *b)
{
	pid_t x = ((const struct sandbox_member *)a)->pid, y = ((const struct sandbox_member *)b)->pid;
	return (x > y) - (x < y);
}

/* Index of pid in the sorted array, or -1. */
static long find(const struct sandbox_member *m, size_t n, pid_t pid)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m[mid].pid == pid)
			return (long)mid;
		if (m[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Every process of a /proc (thread-group leaders; /proc does not list other threads): all of the
 * machine's (proc -1), or only the case's (its own /proc). */
static int scan_all(int proc, struct sandbox_tree *all, char errbuf[SANDBOX_ERRBUF_SIZE])
{
	int dfd = proc >= 0 ? openat(proc, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	DIR *d = proc >= 0 ? (dfd >= 0 ? fdopendir(dfd) : NULL) : opendir("/proc");
	if (!d) {
		errf(errbuf, "cannot read %s: %s", proc >= 0 ? "the case's /proc" : "/proc", strerror(errno));
		if (dfd >= 0)
			close(dfd);
		return -1;
	}
	size_t cap = 256;
	all->n = 0;
	all->m = malloc(cap * sizeof *all->m);
	if (!all->m) {
		closedir(d);
		errf(errbuf, "out of memory");
		return -1;
	}
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		if (!isdigit((unsigned char)de->d_name[0]) || *end || pid <= 0)
			continue;
		struct sandbox_member mem;
		if (read_stat(proc, (pid_t)pid, &mem) != 0)
			continue; /* vanished mid-scan, or a line we cannot trust */
		if (all->n == cap) {
			struct sandbox_member *grown = realloc(all->m, cap * 2 * sizeof *grown);
			if (!grown) {
				closedir(d);
				free(all->m);
				all->m = NULL;
				errf(errbuf, "out of memory");
				return -1;
			}
			all->m = grown;
			cap *= 2;
		}
		all->m[all->n++] = mem;
	}
	closedir(d);
	qsort(all->m, all->n, sizeof *all->m, by_pid);
	return 0;
}

/* The tree of root and init's orphans, read from a /proc (see scan_all), in its numbering. */
static int collect_in(int proc, pid_t root, pid_t init, struct sandbox_tree *t, char errbuf[SANDBOX_ERRBUF_SIZE])
{
	struct sandbox_tree all;
	t->m = NULL;
	t->n = 0;
	t->proc = proc;
	t->root = root > 0 ? root : 0;
	if (scan_all(proc, &all, errbuf) < 0)
		return -1;
	unsigned char *in = calloc(all.n ? all.n : 1, 1);
	if (!in) {
		free(all.m);
		errf(errbuf, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < all.n; i++) {
		struct sandbox_member *m = &all.m[i];
		if (m->state == 'X' || (init > 0 && m->pid == init))
			continue;
		if ((root > 0 && m->pid == root) || (init > 0 && m->ppid == init))
			in[i] = 1;
	}
	/* Descendants: repeat until no parent link adds anyone (one pass per generation). */
	for (int changed = 1; changed;) {
		changed = 0;
		for (size_t i = 0; i < all.n; i++) {
			if (in[i] || all.m[i].state == 'X' || (init > 0 && all.m[i].pid == init))
				continue;
			long j = find(all.m, all.n, all.m[i].ppid);
			if (j >= 0 && in[j]) {
				in[i] = 1;
				changed = 1;
			}
		}
	}
	size_t k = 0;
	for (size_t i = 0; i < all.n; i++)
		if (in[i])
			all.m[k++] = all.m[i];
	free(in);
	t->m = all.m;
	t->n = k;
	return 0;
}

int sandbox_tree_collect(pid_t root, pid_t init, struct sandbox_tree *t, char errbuf[SANDBOX_ERRBUF_SIZE])
{
	return collect_in(-1, root, init, t, errbuf);
}

int sandbox_tree_of(struct sandbox *sb, pid_t root, struct sandbox_tree *t, char errbuf[SANDBOX_ERRBUF_SIZE])
{
	/* In the case's own /proc our init is 1, and root is what its NSpid line says. A program cannot leave
	 * the namespace, so its escapers (setsid, double fork) are there too, as orphans of init. */
	int proc = sandbox_nsproc_fd(sb);
	pid_t r = proc >= 0 && root > 0 ? sandbox_nsproc_pid(root) : 0;
	if (proc >= 0 && r >= 0 && collect_in(proc, r, 1, t, errbuf) == 0)
		return 0;
	return collect_in(-1, root, sb ? sb->init_pid : 0, t, errbuf);
}

/* Counts <pid>/fd entries of a /proc. Returns the count, -1 if the process is gone, -2 (errno) otherwise. */
static long count_fds(int proc, pid_t pid)
{
	int fd = sandbox_proc_openat(proc, pid, "fd", O_RDONLY | O_DIRECTORY);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		errno = e;
		return errno == ENOENT || errno == ESRCH ? -1 : -2;
	}
	long n = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

int sandbox_schedstat_parse(const char *text, size_t len, long long *run_ns, long long *wait_ns)
{
	const char *p = text, *end = text + len;
	long a, b;
	if (take_long(&p, end, &a) < 0 || a < 0 || take_long(&p, end, &b) < 0 || b < 0)
		return -1;
	*run_ns = a;
	*wait_ns = b;
	return 0;
}

int sandbox_status_sleeps(const char *text, size_t len, long *out)
{
	static const char key[] = "voluntary_ctxt_switches:";
	const char *end = text + len;
	for (const char *line = text; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *stop = nl ? nl : end;
		if ((size_t)(stop - line) > sizeof key - 1 && memcmp(line, key, sizeof key - 1) == 0) {
			const char *p = line + sizeof key - 1;
			while (p < stop && (*p == '\t' || *p == ' '))
				p++;
			return p < stop && take_long(&p, stop, out) == 0 && *out >= 0 ? 0 : -1;
		}
		line = stop + 1;
	}
	return -1;
}

/* Reads a small file <pid>/<rel> of a /proc whole into buf (NUL-terminated). Returns its length, or -1
 * (errno). */
static ssize_t slurp(int proc, pid_t pid, const char *rel, char *buf, size_t cap)
{
	int fd = sandbox_proc_openat(proc, pid, rel, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, cap - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

/* Scheduler figures of every live thread of a tree, from /proc/PID/task/TID/{schedstat,status}. */
struct sched_sum {
	long long busy_ns; /* running or waiting on a run queue: a thread that loops is one or the other */
	long long run_ns;  /* running alone */
	long long sleeps;  /* voluntary context switches: the times a thread blocked */
	int none;          /* the kernel keeps no schedstat (CONFIG_SCHED_INFO off) */
};

static void sched_add(int proc, pid_t pid, struct sched_sum *sum)
{
	char path[96], buf[2048];
	int fd = sandbox_proc_openat(proc, pid, "task", O_RDONLY | O_DIRECTORY);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return; /* the process is gone */
	}
	struct dirent *de;
	while (!sum->none && (de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof path, "task/%.20s/schedstat", de->d_name);
		long long run, wait;
		ssize_t n = slurp(proc, pid, path, buf, sizeof buf);
		if (n < 0 && errno == ENOENT && access("/proc/self/schedstat", R_OK) != 0)
			sum->none = 1;
		if (n <= 0 || sandbox_schedstat_parse(buf, (size_t)n, &run, &wait) != 0)
			continue; /* the thread ended meanwhile */
		sum->busy_ns += run + wait;
		sum->run_ns += run;
		snprintf(path, sizeof path, "task/%.20s/status", de->d_name);
		long sleeps;
		if ((n = slurp(proc, pid, path, buf, sizeof buf)) > 0 && sandbox_status_sleeps(buf, (size_t)n, &sleeps) == 0)
			sum->sleeps += sleeps;
	}
	closedir(d);
}

int sandbox_proc_stats(struct sandbox *sb, const struct sandbox_proc *p, struct sandbox_stats *out,
		       char errbuf[SANDBOX_ERRBUF_SIZE])
{
	errbuf[0] = '\0';
	memset(out, 0, sizeof *out);
	/* Once reaped, p->pid may belong to anyone: only the orphans of our init are left to count. */
	pid_t root = p && !p->exited ? p->pid : 0;
	pid_t init = sb ? sb->init_pid : 0;
	struct sandbox_tree t;
	if (sandbox_tree_of(sb, root, &t, errbuf) < 0)
		return -1;
	long long ticks = 0;
	struct sched_sum sched = {0};
	/* Orphans our init reaped took their CPU time into init's cutime/cstime. */
	struct sandbox_member im;
	if (init > 0 && read_stat(-1, init, &im) == 0)
		ticks += im.child_cpu_ticks;
	int rc = 0;
	for (size_t i = 0; i < t.n; i++) {
		const struct sandbox_member *m = &t.m[i];
		/* A process's own time covers all its threads (live and ended); its children's, once reaped. */
		ticks += m->cpu_ticks + m->child_cpu_ticks;
		if (m->state == 'Z') {
			/* The program itself awaiting our waitpid is not its leak. */
			if (m->pid != t.root)
				out->zombies++;
			continue;
		}
		long fds = count_fds(t.proc, m->pid);
		if (fds == -1)
			continue; /* exited meanwhile */
		if (fds == -2) {
			errf(errbuf, "cannot read %s/proc/%ld/fd: %s", t.proc >= 0 ? "the case's " : "", (long)m->pid,
			     strerror(errno));
			rc = -1;
			break;
		}
		out->processes++;
		out->threads += m->threads;
		out->fds += fds;
		sched_add(t.proc, m->pid, &sched);
	}
	free(t.m);
	long hz = sysconf(_SC_CLK_TCK);
	out->cpu_seconds = (double)ticks / (double)(hz > 0 ? hz : 100);
	out->busy_seconds = sched.none ? -1 : (double)sched.busy_ns / 1e9;
	out->run_seconds = sched.none ? -1 : (double)sched.run_ns / 1e9;
	out->sleeps = sched.none ? -1 : sched.sleeps;
	return rc;
}
