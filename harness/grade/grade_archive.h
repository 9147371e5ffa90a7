/* grade_archive.h: unpacking a class archive (.zip, .tar.gz, ...) safely with libarchive. */
#ifndef SOCKCHECK_GRADE_ARCHIVE_H
#define SOCKCHECK_GRADE_ARCHIVE_H

#include <stddef.h>

/* Limits that keep a hostile archive from filling the disk or the inode table. */
struct grade_archive_limits {
	unsigned long long max_total; /* bytes of all files together */
	unsigned long long max_file;  /* bytes of one file */
	size_t max_entries;
};
#define GRADE_ARCHIVE_LIMITS_DEFAULT {1ull << 30, 256ull << 20, 20000}

/* 1 when path names a file libarchive can read as an archive (by its name: .zip, .tar, .tar.gz, .tgz). */
int grade_archive_is(const char *path);

/* Extracts archive into the existing empty folder dest. Refuses (returns -1 with err, dest may then hold a
 * partial extraction) an entry with an absolute path or "..", a link that points outside dest, a device
 * or fifo, and an archive past the limits. Returns 0. */
int grade_archive_extract(const char *archive, const char *dest, const struct grade_archive_limits *lim,
			  char *err, size_t errlen);

#endif
