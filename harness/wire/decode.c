/* decode.c: bounds-checked decoding of one captured frame: link layer, IPv4/IPv6, TCP/UDP. */
#include "decode.h"

#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

void decode_reader_init(struct decode_reader *r, const unsigned char *p, size_t len)
{
	r->p = p;
	r->left = p ? len : 0;
}

int decode_u8(struct decode_reader *r, uint8_t *v)
{
	if (r->left < 1)
		return -1;
	*v = r->p[0];
	r->p++;
	r->left--;
	return 0;
}

int decode_be16(struct decode_reader *r, uint16_t *v)
{
	if (r->left < 2)
		return -1;
	*v = (uint16_t)(r->p[0] << 8 | r->p[1]);
	r->p += 2;
	r->left -= 2;
	return 0;
}

int decode_be32(struct decode_reader *r, uint32_t *v)
{
	if (r->left < 4)
		return -1;
	*v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 | (uint32_t)r->p[2] << 8 | r->p[3];
	r->p += 4;
	r->left -= 4;
	return 0;
}

int decode_le32(struct decode_reader *r, uint32_t *v)
{
	if (r->left < 4)
		return -1;
	*v = (uint32_t)r->p[3] << 24 | (uint32_t)r->p[2] << 16 | (uint32_t)r->p[1] << 8 | r->p[0];
	r->p += 4;
	r->left -= 4;
	return 0;
}

int decode_skip(struct decode_reader *r, size_t n)
{
	if (r->left < n)
		return -1;
	r->p += n;
	r->left -= n;
	return 0;
}

int decode_bytes(struct decode_reader *r, void *dst, size_t n)
{
	if (r->left < n)
		return -1;
	if (dst && n)
		memcpy(dst, r->p, n);
	r->p += n;
	r->left -= n;
	return 0;
}

/* Decoding state shared by the layers of one frame. */
struct ctx {
	struct decode_packet *out;
	char *err;
	size_t errlen;
};

static int fail(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
	if (c->out->short_capture) {
		size_t n = strlen(c->err);
		if (n < c->errlen)
			snprintf(c->err + n, c->errlen - n, " (frame cut by the capture snaplen)");
	}
	return -1;
}

static int truncated(struct ctx *c, const char *what, size_t have, size_t need)
{
	return fail(c, "truncated %s: %zu of %zu bytes", what, have, need);
}

static void note(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->out->note, sizeof c->out->note, fmt, ap);
	va_end(ap);
}

/* Transport layer: `seg` holds the captured part of an IP payload announced as `wire_len` bytes. */
static int decode_tcp(struct ctx *c, struct decode_reader *seg, size_t wire_len)
{
	struct decode_packet *o = c->out;
	struct decode_reader r = *seg;
	uint8_t offres, flags;
	uint16_t csum, urg;

	if (r.left < 20)
		return truncated(c, "TCP header", r.left, 20);
	decode_be16(&r, &o->sport);
	decode_be16(&r, &o->dport);
	decode_be32(&r, &o->seq);
	decode_be32(&r, &o->ack);
	decode_u8(&r, &offres);
	decode_u8(&r, &flags);
	decode_be16(&r, &o->window);
	decode_be16(&r, &csum);
	decode_be16(&r, &urg);
	o->flags = flags;
	size_t doff = (size_t)(offres >> 4) * 4;
	if (doff < 20)
		return fail(c, "bad TCP data offset %zu bytes (%u words, minimum 5)", doff, offres >> 4);
	if (doff > wire_len)
		return fail(c, "TCP data offset %zu bytes exceeds the %zu-byte segment", doff, wire_len);
	if (decode_skip(&r, doff - 20) < 0)
		return truncated(c, "TCP options", seg->left, doff);
	o->l4 = DECODE_L4_TCP;
	o->payload = r.p;
	o->payload_len = r.left;
	o->wire_payload_len = wire_len - doff;
	return 0;
}

