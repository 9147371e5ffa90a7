/* inspect_json.c: the inspect report as JSON (flows, packets, steps, or one flow's stream). */
#include "inspect_json.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define PREVIEW_CHARS 32

static json_t *frame_or_null(uint32_t frame)
{
	return frame ? json_integer(frame) : json_null();
}

static json_t *endpoint(const struct trace_endpoint *e)
{
	char buf[80];
	trace_endpoint_str(e, buf, sizeof buf);
	return json_string(buf);
}

static json_t *hex(const unsigned char *p, size_t n)
{
	char *s = malloc(n * 2 + 1);
	if (!s)
		return json_null();
	for (size_t i = 0; i < n; i++)
		snprintf(s + 2 * i, 3, "%02x", p[i]);
	s[2 * n] = '\0';
	json_t *j = json_string(s);
	free(s);
	return j;
}

static json_t *tcp_dir(const struct trace_tcp_dir *d)
{
	return json_pack("{s:I,s:I,s:I,s:o,s:o,s:o,s:I,s:b}", "bytes", (json_int_t)d->wire_bytes, "packets",
			 (json_int_t)d->packets, "retransmissions", (json_int_t)d->retransmissions, "fin_frame",
			 frame_or_null(d->fin_frame), "rst_frame", frame_or_null(d->rst_frame),
			 "data_after_fin_frame", frame_or_null(d->data_after_fin_frame), "missing_bytes",
			 (json_int_t)d->missing, "cut_by_snaplen", d->cut);
}

static json_t *flows(const struct trace *t)
{
	json_t *arr = json_array();
	char ending[256];
	for (size_t i = 0; i < t->ntcp; i++) {
		const struct trace_tcp *c = &t->tcp[i];
		inspect_tcp_ending(c, ending, sizeof ending);
		json_t *retrans = json_array();
		for (size_t k = 0; k < c->nretrans; k++)
			json_array_append_new(retrans, json_pack("{s:i,s:o,s:s}", "frame", c->retrans[k].frame,
								 "original_frame",
								 frame_or_null(c->retrans[k].orig_frame), "from",
								 c->retrans[k].dir ? "server" : "client"));
		json_array_append_new(
			arr, json_pack("{s:s,s:I,s:o,s:o,s:i,s:i,s:b,s:[o,o,o],s:o,s:o,s:s,s:o,s:o,s:o}", "proto",
				       "tcp", "number", (json_int_t)c->number, "client", endpoint(&c->a), "server",
				       endpoint(&c->b), "first_frame", c->first_frame, "last_frame", c->last_frame,
				       "handshake", c->handshake, "handshake_frames", frame_or_null(c->syn_frame),
				       frame_or_null(c->synack_frame), frame_or_null(c->ack_frame), "client_to_server",
				       tcp_dir(&c->d[0]), "server_to_client", tcp_dir(&c->d[1]), "ended", ending,
				       "first_close",
				       c->first_close_dir < 0 ? json_null()
							      : json_string(c->first_close_dir ? "server" : "client"),
				       "first_close_frame", frame_or_null(c->first_close_frame), "retransmissions",
				       retrans));
	}
	for (size_t i = 0; i < t->nudp; i++) {
		const struct trace_udp *u = &t->udp[i];
		json_array_append_new(
			arr, json_pack("{s:s,s:I,s:o,s:o,s:i,s:i,s:{s:I,s:I},s:{s:I,s:I}}", "proto", "udp", "number",
				       (json_int_t)u->number, "client", endpoint(&u->a), "server", endpoint(&u->b),
				       "first_frame", u->first_frame, "last_frame", u->last_frame, "client_to_server",
				       "bytes", (json_int_t)u->bytes[0], "datagrams", (json_int_t)u->packets[0],
				       "server_to_client", "bytes", (json_int_t)u->bytes[1], "datagrams",
				       (json_int_t)u->packets[1]));
	}
	return arr;
}

static json_t *packet(const struct trace *t, const struct trace_frame *f, const struct inspect_timeline *tl)
{
	const struct decode_packet *p = &f->pkt;
	char buf[256];
	json_t *o = json_pack("{s:i,s:I,s:I,s:i,s:i}", "frame", f->number, "ts_us", (json_int_t)f->ts_us, "rel_us",
			      (json_int_t)trace_us_between(t->frames[0].ts_us, f->ts_us), "caplen", f->caplen, "len", f->len);
	if (tl) {
		long st = inspect_timeline_step_at(tl, f->ts_us);
		json_object_set_new(o, "step", st < 0 ? json_null() : json_integer(st));
	}
	if (f->error) {
		json_object_set_new(o, "error", json_string(f->error));
		return o;
	}
	if (p->family) {
		inet_ntop(p->family, p->src, buf, sizeof buf);
		json_object_set_new(o, "src", json_string(buf));
		inet_ntop(p->family, p->dst, buf, sizeof buf);
		json_object_set_new(o, "dst", json_string(buf));
	}
	if (*p->note)
		json_object_set_new(o, "note", json_string(p->note));
	if (f->proto == TRACE_NONE)
		return o;
	snprintf(buf, sizeof buf, "%s%zu", f->proto == TRACE_TCP ? "tcp" : "udp", f->flow + 1);
	json_object_set_new(o, "flow", json_string(buf));
	json_object_set_new(o, "direction", json_string(f->dir ? "server->client" : "client->server"));
	json_object_set_new(o, "sport", json_integer(p->sport));
	json_object_set_new(o, "dport", json_integer(p->dport));
	if (f->proto == TRACE_TCP) {
		decode_flags_str(p->flags, buf, sizeof buf);
		json_object_set_new(o, "flags", json_string(buf));
		json_object_set_new(o, "seq", json_integer(f->rel_seq));
		json_object_set_new(o, "ack", f->ack_valid ? json_integer(f->rel_ack) : json_null());
	}
	json_object_set_new(o, "payload_len", json_integer((json_int_t)p->wire_payload_len));
	inspect_preview(p->payload, p->payload_len, PREVIEW_CHARS, buf, sizeof buf);
	json_object_set_new(o, "preview", json_string(buf));
	json_t *notes = json_array();
	inspect_frame_notes(f, buf, sizeof buf);
	if (*buf)
		json_array_append_new(notes, json_string(buf));
	json_object_set_new(o, "notes", notes);
	return o;
}

