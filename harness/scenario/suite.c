/* suite.c: finding case files and each suite's reference programs (cases/SUITE/suite.conf). */
#define _GNU_SOURCE
#include "suite.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define SUITE_INCLUDE_DEPTH 8 /* deeper than this is a cycle */

struct list {
	struct suite_case *v;
	size_t n, cap;
};

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* The last component of a directory path ("cases/tcp-echo/" gives "tcp-echo"). */
static char *base_of(const char *dir)
{
	size_t len = strlen(dir);
	while (len > 1 && dir[len - 1] == '/')
		len--;
	size_t start = len;
	while (start > 0 && dir[start - 1] != '/')
		start--;
	return strndup(dir + start, len - start);
}

/* The directory part of a file path ("." for a bare name). */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? strndup(path, (size_t)(slash == path ? 1 : slash - path)) : strdup(".");
}

/* dir/rel with "." and ".." resolved lexically, so that an included case reads "cases/tcp-echo/x.case". */
static char *join_clean(const char *dir, const char *rel)
{
	char *joined;
	if (asprintf(&joined, "%s/%s", rel[0] == '/' ? "" : dir, rel) < 0)
		return NULL;
	char *out = malloc(strlen(joined) + 2), *o = out;
	if (!out) {
		free(joined);
		return NULL;
	}
	int absolute = joined[0] == '/';
	size_t kept = 0; /* components in out that a ".." may remove */
	for (char *save = NULL, *w = strtok_r(joined, "/", &save); w; w = strtok_r(NULL, "/", &save)) {
		if (strcmp(w, ".") == 0)
			continue;
		if (strcmp(w, "..") == 0 && kept > 0) {
			while (o > out && o[-1] != '/')
				o--;
			if (o > out)
				o--;
			kept--;
			continue;
		}
		if (o > out || absolute)
			*o++ = '/';
		o = stpcpy(o, w);
		if (strcmp(w, "..") != 0)
			kept++;
	}
	if (o == out)
		*o++ = absolute ? '/' : '.';
	*o = '\0';
	free(joined);
	return out;
}

static int add(struct list *l, const char *path, const char *suite_dir, int included)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct suite_case *v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	struct suite_case *c = &l->v[l->n];
	*c = (struct suite_case){.included = included};
	c->path = strdup(path);
	c->dir = suite_dir ? strdup(suite_dir) : dir_of(path);
	c->suite = c->dir ? base_of(c->dir) : NULL;
	/* Sorted by path, except that a suite's included cases follow its own ("\x7f" sorts last). */
	if (c->path && c->dir && (included ? asprintf(&c->sort_key, "%s/\x7f%s", c->dir, path) < 0
					   : !(c->sort_key = strdup(path))))
		c->sort_key = NULL;
	l->n++;
	return c->path && c->dir && c->suite && c->sort_key ? 0 : -1;
}

static int by_key(const void *a, const void *b)
{
	return strcmp(((const struct suite_case *)a)->sort_key, ((const struct suite_case *)b)->sort_key);
}

/* The words of every `KEYWORD WORD...` line of dir/suite.conf, in order, with each line's number in
 * *lines (when lines is not NULL). Caller frees each word and both arrays. 0 (none for a missing file), or
 * -1 on allocation failure. */
