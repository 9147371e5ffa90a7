/* decode.h: bounds-checked decoding of one captured frame: link layer, IPv4/IPv6, TCP/UDP. */
#ifndef SOCKCHECK_DECODE_H
#define SOCKCHECK_DECODE_H

#include <stddef.h>
#include <stdint.h>

/* A cursor over captured bytes. Every read checks `left` first (tcpdump's GET_BE_U_2 idea); a failed read
 * returns -1 and leaves the cursor unchanged. */
struct decode_reader {
	const unsigned char *p;
	size_t left;
};

void decode_reader_init(struct decode_reader *r, const unsigned char *p, size_t len);
int decode_u8(struct decode_reader *r, uint8_t *v);
int decode_be16(struct decode_reader *r, uint16_t *v);
int decode_be32(struct decode_reader *r, uint32_t *v);
int decode_le32(struct decode_reader *r, uint32_t *v);
int decode_skip(struct decode_reader *r, size_t n);
/* Copies n bytes out (dst may be NULL to only check). */
int decode_bytes(struct decode_reader *r, void *dst, size_t n);

/* TCP flag bits as on the wire. */
enum {
	DECODE_TCP_FIN = 0x01,
	DECODE_TCP_SYN = 0x02,
	DECODE_TCP_RST = 0x04,
	DECODE_TCP_PSH = 0x08,
	DECODE_TCP_ACK = 0x10,
	DECODE_TCP_URG = 0x20,
	DECODE_TCP_ECE = 0x40,
	DECODE_TCP_CWR = 0x80,
};

enum decode_l4 {
	DECODE_L4_NONE,  /* not IP, or an IP fragment whose transport header is not in this frame */
	DECODE_L4_TCP,
	DECODE_L4_UDP,
	DECODE_L4_OTHER, /* ICMP and everything else: `proto` says which */
};

/* What one frame holds. Pointers point into the caller's frame buffer. */
struct decode_packet {
	int family;                /* AF_INET, AF_INET6, or 0 when not IP */
	unsigned char src[16], dst[16]; /* 4 bytes used for AF_INET */
	uint8_t proto;             /* IP protocol / final IPv6 next header */
	uint8_t ttl;               /* TTL / hop limit */
	int fragment;              /* 1: an IP fragment (not reassembled); l4 is NONE unless the first one */
	uint32_t frag_offset;      /* bytes */
	int frag_more;
	uint32_t frag_id;
	enum decode_l4 l4;
	uint16_t sport, dport;
	uint32_t seq, ack;         /* TCP */
	uint8_t flags;             /* TCP */
	uint16_t window;           /* TCP */
	const unsigned char *payload; /* transport payload as captured */
	size_t payload_len;        /* bytes of payload in the frame */
	size_t wire_payload_len;   /* payload length the headers announce (> payload_len when cut by snaplen) */
	int short_capture;         /* the frame was cut by the snaplen (caplen < len) */
	uint16_t ethertype;        /* link protocol when known (0x0800, 0x86dd, 0x0806 ...), else 0 */
	char note[64];             /* non-IP or non-TCP/UDP description, e.g. "ARP", "ICMP", "IPv4 fragment" */
};

/* Decodes a frame of link type `dlt` (a DLT_* value as pcap_datalink() returns it). `caplen` bytes are in
 * `data`, `len` is the original length. Returns 0 (the packet may still be non-IP: see family/note) or -1
 * with a one-line reason in err, e.g. "truncated TCP header: 14 of 20 bytes". Never reads past caplen. */
int decode_frame(int dlt, const unsigned char *data, size_t caplen, size_t len, struct decode_packet *out,
		 char *err, size_t errlen);

/* 1 if decode_frame() knows this link type. */
int decode_dlt_supported(int dlt);

/* "[S.]"-style flag string as tcpdump prints it (S, F, R, P, U, E, W, '.' for ACK); buf >= 12 bytes. */
void decode_flags_str(uint8_t flags, char *buf, size_t len);

#endif
