/* rng.h: the one seeded generator behind every random choice (data, faults), so a seed replays a run. */
#ifndef SOCKCHECK_RNG_H
#define SOCKCHECK_RNG_H

#include <stddef.h>
#include <stdint.h>

/* xoshiro256** seeded through splitmix64. Same seed, same sequence, on every machine. */
struct rng {
	uint64_t s[4];
};

void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
/* Uniform in [0, n); n > 0. */
uint64_t rng_below(struct rng *r, uint64_t n);
/* Uniform in [0, 1). */
double rng_unit(struct rng *r);
void rng_fill(struct rng *r, unsigned char *buf, size_t len);
/* Derives an independent seed for a sub-stream (a case, a data item, a relay direction). */
uint64_t rng_derive(uint64_t seed, uint64_t salt);

#endif
