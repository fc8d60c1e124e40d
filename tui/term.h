/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TUI_TERM_H
#define TUI_TERM_H

#include <stdio.h>

struct app;

/* Interactive: run on the terminal until q. Return: 0, -1 without one. */
int term_run(struct app *app);

/*
 * Headless: keys from @script, screens dumped to @out as text at a fixed
 * size. Return: 0, or -1 with a message on stderr for a bad script line.
 */
int script_run(struct app *app, FILE *script, FILE *out, int cols, int lines);

#endif
