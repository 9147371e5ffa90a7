/* relay_udp.c: the UDP relay: an upstream socket per client, recvmmsg/sendmmsg batches, delays, holds. */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "relay_int.h"

#define BATCH 64          /* datagrams per recvmmsg */
#define DGRAM_MAX 65536   /* larger than any UDP payload */
#define OUT_MAX 256       /* datagrams per sendmmsg flush */
#define ROUNDS 8          /* batches per readiness event, so one busy socket cannot starve the rest */
#define CLIENTS_MAX 4096
#define BUCKETS 256
#define SOCKBUF (8 << 20)
#define GSO_SEGS 64       /* datagrams per UDP GSO send (the kernel allows at least 64) */
#define GSO_BYTES 65000   /* and bytes: under the largest IPv4 UDP payload */

struct udp_client {
	struct relay_handle h;
	struct sockaddr_storage addr;
	socklen_t alen;
	int fd; /* connected to the target: the server's replies for this client arrive here */
	struct udp_client *next, *all_next;
};

/* A datagram that waits: delayed (in the heap) or held (until a later datagram of its direction). */
struct pending {
	int64_t due;
	uint64_t seq, num, hold_until;
	int64_t delay;
	int dir, copies;
	struct udp_client *c;
	size_t len;
	unsigned char data[];
};

struct relay_udp {
	struct udp_client *bucket[BUCKETS], *all;
	size_t nclients;
	uint64_t count[2]; /* datagrams seen per direction, across clients */
	unsigned char *inbuf;
	struct mmsghdr in[BATCH];
	struct iovec iniov[BATCH];
	struct sockaddr_storage inaddr[BATCH];
	struct mmsghdr out[OUT_MAX];
	struct iovec outiov[OUT_MAX];
	int outfd[OUT_MAX];
	size_t nout;
	struct pending *done[OUT_MAX]; /* freed once the flush has sent them */
	size_t ndone;
	struct pending **heap;
	size_t nheap, capheap;
	uint64_t seq;
	struct pending **held[2];
	size_t nheld[2], capheld[2];
	int gso; /* 1 while UDP GSO is asked for (relay_config.gso) and works: equal-sized datagrams to one
		    peer go out in one send. Off, every datagram is its own send, as the fault log says. */
};

/* ---- clients ---- */

static unsigned addr_hash(const struct sockaddr_storage *a)
{
	const unsigned char *p;
	size_t len;
	uint32_t h = 2166136261u;
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)a;
		h = (h ^ s->sin6_port) * 16777619u;
		p = s->sin6_addr.s6_addr;
		len = sizeof s->sin6_addr;
	} else {
		const struct sockaddr_in *s = (const struct sockaddr_in *)a;
		h = (h ^ s->sin_port) * 16777619u;
		p = (const unsigned char *)&s->sin_addr;
		len = sizeof s->sin_addr;
	}
	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return h % BUCKETS;
}

static int addr_same(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
		return x->sin6_port == y->sin6_port && x->sin6_scope_id == y->sin6_scope_id &&
		       memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0;
	}
	const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
	return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
}

static struct udp_client *client_get(struct relay *r, const struct sockaddr_storage *a, socklen_t alen,
				     const char **why)
{
	struct relay_udp *u = r->udp;
	unsigned h = addr_hash(a);
	for (struct udp_client *c = u->bucket[h]; c; c = c->next)
		if (addr_same(&c->addr, a))
			return c;
	if (u->nclients >= CLIENTS_MAX) {
		*why = "too many clients";
		return NULL;
	}
	struct udp_client *c = calloc(1, sizeof *c);
	if (!c) {
		*why = "out of memory";
		return NULL;
	}
	c->fd = socket(r->cfg.target.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	c->h = (struct relay_handle){.kind = RELAY_H_UDP_UP, .obj = c};
	memcpy(&c->addr, a, alen);
	c->alen = alen;
	if (c->fd >= 0)
		relay_grow_buffers(c->fd, SOCKBUF);
	if (c->fd < 0 || connect(c->fd, (const struct sockaddr *)&r->cfg.target, r->target_len) < 0 ||
	    relay_watch(r, c->fd, EPOLLIN, &c->h) < 0) {
		*why = "cannot open an upstream socket";
		if (c->fd >= 0)
			close(c->fd);
		free(c);
		return NULL;
	}
	relay_note_fd(r, c->fd);
	relay_note_port(r, ntohs(a->ss_family == AF_INET6 ? ((const struct sockaddr_in6 *)a)->sin6_port
							  : ((const struct sockaddr_in *)a)->sin_port));
	c->next = u->bucket[h];
	u->bucket[h] = c;
	c->all_next = u->all;
	u->all = c;
	u->nclients++;
	return c;
}

/* ---- sending ---- */

/* Sends n prepared datagrams on fd, waiting (bounded) when the socket buffer is full. A datagram the
 * kernel refuses (e.g. the error of an earlier ICMP port unreachable) is retried once, then skipped. */
static void send_each(int fd, struct mmsghdr *m, size_t n)
{
	size_t off = 0;
	int retried = 0;
	while (off < n) {
		int k = sendmmsg(fd, m + off, (unsigned)(n - off), 0);
		if (k > 0) {
			off += (size_t)k;
			retried = 0;
			continue;
		}
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && (errno == EAGAIN || errno == ENOBUFS) && !retried) {
			struct pollfd p = {.fd = fd, .events = POLLOUT};
			(void)poll(&p, 1, 100);
			retried = 1;
			continue;
		}
		if (k < 0 && errno == ECONNREFUSED && !retried) {
			retried = 1;
			continue;
		}
		off++;
		retried = 0;
	}
}

