/* cmd_relay.c: `sockcheck relay`: the fault-injecting relay as a standalone loopback tool. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "cmd_opts.h"
#include "commands.h"
#include "relay.h"
#include "relay_fault.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: sockcheck relay --udp|--tcp --listen [ADDR:]PORT --to HOST:PORT\n"
		"                       [--fault \"WORDS\"]... [--seed N] [--log FILE] [--duration D] [--gso]\n\n"
		"Forwards UDP datagrams or TCP connections from the listen address to the target, injecting\n"
		"seeded, scripted faults. The same seed and the same traffic give the same fault log, so a run\n"
		"can be replayed. Runs until SIGINT/SIGTERM or --duration, then writes the fault log.\n"
		"Only loopback addresses are accepted: this tool never sends traffic off the machine.\n\n"
		"options:\n"
		"  --udp, --tcp        the protocol to relay\n"
		"  --listen [ADDR:]PORT where clients connect or send (ADDR defaults to loopback; PORT 0 picks one)\n"
		"  --to HOST:PORT      the server (127.0.0.0/8, ::1 or localhost)\n"
		"  --fault \"WORDS\"     a fault (repeatable), e.g. --fault \"drop c2s 2,3\"\n"
		"  --seed N            the seed of every random choice (default: random, printed on start)\n"
		"  --log FILE          write the fault log here (default: stderr)\n"
		"  --duration D        stop after D (e.g. 30s, 500ms)\n"
		"  --gso               UDP, for throughput only: send runs of equal-sized datagrams as one GSO\n"
		"                      send. A capture on lo (tcpdump, Wireshark) then shows each run as one\n"
		"                      big datagram that no program sent or received; leave it off to debug\n\n"
		"DIR is c2s (client to server), s2c (server to client) or both; datagrams count from 1 per\n"
		"direction. Durations: 250ms, 2s. Sizes: 100, 4KiB, 1MiB.\n"
		"UDP faults:\n"
		"  drop DIR N[,N...]        loss DIR P%%             duplicate DIR all|N[,N...]\n"
		"  hold DIR N K (release after K more)              swap DIR N M (deliver M before N)\n"
		"  delay DIR D [jitter D]   truncate DIR N BYTES    corrupt DIR N    blackhole DIR\n"
		"TCP faults:\n"
		"  segment DIR K [gap D]    delay DIR D             bandwidth DIR RATE (e.g. 64KiB/s)\n"
		"  stall DIR AFTER_BYTES FOR D                      reset-after N\n"
		"  A FIN always becomes shutdown(SHUT_WR) to the other side; an RST becomes an RST.\n\n"
		"Exit status: 0 ran and stopped, 2 usage or harness error.\n");
}

static int is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr) >> 24) == 127;
	if (ss->ss_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)ss)->sin6_addr;
		if (IN6_IS_ADDR_V4MAPPED(a))
			return a->s6_addr[12] == 127;
		return IN6_IS_ADDR_LOOPBACK(a);
	}
	return 0;
}

static int parse_port(const char *s, int min, int *port)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < min || v > 65535)
		return -1;
	*port = (int)v;
	return 0;
}

/* "[ADDR:]PORT", "HOST:PORT" or "[v6]:PORT" into an address; family 0 accepts either. */
static int parse_endpoint(const char *what, const char *s, const char *default_host, int family, int min_port,
			  int socktype, struct sockaddr_storage *out)
{
	char host[256];
	const char *port;
	const char *colon = strrchr(s, ':');
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':' || (size_t)(close - s - 1) >= sizeof host) {
			fprintf(stderr, "sockcheck relay: %s '%s': want [ADDR]:PORT\n", what, s);
			return -1;
		}
		memcpy(host, s + 1, (size_t)(close - s - 1));
		host[close - s - 1] = '\0';
		port = close + 2;
	} else if (colon) {
		if ((size_t)(colon - s) >= sizeof host) {
			fprintf(stderr, "sockcheck relay: %s '%s': host too long\n", what, s);
			return -1;
		}
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = '\0';
		port = colon + 1;
	} else if (default_host) {
		snprintf(host, sizeof host, "%s", default_host);
		port = s;
	} else {
		fprintf(stderr, "sockcheck relay: %s '%s': want HOST:PORT\n", what, s);
		return -1;
	}
	int p;
	if (parse_port(port, min_port, &p) < 0) {
		fprintf(stderr, "sockcheck relay: %s '%s': bad port '%s'\n", what, s, port);
		return -1;
	}
	struct addrinfo hints = {.ai_family = family, .ai_socktype = socktype}, *res;
	int e = getaddrinfo(host, NULL, &hints, &res);
	if (e) {
		fprintf(stderr, "sockcheck relay: %s '%s': %s\n", what, host, gai_strerror(e));
		return -1;
	}
	memset(out, 0, sizeof *out);
	memcpy(out, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	if (out->ss_family == AF_INET6)
		((struct sockaddr_in6 *)out)->sin6_port = htons((uint16_t)p);
	else
		((struct sockaddr_in *)out)->sin_port = htons((uint16_t)p);
	if (!is_loopback(out)) {
		fprintf(stderr,
			"sockcheck relay: %s '%s' is not a loopback address; this tool only relays within the "
			"machine (use 127.0.0.1, ::1 or localhost)\n",
			what, host);
		return -1;
	}
	return 0;
}

