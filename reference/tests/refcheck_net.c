/* refcheck_net.c: the driver's side of every connection: bounded sends, receives and end-of-stream checks. */
#define _GNU_SOURCE /* accept4() */
#include "refcheck.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* addr (an IPv4 or IPv6 literal) and port as a socket address. Returns its length, 0 if addr is bad. */
static socklen_t sockaddr_of(const char *addr, int port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof *ss);
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((unsigned short)port);
		return sizeof *sin;
	}
	if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((unsigned short)port);
		return sizeof *sin6;
	}
	return 0;
}

int rc_connect(const char *addr, int port, int rcvbuf)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(addr, port, &ss);
	int on = 1, fd;

	if (len == 0)
		return -1;
	/* SOCK_CLOEXEC everywhere: a program we spawn must not inherit (and so hold open) our sockets. */
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (rcvbuf > 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
	if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int rc_listen(const char *addr, int port, int udp)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(addr, port, &ss);
	int on = 1, fd;

	if (len == 0)
		return -1;
	fd = socket(ss.ss_family, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 || (!udp && listen(fd, 64) < 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

int rc_accept(int lfd, int timeout_ms)
{
	struct pollfd pfd = { .fd = lfd, .events = POLLIN };
	int on = 1, fd;

	if (poll(&pfd, 1, timeout_ms) <= 0)
		return -1;
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd >= 0)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
	return fd;
}

int rc_send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

size_t rc_recv(int fd, void *buf, size_t len, int timeout_ms)
{
	return rc_exchange(fd, NULL, 0, buf, len, timeout_ms);
}

size_t rc_exchange(int fd, const void *out, size_t outlen, void *in, size_t inlen, int timeout_ms)
{
	long long deadline = rc_now_ms() + timeout_ms;
	size_t sent = 0, got = 0;
	int open = 1;

	while ((sent < outlen || (open && got < inlen)) && rc_now_ms() < deadline) {
		struct pollfd pfd = {
			.fd = fd,
			.events = (short)((open && got < inlen ? POLLIN : 0) | (sent < outlen ? POLLOUT : 0)),
		};
		ssize_t n;

		if (poll(&pfd, 1, (int)(deadline - rc_now_ms())) <= 0)
			continue;
		if ((pfd.revents & POLLOUT) || ((pfd.revents & (POLLERR | POLLHUP)) && sent < outlen)) {
			n = send(fd, (const char *)out + sent, outlen - sent, MSG_DONTWAIT);
			if (n > 0)
				sent += (size_t)n;
			else if (n < 0 && errno != EAGAIN && errno != EINTR)
				sent = outlen; /* the connection is gone: stop sending */
		}
		if (open && got < inlen && (pfd.revents & (POLLIN | POLLERR | POLLHUP))) {
			n = read(fd, (char *)in + got, inlen - got); /* read(), not recv(): fd may be a pipe */
			if (n > 0)
				got += (size_t)n;
			else if (n == 0 || (errno != EAGAIN && errno != EINTR))
				open = 0;
		}
	}
	return got;
}

enum rc_end rc_read_end(int fd, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char c;
	ssize_t n;

	if (poll(&pfd, 1, timeout_ms) <= 0)
		return RC_END_TIMEOUT;
	n = recv(fd, &c, 1, MSG_DONTWAIT);
	if (n > 0)
		return RC_END_DATA;
	if (n == 0)
		return RC_END_EOF;
	return errno == ECONNRESET ? RC_END_RESET : RC_END_TIMEOUT;
}

const char *rc_end_name(enum rc_end end)
{
	switch (end) {
	case RC_END_EOF:
		return "EOF (FIN)";
	case RC_END_RESET:
		return "ECONNRESET (RST)";
	case RC_END_DATA:
		return "more data";
	case RC_END_TIMEOUT:
		return "nothing (timeout)";
	}
	return "?";
}

int rc_silent(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, ms) == 0;
}

void rc_abort(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(fd);
}

int rc_udp_send(int fd, const char *addr, int port, const void *buf, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sslen = sockaddr_of(addr, port, &ss);

	if (sslen == 0 || sendto(fd, buf, len, 0, (struct sockaddr *)&ss, sslen) != (ssize_t)len)
		return -1;
	return 0;
}

ssize_t rc_udp_recv(int fd, void *buf, size_t len, int timeout_ms, int *from_port)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof ss;
	ssize_t n;

	if (poll(&pfd, 1, timeout_ms) <= 0)
		return -1;
	n = recvfrom(fd, buf, len, MSG_DONTWAIT, (struct sockaddr *)&ss, &sslen);
	if (n >= 0 && from_port != NULL)
		*from_port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
							     : ((struct sockaddr_in *)&ss)->sin_port);
	return n;
}
