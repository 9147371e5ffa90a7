/* trace.h: a capture file as data: decoded frames, TCP connections (reassembled) and UDP conversations. */
#ifndef SOCKCHECK_TRACE_H
#define SOCKCHECK_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "decode.h"

/* One side of a flow. IPv4-mapped IPv6 addresses are stored as IPv4. */
struct trace_endpoint {
	int family; /* AF_INET or AF_INET6 */
	unsigned char addr[16];
	uint16_t port;
};

enum trace_proto { TRACE_NONE, TRACE_TCP, TRACE_UDP };

/* Analysis flags of a frame (trace_frame.flags). */
enum {
	TRACE_F_RETRANS = 1 << 0,        /* TCP: all of its payload (or its SYN/FIN) was seen before */
	TRACE_F_PARTIAL_RETRANS = 1 << 1, /* TCP: part of its payload was seen before (the first copy is kept) */
	TRACE_F_OUT_OF_ORDER = 1 << 2,   /* TCP: new data below the highest offset already seen */
	TRACE_F_GAP = 1 << 3,            /* TCP: data beyond a hole (previous segment not captured) */
	TRACE_F_DATA_AFTER_FIN = 1 << 4, /* TCP: payload beyond the sender's FIN */
	TRACE_F_CONFLICT = 1 << 5,       /* TCP: a retransmission whose bytes differ from the first copy */
	TRACE_F_SHORT = 1 << 6,          /* the frame was cut by the snaplen (caplen < len) */
	TRACE_F_OUT_OF_WINDOW = 1 << 7,  /* TCP: data too far ahead of the stream to be kept */
};

struct trace_frame {
	uint32_t number;          /* 1-based, as Wireshark numbers frames */
	int64_t ts_us;            /* absolute time, microseconds since the epoch */
	uint32_t caplen, len;
	unsigned char *data;      /* caplen bytes */
	struct decode_packet pkt; /* pointers into data */
	char *error;              /* NULL, or why the frame could not be decoded ("truncated TCP header: ...") */
	enum trace_proto proto;   /* the flow the frame belongs to, if any */
	size_t flow;              /* index into trace.tcp or trace.udp */
	int dir;                  /* 0: sent by the flow's side a (the client), 1: by side b */
	uint32_t rel_seq, rel_ack; /* TCP: relative to each side's initial sequence number (SYN = 0) */
	int ack_valid;            /* TCP: ACK flag set and rel_ack meaningful */
	unsigned flags;           /* TRACE_F_* */
};

/* Which frame first carried stream bytes [off, off+len). */
struct trace_segment {
	uint64_t off;
	uint64_t len;
	uint32_t frame;
};

struct trace_range {
	uint64_t start, end;
};

/* One direction of a TCP connection, from its sender's point of view. */
struct trace_tcp_dir {
	int isn_known;            /* this side's SYN was captured */
	int base_known;           /* isn is set (from the SYN, else guessed from the first segment or ACK) */
	uint32_t isn;
	unsigned char *data;      /* the reassembled stream; bytes [0, len) are contiguous and first copies */
	uint64_t len;
	struct trace_segment *segs; /* sorted by off; covers every byte seen (also beyond a hole) */
	size_t nsegs;
	size_t packets;           /* frames sent by this side */
	uint64_t wire_bytes;      /* payload bytes sent, retransmissions included */
	size_t retransmissions;   /* frames flagged RETRANS or PARTIAL_RETRANS */
	uint32_t syn_frame, fin_frame, rst_frame; /* the first of each; 0 when none */
	uint64_t fin_off;         /* stream offset the FIN occupies */
	uint32_t fin_ack_frame;   /* the first frame of the other side that acknowledges this FIN; 0 none */
	int fin_acks_other;       /* this FIN acknowledges the other side's FIN: it was sent after that one
				     arrived (known from the ACK field, whatever order the capture shows) */
	uint32_t fin_ackno;       /* private: the ACK field of this side's first FIN, if it had one */
	int fin_has_ack;
	int rst_after_close;      /* the first RST came once both FINs were acknowledged: the connection was
				     closed both ways, so it is the kernel answering a stray segment (on loopback, a
				     stale ACK delivered late from another CPU's queue), not an abortive close */
	uint32_t data_after_fin_frame; /* first frame with payload beyond the FIN; 0 none */
	uint32_t last_data_frame; /* last frame that carried new data; 0 none */
	uint32_t gap_frame;       /* first frame whose data lies beyond a hole; 0 when the stream is whole */
	uint64_t missing;         /* bytes inside holes */
	int cut;                  /* some payload was cut by the snaplen */
	/* private to trace.c: the byte ranges known so far and the buffer size */
	struct trace_range *known;
	size_t nknown;
	uint64_t cap, max_end;
	uint64_t wire_end;        /* the furthest offset the frames announce (captured or cut by the snaplen) */
};

