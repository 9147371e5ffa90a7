/* grade_find.h: finding the submissions in a class folder, and copying one to grade it. */
#ifndef SOCKCHECK_GRADE_FIND_H
#define SOCKCHECK_GRADE_FIND_H

#include <stddef.h>

struct grade_found {
	char *name;   /* the submission's name: the folder's, or group 1 of the name pattern; safe as a file name */
	char *path;   /* the folder whose files are graded (one deeper when the files sit there), absolute */
	char *source; /* that folder, relative to the class folder */
	char *label;  /* the name as written (group 1, or the folder's name), for LMS files: "Ada Lovelace" */
	char *lms_id; /* group 2 of the name pattern when it has one (Moodle's participant number), or NULL */
};

/* Lists the submissions of class folder root: one per subfolder (dot folders and __MACOSX skipped), sorted
 * by name. A root holding nothing but one folder of folders (an archive's wrapper) is descended into; a
 * submission holding nothing but one folder is too (at most 3 levels). pattern (NULL: none) is an extended
 * regex; a folder name it matches is named by its group 1 (and group 2, if any, is its LMS id). Two folders giving one name are an error.
 * Returns 0 with *v (caller frees with grade_found_free), or -1 with err. */
int grade_find(const char *root, const char *pattern, struct grade_found **v, size_t *n, char *err, size_t errlen);
void grade_found_free(struct grade_found *v, size_t n);

/* Makes a name safe as a file name and a CSV cell: letters, digits, '.', '-', '_', '@', '+'; the rest '_'. */
void grade_find_safe_name(char *s);

/* Copies the regular files and folders under src into dst (created), without following links.
 * 0, or -1 with err. */
int grade_copy_tree(const char *src, const char *dst, char *err, size_t errlen);

/* Removes a tree (not following links). 0, or -1 when something stayed. */
int grade_remove_tree(const char *path);

#endif
