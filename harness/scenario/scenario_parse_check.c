/* scenario_parse_check.c: checks that span a statement and what came before it: a placeholder the program
 * would get twice, an assertion or expectation of the wrong transport, a misspelt wire assertion. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "scenario_parse.h"
#include "scenario_parse_internal.h"
#include "wire.h"

int sp_check_doubled(struct sparser *p, const struct scenario_tok *kw, const char *cmd, int col)
{
	const char *prog = strstr(cmd, "{server}") ? "{server}" : strstr(cmd, "{client}") ? "{client}" : NULL;
	const char *role = prog && prog[1] == 's' ? "server" : "client";
	for (const char *c = strchr(cmd, '{'); c; c = strchr(c + 1, '{')) {
		if (strncmp(c, "{port}", 6) != 0 && strncmp(c, "{host}", 6) != 0 && strncmp(c, "{path}", 6) != 0)
			continue;
		char ph[7];
		memcpy(ph, c, 6);
		ph[6] = '\0';
		if (strstr(cmd, ph) != c)
			return sp_error(p, kw->line, col + (int)(c - cmd),
					"%s: %.6s appears twice: the program would get it twice (write it once)", p->stmt, c);
		if (prog)
			return sp_error(p, kw->line, col + (int)(c - cmd),
					"%s: %.6s is doubled: %s already stands for a whole command with its %.6s (such as "
					"--%s 'python3 %s.py %s'); write '%s %s' without it",
					p->stmt, c, prog, c, role, role,
					strncmp(c, "{path}", 6) == 0 ? "{path}" : prog[1] == 's' ? "{port}" : "{host} {port}", p->stmt,
					prog);
	}
	return 0;
}

int sp_check_wire_name(struct sparser *p, const struct scenario_tok *a)
{
	const char *names[32];
	size_t n = 0;
	for (const char *w; n < 32 && (w = wire_assertion_name(n)); n++) {
		if (strcmp(w, a->text) == 0)
			return 0;
		names[n] = w;
	}
	const char *near = sp_closest(a->text, names, n);
	char b[64];
	if (near)
		return sp_error_at(p, a, "wire: unknown assertion '%s'; did you mean '%s'?", sp_show(p, a, b, sizeof b),
				   near);
	return 0;
}

int sp_check_wire_transport(struct sparser *p, const char *target, const struct scenario_tok *a)
{
	const struct spname *nm = sp_find_name(p, target);
	if (!nm || wire_assertion_fits(a->text, nm->udp))
		return 0;
	char fits[256] = "";
	for (size_t i = 0, used = 0; wire_assertion_name(i); i++)
		if (wire_assertion_fits(wire_assertion_name(i), nm->udp) && used < sizeof fits)
			used += (size_t)snprintf(fits + used, sizeof fits - used, "%s%s", used ? ", " : "",
						 wire_assertion_name(i));
	return sp_error_at(p, a, "wire: '%s' judges %s only, but '%s' is a %s %s (for %s use %s)", a->text,
			   nm->udp ? "TCP" : "UDP", target, nm->udp ? "UDP" : "TCP",
			   nm->kind == SPNAME_RELAY ? "relay" : "socket", nm->udp ? "UDP" : "TCP", fits);
}

int sp_check_stream_end(struct sparser *p, const char *target, const struct scenario_tok *t, int reset)
{
	const struct spname *nm = sp_find_name(p, target);
	if (!nm || !nm->udp)
		return 0;
	return sp_error_at(p, t, "expect: '%s' does not apply to UDP socket '%s': datagrams have no %s (use "
			   "'silence D' to check that nothing more arrives)", reset ? "reset" : "eof", target,
			   reset ? "reset" : "end of stream (FIN)");
}
