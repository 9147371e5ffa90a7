/* scenario_data.h: turns a scenario data value ("text", hex, random, pattern) into the bytes it stands for. */
#ifndef SOCKCHECK_SCENARIO_DATA_H
#define SOCKCHECK_SCENARIO_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

/* The largest data value (and the largest size the language accepts): 64 MiB. */
#define SCENARIO_DATA_MAX ((uint64_t)64 * 1024 * 1024)

/* Renders a data value to bytes. Random items use seed = rng_derive(case_seed, item's explicit seed if
 * has_seed else its salt (line * 1000 + item index)), so the same case and seed give the same bytes.
 * "{i}" in BYTES items with has_var is replaced by the decimal `iteration` (1-based; 0 means outside
 * repeat: "{i}" is left as is). Caller frees *out with free(). Returns 0, or -1 with the reason in err
 * (more than SCENARIO_DATA_MAX bytes, an empty pattern unit, out of memory). */
int scenario_data_render(const struct scenario_data *d, uint64_t case_seed, int iteration,
			 unsigned char **out, size_t *outlen, char *err, size_t errlen);

/* The number of bytes the value renders to with "{i}" unexpanded (saturates at UINT64_MAX). */
uint64_t scenario_data_size(const struct scenario_data *d);

/* Expands "{i}" in a name template to the decimal iteration (iteration 0: a plain copy). Caller frees with
 * free(); NULL when out of memory. */
char *scenario_expand_name(const char *tmpl, int iteration);

#endif
