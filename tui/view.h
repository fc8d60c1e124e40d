/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The views of the lower pane (tig's design). Each is a struct view_ops:
 * it turns the model into lines (build), may handle actions of its own
 * (key), and can export itself as JSON. A view's own state is its
 * private_size bytes, zeroed, allocated when the view is first shown and
 * handed to every hook; the app holds none of it. Scrolling, the cursor,
 * search and drawing are shared (lineview.h).
 */
#ifndef TUI_VIEW_H
#define TUI_VIEW_H

#include <stddef.h>

#include "app.h"

struct view_ops {
	const char *name;	/* "detail", also the export's file name */
	const char *hint;	/* keys shown on the separator line */
	size_t private_size;	/* the view's own state */
	/* the cursor belongs to the selected document: back to the top when
	 * another is selected */
	int per_doc;
	/* Set up the private state, before the first build (optional). */
	void (*open)(struct app *app, void *priv);
	/* Release what the private state holds, at exit (optional). */
	void (*close)(void *priv);
	/* Fill @ls for the current state. Called before every draw. */
	void (*build)(struct app *app, void *priv, struct lines *ls);
	/* Handle a view-specific action; RF_UNHANDLED to decline. */
	unsigned int (*key)(struct app *app, void *priv, enum action a);
	/* The two-second timer while the view is shown (optional). */
	unsigned int (*tick)(struct app *app, void *priv);
	/* Write the view's members of the export's JSON object
	 * (helpers/print.h, begun and ended by the caller). */
	void (*json)(struct app *app, void *priv);
};

extern const struct view_ops view_detail, view_verify, view_hex, view_diff,
	view_device, view_help;

#endif /* TUI_VIEW_H */
