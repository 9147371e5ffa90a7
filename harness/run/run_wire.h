/* run_wire.h: the runner's capture side: record the case, write its timeline, judge `wire` steps. */
#ifndef SOCKCHECK_RUN_WIRE_H
#define SOCKCHECK_RUN_WIRE_H

#include "run_ctx.h"

/* Starts the capture if the options ask for one; without permission, notes that wire checks are
 * skipped and lets the behaviour checks run. Clears c->wire_pending: run_case leaves the start to the
 * first step that may send, or to the first `start`, which overlaps it with the program's set-up. */
void run_wire_start(struct run_ctx *c);
/* Writes pending packets; 0, or -1 with the case's message set. */
int run_wire_pump(struct run_ctx *c);
/* After the programs stopped: closes the capture, turns drops into an error, judges the deferred wire
 * steps (only if the case passed so far), writes the timeline and keeps or deletes the files.
 * Returns the case's final status. */
enum run_status run_wire_finish(struct run_ctx *c, enum run_status s);
/* Releases the finished capture's socket, unless the options leave that to the process's exit. */
void run_wire_release(struct run_ctx *c);

#endif