static void format_addr(const struct sockaddr_storage *ss, int port, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";
	if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, a, sizeof a);
		snprintf(buf, len, "[%s]:%d", a, port);
	} else {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, a, sizeof a);
		snprintf(buf, len, "%s:%d", a, port);
	}
}

static int port_of(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? ntohs(((const struct sockaddr_in6 *)ss)->sin6_port)
					 : ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

struct options {
	int udp; /* -1 unset */
	const char *listen, *to, *log;
	const char *faults[64];
	size_t nfaults;
	uint64_t seed;
	int seeded;
	int64_t duration;
	int gso;
};

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{"udp", no_argument, NULL, 'u'},          {"tcp", no_argument, NULL, 't'},
		{"listen", required_argument, NULL, 'l'}, {"to", required_argument, NULL, 'T'},
		{"fault", required_argument, NULL, 'f'},  {"seed", required_argument, NULL, 's'},
		{"log", required_argument, NULL, 'L'},    {"duration", required_argument, NULL, 'd'},
		{"gso", no_argument, NULL, 'g'},          {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	char *end;
	int ch;
	optind = 0;
	struct cmd_opts_seen seen = {0};
	char oerr[160];
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (cmd_opts_once(&seen, longopts, ch, "f", oerr, sizeof oerr) != 0) {
			fprintf(stderr, "sockcheck relay: %s\n", oerr);
			return -1;
		}
		switch (ch) {
		case 'u':
		case 't':
			if (o->udp >= 0 && o->udp != (ch == 'u')) {
				fprintf(stderr, "sockcheck relay: give --udp or --tcp, not both\n");
				return -1;
			}
			o->udp = ch == 'u';
			break;
		case 'l':
			o->listen = optarg;
			break;
		case 'T':
			o->to = optarg;
			break;
		case 'f':
			if (o->nfaults == sizeof o->faults / sizeof o->faults[0]) {
				fprintf(stderr, "sockcheck relay: too many --fault options\n");
				return -1;
			}
			o->faults[o->nfaults++] = optarg;
			break;
		case 's':
			errno = 0;
			o->seed = strtoull(optarg, &end, 0);
			if (errno || *end || !*optarg || optarg[0] == '-') {
				fprintf(stderr, "sockcheck relay: bad --seed '%s' (want a number)\n", optarg);
				return -1;
			}
			o->seeded = 1;
			break;
		case 'L':
			o->log = optarg;
			break;
		case 'd':
			if (relay_fault_parse_duration(optarg, &o->duration) < 0 || o->duration <= 0) {
				fprintf(stderr, "sockcheck relay: bad --duration '%s' (want e.g. 30s, 500ms)\n",
					optarg);
				return -1;
			}
			break;
		case 'g':
			o->gso = 1;
			break;
		case 'h':
			return 1;
		default:
			fprintf(stderr, "sockcheck relay: try 'sockcheck relay --help'\n");
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "sockcheck relay: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (o->udp < 0 || !o->listen || !o->to) {
		fprintf(stderr, "sockcheck relay: need --udp or --tcp, --listen and --to (try --help)\n");
		return -1;
	}
	if (o->gso && !o->udp) {
		fprintf(stderr, "sockcheck relay: --gso is for --udp only\n");
		return -1;
	}
	return 0;
}

/* Waits for SIGINT/SIGTERM (blocked by the caller) or the duration. */
static void wait_for_end(const sigset_t *set, int64_t duration)
{
	if (!duration) {
		while (sigwaitinfo(set, NULL) < 0 && errno == EINTR)
			;
		return;
	}
	struct timespec end, now;
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += duration / 1000000000;
	end.tv_nsec += duration % 1000000000;
	if (end.tv_nsec >= 1000000000) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000;
	}
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		int64_t left = (int64_t)(end.tv_sec - now.tv_sec) * 1000000000 + (end.tv_nsec - now.tv_nsec);
		if (left <= 0)
			return;
		struct timespec ts = {left / 1000000000, left % 1000000000};
		if (sigtimedwait(set, NULL, &ts) >= 0)
			return;
		if (errno != EINTR && errno != EAGAIN)
			return;
	}
}

