/* trace_test.c: TCP tracking and reassembly on synthetic packet sequences; UDP; loading real captures. */
#include <pcap/pcap.h>
#include <arpa/inet.h>
#include <string.h>

#include "synth.h"
#include "trace.h"
#include "unit.h"

UNIT_STATE;

#define ISN_A 1000u
#define ISN_B 0xfffffff0u /* wraps within the first 16 bytes */

enum { S = DECODE_TCP_SYN, A = DECODE_TCP_ACK, F = DECODE_TCP_FIN, R = DECODE_TCP_RST, P = DECODE_TCP_PSH };

struct sim {
	struct trace *t;
	int64_t ts;
	uint16_t aport;
};

static void seg(struct sim *s, int from_a, uint32_t seq, uint32_t ack, uint8_t flags, const char *data)
{
	unsigned char buf[2048];
	size_t n = synth_tcp(buf, sizeof buf, from_a ? "127.0.0.1" : "127.0.0.2", from_a ? s->aport : 9000,
			     from_a ? "127.0.0.2" : "127.0.0.1", from_a ? 9000 : s->aport, seq, ack, flags, data,
			     data ? strlen(data) : 0);
	s->ts += 1000;
	CHECK(n > 0 && trace_add(s->t, s->ts, buf, n, n) == 0);
}

/* SYN, SYN-ACK, ACK: frames 1-3. */
static void handshake(struct sim *s)
{
	seg(s, 1, ISN_A, 0, S, NULL);
	seg(s, 0, ISN_B, ISN_A + 1, S | A, NULL);
	seg(s, 1, ISN_A + 1, ISN_B + 1, A, NULL);
}

static struct sim start(void)
{
	struct sim s = {trace_new(DLT_RAW), 1700000000000000, 40000};
	return s;
}

static int stream_is(const struct trace_tcp_dir *d, const char *want)
{
	return d->len == strlen(want) && memcmp(d->data, want, d->len) == 0;
}

static void test_normal(void)
{
	struct sim s = start();
	handshake(&s);
	seg(&s, 1, ISN_A + 1, ISN_B + 1, P | A, "hello");       /* 4 */
	seg(&s, 0, ISN_B + 1, ISN_A + 6, P | A, "HELLO world!!"); /* 5: crosses the 2^32 wrap */
	seg(&s, 1, ISN_A + 6, ISN_B + 14, F | A, NULL);         /* 6 */
	seg(&s, 0, ISN_B + 14, ISN_A + 7, F | A, NULL);         /* 7 */
	seg(&s, 1, ISN_A + 7, ISN_B + 15, A, NULL);             /* 8 */
	trace_finish(s.t);
	CHECK_INT(s.t->ntcp, 1);
	const struct trace_tcp *c = &s.t->tcp[0];
	CHECK(c->handshake);
	CHECK_INT(c->syn_frame, 1);
	CHECK_INT(c->synack_frame, 2);
	CHECK_INT(c->ack_frame, 3);
	CHECK_INT(c->a.port, 40000);
	CHECK_INT(c->d[0].isn, ISN_A);
	CHECK_INT(c->d[1].isn, ISN_B);
	CHECK(stream_is(&c->d[0], "hello"));
	CHECK(stream_is(&c->d[1], "HELLO world!!"));
	CHECK_INT(s.t->frames[3].rel_seq, 1);
	CHECK_INT(s.t->frames[4].rel_ack, 6);
	CHECK_INT(s.t->frames[5].rel_seq, 6);
	CHECK_INT(s.t->frames[6].rel_seq, 14);
	CHECK_INT(c->d[0].fin_frame, 6);
	CHECK_INT(c->d[1].fin_frame, 7);
	CHECK_INT(c->first_close_dir, 0);
	CHECK_INT(c->first_close_frame, 6);
	CHECK_INT(c->d[0].retransmissions + c->d[1].retransmissions, 0);
	CHECK_INT(c->d[1].last_data_frame, 5);
	CHECK_INT(trace_tcp_frame_at(&c->d[1], 12), 5);
	CHECK_INT(trace_tcp_frame_at(&c->d[1], 13), 0);
	CHECK_INT(s.t->frames[4].dir, 1);
	trace_free(s.t);
}

