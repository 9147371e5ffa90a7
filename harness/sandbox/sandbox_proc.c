/* sandbox_proc.c: starting programs under test in the sandbox (pipes, view, rlimits, identity), reaping, stopping. */
#define _GNU_SOURCE
#include "sandbox_int.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* After SIGKILL, how long stop waits for the kernel to finish the program (normally microseconds). */
#define SANDBOX_KILL_WAIT 5.0

static void errf(char errbuf[SANDBOX_ERRBUF_SIZE], const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errbuf, SANDBOX_ERRBUF_SIZE, fmt, ap);
	va_end(ap);
}

/* Lowers (never raises) a limit: both soft and hard become min(want, current hard). */
static void limit(int resource, rlim_t soft, rlim_t hard)
{
	struct rlimit cur;
	if (getrlimit(resource, &cur) == 0 && cur.rlim_max != RLIM_INFINITY) {
		if (hard > cur.rlim_max)
			hard = cur.rlim_max;
		if (soft > hard)
			soft = hard;
	}
	struct rlimit want = {.rlim_cur = soft, .rlim_max = hard};
	setrlimit(resource, &want);
}

/* In the forked child: sends why we could not start on the status pipe (the parent makes it the error of
 * sandbox_spawn, a harness error, never the program's), then _exit(127). */
static void child_fail(int status_fd, const char *what)
{
	if (!what[0]) /* never empty: an empty report would read as a successful start */
		what = "the program's sandbox could not be set up";
	size_t n = strlen(what);
	if (write(status_fd, what, n) < 0)
		_exit(127);
	_exit(127);
}

struct child_args {
	const struct sandbox *sb;
	int in_rd, out_wr, err_wr, status_wr, gate_rd;
	const char *cmd;
	double cpu_seconds;
	size_t index;
	int flags;
};

static void child_main(const struct child_args *a)
{
	const struct sandbox *sb = a->sb;
	char err[SANDBOX_ERRBUF_SIZE] = "";
	setpgid(0, 0);
	int in_rd = a->in_rd;
	if (a->flags & SANDBOX_STDIN_NULL)
		in_rd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	/* Move our ends above 3 first so dup2 cannot clobber one with another. */
	int gated = a->gate_rd >= 0;
	int fds[5] = {in_rd, a->out_wr, a->err_wr, a->status_wr, a->gate_rd};
	for (int i = 0; i < 4 + gated; i++) {
		fds[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 5);
		if (fds[i] < 0)
			_exit(127);
	}
	for (int i = 0; i < 3; i++)
		if (dup2(fds[i], i) < 0)
			_exit(127);
	/* the status pipe (3) and the gate (4) close at the exec */
	for (int i = 3; i < 4 + gated; i++)
		if (dup2(fds[i], i) < 0 || fcntl(i, F_SETFD, FD_CLOEXEC) < 0)
			_exit(127);
	int status_fd = 3, gate_fd = gated ? 4 : -1;
	/* Nothing else of the worker's (sockets, capture handles, pipes to the runner) leaks in. */
	unsigned first = gated ? 5U : 4U;
	if (syscall(SYS_close_range, first, ~0U, 0U) < 0) {
		for (int fd = (int)first; fd < 1024; fd++)
			close(fd);
	}

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL); /* fails harmlessly for SIGKILL, SIGSTOP, glibc-internal ones */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	if (sandbox_fs_view(sb, a->cmd, a->index, err) < 0)
		child_fail(status_fd, err);
	const struct sandbox_config *cfg = &sb->cfg;
	limit(RLIMIT_CORE, 0, 0);
	limit(RLIMIT_FSIZE, (rlim_t)cfg->fsize_mib << 20, (rlim_t)cfg->fsize_mib << 20);
	rlim_t cpu = 1;
	if (a->cpu_seconds > 1.0) /* NaN and values below 1 give 1 */
		cpu = a->cpu_seconds < 1e9 ? (rlim_t)ceil(a->cpu_seconds) : (rlim_t)1e9;
	limit(RLIMIT_CPU, cpu, cpu + 1); /* SIGXCPU at the soft limit, SIGKILL one second later */
	limit(RLIMIT_NOFILE, (rlim_t)cfg->nofile, (rlim_t)cfg->nofile);
	/* Counted per uid: as root, the case's own sandbox uid; as a user, the user's. */
	limit(RLIMIT_NPROC, (rlim_t)cfg->nproc, (rlim_t)cfg->nproc);
	if (sandbox_id_drop(sb, err) < 0)
		child_fail(status_fd, err);

	/* A fixed environment, never the grader's (CI tokens, cloud keys; and PYTHONUNBUFFERED, which would
	 * hide a submission's missing flush). Built before RLIMIT_AS, in our own stack. */
	char *envp[SANDBOX_ENV_MAX], envbuf[16384];
	if (sandbox_env(envp, envbuf, sizeof envbuf) < 0)
		child_fail(status_fd, "the program's environment is too large (PATH, TZ, PYENV_*, *SAN_OPTIONS)");
	/* Last before exec: nothing of ours allocates under it (a sanitizer runtime, having reserved terabytes
	 * of address space, could not map another page). SANDBOX_MEM_UNLIMITED: none. */
	if (cfg->mem_mib > 0)
		limit(RLIMIT_AS, (rlim_t)cfg->mem_mib << 20, (rlim_t)cfg->mem_mib << 20);
	/* Gated: everything is ready; the exec waits for the caller's word (EOF: the caller gave up). */
	if (gate_fd >= 0) {
		char go;
		ssize_t r;
		while ((r = read(gate_fd, &go, 1)) < 0 && errno == EINTR)
			;
		if (r != 1)
			_exit(127);
	}
	execle("/bin/sh", "sh", "-c", a->cmd, (char *)NULL, envp);
	snprintf(err, sizeof err, "cannot start the program: /bin/sh: %s", strerror(errno));
	child_fail(status_fd, err);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int sandbox_spawn(struct sandbox *sb, const char *cmd, double cpu_seconds, struct sandbox_proc *out,
		  char errbuf[SANDBOX_ERRBUF_SIZE])
{
	return sandbox_spawn_ex(sb, cmd, cpu_seconds, 0, out, errbuf);
}

