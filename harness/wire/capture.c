/* capture.c: live capture of an interface of the current network namespace into a pcap file. */
#define _GNU_SOURCE
#include "capture.h"

#include <errno.h>
#include <ifaddrs.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define CLOSE_LIMIT_MS 3000 /* only a starved softirq takes this long: the normal case waits for 0-2 ms */
#define FILE_BUFFER_BYTES (1 << 20)

struct capture {
	pcap_t *p;
	pcap_dumper_t *d;
	char *iface;
	int fd;
	uint64_t written;
	uint32_t lo_base; /* the interface's receive counter when the capture started */
	int limited;      /* capture_limit_payload: */
	uint64_t full_left; /* bytes still recorded whole */
	uint32_t cut_to;    /* then each packet's first bytes */
	uint64_t cut;       /* packets cut so far */
};

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct capture *c = (struct capture *)user;
	struct pcap_pkthdr rec = *h;
	if (c->limited && h->caplen > c->cut_to) {
		if (h->caplen <= c->full_left) {
			c->full_left -= h->caplen;
		} else { /* whole packets only: once one is cut, every later one is too */
			c->full_left = 0;
			rec.caplen = c->cut_to;
			c->cut++;
		}
	}
	pcap_dump((u_char *)c->d, &rec, bytes);
	c->written++;
}

void capture_limit_payload(struct capture *c, uint64_t full_bytes, uint32_t cut_to)
{
	c->limited = 1;
	c->full_left = full_bytes;
	c->cut_to = cut_to;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The kernel's count of packets the interface received (on lo: every packet sent), or -1. */
static int64_t rx_packets(const char *iface)
{
	struct ifaddrs *all;
	if (getifaddrs(&all) < 0)
		return -1;
	int64_t n = -1;
	for (struct ifaddrs *a = all; a; a = a->ifa_next)
		if (a->ifa_addr && a->ifa_addr->sa_family == AF_PACKET && a->ifa_data && strcmp(a->ifa_name, iface) == 0)
			n = ((const struct rtnl_link_stats *)a->ifa_data)->rx_packets;
	freeifaddrs(all);
	return n;
}

struct capture *capture_open(const char *iface, const char *path, int ring_bytes, char errbuf[CAPTURE_ERRBUF_SIZE])
{
	char pe[PCAP_ERRBUF_SIZE] = "";
	struct capture *c = calloc(1, sizeof *c);
	if (!c || !(c->iface = strdup(iface))) {
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "out of memory");
		free(c);
		return NULL;
	}
	c->p = pcap_create(iface, pe);
	if (!c->p) {
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "capture on %s: %s", iface, pe);
		free(c->iface);
		free(c);
		return NULL;
	}
	/* Not immediate mode: libpcap then uses TPACKET_V3, packets packed into blocks that the kernel hands
	 * over when full or after CAPTURE_BLOCK_MS (bench/capture-buffer.md). */
	if (pcap_set_snaplen(c->p, CAPTURE_SNAPLEN) || pcap_set_promisc(c->p, 0) ||
	    pcap_set_immediate_mode(c->p, 0) || pcap_set_buffer_size(c->p, ring_bytes) ||
	    pcap_set_timeout(c->p, CAPTURE_BLOCK_MS)) {
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
	/* On lo every packet passes the tap twice, going out and coming in, the same bytes. libpcap drops the
	 * outgoing copy after the kernel copied it into the ring; PACKET_IGNORE_OUTGOING (Linux 4.20) keeps
	 * it out of the ring, which halves the ring's traffic. Older kernels: libpcap still drops it. */
	int one = 1;
	(void)setsockopt(pcap_fileno(c->p), SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
	if (pcap_setnonblock(c->p, 1, pe) < 0) {
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "capture on %s: non-blocking mode: %s", iface, pe);
		goto fail;
	}
	c->fd = pcap_get_selectable_fd(c->p);
	if (c->fd < 0) {
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "capture on %s: no selectable descriptor", iface);
		goto fail;
	}
	int64_t base = rx_packets(iface);
	if (base < 0) {
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "capture on %s: cannot read the interface counters: %s", iface,
			 strerror(errno ? errno : ENODEV));
		goto fail;
	}
	c->lo_base = (uint32_t)base;
	FILE *f = fopen(path, "wb");
	if (!f) {
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "capture file %s: %s", path, strerror(errno));
		goto fail;
	}
	setvbuf(f, NULL, _IOFBF, FILE_BUFFER_BYTES);
	c->d = pcap_dump_fopen(c->p, f);
	if (!c->d) {
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "capture file %s: %s", path, pcap_geterr(c->p));
		fclose(f);
		goto fail;
	}
	return c;
