/* run.h: runs one parsed case in the calling process (a dedicated worker) and fills its result. */
#ifndef SOCKCHECK_RUN_H
#define SOCKCHECK_RUN_H

#include <stdint.h>

#include "result.h"
#include "sandbox.h"
#include "scenario.h"

enum run_keep { RUN_KEEP_FAILED, RUN_KEEP_ALL, RUN_KEEP_NONE };

struct run_options {
	const char *server_cmd;   /* replaces {server}; NULL: the suite's reference */
	const char *client_cmd;   /* replaces {client}; NULL: the suite's reference */
	const char *ref_server;   /* the suite's reference commands (already absolute) */
	const char *ref_client;
	double time_scale;        /* multiplies every deadline; >= 0.1 */
	uint64_t seed;            /* run seed; a case's own `seed` header wins */
	const char *capture_path; /* where to write this case's pcap (NULL: no capture) */
	enum run_keep keep;
	const char *reproduce;    /* one-line command that re-runs this case alone */
	const struct sandbox_config *sandbox; /* what programs see and may use; NULL: the defaults */
	/* 1: the capture's packet socket is left open for the process's exit to release (its release waits
	 * for an RCU grace period, ~25 ms): for a worker that exits right after reporting the result. */
	int release_capture_at_exit;
	/* Called once the case's sandbox is entered and its capture is open, before its clock starts and its
	 * first step runs; NULL: none. A runner blocks in it to prepare a case while the one before runs, so
	 * that those ~15 ms (the capture waits for the kernel) come off the critical path. */
	void (*ready)(void *arg);
	void *ready_arg;
};

/* Runs sc. Must be called in a single-threaded process dedicated to this case (it enters namespaces).
 * Always fills r with a definite verdict; never exits. suite names the profile the case belongs to. */
void run_case(const struct scenario *sc, const char *suite, const struct run_options *o, struct result *r);

#endif
