/* trace.c: a capture file as data: reads frames with libpcap, decodes them, groups them into flows. */
#include "trace.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_tcp.h"

/* Flow lookup: open addressing over (endpoint pair, protocol) -> flow index + 1. */
struct flowmap {
	size_t *slots;
	size_t cap, used;
};

struct priv {
	struct flowmap tcp, udp;
	size_t frames_cap, tcp_cap, udp_cap;
};

static uint64_t ep_hash(const struct trace_endpoint *e)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)e->family;
	size_t n = e->family == AF_INET ? 4 : 16;
	for (size_t i = 0; i < n; i++)
		h = (h ^ e->addr[i]) * 1099511628211ull;
	return (h ^ e->port) * 1099511628211ull;
}

/* Symmetric in x and y, so both directions find the flow. */
static uint64_t pair_hash(const struct trace_endpoint *x, const struct trace_endpoint *y)
{
	uint64_t a = ep_hash(x), b = ep_hash(y);
	return (a ^ b) + (a & b) * 31;
}

static int flow_matches(const struct trace *t, enum trace_proto proto, size_t idx, const struct trace_endpoint *x,
			const struct trace_endpoint *y)
{
	const struct trace_endpoint *a = proto == TRACE_TCP ? &t->tcp[idx].a : &t->udp[idx].a;
	const struct trace_endpoint *b = proto == TRACE_TCP ? &t->tcp[idx].b : &t->udp[idx].b;
	return (trace_endpoint_eq(a, x) && trace_endpoint_eq(b, y)) || (trace_endpoint_eq(a, y) && trace_endpoint_eq(b, x));
}

/* Returns the slot for (x, y): either holding the flow or empty. */
static size_t *map_slot(const struct trace *t, struct flowmap *m, enum trace_proto proto,
			const struct trace_endpoint *x, const struct trace_endpoint *y)
{
	size_t i = (size_t)pair_hash(x, y) & (m->cap - 1);
	while (m->slots[i] && !flow_matches(t, proto, m->slots[i] - 1, x, y))
		i = (i + 1) & (m->cap - 1);
	return &m->slots[i];
}

static int map_grow(struct trace *t, struct flowmap *m, enum trace_proto proto)
{
	if (m->cap && (m->used + 1) * 2 <= m->cap)
		return 0;
	struct flowmap n = {calloc(m->cap ? m->cap * 2 : 64, sizeof(size_t)), m->cap ? m->cap * 2 : 64, 0};
	if (!n.slots)
		return -1;
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->slots[i])
			continue;
		size_t idx = m->slots[i] - 1;
		const struct trace_endpoint *a = proto == TRACE_TCP ? &t->tcp[idx].a : &t->udp[idx].a;
		const struct trace_endpoint *b = proto == TRACE_TCP ? &t->tcp[idx].b : &t->udp[idx].b;
		*map_slot(t, &n, proto, a, b) = m->slots[i];
		n.used++;
	}
	free(m->slots);
	*m = n;
	return 0;
}

static int grow(void **arr, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap * 2 : 16;
	while (n < need)
		n *= 2;
	void *p = realloc(*arr, n * size);
	if (!p)
		return -1;
	memset((char *)p + *cap * size, 0, (n - *cap) * size);
	*arr = p;
	*cap = n;
	return 0;
}

struct trace *trace_new(int dlt)
{
	struct trace *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->priv = calloc(1, sizeof(struct priv));
	if (!t->priv) {
		free(t);
		return NULL;
	}
	t->dlt = dlt;
	const char *name = pcap_datalink_val_to_name(dlt);
	const char *desc = pcap_datalink_val_to_description(dlt);
	if (name)
		snprintf(t->dlt_name, sizeof t->dlt_name, "%s%s%s%s", name, desc ? " (" : "", desc ? desc : "",
			 desc ? ")" : "");
	else
		snprintf(t->dlt_name, sizeof t->dlt_name, "DLT %d", dlt);
	return t;
}

static int track_udp(struct trace *t, struct priv *pv, struct trace_frame *f)
{
	struct trace_endpoint src, dst;
	trace_frame_endpoint(f, 0, &src);
	trace_frame_endpoint(f, 1, &dst);
	if (map_grow(t, &pv->udp, TRACE_UDP) < 0)
		return -1;
	size_t *slot = map_slot(t, &pv->udp, TRACE_UDP, &src, &dst);
	if (!*slot) {
		if (grow((void **)&t->udp, &pv->udp_cap, t->nudp + 1, sizeof *t->udp) < 0)
			return -1;
		struct trace_udp *u = &t->udp[t->nudp++];
		memset(u, 0, sizeof *u);
		u->number = t->nudp;
		u->a = src;
		u->b = dst;
		u->first_frame = f->number;
		*slot = t->nudp;
		pv->udp.used++;
	}
	struct trace_udp *u = &t->udp[*slot - 1];
	uint32_t *n = realloc(u->frames, (u->nframes + 1) * sizeof *n);
	if (!n)
		return -1;
	u->frames = n;
	u->frames[u->nframes++] = f->number;
	f->proto = TRACE_UDP;
	f->flow = *slot - 1;
	f->dir = trace_endpoint_eq(&src, &u->a) ? 0 : 1;
	u->packets[f->dir]++;
	u->bytes[f->dir] += f->pkt.wire_payload_len;
	u->last_frame = f->number;
	return 0;
}

