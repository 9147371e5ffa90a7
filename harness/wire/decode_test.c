/* decode_test.c: the frame decoder: link types, IP options and extension headers, damage, fuzzing. */
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "decode.h"
#include "rng.h"
#include "synth.h"
#include "unit.h"

UNIT_STATE;

static char err[256];

static void test_reader(void)
{
	const unsigned char b[] = {0x12, 0x34, 0x56};
	struct decode_reader r;
	uint16_t v16 = 0;
	uint32_t v32 = 0;
	uint8_t v8 = 0;
	decode_reader_init(&r, b, sizeof b);
	CHECK(decode_be16(&r, &v16) == 0 && v16 == 0x1234);
	CHECK(decode_be16(&r, &v16) == -1);  /* one byte left */
	CHECK(r.left == 1 && r.p == b + 2);  /* cursor unchanged by the failed read */
	CHECK(decode_be32(&r, &v32) == -1);
	CHECK(decode_skip(&r, 2) == -1);
	CHECK(decode_u8(&r, &v8) == 0 && v8 == 0x56);
	CHECK(decode_u8(&r, &v8) == -1);
	decode_reader_init(&r, b, 3);
	CHECK(decode_le32(&r, &v32) == -1);
	CHECK(decode_bytes(&r, NULL, 3) == 0 && r.left == 0);
}

/* Wraps a raw IP packet in the link header of dlt. */
static size_t wrap(int dlt, const unsigned char *ip, size_t n, unsigned char *out, int v6)
{
	size_t h = 0;
	uint16_t et = v6 ? 0x86dd : 0x0800;
	switch (dlt) {
	case DLT_EN10MB:
		memset(out, 0, 12);
		out[12] = (unsigned char)(et >> 8);
		out[13] = (unsigned char)et;
		h = 14;
		break;
	case DLT_NULL: /* little-endian host; IPv6 as Linux writes it (10) */
		memset(out, 0, 4);
		out[0] = v6 ? 10 : 2;
		h = 4;
		break;
	case DLT_LOOP:
		memset(out, 0, 4);
		out[3] = v6 ? 28 : 2;
		h = 4;
		break;
	case DLT_LINUX_SLL:
		memset(out, 0, 16);
		out[14] = (unsigned char)(et >> 8);
		out[15] = (unsigned char)et;
		h = 16;
		break;
	case DLT_LINUX_SLL2:
		memset(out, 0, 20);
		out[0] = (unsigned char)(et >> 8);
		out[1] = (unsigned char)et;
		h = 20;
		break;
	default:
		h = 0;
	}
	memcpy(out + h, ip, n);
	return h + n;
}

static void test_link_types(void)
{
	const int dlts[] = {DLT_EN10MB, DLT_NULL, DLT_LOOP, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, DLT_IPV4, DLT_IPV6};
	unsigned char ip[256], frame[300];
	for (int v6 = 0; v6 < 2; v6++) {
		size_t n = synth_tcp(ip, sizeof ip, v6 ? "::1" : "127.0.0.1", 40000, v6 ? "::1" : "127.0.0.2", 9000,
				     1000, 2000, DECODE_TCP_PSH | DECODE_TCP_ACK, "hello", 5);
		CHECK(n > 0);
		for (size_t i = 0; i < sizeof dlts / sizeof dlts[0]; i++) {
			struct decode_packet p;
			if ((dlts[i] == DLT_IPV4 && v6) || (dlts[i] == DLT_IPV6 && !v6))
				continue;
			size_t len = wrap(dlts[i], ip, n, frame, v6);
			int rc = decode_frame(dlts[i], frame, len, len, &p, err, sizeof err);
			CHECK_INT(rc, 0);
			CHECK_INT(p.family, v6 ? AF_INET6 : AF_INET);
			CHECK_INT(p.l4, DECODE_L4_TCP);
			CHECK_INT(p.sport, 40000);
			CHECK_INT(p.dport, 9000);
			CHECK_INT(p.seq, 1000);
			CHECK_INT(p.ack, 2000);
			CHECK_INT(p.payload_len, 5);
			CHECK(p.payload && memcmp(p.payload, "hello", 5) == 0);
			CHECK(decode_dlt_supported(dlts[i]));
		}
	}
	/* DLT_NULL written by a big-endian host */
	size_t n = synth_udp(frame + 4, sizeof frame - 4, "127.0.0.1", 1, "127.0.0.1", 2, "x", 1);
	struct decode_packet p;
	memcpy(frame, "\0\0\0\2", 4);
	CHECK_INT(decode_frame(DLT_NULL, frame, n + 4, n + 4, &p, err, sizeof err), 0);
	CHECK_INT(p.l4, DECODE_L4_UDP);
	CHECK_INT(decode_frame(DLT_IPV6, frame + 4, n, n, &p, err, sizeof err), -1);
	CHECK_STR(err, "IPv6 link type carries an IP version 4 header");
	CHECK_INT(decode_frame(DLT_IEEE802_11, frame, n, n, &p, err, sizeof err), -1);
	CHECK(!decode_dlt_supported(DLT_IEEE802_11));
}