static int decode_udp(struct ctx *c, struct decode_reader *seg, size_t wire_len)
{
	struct decode_packet *o = c->out;
	struct decode_reader r = *seg;
	uint16_t ulen, csum;

	if (r.left < 8)
		return truncated(c, "UDP header", r.left, 8);
	decode_be16(&r, &o->sport);
	decode_be16(&r, &o->dport);
	decode_be16(&r, &ulen);
	decode_be16(&r, &csum);
	if (ulen < 8)
		return fail(c, "bad UDP length %u (minimum 8)", ulen);
	if (ulen > wire_len)
		return fail(c, "UDP length %u exceeds the %zu-byte IP payload", ulen, wire_len);
	o->l4 = DECODE_L4_UDP;
	o->payload = r.p;
	o->payload_len = r.left < (size_t)ulen - 8 ? r.left : (size_t)ulen - 8;
	o->wire_payload_len = (size_t)ulen - 8;
	return 0;
}

static int decode_transport(struct ctx *c, struct decode_reader *seg, size_t wire_len)
{
	struct decode_packet *o = c->out;
	uint8_t type = 0, code = 0;

	switch (o->proto) {
	case 6:
		return decode_tcp(c, seg, wire_len);
	case 17:
		return decode_udp(c, seg, wire_len);
	case 1:
	case 58: {
		struct decode_reader r = *seg;
		o->l4 = DECODE_L4_OTHER;
		if (decode_u8(&r, &type) == 0 && decode_u8(&r, &code) == 0)
			note(c, "%s type %u code %u", o->proto == 1 ? "ICMP" : "ICMPv6", type, code);
		else
			note(c, "%s (truncated)", o->proto == 1 ? "ICMP" : "ICMPv6");
		o->payload = seg->p;
		o->payload_len = seg->left;
		o->wire_payload_len = wire_len;
		return 0;
	}
	default:
		o->l4 = DECODE_L4_OTHER;
		note(c, "IP protocol %u", o->proto);
		o->payload = seg->p;
		o->payload_len = seg->left;
		o->wire_payload_len = wire_len;
		return 0;
	}
}

/* Limits `r` to the `announced` bytes the IP header claims; checks the frame really holds them. */
static int ip_payload(struct ctx *c, struct decode_reader *r, size_t announced, const char *ver, size_t total)
{
	if (announced > r->left && !c->out->short_capture)
		return fail(c, "%s length %zu but the frame holds only %zu bytes", ver, total,
			    total - announced + r->left);
	if (announced < r->left)
		r->left = announced; /* link-layer padding */
	return 0;
}

static int decode_ipv4(struct ctx *c, struct decode_reader *r)
{
	struct decode_packet *o = c->out;
	uint8_t vihl, tos;
	uint16_t totlen, id, frag, csum;

	if (r->left < 20)
		return truncated(c, "IPv4 header", r->left, 20);
	size_t have = r->left;
	decode_u8(r, &vihl);
	decode_u8(r, &tos);
	decode_be16(r, &totlen);
	decode_be16(r, &id);
	decode_be16(r, &frag);
	decode_u8(r, &o->ttl);
	decode_u8(r, &o->proto);
	decode_be16(r, &csum);
	decode_bytes(r, o->src, 4);
	decode_bytes(r, o->dst, 4);
	if (vihl >> 4 != 4)
		return fail(c, "IPv4 header with IP version %u", vihl >> 4);
	size_t ihl = (size_t)(vihl & 0x0f) * 4;
	if (ihl < 20)
		return fail(c, "bad IPv4 header length %zu bytes (minimum 20)", ihl);
	o->family = AF_INET;
	size_t total = totlen;
	if (total == 0) /* segmentation offload: the length is left to the capture */
		total = have;
	if (total < ihl)
		return fail(c, "IPv4 total length %zu is smaller than its header length %zu", total, ihl);
	if (ihl > have)
		return fail(c, "IPv4 header length %zu exceeds the %zu bytes in the frame", ihl, have);
	decode_skip(r, ihl - 20);
	if (ip_payload(c, r, total - ihl, "IPv4 total", total) < 0)
		return -1;
	o->frag_id = id;
	o->frag_offset = (uint32_t)(frag & 0x1fff) * 8;
	o->frag_more = (frag & 0x2000) != 0;
	if (o->frag_offset || o->frag_more) {
		o->fragment = 1;
		note(c, "IPv4 fragment id %u offset %u%s (not reassembled)", id, o->frag_offset,
		     o->frag_more ? " +" : "");
		o->payload = r->p;
		o->payload_len = r->left;
		o->wire_payload_len = total - ihl;
		return 0;
	}
	return decode_transport(c, r, total - ihl);
}

