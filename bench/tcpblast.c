/* tcpblast.c: TCP load generator for bench/relay.sh: `recv PORT BYTES` accepts one connection and reads
 * BYTES, printing the rate from the first byte to the last; `send PORT BYTES` connects to 127.0.0.1 and
 * writes BYTES. Not a test. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (1 << 20)

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int do_recv(int port, long long bytes)
{
	int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0 || listen(ls, 4) < 0) {
		perror("tcpblast recv: bind/listen");
		return 2;
	}
	fprintf(stderr, "ready\n");
	int s = accept(ls, NULL, NULL);
	if (s < 0) {
		perror("tcpblast recv: accept");
		return 2;
	}
	char *buf = malloc(CHUNK);
	long long got = 0;
	double t0 = 0;
	while (got < bytes) {
		ssize_t n = read(s, buf, CHUNK);
		if (n <= 0)
			break;
		if (!got)
			t0 = now();
		got += n;
	}
	double dt = now() - t0;
	printf("tcpblast recv: %lld of %lld bytes in %.3f s: %.0f MB/s\n", got, bytes, dt, dt > 0 ? (double)got / dt / 1e6 : 0);
	free(buf);
	close(s);
	close(ls);
	return got == bytes ? 0 : 1;
}

static int do_send(int port, long long bytes)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(s, (struct sockaddr *)&a, sizeof a) < 0) {
		perror("tcpblast send: connect");
		return 2;
	}
	char *buf = malloc(CHUNK);
	memset(buf, 'x', CHUNK);
	for (long long left = bytes; left > 0;) {
		ssize_t n = write(s, buf, left < CHUNK ? (size_t)left : CHUNK);
		if (n <= 0) {
			perror("tcpblast send: write");
			return 1;
		}
		left -= n;
	}
	free(buf);
	close(s);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 4 || (strcmp(argv[1], "recv") && strcmp(argv[1], "send"))) {
		fprintf(stderr, "usage: tcpblast recv|send PORT BYTES\n");
		return 2;
	}
	int port = atoi(argv[2]);
	long long bytes = atoll(argv[3]);
	return strcmp(argv[1], "recv") == 0 ? do_recv(port, bytes) : do_send(port, bytes);
}
