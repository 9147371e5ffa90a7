/* run_expect.c: judges `expect NAME ...` on harness endpoints and explains every mismatch. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "run_ctx.h"
#include "scenario_data.h"

#define DUMP_ROWS 4
#define DETAIL_MAX 4096

struct want {
	struct run_conn *cn;
	const struct scenario_expect *e;
	const unsigned char *exp;
	size_t explen;
	size_t checked; /* bytes of exp already found equal from checked_at: each wake-up compares only what */
	size_t checked_at; /* arrived since (the stream's read offset then) */
	char rx_err[256]; /* LINE, MATCH: why a search hit a limit (then the verdict is error) */
};

static size_t unread(const struct run_conn *cn)
{
	return cn->rx.len - cn->consumed;
}

/* The first unread byte (never NULL + offset: an empty buffer has no storage yet). */
static const unsigned char *unread_at(const struct run_conn *cn)
{
	static const unsigned char none[1];
	return cn->rx.p ? cn->rx.p + cn->consumed : none;
}

/* Fills expected/actual with previews and hex dumps around the first difference. */
static void explain_bytes(struct run_ctx *c, const unsigned char *exp, size_t explen, const unsigned char *got,
			  size_t gotlen, size_t base)
{
	size_t diff = bytes_first_diff(exp, explen, got, gotlen);
	size_t from = diff > 16 ? (diff - 16) & ~(size_t)15 : 0;
	char *e = calloc(1, DETAIL_MAX), *a = calloc(1, DETAIL_MAX);
	if (!e || !a) {
		free(e);
		free(a);
		return;
	}
	char pe[320], pa[320];
	bytes_preview(exp, explen, 48, pe, sizeof pe);
	bytes_preview(got, gotlen, 48, pa, sizeof pa);
	snprintf(e, DETAIL_MAX, "%zu bytes %s\n", explen, pe);
	snprintf(a, DETAIL_MAX, "%zu bytes %s\n", gotlen, pa);
	if (!bytes_is_text(exp, explen) || !bytes_is_text(got, gotlen) || explen > 48 || gotlen > 48) {
		if (from < explen)
			bytes_hexdump(exp + from, explen - from, base + from, DUMP_ROWS, e, DETAIL_MAX);
		if (from < gotlen)
			bytes_hexdump(got + from, gotlen - from, base + from, DUMP_ROWS, a, DETAIL_MAX);
	}
	size_t el = strlen(e), al = strlen(a);
	if (el && e[el - 1] == '\n')
		e[el - 1] = '\0';
	if (al && a[al - 1] == '\n')
		a[al - 1] = '\0';
	run_detail(&c->r->expected, "%s", e);
	run_detail(&c->r->actual, "%s", a);
	free(e);
	free(a);
}

static const char *end_reason(const struct run_conn *cn)
{
	if (cn->reset)
		return "the connection was reset";
	if (cn->rd_errno)
		return strerror(cn->rd_errno);
	if (cn->eof)
		return cn->kind == RUN_CONN_STREAM_IN ? "the program closed the stream" : "the program closed (FIN)";
	return NULL;
}

/* ---- streams (TCP and the program's stdout/stderr) ---- */

static int bytes_ready(struct run_ctx *c, void *arg)
{
	(void)c;
	struct want *w = arg;
	size_t have = unread(w->cn);
	const unsigned char *got = unread_at(w->cn);
	size_t n = have < w->explen ? have : w->explen;
	if (w->checked_at != w->cn->consumed) {
		w->checked = 0;
		w->checked_at = w->cn->consumed;
	}
	if (n > w->checked && memcmp(got + w->checked, w->exp + w->checked, n - w->checked) != 0)
		return 1;
	w->checked = n;
	return have >= w->explen || w->cn->eof || w->cn->reset;
}

static enum run_status expect_bytes(struct run_ctx *c, struct want *w, double within, const char *what)
{
	struct run_conn *cn = w->cn;
	int r = run_wait(c, run_now() + within, bytes_ready, w);
	if (r == -1)
		return RUN_TIMEOUT;
	if (r == -2)
		return RUN_ERROR;
	size_t have = unread(cn);
	const unsigned char *got = unread_at(cn);
	size_t n = have < w->explen ? have : w->explen;
	if (have >= w->explen && memcmp(got, w->exp, w->explen) == 0) {
		cn->consumed += w->explen;
		return RUN_OK;
	}
	explain_bytes(c, w->exp, w->explen, got, n, cn->consumed);
	size_t diff = bytes_first_diff(w->exp, w->explen, got, n);
	if (diff < n)
		return run_fail(c, RUN_FAIL,
				"expect %s %s: the stream differs at offset %zu: expected 0x%02x, got 0x%02x",
				cn->name, what, cn->consumed + diff, w->exp[diff], got[diff]);
	const char *why = end_reason(cn);
	if (why)
		return run_fail(c, RUN_FAIL, "expect %s %s: got %zu of %zu bytes, then %s", cn->name, what, have,
				w->explen, why);
	return run_fail(c, RUN_FAIL, "expect %s %s: got %zu of %zu bytes, then nothing more within %.2fs", cn->name,
			what, have, w->explen, within);
}

