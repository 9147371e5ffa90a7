/* selftest_mutant.c: finding the mutants (tests/mutants/<profile>/<name>.c|.py) and reading their headers. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "selftest.h"

#define MUTANT_MAX_BYTES (1 << 20)

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

void selftest_mutant_free_one(struct selftest_mutant *m)
{
	if (!m)
		return;
	free(m->profile);
	free(m->name);
	free(m->file);
	free(m->defect);
	free(m->role);
	free(m->args);
	for (size_t i = 0; i < m->nkilled_by; i++)
		free(m->killed_by[i]);
	free(m->killed_by);
	free(m->cmd);
	memset(m, 0, sizeof *m);
}

void selftest_mutant_free(struct selftest_mutant *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		selftest_mutant_free_one(&v[i]);
	free(v);
}

/* The header block: C: the text of the first comment; Python: the leading '#' lines (after a shebang).
 * Returns a malloc'd copy with comment markers removed, one header line per line. */
static char *header_block(const char *text, int python)
{
	const char *p = text;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	if (!f)
		return NULL;
	if (!python) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (strncmp(p, "/*", 2) == 0) {
			const char *end = strstr(p + 2, "*/");
			if (end) {
				for (const char *q = p + 2; q < end; q++)
					fputc(*q, f);
			}
		}
	} else {
		if (strncmp(p, "#!", 2) == 0)
			p = strchrnul(p, '\n') + (strchr(p, '\n') ? 1 : 0);
		while (*p == '#') {
			const char *eol = strchrnul(p, '\n');
			const char *q = p + 1;
			if (*q == ' ')
				q++;
			fwrite(q, 1, (size_t)(eol - q), f);
			fputc('\n', f);
			p = *eol ? eol + 1 : eol;
		}
	}
	fclose(f);
	return out;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '*')
		s++;
	char *e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static int valid_word(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!(( *s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_' || *s == '.'))
			return 0;
	return 1;
}

/* Appends " text" to *field (or sets it). */
static int extend(char **field, const char *text)
{
	char *s;
	if (*field == NULL)
		s = strdup(text);
	else if (asprintf(&s, "%s %s", *field, text) < 0)
		s = NULL;
	if (!s)
		return -1;
	free(*field);
	*field = s;
	return 0;
}

static int split_cases(struct selftest_mutant *m, const char *list, const char *path, char *err, size_t errlen)
{
	char *copy = strdup(list), *save = NULL;
	if (!copy)
		return fail(err, errlen, "%s: out of memory", path);
	for (char *w = strtok_r(copy, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save)) {
		if (!valid_word(w)) {
			fail(err, errlen, "%s: killed-by: '%s' is not a case name", path, w);
			free(copy);
			return -1;
		}
		char **v = realloc(m->killed_by, (m->nkilled_by + 1) * sizeof *v);
		if (v)
			m->killed_by = v;
		if (!v || !(v[m->nkilled_by] = strdup(w))) {
			free(copy);
			return fail(err, errlen, "%s: out of memory", path);
		}
		m->nkilled_by++;
	}
	free(copy);
	return 0;
}

int selftest_mutant_parse(const char *path, const char *text, struct selftest_mutant *m, char *err,
			  size_t errlen)
{
	memset(m, 0, sizeof *m);
	const char *dot = strrchr(path, '.');
	if (!dot || (strcmp(dot, ".c") != 0 && strcmp(dot, ".py") != 0))
		return fail(err, errlen, "%s: a mutant is a .c or .py file", path);
	m->python = strcmp(dot, ".py") == 0;
	char *block = header_block(text, m->python);
	if (!block)
		return fail(err, errlen, "%s: out of memory", path);
	char *id = NULL, *killed = NULL, **last = NULL;
	int rc = 0;
	char *save = NULL;
	for (char *line = strtok_r(block, "\n", &save); line && rc == 0; line = strtok_r(NULL, "\n", &save)) {
		int cont = line[0] == ' ' || line[0] == '\t';
		char *t = trim(line);
		if (!*t) {
			last = NULL;
			continue;
		}
		if (cont && last) {
			rc = extend(last, t);
			continue;
		}
		char *colon = strchr(t, ':');
		if (!colon) {
			last = NULL;
			continue; /* prose after the header fields */
		}
		*colon = '\0';
		char *key = trim(t), *val = trim(colon + 1);
		char **field = strcmp(key, "mutant") == 0	 ? &id
			       : strcmp(key, "defect") == 0	 ? &m->defect
			       : strcmp(key, "killed-by") == 0 ? &killed
			       : strcmp(key, "role") == 0	 ? &m->role
			       : strcmp(key, "args") == 0	 ? &m->args
							 : NULL;
		if (!field) {
			last = NULL;
			continue;
		}
		if (*field) {
			rc = fail(err, errlen, "%s: '%s' given twice in the header", path, key);
			break;
		}
		rc = extend(field, val);
		last = field;
	}
	free(block);
	if (rc == 0 && !id)
		rc = fail(err, errlen, "%s: no 'mutant: PROFILE/NAME' line in the first comment block", path);
	char *slash = id ? strchr(id, '/') : NULL;
	if (rc == 0 && (!slash || strchr(slash + 1, '/')))
		rc = fail(err, errlen, "%s: mutant: '%s' is not PROFILE/NAME", path, id);
	if (rc == 0) {
		*slash = '\0';
		m->profile = strdup(id);
		m->name = strdup(slash + 1);
		if (!valid_word(m->profile) || !valid_word(m->name))
			rc = fail(err, errlen, "%s: mutant: '%s/%s' has characters other than letters, digits, -_.",
				  path, m->profile, m->name);
	}
	if (rc == 0 && (!m->defect || !*m->defect))
		rc = fail(err, errlen, "%s: no 'defect:' line: say in one sentence what is wrong", path);
	if (rc == 0 && (!killed || !*killed))
		rc = fail(err, errlen, "%s: no 'killed-by:' line: name the cases that must catch it", path);
	if (rc == 0)
		rc = split_cases(m, killed, path, err, errlen);
	if (rc == 0 && !m->role && !(m->role = strdup("server")))
		rc = fail(err, errlen, "%s: out of memory", path);
	if (rc == 0 && strcmp(m->role, "server") != 0 && strcmp(m->role, "client") != 0)
		rc = fail(err, errlen, "%s: role: '%s' (use server or client)", path, m->role);
	if (rc == 0 && m->args && !strstr(m->args, "{port}") && !strstr(m->args, "{path}"))
		rc = fail(err, errlen, "%s: args: '%s' holds neither {port} nor {path}", path, m->args);
	if (rc == 0) {
		/* The file must sit at <profile>/<name>.<ext>, so that the CMake output path matches. */
		char *copy = strdup(path);
		char *base = copy ? strrchr(copy, '/') : NULL;
		char *b = base ? base + 1 : copy;
		char *dir_end = base;
		if (copy && dir_end) {
			*dir_end = '\0';
			char *pdir = strrchr(copy, '/');
			pdir = pdir ? pdir + 1 : copy;
			size_t nl = strlen(b) - strlen(dot);
			if (strcmp(pdir, m->profile) != 0)
				rc = fail(err, errlen, "%s: mutant: profile '%s' but the file is in directory '%s'", path,
					  m->profile, pdir);
			else if (strlen(m->name) != nl || strncmp(b, m->name, nl) != 0)
				rc = fail(err, errlen, "%s: mutant: name '%s' does not match the file name", path, m->name);
		} else if (copy) {
			rc = fail(err, errlen, "%s: a mutant must be in a <profile>/ directory", path);
		}
		free(copy);
	}
	if (rc == 0 && !(m->file = strdup(path)))
		rc = fail(err, errlen, "%s: out of memory", path);
	free(id);
	free(killed);
	if (rc != 0)
		selftest_mutant_free_one(m);
	return rc;
}

static char *read_text(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fail(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	char *buf = malloc(MUTANT_MAX_BYTES + 1);
	size_t n = buf ? fread(buf, 1, MUTANT_MAX_BYTES, f) : 0;
	fclose(f);
	if (!buf) {
		fail(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int set_command(struct selftest_mutant *m, const char *build_dir, char *err, size_t errlen)
{
	const char *args = m->args ? m->args : strcmp(m->role, "client") == 0 ? "{host} {port}" : "{port}";
	char abs[PATH_MAX];
	int n;
	if (m->python) {
		if (!realpath(m->file, abs))
			return fail(err, errlen, "%s: %s", m->file, strerror(errno));
		n = asprintf(&m->cmd, "python3 %s %s", abs, args);
	} else {
		char bin[PATH_MAX];
		snprintf(bin, sizeof bin, "%s/mutants/%s/%s", build_dir, m->profile, m->name);
		if (!realpath(bin, abs) || access(abs, X_OK) != 0)
			return fail(err, errlen, "%s: not built: %s is missing (build with cmake --build %s)", m->file,
				    bin, build_dir);
		n = asprintf(&m->cmd, "%s %s", abs, args);
	}
	if (n < 0) {
		m->cmd = NULL;
		return fail(err, errlen, "out of memory");
	}
	if (strchr(m->cmd, '\'') || strchr(m->cmd, '"') || strpbrk(abs, " \t\\$`;&|<>()*?"))
		return fail(err, errlen, "%s: its path has characters a command template cannot hold", m->file);
	return 0;
}

int selftest_mutant_load(const char *dir, const char *build_dir, struct selftest_mutant **out, size_t *n,
			 char *err, size_t errlen)
{
	*out = NULL;
	*n = 0;
	struct dirent **profiles = NULL;
	int np = scandir(dir, &profiles, NULL, by_name);
	if (np < 0)
		return errno == ENOENT ? 0 : fail(err, errlen, "%s: %s", dir, strerror(errno));
	int rc = 0;
	for (int i = 0; i < np; i++) {
		char pdir[PATH_MAX];
		struct stat st;
		snprintf(pdir, sizeof pdir, "%s/%s", dir, profiles[i]->d_name);
		if (rc != 0 || profiles[i]->d_name[0] == '.' || stat(pdir, &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		struct dirent **files = NULL;
		int nf = scandir(pdir, &files, NULL, by_name);
		for (int k = 0; k < nf; k++) {
			const char *fn = files[k]->d_name, *dot = strrchr(fn, '.');
			if (rc == 0 && fn[0] != '.' && dot && (strcmp(dot, ".c") == 0 || strcmp(dot, ".py") == 0)) {
				char path[PATH_MAX + 256];
				snprintf(path, sizeof path, "%s/%s", pdir, fn);
				char *text = read_text(path, err, errlen);
				struct selftest_mutant m;
				struct selftest_mutant *v = text ? realloc(*out, (*n + 1) * sizeof **out) : NULL;
				if (!text)
					rc = -1;
				else if (!v)
					rc = fail(err, errlen, "out of memory");
				else if ((*out = v, selftest_mutant_parse(path, text, &m, err, errlen)) != 0)
					rc = -1;
				else if (set_command(&m, build_dir, err, errlen) != 0) {
					selftest_mutant_free_one(&m);
					rc = -1;
				} else {
					(*out)[(*n)++] = m;
				}
				free(text);
			}
			free(files[k]);
		}
		free(files);
	}
	for (int i = 0; i < np; i++)
		free(profiles[i]);
	free(profiles);
	if (rc != 0) {
		selftest_mutant_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}
