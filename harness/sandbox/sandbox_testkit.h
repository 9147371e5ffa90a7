/* sandbox_testkit.h: helpers for sandbox_*_test.c: run checks in a forked worker, bounded reads and waits.
 * Include after unit.h and UNIT_STATE (the helpers use the test file's counters). */
#ifndef SOCKCHECK_SANDBOX_TESTKIT_H
#define SOCKCHECK_SANDBOX_TESTKIT_H

#include "sandbox_int.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Runs fn(arg) in a forked child (the "worker", which may call sandbox_enter without touching the test
 * process), bounded by timeout seconds. The child's CHECK counts are added to ours. */
static inline void testkit_in_worker(const char *name, void (*fn)(void *), void *arg, double timeout)
{
	int fds[2];
	if (pipe(fds) < 0) {
		CHECK(!"pipe");
		return;
	}
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		CHECK(!"fork");
		return;
	}
	if (pid == 0) {
		close(fds[0]);
		unit_passed = unit_failed = 0;
		fn(arg);
		int counts[2] = {unit_passed, unit_failed};
		if (write(fds[1], counts, sizeof counts) != (ssize_t)sizeof counts)
			_exit(3);
		fflush(stdout);
		fflush(stderr);
		_exit(0);
	}
	close(fds[1]);
	double deadline = sandbox_now() + timeout;
	int counts[2] = {0, 0}, got = 0, status = 0;
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			break;
		if (sandbox_now() > deadline) {
			fprintf(stderr, "%s: worker timed out after %.0f s\n", name, timeout);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			break;
		}
		struct timespec ts = {0, 5 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	got = read(fds[0], counts, sizeof counts) == (ssize_t)sizeof counts;
	close(fds[0]);
	if (!got || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "%s: worker died (status 0x%x) before reporting\n", name, status);
		unit_failed++;
		return;
	}
	unit_passed += counts[0];
	unit_failed += counts[1];
	printf("%s: %d passed, %d failed\n", name, counts[0], counts[1]);
}

/* Reads fd (non-blocking) into buf until it holds `want` (if not NULL), EOF, or timeout. NUL-terminates
 * buf; returns its length. */
static inline size_t testkit_read(int fd, char *buf, size_t cap, const char *want, double timeout)
{
	size_t n = 0;
	double deadline = sandbox_now() + timeout;
	buf[0] = '\0';
	while (n + 1 < cap && !(want && strstr(buf, want))) {
		double left = deadline - sandbox_now();
		if (left <= 0)
			break;
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		if (poll(&pfd, 1, (int)(left * 1000) + 1) <= 0)
			continue;
		ssize_t r = read(fd, buf + n, cap - 1 - n);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
		buf[n] = '\0';
	}
	return n;
}

/* Waits (bounded) until the program exits; returns 1 if it did. */
static inline int testkit_wait_exit(struct sandbox_proc *p, double timeout)
{
	double deadline = sandbox_now() + timeout;
	while (!sandbox_proc_reap(p)) {
		if (sandbox_now() > deadline)
			return 0;
		struct pollfd pfd = {.fd = p->pidfd, .events = POLLIN};
		poll(&pfd, 1, 20);
	}
	return 1;
}

static inline void testkit_sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000 * 1000};
	nanosleep(&ts, NULL);
}

/* Memory shared between the test process and its workers (results beyond pass/fail counts). */
static inline void *testkit_shared(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* Is pid alive (not gone, not a zombie)? */
static inline int testkit_alive(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *close = strrchr(buf, ')');
	return close && close[1] == ' ' && close[2] != 'Z' && close[2] != 'X';
}

#endif
