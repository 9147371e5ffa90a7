/* refcheck.c: the reference programs' test driver: isolates itself in a network namespace, runs one suite. */
#define _GNU_SOURCE /* unshare() */
#include "refcheck.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int rc_check(struct rc *t, int ok, const char *fmt, ...)
{
	va_list ap;

	t->checks++;
	if (!ok)
		t->failures++;
	printf("%s %s: ", ok ? "ok  " : "FAIL", t->name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return ok;
}

const char *rc_escape(char *dst, size_t dstlen, const void *s, size_t len)
{
	const unsigned char *p = s;
	size_t o = 0;

	for (size_t i = 0; i < len && o + 8 < dstlen; i++) {
		if (p[i] == '\n')
			o += (size_t)snprintf(dst + o, dstlen - o, "\\n");
		else if (p[i] == '\\' || p[i] == '"')
			o += (size_t)snprintf(dst + o, dstlen - o, "\\%c", p[i]);
		else if (p[i] < 0x20 || p[i] >= 0x7f)
			o += (size_t)snprintf(dst + o, dstlen - o, "\\x%02x", p[i]);
		else
			dst[o++] = (char)p[i];
	}
	if (dstlen > 0)
		dst[o < dstlen ? o : dstlen - 1] = '\0';
	return dst;
}

long long rc_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void rc_random(unsigned char *buf, size_t len, uint64_t seed)
{
	uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;

	for (size_t i = 0; i < len; i++) {
		x ^= x << 13; /* xorshift64 */
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (unsigned char)(x >> 32);
	}
}

void rc_apply(enum rc_transform tf, unsigned char *buf, size_t len)
{
	if (tf == RC_UPPER)
		for (size_t i = 0; i < len; i++)
			if (buf[i] >= 'a' && buf[i] <= 'z')
				buf[i] -= 'a' - 'A';
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	int ok = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);

	if (fd >= 0)
		close(fd);
	return ok ? 0 : -1;
}

/* Enter a new network namespace (and, without root, a user namespace that maps us to root in it)
 * and bring its loopback up, so fixed ports never meet another test's. */
static int isolate(char *err, size_t errlen)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	struct ifreq ifr;
	char map[64];
	int fd;

	if (uid == 0) {
		if (unshare(CLONE_NEWNET) < 0) {
			snprintf(err, errlen, "unshare(CLONE_NEWNET): %s", strerror(errno));
			return -1;
		}
	} else {
		if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0) {
			snprintf(err, errlen, "unshare(CLONE_NEWUSER|CLONE_NEWNET): %s", strerror(errno));
			return -1;
		}
		snprintf(map, sizeof map, "0 %u 1", (unsigned)uid);
		if (write_file("/proc/self/setgroups", "deny") < 0 || write_file("/proc/self/uid_map", map) < 0)
			return snprintf(err, errlen, "cannot map uid %u", (unsigned)uid), -1;
		snprintf(map, sizeof map, "0 %u 1", (unsigned)gid);
		if (write_file("/proc/self/gid_map", map) < 0)
			return snprintf(err, errlen, "cannot map gid %u", (unsigned)gid), -1;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&ifr, 0, sizeof ifr);
	strcpy(ifr.ifr_name, "lo");
	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0 ||
	    (ifr.ifr_flags |= IFF_UP, ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)) {
		snprintf(err, errlen, "bringing lo up: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: refcheck BINDIR tcp-echo|tcp-upper iterative|fork|thread\n"
			"       refcheck BINDIR udp-upper|udp-client|tcp-client|chat-server|chat-client|unix-echo\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct rc t = { 0 };
	char err[256], name[64];
	const char *suite;

	if (argc < 3)
		return usage();
	t.bin = argv[1];
	suite = argv[2];
	snprintf(name, sizeof name, "%s%s%s", suite, argc > 3 ? "/" : "", argc > 3 ? argv[3] : "");
	t.name = name;
	if (isolate(err, sizeof err) < 0) {
		fprintf(stderr, "refcheck: %s\n", err);
		return 2;
	}
	/* Orphans (a forked server's children) become ours, so rc_reap_all() can end them all. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	signal(SIGPIPE, SIG_IGN);
	alarm(80); /* a backstop under ctest's 90 s: every wait is bounded, but a driver bug must not hang */

	if ((strcmp(suite, "tcp-echo") == 0 || strcmp(suite, "tcp-upper") == 0) && argc == 4)
		rc_suite_stream(&t, suite[4] == 'e' ? RC_ECHO : RC_UPPER, argv[3]);
	else if (argc != 3)
		return usage();
	else if (strcmp(suite, "udp-upper") == 0)
		rc_suite_udp_upper(&t);
	else if (strcmp(suite, "udp-client") == 0)
		rc_suite_udp_client(&t);
	else if (strcmp(suite, "tcp-client") == 0)
		rc_suite_tcp_client(&t);
	else if (strcmp(suite, "chat-server") == 0)
		rc_suite_chat_server(&t);
	else if (strcmp(suite, "chat-client") == 0)
		rc_suite_chat_client(&t);
	else if (strcmp(suite, "unix-echo") == 0)
		rc_suite_unix_echo(&t);
	else
		return usage();
	rc_reap_all();
	if (t.checks == 0)
		rc_check(&t, 0, "the suite ran no check");
	printf("%s: %d checks, %d failed\n", t.name, t.checks, t.failures);
	return t.failures == 0 ? 0 : 1;
}