/* Waits for the child to exec (the status pipe closes empty) or to say why it could not. */
static int child_started(int status_rd, char errbuf[SANDBOX_ERRBUF_SIZE])
{
	size_t n = 0;
	for (;;) {
		ssize_t r = read(status_rd, errbuf + n, SANDBOX_ERRBUF_SIZE - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || n + (size_t)r >= SANDBOX_ERRBUF_SIZE - 1) {
			n += r > 0 ? (size_t)r : 0;
			break;
		}
		n += (size_t)r;
	}
	errbuf[n] = '\0';
	return n == 0 ? 0 : -1;
}

/* The child could not start the program (errbuf says why): reaps it and forgets its pid. */
static void not_started(struct sandbox *sb, pid_t pid, char errbuf[SANDBOX_ERRBUF_SIZE])
{
	if (!strstr(errbuf, "sockcheck doctor")) {
		size_t n = strlen(errbuf);
		snprintf(errbuf + n, SANDBOX_ERRBUF_SIZE - n, " (see `sockcheck doctor`)");
	}
	waitpid(pid, NULL, 0);
	for (size_t i = 0; i < sb->nspawned; i++)
		if (sb->spawned[i] == pid)
			sb->spawned[i] = 0;
}

int sandbox_spawn_ex(struct sandbox *sb, const char *cmd, double cpu_seconds, int flags, struct sandbox_proc *out,
		     char errbuf[SANDBOX_ERRBUF_SIZE])
{
	errbuf[0] = '\0';
	int in[2] = {-1, -1}, o[2] = {-1, -1}, e[2] = {-1, -1}, st[2] = {-1, -1}, g[2] = {-1, -1};
	out->pid = -1;
	out->pidfd = out->stdin_fd = out->stdout_fd = out->stderr_fd = out->gate_fd = out->status_fd = -1;
	out->exited = 0;
	out->status = 0;
	out->maxrss_kib = out->cpu_limit = out->mem_mib = out->fsize_mib = 0;
	if (!sb || !cmd) {
		errf(errbuf, "sandbox_spawn: no sandbox or no command");
		return -1;
	}
	if (sb->cfg.cpu_s > 0) /* a `cpu-time` limit (per case or run) replaces the caller's */
		cpu_seconds = (double)sb->cfg.cpu_s;
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(o, O_CLOEXEC) < 0 || pipe2(e, O_CLOEXEC) < 0 ||
	    pipe2(st, O_CLOEXEC) < 0 || ((flags & SANDBOX_GATED) && pipe2(g, O_CLOEXEC) < 0)) {
		errf(errbuf, "cannot create the program's pipes: %s", strerror(errno));
		goto fail;
	}
	/* Grow the pid list now, so that nothing can fail once the child exists. */
	if (sandbox_track(sb, 0) < 0) {
		errf(errbuf, "out of memory");
		goto fail;
	}
	sb->nspawned--;
	struct child_args args = {.sb = sb, .in_rd = in[0], .out_wr = o[1], .err_wr = e[1], .status_wr = st[1],
				  .gate_rd = g[0], .cmd = cmd, .cpu_seconds = cpu_seconds, .index = sb->nspawned, .flags = flags};
	pid_t pid = fork();
	if (pid < 0) {
		int err = errno;
		errf(errbuf, "cannot start the program: fork: %s%s", strerror(err),
		     err == ENOMEM ? " (the sandbox's init is gone; its PID namespace is dead)" : "");
		goto fail;
	}
	if (pid == 0)
		child_main(&args);
	setpgid(pid, pid); /* also in the parent: the group exists before we ever signal it */
	sandbox_track(sb, pid);
	close(in[0]);
	close(o[1]);
	close(e[1]);
	close(st[1]);
	close_fd(&g[0]);
	in[0] = o[1] = e[1] = st[1] = -1;
	if (!(flags & SANDBOX_GATED)) {
		int started = child_started(st[0], errbuf);
		close_fd(&st[0]);
		if (started < 0) {
			not_started(sb, pid, errbuf);
			goto fail;
		}
	}
	out->pid = pid;
	out->status_fd = st[0];
	out->gate_fd = g[1];
	out->cpu_limit = cpu_seconds > 1.0 ? (long)ceil(cpu_seconds < 1e9 ? cpu_seconds : 1e9) : 1;
	out->mem_mib = sb->cfg.mem_mib;
	out->fsize_mib = sb->cfg.fsize_mib;
	if (flags & SANDBOX_STDIN_NULL)
		close_fd(&in[1]);
	out->stdin_fd = in[1];
	out->stdout_fd = o[0];
	out->stderr_fd = e[0];
	int ours[3] = {in[1], o[0], e[0]};
	for (int i = 0; i < 3; i++)
		if (ours[i] >= 0)
			fcntl(ours[i], F_SETFL, fcntl(ours[i], F_GETFL) | O_NONBLOCK);
	out->pidfd = sandbox_pidfd_open(pid);
	if (out->pidfd >= 0)
		fcntl(out->pidfd, F_SETFD, FD_CLOEXEC);
	return 0;
