/* gen_fixtures.c: records the pcap fixtures by capturing real loopback traffic with harness/wire/capture.c.
 *
 * Run inside a fresh network namespace (tests/pcap/generate.sh does: unshare -n, lo up):
 *   gen_fixtures all DIR            every fixture into DIR (echo.pcap + echo.timeline.json, ...)
 *   gen_fixtures echo FILE.pcap     just the TCP echo exchange (tests/tshark.sh)
 *   gen_fixtures bulk BYTES FILE    BYTES over TCP with nobody pumping the capture: prints the drops
 * Each exchange forks: the child plays the program under test, the parent the harness. Ports are fixed
 * (program 9000, harness 4000x) so the fixtures and the tests that use them are deterministic. */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"

#define PROGRAM_PORT 9000

static void die(const char *what)
{
	fprintf(stderr, "gen_fixtures: %s: %s\n", what, strerror(errno));
	exit(2);
}

static void msleep(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* The harness-side steps, as the runner would write them into a timeline. */
struct timeline {
	json_t *steps;
};

static void step(struct timeline *tl, int line, const char *text)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	if (!tl)
		return;
	json_array_append_new(tl->steps, json_pack("{s:f,s:i,s:s}", "t", tv.tv_sec + tv.tv_usec / 1e6, "line",
						   line, "text", text));
}

static void timeline_write(struct timeline *tl, const char *path, const char *name, const char *file)
{
	json_t *root = json_pack("{s:i,s:s,s:s,s:s,s:O}", "version", 1, "case", name, "file", file, "clock",
				 "realtime", "steps", tl->steps);
	if (json_dump_file(root, path, JSON_INDENT(1) | JSON_REAL_PRECISION(17)) < 0)
		die(path);
	json_decref(root);
	json_decref(tl->steps);
}

static struct sockaddr_storage addr(int family, const char *ip, int port, socklen_t *len)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	if (family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)&ss;
		s->sin_family = AF_INET;
		s->sin_port = htons((uint16_t)port);
		inet_pton(AF_INET, ip, &s->sin_addr);
		*len = sizeof *s;
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&ss;
		s->sin6_family = AF_INET6;
		s->sin6_port = htons((uint16_t)port);
		inet_pton(AF_INET6, ip, &s->sin6_addr);
		*len = sizeof *s;
	}
	return ss;
}

static int sock_bound(int family, int type, const char *ip, int port)
{
	socklen_t len;
	struct sockaddr_storage ss = addr(family, ip, port, &len);
	int fd = socket(family, type, 0), one = 1;
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		die("bind");
	return fd;
}

static void connect_to(int fd, int family, const char *ip, int port)
{
	socklen_t len;
	struct sockaddr_storage ss = addr(family, ip, port, &len);
	if (connect(fd, (struct sockaddr *)&ss, len) < 0)
		die("connect");
}

static void read_exact(int fd, char *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);
		if (r <= 0)
			die("read");
		got += (size_t)r;
	}
}

static void wait_child(pid_t pid)
{
	int st;
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "gen_fixtures: child failed\n");
		exit(2);
	}
}

static struct capture *cap_begin(const char *path)
{
	char err[CAPTURE_ERRBUF_SIZE];
	struct capture *c = capture_open("lo", path, CAPTURE_BUFFER_BYTES, err);
	if (!c) {
		fprintf(stderr, "gen_fixtures: %s\n", err);
		exit(2);
	}
	return c;
}

static void cap_end(struct capture *c, const char *path)
{
	char err[CAPTURE_ERRBUF_SIZE];
	struct capture_stats st;
	if (capture_close(c, &st, err) < 0) {
		fprintf(stderr, "gen_fixtures: %s: %s\n", path, err);
		exit(2);
	}
	printf("%s: %llu packets, %llu drops\n", path, (unsigned long long)st.packets,
	       (unsigned long long)st.drops);
	if (st.drops)
		exit(2);
}

