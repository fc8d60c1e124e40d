/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The user interface: the screen composed from the list, the view, the
 * title and the status line, and keys dispatched to the app, the list
 * and the views. term.c (curses) and script.c (headless) drive it.
 */
#ifndef TUI_UI_H
#define TUI_UI_H

#include "app.h"

/* Handle one key (keymap.h's TK_* or a character); RF_* flags to redraw. */
unsigned int ui_key(struct app *app, int key);
/* Draw what @flags say into app->cv. */
void ui_render(struct app *app, unsigned int flags);
/* Release the views' private state. */
void ui_free(struct app *app);

#endif /* TUI_UI_H */
