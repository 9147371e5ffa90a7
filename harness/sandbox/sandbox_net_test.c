/* sandbox_net_test.c: sandbox_port_bound: parsing /proc/net fixtures, and live sockets in a fresh namespace. */
#define _GNU_SOURCE
#include "unit.h"
UNIT_STATE;
#include "sandbox_testkit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/utsname.h>

static const char tcp4[] =
	"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
	"   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1060 1 "
	"00000000d305610d 100 0 0 10 0\n"
	"   1: 0100007F:0050 0100007F:A2C4 01 00000000:00000000 00:00000000 00000000     0        0 1061 1\n";

static const char tcp6[] =
	"  sl  local_address                         remote_address                        st tx_queue "
	"rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
	"   0: 00000000000000000000000001000000:1F91 00000000000000000000000000000000:0000 0A "
	"00000000:00000000 00:00000000 00000000     0        0 2001 1 0000000000000000 100 0 0 10 0\n";

static const char udp4[] =
	"   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode "
	"ref pointer drops\n"
	"  100: 0200007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 3001 2 "
	"0000000000000000 0";  /* no final newline */

static void t_parse(void)
{
	CHECK_INT(sandbox_net_scan(tcp4, strlen(tcp4), 8080, 1), 1);   /* 0x1F90 listening */
	CHECK_INT(sandbox_net_scan(tcp4, strlen(tcp4), 80, 1), 0);     /* 0x0050 only established */
	CHECK_INT(sandbox_net_scan(tcp4, strlen(tcp4), 80, 0), 1);
	CHECK_INT(sandbox_net_scan(tcp4, strlen(tcp4), 8081, 1), 0);
	CHECK_INT(sandbox_net_scan(tcp4, strlen(tcp4), 41668, 0), 0);  /* 0xA2C4 is the remote port */
	CHECK_INT(sandbox_net_scan(tcp6, strlen(tcp6), 8081, 1), 1);
	CHECK_INT(sandbox_net_scan(tcp6, strlen(tcp6), 8080, 1), 0);
	CHECK_INT(sandbox_net_scan(udp4, strlen(udp4), 53, 0), 1);
	CHECK_INT(sandbox_net_scan(udp4, strlen(udp4) - 30, 53, 0), 1); /* truncated after the state */
	CHECK_INT(sandbox_net_scan(udp4, 134, 53, 0), 0);               /* cut inside the port */
	CHECK_INT(sandbox_net_scan("", 0, 53, 0), 0);

	/* Malformed lines are skipped; a good line after them still counts. */
	const char *bad[] = {
		"   0: 0100007F:1F90\n",                                   /* too few fields */
		"   0: 0100007F:1F9G 00000000:0000 0A 0\n",                /* bad hex port */
		"   0: 0100007G:1F90 00000000:0000 0A 0\n",                /* bad hex address */
		"   0: 0100007F-1F90 00000000:0000 0A 0\n",                /* no colon */
		"   0: 0100007F:1F900 00000000:0000 0A 0\n",               /* wrong width */
		"   0: 100007F:1F90 00000000:0000 0A 0\n",                 /* wrong address width */
		"   0: 0100007F:1F90 00000000:0000 A 0\n",                 /* state not 2 digits */
		"   0: 0100007F:1F90 00000000:0000 ZZ 0\n",                /* state not hex */
		"   x: 0100007F:1F90 00000000:0000 0A 0\n",                /* slot not hex */
		"0100007F:1F90 00000000:0000 0A 0 0\n",                    /* no slot */
		"\n\n\n",
		"::::::::::::::::::::::::::::::::::::::::::::::\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK_INT(sandbox_net_scan(bad[i], strlen(bad[i]), 8080, 0), 0);
		char joined[512];
		snprintf(joined, sizeof joined, "%s   1: 0100007F:0016 00000000:0000 0A 0\n", bad[i]);
		CHECK_INT(sandbox_net_scan(joined, strlen(joined), 22, 1), 1);
	}
	/* Bounded by len: a match beyond it is not seen. */
	CHECK_INT(sandbox_net_scan(tcp4, 132, 8080, 1), 0); /* cut inside the state */
	CHECK_INT(sandbox_net_scan(tcp4, 133, 8080, 1), 1);
}

