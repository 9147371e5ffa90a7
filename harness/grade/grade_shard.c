/* grade_shard.c: shard selection (K/N, GitLab and Kubernetes variables) and the checks before a merge. */
#include "grade_shard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int number(const char *s, unsigned long *v)
{
	char *end;
	if (!s || !*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 6)
		return -1;
	*v = strtoul(s, &end, 10);
	return 0;
}

int grade_shard_parse(const char *arg, unsigned *k, unsigned *n, char *err, size_t errlen)
{
	const char *slash = arg ? strchr(arg, '/') : NULL;
	char left[16];
	unsigned long a, b;
	if (!slash || (size_t)(slash - arg) >= sizeof left) {
		snprintf(err, errlen, "--shard wants K/N (e.g. 2/4: the second of four), got '%s'", arg ? arg : "");
		return -1;
	}
	memcpy(left, arg, (size_t)(slash - arg));
	left[slash - arg] = '\0';
	if (number(left, &a) != 0 || number(slash + 1, &b) != 0 || b < 1 || b > 1000 || a < 1 || a > b) {
		snprintf(err, errlen, "--shard wants K/N with 1 <= K <= N <= 1000 (K is 1-based), got '%s'", arg);
		return -1;
	}
	*k = (unsigned)a;
	*n = (unsigned)b;
	return 0;
}

/* One pair of variables: 1 set, 0 unset, -1 half set or malformed. base is 0 or 1 (the index's origin). */
static int pair(const char *(*get)(const char *), const char *iname, const char *tname, unsigned base, unsigned *k,
		unsigned *n, char *err, size_t errlen)
{
	const char *i = get(iname), *t = get(tname);
	int has_i = i && *i, has_t = t && *t;
	if (!has_i && !has_t)
		return 0;
	if (!has_i || !has_t) {
		snprintf(err, errlen, "%s is set but %s is not: set both (or neither) to pick a shard", has_i ? iname : tname,
			 has_i ? tname : iname);
		return -1;
	}
	unsigned long a, b;
	if (number(i, &a) != 0 || number(t, &b) != 0 || b < 1 || b > 1000 || a < base || a - base >= b) {
		snprintf(err, errlen, "%s=%s and %s=%s do not name a shard (%s counts from %u)", iname, i, tname, t, iname,
			 base);
		return -1;
	}
	*k = (unsigned)(a - base + 1);
	*n = (unsigned)b;
	return 1;
}

int grade_shard_from_env(const char *(*get)(const char *name), unsigned *k, unsigned *n, char *err, size_t errlen)
{
	unsigned gk = 0, gn = 0, kk = 0, kn = 0;
	int g = pair(get, "CI_NODE_INDEX", "CI_NODE_TOTAL", 1, &gk, &gn, err, errlen);
	if (g < 0)
		return -1;
	int kube = pair(get, "JOB_COMPLETION_INDEX", "SOCKCHECK_SHARD_TOTAL", 0, &kk, &kn, err, errlen);
	if (kube < 0)
		return -1;
	if (g && kube && (gk != kk || gn != kn)) {
		snprintf(err, errlen, "GitLab's CI_NODE_INDEX/CI_NODE_TOTAL (%u/%u) and Kubernetes's "
			 "JOB_COMPLETION_INDEX/SOCKCHECK_SHARD_TOTAL (%u/%u) disagree: unset one pair", gk, gn, kk, kn);
		return -1;
	}
	if (!g && !kube)
		return 0;
	*k = g ? gk : kk;
	*n = g ? gn : kn;
	return 1;
}

int grade_shard_mine(size_t i, unsigned k, unsigned n)
{
	return n <= 1 || i % n == (size_t)(k - 1);
}

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int grade_shard_check(const struct grade_class *v, const char *const *dirs, size_t n, char *err, size_t errlen)
{
	if (n == 0) {
		snprintf(err, errlen, "no shard folders given");
		return -1;
	}
	const struct grade_class *a = &v[0];
	for (size_t i = 1; i < n; i++) {
		const struct grade_class *b = &v[i];
		const char *what = !same(a->assignment_hash, b->assignment_hash) ? "assignment files"
				   : !same(a->suites_hash, b->suites_hash)     ? "suites"
				   : !same(a->version, b->version)             ? "sockcheck versions"
				   : !same(a->set_hash, b->set_hash)           ? "sets of submissions"
				   : a->nshards != b->nshards                  ? "shard counts"
									       : NULL;
		if (what) {
			snprintf(err, errlen, "%s and %s were graded with different %s: regrade them with the same "
				 "assignment, suites and sockcheck", dirs[0], dirs[i], what);
			return -1;
		}
	}
	if (n != a->nshards) {
		snprintf(err, errlen, "%zu shard folder%s given but the class was split into %u: give every shard once",
			 n, n == 1 ? "" : "s", a->nshards);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (v[i].shard == v[j].shard) {
				snprintf(err, errlen, "%s and %s are both shard %u/%u: give every shard once", dirs[i],
					 dirs[j], v[i].shard, v[i].nshards);
				return -1;
			}
	size_t total = 0;
	for (size_t i = 0; i < n; i++) {
		total += v[i].nsubs;
		for (size_t s = 0; s < v[i].nsubs; s++)
			for (size_t j = i; j < n; j++)
				for (size_t t = j == i ? s + 1 : 0; t < v[j].nsubs; t++)
					if (strcmp(v[i].subs[s].name, v[j].subs[t].name) == 0) {
						snprintf(err, errlen, "submission '%s' is in both %s and %s: shards must not "
							 "overlap", v[i].subs[s].name, dirs[i], dirs[j]);
						return -1;
					}
	}
	if (total != a->set_size) {
		snprintf(err, errlen, "the shards hold %zu submissions but the class has %zu: a shard is incomplete "
			 "(run with --only or regrade it)", total, a->set_size);
		return -1;
	}
	return 0;
}
