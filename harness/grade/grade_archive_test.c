/* grade_archive_test.c: unit tests of class archives: zip and tar.gz extract; traversal, links out, bombs refused. */
#define _GNU_SOURCE
#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "grade_archive.h"
#include "grade_find.h"
#include "unit.h"

UNIT_STATE;

static char dir[] = "/tmp/sockcheck-archive-test-XXXXXX";

struct entry {
	const char *name;
	mode_t type;      /* AE_IFREG, AE_IFDIR, AE_IFLNK, AE_IFIFO */
	const char *data; /* file content, or link target */
	size_t repeat;    /* file: data written this many times (0: once) */
};

/* Writes an archive (zip when zip, else tar.gz) holding entries. */
static char *make(const char *name, int zip, const struct entry *e, size_t n)
{
	char *path;
	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return NULL;
	struct archive *a = archive_write_new();
	if (zip) {
		archive_write_set_format_zip(a);
	} else {
		archive_write_set_format_pax_restricted(a);
		archive_write_add_filter_gzip(a);
	}
	archive_write_open_filename(a, path);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *en = archive_entry_new();
		archive_entry_set_pathname(en, e[i].name);
		archive_entry_set_filetype(en, e[i].type);
		archive_entry_set_perm(en, 0644);
		size_t len = e[i].type == AE_IFREG ? strlen(e[i].data) * (e[i].repeat ? e[i].repeat : 1) : 0;
		if (e[i].type == AE_IFLNK)
			archive_entry_set_symlink(en, e[i].data);
		archive_entry_set_size(en, (la_int64_t)len);
		archive_write_header(a, en);
		for (size_t r = 0; e[i].type == AE_IFREG && r < (e[i].repeat ? e[i].repeat : 1); r++)
			archive_write_data(a, e[i].data, strlen(e[i].data));
		archive_entry_free(en);
	}
	archive_write_close(a);
	archive_write_free(a);
	return path;
}

static char *fresh(const char *name)
{
	char *p;
	if (asprintf(&p, "%s/%s", dir, name) < 0)
		return NULL;
	mkdir(p, 0700);
	return p;
}

static int is_file(const char *d, const char *rel)
{
	char *p;
	struct stat st;
	if (asprintf(&p, "%s/%s", d, rel) < 0)
		return 0;
	int ok = lstat(p, &st) == 0 && S_ISREG(st.st_mode);
	free(p);
	return ok;
}

static void test_good(void)
{
	const struct entry e[] = {
		{"class/", AE_IFDIR, NULL, 0},
		{"class/ada/server.py", AE_IFREG, "print('hi')\n", 0},
		{"class/bob/lab/server.c", AE_IFREG, "int main(void) { return 0; }\n", 0},
		{"class/bob/lab/link.c", AE_IFLNK, "server.c", 0},
	};
	for (int zip = 0; zip <= 1; zip++) {
		char *arc = make(zip ? "good.zip" : "good.tar.gz", zip, e, 4), *out = fresh(zip ? "good-zip" : "good-tgz");
		char err[512] = "";
		struct grade_archive_limits lim = GRADE_ARCHIVE_LIMITS_DEFAULT;
		CHECK(grade_archive_is(arc));
		CHECK_INT(grade_archive_extract(arc, out, &lim, err, sizeof err), 0);
		if (*err)
			fprintf(stderr, "%s\n", err);
		CHECK(is_file(out, "class/ada/server.py"));
		CHECK(is_file(out, "class/bob/lab/server.c"));
		/* The wrapper folder and bob's nested folder are found. */
		struct grade_found *f;
		size_t n;
		CHECK_INT(grade_find(out, NULL, &f, &n, err, sizeof err), 0);
		CHECK_INT(n, 2);
		if (n == 2) {
			CHECK_STR(f[0].name, "ada");
			CHECK_STR(f[1].name, "bob");
			CHECK_STR(f[1].source, "class/bob/lab");
		}
		grade_found_free(f, n);
		free(arc);
		free(out);
	}
}

