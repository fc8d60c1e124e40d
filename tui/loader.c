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

static int load_dir(struct app *app, const char *path, char *err,
		    size_t errlen)
{
	DIR *dir = opendir(path);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;

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
		app_add_doc(app, doc_new_file(full, names[i]));
		free(full);
		free(names[i]);
	}
	free(names);
	return 0;
}

int load_path(struct app *app, const char *path, char *err, size_t errlen)
{
	struct stat st;
	const char *base;

	if (stat(path, &st)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return load_dir(app, path, err, errlen);
	base = strrchr(path, '/');
	app_add_doc(app, doc_new_file(path, base && base[1] ? base + 1 : path));
	return 0;
}
