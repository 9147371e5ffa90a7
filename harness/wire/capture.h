/* capture.h: live capture of an interface of the current network namespace into a pcap file. */
#ifndef SOCKCHECK_CAPTURE_H
#define SOCKCHECK_CAPTURE_H

#include <stdint.h>

#define CAPTURE_ERRBUF_SIZE 512

/* Kernel ring sizes (TPACKET_V3: packets packed into 256 KiB blocks) and how long a block may stay open
 * before the kernel hands it over. A case that moves little needs the small ring; one that moves a
 * megabyte or more but at most 4 MiB in all, the medium one (four times the small, which dropped packets
 * of 1 MiB sent at once on a loaded machine); one that moves more, the large one, which holds everything
 * a harness socket's buffers can put on lo while the harness is not scheduled. Each concurrent case
 * then costs at most ~25 MiB up to 4 MiB moved. Sizes and figures: bench/capture-buffer.md. */
#define CAPTURE_BUFFER_BYTES (4 << 20)
#define CAPTURE_BUFFER_MEDIUM (16 << 20)
#define CAPTURE_BUFFER_LARGE (32 << 20)
#define CAPTURE_BLOCK_MS 2
#define CAPTURE_SNAPLEN 262144

struct capture_stats {
	uint64_t packets; /* written to the file */
	uint64_t drops;   /* ps_drop + ps_ifdrop: a drop makes the capture unreliable */
	uint64_t recv;    /* ps_recv: packets the ring took (incoming only), dropped ones included */
	uint64_t cut;     /* packets recorded without their payload (capture_limit_payload) */
};

struct capture;

/* Opens a live capture on `iface` ("lo") of the current netns: full snaplen, incoming packets only (on lo
 * that is every packet once), a packed ring of ring_bytes, non-blocking, writing every packet to the pcap file `path` (link type as captured, host clock
 * timestamps). Returns NULL with the reason (e.g. no permission) in errbuf. Caller ends with
 * capture_close(). */
struct capture *capture_open(const char *iface, const char *path, int ring_bytes, char errbuf[CAPTURE_ERRBUF_SIZE]);
/* From now on, records packets longer than cut_to whole until they add up to full_bytes, and every later
 * one cut to its first cut_to bytes (its headers), as a snaplen would (the pcap header keeps the packet's real length): for a
 * capture that nothing judges byte for byte, so that a case moving a gigabyte writes megabytes. */
void capture_limit_payload(struct capture *c, uint64_t full_bytes, uint32_t cut_to);
/* A pollable fd (readable when packets are pending). */
int capture_fd(struct capture *c);
/* Writes all pending packets to the file. 0 or -1. */
int capture_pump(struct capture *c, char errbuf[CAPTURE_ERRBUF_SIZE]);
/* Drains until every packet the interface received since capture_open (the kernel's counter) is in the
 * file or counted as dropped (at most 3 s, else -1), reads the statistics, flushes and closes the file.
 * Packets sent after this call starts may be missed: stop traffic first. The socket stays open until
 * capture_release(). 0 or -1. st may be NULL. */
int capture_finish(struct capture *c, struct capture_stats *st, char errbuf[CAPTURE_ERRBUF_SIZE]);
/* Closes the socket and frees c (NULL is fine). The kernel waits for an RCU grace period to release a
 * packet socket (about 25 ms on a loaded 2-core machine, bench/README.md): a process about to exit may
 * leave this to its exit instead, so whoever waits for its result does not wait for the release. */
void capture_release(struct capture *c);
/* capture_finish() then capture_release(), always. */
int capture_close(struct capture *c, struct capture_stats *st, char errbuf[CAPTURE_ERRBUF_SIZE]);

#endif
