/* scenario_parse_relay.c: the `relay ... end` block of a case file: its header line and fault lines. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "relay_fault.h"
#include "scenario_parse.h"
#include "scenario_parse_internal.h"

/* relay NAME udp|tcp listen PORT to PORT: opens a block of fault lines closed by `end`. */
int sp_relay(struct sparser *p, struct scenario_step *st)
{
	const struct scenario_tok *t, *kw = &p->toks.v[p->pos - 1];
	char b[64];
	if (p->depth > 0)
		return sp_error_at(p, kw, "relay: a relay cannot be inside a repeat block");
	if (p->s->family == SCENARIO_FAMILY_UNIX)
		return sp_error_at(p, kw, "relay: it relays TCP or UDP between ports, and a 'family unix' program is "
				   "on %s: no fault would reach it", SCENARIO_PATH);
	/* The name exists from here on, even if the rest of the line is wrong: no echo of this error where it
	 * is used. */
	if (sp_target(p, "a relay name", SPT_NEW, &st->target, &t) < 0 ||
	    sp_add_name(p, st->target, SPNAME_RELAY, 0) < 0)
		return -1;
	struct scenario_tok *proto = sp_take(p, "udp or tcp");
	if (!proto)
		return -1;
	if (sp_is_word(proto, "udp"))
		st->u.relay.udp = sp_find_name(p, st->target)->udp = 1;
	else if (!sp_is_word(proto, "tcp"))
		return sp_error_at(p, proto, "relay: expected udp or tcp, found '%s'", sp_show(p, proto, b, sizeof b));
	struct scenario_tok *w = sp_take(p, "'listen'");
	if (!w)
		return -1;
	if (!sp_is_word(w, "listen"))
		return sp_error_at(p, w, "relay: expected 'listen PORT', found '%s'", sp_show(p, w, b, sizeof b));
	if (sp_port_value(p, &st->u.relay.listen_port) < 0)
		return -1;
	if (!(w = sp_take(p, "'to'")))
		return -1;
	if (!sp_is_word(w, "to"))
		return sp_error_at(p, w, "relay: expected 'to PORT', found '%s'", sp_show(p, w, b, sizeof b));
	if (sp_port_value(p, &st->u.relay.to_port) < 0)
		return -1;
	if (st->u.relay.listen_port == st->u.relay.to_port)
		return sp_error_at(p, &p->toks.v[p->pos - 1], "relay: it cannot listen on the port it forwards to");
	/* `on ADDR`: the loopback address it listens on and forwards to (::1 for IPv6 programs). */
	if (!sp_at_end(p) && sp_is_word(sp_peek(p), "on")) {
		sp_next(p);
		if (sp_address(p, "an address", &st->u.relay.addr) < 0)
			return -1;
	}
	if (!st->u.relay.addr && !(st->u.relay.addr = strdup("127.0.0.1"))) {
		p->oom = 1;
		return -1;
	}
	return sp_expect_end(p);
}

/* The text of `line` from column `col` to the end of the line, without a # comment. Caller frees. */
static char *raw_rest(struct sparser *p, int line, int col)
{
	const char *s = p->text;
	for (int l = 1; l < line && s; l++) {
		s = strchr(s, '\n');
		if (s)
			s++;
	}
	if (!s)
		return strdup("");
	s += col - 1;
	size_t n = strcspn(s, "#\r\n");
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return strndup(s, n);
}

int sp_relay_line(struct sparser *p, const struct scenario_tok *kw)
{
	struct scenario_step *st = p->relay;
	if (sp_is_word(kw, "end")) {
		p->relay = NULL;
		int rc = sp_expect_end(p);
		if (p->relay_broken)
			sp_step_free(st);
		else if (sp_push_step(p, st) < 0)
			rc = -1;
		free(st);
		return rc;
	}
	if (p->relay_broken) /* its relay line was wrong: its faults cannot be judged against it */
		return 0;
	char *line = raw_rest(p, kw->line, kw->col);
	char **v = realloc(st->u.relay.faults, (st->u.relay.nfaults + 1) * sizeof *v);
	int *lv = realloc(st->u.relay.fault_lines, (st->u.relay.nfaults + 1) * sizeof *lv);
	if (v)
		st->u.relay.faults = v;
	if (lv)
		st->u.relay.fault_lines = lv;
	if (!line || !v || !lv) {
		free(line);
		p->oom = 1;
		return -1;
	}
	/* Check the fault now, so lint reports it with its position. */
	struct relay_faults *fs = relay_faults_new();
	char err[256];
	int rc = fs ? relay_faults_add_line(fs, line, st->u.relay.udp, err, sizeof err) : -1;
	relay_faults_free(fs);
	if (rc != 0) {
		free(line);
		const char *msg = strncmp(err, "fault 1: ", 9) == 0 ? err + 9 : err;
		return sp_error_at(p, kw, "relay: %s", fs ? msg : "out of memory");
	}
	st->u.relay.faults[st->u.relay.nfaults] = line;
	st->u.relay.fault_lines[st->u.relay.nfaults++] = kw->line;
	return 0;
}

void sp_relay_unclosed(struct sparser *p)
{
	if (!p->relay)
		return;
	sp_error(p, p->relay->line, p->relay->col, "relay: 'relay' without 'end'");
	sp_step_free(p->relay);
	free(p->relay);
	p->relay = NULL;
}
