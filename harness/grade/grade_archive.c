/* grade_archive.c: extracts a class archive with libarchive, refusing traversal, outside links and bombs. */
#define _GNU_SOURCE
#include "grade_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n > m && strcasecmp(s + n - m, suffix) == 0;
}

int grade_archive_is(const char *path)
{
	static const char *const ext[] = {".zip", ".tar", ".tar.gz", ".tgz", ".tar.xz", ".tar.bz2"};
	for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
		if (ends_with(path, ext[i]))
			return 1;
	return 0;
}

/* 1 when a relative path stays inside its root: not absolute, no ".." component. */
static int inside(const char *p)
{
	if (!p || p[0] == '/' || p[0] == '\0')
		return 0;
	for (const char *s = p; *s;) {
		size_t n = strcspn(s, "/");
		if (n == 2 && s[0] == '.' && s[1] == '.')
			return 0;
		s += n;
		s += strspn(s, "/");
	}
	return 1;
}

/* A symlink target stays inside when, resolved from the link's folder, it never climbs above the root. */
static int link_inside(const char *entry, const char *target)
{
	if (!target || target[0] == '/')
		return 0;
	int depth = 0;
	for (const char *s = entry; *s;) { /* the link's own folder depth */
		size_t n = strcspn(s, "/");
		s += n;
		if (*s) {
			depth++;
			s += strspn(s, "/");
		}
	}
	for (const char *s = target; *s;) {
		size_t n = strcspn(s, "/");
		if (n == 2 && s[0] == '.' && s[1] == '.')
			depth--;
		else if (n > 0 && !(n == 1 && s[0] == '.'))
			depth++;
		if (depth < 0)
			return 0;
		s += n;
		s += strspn(s, "/");
	}
	return 1;
}

static int refuse(char *err, size_t errlen, const char *archive, const char *entry, const char *why)
{
	snprintf(err, errlen, "%s: %s%s%s: refused (an archive must hold plain files and folders inside it)",
		 archive, entry ? entry : "", entry ? ": " : "", why ? why : "unreadable");
	return -1;
}

static int copy_data(struct archive *in, struct archive *out, const char *archive, const char *name,
		     const struct grade_archive_limits *lim, unsigned long long *total, char *err, size_t errlen)
{
	unsigned long long file = 0;
	for (;;) {
		const void *buf;
		size_t size;
		la_int64_t off;
		int r = archive_read_data_block(in, &buf, &size, &off);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_OK)
			return refuse(err, errlen, archive, name, archive_error_string(in));
		file += size;
		*total += size;
		if (file > lim->max_file)
			return refuse(err, errlen, archive, name, "a file larger than the per-file limit");
		if (*total > lim->max_total)
			return refuse(err, errlen, archive, name, "more data than the archive limit");
		if (archive_write_data_block(out, buf, size, off) < ARCHIVE_OK)
			return refuse(err, errlen, archive, name, archive_error_string(out));
	}
}

int grade_archive_extract(const char *archive, const char *dest, const struct grade_archive_limits *lim,
			  char *err, size_t errlen)
{
	struct archive *in = archive_read_new(), *out = archive_write_disk_new();
	if (!in || !out) {
		archive_read_free(in);
		archive_write_free(out);
		snprintf(err, errlen, "%s: out of memory", archive);
		return -1;
	}
	archive_read_support_filter_all(in);
	archive_read_support_format_zip(in);
	archive_read_support_format_tar(in);
	archive_read_support_format_gnutar(in);
	/* Entries are checked to be relative and inside above; libarchive checks again that nothing climbs
	 * out or goes through a link. The paths it gets are absolute: dest (resolved) plus the entry. */
	archive_write_disk_set_options(out, ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
						    ARCHIVE_EXTRACT_NO_OVERWRITE);
	int rc = 0;
	char root[PATH_MAX];
	if (!realpath(dest, root)) {
		snprintf(err, errlen, "%s: %s", dest, strerror(errno));
		rc = -1;
	} else if (archive_read_open_filename(in, archive, 16384) != ARCHIVE_OK) {
		snprintf(err, errlen, "%s: cannot read as an archive: %s", archive, archive_error_string(in));
		rc = -1;
	}
	unsigned long long total = 0;
	size_t entries = 0;
	struct archive_entry *e;
	while (rc == 0) {
		int r = archive_read_next_header(in, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			rc = refuse(err, errlen, archive, NULL, archive_error_string(in));
			break;
		}
		const char *name = archive_entry_pathname(e);
		if (++entries > lim->max_entries) {
			rc = refuse(err, errlen, archive, NULL, "more entries than the limit");
			break;
		}
		if (!inside(name)) {
			rc = refuse(err, errlen, archive, name ? name : "(no name)", "a path outside the folder");
			break;
		}
		mode_t type = archive_entry_filetype(e);
		const char *hard = archive_entry_hardlink(e);
		if (hard && !inside(hard)) {
			rc = refuse(err, errlen, archive, name, "a hard link to outside the folder");
			break;
		}
		if (type == AE_IFLNK && !link_inside(name, archive_entry_symlink(e))) {
			rc = refuse(err, errlen, archive, name, "a symbolic link to outside the folder");
			break;
		}
		if (type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK && !hard) {
			rc = refuse(err, errlen, archive, name, "a device, fifo or socket");
			break;
		}
		if (!hard && type == AE_IFREG && archive_entry_size_is_set(e) &&
		    (unsigned long long)archive_entry_size(e) > lim->max_file) {
			rc = refuse(err, errlen, archive, name, "a file larger than the per-file limit");
			break;
		}
		char *full = NULL, *hfull = NULL;
		if (asprintf(&full, "%s/%s", root, name) < 0 || (hard && asprintf(&hfull, "%s/%s", root, hard) < 0)) {
			rc = refuse(err, errlen, archive, name, "out of memory");
			free(full);
			break;
		}
		/* The entry's own name dies with set_pathname: from here on it is read from full. */
		name = full + strlen(root) + 1;
		archive_entry_set_pathname(e, full);
		if (hard)
			archive_entry_set_hardlink(e, hfull);
		archive_entry_set_perm(e, (archive_entry_perm(e) & 0755) | (type == AE_IFDIR ? 0700 : 0600));
		if (archive_write_header(out, e) < ARCHIVE_WARN)
			rc = refuse(err, errlen, archive, name, archive_error_string(out));
		else if (type == AE_IFREG && !hard)
			rc = copy_data(in, out, archive, name, lim, &total, err, errlen);
		if (rc == 0 && archive_write_finish_entry(out) < ARCHIVE_WARN)
			rc = refuse(err, errlen, archive, name, archive_error_string(out));
		free(full);
		free(hfull);
	}
	archive_read_free(in);
	archive_write_free(out);
	return rc;
}
