/* cmd_inspect.c: `sockcheck inspect`: explains a saved capture (flows, ladder, streams, timeline). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_opts.h"
#include "commands.h"
#include "inspect.h"
#include "inspect_json.h"
#include "ladder.h"
#include "report_html.h"
#include "trace.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: sockcheck inspect FILE.pcap [--timeline FILE.json] [--follow N] [--json] [--html FILE]\n"
		"                         [--no-color]\n\n"
		"Explains a capture (pcap or pcapng, from sockcheck, tcpdump or Wireshark):\n"
		"  a flow summary, then a ladder diagram of every packet (client on the left).\n\n"
		"options:\n"
		"  --timeline FILE.json  write the scenario step that caused each packet beside it\n"
		"  --follow N            show one connection's stream instead: N, tcpN or udpN\n"
		"  --json                the same as JSON\n"
		"  --html FILE           also write the ladder as one self-contained HTML page\n"
		"                        (lanes harness, relay, program when --timeline says who is who)\n"
		"  --no-color            no colours (default: colours when stdout is a terminal)\n\n"
		"Exit status: 0, or 2 when the file cannot be read or is damaged.\n");
}

/* The ladder of the whole capture (bulk folded) as one HTML page. */
static int write_html(const char *path, const struct trace *t, const struct inspect_options *o, char *err,
		      size_t errlen)
{
	struct ladder l;
	char e[256];
	if (inspect_ladder_build(t, o->tl, 0, 1, &l, e, sizeof e) < 0) {
		snprintf(err, errlen, "%s: %s", path, e);
		return -1;
	}
	FILE *f = fopen(path, "w");
	int rc = -1;
	if (!f)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	else if (report_html_ladder_write(f, o->name, &l, e, sizeof e) < 0)
		snprintf(err, errlen, "%s: %s", path, e);
	else
		rc = 0;
	if (f && fclose(f) != 0 && rc == 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	ladder_free(&l);
	return rc;
}

int cmd_inspect(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"timeline", required_argument, NULL, 't'}, {"follow", required_argument, NULL, 'f'},
		{"json", no_argument, NULL, 'j'},           {"no-color", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},           {"html", required_argument, NULL, 'H'},
		{NULL, 0, NULL, 0},
	};
	const char *timeline = NULL, *follow = NULL, *html = NULL;
	int json = 0, color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR"), c;
	char err[512];

	optind = 1;
	struct cmd_opts_seen seen = {0};
	char oerr[160];
	while ((c = getopt_long(argc, argv, "t:f:jnhH:", longopts, NULL)) != -1) {
		if (cmd_opts_once(&seen, longopts, c, NULL, oerr, sizeof oerr) != 0) {
			fprintf(stderr, "sockcheck inspect: %s\n", oerr);
			return EXIT_USAGE;
		}
		switch (c) {
		case 't': timeline = optarg; break;
		case 'f': follow = optarg; break;
		case 'j': json = 1; break;
		case 'H': html = optarg; break;
		case 'n': color = 0; break;
		case 'h': usage(stdout); return EXIT_PASS;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "sockcheck inspect: %s\n", optind >= argc ? "no capture file given" : "one capture file only");
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *path = argv[optind];
	struct inspect_flow_ref ref;
	if (follow && inspect_parse_flow(follow, &ref) < 0) {
		fprintf(stderr, "sockcheck inspect: --follow %s: expected N, tcpN or udpN (N from 1)\n", follow);
		return EXIT_USAGE;
	}
	struct inspect_timeline tl;
	if (timeline && inspect_timeline_load(timeline, &tl, err, sizeof err) < 0) {
		fprintf(stderr, "sockcheck inspect: %s: %s\n", timeline, err);
		return EXIT_USAGE;
	}
	struct trace *t = trace_load(path, err, sizeof err);
	if (!t) {
		fprintf(stderr, "sockcheck inspect: %s: %s\n", path, err);
		if (timeline)
			inspect_timeline_free(&tl);
		return EXIT_USAGE;
	}
	const char *base = strrchr(path, '/');
	struct inspect_options o = {base ? base + 1 : path, timeline ? &tl : NULL, color && !json};
	int rc = EXIT_PASS;
	if (json) {
		if (inspect_json_print(stdout, t, &o, follow ? &ref : NULL, err, sizeof err) < 0) {
			fprintf(stderr, "sockcheck inspect: %s: %s\n", path, err);
			rc = EXIT_USAGE;
		}
	} else if (follow) {
		if (inspect_print_follow(stdout, t, &ref, &o, err, sizeof err) < 0) {
			fprintf(stderr, "sockcheck inspect: %s: %s\n", path, err);
			rc = EXIT_USAGE;
		}
	} else {
		inspect_print(stdout, t, &o);
	}
	if (html && write_html(html, t, &o, err, sizeof err) < 0) {
		fprintf(stderr, "sockcheck inspect: %s\n", err);
		rc = EXIT_USAGE;
	}
	fflush(stdout);
	for (size_t i = 0; i < t->nframes; i++)
		if (t->frames[i].error)
			fprintf(stderr, "sockcheck inspect: %s: warning: frame %u: %s\n", path, t->frames[i].number,
				t->frames[i].error);
	if (*t->file_error) {
		fprintf(stderr, "sockcheck inspect: %s: damaged file: %s\n", path, t->file_error);
		rc = EXIT_USAGE;
	}
	trace_free(t);
	if (timeline)
		inspect_timeline_free(&tl);
	return rc;
}
