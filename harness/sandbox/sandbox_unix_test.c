/* sandbox_unix_test.c: sandbox_unix_listening: parsing /proc/net/unix fixtures, and live AF_UNIX sockets. */
#define _GNU_SOURCE
#include "unit.h"
UNIT_STATE;
#include "sandbox.h"
#include "sandbox_int.h"

#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char fixture[] =
	"Num       RefCount Protocol Flags    Type St Inode Path\n"
	"0000000000000000: 00000002 00000000 00010000 0001 01 1001 /tmp/d/listening.sock\n"
	"0000000000000000: 00000002 00000000 00000000 0001 01 1002 /tmp/d/bound.sock\n"
	"0000000000000000: 00000002 00000000 00000000 0002 01 1003 /tmp/d/dgram.sock\n"
	"0000000000000000: 00000002 00000000 00010000 0005 01 1009 /tmp/d/seqpacket.sock\n"
	"0000000000000000: 00000002 00000000 00010000 0001 01 1004 /tmp/d/with space.sock\n"
	"0000000000000000: 00000003 00000000 00000000 0001 03  1005\n"
	"0000000000000000: 00000002 00000000 00010000 0001 01 1006 @abstract\n"
	"0000000000000000: 00000002 00000000 0001000G 0001 01 1007 /tmp/d/bad-flags.sock\n"
	"0000000000000000: 00000002 00000000 00010000 0001 01 1008 /tmp/d/last.sock"; /* no final newline */

static void t_parse(void)
{
	size_t n = strlen(fixture);
	CHECK_INT(sandbox_unix_scan(fixture, n, "/tmp/d/listening.sock"), 2);
	CHECK_INT(sandbox_unix_scan(fixture, n, "/tmp/d/bound.sock"), 1);
	CHECK_INT(sandbox_unix_scan(fixture, n, "/tmp/d/dgram.sock"), 2);   /* a datagram socket: bound is ready */
	CHECK_INT(sandbox_unix_scan(fixture, n, "/tmp/d/seqpacket.sock"), 0); /* another type */
	CHECK_INT(sandbox_unix_scan(fixture, n, "/tmp/d/with space.sock"), 2);
	CHECK_INT(sandbox_unix_scan(fixture, n, "/tmp/d/with"), 0);         /* a prefix is not the path */
	CHECK_INT(sandbox_unix_scan(fixture, n, "/tmp/d/listening"), 0);
	CHECK_INT(sandbox_unix_scan(fixture, n, "@abstract"), 2);
	CHECK_INT(sandbox_unix_scan(fixture, n, "/tmp/d/bad-flags.sock"), 0); /* malformed: skipped */
	CHECK_INT(sandbox_unix_scan(fixture, n, "/tmp/d/last.sock"), 2);
	CHECK_INT(sandbox_unix_scan(fixture, n - 3, "/tmp/d/last.sock"), 0); /* bounded by len */
	CHECK_INT(sandbox_unix_scan("", 0, "/tmp/d/x"), 0);
}

static void t_live(void)
{
	char dir[] = "/tmp/sandbox-unix-test-XXXXXX";
	char err[SANDBOX_ERRBUF_SIZE];
	CHECK(mkdtemp(dir) != NULL);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	snprintf(a.sun_path, sizeof a.sun_path, "%s/s", dir);
	CHECK_INT(sandbox_unix_listening(a.sun_path, err), 0);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(fd >= 0);
	CHECK_INT(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	CHECK_INT(sandbox_unix_listening(a.sun_path, err), 1);
	CHECK_INT(listen(fd, 4), 0);
	CHECK_INT(sandbox_unix_listening(a.sun_path, err), 2);
	close(fd);
	/* The file stays behind (a stale socket), but nothing is bound to it any more. */
	CHECK_INT(access(a.sun_path, F_OK), 0);
	CHECK_INT(sandbox_unix_listening(a.sun_path, err), 0);
	unlink(a.sun_path);
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	CHECK_INT(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	CHECK_INT(sandbox_unix_listening(a.sun_path, err), 2); /* a bound datagram socket is ready */
	close(fd);
	unlink(a.sun_path);
	rmdir(dir);
}

int main(void)
{
	t_parse();
	t_live();
	return unit_summary();
}
