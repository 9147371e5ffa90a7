/* suite.c: finding case files and each suite's reference programs (cases/SUITE/suite.conf). */
#define _GNU_SOURCE
#include "suite.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct list {
	struct suite_case *v;
	size_t n, cap;
};

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static char *suite_of(const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return NULL;
	char *slash = strrchr(copy, '/');
	if (!slash) {
		free(copy);
		return strdup(".");
	}
	*slash = '\0';
	char *prev = strrchr(copy, '/');
	char *name = strdup(prev ? prev + 1 : copy);
	free(copy);
	return name;
}

static int add(struct list *l, const char *path)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct suite_case *v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].path = strdup(path);
	l->v[l->n].suite = suite_of(path);
	if (!l->v[l->n].path || !l->v[l->n].suite)
		return -1;
	l->n++;
	return 0;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct suite_case *)a)->path, ((const struct suite_case *)b)->path);
}

static int walk(struct list *l, const char *dir, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *p;
		if (asprintf(&p, "%s%s%s", dir, ends_with(dir, "/") ? "" : "/", e->d_name) < 0) {
			rc = -1;
			break;
		}
		struct stat st;
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
			rc = walk(l, p, err, errlen);
		else if (ends_with(p, ".case"))
			rc = add(l, p);
		free(p);
	}
	closedir(d);
	return rc;
}

int suite_collect(char *const *paths, size_t npaths, struct suite_case **out, size_t *n, char *err,
		  size_t errlen)
{
	struct list l = {0};
	for (size_t i = 0; i < npaths; i++) {
		struct stat st;
		size_t first = l.n;
		if (stat(paths[i], &st) != 0) {
			snprintf(err, errlen, "%s: %s", paths[i], strerror(errno));
			goto fail;
		}
		if (S_ISDIR(st.st_mode)) {
			if (walk(&l, paths[i], err, errlen) != 0)
				goto fail;
			qsort(l.v + first, l.n - first, sizeof *l.v, by_path);
			if (l.n == first) {
				snprintf(err, errlen, "%s: no .case files in this directory", paths[i]);
				goto fail;
			}
		} else if (add(&l, paths[i]) != 0) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
	}
	*out = l.v;
	*n = l.n;
	return 0;
fail:
	suite_cases_free(l.v, l.n);
	return -1;
}

void suite_cases_free(struct suite_case *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].suite);
	}
	free(v);
}