/* SIGINT/SIGTERM are blocked (the relay thread inherits the mask) and awaited here. */
static int serve(struct relay *r, const sigset_t *set, FILE *log, const char *logname, int64_t duration)
{
	char err[256];
	int rc = relay_start(r, err, sizeof err);
	if (rc == 0) {
		wait_for_end(set, duration);
		relay_stop(r);
	} else {
		fprintf(stderr, "sockcheck relay: %s\n", err);
	}
	if (rc < 0)
		return EXIT_USAGE;
	if (relay_log_write(r, log) < 0) {
		fprintf(stderr, "sockcheck relay: cannot write the fault log to %s\n", logname);
		return EXIT_USAGE;
	}
	return EXIT_PASS;
}

int cmd_relay(int argc, char **argv)
{
	struct options o = {.udp = -1};
	int p = parse_options(argc, argv, &o);
	if (p)
		return p > 0 ? (usage(stdout), EXIT_PASS) : EXIT_USAGE;

	struct relay_config cfg = {.udp = o.udp, .gso = o.gso};
	int socktype = o.udp ? SOCK_DGRAM : SOCK_STREAM;
	if (parse_endpoint("--to", o.to, NULL, 0, 1, socktype, &cfg.target) < 0)
		return EXIT_USAGE;
	int fam = cfg.target.ss_family;
	if (parse_endpoint("--listen", o.listen, fam == AF_INET6 ? "::1" : "127.0.0.1", 0, 0, socktype,
			   &cfg.listen) < 0)
		return EXIT_USAGE;

	char err[256];
	struct relay_faults *fs = relay_faults_new();
	if (!fs)
		return EXIT_USAGE;
	for (size_t i = 0; i < o.nfaults; i++) {
		if (relay_faults_add_line(fs, o.faults[i], o.udp, err, sizeof err) < 0) {
			fprintf(stderr, "sockcheck relay: --fault \"%s\": %s\n", o.faults[i], err);
			relay_faults_free(fs);
			return EXIT_USAGE;
		}
	}
	cfg.faults = fs;
	if (!o.seeded && getrandom(&o.seed, sizeof o.seed, 0) != sizeof o.seed)
		o.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	cfg.seed = o.seed;

	FILE *log = stderr;
	if (o.log && !(log = fopen(o.log, "w"))) {
		fprintf(stderr, "sockcheck relay: cannot open --log %s: %s\n", o.log, strerror(errno));
		relay_faults_free(fs);
		return EXIT_USAGE;
	}
	/* Blocked before the banner: a signal sent as soon as the banner shows must still end the run
	 * cleanly, with its log. They stay blocked until the process exits, so that a second signal (timeout
	 * sends one to the process and one to its group) cannot kill it while it writes the log. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	int rc = EXIT_USAGE;
	struct relay *r = relay_new(&cfg, err, sizeof err);
	if (!r) {
		fprintf(stderr, "sockcheck relay: %s\n", err);
	} else {
		char la[80], ta[80];
		format_addr(&cfg.listen, relay_port(r), la, sizeof la);
		format_addr(&cfg.target, port_of(&cfg.target), ta, sizeof ta);
		fprintf(stderr, "sockcheck relay: %s %s -> %s, %zu fault(s), seed %" PRIu64 "\n",
			o.udp ? "udp" : "tcp", la, ta, o.nfaults, o.seed);
		rc = serve(r, &set, log, o.log ? o.log : "stderr", o.duration);
	}
	relay_free(r);
	relay_faults_free(fs);
	if (log != stderr && fclose(log) != 0 && rc == EXIT_PASS) {
		fprintf(stderr, "sockcheck relay: cannot write %s\n", o.log);
		rc = EXIT_USAGE;
	}
	return rc;
}