/* TCP echo like the reference: two lines, half-close by the harness, the program closes after EOF. */
static void gen_echo(const char *path, const char *tl_path, int family, const char *ip, int hport)
{
	struct timeline tl = {json_array()};
	int lfd = sock_bound(family, SOCK_STREAM, ip, PROGRAM_PORT);
	if (listen(lfd, 4) < 0)
		die("listen");
	struct capture *cap = cap_begin(path);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = accept(lfd, NULL, NULL);
		char buf[256];
		ssize_t n;
		while ((n = read(fd, buf, sizeof buf)) > 0)
			if (write(fd, buf, (size_t)n) != n)
				_exit(1);
		close(fd);
		_exit(0);
	}
	close(lfd);
	char buf[16];
	int fd = sock_bound(family, SOCK_STREAM, ip, hport);
	step(&tl, 5, "connect c1");
	connect_to(fd, family, ip, PROGRAM_PORT);
	step(&tl, 6, "send c1 \"hello\\n\"");
	if (write(fd, "hello\n", 6) != 6)
		die("write");
	step(&tl, 7, "expect c1 \"hello\\n\"");
	read_exact(fd, buf, 6);
	step(&tl, 8, "send c1 \"world\\n\"");
	if (write(fd, "world\n", 6) != 6)
		die("write");
	step(&tl, 9, "expect c1 \"world\\n\"");
	read_exact(fd, buf, 6);
	step(&tl, 10, "shutdown c1 write");
	shutdown(fd, SHUT_WR);
	step(&tl, 11, "expect c1 eof");
	if (read(fd, buf, sizeof buf) != 0)
		die("expected EOF");
	step(&tl, 12, "close c1");
	close(fd);
	wait_child(pid);
	cap_end(cap, path);
	if (tl_path)
		timeline_write(&tl, tl_path, "echo", "cases/tcp-echo/echo.case");
	else
		json_decref(tl.steps);
}

/* The program reads one line and closes with the rest unread: the kernel answers with an RST. */
static void gen_rst(const char *path)
{
	int lfd = sock_bound(AF_INET, SOCK_STREAM, "127.0.0.1", PROGRAM_PORT);
	if (listen(lfd, 4) < 0)
		die("listen");
	struct capture *cap = cap_begin(path);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = accept(lfd, NULL, NULL);
		char buf[5];
		msleep(100); /* let all of the harness's data arrive */
		read_exact(fd, buf, 5);
		close(fd);
		_exit(0);
	}
	close(lfd);
	int fd = sock_bound(AF_INET, SOCK_STREAM, "127.0.0.1", 40002);
	connect_to(fd, AF_INET, "127.0.0.1", PROGRAM_PORT);
	if (write(fd, "quit\nunread data\n", 17) != 17)
		die("write");
	char buf[16];
	struct pollfd pfd = {fd, POLLIN, 0};
	poll(&pfd, 1, 2000);
	if (read(fd, buf, sizeof buf) >= 0 || errno != ECONNRESET)
		fprintf(stderr, "gen_fixtures: rst: expected ECONNRESET\n");
	wait_child(pid);
	close(fd);
	cap_end(cap, path);
}

/* The program answers "hi\n" with strlen(buf)+1 bytes: a NUL on the wire. */
static void gen_nul(const char *path)
{
	int lfd = sock_bound(AF_INET, SOCK_STREAM, "127.0.0.1", PROGRAM_PORT);
	if (listen(lfd, 4) < 0)
		die("listen");
	struct capture *cap = cap_begin(path);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = accept(lfd, NULL, NULL);
		char buf[4] = "";
		read_exact(fd, buf, 3);
		if (write(fd, buf, strlen(buf) + 1) != 4)
			_exit(1);
		char c;
		if (read(fd, &c, 1) != 0)
			_exit(1);
		close(fd);
		_exit(0);
	}
	close(lfd);
	int fd = sock_bound(AF_INET, SOCK_STREAM, "127.0.0.1", 40005);
	connect_to(fd, AF_INET, "127.0.0.1", PROGRAM_PORT);
	char buf[4];
	if (write(fd, "hi\n", 3) != 3)
		die("write");
	read_exact(fd, buf, 4);
	close(fd);
	wait_child(pid);
	cap_end(cap, path);
}

/* UDP echo. wrong_port: the program replies from a fresh socket (port 9001) instead of its own. */
static void gen_udp(const char *path, int wrong_port)
{
	int sfd = sock_bound(AF_INET, SOCK_DGRAM, "127.0.0.1", PROGRAM_PORT);
	int hfd = sock_bound(AF_INET, SOCK_DGRAM, "127.0.0.1", wrong_port ? 40007 : 40003);
	struct capture *cap = cap_begin(path);
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 2; i++) {
			char buf[64];
			struct sockaddr_storage from;
			socklen_t fl = sizeof from;
			ssize_t n = recvfrom(sfd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
			if (n < 0)
				_exit(1);
			int out = wrong_port ? sock_bound(AF_INET, SOCK_DGRAM, "127.0.0.1", 9001) : sfd;
			if (sendto(out, buf, (size_t)n, 0, (struct sockaddr *)&from, fl) != n)
				_exit(1);
			if (wrong_port)
				close(out);
		}
		_exit(0);
	}
	close(sfd);
	socklen_t len;
	struct sockaddr_storage to = addr(AF_INET, "127.0.0.1", PROGRAM_PORT, &len);
	const char *msgs[2] = {"ping 1", "ping 22"};
	for (int i = 0; i < 2; i++) {
		char buf[64];
		if (sendto(hfd, msgs[i], strlen(msgs[i]), 0, (struct sockaddr *)&to, len) < 0)
			die("sendto");
		if (recv(hfd, buf, sizeof buf, 0) < 0)
			die("recv");
	}
	wait_child(pid);
	close(hfd);
	cap_end(cap, path);
}