static int decode_ipv6(struct ctx *c, struct decode_reader *r)
{
	struct decode_packet *o = c->out;
	uint32_t vtcfl;
	uint16_t plen;
	uint8_t nh;

	if (r->left < 40)
		return truncated(c, "IPv6 header", r->left, 40);
	decode_be32(r, &vtcfl);
	decode_be16(r, &plen);
	decode_u8(r, &nh);
	decode_u8(r, &o->ttl);
	decode_bytes(r, o->src, 16);
	decode_bytes(r, o->dst, 16);
	if (vtcfl >> 28 != 6)
		return fail(c, "IPv6 header with IP version %u", vtcfl >> 28);
	o->family = AF_INET6;
	size_t announced = plen;
	if (plen == 0 && nh == 0) /* jumbogram: trust the capture */
		announced = r->left;
	if (ip_payload(c, r, announced, "IPv6 payload", announced) < 0)
		return -1;
	for (int hops = 0; hops < 32; hops++) {
		uint8_t next, hlen;
		uint16_t offflags;
		uint32_t id;
		size_t n;
		switch (nh) {
		case 0:  /* hop-by-hop */
		case 43: /* routing */
		case 60: /* destination options */
		case 51: /* authentication header */
			if (r->left < 2)
				return truncated(c, "IPv6 extension header", r->left, 2);
			next = r->p[0];
			hlen = r->p[1];
			n = nh == 51 ? ((size_t)hlen + 2) * 4 : ((size_t)hlen + 1) * 8;
			if (n > announced)
				return fail(c, "IPv6 extension header of %zu bytes exceeds the %zu-byte payload", n,
					    announced);
			if (decode_skip(r, n) < 0)
				return truncated(c, "IPv6 extension header", r->left, n);
			announced -= n;
			nh = next;
			continue;
		case 44: /* fragment */
			if (r->left < 8)
				return truncated(c, "IPv6 fragment header", r->left, 8);
			decode_u8(r, &next);
			decode_u8(r, &hlen);
			decode_be16(r, &offflags);
			decode_be32(r, &id);
			announced -= 8;
			nh = next;
			o->proto = nh;
			if ((offflags & 0xfff8) || (offflags & 1)) {
				o->fragment = 1;
				o->frag_id = id;
				o->frag_offset = offflags & 0xfff8;
				o->frag_more = offflags & 1;
				note(c, "IPv6 fragment id %u offset %u%s (not reassembled)", id, o->frag_offset,
				     o->frag_more ? " +" : "");
				o->payload = r->p;
				o->payload_len = r->left;
				o->wire_payload_len = announced;
				return 0;
			}
			continue; /* an atomic fragment: the whole packet */
		case 59:
			o->proto = nh;
			note(c, "IPv6 with no next header");
			return 0;
		default:
			o->proto = nh;
			return decode_transport(c, r, announced);
		}
	}
	return fail(c, "IPv6 extension header chain too long");
}

static int decode_ip_version(struct ctx *c, struct decode_reader *r, int want)
{
	if (r->left < 1)
		return truncated(c, "IP header", 0, 20);
	int v = r->p[0] >> 4;
	if (want && v != want)
		return fail(c, "IPv%d link type carries an IP version %d header", want, v);
	if (v == 4)
		return decode_ipv4(c, r);
	if (v == 6)
		return decode_ipv6(c, r);
	return fail(c, "unknown IP version %d", v);
}

static int decode_ethertype(struct ctx *c, struct decode_reader *r, uint16_t type)
{
	c->out->ethertype = type;
	switch (type) {
	case 0x0800:
		return decode_ipv4(c, r);
	case 0x86dd:
		return decode_ipv6(c, r);
	case 0x0806:
		note(c, "ARP");
		return 0;
	default:
		note(c, "ethertype 0x%04x", type);
		return 0;
	}
}