static int track_tcp(struct trace *t, struct priv *pv, struct trace_frame *f)
{
	struct trace_endpoint src, dst;
	trace_frame_endpoint(f, 0, &src);
	trace_frame_endpoint(f, 1, &dst);
	if (map_grow(t, &pv->tcp, TRACE_TCP) < 0)
		return -1;
	size_t *slot = map_slot(t, &pv->tcp, TRACE_TCP, &src, &dst);
	if (!*slot || trace_tcp_starts_new(&t->tcp[*slot - 1], f)) {
		if (grow((void **)&t->tcp, &pv->tcp_cap, t->ntcp + 1, sizeof *t->tcp) < 0)
			return -1;
		trace_tcp_init(&t->tcp[t->ntcp], t->ntcp + 1, f);
		t->ntcp++;
		if (!*slot)
			pv->tcp.used++;
		*slot = t->ntcp; /* the newest connection of a reused 4-tuple wins */
	}
	f->proto = TRACE_TCP;
	f->flow = *slot - 1;
	return trace_tcp_packet(&t->tcp[f->flow], f);
}

int trace_add(struct trace *t, int64_t ts_us, const unsigned char *data, size_t caplen, size_t len)
{
	struct priv *pv = t->priv;
	char err[160];

	if (!pv || grow((void **)&t->frames, &pv->frames_cap, t->nframes + 1, sizeof *t->frames) < 0)
		return -1;
	struct trace_frame *f = &t->frames[t->nframes];
	memset(f, 0, sizeof *f);
	f->data = malloc(caplen ? caplen : 1);
	if (!f->data)
		return -1;
	memcpy(f->data, data, caplen);
	t->nframes++;
	f->number = (uint32_t)t->nframes;
	f->ts_us = ts_us;
	f->caplen = (uint32_t)caplen;
	f->len = (uint32_t)len;
	if (caplen < len) {
		f->flags |= TRACE_F_SHORT;
		t->short_frames++;
	}
	if (decode_frame(t->dlt, f->data, caplen, len, &f->pkt, err, sizeof err) < 0) {
		f->error = strdup(err);
		t->decode_errors++;
		return f->error ? 0 : -1;
	}
	if (f->pkt.l4 == DECODE_L4_TCP)
		return track_tcp(t, pv, f);
	if (f->pkt.l4 == DECODE_L4_UDP)
		return track_udp(t, pv, f);
	return 0;
}

void trace_finish(struct trace *t)
{
	struct priv *pv = t->priv;
	for (size_t i = 0; i < t->ntcp; i++)
		trace_tcp_finish(&t->tcp[i]);
	if (pv) {
		free(pv->tcp.slots);
		free(pv->udp.slots);
		free(pv);
		t->priv = NULL;
	}
}

struct trace *trace_load(const char *path, char *err, size_t errlen)
{
	char pe[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, pe);
	if (!p) {
		size_t n = strlen(path);
		const char *why = strncmp(pe, path, n) == 0 && strncmp(pe + n, ": ", 2) == 0 ? pe + n + 2 : pe;
		snprintf(err, errlen, "%s", why);
		return NULL;
	}
	int dlt = pcap_datalink(p);
	if (!decode_dlt_supported(dlt)) {
		const char *name = pcap_datalink_val_to_name(dlt);
		snprintf(err, errlen, "unsupported link type %d (%s)", dlt, name ? name : "unknown");
		pcap_close(p);
		return NULL;
	}
	struct trace *t = trace_new(dlt);
	if (!t) {
		snprintf(err, errlen, "out of memory");
		pcap_close(p);
		return NULL;
	}
	t->snaplen = pcap_snapshot(p);
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;
	while ((rc = pcap_next_ex(p, &h, &data)) == 1) {
		/* unsigned: a hostile file's seconds may overflow; the time is nonsense then, never UB */
		int64_t ts = (int64_t)((uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec);
		if (trace_add(t, ts, data, h->caplen, h->len) < 0) {
			snprintf(err, errlen, "out of memory at frame %zu", t->nframes + 1);
			pcap_close(p);
			trace_free(t);
			return NULL;
		}
	}
	if (rc == PCAP_ERROR)
		snprintf(t->file_error, sizeof t->file_error, "after frame %zu: %s", t->nframes, pcap_geterr(p));
	pcap_close(p);
	trace_finish(t);
	return t;
}

void trace_free(struct trace *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nframes; i++) {
		free(t->frames[i].data);
		free(t->frames[i].error);
	}
	free(t->frames);
	for (size_t i = 0; i < t->ntcp; i++)
		trace_tcp_release(&t->tcp[i]);
	free(t->tcp);
	for (size_t i = 0; i < t->nudp; i++)
		free(t->udp[i].frames);
	free(t->udp);
	if (t->priv) {
		struct priv *pv = t->priv;
		free(pv->tcp.slots);
		free(pv->udp.slots);
		free(pv);
	}
	free(t);
}

const struct trace_frame *trace_frame(const struct trace *t, uint32_t number)
{
	if (number == 0 || number > t->nframes)
		return NULL;
	return &t->frames[number - 1];
}

double trace_rel_time(const struct trace *t, const struct trace_frame *f)
{
	if (!t->nframes)
		return 0;
	return (double)trace_us_between(t->frames[0].ts_us, f->ts_us) / 1e6;
}

int64_t trace_us_between(int64_t from, int64_t to)
{
	return (int64_t)((uint64_t)to - (uint64_t)from);
}

const struct trace_tcp *trace_find_tcp(const struct trace *t, const struct trace_endpoint *x,
				       const struct trace_endpoint *y, int *x_dir)
{
	for (size_t i = t->ntcp; i-- > 0;) {
		const struct trace_tcp *c = &t->tcp[i];
		if (trace_endpoint_eq(&c->a, x) && trace_endpoint_eq(&c->b, y)) {
			if (x_dir)
				*x_dir = 0;
			return c;
		}
		if (trace_endpoint_eq(&c->b, x) && trace_endpoint_eq(&c->a, y)) {
			if (x_dir)
				*x_dir = 1;
			return c;
		}
	}
	return NULL;
}
