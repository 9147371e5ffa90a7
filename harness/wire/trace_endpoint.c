/* trace_endpoint.c: a flow's endpoints: from a frame or a socket address, compared, printed. */
#include "trace.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

int trace_endpoint_eq(const struct trace_endpoint *x, const struct trace_endpoint *y)
{
	return x->family == y->family && x->port == y->port &&
	       memcmp(x->addr, y->addr, x->family == AF_INET ? 4 : 16) == 0;
}

int trace_endpoint_from_sockaddr(struct trace_endpoint *e, const struct sockaddr_storage *ss)
{
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	memset(e, 0, sizeof *e);
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
		e->family = AF_INET;
		memcpy(e->addr, &s4->sin_addr, 4);
		e->port = ntohs(s4->sin_port);
		return 0;
	}
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
		e->port = ntohs(s6->sin6_port);
		if (memcmp(s6->sin6_addr.s6_addr, mapped, 12) == 0) {
			e->family = AF_INET;
			memcpy(e->addr, s6->sin6_addr.s6_addr + 12, 4);
		} else {
			e->family = AF_INET6;
			memcpy(e->addr, s6->sin6_addr.s6_addr, 16);
		}
		return 0;
	}
	return -1;
}

void trace_endpoint_str(const struct trace_endpoint *e, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	if (!inet_ntop(e->family == AF_INET6 ? AF_INET6 : AF_INET, e->addr, a, sizeof a))
		snprintf(a, sizeof a, "?");
	snprintf(buf, len, e->family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, e->port);
}

void trace_frame_endpoint(const struct trace_frame *f, int which, struct trace_endpoint *e)
{
	const unsigned char *a = which ? f->pkt.dst : f->pkt.src;
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	memset(e, 0, sizeof *e);
	e->family = f->pkt.family;
	e->port = which ? f->pkt.dport : f->pkt.sport;
	if (e->family == AF_INET6 && memcmp(a, mapped, 12) == 0) {
		e->family = AF_INET;
		memcpy(e->addr, a + 12, 4);
	} else {
		memcpy(e->addr, a, e->family == AF_INET ? 4 : 16);
	}
}
