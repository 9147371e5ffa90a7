/* inspect_ladder_test.c: the ladder model from a real relay capture (lanes, names, faults) and bulk folding. */
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

#include "inspect.h"
#include "ladder.h"
#include "synth.h"
#include "unit.h"

UNIT_STATE;

static const struct ladder_row *nth(const struct ladder *l, enum ladder_kind kind, size_t n)
{
	for (size_t i = 0; i < l->nrows; i++)
		if (l->rows[i].kind == kind && n-- == 0)
			return &l->rows[i];
	return NULL;
}

/* udp-relay-drop.pcap: the client (program) -> relay :9000 -> harness srv :9001; the relay drops c2s #1. */
static void test_relay_roles(void)
{
	char err[256];
	struct trace *t = trace_load("tests/pcap/udp-relay-drop.pcap", err, sizeof err);
	struct inspect_timeline tl;
	CHECK(t != NULL);
	CHECK_INT(inspect_timeline_load("tests/pcap/udp-relay-drop-roles.timeline.json", &tl, err, sizeof err), 0);
	if (!t)
		return;
	CHECK_INT(tl.roles, 1);
	struct ladder l;
	CHECK_INT(inspect_ladder_build(t, &tl, 12, 1, &l, err, sizeof err), 0);
	CHECK_INT(l.roles_known, 1);
	CHECK(l.lanes[LADDER_HARNESS] && l.lanes[LADDER_RELAY] && l.lanes[LADDER_PROGRAM]);
	const struct ladder_row *p = nth(&l, LADDER_PACKET, 0), *q = nth(&l, LADDER_PACKET, 1);
	CHECK(p && p->from == LADDER_PROGRAM && p->to == LADDER_RELAY && strcmp(p->flow, "udp1") == 0);
	CHECK(q && q->from == LADDER_PROGRAM && q->to == LADDER_RELAY); /* the retransmission, after the drop */
	const struct ladder_row *fw = NULL;
	for (size_t i = 0; i < l.nrows; i++)
		if (l.rows[i].kind == LADDER_PACKET && l.rows[i].from == LADDER_RELAY && !fw)
			fw = &l.rows[i];
	CHECK(fw && fw->to == LADDER_HARNESS && strcmp(fw->who, "srv") == 0 && strcmp(fw->preview, "\"hello\"") == 0);
	const struct ladder_row *f = nth(&l, LADDER_FAULT, 0);
	CHECK(f && f->fault == LADDER_FAULT_DROP && f->from == LADDER_RELAY && f->to == LADDER_HARNESS);
	const struct ladder_row *s = nth(&l, LADDER_STEP, 0);
	CHECK(s && s->line == 6 && s->t < 0 && !s->failed);
	int failed = 0;
	for (size_t i = 0; i < l.nrows; i++)
		failed += l.rows[i].kind == LADDER_STEP && l.rows[i].failed && l.rows[i].line == 12;
	CHECK_INT(failed, 1);
	/* The steps after the last frame are kept, in order. */
	CHECK(l.rows[l.nrows - 1].kind == LADDER_STEP && strcmp(l.rows[l.nrows - 1].text, "wire all ports-only") == 0);
	CHECK_STR(l.case_file, "lost-request.case");
	/* The flows summed up: the program's conversation with the relay, the relay's with srv. */
	CHECK_INT(l.nflows, 2);
	if (l.nflows == 2) {
		CHECK(l.flows[0].udp && l.flows[0].lane[0] == LADDER_PROGRAM && l.flows[0].lane[1] == LADDER_RELAY);
		CHECK(l.flows[0].packets[0] == 2 && l.flows[0].bytes[0] == 10 && !l.flows[0].who[0]);
		CHECK(l.flows[1].lane[0] == LADDER_RELAY && l.flows[1].lane[1] == LADDER_HARNESS);
		CHECK_STR(l.flows[1].who, "srv");
	}
	ladder_free(&l);
	inspect_timeline_free(&tl);

	/* Without the roles (an older timeline): client side and server side, and no relay lane. */
	CHECK_INT(inspect_timeline_load("tests/pcap/udp-relay-drop.timeline.json", &tl, err, sizeof err), 0);
	CHECK_INT(tl.roles, 0);
	CHECK_INT(inspect_ladder_build(t, &tl, 0, 1, &l, err, sizeof err), 0);
	CHECK_INT(l.roles_known, 0);
	CHECK_STR(ladder_lane_name(&l, LADDER_HARNESS), "client side");
	p = nth(&l, LADDER_PACKET, 0);
	CHECK(p && p->from == LADDER_HARNESS && p->to == LADDER_PROGRAM && !p->who[0]);
	ladder_free(&l);
	inspect_timeline_free(&tl);
	trace_free(t);
}