static int conf_words(const char *dir, const char *keyword, char ***words, int **lines, size_t *n)
{
	*words = NULL;
	if (lines)
		*lines = NULL;
	*n = 0;
	char *conf;
	if (asprintf(&conf, "%s/suite.conf", dir) < 0)
		return -1;
	FILE *f = fopen(conf, "r");
	free(conf);
	if (!f)
		return 0;
	char *line = NULL;
	size_t cap = 0, klen = strlen(keyword);
	int rc = 0, lineno = 0;
	while (rc == 0 && getline(&line, &cap, f) >= 0) {
		lineno++;
		line[strcspn(line, "#\r\n")] = '\0';
		char *s = line + strspn(line, " \t");
		if (strncmp(s, keyword, klen) != 0 || (s[klen] != ' ' && s[klen] != '\t'))
			continue;
		for (char *save = NULL, *w = strtok_r(s + klen, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
			char **v = realloc(*words, (*n + 1) * sizeof *v);
			int *nl = lines ? realloc(*lines, (*n + 1) * sizeof *nl) : NULL;
			if (v)
				*words = v;
			if (nl)
				*lines = nl;
			if (!v || (lines && !nl) || !(v[*n] = strdup(w))) {
				rc = -1;
				break;
			}
			if (lines)
				(*lines)[*n] = lineno;
			(*n)++;
		}
	}
	free(line);
	fclose(f);
	return rc;
}

static void words_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int walk(struct list *l, const char *dir, int depth, char *err, size_t errlen);

/* Adds the cases of the suites that dir/suite.conf includes, reported under dir's suite. A case file of
 * dir itself with the same file name replaces the included one. */
static int add_included(struct list *l, const char *dir, size_t own_first, int depth, char *err, size_t errlen)
{
	char **inc;
	int *lines;
	size_t ninc;
	if (conf_words(dir, "include", &inc, &lines, &ninc) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < ninc; i++) {
		char *target = join_clean(dir, inc[i]);
		struct stat st;
		struct list sub = {0};
		if (!target) {
			snprintf(err, errlen, "out of memory");
			rc = -1;
		} else if (depth >= SUITE_INCLUDE_DEPTH) {
			snprintf(err, errlen, "%s/suite.conf:%d: include %s: includes nested deeper than %d (a cycle?)",
				 dir, lines[i], inc[i], SUITE_INCLUDE_DEPTH);
			rc = -1;
		} else if (stat(target, &st) != 0 || !S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "%s/suite.conf:%d: include %s: %s is not a suite directory", dir, lines[i],
				 inc[i], target);
			rc = -1;
		} else {
			rc = walk(&sub, target, depth + 1, err, errlen);
		}
		for (size_t k = 0; rc == 0 && k < sub.n; k++) {
			const char *base = strrchr(sub.v[k].path, '/');
			base = base ? base + 1 : sub.v[k].path;
			int replaced = 0;
			for (size_t m = own_first; m < l->n && !replaced; m++) {
				const char *own = strrchr(l->v[m].path, '/');
				replaced = !l->v[m].included && strcmp(own ? own + 1 : l->v[m].path, base) == 0 &&
					   strcmp(l->v[m].dir, dir) == 0;
			}
			if (!replaced && add(l, sub.v[k].path, dir, 1) != 0) {
				snprintf(err, errlen, "out of memory");
				rc = -1;
			}
		}
		suite_cases_free(sub.v, sub.n);
		free(target);
	}
	words_free(inc, ninc);
	free(lines);
	return rc;
}

static int walk(struct list *l, const char *dir, int depth, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	size_t first = l->n;
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
			rc = walk(l, p, depth, err, errlen);
		else if (ends_with(p, ".case") && add(l, p, NULL, 0) != 0) {
			snprintf(err, errlen, "out of memory");
			rc = -1;
		}
		free(p);
	}
	closedir(d);
	if (rc == 0) {
		/* dir spelled as dir_of() spells it for the cases found in it */
		char *probe = NULL, *same = NULL;
		if (asprintf(&probe, "%s%sx", dir, ends_with(dir, "/") ? "" : "/") >= 0)
			same = dir_of(probe);
		rc = same ? add_included(l, same, first, depth, err, errlen) : -1;
		if (!same)
			snprintf(err, errlen, "out of memory");
		free(probe);
		free(same);
	}
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
			if (walk(&l, paths[i], 0, err, errlen) != 0)
				goto fail;
			if (l.n == first) { /* before qsort: l.v may still be NULL (UBSan: NULL + 0, found by fuzz_suite) */
				snprintf(err, errlen, "%s: no .case files in this directory", paths[i]);
				goto fail;
			}
			qsort(l.v + first, l.n - first, sizeof *l.v, by_key);
		} else if (add(&l, paths[i], NULL, 0) != 0) {
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
		free(v[i].dir);
		free(v[i].sort_key);
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

int suite_reference(const char *dir, const char *bindir, char **server, char **client, char *err, size_t errlen)
{
	*server = *client = NULL;
	char *conf;
	if (asprintf(&conf, "%s/suite.conf", dir) < 0)
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
		if (strncmp(s, "mutants ", 8) == 0 || strncmp(s, "include ", 8) == 0)
			continue; /* for selftest (suite_mutant_profiles) and suite_collect */
		char **slot = strncmp(s, "server ", 7) == 0 ? server : strncmp(s, "client ", 7) == 0 ? client : NULL;
		if (!slot || *slot) {
			snprintf(err, errlen, "%s:%d: expected one 'server CMD' and/or one 'client CMD' line, and "
				 "'mutants PROFILE...' and 'include DIR' lines", conf, lineno);
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
	return conf_words(dir, "mutants", profiles, NULL, n);
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
	/* An AF_UNIX suite (its reference takes {path}) tells the program its socket path instead of a port. */
	int unix_suite = reference ? strstr(reference, "{path}") != NULL : strstr(cmd, "{path}") != NULL;
	if (unix_suite) {
		if (strstr(cmd, "{path}"))
			return 0;
		int n = snprintf(err, errlen, "%s '%s' has no {path}: this suite's %s uses an AF_UNIX socket at a path "
				 "that each case chooses and gives only through {path}", opt, cmd, role);
		if (n >= 0 && (size_t)n < errlen && reference)
			n += snprintf(err + n, errlen - (size_t)n, " (the suite's reference %s runs '%s')", role, reference);
		if (n >= 0 && (size_t)n < errlen)
			snprintf(err + n, errlen - (size_t)n, "; for example %s '%s {path}'", opt, cmd);
		return -1;
	}
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