/* The program is a UDP client that retransmits its request after 300 ms; the harness ignores the first. */
static void gen_udp_retrans(const char *path)
{
	int hfd = sock_bound(AF_INET, SOCK_DGRAM, "127.0.0.1", PROGRAM_PORT);
	struct capture *cap = cap_begin(path);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = sock_bound(AF_INET, SOCK_DGRAM, "127.0.0.1", 40004);
		connect_to(fd, AF_INET, "127.0.0.1", PROGRAM_PORT);
		for (int attempt = 0; attempt < 3; attempt++) {
			if (send(fd, "REQ 1", 5, 0) != 5)
				_exit(1);
			struct pollfd pfd = {fd, POLLIN, 0};
			if (poll(&pfd, 1, 300) == 1) {
				char buf[64];
				_exit(recv(fd, buf, sizeof buf, 0) == 5 ? 0 : 1);
			}
		}
		_exit(1);
	}
	char buf[64];
	struct sockaddr_storage from;
	socklen_t fl = sizeof from;
	if (recv(hfd, buf, sizeof buf, 0) < 0)
		die("recv");
	if (recvfrom(hfd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl) != 5)
		die("recvfrom");
	if (sendto(hfd, "ACK 1", 5, 0, (struct sockaddr *)&from, fl) != 5)
		die("sendto");
	wait_child(pid);
	close(hfd);
	cap_end(cap, path);
}

/* `bytes` over TCP while nobody pumps the capture: measures whether the kernel buffer holds them. */
static void gen_bulk(const char *path, size_t bytes)
{
	int lfd = sock_bound(AF_INET, SOCK_STREAM, "127.0.0.1", PROGRAM_PORT);
	if (listen(lfd, 4) < 0)
		die("listen");
	struct capture *cap = cap_begin(path);
	pid_t pid = fork();
	if (pid == 0) {
		int fd = accept(lfd, NULL, NULL);
		char buf[65536];
		while (read(fd, buf, sizeof buf) > 0)
			;
		_exit(0);
	}
	close(lfd);
	int fd = sock_bound(AF_INET, SOCK_STREAM, "127.0.0.1", 40010);
	connect_to(fd, AF_INET, "127.0.0.1", PROGRAM_PORT);
	static char chunk[65536];
	memset(chunk, 'x', sizeof chunk);
	for (size_t sent = 0; sent < bytes;) {
		size_t n = bytes - sent < sizeof chunk ? bytes - sent : sizeof chunk;
		ssize_t w = write(fd, chunk, n);
		if (w <= 0)
			die("write");
		sent += (size_t)w;
	}
	close(fd);
	wait_child(pid);
	cap_end(cap, path);
}

int main(int argc, char **argv)
{
	char p[4096], q[4096];
	if (argc == 3 && strcmp(argv[1], "echo") == 0) {
		gen_echo(argv[2], NULL, AF_INET, "127.0.0.1", 40001);
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "bulk") == 0) {
		gen_bulk(argv[3], strtoull(argv[2], NULL, 10));
		return 0;
	}
	if (argc != 3 || strcmp(argv[1], "all") != 0) {
		fprintf(stderr, "usage: gen_fixtures all DIR | echo FILE | bulk BYTES FILE\n");
		return 2;
	}
	const char *dir = argv[2];
	snprintf(p, sizeof p, "%s/echo.pcap", dir);
	snprintf(q, sizeof q, "%s/echo.timeline.json", dir);
	gen_echo(p, q, AF_INET, "127.0.0.1", 40001);
	snprintf(p, sizeof p, "%s/echo6.pcap", dir);
	gen_echo(p, NULL, AF_INET6, "::1", 40006);
	snprintf(p, sizeof p, "%s/rst.pcap", dir);
	gen_rst(p);
	snprintf(p, sizeof p, "%s/nul.pcap", dir);
	gen_nul(p);
	snprintf(p, sizeof p, "%s/udp.pcap", dir);
	gen_udp(p, 0);
	snprintf(p, sizeof p, "%s/udp-wrongport.pcap", dir);
	gen_udp(p, 1);
	snprintf(p, sizeof p, "%s/udp-retrans.pcap", dir);
	gen_udp_retrans(p);
	return 0;
}
