/* sandbox_settle.c: has a program caught up with what it was sent? No thread runnable, nothing in flight. */
#define _GNU_SOURCE
#include "sandbox_int.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* TCP states as /proc/net/tcp writes them (include/net/tcp_states.h). */
enum {
	ST_ESTABLISHED = 1, ST_SYN_SENT, ST_SYN_RECV, ST_FIN_WAIT1, ST_FIN_WAIT2, ST_TIME_WAIT, ST_CLOSE,
	ST_CLOSE_WAIT, ST_LAST_ACK, ST_LISTEN, ST_CLOSING,
};

struct sock_row {
	char local[48], remote[48]; /* "0100007F:2328" (hex address:port), IPv6 addresses are longer */
	int state;
};

/* Parses one /proc/net/tcp line: "sl: local remote st ...". Returns 0, or -1 (a header or a bad line). */
static int parse_row(const char *line, const char *end, struct sock_row *r)
{
	char buf[256];
	size_t n = (size_t)(end - line) < sizeof buf - 1 ? (size_t)(end - line) : sizeof buf - 1;
	memcpy(buf, line, n);
	buf[n] = '\0';
	char st[8];
	if (sscanf(buf, " %*[0-9]: %47s %47s %7s", r->local, r->remote, st) != 3 || !isxdigit((unsigned char)st[0]))
		return -1;
	r->state = (int)strtol(st, NULL, 16);
	return 0;
}

static const struct sock_row *peer_of(const struct sock_row *v, size_t n, const struct sock_row *r)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].state != ST_LISTEN && strcmp(v[i].local, r->remote) == 0 && strcmp(v[i].remote, r->local) == 0)
			return &v[i];
	return NULL;
}

static int sent_fin(int st)
{
	return st == ST_FIN_WAIT1 || st == ST_FIN_WAIT2 || st == ST_CLOSING || st == ST_TIME_WAIT || st == ST_LAST_ACK;
}

/* A socket that has not yet received its peer's FIN. */
static int awaits_fin(int st)
{
	return st == ST_ESTABLISHED || st == ST_FIN_WAIT1 || st == ST_FIN_WAIT2;
}

static int row_in_flight(const struct sock_row *v, size_t n, const struct sock_row *r)
{
	if (r->state == ST_LISTEN || r->state == ST_CLOSE)
		return 0;
	if (r->state == ST_SYN_SENT || r->state == ST_SYN_RECV)
		return 1;
	const struct sock_row *p = peer_of(v, n, r);
	if (!p) /* the peer is gone: fine after our own close completed, else its RST (or FIN) is on its way */
		return r->state != ST_TIME_WAIT;
	return sent_fin(r->state) && awaits_fin(p->state);
}

int sandbox_settle_tcp_quiet(const char *text, size_t len)
{
	size_t n = 0, cap = 0;
	struct sock_row *v = NULL;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		struct sock_row r;
		if (parse_row(p, eol, &r) == 0) {
			if (n == cap) {
				cap = cap ? cap * 2 : 32;
				struct sock_row *g = realloc(v, cap * sizeof *g);
				if (!g) {
					free(v);
					return 0; /* cannot tell: not quiet */
				}
				v = g;
			}
			v[n++] = r;
		}
		p = nl ? nl + 1 : end;
	}
	int quiet = 1;
	for (size_t i = 0; i < n && quiet; i++)
		quiet = !row_in_flight(v, n, &v[i]);
	free(v);
	return quiet;
}

/* 1 if a thread of pid (in a /proc: sandbox_proc_openat) is runnable or in an uninterruptible wait, 0 if all
 * sleep, -1 if pid is gone. */
static int proc_busy(int proc, pid_t pid)
{
	int dfd = sandbox_proc_openat(proc, pid, "task", O_RDONLY | O_DIRECTORY);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return -1;
	}
	int busy = 0;
	struct dirent *de;
	while (!busy && (de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		char sp[96], buf[1024];
		snprintf(sp, sizeof sp, "task/%.32s/stat", de->d_name);
		int fd = sandbox_proc_openat(proc, pid, sp, O_RDONLY);
		if (fd < 0)
			continue;
		ssize_t k = read(fd, buf, sizeof buf);
		close(fd);
		struct sandbox_member m;
		if (k > 0 && sandbox_stat_parse(buf, (size_t)k, &m) == 0)
			busy = m.state == 'R' || m.state == 'D';
	}
	closedir(d);
	return busy;
}

int sandbox_proc_settled(struct sandbox *sb, const struct sandbox_proc *p, char errbuf[SANDBOX_ERRBUF_SIZE])
{
	errbuf[0] = '\0';
	/* The program's threads first: a few reads of the case's own /proc. The TCP tables cost more
	 * (/proc/net/tcp walks every bucket of the machine's established hash), so they are read only
	 * when every thread sleeps. */
	if (p && !p->exited) {
		struct sandbox_tree t;
		if (sandbox_tree_of(sb, p->pid, &t, errbuf) < 0)
			return -1;
		int busy = 0;
		for (size_t i = 0; i < t.n && !busy; i++)
			busy = t.m[i].state != 'Z' && proc_busy(t.proc, t.m[i].pid) == 1;
		free(t.m);
		if (busy)
			return 0;
	}
	static const char *const files[] = {"/proc/net/tcp", "/proc/net/tcp6"};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char *text;
		long len = sandbox_net_slurp(files[i], &text);
		if (len < 0) {
			if (errno == ENOENT)
				continue; /* no IPv6 */
			snprintf(errbuf, SANDBOX_ERRBUF_SIZE, "cannot read %s: %s", files[i], strerror(errno));
			return -1;
		}
		int quiet = sandbox_settle_tcp_quiet(text, (size_t)len);
		free(text);
		if (!quiet)
			return 0;
	}
	return 1;
}