/* A socket of type on addr (port 0 = any); listens when asked. Returns fd, sets *port. */
static int sock_on(int family, int type, const char *addr, int do_listen, int *port)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	socklen_t len;
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;
		a->sin_family = AF_INET;
		inet_pton(AF_INET, addr, &a->sin_addr);
		len = sizeof *a;
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
		a->sin6_family = AF_INET6;
		inet_pton(AF_INET6, addr, &a->sin6_addr);
		len = sizeof *a;
	}
	int fd = socket(family, type, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) < 0 || (do_listen && listen(fd, 4) < 0) ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
					: ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

/* Linux 6.8 added the dump of bound-only TCP sockets; before, the probe answers 0 by design. */
static int kernel_dumps_bound_inactive(void)
{
	struct utsname u;
	int major = 0, minor = 0;
	if (uname(&u) != 0 || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return 1;
	return major > 6 || (major == 6 && minor >= 8);
}

struct host {
	int tcp_port, udp_port;
};

static const char snmp[] =
	"Ip: Forwarding DefaultTTL InReceives\n"
	"Ip: 1 64 120\n"
	"Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails\n"
	"Tcp: 1 200 120000 -1 7 3 2\n"
	"Udp: InDatagrams NoPorts\n"
	"Udp: 5 0\n";

static void t_snmp(void)
{
	CHECK_INT((int)sandbox_net_snmp_value(snmp, strlen(snmp), "Tcp", "ActiveOpens"), 7);
	CHECK_INT((int)sandbox_net_snmp_value(snmp, strlen(snmp), "Tcp", "AttemptFails"), 2);
	CHECK_INT((int)sandbox_net_snmp_value(snmp, strlen(snmp), "Udp", "InDatagrams"), 5);
	CHECK_INT((int)sandbox_net_snmp_value(snmp, strlen(snmp), "Tcp", "MaxConn"), -1); /* negative: not a count */
	CHECK_INT((int)sandbox_net_snmp_value(snmp, strlen(snmp), "Tcp", "Nope"), -1);
	CHECK_INT((int)sandbox_net_snmp_value(snmp, strlen(snmp), "Icmp", "InMsgs"), -1);
	static const char cut[] = "Tcp: RtoAlgorithm ActiveOpens\n"; /* no values line */
	CHECK_INT((int)sandbox_net_snmp_value(cut, strlen(cut), "Tcp", "ActiveOpens"), -1);
	static const char short_vals[] = "Tcp: RtoAlgorithm ActiveOpens\nTcp: 1\n";
	CHECK_INT((int)sandbox_net_snmp_value(short_vals, strlen(short_vals), "Tcp", "ActiveOpens"), -1);
}

static void t_live(void *arg)
{
	const struct host *h = arg;
	char err[SANDBOX_ERRBUF_SIZE];
	struct sandbox *sb = sandbox_enter(err);
	CHECK(sb != NULL);
	if (!sb) {
		fprintf(stderr, "sandbox_enter: %s\n", err);
		return;
	}
	/* The host's sockets are not in this namespace. */
	CHECK_INT(sandbox_port_bound(h->tcp_port, NULL, err), 0);
	CHECK_INT(sandbox_port_bound(h->udp_port, NULL, err), 0);

	int a, b, c, d, e;
	long opens0 = sandbox_tcp_active_opens(err);
	CHECK_INT((int)opens0, 0); /* a fresh namespace has started no connection */
	int fa = sock_on(AF_INET, SOCK_STREAM, "127.0.0.1", 1, &a);
	int fb = sock_on(AF_INET, SOCK_DGRAM, "127.0.0.2", 0, &b);
	int fe = sock_on(AF_INET, SOCK_STREAM, "127.0.0.1", 0, &e); /* bound, not listening */
	CHECK(fa >= 0 && fb >= 0 && fe >= 0);
	CHECK_INT(sandbox_port_bound(a, "tcp", err), 1);
	CHECK_INT(sandbox_port_bound(a, NULL, err), 1);
	CHECK_INT(sandbox_port_bound(a, "udp", err), 0);
	CHECK_INT(sandbox_port_bound(b, "udp", err), 1);
	CHECK_INT(sandbox_port_bound(b, "tcp", err), 0);
	CHECK_INT(sandbox_port_bound(e, "tcp", err), 0);
	/* bound but not listening: seen by sock_diag (Linux >= 6.8), distinct from a listener */
	int diag = sandbox_port_bound_inactive(e, err);
	CHECK(diag == 1 || (diag == 0 && !kernel_dumps_bound_inactive()));
	CHECK_INT(sandbox_port_bound_inactive(a, err), 0); /* a listener is not "bound inactive" */
	CHECK_INT(sandbox_port_bound_inactive(b, err), 0); /* nor a UDP socket */
	int v6 = socket(AF_INET6, SOCK_DGRAM, 0);
	if (v6 >= 0) {
		close(v6);
		int fc = sock_on(AF_INET6, SOCK_STREAM, "::1", 1, &c);
		int fd = sock_on(AF_INET6, SOCK_DGRAM, "::1", 0, &d);
		CHECK(fc >= 0 && fd >= 0);
		CHECK_INT(sandbox_port_bound(c, "tcp", err), 1);
		CHECK_INT(sandbox_port_bound(c, "udp", err), 0);
		CHECK_INT(sandbox_port_bound(d, "udp", err), 1);
		CHECK_INT(sandbox_port_bound(d, NULL, err), 1);
		close(fc);
		close(fd);
		CHECK_INT(sandbox_port_bound(c, NULL, err), 0);
		CHECK_INT(sandbox_port_bound(d, NULL, err), 0);
	} else {
		printf("live: IPv6 unavailable, ::1 not checked\n");
	}
	/* Closed sockets are gone at once (a listener without connections leaves no TIME_WAIT). */
	close(fa);
	close(fb);
	close(fe);
	CHECK_INT(sandbox_port_bound(a, NULL, err), 0);
	CHECK_INT(sandbox_port_bound(b, NULL, err), 0);
	CHECK_INT(sandbox_port_bound_inactive(e, err), 0);
	/* A refused connect() still counts as a connection started (its SYN was sent). */
	int fr = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)a),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	CHECK(fr >= 0 && connect(fr, (struct sockaddr *)&to, sizeof to) != 0 && errno == ECONNREFUSED);
	if (fr >= 0)
		close(fr);
	CHECK_INT((int)sandbox_tcp_active_opens(err), (int)opens0 + 1);

	/* A program's listener is seen too (same namespace). */
	struct sandbox_proc p;
	char cmd[256];
	snprintf(cmd, sizeof cmd, "exec /usr/bin/python3 -c 'import socket,sys; s=socket.socket(); "
				  "s.bind((\"127.0.0.3\", %d)); s.listen(); print(\"up\", flush=True); "
				  "sys.stdin.readline()'", a);
	if (access("/usr/bin/python3", X_OK) == 0 && sandbox_spawn(sb, cmd, 5, &p, err) == 0) {
		char out[16];
		testkit_read(p.stdout_fd, out, sizeof out, "up\n", 5);
		CHECK_STR(out, "up\n");
		CHECK_INT(sandbox_port_bound(a, "tcp", err), 1);
		sandbox_proc_stop(&p, 1);
		sandbox_proc_close(&p);
	}

	/* Bad arguments. */
	CHECK_INT(sandbox_port_bound(0, NULL, err), -1);
	CHECK(strstr(err, "range") != NULL);
	CHECK_INT(sandbox_port_bound(65536, NULL, err), -1);
	CHECK_INT(sandbox_port_bound(80, "sctp", err), -1);
	CHECK(strstr(err, "sctp") != NULL);
	sandbox_destroy(sb);
}

int main(void)
{
	t_parse();
	t_snmp();
	struct host h;
	int ht = sock_on(AF_INET, SOCK_STREAM, "127.0.0.1", 1, &h.tcp_port);
	int hu = sock_on(AF_INET, SOCK_DGRAM, "127.0.0.1", 0, &h.udp_port);
	CHECK(ht >= 0 && hu >= 0);
	char err[SANDBOX_ERRBUF_SIZE];
	CHECK_INT(sandbox_port_bound(h.tcp_port, "tcp", err), 1); /* seen on the host */
	CHECK_INT(sandbox_port_bound(h.udp_port, "udp", err), 1);
	testkit_in_worker("live", t_live, &h, 15);
	close(ht);
	close(hu);
	return unit_summary();
}
