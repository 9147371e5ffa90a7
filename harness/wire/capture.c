/* capture.c: live capture of an interface of the current network namespace into a pcap file. */
#include "capture.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define QUIET_MS 50
#define CLOSE_LIMIT_MS 1000

struct capture {
	pcap_t *p;
	pcap_dumper_t *d;
	int fd;
	uint64_t written;
};

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct capture *c = (struct capture *)user;
	pcap_dump((u_char *)c->d, h, bytes);
	c->written++;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct capture *capture_open(const char *iface, const char *path, char errbuf[CAPTURE_ERRBUF_SIZE])
{
	char pe[PCAP_ERRBUF_SIZE] = "";
	struct capture *c = calloc(1, sizeof *c);
	if (!c) {
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "out of memory");
		return NULL;
	}
	c->p = pcap_create(iface, pe);
	if (!c->p) {
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "capture on %s: %s", iface, pe);
		free(c);
		return NULL;
	}
	if (pcap_set_snaplen(c->p, CAPTURE_SNAPLEN) || pcap_set_promisc(c->p, 0) ||
	    pcap_set_immediate_mode(c->p, 1) || pcap_set_buffer_size(c->p, CAPTURE_BUFFER_BYTES) ||
	    pcap_set_timeout(c->p, 10)) {
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "capture on %s: cannot set options: %s", iface,
			 pcap_geterr(c->p));
		goto fail;
	}
	int rc = pcap_activate(c->p);
	if (rc < 0) {
		const char *why = pcap_geterr(c->p);
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "capture on %s: %s%s%s", iface, pcap_statustostr(rc),
			 why && *why ? ": " : "", why && *why ? why : "");
		goto fail;
	}
	if (pcap_setnonblock(c->p, 1, pe) < 0) {
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "capture on %s: non-blocking mode: %s", iface, pe);
		goto fail;
	}
	c->fd = pcap_get_selectable_fd(c->p);
	if (c->fd < 0) {
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "capture on %s: no selectable descriptor", iface);
		goto fail;
	}
	c->d = pcap_dump_open(c->p, path);
	if (!c->d) {
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "capture file %s: %s", path, pcap_geterr(c->p));
		goto fail;
	}
	return c;
fail:
	pcap_close(c->p);
	free(c);
	return NULL;
}

int capture_fd(struct capture *c)
{
	return c->fd;
}

/* Dispatches until nothing is pending. Returns the packets handled, or -1. */
static long drain(struct capture *c, char errbuf[CAPTURE_ERRBUF_SIZE])
{
	long total = 0;
	for (;;) {
		int n = pcap_dispatch(c->p, -1, on_packet, (u_char *)c);
		if (n < 0) {
			snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "capture: %s", pcap_geterr(c->p));
			return -1;
		}
		if (n == 0)
			return total;
		total += n;
	}
}

int capture_pump(struct capture *c, char errbuf[CAPTURE_ERRBUF_SIZE])
{
	return drain(c, errbuf) < 0 ? -1 : 0;
}

int capture_close(struct capture *c, struct capture_stats *st, char errbuf[CAPTURE_ERRBUF_SIZE])
{
	int rc = 0;
	int64_t start = now_ms(), last = start;

	for (;;) {
		long n = drain(c, errbuf);
		if (n < 0) {
			rc = -1;
			break;
		}
		int64_t now = now_ms();
		if (n > 0)
			last = now;
		if (now - last >= QUIET_MS || now - start >= CLOSE_LIMIT_MS)
			break;
		struct pollfd pfd = {c->fd, POLLIN, 0};
		int wait = (int)(QUIET_MS - (now - last));
		if (poll(&pfd, 1, wait < 1 ? 1 : wait) < 0 && errno != EINTR) {
			snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "capture: poll: %s", strerror(errno));
			rc = -1;
			break;
		}
	}
	struct pcap_stat ps;
	memset(&ps, 0, sizeof ps);
	if (pcap_stats(c->p, &ps) < 0 && rc == 0) {
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "capture statistics: %s", pcap_geterr(c->p));
		rc = -1;
	}
	if (st) {
		st->packets = c->written;
		st->drops = (uint64_t)ps.ps_drop + ps.ps_ifdrop;
		st->recv = ps.ps_recv;
	}
	FILE *f = pcap_dump_file(c->d);
	if ((pcap_dump_flush(c->d) < 0 || ferror(f)) && rc == 0) {
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "capture file: write error: %s", strerror(errno));
		rc = -1;
	}
	pcap_dump_close(c->d);
	pcap_close(c->p);
	free(c);
	return rc;
}