fail:
	for (int i = 0; i < 2; i++) {
		close_fd(&in[i]);
		close_fd(&o[i]);
		close_fd(&e[i]);
		close_fd(&st[i]);
		close_fd(&g[i]);
	}
	return -1;
}

int sandbox_proc_go(struct sandbox *sb, struct sandbox_proc *p, char errbuf[SANDBOX_ERRBUF_SIZE])
{
	errbuf[0] = '\0';
	if (p->status_fd < 0)
		return 0;
	/* A child that failed before the gate has closed it: the write fails (SIGPIPE is ignored by the
	 * caller, or EPIPE), and its status pipe says why. */
	char go = 1;
	if (p->gate_fd >= 0 && write(p->gate_fd, &go, 1) < 0 && errno != EPIPE)
		errf(errbuf, "cannot start the program: %s", strerror(errno));
	close_fd(&p->gate_fd);
	int started = errbuf[0] ? -1 : child_started(p->status_fd, errbuf);
	close_fd(&p->status_fd);
	if (started == 0)
		return 0;
	if (p->pid > 0)
		kill(p->pid, SIGKILL); /* only when the write itself failed: otherwise it is gone already */
	not_started(sb, p->pid, errbuf);
	sandbox_proc_close(p);
	p->pid = -1;
	return -1;
}

int sandbox_proc_reap(struct sandbox_proc *p)
{
	if (p->exited)
		return 1;
	if (p->pid <= 0)
		return 0;
	int st;
	struct rusage ru;
	memset(&ru, 0, sizeof ru);
	pid_t r = wait4(p->pid, &st, WNOHANG, &ru);
	if (r == p->pid) {
		p->exited = 1;
		p->status = st;
		p->maxrss_kib = ru.ru_maxrss;
		return 1;
	}
	if (r < 0 && errno == ECHILD) {
		/* Already reaped elsewhere (sandbox_destroy kills and reaps everything): report it as killed. */
		p->exited = 1;
		p->status = SIGKILL;
		return 1;
	}
	return 0;
}

int sandbox_proc_signal(struct sandbox_proc *p, int sig)
{
	if (p->pid <= 0) {
		errno = ESRCH;
		return -1;
	}
	/* The group outlives its leader while members remain; its id is not reused meanwhile. */
	if (kill(-p->pid, sig) == 0)
		return 0;
	if (errno == ESRCH && !p->exited)
		return kill(p->pid, sig);
	return -1;
}

