/* rng_test.c: the generator is deterministic, seed-sensitive and in range. */
#include "rng.h"
#include "unit.h"

UNIT_STATE;

int main(void)
{
	struct rng a, b, c;
	rng_seed(&a, 7);
	rng_seed(&b, 7);
	rng_seed(&c, 8);
	int same = 1, differ = 0;
	for (int i = 0; i < 1000; i++) {
		uint64_t x = rng_next(&a), y = rng_next(&b), z = rng_next(&c);
		same &= x == y;
		differ |= x != z;
	}
	CHECK(same);
	CHECK(differ);

	/* Known first value for seed 0 pins the algorithm: a change would break replay of old grades. */
	struct rng r;
	rng_seed(&r, 0);
	CHECK_INT(rng_next(&r), 0x99ec5f36cb75f2b4ULL);

	int in_range = 1, seen[10] = {0};
	for (int i = 0; i < 10000; i++) {
		uint64_t v = rng_below(&r, 10);
		in_range &= v < 10;
		if (v < 10)
			seen[v]++;
	}
	CHECK(in_range);
	for (int i = 0; i < 10; i++)
		CHECK(seen[i] > 800 && seen[i] < 1200);

	double u = rng_unit(&r);
	CHECK(u >= 0.0 && u < 1.0);
	CHECK(rng_derive(1, 2) != rng_derive(1, 3));
	CHECK(rng_derive(1, 2) == rng_derive(1, 2));
	return unit_summary();
}
