/* refcheck_proc.c: starting, feeding, waiting for and inspecting the programs under test (via /proc). */
#define _GNU_SOURCE /* pipe2() */
#include "refcheck.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int rc_spawn(struct rc *t, struct rc_proc *p, int pipes, const char *prog, char *const argv[])
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 };
	char path[512];

	memset(p, 0, sizeof *p);
	p->in = p->out = p->err = p->pidfd = -1;
	snprintf(path, sizeof path, "%s/%s", t->bin, prog);
	if (((pipes & RC_PIPE_IN) && pipe2(in, O_CLOEXEC) < 0) || ((pipes & RC_PIPE_OUT) && pipe2(out, O_CLOEXEC) < 0) ||
	    ((pipes & RC_PIPE_ERR) && pipe2(err, O_CLOEXEC) < 0))
		return rc_check(t, 0, "pipe: %s", strerror(errno)), -1;
	p->pid = fork();
	if (p->pid == 0) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

		dup2(in[0] >= 0 ? in[0] : null, STDIN_FILENO);
		if (out[1] >= 0)
			dup2(out[1], STDOUT_FILENO);
		if (err[1] >= 0)
			dup2(err[1], STDERR_FILENO);
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* if the driver dies (a ctest timeout), the program dies too */
		signal(SIGPIPE, SIG_DFL); /* an ignored signal stays ignored across exec: give the program a clean slate */
		execv(path, argv);
		fprintf(stderr, "exec %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	if (in[0] >= 0)
		close(in[0]);
	if (out[1] >= 0)
		close(out[1]);
	if (err[1] >= 0)
		close(err[1]);
	p->in = in[1];
	p->out = out[0];
	p->err = err[0];
	if (p->pid < 0)
		return rc_check(t, 0, "fork: %s", strerror(errno)), -1;
	p->pidfd = (int)syscall(SYS_pidfd_open, p->pid, 0);
	return 0;
}

int rc_wait(struct rc_proc *p, int timeout_ms)
{
	long long deadline = rc_now_ms() + timeout_ms;

	while (!p->exited) {
		struct pollfd pfd = { .fd = p->pidfd, .events = POLLIN };
		long long left = deadline - rc_now_ms();

		if (waitpid(p->pid, &p->status, WNOHANG) == p->pid) {
			p->exited = 1;
			break;
		}
		if (left <= 0)
			break;
		/* Without a pidfd (old kernel), poll() on -1 just sleeps: 10 ms steps. */
		poll(&pfd, 1, p->pidfd >= 0 ? (int)left : (left < 10 ? (int)left : 10));
	}
	return p->exited;
}

int rc_exit_code(const struct rc_proc *p)
{
	if (!p->exited)
		return -1;
	if (WIFEXITED(p->status))
		return WEXITSTATUS(p->status);
	return 1000 + WTERMSIG(p->status);
}

void rc_finish(struct rc_proc *p)
{
	if (p->pid > 0 && !p->exited) {
		kill(p->pid, SIGKILL);
		waitpid(p->pid, &p->status, 0);
		p->exited = 1;
	}
	if (p->in >= 0)
		close(p->in);
	if (p->out >= 0)
		close(p->out);
	if (p->err >= 0)
		close(p->err);
	if (p->pidfd >= 0)
		close(p->pidfd);
	p->in = p->out = p->err = p->pidfd = -1;
}

/* 1 if /proc/net/<file> lists local port `port` (in TCP LISTEN state for TCP files). */
static int port_listed(const char *file, int port, int tcp)
{
	char path[64], line[512];
	FILE *f;
	int found = 0;

	snprintf(path, sizeof path, "/proc/net/%s", file);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	while (!found && fgets(line, sizeof line, f) != NULL) {
		unsigned lport, state;

		if (sscanf(line, " %*d: %*[0-9A-Fa-f]:%X %*[0-9A-Fa-f]:%*X %X", &lport, &state) == 2)
			found = (int)lport == port && (!tcp || state == 0x0A);
	}
	fclose(f);
	return found;
}

int rc_wait_bound(int port, int udp, int timeout_ms)
{
	long long deadline = rc_now_ms() + timeout_ms;

	for (;;) {
		if (udp ? port_listed("udp", port, 0) || port_listed("udp6", port, 0)
			: port_listed("tcp", port, 1) || port_listed("tcp6", port, 1))
			return 1;
		if (rc_now_ms() >= deadline)
			return 0;
		usleep(5000); /* the kernel offers no event for "a port got bound": poll /proc */
	}
}

int rc_start_server(struct rc *t, struct rc_proc *p, int udp, const char *prog, char *const argv[])
{
	if (rc_spawn(t, p, 0, prog, argv) < 0)
		return -1;
	if (!rc_wait_bound(RC_PORT, udp, 3000)) {
		rc_wait(p, 0);
		rc_check(t, 0, "%s did not bind port %d within 3 s (exit code %d)", prog, RC_PORT, rc_exit_code(p));
		return -1;
	}
	return 0;
}