/* Each hostile archive is refused with this reason. */
static void test_hostile(void)
{
	static const struct {
		const char *file;
		struct entry e;
		const char *why;
	} bad[] = {
		{"dotdot.tar.gz", {"class/../../evil.txt", AE_IFREG, "x", 0}, "a path outside the folder"},
		{"abs.tar.gz", {"/tmp/evil.txt", AE_IFREG, "x", 0}, "a path outside the folder"},
		{"link.tar.gz", {"class/ada/out", AE_IFLNK, "../../../etc/passwd", 0}, "a symbolic link to outside"},
		{"abslink.zip", {"class/ada/out", AE_IFLNK, "/etc/passwd", 0}, "a symbolic link to outside"},
		{"fifo.tar.gz", {"class/ada/fifo", AE_IFIFO, NULL, 0}, "a device, fifo or socket"},
		{"big.tar.gz", {"class/ada/big", AE_IFREG, "0123456789abcdef", 4096}, "larger than the per-file limit"},
	};
	struct grade_archive_limits lim = {1u << 20, 32u << 10, 100};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int zip = strstr(bad[i].file, ".zip") != NULL;
		char *arc = make(bad[i].file, zip, &bad[i].e, 1), name[64], err[512] = "";
		snprintf(name, sizeof name, "bad%zu", i);
		char *out = fresh(name);
		CHECK_INT(grade_archive_extract(arc, out, &lim, err, sizeof err), -1);
		if (!strstr(err, bad[i].why)) {
			unit_failed++;
			fprintf(stderr, "%s: want \"%s\", got \"%s\"\n", bad[i].file, bad[i].why, err);
		} else {
			unit_passed++;
		}
		free(arc);
		free(out);
	}
	CHECK(access("/tmp/evil.txt", F_OK) != 0);
	/* Too many entries. */
	struct entry many[8];
	char names[8][32];
	for (int i = 0; i < 8; i++) {
		snprintf(names[i], sizeof names[i], "class/f%d", i);
		many[i] = (struct entry){names[i], AE_IFREG, "x", 0};
	}
	struct grade_archive_limits few = {1u << 20, 1u << 20, 5};
	char *arc = make("many.tar.gz", 0, many, 8), *out = fresh("many"), err[512] = "";
	CHECK_INT(grade_archive_extract(arc, out, &few, err, sizeof err), -1);
	CHECK(strstr(err, "more entries than the limit") != NULL);
	/* All the files together too large. */
	struct grade_archive_limits small = {40, 1u << 20, 100};
	char *out2 = fresh("total");
	CHECK_INT(grade_archive_extract(arc, out2, &small, err, sizeof err), 0); /* 8 bytes: fits */
	struct entry two[] = {{"a", AE_IFREG, "0123456789", 3}, {"b", AE_IFREG, "0123456789", 3}};
	char *arc2 = make("total.tar.gz", 0, two, 2), *out3 = fresh("total2");
	CHECK_INT(grade_archive_extract(arc2, out3, &small, err, sizeof err), -1);
	CHECK(strstr(err, "more data than the archive limit") != NULL);
	/* Not an archive at all. */
	char *junk;
	if (asprintf(&junk, "%s/junk.zip", dir) >= 0) {
		FILE *f = fopen(junk, "w");
		if (f) {
			fputs("this is not a zip file\n", f);
			fclose(f);
		}
		char *out4 = fresh("junk");
		CHECK_INT(grade_archive_extract(junk, out4, &lim, err, sizeof err), -1);
		CHECK(strstr(err, "junk.zip") != NULL);
		free(out4);
		free(junk);
	}
	CHECK(!grade_archive_is("class/notes.txt"));
	free(arc);
	free(arc2);
	free(out);
	free(out2);
	free(out3);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_good();
	test_hostile();
	grade_remove_tree(dir);
	return unit_summary();
}
