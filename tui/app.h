/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The application's state and services: the documents and the list's
 * rows, verification (the trust store, the time policy, the root filter),
 * messages and the prompt, the clock, the screen's geometry.
 *
 * Nothing here knows a view: the views (view.h) and the user interface
 * that dispatches to them (ui.c) call these services, never the other
 * way round. What a view keeps for itself is its own (view_ops'
 * private_size); the app holds only each view's generic lines and cursor.
 */
#ifndef TUI_APP_H
#define TUI_APP_H

#include <stdint.h>

#include <nsm_verify.h>

#include "canvas.h"
#include "doc.h"
#include "keymap.h"
#include "layout.h"
#include "lineview.h"
#include "tree.h"

enum view_id {
	V_DETAIL, V_VERIFY, V_HEX, V_DIFF, V_DEVICE, V_HELP, V_COUNT
};

enum pane { PANE_LIST, PANE_VIEW };

struct app;

struct prompt {
	int active;
	char label[64];
	char buf[256];
	int len;
	/* called with the text on Enter */
	void (*done)(struct app *app, void *ctx, const char *text);
	void *ctx;
};

#define ROOT_ALL	(-1)

struct app {
	/* documents */
	struct doc **docs;
	int ndocs, capdocs;
	int cursor;		/* the selected document, an index of docs */
	int top;		/* first row of the list: a position in vis */
	int *vis;		/* the documents the root filter shows */
	int nvis, capvis;
	unsigned int vis_gen;	/* of gen, filter and ndocs: 0 stale */
	int vis_filter, vis_ndocs;
	char title[128];	/* what was opened */
	char **dirs;		/* directories opened, for rescans */
	int ndirs;

	/* the document tree: what is open in it, what is selected */
	struct tree tree;

	/* verification: one trust store of every root (AWS's unless
	 * --no-aws-root, and each --root); r filters the list by the root a
	 * document's chain ends in */
	int doc_time;		/* 1: at the document's time, 0: now */
	struct nsm_verifier *v;
	int root_filter;	/* ROOT_ALL, a root's index, or nroots: none */
	unsigned int gen;	/* bumped when the time policy changes */
	struct nsm_error verify_err;	/* why the last one could not run */

	/* expected measurements (--expected): the diff's column E and the
	 * policy.pcrs check */
	struct nsm_pcrset *expected;
	char expected_name[128];

	/* clock: pinned with --now or NSM_TUI_NOW for reproducible screens */
	int64_t now_ms;
	int now_pinned;

	/* screen */
	int cols, lines;
	struct layout lo;
	struct canvas cv;
	enum zoom zoom;
	enum pane focus;
	enum view_id view, back_view;
	struct viewstate vs[V_COUNT];	/* each view's lines and cursor */
	void *priv[V_COUNT];		/* each view's own state (ui.c) */

	struct prompt prompt;
	char search[128];
	char status[256];
	int status_error;

	char export_dir[256];
	int monochrome;
};

int app_init(struct app *app);
void app_free(struct app *app);

/* A new trust store: AWS's root when @aws_root, then app_add_root()s. */
int app_trust(struct app *app, int aws_root);
/* Trust the roots of a PEM or DER file, named by its base name. */
int app_add_root(struct app *app, const char *path);
int app_nroots(const struct app *app);
/* The name of what the filter shows: "all roots", a root, "no root". */
const char *app_filter_name(const struct app *app);

void app_add_doc(struct app *app, struct doc *d);
struct doc *app_doc(struct app *app);	/* selected, loaded; may be NULL */
/* The list's rows: app->vis[0..nvis) after this. */
void app_update_rows(struct app *app);
/* The row of the selected document, -1 when the filter hides it. */
int app_row(struct app *app);

int64_t app_now(struct app *app);
void app_resize(struct app *app, int cols, int lines);
__attribute__((format(printf, 2, 3)))
void app_msg(struct app *app, const char *fmt, ...);
__attribute__((format(printf, 2, 3)))
void app_error(struct app *app, const char *fmt, ...);
void app_prompt(struct app *app, const char *label, const char *initial,
		void (*done)(struct app *, void *, const char *), void *ctx);

/* Verify @d with the app's trust store and policy: a new result (free
 * it), or NULL with app->verify_err saying why. */
struct nsm_result *app_verify_new(struct app *app, struct doc *d);
/* The list's verdict of @d for the current policy (cached in d). */
void app_verdict(struct app *app, struct doc *d);

/* loader.c */
int load_path(struct app *app, const char *path, char *err, size_t errlen);
int rescan_dirs(struct app *app);

#endif /* TUI_APP_H */