static void test_ipv4_options_and_padding(void)
{
	unsigned char ip[128], frame[160];
	size_t n = synth_udp(ip, sizeof ip, "10.0.0.1", 5000, "10.0.0.2", 53, "abc", 3);
	/* insert 4 bytes of options (NOP NOP NOP EOL): IHL 6 */
	memcpy(frame, ip, 20);
	memcpy(frame + 20, "\x01\x01\x01\x00", 4);
	memcpy(frame + 24, ip + 20, n - 20);
	frame[0] = 0x46;
	frame[3] = (unsigned char)(n + 4);
	memset(frame + n + 4, 0xee, 10); /* link-layer padding after the packet */
	struct decode_packet p;
	CHECK_INT(decode_frame(DLT_RAW, frame, n + 14, n + 14, &p, err, sizeof err), 0);
	CHECK_INT(p.l4, DECODE_L4_UDP);
	CHECK_INT(p.dport, 53);
	CHECK_INT(p.payload_len, 3);
	CHECK(memcmp(p.payload, "abc", 3) == 0);
	/* a fragment is reported, not reassembled */
	memcpy(frame, ip, n);
	frame[6] = 0x20; /* MF */
	CHECK_INT(decode_frame(DLT_RAW, frame, n, n, &p, err, sizeof err), 0);
	CHECK(p.fragment && p.frag_more && p.l4 == DECODE_L4_NONE);
	CHECK(strstr(p.note, "IPv4 fragment") != NULL);
	frame[6] = 0x00;
	frame[7] = 0x10; /* offset 128 */
	CHECK_INT(decode_frame(DLT_RAW, frame, n, n, &p, err, sizeof err), 0);
	CHECK_INT(p.frag_offset, 128);
}

