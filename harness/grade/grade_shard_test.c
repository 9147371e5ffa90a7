/* grade_shard_test.c: unit tests of shards: K/N, CI variables (half set refused), round robin, merge checks. */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include "grade_shard.h"
#include "unit.h"

UNIT_STATE;

/* A stand-in environment: NAME=VALUE pairs. */
static const char *const *vars;
static const char *fake_env(const char *name)
{
	for (size_t i = 0; vars && vars[i]; i += 2)
		if (strcmp(vars[i], name) == 0)
			return vars[i + 1];
	return NULL;
}

static void test_parse(void)
{
	unsigned k = 0, n = 0;
	char err[256];
	CHECK_INT(grade_shard_parse("2/4", &k, &n, err, sizeof err), 0);
	CHECK_INT(k, 2);
	CHECK_INT(n, 4);
	const char *bad[] = {"0/4", "5/4", "2", "a/b", "2/", "/4", "1/0", "1/1001", "-1/4", "1/4x"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK_INT(grade_shard_parse(bad[i], &k, &n, err, sizeof err), -1);
		CHECK(strstr(err, "--shard wants K/N") != NULL);
	}
}

static void test_env(void)
{
	unsigned k = 0, n = 0;
	char err[256];
	const char *none[] = {NULL};
	vars = none;
	CHECK_INT(grade_shard_from_env(fake_env, &k, &n, err, sizeof err), 0);
	const char *gitlab[] = {"CI_NODE_INDEX", "3", "CI_NODE_TOTAL", "3", NULL};
	vars = gitlab;
	CHECK_INT(grade_shard_from_env(fake_env, &k, &n, err, sizeof err), 1);
	CHECK_INT(k, 3);
	CHECK_INT(n, 3);
	const char *kube[] = {"JOB_COMPLETION_INDEX", "0", "SOCKCHECK_SHARD_TOTAL", "2", NULL};
	vars = kube;
	CHECK_INT(grade_shard_from_env(fake_env, &k, &n, err, sizeof err), 1);
	CHECK_INT(k, 1); /* Kubernetes counts from 0 */
	CHECK_INT(n, 2);
	const char *half[] = {"CI_NODE_INDEX", "1", NULL};
	vars = half;
	CHECK_INT(grade_shard_from_env(fake_env, &k, &n, err, sizeof err), -1);
	CHECK(strstr(err, "CI_NODE_INDEX is set but CI_NODE_TOTAL is not") != NULL);
	const char *khalf[] = {"JOB_COMPLETION_INDEX", "1", NULL};
	vars = khalf;
	CHECK_INT(grade_shard_from_env(fake_env, &k, &n, err, sizeof err), -1);
	CHECK(strstr(err, "SOCKCHECK_SHARD_TOTAL is not") != NULL);
	const char *range[] = {"JOB_COMPLETION_INDEX", "2", "SOCKCHECK_SHARD_TOTAL", "2", NULL};
	vars = range;
	CHECK_INT(grade_shard_from_env(fake_env, &k, &n, err, sizeof err), -1);
	CHECK(strstr(err, "counts from 0") != NULL);
	const char *clash[] = {"CI_NODE_INDEX", "1", "CI_NODE_TOTAL", "2", "JOB_COMPLETION_INDEX", "1",
			       "SOCKCHECK_SHARD_TOTAL", "2", NULL};
	vars = clash;
	CHECK_INT(grade_shard_from_env(fake_env, &k, &n, err, sizeof err), -1);
	CHECK(strstr(err, "disagree") != NULL);
}

static void test_mine(void)
{
	/* Every submission is in exactly one of N shards. */
	for (unsigned n = 1; n <= 5; n++)
		for (size_t i = 0; i < 20; i++) {
			int owners = 0;
			for (unsigned k = 1; k <= n; k++)
				owners += grade_shard_mine(i, k, n);
			CHECK_INT(owners, 1);
		}
	CHECK(grade_shard_mine(0, 1, 2) && grade_shard_mine(1, 2, 2) && !grade_shard_mine(1, 1, 2));
}

static void shard(struct grade_class *c, unsigned k, unsigned n, const char *a, const char *b)
{
	memset(c, 0, sizeof *c);
	c->assignment_hash = strdup("aaaa");
	c->suites_hash = strdup("ssss");
	c->version = strdup("0.1.0");
	c->set_hash = strdup("set1");
	c->set_size = 3;
	c->shard = k;
	c->nshards = n;
	c->subs = calloc(2, sizeof *c->subs);
	c->subs[0].name = strdup(a);
	c->nsubs = 1;
	if (b) {
		c->subs[1].name = strdup(b);
		c->nsubs = 2;
	}
}

static void test_check(void)
{
	struct grade_class v[3];
	const char *dirs[] = {"s1", "s2", "s3"};
	char err[512];
	shard(&v[0], 1, 2, "ada", "cy");
	shard(&v[1], 2, 2, "bob", NULL);
	CHECK_INT(grade_shard_check(v, dirs, 2, err, sizeof err), 0);
	/* incomplete: one shard of two */
	CHECK_INT(grade_shard_check(v, dirs, 1, err, sizeof err), -1);
	CHECK(strstr(err, "1 shard folder given but the class was split into 2") != NULL);
	/* the same shard twice */
	grade_class_free(&v[1]);
	shard(&v[1], 1, 2, "bob", NULL);
	CHECK_INT(grade_shard_check(v, dirs, 2, err, sizeof err), -1);
	CHECK(strstr(err, "s1 and s2 are both shard 1/2") != NULL);
	/* overlapping */
	grade_class_free(&v[1]);
	shard(&v[1], 2, 2, "cy", NULL);
	CHECK_INT(grade_shard_check(v, dirs, 2, err, sizeof err), -1);
	CHECK(strstr(err, "submission 'cy' is in both s1 and s2") != NULL);
	/* a submission missing (a shard graded with --only over an empty folder) */
	grade_class_free(&v[1]);
	shard(&v[1], 2, 2, "bob", NULL);
	v[1].set_size = 3;
	free(v[0].subs[1].name);
	v[0].subs[1].name = NULL;
	v[0].nsubs = 1;
	CHECK_INT(grade_shard_check(v, dirs, 2, err, sizeof err), -1);
	CHECK(strstr(err, "the shards hold 2 submissions but the class has 3") != NULL);
	/* different suites */
	free(v[1].suites_hash);
	v[1].suites_hash = strdup("other");
	CHECK_INT(grade_shard_check(v, dirs, 2, err, sizeof err), -1);
	CHECK(strstr(err, "s1 and s2 were graded with different suites") != NULL);
	grade_class_free(&v[0]);
	grade_class_free(&v[1]);
}

int main(void)
{
	test_parse();
	test_env();
	test_mine();
	test_check();
	return unit_summary();
}