int rc_check_running(struct rc *t, struct rc_proc *p)
{
	char why[64] = "";

	if (rc_wait(p, 0))
		snprintf(why, sizeof why, " (it exited: status %d, 1000+N is signal N)", rc_exit_code(p));
	return rc_check(t, !p->exited, "the server is still running%s", why);
}

int rc_fd_count(pid_t pid)
{
	char path[64];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
	d = opendir(path);
	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

int rc_thread_count(pid_t pid)
{
	char path[64], line[256];
	FILE *f;
	int n = -1;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "Threads: %d", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* Calls fn for every process whose parent is ppid, with its pid and state letter. */
static void each_child(pid_t ppid, void (*fn)(pid_t pid, char state, void *arg), void *arg)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char path[300], buf[512], *rp;
		int parent;
		char state;
		FILE *f;
		size_t n;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[n] = '\0';
		rp = strrchr(buf, ')'); /* the command name may itself hold spaces and parentheses */
		if (rp != NULL && sscanf(rp + 1, " %c %d", &state, &parent) == 2 && parent == ppid)
			fn((pid_t)atoi(e->d_name), state, arg);
	}
	closedir(d);
}

static void count_child(pid_t pid, char state, void *arg)
{
	int *counts = arg;

	(void)pid;
	counts[state == 'Z' ? 1 : 0]++;
}

void rc_children(pid_t pid, int *live, int *zombies)
{
	int counts[2] = { 0, 0 };

	each_child(pid, count_child, counts);
	*live = counts[0];
	*zombies = counts[1];
}

static void kill_child(pid_t pid, char state, void *arg)
{
	(void)state;
	(void)arg;
	kill(pid, SIGKILL);
}

void rc_reap_all(void)
{
	for (int round = 0; round < 200; round++) {
		int live, zombies;

		each_child(getpid(), kill_child, NULL);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		rc_children(getpid(), &live, &zombies);
		if (live + zombies == 0)
			return;
		usleep(10000);
	}
}

/* Append what fd has to *buf; at EOF or error close it and set it to -1. */
static void drain(int *fd, unsigned char **buf, size_t *len, size_t *cap)
{
	ssize_t n;

	if (*len + 65536 + 1 > *cap) {
		size_t ncap = *cap ? *cap * 2 : 131072;
		unsigned char *nbuf = realloc(*buf, ncap);

		if (nbuf == NULL) {
			close(*fd);
			*fd = -1;
			return;
		}
		*buf = nbuf;
		*cap = ncap;
	}
	n = read(*fd, *buf + *len, 65536);
	if (n > 0) {
		*len += (size_t)n;
	} else if (n == 0 || errno != EINTR) {
		close(*fd);
		*fd = -1;
	}
}

int rc_pump(struct rc_proc *p, const void *in, size_t inlen, unsigned char **out, size_t *outlen, char **err,
	    int timeout_ms)
{
	long long deadline = rc_now_ms() + timeout_ms;
	size_t sent = 0, outcap = 0, errlen = 0, errcap = 0;
	unsigned char *errbuf = NULL;

	*out = NULL;
	*outlen = 0;
	if (p->in >= 0)
		fcntl(p->in, F_SETFL, O_NONBLOCK);
	while ((p->in >= 0 || p->out >= 0 || p->err >= 0) && rc_now_ms() < deadline) {
		struct pollfd pfd[3] = {
			{ .fd = p->in, .events = POLLOUT },
			{ .fd = p->out, .events = POLLIN },
			{ .fd = p->err, .events = POLLIN },
		};

		if (p->in >= 0 && sent == inlen) {
			close(p->in);
			p->in = pfd[0].fd = -1;
		}
		if (poll(pfd, 3, (int)(deadline - rc_now_ms())) <= 0)
			continue;
		if (pfd[0].revents != 0) {
			ssize_t n = write(p->in, (const char *)in + sent, inlen - sent);

			if (n > 0)
				sent += (size_t)n;
			else if (n < 0 && errno != EAGAIN && errno != EINTR)
				sent = inlen; /* the program closed its stdin: stop feeding it */
		}
		if (pfd[1].revents != 0)
			drain(&p->out, out, outlen, &outcap);
		if (pfd[2].revents != 0)
			drain(&p->err, &errbuf, &errlen, &errcap);
	}
	if (*out != NULL)
		(*out)[*outlen] = '\0';
	*err = errbuf != NULL ? (char *)errbuf : strdup("");
	if (errbuf != NULL)
		errbuf[errlen] = '\0';
	if (*out == NULL)
		*out = (unsigned char *)strdup("");
	return rc_wait(p, (int)(deadline > rc_now_ms() ? deadline - rc_now_ms() : 0));
}
