/* ladder.h: the ladder diagram of a case as data (lanes, packets, steps, relay faults), for every renderer. */
#ifndef SOCKCHECK_LADDER_H
#define SOCKCHECK_LADDER_H

#include <stddef.h>
#include <stdint.h>

/* The lanes, left to right. A capture whose roles are unknown (no timeline endpoints) uses HARNESS for the
 * flows' client side and PROGRAM for the server side, and says so in ladder.roles_known. */
enum ladder_lane { LADDER_HARNESS, LADDER_RELAY, LADDER_PROGRAM, LADDER_NLANES };

enum ladder_kind {
	LADDER_PACKET, /* one frame of a TCP or UDP flow: an arrow */
	LADDER_BULK,   /* many plain data/ACK frames of one flow and direction, collapsed into one arrow */
	LADDER_STEP,   /* a scenario step (case line) at its time */
	LADDER_FAULT,  /* a relay decision: drop, duplicate, delay, ... */
	LADDER_NOTE,   /* a frame that is not TCP/UDP, or could not be decoded */
};

enum ladder_fault { LADDER_FAULT_OTHER, LADDER_FAULT_DROP, LADDER_FAULT_DUPLICATE, LADDER_FAULT_DELAY };

/* Packet kinds that renderers mark (also without colour). */
#define LADDER_SYN 0x01u
#define LADDER_FIN 0x02u
#define LADDER_RST 0x04u
#define LADDER_DATA 0x08u /* carries payload */
#define LADDER_ODD 0x10u  /* retransmission, gap, data after FIN, ...: see notes; NOTE: undecodable */
#define LADDER_RETRANS 0x20u /* a (partial) retransmission */

struct ladder_row {
	enum ladder_kind kind;
	double t;                /* seconds since the first frame (steps before it are negative) */
	double t_last;           /* BULK: the time of the last frame folded in; else t */
	uint32_t frame, frame_last; /* PACKET/NOTE: frame == frame_last; BULK: the first and last frame */
	enum ladder_lane from, to;  /* PACKET, BULK, FAULT (the relay and where the datagram was going) */
	int udp;
	char flow[16];           /* "tcp1", "udp2" */
	char a[64], b[64];       /* the flow's client and server endpoints, as "127.0.0.1:9000" */
	int dir;                 /* 0: sent by a (the client side), 1: by b */
	char who[32];            /* the case's name for the harness's socket of the flow ("c1"), or "" */
	size_t retrans;          /* BULK: retransmissions folded in */
	char flags[16];          /* tcpdump style "[S.]" (TCP), "udp" */
	unsigned marks;          /* LADDER_SYN, ... */
	uint32_t seq, ack;       /* TCP, relative */
	int ack_valid;
	uint64_t len;            /* payload bytes on the wire (BULK: the total) */
	size_t count;            /* BULK: frames collapsed (data and ACKs) */
	char preview[56];        /* the first bytes, escaped and quoted ("hello\n"), or "" */
	char notes[160];         /* analysis notes ("retransmission"), or "" */
	int line;                /* STEP: the case line (0: implicit start) */
	int failed;              /* STEP: the step the case failed at */
	enum ladder_fault fault; /* FAULT */
	char *text;              /* STEP: the line's text; FAULT: the relay's words; NOTE: the note. Owned. */
};

/* One connection (TCP) or conversation (UDP) of the capture, summed up. */
struct ladder_flow {
	char flow[16];                /* "tcp1" */
	char who[32];                 /* the case's name for the harness's socket, or "" */
	char a[64], b[64];            /* client side and server side endpoints */
	enum ladder_lane lane[2];     /* the lanes of a and b */
	int udp;
	uint64_t bytes[2];            /* payload bytes sent: [0] a -> b, [1] b -> a (retransmissions included) */
	size_t packets[2];
	size_t retrans[2];            /* TCP retransmissions */
	char ended[200];              /* TCP: how it ended, in words ("FIN from client first (frame 6), ..."); UDP: "" */
};

struct ladder {
	struct ladder_row *rows; /* in time order */
	size_t nrows, cap;
	int lanes[LADDER_NLANES]; /* 1 when the lane is used */
	int roles_known;          /* 0: lanes are only "client side" and "server side" of each flow */
	char *case_file;          /* the case file's base name, or NULL */
	size_t frames;            /* frames in the capture */
	size_t collapsed;         /* frames folded into BULK rows */
	struct ladder_flow *flows; /* TCP connections first, then UDP conversations, by number */
	size_t nflows;
};

/* Appends a zeroed row and returns it, or NULL when out of memory. */
struct ladder_row *ladder_add(struct ladder *l, enum ladder_kind kind);
/* Sets row->text to a copy of s; 0 or -1 (out of memory). */
int ladder_set_text(struct ladder_row *row, const char *s);
/* Frees the rows and their texts and zeroes the ladder (the struct belongs to the caller). */
void ladder_free(struct ladder *l);

/* "harness", "relay", "program" (or, roles unknown, "client side", "-", "server side"). */
const char *ladder_lane_name(const struct ladder *l, enum ladder_lane lane);
/* "drop", "duplicate", "delay", "fault". */
const char *ladder_fault_name(enum ladder_fault f);
/* The fault's kind from the relay's words ("udp s2c #1 drop", "tcp conn 1 c2s delay 200ms"). */
enum ladder_fault ladder_fault_parse(const char *text);

#endif
