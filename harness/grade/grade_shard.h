/* grade_shard.h: splitting a class across machines (--shard K/N, CI variables) and checking shards to merge. */
#ifndef SOCKCHECK_GRADE_SHARD_H
#define SOCKCHECK_GRADE_SHARD_H

#include <stddef.h>

#include "grade_class.h"

/* Parses "K/N" (1 <= K <= N <= 1000). 0, or -1 with err. */
int grade_shard_parse(const char *arg, unsigned *k, unsigned *n, char *err, size_t errlen);

/* The shard a CI runner gives through its environment (get is getenv or a test's stand-in): GitLab's
 * CI_NODE_INDEX (1-based) and CI_NODE_TOTAL, or Kubernetes's JOB_COMPLETION_INDEX (0-based) with
 * SOCKCHECK_SHARD_TOTAL. Returns 1 with *k, *n when one pair is set, 0 when none is, -1 with err when a
 * pair is half set, malformed, or the two pairs disagree. */
int grade_shard_from_env(const char *(*get)(const char *name), unsigned *k, unsigned *n, char *err, size_t errlen);

/* Whether submission number i (0-based, in name order) belongs to shard k of n: round robin. */
int grade_shard_mine(size_t i, unsigned k, unsigned n);

/* Checks shard summaries before a merge: same assignment, suites, sockcheck version, class and shard count;
 * every shard exactly once; no submission in two shards; every submission of the class present. dirs name
 * the shards in messages. 0, or -1 with err saying what is wrong and what to do. */
int grade_shard_check(const struct grade_class *v, const char *const *dirs, size_t n, char *err, size_t errlen);

#endif
