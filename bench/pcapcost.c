/* pcapcost.c: how long opening and closing a libpcap capture on lo takes, in a fresh network namespace:
 * `pcapcost MIB IMMEDIATE` (e.g. `pcapcost 8 0`). For bench/capture-buffer.md. Not a test. */
#define _GNU_SOURCE
#include <net/if.h>
#include <pcap/pcap.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: pcapcost MIB IMMEDIATE(0|1)\n");
		return 2;
	}
	int mb = atoi(argv[1]), imm = atoi(argv[2]);
	if (unshare(CLONE_NEWNET) < 0) {
		perror("pcapcost: unshare");
		return 2;
	}
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
	ioctl(fd, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags |= IFF_UP;
	ioctl(fd, SIOCSIFFLAGS, &ifr);
	close(fd);
	char e[PCAP_ERRBUF_SIZE];
	double t0 = now();
	pcap_t *p = pcap_create("lo", e);
	if (!p) {
		fprintf(stderr, "pcapcost: %s\n", e);
		return 1;
	}
	pcap_set_snaplen(p, 262144);
	pcap_set_immediate_mode(p, imm);
	pcap_set_buffer_size(p, mb << 20);
	pcap_set_timeout(p, 2);
	if (pcap_activate(p) < 0) {
		fprintf(stderr, "pcapcost: %s\n", pcap_geterr(p));
		return 1;
	}
	double t1 = now();
	pcap_close(p);
	double t2 = now();
	printf("%d MiB immediate=%d: activate %.1f ms, close %.1f ms\n", mb, imm, (t1 - t0) * 1e3, (t2 - t1) * 1e3);
	return 0;
}
