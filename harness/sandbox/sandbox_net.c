/* sandbox_net.c: is a port bound in this network namespace? Read from /proc/net/{tcp,tcp6,udp,udp6}, and
 * TCP sockets bound but not listening from the kernel's socket diagnostics (sock_diag). */
#define _GNU_SOURCE
#include "sandbox_int.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TCP_LISTEN_STATE 0x0A
/* include/net/tcp_states.h: a TCP socket bound to a port, neither listening nor connected. Linux 6.8 and
 * later dump such sockets through sock_diag when asked for this state; older kernels return none. */
#define TCP_BOUND_INACTIVE_STATE 13
/* These files grow with the number of sockets; a namespace of one case holds a handful. Larger
 * inputs are read in full anyway, this is only the first allocation. */
#define NET_READ_CHUNK 16384

static void errf(char errbuf[SANDBOX_ERRBUF_SIZE], const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errbuf, SANDBOX_ERRBUF_SIZE, fmt, ap);
	va_end(ap);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parses [s, s+n) as hexadecimal of 1..8 digits. Returns the value or -1. */
static long parse_hex(const char *s, size_t n)
{
	if (n == 0 || n > 8)
		return -1;
	long v = 0;
	for (size_t i = 0; i < n; i++) {
		int d = hexval(s[i]);
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* Splits [line, end) on spaces into at most max fields. Returns how many were found. */
static size_t fields(const char *line, const char *end, const char **start, size_t *len, size_t max)
{
	size_t n = 0;
	const char *p = line;
	while (p < end && n < max) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p >= end)
			break;
		start[n] = p;
		while (p < end && *p != ' ' && *p != '\t')
			p++;
		len[n] = (size_t)(p - start[n]);
		n++;
	}
	return n;
}

/* One socket line: "sl: local_addr:port remote_addr:port st ...". Returns 1 if it matches. */
static int line_matches(const char *line, const char *end, int port, int listen_only)
{
	const char *f[4];
	size_t l[4];
	if (fields(line, end, f, l, 4) < 4)
		return 0;
	if (l[0] < 2 || f[0][l[0] - 1] != ':' || parse_hex(f[0], l[0] - 1) < 0)
		return 0; /* the header line, or garbage */
	/* local address: 8 (IPv4) or 32 (IPv6) hex digits, ':', 4 hex digits of port */
	if (l[1] != 13 && l[1] != 37)
		return 0;
	size_t alen = l[1] - 5;
	if (f[1][alen] != ':')
		return 0;
	for (size_t i = 0; i < alen; i++)
		if (hexval(f[1][i]) < 0)
			return 0;
	long lport = parse_hex(f[1] + alen + 1, 4);
	long state = l[3] == 2 ? parse_hex(f[3], 2) : -1;
	if (lport < 0 || state < 0)
		return 0;
	if (listen_only && state != TCP_LISTEN_STATE)
		return 0;
	return lport == port;
}

int sandbox_net_scan(const char *text, size_t len, int port, int listen_only)
{
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		if (line_matches(p, eol, port, listen_only))
			return 1;
		p = nl ? nl + 1 : end;
	}
	return 0;
}

