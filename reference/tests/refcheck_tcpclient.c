/* refcheck_tcpclient.c: the tcp-client checks: refused connection, 1 MiB echo, half-close, IPv6 and names. */
#include "refcheck.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MIB (1024 * 1024)

static int spawn_client(struct rc *t, struct rc_proc *p, const char *host)
{
	char *argv[] = { "tcp-client", (char *)host, RC_PORT_STR, NULL };

	return rc_spawn(t, p, RC_PIPE_IN | RC_PIPE_OUT | RC_PIPE_ERR, argv[0], argv);
}

static void check_refused(struct rc *t)
{
	struct rc_proc p;
	unsigned char *out;
	size_t outlen;
	char *err, text[256];

	if (spawn_client(t, &p, "127.0.0.1") < 0)
		return;
	rc_pump(&p, "never sent\n", 11, &out, &outlen, &err, 3000);
	rc_check(t, rc_exit_code(&p) > 0 && rc_exit_code(&p) < 1000 && err[0] != '\0',
		 "connection refused: exits non-zero with a message on stderr (exit %d, stderr \"%s\")",
		 rc_exit_code(&p), rc_escape(text, sizeof text, err, strlen(err)));
	free(out);
	free(err);
	rc_finish(&p);
}

/* 1 MiB of random bytes through tcp-echo-server: only a client that reads while it sends finishes. */
static void check_one_mib_echo(struct rc *t)
{
	char *argv[] = { "tcp-echo-server", RC_PORT_STR, NULL };
	unsigned char *msg = malloc(MIB), *out = NULL;
	struct rc_proc srv, p;
	size_t outlen = 0;
	char *err = NULL;

	if (msg == NULL || rc_start_server(t, &srv, 0, argv[0], argv) < 0)
		goto out;
	rc_random(msg, MIB, 4);
	if (spawn_client(t, &p, "127.0.0.1") == 0) {
		rc_pump(&p, msg, MIB, &out, &outlen, &err, 15000);
		rc_check(t, outlen == MIB && memcmp(out, msg, MIB) == 0 && rc_exit_code(&p) == 0,
			 "1 MiB of random bytes through tcp-echo-server comes back byte-exact, exit 0 (%zu bytes, exit %d)",
			 outlen, rc_exit_code(&p));
		rc_finish(&p);
	}
	kill(srv.pid, SIGTERM);
	rc_wait(&srv, 3000);
out:
	rc_finish(&srv);
	free(msg);
	free(out);
	free(err);
}

/* A fake server on addr: reads the request up to the client's FIN, then answers and closes. */
static void check_half_close(struct rc *t, const char *addr, const char *host)
{
	static const char request[] = "the whole request\n", answer[] = "answered after your FIN\n";
	struct rc_proc p;
	unsigned char *out = NULL;
	size_t outlen = 0;
	char got[64], *err = NULL;
	size_t n;
	enum rc_end end = RC_END_TIMEOUT;
	int lfd = rc_listen(addr, RC_PORT, 0), fd = -1;

	if (!rc_check(t, lfd >= 0, "fake server listens on %s port %d", addr, RC_PORT))
		return;
	if (spawn_client(t, &p, host) < 0)
		goto out;
	rc_send_all(p.in, request, strlen(request));
	close(p.in);
	p.in = -1;
	fd = rc_accept(lfd, 3000);
	n = fd < 0 ? 0 : rc_recv(fd, got, strlen(request), 3000);
	if (fd >= 0)
		end = rc_read_end(fd, 3000);
	rc_check(t, n == strlen(request) && memcmp(got, request, n) == 0 && end == RC_END_EOF,
		 "HOST %s: all of stdin arrives (%zu bytes), then the client's FIN from shutdown(SHUT_WR) (got %s)", host,
		 n, rc_end_name(end));
	rc_check(t, !rc_wait(&p, 0), "HOST %s: the client still runs after its half-close, waiting for the answer",
		 host);
	if (fd >= 0) {
		rc_send_all(fd, answer, strlen(answer));
		close(fd);
		fd = -1;
	}
	rc_pump(&p, "", 0, &out, &outlen, &err, 3000);
	rc_check(t, outlen == strlen(answer) && memcmp(out, answer, outlen) == 0 && rc_exit_code(&p) == 0,
		 "HOST %s: prints the answer and exits 0 when the server closes (%zu bytes, exit %d)", host, outlen,
		 rc_exit_code(&p));
	rc_finish(&p);
out:
	if (fd >= 0)
		close(fd);
	close(lfd);
	free(out);
	free(err);
}

int rc_suite_tcp_client(struct rc *t)
{
	check_refused(t);
	check_one_mib_echo(t);
	check_half_close(t, "127.0.0.1", "127.0.0.1");
	check_half_close(t, "127.0.0.1", "localhost");
	check_half_close(t, "::1", "::1");
	return 0;
}