static void transform(unsigned char *out, const unsigned char *p, size_t n, int upper)
{
	for (size_t i = 0; i < n; i++)
		out[i] = upper && p[i] >= 'a' && p[i] <= 'z' ? (unsigned char)(p[i] - 32) : p[i];
}

/* Searches data for the expectation's regex: 1 match (*eo: where it ends), 0 none, -1 a limit was hit (the
 * reason is in w->rx_err). */
static int search(struct want *w, const unsigned char *p, size_t n, size_t *eo)
{
	size_t so, end = 0;
	int r = pregex_search(w->e->regex, p, n, &so, &end, w->rx_err, sizeof w->rx_err);
	if (eo)
		*eo = end;
	return r;
}

/* A regex that hit a matching limit cannot judge the program: the case's regex is at fault, not the program. */
static enum run_status regex_limit(struct run_ctx *c, struct want *w, const char *what)
{
	run_detail(&c->r->expected, "data matching /%s/", w->e->regex_src);
	run_detail(&c->r->actual, "no verdict: matching stopped at a limit");
	return run_fail(c, RUN_ERROR, "expect %s %s /%s/: the regex cannot be judged: %s", w->cn->name, what,
			w->e->regex_src, w->rx_err);
}

static int line_ready(struct run_ctx *c, void *arg)
{
	(void)c;
	struct run_conn *cn = ((struct want *)arg)->cn;
	return memchr(unread_at(cn), '\n', unread(cn)) || cn->eof || cn->reset;
}

static int match_ready(struct run_ctx *c, void *arg)
{
	(void)c;
	struct want *w = arg;
	struct run_conn *cn = w->cn;
	/* A match, or a limit hit (expect_pattern reports it): either way, waiting longer decides nothing. */
	if (unread(cn) && search(w, unread_at(cn), unread(cn), NULL) != 0)
		return 1;
	return cn->eof || cn->reset;
}

static enum run_status expect_pattern(struct run_ctx *c, struct want *w, double within)
{
	struct run_conn *cn = w->cn;
	int line = w->e->kind == SCENARIO_EXPECT_LINE;
	int r = run_wait(c, run_now() + within, line ? line_ready : match_ready, w);
	if (r == -1)
		return RUN_TIMEOUT;
	if (r == -2)
		return RUN_ERROR;
	const unsigned char *got = unread_at(cn);
	size_t have = unread(cn);
	char pa[200];
	if (line) {
		const unsigned char *nl = memchr(got, '\n', have);
		if (nl) {
			size_t len = (size_t)(nl - got);
			int m = search(w, got, len, NULL);
			if (m < 0)
				return regex_limit(c, w, "line");
			if (m == 1) {
				cn->consumed += len + 1;
				return RUN_OK;
			}
			bytes_preview(got, len + 1, 120, pa, sizeof pa);
			run_detail(&c->r->expected, "a line matching /%s/", w->e->regex_src);
			run_detail(&c->r->actual, "the line %s", pa);
			return run_fail(c, RUN_FAIL, "expect %s line: the next line does not match /%s/", cn->name,
					w->e->regex_src);
		}
	} else {
		size_t eo = 0;
		int m = have ? search(w, got, have, &eo) : 0;
		if (m < 0)
			return regex_limit(c, w, "match");
		if (m == 1) {
			cn->consumed += eo;
			return RUN_OK;
		}
	}
	bytes_preview(got, have, 120, pa, sizeof pa);
	run_detail(&c->r->expected, "%s /%s/", line ? "a complete line matching" : "data matching",
		   w->e->regex_src);
	run_detail(&c->r->actual, "%zu unread bytes %s", have, pa);
	const char *why = end_reason(cn);
	return run_fail(c, RUN_FAIL, "expect %s %s /%s/: %s", cn->name, line ? "line" : "match", w->e->regex_src,
			why ? why : "not seen within the deadline");
}

static int end_ready(struct run_ctx *c, void *arg)
{
	(void)c;
	struct run_conn *cn = ((struct want *)arg)->cn;
	return cn->eof || cn->reset || unread(cn) > 0;
}

