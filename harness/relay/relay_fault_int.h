/* relay_fault_int.h: the parsed fault representation shared by relay_fault.c and relay_fault_engine.c. */
#ifndef SOCKCHECK_RELAY_FAULT_INT_H
#define SOCKCHECK_RELAY_FAULT_INT_H

#include <stddef.h>
#include <stdint.h>

enum relay_fault_kind {
	RELAY_F_DROP,
	RELAY_F_LOSS,
	RELAY_F_DUPLICATE,
	RELAY_F_HOLD,
	RELAY_F_SWAP,
	RELAY_F_DELAY,
	RELAY_F_TRUNCATE,
	RELAY_F_CORRUPT,
	RELAY_F_BLACKHOLE,
	RELAY_F_SEGMENT,
	RELAY_F_BANDWIDTH,
	RELAY_F_STALL,
	RELAY_F_RESET_AFTER,
};

/* Direction bits of a fault (RELAY_C2S/RELAY_S2C shifted). */
enum { RELAY_DIR_C2S = 1, RELAY_DIR_S2C = 2 };

struct relay_fault {
	enum relay_fault_kind kind;
	int dirs;        /* RELAY_DIR_* bits; 0 for reset-after */
	uint64_t *nums;  /* drop/duplicate datagram list */
	size_t nnums;
	int all;         /* duplicate all */
	double prob;     /* loss, 0..1 */
	uint64_t n;      /* hold/swap/truncate/corrupt N; segment K; bandwidth rate; stall after; reset N */
	uint64_t m;      /* hold K; swap M; truncate BYTES */
	int64_t d;       /* delay; segment gap; stall duration (ns) */
	int64_t jitter;  /* delay jitter (ns) */
};

struct relay_faults {
	struct relay_fault *v;
	size_t n;
};

#endif