/* Reads a whole /proc file (their size is not known in advance). Returns the length, or -1 (errno). */
static long slurp(const char *path, char **out)
{
	*out = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t cap = NET_READ_CHUNK, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (n == cap) {
			char *grown = realloc(buf, cap * 2);
			if (!grown) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = grown;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(buf);
			close(fd);
			errno = e;
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (!buf) {
		errno = ENOMEM;
		return -1;
	}
	*out = buf;
	return (long)n;
}

long sandbox_net_snmp_value(const char *text, size_t len, const char *proto, const char *field)
{
	size_t plen = strlen(proto), flen = strlen(field);
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		/* A header line "Tcp: Name Name ..." followed by its values line "Tcp: 1 2 ...". */
		if ((size_t)(eol - p) > plen && memcmp(p, proto, plen) == 0 && p[plen] == ':' && nl) {
			const char *v = nl + 1, *vend = memchr(v, '\n', (size_t)(end - v));
			if (!vend)
				vend = end;
			if ((size_t)(vend - v) <= plen || memcmp(v, proto, plen) != 0 || v[plen] != ':')
				return -1;
			const char *h = p + plen + 1;
			v += plen + 1;
			for (;;) {
				while (h < eol && *h == ' ')
					h++;
				while (v < vend && *v == ' ')
					v++;
				if (h >= eol || v >= vend)
					return -1;
				const char *he = h, *ve = v;
				while (he < eol && *he != ' ')
					he++;
				while (ve < vend && *ve != ' ')
					ve++;
				if ((size_t)(he - h) == flen && memcmp(h, field, flen) == 0) {
					long n = 0;
					for (const char *d = v; d < ve; d++) {
						if (*d < '0' || *d > '9' || n > (LONG_MAX - 9) / 10)
							return -1;
						n = n * 10 + (*d - '0');
					}
					return ve > v ? n : -1;
				}
				h = he;
				v = ve;
			}
		}
		p = nl ? nl + 1 : end;
	}
	return -1;
}

long sandbox_tcp_active_opens(char errbuf[SANDBOX_ERRBUF_SIZE])
{
	char *text;
	long n = slurp("/proc/net/snmp", &text);
	if (n < 0) {
		errf(errbuf, "cannot read /proc/net/snmp: %s", strerror(errno));
		return -1;
	}
	long v = sandbox_net_snmp_value(text, (size_t)n, "Tcp", "ActiveOpens");
	free(text);
	if (v < 0)
		errf(errbuf, "/proc/net/snmp has no Tcp ActiveOpens counter");
	return v;
}

/* 1 found, 0 not, -1 error. A missing IPv6 file (IPv6 disabled) is "not found". */
static int scan_file(const char *path, int port, int listen_only, int optional,
		     char errbuf[SANDBOX_ERRBUF_SIZE])
{
	char *text;
	long n = slurp(path, &text);
	if (n < 0) {
		if (optional && errno == ENOENT)
			return 0;
		errf(errbuf, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	int found = sandbox_net_scan(text, (size_t)n, port, listen_only);
	free(text);
	return found;
}

static int diag_port_in(int family, int port, unsigned states, int *unsupported, char errbuf[SANDBOX_ERRBUF_SIZE]);

/* A TCP socket listening on port, from sock_diag dumps of LISTEN sockets only: the kernel then walks only
 * its listening hash (about 0.2 ms here), where /proc/net/tcp and tcp6 walk every bucket of the machine's
 * established hash, twice per read (13 ms here, bench/README.md): readiness polls this. 1, 0, -1 on an
 * error, -2 when the kernel cannot dump them (then the /proc files are read). */
static int tcp_listening(int port, char errbuf[SANDBOX_ERRBUF_SIZE])
{
	int unsupported = 0;
	unsigned st = 1u << TCP_LISTEN_STATE;
	int r = diag_port_in(AF_INET, port, st, &unsupported, errbuf);
	if (r == 0 && !unsupported)
		r = diag_port_in(AF_INET6, port, st, &unsupported, errbuf);
	return r == 0 && unsupported ? -2 : r;
}

int sandbox_port_bound(int port, const char *proto, char errbuf[SANDBOX_ERRBUF_SIZE])
{
	errbuf[0] = '\0';
	if (port <= 0 || port > 65535) {
		errf(errbuf, "port %d is out of range 1..65535", port);
		return -1;
	}
	int tcp = !proto || strcmp(proto, "tcp") == 0;
	int udp = !proto || strcmp(proto, "udp") == 0;
	if (!tcp && !udp) {
		errf(errbuf, "unknown protocol \"%s\" (expected tcp or udp)", proto);
		return -1;
	}
	static const struct {
		const char *path;
		int is_tcp, optional;
	} files[] = {
		{"/proc/net/tcp", 1, 0},
		{"/proc/net/tcp6", 1, 1},
		{"/proc/net/udp", 0, 0},
		{"/proc/net/udp6", 0, 1},
	};
	int tcp_files = 0;
	if (tcp) {
		int r = tcp_listening(port, errbuf);
		if (r == 1 || r == -1)
			return r;
		tcp_files = r == -2;
	}
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		if (files[i].is_tcp ? !tcp_files : !udp)
			continue;
		int r = scan_file(files[i].path, port, files[i].is_tcp, files[i].optional, errbuf);
		if (r != 0)
			return r;
	}
	return 0;
}

/* The accept queue of LISTEN sockets on port, summed over the lines of one /proc/net/tcp* file: for a
 * listening socket the kernel reports the accept backlog as rx_queue ("tx_queue:rx_queue", field 5). */
static long backlog_in(const char *text, size_t len, int port)
{
	long total = 0;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		const char *f[5];
		size_t l[5];
		if (line_matches(p, eol, port, 1) && fields(p, eol, f, l, 5) == 5 && l[4] == 17 && f[4][8] == ':') {
			long q = parse_hex(f[4] + 9, 8);
			if (q > 0)
				total += q;
		}
		p = nl ? nl + 1 : end;
	}
	return total;
}

