/* inspect_timeline.c: reads the runner's timeline JSON (which scenario step ran when) for inspect. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect.h"

static int by_time(const void *x, const void *y)
{
	const struct inspect_step *a = x, *b = y;
	if (a->t_us != b->t_us)
		return a->t_us < b->t_us ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

/* The optional "program_port", "sockets" [{port, udp}] and "relays" [{listen, to, udp}]. -1: out of memory. */
static int load_ports(json_t *a, const char *port_key, int relay, struct inspect_port **out, size_t *n)
{
	size_t k = json_array_size(a);
	*out = calloc(k ? k : 1, sizeof **out);
	if (!*out)
		return -1;
	for (size_t i = 0; i < k; i++) {
		json_t *e = json_array_get(a, i), *port = json_object_get(e, port_key);
		if (!json_is_integer(port))
			continue;
		struct inspect_port *p = &(*out)[(*n)++];
		p->port = (int)json_integer_value(port);
		p->udp = json_is_true(json_object_get(e, "udp"));
		p->relay_to = relay ? (int)json_integer_value(json_object_get(e, "to")) : 0;
		const char *name = json_string_value(json_object_get(e, "name"));
		snprintf(p->name, sizeof p->name, "%s", name ? name : "");
	}
	return 0;
}

static int load_roles(json_t *root, struct inspect_timeline *tl)
{
	json_t *pp = json_object_get(root, "program_port");
	json_t *socks = json_object_get(root, "sockets"), *relays = json_object_get(root, "relays");
	if (!json_is_integer(pp) || !json_is_array(socks))
		return 0;
	tl->roles = 1;
	tl->program_port = (int)json_integer_value(pp);
	if (load_ports(socks, "port", 0, &tl->harness, &tl->nharness) < 0 ||
	    load_ports(relays, "listen", 1, &tl->relays, &tl->nrelays) < 0)
		return -1;
	return 0;
}

int inspect_timeline_load(const char *path, struct inspect_timeline *tl, char *err, size_t errlen)
{
	json_error_t je;
	memset(tl, 0, sizeof *tl);
	json_t *root = json_load_file(path, 0, &je);
	if (!root) {
		if (je.line > 0)
			snprintf(err, errlen, "not a JSON timeline (line %d: %s)", je.line, je.text);
		else
			snprintf(err, errlen, "%s", je.text);
		return -1;
	}
	const char *why = NULL;
	json_t *steps = json_object_get(root, "steps");
	json_t *version = json_object_get(root, "version");
	if (!json_is_object(root))
		why = "not a JSON object";
	else if (!json_is_integer(version) || json_integer_value(version) != 1)
		why = "not a version 1 timeline";
	else if (!json_is_array(steps))
		why = "no \"steps\" array";
	if (why) {
		snprintf(err, errlen, "%s", why);
		json_decref(root);
		return -1;
	}
	const char *s = json_string_value(json_object_get(root, "case"));
	tl->case_name = strdup(s ? s : "");
	s = json_string_value(json_object_get(root, "file"));
	tl->file = strdup(s ? s : "");
	json_t *faults = json_object_get(root, "faults"); /* optional: the relay's decisions */
	size_t nsteps = json_array_size(steps), n = nsteps + json_array_size(faults);
	tl->steps = calloc(n ? n : 1, sizeof *tl->steps);
	if (!tl->case_name || !tl->file || !tl->steps) {
		snprintf(err, errlen, "out of memory");
		json_decref(root);
		inspect_timeline_free(tl);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		int fault = i >= nsteps;
		json_t *st = fault ? json_array_get(faults, i - nsteps) : json_array_get(steps, i);
		json_t *t = json_object_get(st, "t"), *line = json_object_get(st, "line");
		json_t *text = json_object_get(st, "text");
		if (!json_is_number(t) || (!fault && !json_is_integer(line)) || !json_is_string(text) ||
		    !isfinite(json_number_value(t)) || fabs(json_number_value(t)) > 9e12) {
			snprintf(err, errlen, "%s %zu: needs \"t\" (seconds), %s\"text\"", fault ? "fault" : "step",
				 fault ? i - nsteps + 1 : i + 1, fault ? "" : "\"line\" and ");
			json_decref(root);
			inspect_timeline_free(tl);
			return -1;
		}
		struct inspect_step *o = &tl->steps[tl->nsteps++];
		o->t = json_number_value(t);
		o->t_us = llround(o->t * 1e6);
		o->line = fault ? -1 : (int)json_integer_value(line);
		o->text = strdup(json_string_value(text));
		if (!o->text) {
			snprintf(err, errlen, "out of memory");
			json_decref(root);
			inspect_timeline_free(tl);
			return -1;
		}
	}
	qsort(tl->steps, tl->nsteps, sizeof *tl->steps, by_time);
	if (load_roles(root, tl) < 0) {
		snprintf(err, errlen, "out of memory");
		json_decref(root);
		inspect_timeline_free(tl);
		return -1;
	}
	json_decref(root);
	return 0;
}

void inspect_timeline_free(struct inspect_timeline *tl)
{
	for (size_t i = 0; i < tl->nsteps; i++)
		free(tl->steps[i].text);
	free(tl->steps);
	free(tl->harness);
	free(tl->relays);
	free(tl->case_name);
	free(tl->file);
	memset(tl, 0, sizeof *tl);
}

long inspect_timeline_step_at(const struct inspect_timeline *tl, int64_t ts_us)
{
	size_t lo = 0, hi = tl ? tl->nsteps : 0;
	while (lo < hi) { /* first step later than ts_us */
		size_t mid = lo + (hi - lo) / 2;
		if (tl->steps[mid].t_us <= ts_us)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (long)lo - 1;
}

int inspect_parse_flow(const char *s, struct inspect_flow_ref *ref)
{
	ref->proto = TRACE_TCP;
	if (strncmp(s, "tcp", 3) == 0) {
		s += 3;
	} else if (strncmp(s, "udp", 3) == 0) {
		ref->proto = TRACE_UDP;
		s += 3;
	}
	if (*s < '1' || *s > '9')
		return -1;
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end || v > 1000000000ull)
		return -1;
	ref->number = (size_t)v;
	return 0;
}