/* How many datagrams from i on can go as one GSO send: same socket, same peer, same nonzero size. */
static size_t gso_group(const struct relay_udp *u, size_t i, size_t end)
{
	size_t len = u->outiov[i].iov_len, n = 1;
	if (!u->gso || len == 0)
		return 1;
	while (i + n < end && n < GSO_SEGS && (n + 1) * len <= GSO_BYTES && u->outiov[i + n].iov_len == len &&
	       u->out[i + n].msg_hdr.msg_name == u->out[i].msg_hdr.msg_name)
		n++;
	return n;
}

/* One sendmsg carrying n datagrams of equal size: the kernel splits it (UDP_SEGMENT), which saves most
 * of the per-datagram send cost. 0, or -1 when the caller must send them one by one. */
static int send_gso(struct relay_udp *u, int fd, size_t i, size_t n)
{
	union {
		char buf[CMSG_SPACE(sizeof(uint16_t))];
		struct cmsghdr align;
	} ctl;
	memset(&ctl, 0, sizeof ctl);
	struct msghdr mh = u->out[i].msg_hdr;
	mh.msg_iov = &u->outiov[i];
	mh.msg_iovlen = n;
	mh.msg_control = ctl.buf;
	mh.msg_controllen = sizeof ctl.buf;
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_UDP;
	cm->cmsg_type = UDP_SEGMENT;
	cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
	uint16_t seg = (uint16_t)u->outiov[i].iov_len;
	memcpy(CMSG_DATA(cm), &seg, sizeof seg);
	for (int tries = 0; tries < 3; tries++) {
		if (sendmsg(fd, &mh, 0) >= 0)
			return 0;
		if (errno == EAGAIN || errno == ENOBUFS) {
			struct pollfd p = {.fd = fd, .events = POLLOUT};
			(void)poll(&p, 1, 100);
		} else if (errno != EINTR && errno != ECONNREFUSED) {
			break;
		}
	}
	if (errno == ENOPROTOOPT || errno == EOPNOTSUPP)
		u->gso = 0; /* no GSO here: never try again */
	return -1;
}

/* Sends out[i..end) on fd: GSO groups where it works, sendmmsg for the rest. */
static void send_run(struct relay_udp *u, int fd, size_t i, size_t end)
{
	size_t singles = i;
	while (i < end) {
		size_t g = gso_group(u, i, end);
		if (g < 2) {
			i++;
			continue;
		}
		if (singles < i)
			send_each(fd, &u->out[singles], i - singles);
		if (send_gso(u, fd, i, g) < 0)
			send_each(fd, &u->out[i], g);
		i += g;
		singles = i;
	}
	if (singles < end)
		send_each(fd, &u->out[singles], end - singles);
}

static void flush(struct relay_udp *u)
{
	size_t i = 0;
	while (i < u->nout) {
		size_t j = i;
		while (j < u->nout && u->outfd[j] == u->outfd[i])
			j++;
		send_run(u, u->outfd[i], i, j);
		i = j;
	}
	u->nout = 0;
	for (size_t k = 0; k < u->ndone; k++)
		free(u->done[k]);
	u->ndone = 0;
}

static void out_push(struct relay *r, int dir, struct udp_client *c, unsigned char *data, size_t len)
{
	struct relay_udp *u = r->udp;
	if (u->nout == OUT_MAX)
		flush(u);
	size_t i = u->nout++;
	u->outiov[i] = (struct iovec){data, len};
	u->out[i].msg_hdr = (struct msghdr){.msg_iov = &u->outiov[i], .msg_iovlen = 1};
	if (dir == RELAY_C2S) {
		u->outfd[i] = c->fd;
	} else {
		u->outfd[i] = r->lfd; /* replies leave from the listen port */
		u->out[i].msg_hdr.msg_name = &c->addr;
		u->out[i].msg_hdr.msg_namelen = c->alen;
	}
}