/* BSD loopback address family values: AF_INET is 2 everywhere, AF_INET6 differs by OS. */
static int decode_bsd_af(struct ctx *c, struct decode_reader *r, uint32_t af)
{
	if (af == 2)
		return decode_ipv4(c, r);
	if (af == 10 || af == 24 || af == 28 || af == 30)
		return decode_ipv6(c, r);
	note(c, "loopback family %u", af);
	return 0;
}

int decode_dlt_supported(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB:
	case DLT_NULL:
	case DLT_LOOP:
	case DLT_LINUX_SLL:
	case DLT_LINUX_SLL2:
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		return 1;
	default:
		return 0;
	}
}

int decode_frame(int dlt, const unsigned char *data, size_t caplen, size_t len, struct decode_packet *out,
		 char *err, size_t errlen)
{
	struct ctx c = {out, err, errlen};
	struct decode_reader r;
	uint16_t type;
	uint32_t af;

	memset(out, 0, sizeof *out);
	if (errlen)
		err[0] = '\0';
	out->short_capture = caplen < len;
	decode_reader_init(&r, data, caplen);
	switch (dlt) {
	case DLT_EN10MB:
		if (r.left < 14)
			return truncated(&c, "Ethernet header", r.left, 14);
		decode_skip(&r, 12);
		decode_be16(&r, &type);
		for (int tags = 0; (type == 0x8100 || type == 0x88a8 || type == 0x9100) && tags < 4; tags++) {
			if (r.left < 4)
				return truncated(&c, "VLAN tag", r.left, 4);
			decode_skip(&r, 2);
			decode_be16(&r, &type);
		}
		if (type < 0x0600) {
			out->ethertype = 0;
			note(&c, "802.3 frame (LLC)");
			return 0;
		}
		return decode_ethertype(&c, &r, type);
	case DLT_NULL:
		if (r.left < 4)
			return truncated(&c, "loopback header", r.left, 4);
		decode_le32(&r, &af);
		if (af > 0xffff) /* written by a big-endian host */
			af = (af >> 24) | ((af >> 8) & 0xff00) | ((af << 8) & 0xff0000) | (af << 24);
		return decode_bsd_af(&c, &r, af);
	case DLT_LOOP:
		if (r.left < 4)
			return truncated(&c, "loopback header", r.left, 4);
		decode_be32(&r, &af);
		return decode_bsd_af(&c, &r, af);
	case DLT_LINUX_SLL:
		if (r.left < 16)
			return truncated(&c, "Linux cooked header", r.left, 16);
		decode_skip(&r, 14);
		decode_be16(&r, &type);
		return decode_ethertype(&c, &r, type);
	case DLT_LINUX_SLL2:
		if (r.left < 20)
			return truncated(&c, "Linux cooked v2 header", r.left, 20);
		decode_be16(&r, &type);
		decode_skip(&r, 18);
		return decode_ethertype(&c, &r, type);
	case DLT_RAW:
		return decode_ip_version(&c, &r, 0);
	case DLT_IPV4:
		return decode_ip_version(&c, &r, 4);
	case DLT_IPV6:
		return decode_ip_version(&c, &r, 6);
	default:
		return fail(&c, "unsupported link type %d", dlt);
	}
}

void decode_flags_str(uint8_t flags, char *buf, size_t len)
{
	char tmp[16];
	size_t n = 0;

	tmp[n++] = '[';
	if (flags & DECODE_TCP_SYN)
		tmp[n++] = 'S';
	if (flags & DECODE_TCP_FIN)
		tmp[n++] = 'F';
	if (flags & DECODE_TCP_RST)
		tmp[n++] = 'R';
	if (flags & DECODE_TCP_PSH)
		tmp[n++] = 'P';
	if (flags & DECODE_TCP_URG)
		tmp[n++] = 'U';
	if (flags & DECODE_TCP_ECE)
		tmp[n++] = 'E';
	if (flags & DECODE_TCP_CWR)
		tmp[n++] = 'W';
	if (flags & DECODE_TCP_ACK)
		tmp[n++] = '.';
	if (n == 1) {
		snprintf(buf, len, "[none]");
		return;
	}
	tmp[n++] = ']';
	tmp[n] = '\0';
	snprintf(buf, len, "%s", tmp);
}