/* A retransmission: `frame` carried (part of) what `orig_frame` carried first. */
struct trace_retrans {
	uint32_t frame, orig_frame;
	int dir;
};

struct trace_tcp {
	size_t number;            /* 1-based */
	struct trace_endpoint a, b; /* a: the client (sender of the SYN, else of the first segment) */
	uint32_t syn_frame, synack_frame, ack_frame; /* handshake frames; 0 when not seen */
	int handshake;            /* all three seen, in order */
	struct trace_tcp_dir d[2]; /* d[0]: a -> b, d[1]: b -> a */
	int first_close_dir;      /* who sent the first FIN or RST: 0 a, 1 b, -1 nobody */
	uint32_t first_close_frame;
	int first_close_rst;      /* the first close was an RST */
	uint32_t first_frame, last_frame;
	struct trace_retrans *retrans;
	size_t nretrans;
};

struct trace_udp {
	size_t number;            /* 1-based */
	struct trace_endpoint a, b; /* a: the sender of the first datagram */
	uint32_t *frames;         /* the conversation's datagrams, in capture order */
	size_t nframes;
	size_t packets[2];        /* [0] a -> b, [1] b -> a */
	uint64_t bytes[2];        /* UDP payload bytes (as announced) */
	uint32_t first_frame, last_frame;
};

struct trace {
	int dlt;
	char dlt_name[64];
	int snaplen;
	struct trace_frame *frames; /* frames[i].number == i + 1 */
	size_t nframes;
	struct trace_tcp *tcp;
	size_t ntcp;
	struct trace_udp *udp;
	size_t nudp;
	size_t decode_errors;     /* frames with error set */
	size_t short_frames;      /* frames with caplen < len */
	char file_error[256];     /* non-empty: reading stopped early (e.g. the file ends inside a record) */
	void *priv;               /* private to trace.c while frames are being added */
};

/* Reads a pcap or pcapng file. Returns NULL with the reason in err when the file cannot be read at all
 * (missing, not a capture, unsupported link type). Damage after some frames keeps those frames and sets
 * file_error. Caller frees with trace_free(). */
struct trace *trace_load(const char *path, char *err, size_t errlen);

/* Builds a trace frame by frame (unit tests, live use): trace_new, trace_add per frame, trace_finish once.
 * trace_add copies the data. Returns -1 only when out of memory. */
struct trace *trace_new(int dlt);
int trace_add(struct trace *t, int64_t ts_us, const unsigned char *data, size_t caplen, size_t len);
void trace_finish(struct trace *t);
void trace_free(struct trace *t);

/* Frame by 1-based number, or NULL. */
const struct trace_frame *trace_frame(const struct trace *t, uint32_t number);
/* Seconds since the first frame. */
double trace_rel_time(const struct trace *t, const struct trace_frame *f);
/* to - from in microseconds, without overflow traps on hostile timestamps. */
int64_t trace_us_between(int64_t from, int64_t to);
/* The frame that first carried stream byte `off` of d, or 0. */
uint32_t trace_tcp_frame_at(const struct trace_tcp_dir *d, uint64_t off);
/* The last TCP connection between x and y (either order), or NULL. *x_dir tells which side x is (0: a). */
const struct trace_tcp *trace_find_tcp(const struct trace *t, const struct trace_endpoint *x,
				       const struct trace_endpoint *y, int *x_dir);

/* Endpoints (trace_endpoint.c, below trace.c and trace_tcp.c). */
int trace_endpoint_eq(const struct trace_endpoint *x, const struct trace_endpoint *y);
/* Fills e from a sockaddr_in/in6 (IPv4-mapped IPv6 becomes IPv4). -1 for other families. */
int trace_endpoint_from_sockaddr(struct trace_endpoint *e, const struct sockaddr_storage *ss);
/* "127.0.0.1:9000" or "[::1]:9000". */
void trace_endpoint_str(const struct trace_endpoint *e, char *buf, size_t len);
/* The source (which = 0) or destination (1) endpoint of a decoded TCP/UDP frame. */
void trace_frame_endpoint(const struct trace_frame *f, int which, struct trace_endpoint *e);

#endif