/* Sends a pending datagram's copies with the next flush, which then frees it. */
static void out_pending(struct relay *r, struct pending *p)
{
	struct relay_udp *u = r->udp;
	for (int k = 0; k < p->copies; k++)
		out_push(r, p->dir, p->c, p->data, p->len);
	if (u->ndone == OUT_MAX)
		flush(u);
	u->done[u->ndone++] = p;
}

/* ---- the delay heap, ordered by (due, arrival) so equal delays keep their order ---- */

static int before(const struct pending *a, const struct pending *b)
{
	return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

static void heap_push(struct relay_udp *u, struct pending *p)
{
	if (u->nheap == u->capheap) {
		size_t cap = u->capheap ? u->capheap * 2 : 64;
		struct pending **h = realloc(u->heap, cap * sizeof *h);
		if (!h) {
			free(p);
			return;
		}
		u->heap = h;
		u->capheap = cap;
	}
	size_t i = u->nheap++;
	while (i > 0 && before(p, u->heap[(i - 1) / 2])) {
		u->heap[i] = u->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	u->heap[i] = p;
}

static struct pending *heap_pop(struct relay_udp *u)
{
	struct pending *top = u->heap[0], *last = u->heap[--u->nheap];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= u->nheap)
			break;
		if (c + 1 < u->nheap && before(u->heap[c + 1], u->heap[c]))
			c++;
		if (!before(u->heap[c], last))
			break;
		u->heap[i] = u->heap[c];
		i = c;
	}
	if (u->nheap)
		u->heap[i] = last;
	return top;
}

static void schedule(struct relay *r, struct pending *p)
{
	if (p->delay == 0) {
		out_pending(r, p);
		return;
	}
	p->due = relay_now() + p->delay;
	p->seq = r->udp->seq++;
	heap_push(r->udp, p);
}

/* ---- holds ---- */

static void held_add(struct relay_udp *u, struct pending *p)
{
	int d = p->dir;
	if (u->nheld[d] == u->capheld[d]) {
		size_t cap = u->capheld[d] ? u->capheld[d] * 2 : 16;
		struct pending **h = realloc(u->held[d], cap * sizeof *h);
		if (!h) {
			free(p);
			return;
		}
		u->held[d] = h;
		u->capheld[d] = cap;
	}
	u->held[d][u->nheld[d]++] = p;
}

/* After datagram #num of dir: everything held until #num goes out, in its own arrival order. */
static void release_held(struct relay *r, int dir, uint64_t num)
{
	struct relay_udp *u = r->udp;
	size_t keep = 0, n = u->nheld[dir];
	for (size_t i = 0; i < n; i++) {
		struct pending *p = u->held[dir][i];
		if (p->hold_until <= num)
			schedule(r, p);
		else
			u->held[dir][keep++] = p;
	}
	u->nheld[dir] = keep;
}

/* ---- one datagram ---- */

static void deliver(struct relay *r, int dir, struct udp_client *c, unsigned char *data,
		    const struct relay_udp_plan *plan, uint64_t num)
{
	if (plan->drop)
		return;
	if (plan->corrupt_at >= 0)
		data[plan->corrupt_at] ^= plan->corrupt_xor;
	if (!plan->hold_until && !plan->delay_ns) {
		for (int k = 0; k < plan->copies; k++)
			out_push(r, dir, c, data, plan->len);
		return;
	}
	struct pending *p = malloc(sizeof *p + plan->len);
	if (!p)
		return;
	*p = (struct pending){.num = num, .hold_until = plan->hold_until, .delay = plan->delay_ns,
			      .dir = dir, .copies = plan->copies, .c = c, .len = plan->len};
	memcpy(p->data, data, plan->len);
	if (plan->hold_until)
		held_add(r->udp, p);
	else
		schedule(r, p);
}

static void one(struct relay *r, int dir, struct udp_client *c, unsigned char *data, size_t len)
{
	struct relay_udp *u = r->udp;
	uint64_t num = ++u->count[dir];
	struct relay_udp_plan plan;
	relay_fault_udp(r->eng, dir, num, len, &plan);
	deliver(r, dir, c, data, &plan, num);
	if (u->nheld[dir])
		release_held(r, dir, num);
}

static int recv_batch(struct relay_udp *u, int fd, int named)
{
	for (size_t i = 0; i < BATCH; i++) {
		u->in[i].msg_hdr.msg_name = named ? &u->inaddr[i] : NULL;
		u->in[i].msg_hdr.msg_namelen = named ? sizeof u->inaddr[i] : 0;
	}
	int n;
	do
		n = recvmmsg(fd, u->in, BATCH, MSG_DONTWAIT, NULL);
	while (n < 0 && (errno == EINTR || errno == ECONNREFUSED));
	return n;
}