fail:
	pcap_close(c->p);
	free(c->iface);
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

/* Drains until every packet the interface received since capture_open is in the file or counted as
 * dropped. The kernel counts a packet on lo before the tap sees it (another CPU's backlog may still hold
 * it) and hands a block over only when it is full or CAPTURE_BLOCK_MS old, so this polls for both. */
static int drain_all(struct capture *c, struct pcap_stat *ps, char errbuf[CAPTURE_ERRBUF_SIZE])
{
	int64_t start = now_ms();
	for (;;) {
		int64_t rx = rx_packets(c->iface);
		if (rx < 0) {
			snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "capture: cannot read the interface counters");
			return -1;
		}
		if (drain(c, errbuf) < 0)
			return -1;
		memset(ps, 0, sizeof *ps);
		if (pcap_stats(c->p, ps) < 0) {
			snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "capture statistics: %s", pcap_geterr(c->p));
			return -1;
		}
		uint32_t seen = (uint32_t)rx - c->lo_base;
		if (c->written + ps->ps_drop + ps->ps_ifdrop >= seen)
			return 0;
		int64_t left = CLOSE_LIMIT_MS - (now_ms() - start);
		if (left <= 0) {
			snprintf(errbuf, CAPTURE_ERRBUF_SIZE,
				 "capture: %llu of the %u packets %s received reached the capture within %d ms",
				 (unsigned long long)(c->written + ps->ps_drop + ps->ps_ifdrop), seen, c->iface,
				 CLOSE_LIMIT_MS);
			return -1;
		}
		struct pollfd pfd = {c->fd, POLLIN, 0};
		if (poll(&pfd, 1, left < CAPTURE_BLOCK_MS ? (int)left : CAPTURE_BLOCK_MS) < 0 && errno != EINTR) {
			snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "capture: poll: %s", strerror(errno));
			return -1;
		}
	}
}

int capture_finish(struct capture *c, struct capture_stats *st, char errbuf[CAPTURE_ERRBUF_SIZE])
{
	if (!c->d) {
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "capture: already finished");
		return -1;
	}
	struct pcap_stat ps;
	int rc = drain_all(c, &ps, errbuf);
	if (st) {
		st->packets = c->written;
		st->cut = c->cut;
		st->drops = (uint64_t)ps.ps_drop + ps.ps_ifdrop;
		st->recv = ps.ps_recv;
	}
	FILE *f = pcap_dump_file(c->d);
	if ((pcap_dump_flush(c->d) < 0 || ferror(f)) && rc == 0) {
		snprintf(errbuf, CAPTURE_ERRBUF_SIZE, "capture file: write error: %s", strerror(errno));
		rc = -1;
	}
	pcap_dump_close(c->d);
	c->d = NULL;
	return rc;
}

void capture_release(struct capture *c)
{
	if (!c)
		return;
	if (c->d)
		pcap_dump_close(c->d);
	pcap_close(c->p);
	free(c->iface);
	free(c);
}

int capture_close(struct capture *c, struct capture_stats *st, char errbuf[CAPTURE_ERRBUF_SIZE])
{
	int rc = capture_finish(c, st, errbuf);
	capture_release(c);
	return rc;
}
