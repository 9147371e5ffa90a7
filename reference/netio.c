/* netio.c: the few helpers every reference program shares (signals, full writes, sockets). */
#include "netio.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

volatile sig_atomic_t netio_stop;

static void on_sigterm(int sig)
{
	(void)sig;
	netio_stop = 1;
}

void netio_ignore_sigpipe(void)
{
	signal(SIGPIPE, SIG_IGN);
}

void netio_catch_sigterm(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigterm;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: blocked calls return EINTR so the loop sees netio_stop */
	sigaction(SIGTERM, &sa, NULL);
	netio_ignore_sigpipe();
}

int netio_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n;

		if (netio_stop) {
			errno = EINTR;
			return -1;
		}
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t netio_read(int fd, void *buf, size_t len)
{
	for (;;) {
		ssize_t n;

		/* Test the flag before every call, not only after EINTR: a SIGTERM that came while we
		 * were between two calls interrupted nothing, and read() would block for good. */
		if (netio_stop) {
			errno = EINTR;
			return -1;
		}
		n = read(fd, buf, len);
		if (n >= 0 || errno != EINTR)
			return n;
	}
}

void netio_upper(unsigned char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] >= 'a' && buf[i] <= 'z')
			buf[i] -= 'a' - 'A'; /* not toupper(): that depends on the locale */
}

int netio_parse_port(const char *s)
{
	char *end;
	long port;

	errno = 0;
	port = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || port < 1 || port > 65535)
		return -1;
	return (int)port;
}

int netio_bind_any(int type, int port)
{
	struct sockaddr_in sin;
	int fd, on = 1;

	fd = socket(AF_INET, type, 0);
	if (fd < 0) {
		perror("socket");
		return -1;
	}
	/* Lets a restarted server bind while old connections to the port sit in TIME_WAIT. */
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	sin.sin_port = htons((unsigned short)port);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0) {
		fprintf(stderr, "bind 0.0.0.0:%d: %s\n", port, strerror(errno));
		close(fd);
		return -1;
	}
	if (type == SOCK_STREAM && listen(fd, SOMAXCONN) < 0) {
		perror("listen");
		close(fd);
		return -1;
	}
	return fd;
}

static struct addrinfo *resolve(const char *host, const char *port, int type)
{
	struct addrinfo hints, *res;
	int rc;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = type;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		fprintf(stderr, "%s port %s: %s\n", host, port, gai_strerror(rc));
		return NULL;
	}
	return res;
}

int netio_connect(const char *host, const char *port)
{
	struct addrinfo *res, *ai;
	int fd = -1, err = 0;

	res = resolve(host, port, SOCK_STREAM);
	if (res == NULL)
		return -1;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd < 0) {
			err = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		err = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		fprintf(stderr, "connect to %s port %s: %s\n", host, port, strerror(err));
	return fd;
}

int netio_udp_socket(const char *host, const char *port, struct sockaddr_storage *to, socklen_t *tolen)
{
	struct addrinfo *res;
	int fd;

	res = resolve(host, port, SOCK_DGRAM);
	if (res == NULL)
		return -1;
	fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
	if (fd < 0) {
		perror("socket");
	} else {
		memcpy(to, res->ai_addr, res->ai_addrlen);
		*tolen = res->ai_addrlen;
	}
	freeaddrinfo(res);
	return fd;
}
