/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A view's content as lines of text with a role per character. Views
 * build lines from the model; the generic code in lineview.c scrolls,
 * searches and draws them, so each view only says *what* it shows.
 */
#ifndef TUI_LINES_H
#define TUI_LINES_H

#include <stddef.h>

#include "canvas.h"

struct line {
	char *text;
	unsigned char *roles;
	int len, cap;
	int tag;		/* view-defined: a tree node, a PCR, ... */
	int selectable;		/* the cursor may stop here */
	int node;		/* a tree node that opens and closes */
};

struct lines {
	struct line *v;
	int n, cap;
	int sticky;		/* the first lines stay on top when scrolling */
};

void lines_clear(struct lines *ls);
void lines_free(struct lines *ls);
struct line *lines_new(struct lines *ls, int tag);
void line_add(struct line *l, enum role role, const char *s);
void line_addn(struct line *l, enum role role, const char *s, size_t n);
__attribute__((format(printf, 3, 4)))
void line_addf(struct line *l, enum role role, const char *fmt, ...);
void line_pad(struct line *l, enum role role, int col);
void line_role_all(struct line *l, enum role role);

#endif