static enum run_status expect_end(struct run_ctx *c, struct want *w, double within)
{
	struct run_conn *cn = w->cn;
	int want_reset = w->e->kind == SCENARIO_EXPECT_RESET, either = w->e->kind == SCENARIO_EXPECT_CLOSED;
	const char *kw = either ? "closed" : want_reset ? "reset" : "eof";
	const char *what = either ? "a close (FIN or RST)" : want_reset ? "a reset (RST)" : "EOF (the program's FIN)";
	int r = run_wait(c, run_now() + within, end_ready, w);
	if (r == -1)
		return RUN_TIMEOUT;
	if (r == -2)
		return RUN_ERROR;
	if (unread(cn) > 0) {
		char pa[200];
		bytes_preview(unread_at(cn), unread(cn), 64, pa, sizeof pa);
		run_detail(&c->r->expected, "%s with no more data", what);
		run_detail(&c->r->actual, "%zu more bytes %s", unread(cn), pa);
		char dump[DETAIL_MAX] = "";
		bytes_hexdump(unread_at(cn), unread(cn), cn->consumed, DUMP_ROWS, dump, sizeof dump);
		run_detail(&c->r->actual, "%s", dump);
		return run_fail(c, RUN_FAIL, "expect %s %s: %zu unexpected bytes arrived first, starting at offset %zu",
				cn->name, kw, unread(cn), cn->consumed);
	}
	if (either ? (cn->eof || cn->reset) : want_reset ? cn->reset : (cn->eof && !cn->reset))
		return RUN_OK;
	if (cn->kind == RUN_CONN_STREAM_IN && !want_reset) {
		/* A pipe, not a connection: it ends when every process holding it closes it or exits. */
		run_detail(&c->r->expected, "the end of the program's %s (it closes it, or exits)", cn->name);
		run_detail(&c->r->actual, "%s was still open after %.2fs", cn->name, within);
		return run_fail(c, RUN_FAIL, "expect %s %s: the program's %s was still open after %.2fs (is the "
				"program, or a process it started, still running?)", cn->name, kw, cn->name, within);
	}
	run_detail(&c->r->expected, "%s", what);
	run_detail(&c->r->actual, "%s", cn->reset ? "a reset (RST)" : cn->eof ? "EOF" : "the connection stayed open");
	return run_fail(c, RUN_FAIL, "expect %s %s: %s", cn->name, kw,
			cn->reset  ? "the connection was reset instead"
			: cn->eof ? "the program closed gracefully instead"
				  : "nothing happened within the deadline");
}

static int got_any(struct run_ctx *c, void *arg)
{
	(void)c;
	struct run_conn *cn = ((struct want *)arg)->cn;
	return cn->kind == RUN_CONN_UDP ? cn->nin > cn->in_next : unread(cn) > 0;
}

static enum run_status expect_silence(struct run_ctx *c, struct want *w, double span)
{
	struct run_conn *cn = w->cn;
	int r = run_wait(c, run_now() + span, got_any, w);
	if (r == -1)
		return RUN_TIMEOUT;
	if (r == -2)
		return RUN_ERROR;
	if (r == 0)
		return RUN_OK;
	const unsigned char *p = cn->kind == RUN_CONN_UDP ? cn->in[cn->in_next].p : unread_at(cn);
	size_t n = cn->kind == RUN_CONN_UDP ? cn->in[cn->in_next].len : unread(cn);
	char pa[200];
	bytes_preview(p, n, 64, pa, sizeof pa);
	run_detail(&c->r->expected, "nothing for %.2fs", span);
	run_detail(&c->r->actual, "%zu bytes %s", n, pa);
	return run_fail(c, RUN_FAIL, "expect %s silence: data arrived: %s", cn->name, pa);
}

/* ---- UDP: one datagram per expectation ---- */

/* The hint TCP gives on a refused connection, for UDP: requests went to another loopback address than
 * 127.0.0.1/::1, none was ever answered, yet the program has a UDP socket on that port. */
static const char *bind_all_hint(const struct run_conn *cn)
{
	int other = 0;
	if (cn->peer.ss_family == AF_INET)
		other = ((const struct sockaddr_in *)&cn->peer)->sin_addr.s_addr != htonl(INADDR_LOOPBACK);
	else if (cn->peer.ss_family == AF_INET6)
		other = !IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)&cn->peer)->sin6_addr);
	char err[SANDBOX_ERRBUF_SIZE];
	if (!other || cn->nin > 0 || sandbox_port_bound(run_addr_port(&cn->peer), "udp", err) != 1)
		return "";
	return " (does the program bind all interfaces, not only 127.0.0.1?)";
}

