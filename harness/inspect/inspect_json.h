/* inspect_json.h: the inspect report as JSON, for tools. */
#ifndef SOCKCHECK_INSPECT_JSON_H
#define SOCKCHECK_INSPECT_JSON_H

#include <stdio.h>

#include "inspect.h"

/* Writes {file, link_type, frames, flows[], packets[], steps[]} to out; with ref, that flow's streams
 * instead (hex bytes per direction plus the frame of each segment). 0, or -1 with err. */
int inspect_json_print(FILE *out, const struct trace *t, const struct inspect_options *o,
		       const struct inspect_flow_ref *ref, char *err, size_t errlen);

#endif