/* Waits until p exits or `seconds` pass; reaps it. Returns 1 if it has exited. */
static int wait_exit(struct sandbox_proc *p, double seconds)
{
	double deadline = sandbox_now() + seconds;
	while (!sandbox_proc_reap(p)) {
		double left = deadline - sandbox_now();
		if (left <= 0)
			return 0;
		if (p->pidfd >= 0) {
			struct pollfd pfd = {.fd = p->pidfd, .events = POLLIN};
			int ms = (int)ceil(left * 1000.0);
			poll(&pfd, 1, ms > 0 ? ms : 1);
		} else {
			struct timespec ts = {.tv_sec = 0, .tv_nsec = 5 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
	}
	return 1;
}

/* Waits (bounded) until no process is left in group pgid, zombies included: the members that our init
 * adopted are reaped by it within moments of dying. There is no event to wait on for a whole group,
 * hence the short, growing sleeps. */
static void wait_group_gone(pid_t pgid, double seconds)
{
	double deadline = sandbox_now() + seconds;
	long ns = 100 * 1000;
	while (kill(-pgid, 0) == 0 && sandbox_now() < deadline) {
		struct timespec ts = {.tv_sec = 0, .tv_nsec = ns};
		nanosleep(&ts, NULL);
		if (ns < 10 * 1000 * 1000)
			ns *= 2;
	}
}

int sandbox_proc_stop(struct sandbox_proc *p, double grace)
{
	if (p->pid <= 0)
		return 0;
	int own = 1;
	if (!p->exited) {
		sandbox_proc_signal(p, SIGTERM);
		/* A stopped program cannot act on SIGTERM until continued. */
		sandbox_proc_signal(p, SIGCONT);
		own = wait_exit(p, grace > 0 ? grace : 0);
	}
	/* Whatever is left of its process group (background children) goes too. */
	int group = kill(-p->pid, SIGKILL) == 0;
	if (!own)
		wait_exit(p, SANDBOX_KILL_WAIT);
	if (group)
		wait_group_gone(p->pid, SANDBOX_KILL_WAIT);
	return own;
}

void sandbox_proc_close(struct sandbox_proc *p)
{
	close_fd(&p->stdin_fd);
	close_fd(&p->stdout_fd);
	close_fd(&p->stderr_fd);
	close_fd(&p->pidfd);
	close_fd(&p->gate_fd);
	close_fd(&p->status_fd);
}

void sandbox_proc_describe(int status, char *out, size_t len)
{
	if (WIFEXITED(status))
		snprintf(out, len, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(out, len, "was killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(out, len, "ended with wait status 0x%x", status);
}

void sandbox_proc_explain(const struct sandbox_proc *p, char *out, size_t len)
{
	sandbox_proc_describe(p->status, out, len);
	size_t n = strlen(out);
	int sig = WIFSIGNALED(p->status) ? WTERMSIG(p->status) : 0;
	if (sig == SIGXCPU)
		snprintf(out + n, len - n, ": CPU time limit %ld s reached", p->cpu_limit);
	else if (sig == SIGXFSZ)
		snprintf(out + n, len - n, ": file size limit %ld MiB reached", p->fsize_mib);
	/* RLIMIT_AS makes allocations fail (MemoryError, a NULL from malloc): a program that ends with most
	 * of its limit resident ended at that limit, whatever way it then died. */
	else if (p->mem_mib > 0 && p->maxrss_kib >= p->mem_mib * 1024 * 3 / 4 && !(WIFEXITED(p->status) && WEXITSTATUS(p->status) == 0))
		snprintf(out + n, len - n, ": memory limit %ld MiB reached (peak %ld MiB resident)", p->mem_mib,
			 p->maxrss_kib / 1024);
}

int sandbox_proc_nproc_reached(struct sandbox *sb, const struct sandbox_proc *p, char *out, size_t len)
{
	struct sandbox_stats st;
	char err[SANDBOX_ERRBUF_SIZE];
	if (p->pid <= 0 || sandbox_proc_stats(sb, p, &st, err) != 0)
		return 0;
	/* Every fork past the limit fails, so a tree that hit it stays just below or at it. As a user, the
	 * limit counts all of the user's processes (sockcheck's own too), so the tree stays a few lower. */
	if (st.threads + st.zombies < sb->cfg.nproc - (sb->was_root ? 2 : 8))
		return 0;
	snprintf(out, len, "process limit %ld reached (%ld processes and threads)", sb->cfg.nproc,
		 st.threads + st.zombies);
	return 1;
}