static enum run_status expect_dgram(struct run_ctx *c, struct want *w, double within, const char *what)
{
	struct run_conn *cn = w->cn;
	int gone;
	int r = run_wait_program(c, run_now() + within, got_any, w, &gone);
	if (r == -1)
		return RUN_TIMEOUT;
	if (r == -2)
		return RUN_ERROR;
	if (r == 0) {
		run_detail(&c->r->expected, "a datagram of %zu bytes", w->explen);
		if (gone >= 0) {
			char step[160];
			snprintf(step, sizeof step, "expect %s %s", cn->name, what);
			return run_program_gone_fail(c, gone, step, "sending a datagram");
		}
		run_detail(&c->r->actual, "no datagram within %.2fs", within);
		return run_fail(c, RUN_FAIL, "expect %s %s: no datagram arrived within %.2fs%s", cn->name, what, within,
				bind_all_hint(cn));
	}
	struct run_dgram *d = &cn->in[cn->in_next++];
	char from[160], want_from[160];
	run_addr_text(&d->from, from, sizeof from);
	if (cn->peer.ss_family == AF_UNIX) {
		if (d->from.ss_family != AF_UNIX) /* an unbound AF_UNIX sender: recvfrom() gives no address at all */
			snprintf(from, sizeof from, "an unbound socket (no path)");
		/* The program bound its own view of the path, so that is what its datagrams come from. */
		snprintf(want_from, sizeof want_from, "%s", c->unix_prog_path ? c->unix_prog_path : "");
		if (strcmp(from, want_from) != 0) {
			run_detail(&c->r->expected, "the reply from %s (the path the request went to)", want_from);
			run_detail(&c->r->actual, "a datagram from %s", from);
			return run_fail(c, RUN_FAIL, "expect %s %s: the reply came from %s, not from the server's path %s "
					"(reply with sendto() on the socket bound to it)", cn->name, what, from, want_from);
		}
	} else if (cn->peer.ss_family && run_addr_port(&d->from) != run_addr_port(&cn->peer)) {
		run_addr_text(&cn->peer, want_from, sizeof want_from);
		run_detail(&c->r->expected, "the reply from %s (the socket the request went to)", want_from);
		run_detail(&c->r->actual, "a datagram from %s", from);
		return run_fail(c, RUN_FAIL, "expect %s %s: the reply came from port %d, not from port %d",
				cn->name, what, run_addr_port(&d->from), run_addr_port(&cn->peer));
	}
	cn->last_from = d->from;
	cn->has_last_from = !cn->peer.ss_family;
	if (w->e->kind == SCENARIO_EXPECT_LINE || w->e->kind == SCENARIO_EXPECT_MATCH) {
		int m = search(w, d->p, d->len, NULL);
		if (m < 0)
			return regex_limit(c, w, w->e->kind == SCENARIO_EXPECT_LINE ? "line" : "match");
		if (m == 1)
			return RUN_OK;
		char pa[200];
		bytes_preview(d->p, d->len, 120, pa, sizeof pa);
		run_detail(&c->r->expected, "a datagram matching /%s/", w->e->regex_src);
		run_detail(&c->r->actual, "%s from %s", pa, from);
		return run_fail(c, RUN_FAIL, "expect %s: datagram %zu does not match /%s/", cn->name, cn->in_next,
				w->e->regex_src);
	}
	if (d->len == w->explen && memcmp(d->p, w->exp, w->explen) == 0)
		return RUN_OK;
	explain_bytes(c, w->exp, w->explen, d->p, d->len, 0);
	if (d->len != w->explen)
		return run_fail(c, RUN_FAIL, "expect %s %s: datagram %zu has %zu bytes, expected %zu", cn->name, what,
				cn->in_next, d->len, w->explen);
	size_t diff = bytes_first_diff(w->exp, w->explen, d->p, d->len);
	return run_fail(c, RUN_FAIL, "expect %s %s: datagram %zu differs at offset %zu: expected 0x%02x, got 0x%02x",
			cn->name, what, cn->in_next, diff, w->exp[diff], d->p[diff]);
}

