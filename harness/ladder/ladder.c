/* ladder.c: the ladder model's storage and names (ladder.h); built by inspect/, drawn by inspect/ and report/. */
#include "ladder.h"

#include <stdlib.h>
#include <string.h>

struct ladder_row *ladder_add(struct ladder *l, enum ladder_kind kind)
{
	if (l->nrows == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct ladder_row *r = realloc(l->rows, cap * sizeof *r);
		if (!r)
			return NULL;
		l->rows = r;
		l->cap = cap;
	}
	struct ladder_row *row = &l->rows[l->nrows++];
	memset(row, 0, sizeof *row);
	row->kind = kind;
	return row;
}

int ladder_set_text(struct ladder_row *row, const char *s)
{
	char *c = strdup(s ? s : "");
	if (!c)
		return -1;
	free(row->text);
	row->text = c;
	return 0;
}

void ladder_free(struct ladder *l)
{
	for (size_t i = 0; i < l->nrows; i++)
		free(l->rows[i].text);
	free(l->rows);
	free(l->flows);
	free(l->case_file);
	memset(l, 0, sizeof *l);
}

const char *ladder_lane_name(const struct ladder *l, enum ladder_lane lane)
{
	static const char *const known[] = {"harness", "relay", "program"};
	static const char *const unknown[] = {"client side", "relay", "server side"};
	return lane < LADDER_NLANES ? (l->roles_known ? known : unknown)[lane] : "?";
}

const char *ladder_fault_name(enum ladder_fault f)
{
	switch (f) {
	case LADDER_FAULT_DROP: return "drop";
	case LADDER_FAULT_DUPLICATE: return "duplicate";
	case LADDER_FAULT_DELAY: return "delay";
	case LADDER_FAULT_OTHER: break;
	}
	return "fault";
}

enum ladder_fault ladder_fault_parse(const char *text)
{
	if (!text)
		return LADDER_FAULT_OTHER;
	if (strstr(text, " drop"))
		return LADDER_FAULT_DROP;
	if (strstr(text, " duplicate"))
		return LADDER_FAULT_DUPLICATE;
	if (strstr(text, " delay"))
		return LADDER_FAULT_DELAY;
	return LADDER_FAULT_OTHER;
}
