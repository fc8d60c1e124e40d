/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An off-screen grid of cells, each a character and a colour *role*.
 *
 * Every view draws here and never calls curses. Two backends read the grid:
 * term.c copies it to the real terminal, and canvas_dump() writes it as text
 * for the headless scripted mode. Screen tests therefore exercise the very
 * code that draws the real screen, without a terminal, a pty or terminfo, so
 * golden files cannot drift with TERM, locale or ncurses version.
 */
#ifndef TUI_CANVAS_H
#define TUI_CANVAS_H

#include <stdarg.h>
#include <stdio.h>

/* Colours are named by what they mean, not by what they look like (htop). */
enum role {
	R_NORMAL,
	R_TITLE,	/* top bar */
	R_STATUS,	/* bottom bar */
	R_HEADER,	/* column and section headers */
	R_CURSOR,	/* selected line, focused pane */
	R_CURSOR_DIM,	/* selected line, other pane */
	R_PASS,
	R_FAIL,
	R_WARN,
	R_DIM,		/* secondary text, collapsed runs */
	R_HILITE,	/* the selected field's bytes in the hex view */
	R_CHANGED,	/* a PCR that differs */
	R_MARK,		/* documents marked for the diff */
	R_KEY,		/* key names in help and the status line */
	R_BORDER,
	R_COUNT
};

struct cell {
	char ch;		/* printable ASCII only: see canvas_put() */
	unsigned char role;
};

struct canvas {
	int w, h;
	struct cell *cells;
};

struct rect {
	int x, y, w, h;
};

int canvas_resize(struct canvas *c, int w, int h);
void canvas_free(struct canvas *c);
void canvas_fill(struct canvas *c, struct rect r, enum role role);
int canvas_put(struct canvas *c, int x, int y, int maxw, enum role role,
	       const char *s);
int canvas_putn(struct canvas *c, int x, int y, int maxw, enum role role,
		const char *s, size_t n);
__attribute__((format(printf, 6, 7)))
int canvas_printf(struct canvas *c, int x, int y, int maxw, enum role role,
		  const char *fmt, ...);
void canvas_set_role(struct canvas *c, int x, int y, int w, enum role role);
void canvas_dump(const struct canvas *c, FILE *f, int with_roles);
char canvas_role_letter(enum role role);

#endif
