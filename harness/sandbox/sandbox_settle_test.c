/* sandbox_settle_test.c: what counts as "in flight" in /proc/net/tcp text (handshakes, FINs, RSTs). */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "sandbox_int.h"
#include "unit.h"

UNIT_STATE;

#define HDR "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
#define TAIL " 00000000:00000000 00:00000000 00000000     0        0 1 1\n"
#define LISTEN "   0: 00000000:2328 00000000:0000 0A" TAIL
/* The harness (port 0xA2C4) and the program (port 9000 = 0x2328), one connection, in states H and P. */
#define PAIR(h, p) "   1: 0100007F:A2C4 0100007F:2328 " h TAIL "   2: 0100007F:2328 0100007F:A2C4 " p TAIL
#define HARNESS_ONLY(h) "   1: 0100007F:A2C4 0100007F:2328 " h TAIL
#define PROGRAM_ONLY(p) "   2: 0100007F:2328 0100007F:A2C4 " p TAIL

static int quiet(const char *text)
{
	return sandbox_settle_tcp_quiet(text, strlen(text));
}

int main(void)
{
	CHECK_INT(quiet(""), 1);
	CHECK_INT(quiet(HDR), 1);
	CHECK_INT(quiet(HDR LISTEN), 1);
	CHECK_INT(quiet(HDR LISTEN PAIR("01", "01")), 1); /* established, nothing closing */

	/* the harness closed: its FIN is on its way while the program's side is still ESTABLISHED */
	CHECK_INT(quiet(HDR LISTEN PAIR("04", "01")), 0);
	CHECK_INT(quiet(HDR LISTEN PAIR("05", "01")), 0);
	/* the FIN arrived (CLOSE_WAIT): quiet, whether or not the program has closed yet */
	CHECK_INT(quiet(HDR LISTEN PAIR("05", "08")), 1);
	CHECK_INT(quiet(HDR LISTEN PAIR("04", "08")), 1);
	/* the program closed in turn: its FIN travels to the harness in FIN_WAIT2 */
	CHECK_INT(quiet(HDR LISTEN PAIR("05", "09")), 0);
	CHECK_INT(quiet(HDR LISTEN PAIR("06", "09")), 1); /* received: TIME_WAIT, the last ACK is not awaited */
	CHECK_INT(quiet(HDR LISTEN HARNESS_ONLY("06")), 1); /* all over */
	CHECK_INT(quiet(HDR LISTEN PAIR("0B", "0B")), 1); /* crossed FINs, both received */

	/* the harness reset (gone at once): the program's side still ESTABLISHED means the RST is on its way */
	CHECK_INT(quiet(HDR LISTEN PROGRAM_ONLY("01")), 0);
	CHECK_INT(quiet(HDR LISTEN PROGRAM_ONLY("08")), 0);

	/* handshakes under way */
	CHECK_INT(quiet(HDR LISTEN HARNESS_ONLY("02")), 0);
	CHECK_INT(quiet(HDR LISTEN PAIR("01", "03")), 0);

	/* IPv6 rows have longer addresses; malformed lines are skipped */
	CHECK_INT(quiet(HDR "   0: 00000000000000000000000001000000:A2C4 00000000000000000000000001000000:2328 04" TAIL
			"   1: 00000000000000000000000001000000:2328 00000000000000000000000001000000:A2C4 01" TAIL),
		  0);
	CHECK_INT(quiet(HDR "garbage\n   7: nonsense\n" LISTEN), 1);
	return unit_summary();
}
