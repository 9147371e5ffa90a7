/* trace_tcp.h: TCP connection tracking for trace.c (private to the trace module). */
#ifndef SOCKCHECK_TRACE_TCP_H
#define SOCKCHECK_TRACE_TCP_H

#include "trace.h"

/* Data further than this beyond the contiguous stream is not kept (flagged OUT_OF_WINDOW). */
#define TRACE_TCP_MAX_AHEAD ((uint64_t)64 << 20)

/* Starts connection `number` with the frame that opened it: decides which side is the client. */
void trace_tcp_init(struct trace_tcp *c, size_t number, const struct trace_frame *f);
/* 1 if f is a fresh SYN reusing the 4-tuple of the finished connection c (a new connection). */
int trace_tcp_starts_new(const struct trace_tcp *c, const struct trace_frame *f);
/* Accounts for one decoded TCP frame of c: sets f->dir, rel_seq/ack, flags. -1 when out of memory. */
int trace_tcp_packet(struct trace_tcp *c, struct trace_frame *f);
/* After the last frame: holes and missing bytes. */
void trace_tcp_finish(struct trace_tcp *c);
/* Frees what c owns (not c itself). */
void trace_tcp_release(struct trace_tcp *c);

#endif
