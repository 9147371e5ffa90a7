/* run_ctx.c: what every step file of the runner shares: the clock, deadlines, failure messages and addresses. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "run_ctx.h"

double run_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double run_scaled(const struct run_ctx *c, double seconds, double dflt)
{
	return (seconds < 0 ? dflt : seconds) * c->o->time_scale;
}

enum run_status run_fail(struct run_ctx *c, enum run_status st, const char *fmt, ...)
{
	/* The first explanation wins: inner code says what happened; later cleanup must not overwrite it. */
	if (!c->r->message) {
		va_list ap;
		va_start(ap, fmt);
		result_vset(&c->r->message, fmt, ap);
		va_end(ap);
	}
	return st;
}

void run_detail(char **field, const char *fmt, ...)
{
	if (*field)
		return;
	va_list ap;
	va_start(ap, fmt);
	result_vset(field, fmt, ap);
	va_end(ap);
}

int run_addr_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return 0;
}

void run_addr_text(const struct sockaddr_storage *ss, char *out, size_t len)
{
	if (ss->ss_family == AF_UNIX) { /* a datagram's sender: its bound path, or none */
		const char *path = ((const struct sockaddr_un *)ss)->sun_path;
		if (!path[0] && path[1]) /* an abstract name (the buffer was zeroed before recvfrom) */
			snprintf(out, len, "@%.*s", (int)sizeof((const struct sockaddr_un *)ss)->sun_path - 1, path + 1);
		else
			snprintf(out, len, "%s", path[0] ? path : "an unbound socket (no path)");
		return;
	}
	char host[INET6_ADDRSTRLEN] = "?";
	if (ss->ss_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, host, sizeof host);
	else if (ss->ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, host, sizeof host);
	snprintf(out, len, ss->ss_family == AF_INET6 ? "[%s]:%d" : "%s:%d", host, run_addr_port(ss));
}
