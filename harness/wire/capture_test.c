/* capture_test.c: live capture in a private network namespace: packets reach the file, stats add up. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture.h"
#include "trace.h"
#include "unit.h"

UNIT_STATE;

static void test_errors(void)
{
	char err[CAPTURE_ERRBUF_SIZE] = "";
	struct capture *c = capture_open("nosuchif0", "/tmp/sockcheck-capture-test-never.pcap", CAPTURE_BUFFER_BYTES, err);
	CHECK(c == NULL);
	CHECK(strstr(err, "nosuchif0") != NULL);
}

static int lo_up(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
	int rc = fd >= 0 && ioctl(fd, SIOCGIFFLAGS, &ifr) == 0 ? 0 : -1;
	ifr.ifr_flags |= IFF_UP;
	if (rc == 0)
		rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
	if (fd >= 0)
		close(fd);
	return rc;
}

/* A burst sent right before capture_close, nobody pumping: the last block is still open in the kernel, and
 * close must wait for it (and for packets still in a backlog) instead of ending with what it has. */
static int burst(const char *first)
{
	char path[512], err[CAPTURE_ERRBUF_SIZE];
	snprintf(path, sizeof path, "%s.burst", first);
	struct capture *c = capture_open("lo", path, CAPTURE_BUFFER_BYTES, err);
	if (!c) {
		fprintf(stderr, "capture_open: %s\n", err);
		return 1;
	}
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(9001)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0)
		return 1;
	int sent = 0;
	for (int i = 0; i < 2000; i++)
		sent += sendto(fd, "x", 1, MSG_DONTWAIT, (struct sockaddr *)&a, sizeof a) == 1;
	struct capture_stats st;
	int rc = capture_finish(c, &st, err);
	capture_release(c);
	unlink(path);
	close(fd);
	if (rc < 0 || st.packets + st.drops != (uint64_t)sent || sent == 0) {
		fprintf(stderr, "burst: finish %d (%s), %d sent, %llu captured, %llu dropped\n", rc, rc ? err : "",
			sent, (unsigned long long)st.packets, (unsigned long long)st.drops);
		return 1;
	}
	return 0;
}

/* capture_limit_payload: the first 1000 bytes of packets whole, then each packet's first 40 bytes; the
 * file keeps every packet's real length. Three datagrams of 542 bytes on the wire: whole, cut, cut. */
static int limited(const char *first)
{
	char path[512], err[CAPTURE_ERRBUF_SIZE];
	snprintf(path, sizeof path, "%s.limited", first);
	struct capture *c = capture_open("lo", path, CAPTURE_BUFFER_BYTES, err);
	if (!c) {
		fprintf(stderr, "capture_open: %s\n", err);
		return 1;
	}
	capture_limit_payload(c, 1000, 40);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(9002)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	char payload[500];
	memset(payload, 'p', sizeof payload);
	if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0)
		return 1;
	for (int i = 0; i < 3; i++)
		if (sendto(fd, payload, sizeof payload, 0, (struct sockaddr *)&a, sizeof a) != (ssize_t)sizeof payload)
			return 1;
	close(fd);
	struct capture_stats st;
	if (capture_close(c, &st, err) < 0 || st.packets != 3 || st.cut != 2) {
		fprintf(stderr, "limited: %llu packets, %llu cut (%s)\n", (unsigned long long)st.packets,
			(unsigned long long)st.cut, err);
		return 1;
	}
	char pe[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, pe);
	if (!p)
		return 1;
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned caplen[3] = {0, 0, 0}, len[3] = {0, 0, 0};
	for (int i = 0; i < 3 && pcap_next_ex(p, &h, &data) == 1; i++) {
		caplen[i] = h->caplen;
		len[i] = h->len;
	}
	pcap_close(p);
	unlink(path);
	if (caplen[0] != 542 || caplen[1] != 40 || caplen[2] != 40 || len[0] != 542 || len[1] != 542 || len[2] != 542) {
		fprintf(stderr, "limited: caplen %u %u %u, len %u %u %u\n", caplen[0], caplen[1], caplen[2], len[0],
			len[1], len[2]);
		return 1;
	}
	return 0;
}

/* In the child, inside a fresh netns: 20 UDP datagrams to ourselves, captured. Exit 0 on success,
 * 77 when namespaces are not available, 1 on a failure (printed). */
static int child(const char *path)
{
	char err[CAPTURE_ERRBUF_SIZE];
	if (unshare(CLONE_NEWNET) < 0)
		return 77;
	if (lo_up() < 0) {
		perror("lo up");
		return 1;
	}
	struct capture *c = capture_open("lo", path, CAPTURE_BUFFER_BYTES, err);
	if (!c) {
		fprintf(stderr, "capture_open: %s\n", err);
		return 1;
	}
	if (capture_fd(c) < 0)
		return 1;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(9000)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0)
		return 1;
	for (int i = 0; i < 20; i++) {
		char msg[32];
		int n = snprintf(msg, sizeof msg, "datagram %d", i);
		if (sendto(fd, msg, (size_t)n, 0, (struct sockaddr *)&a, sizeof a) != n)
			return 1;
		if (i == 10) { /* the runner pumps from its poll loop */
			struct pollfd p = {capture_fd(c), POLLIN, 0};
			poll(&p, 1, 100);
			if (capture_pump(c, err) < 0) {
				fprintf(stderr, "capture_pump: %s\n", err);
				return 1;
			}
		}
	}
	struct capture_stats st;
	if (capture_close(c, &st, err) < 0) {
		fprintf(stderr, "capture_close: %s\n", err);
		return 1;
	}
	/* recv: the ring took each packet once (incoming only), not lo's outgoing copy as well. */
	if (st.packets != 20 || st.drops != 0 || st.recv != 20) {
		fprintf(stderr, "stats: %llu packets, %llu drops, %llu received\n", (unsigned long long)st.packets,
			(unsigned long long)st.drops, (unsigned long long)st.recv);
		return 1;
	}
	return burst(path) || limited(path);
}

static void test_live(void)
{
	char path[] = "/tmp/sockcheck-capture-test-XXXXXX";
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	close(fd);
	pid_t pid = fork();
	if (pid == 0)
		_exit(child(path));
	int st = 0;
	waitpid(pid, &st, 0);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 77) {
		printf("capture_test: live capture skipped: no network namespace (%s)\n", strerror(EPERM));
		unlink(path);
		return;
	}
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	char err[256];
	struct trace *t = trace_load(path, err, sizeof err);
	CHECK(t != NULL);
	if (t) {
		CHECK_INT(t->nframes, 20);
		CHECK_INT(t->nudp, 1);
		CHECK_INT(t->decode_errors, 0);
		CHECK_INT(t->snaplen, CAPTURE_SNAPLEN);
		const struct trace_frame *f = trace_frame(t, 20);
		CHECK(f && f->pkt.payload_len == 11 && memcmp(f->pkt.payload, "datagram 19", 11) == 0);
		trace_free(t);
	}
	unlink(path);
}

int main(void)
{
	test_errors();
	test_live();
	return unit_summary();
}