static void test_retransmission_and_overlap(void)
{
	struct sim s = start();
	handshake(&s);
	seg(&s, 1, ISN_A + 1, ISN_B + 1, P | A, "hello");  /* 4 */
	seg(&s, 1, ISN_A + 1, ISN_B + 1, P | A, "hello");  /* 5: full retransmission */
	seg(&s, 1, ISN_A + 4, ISN_B + 1, P | A, "XXwor");  /* 6: overlaps 2 bytes, and they differ */
	seg(&s, 1, ISN_A + 1, 0, S, NULL);                 /* 7: the SYN again */
	trace_finish(s.t);
	const struct trace_tcp *c = &s.t->tcp[0];
	CHECK_INT(s.t->ntcp, 1);
	CHECK(stream_is(&c->d[0], "hellowor")); /* the first copy of bytes 3-4 is kept */
	CHECK(s.t->frames[4].flags & TRACE_F_RETRANS);
	CHECK(s.t->frames[5].flags & TRACE_F_PARTIAL_RETRANS);
	CHECK(s.t->frames[5].flags & TRACE_F_CONFLICT);
	CHECK(!(s.t->frames[3].flags & (TRACE_F_RETRANS | TRACE_F_PARTIAL_RETRANS)));
	CHECK_INT(c->d[0].retransmissions, 2);
	CHECK_INT(c->nretrans, 2);
	CHECK_INT(c->retrans[0].frame, 5);
	CHECK_INT(c->retrans[0].orig_frame, 4);
	CHECK_INT(c->retrans[1].orig_frame, 4);
	CHECK_INT(c->d[0].wire_bytes, 15);
	trace_free(s.t);

	/* a repeated SYN is a retransmission of frame 1 */
	s = start();
	seg(&s, 1, ISN_A, 0, S, NULL);
	seg(&s, 1, ISN_A, 0, S, NULL);
	trace_finish(s.t);
	CHECK_INT(s.t->tcp[0].nretrans, 1);
	CHECK_INT(s.t->tcp[0].retrans[0].orig_frame, 1);
	CHECK(!s.t->tcp[0].handshake);
	trace_free(s.t);
}

static void test_out_of_order_and_holes(void)
{
	struct sim s = start();
	handshake(&s);
	seg(&s, 1, ISN_A + 1, ISN_B + 1, A, "aaaaa");  /* 4: [0,5) */
	seg(&s, 1, ISN_A + 11, ISN_B + 1, A, "ccccc"); /* 5: [10,15): a hole before it */
	seg(&s, 1, ISN_A + 6, ISN_B + 1, A, "bbbbb");  /* 6: [5,10): fills the hole */
	seg(&s, 1, ISN_A + 21, ISN_B + 1, A, "eeeee"); /* 7: [20,25): a hole that stays */
	trace_finish(s.t);
	const struct trace_tcp_dir *d = &s.t->tcp[0].d[0];
	CHECK(stream_is(d, "aaaaabbbbbccccc"));
	CHECK(s.t->frames[4].flags & TRACE_F_GAP);
	CHECK(s.t->frames[5].flags & TRACE_F_OUT_OF_ORDER);
	CHECK(!(s.t->frames[5].flags & TRACE_F_RETRANS));
	CHECK_INT(d->retransmissions, 0);
	CHECK_INT(d->missing, 5);
	CHECK_INT(d->gap_frame, 7);
	CHECK_INT(trace_tcp_frame_at(d, 7), 6);
	CHECK_INT(trace_tcp_frame_at(d, 22), 7);
	CHECK_INT(trace_tcp_frame_at(d, 17), 0);
	trace_free(s.t);
}

/* A segment cut by the snaplen (a capture keeps only the headers of later packets): the next segment
 * follows what it announced, so it is not "beyond a hole"; a segment beyond a real hole still is. */
