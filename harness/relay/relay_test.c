/* relay_test.c: the relay through its API on 127.0.0.1: UDP faults, TCP half-close, lifecycle, errors. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "relay.h"
#include "relay_fault.h"
#include "unit.h"

UNIT_STATE;

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct sockaddr_storage loopback(int port)
{
	struct sockaddr_storage ss = {0};
	struct sockaddr_in *a = (struct sockaddr_in *)&ss;
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return ss;
}

static int bound(int type, struct sockaddr_storage *out)
{
	int fd = socket(AF_INET, type, 0);
	struct sockaddr_storage ss = loopback(0);
	socklen_t len = sizeof ss;
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, sizeof(struct sockaddr_in)) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 4) < 0) || getsockname(fd, (struct sockaddr *)out, &len) < 0)
		return -1;
	return fd;
}

/* recv with a bounded wait; -1 on timeout. */
static ssize_t recv_wait(int fd, char *buf, size_t len, int ms, struct sockaddr_storage *from)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	if (poll(&p, 1, ms) <= 0)
		return -1;
	socklen_t flen = sizeof *from;
	return recvfrom(fd, buf, len, 0, (struct sockaddr *)from, from ? &flen : NULL);
}

static char *log_of(const struct relay *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	CHECK_INT(relay_log_write(r, f), 0);
	fclose(f);
	return buf;
}

static struct relay *start_gso(int udp, int gso, const struct sockaddr_storage *target, const char *const *lines,
			       struct relay_faults **fs)
{
	char err[256];
	*fs = relay_faults_new();
	for (size_t i = 0; lines[i]; i++)
		CHECK_INT(relay_faults_add_line(*fs, lines[i], udp, err, sizeof err), 0);
	struct relay_config cfg = {.udp = udp, .listen = loopback(0), .target = *target, .faults = *fs,
				   .seed = 9, .gso = gso};
	struct relay *r = relay_new(&cfg, err, sizeof err);
	CHECK(r != NULL);
	if (!r) {
		fprintf(stderr, "relay_new: %s\n", err);
		return NULL;
	}
	CHECK(relay_port(r) > 0);
	CHECK_INT(relay_start(r, err, sizeof err), 0);
	return r;
}

static struct relay *start(int udp, const struct sockaddr_storage *target, const char *const *lines,
			   struct relay_faults **fs)
{
	return start_gso(udp, 0, target, lines, fs);
}

static void test_udp(void)
{
	struct sockaddr_storage srv_addr, from;
	int srv = bound(SOCK_DGRAM, &srv_addr);
	CHECK(srv >= 0);
	struct relay_faults *fs;
	const char *lines[] = {"drop c2s 2", "delay s2c 30ms", NULL};
	struct relay *r = start(1, &srv_addr, lines, &fs);
	if (!r)
		return;
	int cli = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_storage front = loopback(relay_port(r));
	const char *msgs[] = {"a", "b", "c"};
	for (int i = 0; i < 3; i++)
		sendto(cli, msgs[i], 1, 0, (struct sockaddr *)&front, sizeof(struct sockaddr_in));
	char buf[16];
	ssize_t n = recv_wait(srv, buf, sizeof buf, 1000, &from);
	CHECK(n == 1 && buf[0] == 'a');
	n = recv_wait(srv, buf, sizeof buf, 1000, NULL);
	CHECK(n == 1 && buf[0] == 'c'); /* b, datagram #2, was dropped */
	double t0 = mono();
	sendto(srv, "A", 1, 0, (struct sockaddr *)&from, sizeof(struct sockaddr_in));
	struct sockaddr_storage reply_from;
	n = recv_wait(cli, buf, sizeof buf, 1000, &reply_from);
	double waited = mono() - t0;
	CHECK(n == 1 && buf[0] == 'A');
	CHECK(waited >= 0.029);
	/* the reply comes from the relay's listen port */
	CHECK_INT(ntohs(((struct sockaddr_in *)&reply_from)->sin_port), relay_port(r));
	t0 = mono();
	relay_stop(r);
	CHECK(mono() - t0 < 1.0);
	char *log = log_of(r);
	CHECK_STR(log, "udp c2s #2 drop\nudp s2c #1 delay 30ms\n");
	free(log);
	size_t ne;
	const struct relay_event *ev = relay_events(r, &ne);
	CHECK_INT(ne, 2);
	CHECK(ne == 2 && ev[0].t > 1.6e9 && ev[1].t - ev[0].t >= 0);
	relay_free(r);
	relay_faults_free(fs);
	close(cli);
	close(srv);
}