static void test_ipv6_extensions(void)
{
	unsigned char udp[64], frame[160];
	size_t n = synth_udp(udp, sizeof udp, "::1", 7, "::1", 9, "ext", 3); /* 40 + 8 + 3 */
	size_t l4 = n - 40;
	/* hop-by-hop -> destination options (16 bytes) -> routing -> UDP */
	const unsigned char hbh[8] = {60, 0, 1, 4, 0, 0, 0, 0};
	const unsigned char dst[16] = {43, 1, 1, 12};
	const unsigned char rt[8] = {17, 0, 0, 0};
	memcpy(frame, udp, 40);
	frame[6] = 0;
	memcpy(frame + 40, hbh, 8);
	memcpy(frame + 48, dst, 16);
	memcpy(frame + 64, rt, 8);
	memcpy(frame + 72, udp + 40, l4);
	size_t plen = 32 + l4;
	frame[4] = (unsigned char)(plen >> 8);
	frame[5] = (unsigned char)plen;
	struct decode_packet p;
	CHECK_INT(decode_frame(DLT_RAW, frame, 40 + plen, 40 + plen, &p, err, sizeof err), 0);
	CHECK_INT(p.l4, DECODE_L4_UDP);
	CHECK_INT(p.dport, 9);
	CHECK(p.payload_len == 3 && memcmp(p.payload, "ext", 3) == 0);
	/* fragment header, offset 0 and more fragments: reported */
	const unsigned char frag[8] = {17, 0, 0, 1, 0, 0, 0, 42};
	memcpy(frame + 40, frag, 8);
	memcpy(frame + 48, udp + 40, l4);
	frame[6] = 44;
	frame[5] = (unsigned char)(8 + l4);
	CHECK_INT(decode_frame(DLT_RAW, frame, 48 + l4, 48 + l4, &p, err, sizeof err), 0);
	CHECK(p.fragment && p.frag_id == 42 && p.l4 == DECODE_L4_NONE);
	/* an atomic fragment (offset 0, no more) is the whole packet */
	frame[43] = 0;
	CHECK_INT(decode_frame(DLT_RAW, frame, 48 + l4, 48 + l4, &p, err, sizeof err), 0);
	CHECK(!p.fragment && p.l4 == DECODE_L4_UDP);
}

static void test_damage_messages(void)
{
	unsigned char ip[128], frame[160];
	struct decode_packet p;
	size_t n = synth_tcp(ip, sizeof ip, "127.0.0.1", 1, "127.0.0.1", 2, 0, 0, DECODE_TCP_SYN, NULL, 0);
	/* truncated TCP header: 14 of 20 bytes (IP length consistent) */
	memcpy(frame, ip, 34);
	frame[3] = 34;
	CHECK_INT(decode_frame(DLT_RAW, frame, 34, 34, &p, err, sizeof err), -1);
	CHECK_STR(err, "truncated TCP header: 14 of 20 bytes");
	/* the same cut by the snaplen */
	CHECK_INT(decode_frame(DLT_RAW, ip, 34, n, &p, err, sizeof err), -1);
	CHECK_STR(err, "truncated TCP header: 14 of 20 bytes (frame cut by the capture snaplen)");
	/* data offset below 5 words */
	memcpy(frame, ip, n);
	frame[32] = 0x30;
	CHECK_INT(decode_frame(DLT_RAW, frame, n, n, &p, err, sizeof err), -1);
	CHECK_STR(err, "bad TCP data offset 12 bytes (3 words, minimum 5)");
	/* the IP header length lies */
	memcpy(frame, ip, n);
	frame[0] = 0x4f;
	CHECK_INT(decode_frame(DLT_RAW, frame, n, n, &p, err, sizeof err), -1);
	CHECK_STR(err, "IPv4 total length 40 is smaller than its header length 60");
	frame[3] = 100;
	CHECK_INT(decode_frame(DLT_RAW, frame, n, n, &p, err, sizeof err), -1);
	CHECK_STR(err, "IPv4 header length 60 exceeds the 40 bytes in the frame");
	frame[3] = (unsigned char)n;
	frame[0] = 0x43;
	CHECK_INT(decode_frame(DLT_RAW, frame, n, n, &p, err, sizeof err), -1);
	CHECK_STR(err, "bad IPv4 header length 12 bytes (minimum 20)");
	/* total length beyond the frame */
	memcpy(frame, ip, n);
	frame[2] = 0x05;
	CHECK_INT(decode_frame(DLT_RAW, frame, n, n, &p, err, sizeof err), -1);
	CHECK_STR(err, "IPv4 total length 1320 but the frame holds only 40 bytes");
	/* an empty frame and a truncated Ethernet header */
	CHECK_INT(decode_frame(DLT_EN10MB, frame, 0, 0, &p, err, sizeof err), -1);
	CHECK_STR(err, "truncated Ethernet header: 0 of 14 bytes");
	CHECK_INT(decode_frame(DLT_RAW, frame, 0, 0, &p, err, sizeof err), -1);
	/* cut by the snaplen inside the payload: decoded, flagged */
	n = synth_tcp(ip, sizeof ip, "127.0.0.1", 1, "127.0.0.1", 2, 1, 1, DECODE_TCP_ACK, "0123456789", 10);
	CHECK_INT(decode_frame(DLT_RAW, ip, n - 4, n, &p, err, sizeof err), 0);
	CHECK(p.short_capture);
	CHECK_INT(p.payload_len, 6);
	CHECK_INT(p.wire_payload_len, 10);
}