static void seg(struct trace *t, int64_t *ts, int from_a, uint32_t seq, uint32_t ack, uint8_t flags, size_t len)
{
	unsigned char buf[2048], data[1024];
	memset(data, 'x', sizeof data);
	size_t n = synth_tcp(buf, sizeof buf, from_a ? "127.0.0.1" : "127.0.0.2", from_a ? 40000 : 9000,
			     from_a ? "127.0.0.2" : "127.0.0.1", from_a ? 9000 : 40000, seq, ack, flags, data, len);
	*ts += 1000;
	CHECK(n > 0 && trace_add(t, *ts, buf, n, n) == 0);
}

/* A handshake, 40 data segments each ACKed, a step in the middle, then FINs. */
static void test_fold(void)
{
	enum { S = DECODE_TCP_SYN, A = DECODE_TCP_ACK, F = DECODE_TCP_FIN, P = DECODE_TCP_PSH };
	struct trace *t = trace_new(DLT_RAW);
	int64_t ts = 1700000000000000;
	uint32_t a = 100, b = 5000;
	seg(t, &ts, 1, a++, 0, S, 0);
	seg(t, &ts, 0, b++, a, S | A, 0);
	seg(t, &ts, 1, a, b, A, 0);
	int64_t mid = 0;
	for (int i = 0; i < 40; i++) {
		seg(t, &ts, 1, a, b, P | A, 1000);
		a += 1000;
		seg(t, &ts, 0, b, a, A, 0);
		if (i == 19)
			mid = ts + 1;
	}
	seg(t, &ts, 1, a, b, F | A, 0);
	seg(t, &ts, 0, b, a + 1, F | A, 0);
	seg(t, &ts, 1, a + 1, b + 1, A, 0);
	trace_finish(t);
	struct inspect_step step = {mid, (double)mid / 1e6, 9, "expect c1 echo"};
	struct inspect_timeline tl = {.case_name = "c", .file = "x.case", .steps = &step, .nsteps = 1};
	struct ladder l;
	char err[64];
	CHECK_INT(inspect_ladder_build(t, &tl, 9, 0, &l, err, sizeof err), 0);
	CHECK_INT(l.nrows, 3 + 80 + 3 + 1); /* the terminal's ladder: every frame */
	ladder_free(&l);
	CHECK_INT(inspect_ladder_build(t, &tl, 9, 1, &l, err, sizeof err), 0);
	/* SYN, SYN-ACK | band (the handshake's ACK and data), ACK band | step | data band, ACK band | FIN, FIN,
	 * ACK */
	CHECK_INT(l.nrows, 2 + 2 + 1 + 2 + 3);
	CHECK_INT(l.collapsed, 81);
	const struct ladder_row *d = nth(&l, LADDER_BULK, 0), *k = nth(&l, LADDER_BULK, 1);
	CHECK(d && d->count == 21 && d->len == 20000 && d->frame == 3 && d->frame_last == 42 && d->dir == 0);
	CHECK(d && d->t_last > d->t && strncmp(d->preview, "\"xxxx", 5) == 0);
	CHECK(k && k->count == 20 && k->len == 0 && k->dir == 1 && k->frame == 5 && k->frame_last == 43);
	CHECK(l.rows[4].kind == LADDER_STEP && l.rows[4].failed);
	CHECK(l.rows[7].kind == LADDER_PACKET && (l.rows[7].marks & LADDER_FIN));
	CHECK_INT(l.nflows, 1);
	CHECK(l.nflows == 1 && l.flows[0].bytes[0] == 40000 && l.flows[0].packets[1] == 42);
	CHECK(l.nflows == 1 && strncmp(l.flows[0].ended, "FIN from client first", 21) == 0);
	ladder_free(&l);
	trace_free(t);
}

int main(void)
{
	test_relay_roles();
	test_fold();
	return unit_summary();
}