/* A burst of equal-sized datagrams, each duplicated: the server receives every copy as a datagram of its
 * own, in order, whether the relay sends one by one (as in a case) or in GSO batches (--gso). */
static void test_udp_burst(int gso)
{
	struct sockaddr_storage srv_addr;
	int srv = bound(SOCK_DGRAM, &srv_addr);
	CHECK(srv >= 0);
	struct relay_faults *fs;
	const char *lines[] = {"duplicate c2s all", NULL};
	struct relay *r = start_gso(1, gso, &srv_addr, lines, &fs);
	if (!r)
		return;
	int cli = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_storage front = loopback(relay_port(r));
	char msg[3] = "d0", buf[16];
	for (int i = 0; i < 8; i++) {
		msg[1] = (char)('0' + i);
		sendto(cli, msg, 2, 0, (struct sockaddr *)&front, sizeof(struct sockaddr_in));
	}
	for (int i = 0; i < 16; i++) {
		ssize_t n = recv_wait(srv, buf, sizeof buf, 1000, NULL);
		CHECK_INT((int)n, 2);
		CHECK(n == 2 && buf[0] == 'd' && buf[1] == '0' + i / 2);
	}
	CHECK_INT((int)recv_wait(srv, buf, sizeof buf, 50, NULL), -1);
	relay_stop(r);
	relay_free(r);
	relay_faults_free(fs);
	close(cli);
	close(srv);
}

static void test_tcp_half_close(void)
{
	struct sockaddr_storage srv_addr;
	int lsn = bound(SOCK_STREAM, &srv_addr);
	CHECK(lsn >= 0);
	struct relay_faults *fs;
	const char *lines[] = {"segment s2c 2", NULL};
	struct relay *r = start(0, &srv_addr, lines, &fs);
	if (!r)
		return;
	int cli = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_storage front = loopback(relay_port(r));
	CHECK_INT(connect(cli, (struct sockaddr *)&front, sizeof(struct sockaddr_in)), 0);
	struct pollfd p = {.fd = lsn, .events = POLLIN};
	CHECK_INT(poll(&p, 1, 1000), 1);
	int srv = accept(lsn, NULL, NULL);
	CHECK(srv >= 0);
	CHECK_INT(send(cli, "hello", 5, 0), 5);
	CHECK_INT(shutdown(cli, SHUT_WR), 0);
	char buf[64];
	size_t got = 0;
	ssize_t n;
	while ((n = recv_wait(srv, buf + got, sizeof buf - got, 1000, NULL)) > 0)
		got += (size_t)n;
	CHECK_INT(n, 0); /* EOF: the client's FIN became the relay's shutdown(SHUT_WR) */
	CHECK(got == 5 && memcmp(buf, "hello", 5) == 0);
	CHECK_INT(send(srv, "world!", 6, 0), 6); /* the other direction keeps flowing */
	close(srv);
	got = 0;
	while ((n = recv_wait(cli, buf + got, sizeof buf - got, 1000, NULL)) > 0)
		got += (size_t)n;
	CHECK_INT(n, 0);
	CHECK(got == 6 && memcmp(buf, "world!", 6) == 0);
	relay_stop(r);
	char *log = log_of(r);
	CHECK_STR(log, "tcp conn 1 c2s FIN -> shutdown(SHUT_WR) to server\n"
		       "tcp conn 1 s2c segment 2 byte(s)\n"
		       "tcp conn 1 s2c FIN -> shutdown(SHUT_WR) to client\n");
	free(log);
	relay_free(r);
	relay_faults_free(fs);
	close(cli);
	close(lsn);
}

/* Sends size bytes through a TCP relay with the given faults; returns the seconds until the server has
 * them all (lower bounds only: the relay may never be faster than its faults allow). */
