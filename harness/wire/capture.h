/* capture.h: live capture of an interface of the current network namespace into a pcap file. */
#ifndef SOCKCHECK_CAPTURE_H
#define SOCKCHECK_CAPTURE_H

#include <stdint.h>

#define CAPTURE_ERRBUF_SIZE 512

/* Kernel ring size. Measured with nobody pumping (bench/capture-buffer.md): 64 MiB holds an 8 MiB TCP
 * transfer on lo without a drop (16 MiB drops ~130 packets), so a 1 MiB+ case is safe even if the runner
 * pumps late. */
#define CAPTURE_BUFFER_BYTES (64 << 20)
#define CAPTURE_SNAPLEN 262144

struct capture_stats {
	uint64_t packets; /* written to the file */
	uint64_t drops;   /* ps_drop + ps_ifdrop: a drop makes the capture unreliable */
	uint64_t recv;    /* ps_recv (on lo each packet counts about twice: judge loss by drops only) */
};

struct capture;

/* Opens a live capture on `iface` ("lo") of the current netns: full snaplen, immediate mode, a large
 * buffer, non-blocking, writing every packet to the pcap file `path` (link type as captured, host clock
 * timestamps). Returns NULL with the reason (e.g. no permission) in errbuf. Caller ends with
 * capture_close(). */
struct capture *capture_open(const char *iface, const char *path, char errbuf[CAPTURE_ERRBUF_SIZE]);
/* A pollable fd (readable when packets are pending). */
int capture_fd(struct capture *c);
/* Writes all pending packets to the file. 0 or -1. */
int capture_pump(struct capture *c, char errbuf[CAPTURE_ERRBUF_SIZE]);
/* Drains until 50 ms pass without a packet (at most 1 s), reads the statistics, flushes and closes the
 * file and frees c (always, even on error). 0 or -1. st may be NULL. */
int capture_close(struct capture *c, struct capture_stats *st, char errbuf[CAPTURE_ERRBUF_SIZE]);

#endif