static enum run_status expect_transformed(struct run_ctx *c, struct want *w, double within, int upper)
{
	struct run_conn *cn = w->cn;
	const char *what = upper ? "upper" : "echo";
	size_t off = cn->echo_mark, n = cn->sent.len - cn->echo_mark;
	if (cn->kind == RUN_CONN_UDP) {
		if (cn->echo_dgram >= cn->nsent_dgrams)
			return run_fail(c, RUN_ERROR, "expect %s %s: no datagram sent that awaits a reply", cn->name,
					what);
		off = 0;
		for (size_t i = 0; i < cn->echo_dgram; i++)
			off += cn->sent_lens[i];
		n = cn->sent_lens[cn->echo_dgram];
	}
	/* Bytes queued by `send ... nowait` count as sent: they are written while we wait. */
	size_t queued = cn->kind == RUN_CONN_UDP ? 0 : cn->out.len - cn->out_off;
	/* An echo of bytes that are all sent is compared in place: nothing appends to `sent` meanwhile. Not an
	 * empty one: `sent` may have no storage then (NULL + 0, UBSan). */
	int in_place = n && !upper && !queued && !cn->echo_window && cn->kind != RUN_CONN_UDP;
	unsigned char *exp = in_place ? NULL : malloc(n + queued + 1);
	if (!in_place && !exp)
		return run_fail(c, RUN_ERROR, "harness: out of memory");
	if (!in_place) {
		if (n) /* an empty buffer may have no storage: no NULL + offset (UBSan) */
			transform(exp, cn->sent.p + off, n, upper);
		if (queued)
			transform(exp + n, cn->out.p + cn->out_off, queued, upper);
	}
	n += queued;
	w->exp = in_place ? cn->sent.p + off : exp;
	w->explen = n;
	enum run_status s;
	if (cn->kind == RUN_CONN_UDP) {
		s = expect_dgram(c, w, within, what);
		cn->echo_dgram++;
	} else {
		s = expect_bytes(c, w, within, what);
		cn->echo_mark = off + n;
	}
	free(exp);
	return s;
}

enum run_status run_step_expect(struct run_ctx *c, const struct scenario_step *st, const char *name)
{
	const struct scenario_expect *e = &st->u.expect;
	if (strcmp(name, "server") == 0 || strcmp(name, "client") == 0)
		return run_expect_program(c, st);
	struct run_conn *cn = run_conn_find(c, name);
	if (!cn || cn->kind == RUN_CONN_LISTEN_TCP || cn->kind == RUN_CONN_STREAM_OUT)
		return run_fail(c, RUN_ERROR, "expect: '%s' is not a connection or stream", name);
	struct want w = {.cn = cn, .e = e};
	double within = run_scaled(c, e->within, RUN_DEFAULT_EXPECT);
	enum run_status s = RUN_OK;
	switch (e->kind) {
	case SCENARIO_EXPECT_BYTES: {
		unsigned char *data;
		size_t len;
		char err[256];
		if (scenario_data_render(&e->data, c->seed, c->iteration, &data, &len, err, sizeof err) != 0)
			return run_fail(c, RUN_ERROR, "expect %s: %s", name, err);
		w.exp = data;
		w.explen = len;
		s = cn->kind == RUN_CONN_UDP ? expect_dgram(c, &w, within, "bytes") : expect_bytes(c, &w, within, "bytes");
		free(data);
		return s;
	}
	case SCENARIO_EXPECT_ECHO:
	case SCENARIO_EXPECT_UPPER:
		return expect_transformed(c, &w, within, e->kind == SCENARIO_EXPECT_UPPER);
	case SCENARIO_EXPECT_LINE:
	case SCENARIO_EXPECT_MATCH:
		return cn->kind == RUN_CONN_UDP ? expect_dgram(c, &w, within, "line") : expect_pattern(c, &w, within);
	case SCENARIO_EXPECT_SILENCE:
		return expect_silence(c, &w, run_scaled(c, e->within, RUN_DEFAULT_EXPECT));
	case SCENARIO_EXPECT_EOF:
	case SCENARIO_EXPECT_RESET:
	case SCENARIO_EXPECT_CLOSED:
		if (cn->kind == RUN_CONN_UDP)
			return run_fail(c, RUN_ERROR, "expect %s: UDP has no %s", name,
					e->kind == SCENARIO_EXPECT_EOF ? "EOF" : e->kind == SCENARIO_EXPECT_RESET ? "reset" : "close");
		return expect_end(c, &w, within);
	case SCENARIO_EXPECT_RUNNING:
	case SCENARIO_EXPECT_EXIT:
	case SCENARIO_EXPECT_METRIC:
	case SCENARIO_EXPECT_ACCEPTED:
	case SCENARIO_EXPECT_IDLE:
	case SCENARIO_EXPECT_SYN:
	case SCENARIO_EXPECT_UNLINKED:
		return run_fail(c, RUN_ERROR, "expect %s: only 'server' or 'client' can be checked that way", name);
	}
	return s;
}