static void test_cut_by_snaplen(void)
{
	struct sim s = start();
	handshake(&s);
	unsigned char buf[2048];
	size_t n = synth_tcp(buf, sizeof buf, "127.0.0.1", s.aport, "127.0.0.2", 9000, ISN_A + 1, ISN_B + 1, A,
			     "aaaaaaaaaa", 10); /* 4: [0,10), only 4 bytes of it captured */
	s.ts += 1000;
	CHECK(n > 0 && trace_add(s.t, s.ts, buf, n - 6, n) == 0);
	seg(&s, 1, ISN_A + 11, ISN_B + 1, A, "bbbbb"); /* 5: [10,15): right after what frame 4 announced */
	seg(&s, 1, ISN_A + 21, ISN_B + 1, A, "ccccc"); /* 6: [20,25): beyond a hole no frame covers */
	trace_finish(s.t);
	const struct trace_tcp_dir *d = &s.t->tcp[0].d[0];
	CHECK(d->cut);
	CHECK(!(s.t->frames[4].flags & TRACE_F_GAP));
	CHECK(s.t->frames[5].flags & TRACE_F_GAP);
	CHECK_INT(d->wire_end, 25);
	trace_free(s.t);
}

static void test_fin_then_data_and_rst(void)
{
	struct sim s = start();
	handshake(&s);
	seg(&s, 0, ISN_B + 1, ISN_A + 1, P | A, "bye");      /* 4 */
	seg(&s, 0, ISN_B + 4, ISN_A + 1, F | A, NULL);       /* 5: FIN at offset 3 */
	seg(&s, 0, ISN_B + 1, ISN_A + 1, P | A, "bye");      /* 6: a retransmission before the FIN: fine */
	seg(&s, 0, ISN_B + 5, ISN_A + 1, P | A, "more");     /* 7: data after the FIN */
	seg(&s, 0, ISN_B + 4, ISN_A + 1, F | A, NULL);       /* 8: the FIN again */
	seg(&s, 1, ISN_A + 1, ISN_B + 5, R, NULL);           /* 9 */
	trace_finish(s.t);
	const struct trace_tcp *c = &s.t->tcp[0];
	CHECK_INT(c->d[1].fin_frame, 5);
	CHECK_INT(c->d[1].fin_off, 3);
	CHECK_INT(c->d[1].data_after_fin_frame, 7);
	CHECK(s.t->frames[6].flags & TRACE_F_DATA_AFTER_FIN);
	CHECK(!(s.t->frames[5].flags & TRACE_F_DATA_AFTER_FIN));
	CHECK(s.t->frames[7].flags & TRACE_F_RETRANS);
	CHECK_INT(c->first_close_dir, 1);
	CHECK(!c->first_close_rst);
	CHECK_INT(c->d[0].rst_frame, 9);
	trace_free(s.t);

	/* RST first */
	s = start();
	handshake(&s);
	seg(&s, 0, ISN_B + 1, ISN_A + 1, R | A, NULL);
	trace_finish(s.t);
	CHECK_INT(s.t->tcp[0].first_close_dir, 1);
	CHECK(s.t->tcp[0].first_close_rst);
	CHECK_INT(s.t->tcp[0].first_close_frame, 4);
	trace_free(s.t);
}

