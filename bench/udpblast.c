/* udpblast.c: a UDP load generator: blasts datagrams with sendmmsg, or counts them with recvmmsg. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int udp_socket(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	int big = 32 << 20;
	if (fd < 0) {
		perror("udpblast: socket");
		exit(2);
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof big) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
	return fd;
}

static struct sockaddr_in loopback(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

/* Counts datagrams until count arrived or idle_ms passed without one; prints the delivered rate. */
static int receiver(int port, long count, size_t size, int idle_ms)
{
	int fd = udp_socket();
	struct sockaddr_in a = loopback(port);
	if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		perror("udpblast: bind");
		return 2;
	}
	fprintf(stderr, "ready\n");
	unsigned char *buf = malloc(BATCH * 2048);
	struct mmsghdr m[BATCH];
	struct iovec iov[BATCH];
	for (int i = 0; i < BATCH; i++) {
		iov[i] = (struct iovec){buf + i * 2048, 2048};
		m[i].msg_hdr = (struct msghdr){.msg_iov = &iov[i], .msg_iovlen = 1};
	}
	long got = 0, bad = 0;
	double first = 0, last = 0;
	while (got < count) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int wait = got ? idle_ms : 10000;
		if (poll(&p, 1, wait) <= 0)
			break;
		int n = recvmmsg(fd, m, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			continue;
		last = now();
		if (!got)
			first = last;
		for (int i = 0; i < n; i++)
			bad += m[i].msg_len != size;
		got += n;
	}
	double secs = last - first;
	printf("received %ld of %ld (%.1f%%), %ld wrong size, in %.3f s: %.0f datagrams/s\n", got, count,
	       100.0 * (double)got / (double)count, bad, secs, secs > 0 ? (double)got / secs : 0.0);
	free(buf);
	return 0;
}

/* Sends count datagrams of size bytes as fast as sendmmsg allows. */
static int sender(int port, long count, size_t size)
{
	int fd = udp_socket();
	struct sockaddr_in a = loopback(port);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		perror("udpblast: connect");
		return 2;
	}
	unsigned char *buf = calloc(1, size);
	struct mmsghdr m[BATCH];
	struct iovec iov = {buf, size};
	for (int i = 0; i < BATCH; i++)
		m[i].msg_hdr = (struct msghdr){.msg_iov = &iov, .msg_iovlen = 1};
	long sent = 0;
	double t0 = now();
	while (sent < count) {
		unsigned n = count - sent < BATCH ? (unsigned)(count - sent) : BATCH;
		int k = sendmmsg(fd, m, n, 0);
		if (k < 0) {
			if (errno == ENOBUFS || errno == EAGAIN || errno == ECONNREFUSED || errno == EINTR)
				continue;
			perror("udpblast: sendmmsg");
			return 2;
		}
		sent += k;
	}
	double secs = now() - t0;
	printf("sent %ld in %.3f s: %.0f datagrams/s\n", sent, secs, (double)sent / secs);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 5 || (strcmp(argv[1], "send") != 0 && strcmp(argv[1], "recv") != 0)) {
		fprintf(stderr, "usage: udpblast send PORT COUNT SIZE\n"
				"       udpblast recv PORT COUNT SIZE [IDLE_MS]\n"
				"Loopback only. recv prints the delivered rate from the first to the last datagram.\n");
		return 2;
	}
	int port = atoi(argv[2]);
	long count = atol(argv[3]);
	size_t size = (size_t)atol(argv[4]);
	if (port <= 0 || port > 65535 || count <= 0 || size < 1 || size > 2048) {
		fprintf(stderr, "udpblast: bad PORT, COUNT or SIZE (1..2048)\n");
		return 2;
	}
	if (argv[1][0] == 's')
		return sender(port, count, size);
	return receiver(port, count, size, argc > 5 ? atoi(argv[5]) : 500);
}