static double tcp_timed(const char *fault, size_t size, char **log)
{
	struct sockaddr_storage srv_addr;
	int lsn = bound(SOCK_STREAM, &srv_addr);
	struct relay_faults *fs;
	const char *lines[] = {fault, NULL};
	struct relay *r = start(0, &srv_addr, lines, &fs);
	if (!r || lsn < 0)
		return -1;
	int cli = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_storage front = loopback(relay_port(r));
	CHECK_INT(connect(cli, (struct sockaddr *)&front, sizeof(struct sockaddr_in)), 0);
	struct pollfd p = {.fd = lsn, .events = POLLIN};
	CHECK_INT(poll(&p, 1, 1000), 1);
	int srv = accept(lsn, NULL, NULL);
	char *data = calloc(1, size), buf[4096];
	double t0 = mono();
	CHECK_INT(send(cli, data, size, 0), size);
	size_t got = 0;
	ssize_t n;
	while (got < size && (n = recv_wait(srv, buf, sizeof buf, 3000, NULL)) > 0)
		got += (size_t)n;
	double secs = mono() - t0;
	CHECK_INT(got, size);
	relay_stop(r);
	*log = log_of(r);
	relay_free(r);
	relay_faults_free(fs);
	free(data);
	close(srv);
	close(cli);
	close(lsn);
	return secs;
}

static void test_tcp_timing(void)
{
	char *log;
	double s = tcp_timed("delay c2s 100ms", 1000, &log);
	CHECK(s >= 0.099);
	CHECK_STR(log, "tcp conn 1 c2s delay 100ms\n");
	free(log);
	s = tcp_timed("stall c2s 500 for 150ms", 1000, &log);
	CHECK(s >= 0.149);
	CHECK_STR(log, "tcp conn 1 c2s stall 150ms after 500 bytes\n");
	free(log);
	s = tcp_timed("bandwidth c2s 100KiB/s", 30 * 1024, &log); /* 300 ms at that rate */
	CHECK(s >= 0.25);
	CHECK_STR(log, "tcp conn 1 c2s bandwidth 102400 bytes/s\n");
	free(log);
}

struct fg {
	struct relay *r;
	volatile sig_atomic_t stop;
	int rc;
};

static void *fg_main(void *arg)
{
	struct fg *f = arg;
	char err[128];
	f->rc = relay_run(f->r, &f->stop, err, sizeof err);
	return NULL;
}

/* relay_run in the foreground notices its flag within its 100 ms poll. */
static void test_run_flag(void)
{
	struct sockaddr_storage target = loopback(9);
	char err[256];
	struct relay_config cfg = {.udp = 1, .listen = loopback(0), .target = target};
	struct fg f = {.r = relay_new(&cfg, err, sizeof err)};
	CHECK(f.r != NULL);
	if (!f.r)
		return;
	pthread_t t;
	pthread_create(&t, NULL, fg_main, &f);
	struct timespec ms50 = {0, 50000000};
	nanosleep(&ms50, NULL); /* lets the loop reach epoll_wait: the point is a flag set while it waits */
	double t0 = mono();
	f.stop = 1;
	pthread_join(t, NULL);
	CHECK(mono() - t0 < 0.5);
	CHECK_INT(f.rc, 0);
	relay_stop(f.r); /* harmless without relay_start */
	relay_free(f.r);
}

static void test_errors(void)
{
	char err[256] = "";
	struct sockaddr_storage busy;
	int fd = bound(SOCK_DGRAM, &busy);
	struct relay_config cfg = {.udp = 1, .listen = busy, .target = loopback(9)};
	CHECK(relay_new(&cfg, err, sizeof err) == NULL);
	/* The message names the address, the port, the protocol and the reason. */
	char want[128];
	snprintf(want, sizeof want, "relay: cannot bind the listen address 127.0.0.1 port %d (udp): %s",
		 ntohs(((struct sockaddr_in *)&busy)->sin_port), strerror(EADDRINUSE));
	CHECK_STR(err, want);
	cfg.listen = loopback(0);
	cfg.target.ss_family = AF_UNSPEC;
	CHECK(relay_new(&cfg, err, sizeof err) == NULL);
	CHECK_STR(err, "relay: the target must be an IPv4 or IPv6 address");
	close(fd);
	relay_free(NULL);
}

int main(void)
{
	test_udp();
	test_udp_burst(0);
	test_udp_burst(1);
	test_tcp_half_close();
	test_tcp_timing();
	test_run_flag();
	test_errors();
	return unit_summary();
}