/* An RST counts as after the close only once both FINs were acknowledged. */
static void test_rst_after_close(void)
{
	struct sim s = start();
	handshake(&s);
	seg(&s, 1, ISN_A + 1, ISN_B + 1, F | A, NULL);       /* 4: a's FIN */
	seg(&s, 0, ISN_B + 1, ISN_A + 2, F | A, NULL);       /* 5: b's FIN, acknowledging a's */
	seg(&s, 1, ISN_A + 2, ISN_B + 2, A, NULL);           /* 6: a acknowledges b's FIN */
	seg(&s, 0, ISN_B + 1, ISN_A + 2, A, NULL);           /* 7: a stale ACK of b's, delivered late */
	seg(&s, 1, ISN_A + 2, ISN_B + 2, A, NULL);           /* 8: a's TIME_WAIT answers it */
	seg(&s, 0, ISN_B + 2, 0, R, NULL);                   /* 9: b has no socket left */
	trace_finish(s.t);
	const struct trace_tcp *c = &s.t->tcp[0];
	CHECK_INT(c->d[0].fin_ack_frame, 5);
	CHECK_INT(c->d[1].fin_ack_frame, 6);
	CHECK_INT(c->d[1].rst_frame, 9);
	CHECK(c->d[1].rst_after_close);
	trace_free(s.t);

	/* b's FIN acknowledged, a's FIN not yet seen: b's RST aborts (SO_LINGER 0 in FIN_WAIT2) */
	s = start();
	handshake(&s);
	seg(&s, 0, ISN_B + 1, ISN_A + 1, F | A, NULL);       /* 4: b's FIN */
	seg(&s, 1, ISN_A + 1, ISN_B + 2, A, NULL);           /* 5: acknowledged */
	seg(&s, 0, ISN_B + 2, ISN_A + 1, R | A, NULL);       /* 6 */
	seg(&s, 1, ISN_A + 1, ISN_B + 2, F | A, NULL);       /* 7: a's FIN, too late */
	trace_finish(s.t);
	c = &s.t->tcp[0];
	CHECK_INT(c->d[1].fin_ack_frame, 5);
	CHECK_INT(c->d[1].rst_frame, 6);
	CHECK(!c->d[1].rst_after_close);
	trace_free(s.t);

	/* both FINs sent, a's never acknowledged: an RST from b is still an abort */
	s = start();
	handshake(&s);
	seg(&s, 1, ISN_A + 1, ISN_B + 1, F | A, NULL);       /* 4 */
	seg(&s, 0, ISN_B + 1, ISN_A + 1, F | A, NULL);       /* 5: b's FIN crosses it, acknowledging nothing */
	seg(&s, 1, ISN_A + 2, ISN_B + 2, A, NULL);           /* 6 */
	seg(&s, 0, ISN_B + 2, 0, R, NULL);                   /* 7 */
	trace_finish(s.t);
	CHECK(!s.t->tcp[0].d[1].rst_after_close);
	trace_free(s.t);
}

static void test_reuse_and_midstream(void)
{
	struct sim s = start();
	handshake(&s);
	seg(&s, 1, ISN_A + 1, ISN_B + 1, R, NULL);         /* 4: connection 1 is over */
	seg(&s, 1, ISN_A + 5000, 0, S, NULL);              /* 5: same 4-tuple, new ISN: connection 2 */
	seg(&s, 0, 77, ISN_A + 5001, S | A, NULL);
	seg(&s, 1, ISN_A + 5001, 78, A, NULL);
	trace_finish(s.t);
	CHECK_INT(s.t->ntcp, 2);
	CHECK(s.t->tcp[1].handshake);
	CHECK_INT(s.t->tcp[1].first_frame, 5);
	CHECK_INT(s.t->frames[5].flow, 1);
	int xdir = -1;
	struct trace_endpoint x = s.t->tcp[0].b, y = s.t->tcp[0].a;
	CHECK(trace_find_tcp(s.t, &x, &y, &xdir) == &s.t->tcp[1]); /* the newest */
	CHECK_INT(xdir, 1);
	trace_free(s.t);

	/* capture started mid-connection: offsets count from the first byte seen */
	s = start();
	seg(&s, 0, 9000, 5000, P | A, "abc");
	seg(&s, 1, 5000, 9003, P | A, "xy");
	seg(&s, 0, 9003, 5002, P | A, "def");
	trace_finish(s.t);
	const struct trace_tcp *c = &s.t->tcp[0];
	CHECK(!c->handshake);
	CHECK_INT(c->a.port, 9000); /* the first sender is taken as the client */
	CHECK(stream_is(&c->d[0], "abcdef"));
	CHECK(stream_is(&c->d[1], "xy"));
	CHECK_INT(s.t->frames[2].rel_seq, 4);
	CHECK_INT(s.t->frames[1].rel_ack, 4);
	trace_free(s.t);
}

