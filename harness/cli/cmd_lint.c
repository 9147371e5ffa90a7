/* cmd_lint.c: `sockcheck lint`: checks case files without running them and lists every error. */
#define _GNU_SOURCE /* asprintf, memmem */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "grade_assign.h"
#include "scenario_parse.h"

struct paths {
	char **v;
	size_t n, cap;
};

static int paths_add(struct paths *ps, const char *dir, const char *name)
{
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 32;
		char **v = realloc(ps->v, cap * sizeof *v);
		if (!v)
			return -1;
		ps->v = v;
		ps->cap = cap;
	}
	char *s;
	if (dir) {
		size_t dl = strlen(dir);
		int slash = dl > 0 && dir[dl - 1] == '/';
		if (asprintf(&s, "%s%s%s", dir, slash ? "" : "/", name) < 0)
			return -1;
	} else if (!(s = strdup(name)))
		return -1;
	ps->v[ps->n++] = s;
	return 0;
}

static void paths_free(struct paths *ps)
{
	for (size_t k = 0; k < ps->n; k++)
		free(ps->v[k]);
	free(ps->v);
}

static int path_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *name, const char *suffix)
{
	size_t n = strlen(name), m = strlen(suffix);
	return n > m && strcmp(name + n - m, suffix) == 0;
}

static int is_case(const char *name)
{
	return ends_with(name, ".case") || ends_with(name, ".assignment");
}

/* An assignment file (`sockcheck grade`, docs/grading.md): its errors go to stderr. Returns how many. */
static size_t lint_assignment(const char *path)
{
	char *diags = NULL;
	size_t n = 0;
	struct grade_assignment *a = grade_assign_parse(path, &diags, &n);
	if (diags)
		fprintf(stderr, "%s\n", diags);
	free(diags);
	grade_assign_free(a);
	return a || n ? n : 1;
}

/* Adds every *.case under dir (recursively). Returns 0, or -1 after printing why a path is unreadable. */
static int collect(struct paths *ps, const char *dir, int depth)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "sockcheck lint: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char *sub;
		if (asprintf(&sub, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", e->d_name) < 0) {
			rc = -1;
			break;
		}
		struct stat st;
		if (stat(sub, &st) < 0) {
			fprintf(stderr, "sockcheck lint: %s: %s\n", sub, strerror(errno));
			rc = -1;
		} else if (S_ISDIR(st.st_mode)) {
			if (depth < 32 && collect(ps, sub, depth + 1) < 0)
				rc = -1;
		} else if (is_case(e->d_name) && paths_add(ps, NULL, sub) < 0) {
			rc = -1;
		}
		free(sub);
	}
	closedir(d);
	return rc;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: sockcheck lint [--quiet] FILE_OR_DIR...\n\n"
		     "Checks case files and assignment files (*.assignment, for `sockcheck grade`) without\n"
		     "running them. A directory stands for every *.case and *.assignment file under it\n"
		     "(recursively, in sorted order). Every error is printed to stderr as\n"
		     "file:line:col: message, then a summary line \"N files, M errors\" to stdout.\n\n"
		     "options:\n"
		     "  --quiet   print the errors only, no summary line\n"
		     "  --help    show this help\n\n"
		     "Exit status: 0 all files clean, 1 an error in a file, 2 usage error or unreadable path.\n"
		     "The language is described in docs/scenario-language.md.\n");
}

int cmd_lint(int argc, char **argv)
{
	int quiet = 0, nargs = 0, options_done = 0;
	for (int k = 1; k < argc; k++) {
		if (!options_done && strcmp(argv[k], "--") == 0)
			options_done = 1;
		else if (!options_done && (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0)) {
			usage(stdout);
			return EXIT_PASS;
		} else if (!options_done && (strcmp(argv[k], "--quiet") == 0 || strcmp(argv[k], "-q") == 0))
			quiet = 1;
		else if (!options_done && argv[k][0] == '-' && argv[k][1]) {
			fprintf(stderr, "sockcheck lint: unknown option '%s'\n", argv[k]);
			usage(stderr);
			return EXIT_USAGE;
		} else
			nargs++;
	}
	if (nargs == 0) {
		usage(stderr);
		return EXIT_USAGE;
	}

	struct paths files = {0};
	int unreadable = 0;
	options_done = 0;
	for (int k = 1; k < argc; k++) {
		const char *a = argv[k];
		if (!options_done && strcmp(a, "--") == 0) {
			options_done = 1;
			continue;
		}
		if (!options_done && a[0] == '-' && a[1])
			continue;
		struct stat st;
		if (stat(a, &st) < 0) {
			fprintf(stderr, "sockcheck lint: %s: %s\n", a, strerror(errno));
			unreadable = 1;
		} else if (S_ISDIR(st.st_mode)) {
			struct paths sub = {0};
			if (collect(&sub, a, 0) < 0)
				unreadable = 1;
			if (sub.n)
				qsort(sub.v, sub.n, sizeof *sub.v, path_cmp);
			for (size_t i = 0; i < sub.n; i++)
				if (paths_add(&files, NULL, sub.v[i]) < 0)
					unreadable = 1;
			paths_free(&sub);
		} else if (paths_add(&files, NULL, a) < 0)
			unreadable = 1;
	}

	size_t errors = 0, checked = 0;
	for (size_t k = 0; k < files.n; k++) {
		FILE *f = fopen(files.v[k], "rb");
		if (!f) {
			fprintf(stderr, "sockcheck lint: %s: %s\n", files.v[k], strerror(errno));
			unreadable = 1;
			continue;
		}
		fclose(f);
		if (ends_with(files.v[k], ".assignment")) {
			errors += lint_assignment(files.v[k]);
			checked++;
			continue;
		}
		struct scenario_diags diags = {0};
		struct scenario *s = scenario_parse_file(files.v[k], &diags);
		checked++;
		for (size_t i = 0; i < diags.n; i++)
			fprintf(stderr, "%s\n", diags.msgs[i]);
		errors += diags.n;
		if (!s && diags.n == 0)
			errors++;
		scenario_free(s);
		scenario_diags_free(&diags);
	}
	paths_free(&files);
	if (!quiet)
		printf("%zu file%s, %zu error%s\n", checked, checked == 1 ? "" : "s", errors, errors == 1 ? "" : "s");
	if (unreadable)
		return EXIT_USAGE;
	return errors ? EXIT_FAILED : EXIT_PASS;
}