/* Every prefix and every single-byte mutation of valid frames decodes or fails cleanly, and a decoded
 * payload always lies inside the frame (run under ASan/valgrind to catch stray reads). */
static void test_fuzz(void)
{
	const int dlts[] = {DLT_EN10MB, DLT_NULL, DLT_LOOP, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW};
	unsigned char ip[256], base[300];
	struct rng r;
	rng_seed(&r, 42);
	int bad = 0, ok = 0, failed = 0;
	for (int v6 = 0; v6 < 2; v6++)
		for (int udp = 0; udp < 2; udp++)
			for (size_t k = 0; k < sizeof dlts / sizeof dlts[0]; k++) {
				const char *a = v6 ? "::1" : "127.0.0.1";
				size_t n = udp ? synth_udp(ip, sizeof ip, a, 1, a, 2, "payload!", 8)
					       : synth_tcp(ip, sizeof ip, a, 1, a, 2, 5, 6, DECODE_TCP_ACK, "payload!", 8);
				size_t len = wrap(dlts[k], ip, n, base, v6);
				for (size_t cut = 0; cut <= len; cut++) {
					struct decode_packet p;
					int rc = decode_frame(dlts[k], base, cut, cut, &p, err, sizeof err);
					rc == 0 ? ok++ : failed++;
					if (rc == 0 && p.payload_len &&
					    (p.payload < base || p.payload + p.payload_len > base + cut))
						bad++;
					if (rc < 0 && !*err)
						bad++;
				}
				for (int iter = 0; iter < 3000; iter++) {
					unsigned char *m = malloc(len); /* exact size: overreads trip ASan */
					size_t mlen = len - (size_t)rng_below(&r, 8);
					memcpy(m, base, mlen);
					for (int j = 0, flips = 1 + (int)rng_below(&r, 4); j < flips; j++)
						m[rng_below(&r, mlen)] = (unsigned char)rng_next(&r);
					struct decode_packet p;
					int rc = decode_frame(dlts[k], m, mlen, len, &p, err, sizeof err);
					if (rc == 0 && p.payload_len &&
					    (p.payload < m || p.payload + p.payload_len > m + mlen))
						bad++;
					free(m);
				}
			}
	CHECK_INT(bad, 0);
	CHECK(ok > 0 && failed > 0);
}

static void test_flags(void)
{
	char b[16];
	decode_flags_str(DECODE_TCP_SYN, b, sizeof b);
	CHECK_STR(b, "[S]");
	decode_flags_str(DECODE_TCP_SYN | DECODE_TCP_ACK, b, sizeof b);
	CHECK_STR(b, "[S.]");
	decode_flags_str(DECODE_TCP_PSH | DECODE_TCP_ACK, b, sizeof b);
	CHECK_STR(b, "[P.]");
	decode_flags_str(DECODE_TCP_FIN | DECODE_TCP_ACK, b, sizeof b);
	CHECK_STR(b, "[F.]");
	decode_flags_str(DECODE_TCP_RST, b, sizeof b);
	CHECK_STR(b, "[R]");
	decode_flags_str(0, b, sizeof b);
	CHECK_STR(b, "[none]");
}

int main(void)
{
	test_reader();
	test_link_types();
	test_ipv4_options_and_padding();
	test_ipv6_extensions();
	test_damage_messages();
	test_fuzz();
	test_flags();
	return unit_summary();
}