static void test_udp(void)
{
	struct trace *t = trace_new(DLT_RAW);
	unsigned char buf[256];
	const char *msgs[] = {"one", "two", "three"};
	for (int i = 0; i < 3; i++) {
		size_t n = synth_udp(buf, sizeof buf, "::1", 5000, "::1", 9000, msgs[i], strlen(msgs[i]));
		CHECK(trace_add(t, 1000 * i, buf, n, n) == 0);
		n = synth_udp(buf, sizeof buf, "::1", 9000, "::1", 5000, msgs[i], strlen(msgs[i]));
		CHECK(trace_add(t, 1000 * i + 10, buf, n, n) == 0);
	}
	size_t n = synth_udp(buf, sizeof buf, "::1", 9001, "::1", 5000, "x", 1);
	CHECK(trace_add(t, 5000, buf, n, n) == 0);
	trace_finish(t);
	CHECK_INT(t->nudp, 2);
	CHECK_INT(t->udp[0].nframes, 6);
	CHECK_INT(t->udp[0].packets[0], 3);
	CHECK_INT(t->udp[0].packets[1], 3);
	CHECK_INT(t->udp[0].bytes[0], 11);
	CHECK_INT(t->udp[1].a.port, 9001);
	CHECK_INT(t->frames[6].proto, TRACE_UDP);
	CHECK_INT(t->frames[6].flow, 1);
	CHECK_INT(t->frames[1].dir, 1);
	char s[64];
	trace_endpoint_str(&t->udp[0].a, s, sizeof s);
	CHECK_STR(s, "[::1]:5000");
	trace_free(t);
}

static void test_sockaddr(void)
{
	struct sockaddr_storage ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	struct trace_endpoint e;
	char buf[64];
	memset(&ss, 0, sizeof ss);
	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(9000);
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &s6->sin6_addr);
	CHECK(trace_endpoint_from_sockaddr(&e, &ss) == 0);
	trace_endpoint_str(&e, buf, sizeof buf);
	CHECK_STR(buf, "127.0.0.1:9000");
	ss.ss_family = AF_UNIX;
	CHECK(trace_endpoint_from_sockaddr(&e, &ss) == -1);
}

static void test_files(void)
{
	char err[256];
	struct trace *t = trace_load("tests/pcap/echo.pcap", err, sizeof err);
	CHECK(t != NULL);
	if (t) {
		CHECK_INT(t->dlt, DLT_EN10MB);
		CHECK_INT(t->nframes, 12);
		CHECK_INT(t->ntcp, 1);
		CHECK(t->tcp[0].handshake);
		CHECK(stream_is(&t->tcp[0].d[0], "hello\nworld\n"));
		CHECK(stream_is(&t->tcp[0].d[1], "hello\nworld\n"));
		CHECK_INT(t->tcp[0].first_close_dir, 0);
		CHECK_STR(t->file_error, "");
		CHECK(trace_frame(t, 12) && !trace_frame(t, 13) && !trace_frame(t, 0));
		trace_free(t);
	}
	/* every link type variant tells the same story */
	const char *same[] = {"tests/pcap/echo-raw.pcap", "tests/pcap/echo6-sll2.pcap", "tests/pcap/echo6-loop.pcap",
			      "tests/pcap/echo6.pcap"};
	for (size_t i = 0; i < 4; i++) {
		t = trace_load(same[i], err, sizeof err);
		CHECK(t && t->ntcp == 1 && t->decode_errors == 0 && stream_is(&t->tcp[0].d[1], "hello\nworld\n"));
		trace_free(t);
	}
	t = trace_load("tests/pcap/udp-retrans.pcapng", err, sizeof err);
	CHECK(t && t->nudp == 1 && t->nframes == 3);
	trace_free(t);
	t = trace_load("tests/pcap/trunc-record.pcap", err, sizeof err);
	CHECK(t && t->nframes == 4 && strstr(t->file_error, "after frame 4") != NULL);
	trace_free(t);
	CHECK(trace_load("tests/pcap/garbage.pcap", err, sizeof err) == NULL);
	CHECK_STR(err, "unknown file format");
	CHECK(trace_load("tests/pcap/no-such-file.pcap", err, sizeof err) == NULL);
	CHECK_STR(err, "No such file or directory");
}

int main(void)
{
	test_normal();
	test_retransmission_and_overlap();
	test_out_of_order_and_holes();
	test_cut_by_snaplen();
	test_fin_then_data_and_rst();
	test_rst_after_close();
	test_reuse_and_midstream();
	test_udp();
	test_sockaddr();
	test_files();
	return unit_summary();
}