/* Copies s replacing every {bin} with bindir. */
static char *with_bindir(const char *s, const char *bindir)
{
	size_t cap = strlen(s) + 1;
	for (const char *p = strstr(s, "{bin}"); p; p = strstr(p + 5, "{bin}"))
		cap += strlen(bindir);
	char *out = malloc(cap), *o = out;
	if (!out)
		return NULL;
	while (*s) {
		if (strncmp(s, "{bin}", 5) == 0) {
			o = stpcpy(o, bindir);
			s += 5;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

int suite_reference(const char *case_path, const char *bindir, char **server, char **client, char *err,
		    size_t errlen)
{
	*server = *client = NULL;
	const char *slash = strrchr(case_path, '/');
	char *conf;
	if (asprintf(&conf, "%.*ssuite.conf", slash ? (int)(slash - case_path + 1) : 0, case_path) < 0)
		return -1;
	FILE *f = fopen(conf, "r");
	if (!f) {
		free(conf);
		return 0;
	}
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0, rc = 0;
	while (rc == 0 && getline(&line, &cap, f) >= 0) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		char *s = line + strspn(line, " \t");
		if (*s == '\0' || *s == '#')
			continue;
		if (strncmp(s, "mutants ", 8) == 0)
			continue; /* for selftest: suite_mutant_profiles() */
		char **slot = strncmp(s, "server ", 7) == 0 ? server : strncmp(s, "client ", 7) == 0 ? client : NULL;
		if (!slot || *slot) {
			snprintf(err, errlen, "%s:%d: expected one 'server CMD' and/or one 'client CMD' line, and "
				 "'mutants PROFILE...' lines", conf, lineno);
			rc = -1;
			break;
		}
		*slot = with_bindir(s + 7 + strspn(s + 7, " \t"), bindir);
	}
	free(line);
	fclose(f);
	free(conf);
	if (rc != 0) {
		free(*server);
		free(*client);
		*server = *client = NULL;
	}
	return rc;
}

int suite_mutant_profiles(const char *dir, char ***profiles, size_t *n)
{
	*profiles = NULL;
	*n = 0;
	char *conf;
	if (asprintf(&conf, "%s/suite.conf", dir) < 0)
		return -1;
	FILE *f = fopen(conf, "r");
	free(conf);
	if (!f)
		return 0;
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;
	while (rc == 0 && getline(&line, &cap, f) >= 0) {
		line[strcspn(line, "#\r\n")] = '\0';
		char *s = line + strspn(line, " \t");
		if (strncmp(s, "mutants ", 8) != 0)
			continue;
		for (char *save = NULL, *w = strtok_r(s + 8, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
			char **v = realloc(*profiles, (*n + 1) * sizeof *v);
			if (!v || !(v[*n] = strdup(w))) {
				if (v)
					*profiles = v;
				rc = -1;
				break;
			}
			*profiles = v;
			(*n)++;
		}
	}
	free(line);
	fclose(f);
	return rc;
}

/* Inserts text into out (of len bytes) at offset at. */
static void insert_at(char *out, size_t len, size_t at, const char *text)
{
	size_t ol = strlen(out), tl = strlen(text);
	if (ol + tl + 1 > len || at > ol)
		return;
	memmove(out + at + tl, out + at, ol - at + 1);
	memcpy(out + at, text, tl);
}

/* cmd with the placeholders it lacks: {host} if the reference takes it, and {port}, each put beside the
 * other in the reference's order when the command has one, else at the end. */
static void example_command(const char *cmd, const char *reference, char *out, size_t len)
{
	snprintf(out, len, "%s", cmd);
	const char *rh = reference ? strstr(reference, "{host}") : NULL;
	const char *rp = reference ? strstr(reference, "{port}") : NULL;
	int host_first = rh && (!rp || rh < rp);
	if (rh && !strstr(out, "{host}")) {
		char *p = strstr(out, "{port}");
		if (p && host_first)
			insert_at(out, len, (size_t)(p - out), "{host} ");
		else if (p)
			insert_at(out, len, (size_t)(p - out) + 6, " {host}");
		else
			insert_at(out, len, strlen(out), " {host}");
	}
	if (!strstr(out, "{port}")) {
		char *h = strstr(out, "{host}");
		if (h && host_first)
			insert_at(out, len, (size_t)(h - out) + 6, " {port}");
		else if (h && rh)
			insert_at(out, len, (size_t)(h - out), "{port} ");
		else
			insert_at(out, len, strlen(out), " {port}");
	}
}

int suite_command_check(const char *opt, const char *role, const char *cmd, const char *reference, char *err,
			size_t errlen)
{
	const char *why;
	const char *missing = NULL;
	if (!strstr(cmd, "{port}")) {
		missing = "{port}";
		why = "a case tells the program which port to use only through {port} (each case may use its own)";
	} else if (reference && strstr(reference, "{host}") && !strstr(cmd, "{host}")) {
		missing = "{host}";
		why = strcmp(role, "client") == 0 ? "this suite tells the client the address to connect to through {host}"
						  : "this suite tells the server the address to use through {host}";
	} else {
		return 0;
	}
	char example[512];
	example_command(cmd, reference, example, sizeof example);
	int n = snprintf(err, errlen, "%s '%s' has no %s: %s", opt, cmd, missing, why);
	if (n >= 0 && (size_t)n < errlen && reference)
		n += snprintf(err + n, errlen - (size_t)n, " (the suite's reference %s runs '%s')", role, reference);
	if (n >= 0 && (size_t)n < errlen)
		snprintf(err + n, errlen - (size_t)n, "; for example %s '%s'", opt, example);
	return -1;
}