static void from_clients(struct relay *r)
{
	struct relay_udp *u = r->udp;
	for (int round = 0; round < ROUNDS; round++) {
		int n = recv_batch(u, r->lfd, 1);
		for (int i = 0; i < n; i++) {
			const char *why = "";
			struct udp_client *c =
				client_get(r, &u->inaddr[i], u->in[i].msg_hdr.msg_namelen, &why);
			if (c) {
				one(r, RELAY_C2S, c, u->iniov[i].iov_base, u->in[i].msg_len);
				continue;
			}
			unsigned long long num = ++u->count[RELAY_C2S];
			relay_fault_log(r->eng, 0, RELAY_C2S, "udp c2s #%llu drop (%s)", num, why);
		}
		flush(u);
		if (n < BATCH)
			break;
	}
}

static void from_server(struct relay *r, struct udp_client *c)
{
	struct relay_udp *u = r->udp;
	for (int round = 0; round < ROUNDS; round++) {
		int n = recv_batch(u, c->fd, 0);
		for (int i = 0; i < n; i++)
			one(r, RELAY_S2C, c, u->iniov[i].iov_base, u->in[i].msg_len);
		flush(u);
		if (n < BATCH)
			break;
	}
}

static void relay_udp_event(struct relay *r, struct relay_handle *h, uint32_t events)
{
	if (h->kind == RELAY_H_UDP_LISTEN)
		from_clients(r);
	else
		from_server(r, h->obj);
}

static void relay_udp_timer(struct relay *r, int64_t now)
{
	struct relay_udp *u = r->udp;
	while (u->nheap && u->heap[0]->due <= now)
		out_pending(r, heap_pop(u));
	flush(u);
}

static int64_t relay_udp_deadline(const struct relay *r)
{
	return r->udp && r->udp->nheap ? r->udp->heap[0]->due : 0;
}

static int relay_udp_init(struct relay *r, char *err, size_t errlen)
{
	struct relay_udp *u = calloc(1, sizeof *u);
	if (!u || !(u->inbuf = malloc((size_t)BATCH * DGRAM_MAX))) {
		free(u);
		snprintf(err, errlen, "relay: out of memory");
		return -1;
	}
	for (size_t i = 0; i < BATCH; i++) {
		u->iniov[i] = (struct iovec){u->inbuf + i * DGRAM_MAX, DGRAM_MAX};
		u->in[i].msg_hdr.msg_iov = &u->iniov[i];
		u->in[i].msg_hdr.msg_iovlen = 1;
	}
	u->gso = r->cfg.gso;
	r->udp = u;
	return 0;
}

static void relay_udp_finish(struct relay *r)
{
	struct relay_udp *u = r->udp;
	static const char *names[2] = {"c2s", "s2c"};
	for (int d = 0; d < 2; d++)
		for (size_t i = 0; i < u->nheld[d]; i++)
			relay_fault_log(r->eng, 0, d, "udp %s #%llu still held at stop (#%llu never came)",
					names[d], (unsigned long long)u->held[d][i]->num,
					(unsigned long long)u->held[d][i]->hold_until);
	for (size_t i = 0; i < u->nheap; i++)
		relay_fault_log(r->eng, 0, u->heap[i]->dir, "udp %s #%llu still delayed at stop, discarded",
				names[u->heap[i]->dir], (unsigned long long)u->heap[i]->num);
}

static void relay_udp_free(struct relay *r)
{
	struct relay_udp *u = r->udp;
	if (!u)
		return; /* init failed */
	for (size_t k = 0; k < u->ndone; k++)
		free(u->done[k]);
	for (struct udp_client *c = u->all, *next; c; c = next) {
		next = c->all_next;
		close(c->fd);
		free(c);
	}
	for (size_t i = 0; i < u->nheap; i++)
		free(u->heap[i]);
	for (int d = 0; d < 2; d++) {
		for (size_t i = 0; i < u->nheld[d]; i++)
			free(u->held[d][i]);
		free(u->held[d]);
	}
	free(u->heap);
	free(u->inbuf);
	free(u);
	r->udp = NULL;
}

/* Datagrams are freed as they go: nothing waits for the end of a loop turn. */
static void relay_udp_reap(struct relay *r)
{
	(void)r;
}

const struct relay_backend relay_udp_backend = {
	.init = relay_udp_init,
	.event = relay_udp_event,
	.timer = relay_udp_timer,
	.deadline = relay_udp_deadline,
	.reap = relay_udp_reap,
	.finish = relay_udp_finish,
	.free = relay_udp_free,
};
