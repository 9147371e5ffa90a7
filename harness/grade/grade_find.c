/* grade_find.c: lists a class folder's submissions (nested ones too), names them, copies and removes trees. */
#define _GNU_SOURCE
#include "grade_find.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int hidden(const char *name)
{
	return name[0] == '.' || strcmp(name, "__MACOSX") == 0;
}

/* Counts a folder's visible files and folders; *only is the one folder's name when it holds just that. */
static int survey(const char *dir, size_t *files, size_t *dirs, char **only)
{
	DIR *d = opendir(dir);
	*files = *dirs = 0;
	*only = NULL;
	if (!d)
		return -1;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (hidden(e->d_name))
			continue;
		char *p;
		struct stat st;
		if (asprintf(&p, "%s/%s", dir, e->d_name) < 0)
			continue;
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			(*dirs)++;
			free(*only);
			*only = strdup(e->d_name);
		} else {
			(*files)++;
		}
		free(p);
	}
	closedir(d);
	if (*files || *dirs != 1) {
		free(*only);
		*only = NULL;
	}
	return 0;
}

/* Moves *path down into its only folder while it holds nothing else (at most levels times). */
static void descend(char **path, char **rel, int levels, int need_grandchildren)
{
	for (int k = 0; k < levels; k++) {
		size_t files, dirs;
		char *only, *next, *nrel;
		if (survey(*path, &files, &dirs, &only) != 0 || !only)
			return;
		if (asprintf(&next, "%s/%s", *path, only) < 0) {
			free(only);
			return;
		}
		if (need_grandchildren) {
			size_t f2, d2;
			char *o2;
			survey(next, &f2, &d2, &o2);
			free(o2);
			if (f2 || d2 == 0) {
				free(next);
				free(only);
				return;
			}
		}
		if (asprintf(&nrel, "%s%s%s", *rel, **rel ? "/" : "", only) < 0)
			nrel = NULL;
		free(only);
		free(*path);
		free(*rel);
		*path = next;
		*rel = nrel ? nrel : strdup("");
	}
}

void grade_find_safe_name(char *s)
{
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_@+", *s))
			*s = '_';
}

static int found_cmp(const void *a, const void *b)
{
	return strcmp(((const struct grade_found *)a)->name, ((const struct grade_found *)b)->name);
}

int grade_find(const char *root, const char *pattern, struct grade_found **v, size_t *n, char *err, size_t errlen)
{
	*v = NULL;
	*n = 0;
	char abs[PATH_MAX];
	if (!realpath(root, abs)) {
		snprintf(err, errlen, "%s: %s", root, strerror(errno));
		return -1;
	}
	regex_t re;
	if (pattern && regcomp(&re, pattern, REG_EXTENDED) != 0) {
		snprintf(err, errlen, "submission-name /%s/ is not a valid regular expression", pattern);
		return -1;
	}
	char *top = strdup(abs), *toprel = strdup("");
	descend(&top, &toprel, 2, 1);
	DIR *d = opendir(top);
	int rc = 0;
	if (!d) {
		snprintf(err, errlen, "%s: %s", top, strerror(errno));
		rc = -1;
	}
	struct dirent *e;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		struct stat st;
		char *path;
		if (hidden(e->d_name) || asprintf(&path, "%s/%s", top, e->d_name) < 0)
			continue;
		if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
			free(path);
			continue;
		}
		struct grade_found *nv = realloc(*v, (*n + 1) * sizeof *nv);
		if (!nv) {
			free(path);
			rc = -1;
			snprintf(err, errlen, "out of memory");
			break;
		}
		*v = nv;
		struct grade_found *f = &nv[(*n)++];
		regmatch_t m[3];
		f->lms_id = NULL;
		if (pattern && regexec(&re, e->d_name, 3, m, 0) == 0 && m[1].rm_so >= 0 && m[1].rm_eo > m[1].rm_so) {
			f->name = strndup(e->d_name + m[1].rm_so, (size_t)(m[1].rm_eo - m[1].rm_so));
			if (re.re_nsub >= 2 && m[2].rm_so >= 0 && m[2].rm_eo > m[2].rm_so)
				f->lms_id = strndup(e->d_name + m[2].rm_so, (size_t)(m[2].rm_eo - m[2].rm_so));
		} else {
			f->name = strdup(e->d_name);
		}
		f->label = f->name ? strdup(f->name) : NULL;
		if (f->name)
			grade_find_safe_name(f->name);
		f->path = path;
		if (asprintf(&f->source, "%s%s%s", toprel, *toprel ? "/" : "", e->d_name) < 0)
			f->source = strdup(e->d_name);
		descend(&f->path, &f->source, 3, 0);
	}
	if (d)
		closedir(d);
	if (pattern)
		regfree(&re);
	free(top);
	free(toprel);
	if (rc == 0 && *n)
		qsort(*v, *n, sizeof **v, found_cmp);
	for (size_t i = 1; rc == 0 && i < *n; i++)
		if (strcmp((*v)[i - 1].name, (*v)[i].name) == 0) {
			snprintf(err, errlen, "two folders are both named '%s' (%s and %s): rename one, or change "
				 "the assignment's submission-name pattern", (*v)[i].name, (*v)[i - 1].source,
				 (*v)[i].source);
			rc = -1;
		}
	if (rc != 0) {
		grade_found_free(*v, *n);
		*v = NULL;
		*n = 0;
	}
	return rc;
}

void grade_found_free(struct grade_found *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].path);
		free(v[i].source);
		free(v[i].label);
		free(v[i].lms_id);
	}
	free(v);
}

static int copy_file(const char *src, const char *dst, mode_t mode)
{
	int in = open(src, O_RDONLY | O_NOFOLLOW), out = -1, rc = -1;
	if (in >= 0)
		out = open(dst, O_WRONLY | O_CREAT | O_EXCL, (mode & 0755) | 0600);
	char buf[65536];
	ssize_t got;
	if (in >= 0 && out >= 0) {
		rc = 0;
		while ((got = read(in, buf, sizeof buf)) > 0)
			if (write(out, buf, (size_t)got) != got) {
				rc = -1;
				break;
			}
		if (got < 0)
			rc = -1;
	}
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return rc;
}

static int copy_dir(const char *src, const char *dst, int depth, char *err, size_t errlen)
{
	if (mkdir(dst, 0755) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dst, strerror(errno));
		return -1;
	}
	DIR *d = opendir(src);
	if (!d) {
		snprintf(err, errlen, "%s: %s", src, strerror(errno));
		return -1;
	}
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *s = NULL, *t = NULL;
		struct stat st;
		if (asprintf(&s, "%s/%s", src, e->d_name) >= 0 && asprintf(&t, "%s/%s", dst, e->d_name) >= 0 &&
		    lstat(s, &st) == 0) {
			if (S_ISDIR(st.st_mode) && depth < 32)
				rc = copy_dir(s, t, depth + 1, err, errlen);
			else if (S_ISREG(st.st_mode) && copy_file(s, t, st.st_mode) != 0) {
				snprintf(err, errlen, "cannot copy %s: %s", s, strerror(errno));
				rc = -1;
			}
		}
		free(s);
		free(t);
	}
	closedir(d);
	return rc;
}

int grade_copy_tree(const char *src, const char *dst, char *err, size_t errlen)
{
	return copy_dir(src, dst, 0, err, errlen);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) != 0 && errno != ENOENT ? -1 : 0;
}

int grade_remove_tree(const char *path)
{
	return nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS);
}
