/* synth.c: hand-built IPv4/IPv6 TCP and UDP packets (link type DLT_RAW) for tests and fixtures. */
#include "synth.h"

#include <arpa/inet.h>
#include <string.h>

static void put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint32_t sum(const unsigned char *p, size_t n, uint32_t acc)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		acc += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		acc += (uint32_t)p[n - 1] << 8;
	return acc;
}

static uint16_t fold(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)~acc;
}

/* Writes the IP header for an L4 segment of l4len bytes; returns the header length or 0. */
static size_t ip_header(unsigned char *buf, size_t cap, const char *src, const char *dst, uint8_t proto,
			size_t l4len, uint32_t *pseudo)
{
	unsigned char s[16], d[16];
	if (strchr(src, ':')) {
		if (cap < 40 + l4len || inet_pton(AF_INET6, src, s) != 1 || inet_pton(AF_INET6, dst, d) != 1)
			return 0;
		memset(buf, 0, 40);
		buf[0] = 0x60;
		put16(buf + 4, (uint16_t)l4len);
		buf[6] = proto;
		buf[7] = 64;
		memcpy(buf + 8, s, 16);
		memcpy(buf + 24, d, 16);
		*pseudo = sum(s, 16, sum(d, 16, 0)) + proto + (uint32_t)l4len;
		return 40;
	}
	if (cap < 20 + l4len || inet_pton(AF_INET, src, s) != 1 || inet_pton(AF_INET, dst, d) != 1)
		return 0;
	memset(buf, 0, 20);
	buf[0] = 0x45;
	put16(buf + 2, (uint16_t)(20 + l4len));
	put16(buf + 6, 0x4000); /* DF */
	buf[8] = 64;
	buf[9] = proto;
	memcpy(buf + 12, s, 4);
	memcpy(buf + 16, d, 4);
	put16(buf + 10, fold(sum(buf, 20, 0)));
	*pseudo = sum(s, 4, sum(d, 4, 0)) + proto + (uint32_t)l4len;
	return 20;
}

size_t synth_tcp(unsigned char *buf, size_t cap, const char *src, uint16_t sport, const char *dst,
		 uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags, const void *payload, size_t len)
{
	uint32_t pseudo;
	if (len > 65000)
		return 0;
	size_t ip = ip_header(buf, cap, src, dst, 6, 20 + len, &pseudo);
	if (!ip)
		return 0;
	unsigned char *t = buf + ip;
	memset(t, 0, 20);
	put16(t, sport);
	put16(t + 2, dport);
	put32(t + 4, seq);
	put32(t + 8, ack);
	t[12] = 5 << 4;
	t[13] = flags;
	put16(t + 14, 65535);
	if (len)
		memcpy(t + 20, payload, len);
	put16(t + 16, fold(sum(t, 20 + len, pseudo)));
	return ip + 20 + len;
}

size_t synth_udp(unsigned char *buf, size_t cap, const char *src, uint16_t sport, const char *dst,
		 uint16_t dport, const void *payload, size_t len)
{
	uint32_t pseudo;
	if (len > 65000)
		return 0;
	size_t ip = ip_header(buf, cap, src, dst, 17, 8 + len, &pseudo);
	if (!ip)
		return 0;
	unsigned char *u = buf + ip;
	put16(u, sport);
	put16(u + 2, dport);
	put16(u + 4, (uint16_t)(8 + len));
	put16(u + 6, 0);
	if (len)
		memcpy(u + 8, payload, len);
	uint16_t c = fold(sum(u, 8 + len, pseudo));
	put16(u + 6, c ? c : 0xffff);
	return ip + 8 + len;
}