static json_t *steps(const struct inspect_timeline *tl)
{
	json_t *arr = json_array();
	for (size_t i = 0; tl && i < tl->nsteps; i++)
		json_array_append_new(arr, json_pack("{s:I,s:i,s:s}", "t_us", (json_int_t)tl->steps[i].t_us, "line",
						     tl->steps[i].line, "text", tl->steps[i].text));
	return arr;
}

static json_t *follow(const struct trace *t, const struct inspect_flow_ref *ref)
{
	json_t *chunks = json_array();
	if (ref->proto == TRACE_UDP) {
		const struct trace_udp *u = &t->udp[ref->number - 1];
		for (size_t i = 0; i < u->nframes; i++) {
			const struct trace_frame *f = trace_frame(t, u->frames[i]);
			json_array_append_new(chunks, json_pack("{s:s,s:i,s:I,s:o}", "direction",
								f->dir ? "server->client" : "client->server", "frame",
								f->number, "len", (json_int_t)f->pkt.wire_payload_len,
								"hex", hex(f->pkt.payload, f->pkt.payload_len)));
		}
		return json_pack("{s:s,s:I,s:o,s:o,s:o}", "proto", "udp", "number", (json_int_t)u->number, "client",
				 endpoint(&u->a), "server", endpoint(&u->b), "datagrams", chunks);
	}
	const struct trace_tcp *c = &t->tcp[ref->number - 1];
	json_t *dirs = json_array();
	for (int d = 0; d < 2; d++) {
		const struct trace_tcp_dir *x = &c->d[d];
		json_t *segs = json_array();
		for (size_t i = 0; i < x->nsegs; i++)
			json_array_append_new(segs, json_pack("{s:i,s:I,s:I}", "frame", x->segs[i].frame, "offset",
							      (json_int_t)x->segs[i].off, "len",
							      (json_int_t)x->segs[i].len));
		json_array_append_new(dirs, json_pack("{s:s,s:I,s:o,s:I,s:o,s:o,s:o}", "direction",
						       d ? "server->client" : "client->server", "bytes",
						       (json_int_t)x->len, "hex", hex(x->data, (size_t)x->len),
						       "missing_bytes", (json_int_t)x->missing, "segments", segs, "fin_frame",
						       frame_or_null(x->fin_frame), "rst_frame",
						       frame_or_null(x->rst_frame)));
	}
	json_decref(chunks);
	return json_pack("{s:s,s:I,s:o,s:o,s:o}", "proto", "tcp", "number", (json_int_t)c->number, "client",
			 endpoint(&c->a), "server", endpoint(&c->b), "streams", dirs);
}

int inspect_json_print(FILE *out, const struct trace *t, const struct inspect_options *o,
		       const struct inspect_flow_ref *ref, char *err, size_t errlen)
{
	json_t *root;
	if (ref) {
		size_t have = ref->proto == TRACE_TCP ? t->ntcp : t->nudp;
		if (ref->number < 1 || ref->number > have) {
			snprintf(err, errlen, "no %s flow %zu (the capture has %zu)",
				 ref->proto == TRACE_TCP ? "tcp" : "udp", ref->number, have);
			return -1;
		}
		root = follow(t, ref);
	} else {
		json_t *packets = json_array();
		for (size_t i = 0; i < t->nframes; i++)
			json_array_append_new(packets, packet(t, &t->frames[i], o->tl));
		root = json_pack("{s:s,s:i,s:s,s:I,s:I,s:I,s:o,s:o,s:o,s:o}", "file", o->name, "link_type", t->dlt,
				 "link_type_name", t->dlt_name, "frames", (json_int_t)t->nframes, "decode_errors",
				 (json_int_t)t->decode_errors, "short_frames", (json_int_t)t->short_frames,
				 "file_error", *t->file_error ? json_string(t->file_error) : json_null(), "flows",
				 flows(t), "packets", packets, "steps", steps(o->tl));
	}
	if (!root) {
		snprintf(err, errlen, "cannot build the JSON report");
		return -1;
	}
	int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', out);
	json_decref(root);
	if (rc < 0) {
		snprintf(err, errlen, "cannot write the JSON report");
		return -1;
	}
	return 0;
}
