/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TUI_TERM_H
#define TUI_TERM_H

#include <stdio.h>

struct app;

/* Why term_run() stopped other than by q. */
enum term_err {
	TERM_OK = 0,
	TERM_NO_TTY = -1,	/* stdin or stdout is not a terminal */
	TERM_NO_INIT = -2,	/* curses could not start (TERM?) */
	TERM_INPUT_LOST = -3,	/* the terminal went away (hangup, EOF) */
};

/* Interactive: run on the terminal until q. Return: an enum term_err. */
int term_run(struct app *app);

/*
 * Headless: keys from @script, screens dumped to @out as text at a fixed
 * size. Return: 0, or -1 with a message on stderr for a bad script line.
 */
int script_run(struct app *app, FILE *script, FILE *out, int cols, int lines);

#endif