int sandbox_port_backlog(int port, char errbuf[SANDBOX_ERRBUF_SIZE])
{
	static const char *const files[] = {"/proc/net/tcp", "/proc/net/tcp6"};
	long total = 0;
	for (size_t i = 0; i < 2; i++) {
		char *text;
		long n = slurp(files[i], &text);
		if (n < 0) {
			if (i == 1 && errno == ENOENT)
				continue;
			errf(errbuf, "cannot read %s: %s", files[i], strerror(errno));
			return -1;
		}
		total += backlog_in(text, (size_t)n, port);
		free(text);
	}
	return total > 1000000 ? 1000000 : (int)total;
}

/* One sock_diag dump of the TCP sockets of one address family in `states` (a TCPF_* mask): 1 if one is on
 * port, 0 if none, -1 on an error. A kernel that cannot dump them sets *unsupported (then: 0). */
static int diag_port_in(int family, int port, unsigned states, int *unsupported, char errbuf[SANDBOX_ERRBUF_SIZE])
{
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0) {
		errf(errbuf, "sock_diag: socket: %s", strerror(errno));
		return -1;
	}
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
	} q = {
		.nlh = {.nlmsg_len = sizeof q,
			.nlmsg_type = SOCK_DIAG_BY_FAMILY,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP},
		.req = {.sdiag_family = (unsigned char)family, .sdiag_protocol = IPPROTO_TCP,
			.idiag_states = states},
	};
	if (send(fd, &q, sizeof q, 0) < 0) {
		errf(errbuf, "sock_diag: send: %s", strerror(errno));
		close(fd);
		return -1;
	}
	long buf[2048]; /* aligned for nlmsghdr */
	int found = 0;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof buf, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			errf(errbuf, "sock_diag: recv: %s", strerror(errno));
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		unsigned int len = (unsigned int)n; /* unsigned: NLMSG_OK compares it with nlmsg_len (clang -Wsign-compare) */
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) {
				/* An error (e.g. a kernel without inet_diag) means "cannot tell": not found. */
				if (h->nlmsg_type == NLMSG_ERROR && unsupported)
					*unsupported = 1;
				close(fd);
				return found;
			}
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg)))
				continue;
			const struct inet_diag_msg *m = NLMSG_DATA(h);
			/* Only the requested states are dumped (bound-inactive ones are reported with state
			 * TCP_CLOSE; older kernels ignore that bit and dump nothing). */
			if (ntohs(m->id.idiag_sport) == port)
				found = 1;
		}
	}
	close(fd);
	return found;
}

int sandbox_port_bound_inactive(int port, char errbuf[SANDBOX_ERRBUF_SIZE])
{
	errbuf[0] = '\0';
	if (port <= 0 || port > 65535) {
		errf(errbuf, "port %d is out of range 1..65535", port);
		return -1;
	}
	unsigned st = 1u << TCP_BOUND_INACTIVE_STATE;
	int r = diag_port_in(AF_INET, port, st, NULL, errbuf);
	return r != 0 ? r : diag_port_in(AF_INET6, port, st, NULL, errbuf);
}

long sandbox_net_slurp(const char *path, char **out)
{
	return slurp(path, out);
}
