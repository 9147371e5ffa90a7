/* sandbox_unix.c: is an AF_UNIX stream socket listening on a path? Read from /proc/net/unix (this namespace). */
#define _GNU_SOURCE
#include "sandbox_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNIX_ACCEPTCON 0x10000 /* __SO_ACCEPTCON in the Flags column: the socket listens */
#define UNIX_STREAM 1          /* SOCK_STREAM in the Type column */
#define UNIX_DGRAM 2           /* SOCK_DGRAM: bound is ready, it has nothing to listen() for */

/* One line "Num: RefCount Protocol Flags Type St Inode Path": 2 a stream socket listening on path or a
 * datagram socket bound to it, 1 a stream socket bound to path but not listening, 0 anything else
 * (another path, no path, another type, a malformed line). */
static int unix_line(const char *line, const char *end, const char *path)
{
	const char *p = line;
	unsigned long field[6];
	char *stop;
	while (p < end && *p == ' ')
		p++;
	const char *colon = memchr(p, ':', (size_t)(end - p));
	if (!colon || colon == p)
		return 0;
	p = colon + 1;
	/* RefCount Protocol Flags Type St Inode: hex, hex, hex, hex, hex, decimal. */
	for (int i = 0; i < 6; i++) {
		while (p < end && *p == ' ')
			p++;
		if (p >= end || !((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') || (*p >= 'A' && *p <= 'F')))
			return 0;
		errno = 0;
		field[i] = strtoul(p, &stop, i == 5 ? 10 : 16);
		if (errno || stop > end || stop == p || (stop < end && *stop != ' '))
			return 0;
		p = stop;
	}
	if (p >= end || *p != ' ')
		return 0;
	p++; /* the path is the rest of the line: it may hold spaces */
	size_t n = strlen(path);
	if ((size_t)(end - p) != n || memcmp(p, path, n) != 0)
		return 0;
	if (field[3] == UNIX_DGRAM)
		return 2;
	if (field[3] != UNIX_STREAM)
		return 0;
	return field[2] & UNIX_ACCEPTCON ? 2 : 1;
}

int sandbox_unix_scan(const char *text, size_t len, const char *path)
{
	int best = 0;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		int k = unix_line(p, eol, path);
		if (k > best)
			best = k;
		p = nl ? nl + 1 : end;
	}
	return best;
}

int sandbox_unix_listening(const char *path, char errbuf[SANDBOX_ERRBUF_SIZE])
{
	char *text;
	long n = sandbox_net_slurp("/proc/net/unix", &text);
	if (n < 0) {
		snprintf(errbuf, SANDBOX_ERRBUF_SIZE, "cannot read /proc/net/unix: %s", strerror(errno));
		return -1;
	}
	int k = sandbox_unix_scan(text, (size_t)n, path);
	free(text);
	return k;
}
