// SPDX-License-Identifier: GPL-2.0
/*
 * Opening files and directories. A directory is only listed here: no
 * file is opened, let alone parsed, until the list draws it (doc_load()),
 * so opening 10,000 captures costs one readdir and one sort.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app.h"

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_docs(const void *a, const void *b)
{
	const struct doc *x = *(struct doc *const *)a, *y = *(struct doc *const *)b;

	return strcmp(x->path ? x->path : "", y->path ? y->path : "");
}

/*
 * Add the files of @path; with @known (sorted by path), only those not
 * already in it. Return: the number added, or -1.
 */
static int load_dir(struct app *app, const char *path, char *err,
		    size_t errlen, struct doc **known, size_t nknown)
{
	DIR *dir = opendir(path);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int added = 0;

	if (!dir) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((de = readdir(dir))) {
		/* skip dot files and subdirectories (d_type avoids a stat) */
		if (de->d_name[0] == '.' || de->d_type == DT_DIR)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			names = realloc(names, cap * sizeof(*names));
			if (!names)
				abort();
		}
		names[n] = strdup(de->d_name);
		if (!names[n++])
			abort();
	}
	closedir(dir);
	qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(path) + strlen(names[i]) + 2;
		char *full = malloc(len);

		if (!full)
			abort();
		snprintf(full, len, "%s/%s", path, names[i]);
		if (known) {
			struct doc key = { .path = full }, *kp = &key;

			if (bsearch(&kp, known, nknown, sizeof(*known),
				    cmp_docs)) {
				free(full);
				free(names[i]);
				continue;
			}
		}
		app_add_doc(app, doc_new_file(full, names[i]));
		added++;
		free(full);
		free(names[i]);
	}
	free(names);
	return added;
}

int load_path(struct app *app, const char *path, char *err, size_t errlen)
{
	struct stat st;
	const char *base;

	if (stat(path, &st)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		char **d = realloc(app->dirs, (app->ndirs + 1) * sizeof(*d));

		if (!d || !(d[app->ndirs] = strdup(path)))
			abort();
		app->dirs = d;
		app->ndirs++;
		return load_dir(app, path, err, errlen, NULL, 0) < 0 ? -1 : 0;
	}
	base = strrchr(path, '/');
	app_add_doc(app, doc_new_file(path, base && base[1] ? base + 1 : path));
	return 0;
}

/*
 * Look for files that appeared in the directories since they were opened
 * (a capture directory keeps growing). New documents go to the end of the
 * list. Return: how many were added.
 */
int rescan_dirs(struct app *app)
{
	struct doc **known;
	char err[256];
	int added = 0;

	if (!app->ndirs)
		return 0;
	known = malloc((app->ndocs ? app->ndocs : 1) * sizeof(*known));
	if (!known)
		abort();
	memcpy(known, app->docs, app->ndocs * sizeof(*known));
	qsort(known, app->ndocs, sizeof(*known), cmp_docs);
	for (int i = 0, n = app->ndocs; i < app->ndirs; i++) {
		int k = load_dir(app, app->dirs[i], err, sizeof(err), known, n);

		if (k > 0)
			added += k;
	}
	free(known);
	return added;
}
