/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Application state and the view interface.
 *
 * Each lower-pane view is a struct view_ops (tig's design): it turns the
 * model into lines (build), may handle actions of its own (key), and can
 * export itself as JSON. Scrolling, the cursor, search and drawing are
 * shared (lineview.c), so views stay small and behave alike.
 */
#ifndef TUI_APP_H
#define TUI_APP_H

#include <stdint.h>
#include <stdio.h>

#include <nsm_verify.h>

#include "canvas.h"
#include "doc.h"
#include "keymap.h"
#include "layout.h"
#include "lines.h"

enum view_id {
	V_DETAIL, V_VERIFY, V_HEX, V_DIFF, V_DEVICE, V_HELP, V_COUNT
};

enum pane { PANE_LIST, PANE_VIEW };

struct app;

struct view_ops {
	const char *name;	/* "detail", also the JSON export's kind */
	const char *hint;	/* keys shown on the separator line */
	/* Fill @ls for the current state. Called before every draw. */
	void (*build)(struct app *app, struct lines *ls);
	/* Handle a view-specific action; RF_UNHANDLED to decline. */
	unsigned int (*key)(struct app *app, enum action a);
	/* Write the view's members of the export's JSON object
	 * (helpers/print.h, begun and ended by the caller). */
	void (*json)(struct app *app);
};

struct viewstate {
	int cursor, top;
	struct lines lines;
};

struct prompt {
	int active;
	char label[64];
	char buf[256];
	int len;
	void (*done)(struct app *app, const char *text);
};

struct device;

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

	/* screen */
	int cols, lines;
	struct layout lo;
	struct canvas cv;
	enum zoom zoom;
	enum pane focus;
	enum view_id view, back_view;
	struct viewstate vs[V_COUNT];

	/* detail tree: expanded nodes by id (see view_detail.c) */
	unsigned char expanded[4096];
	int hex_field;		/* node id shown by the hex view */

	/* verification: one trust store of every root (AWS's unless
	 * --no-aws-root, and each --root); r filters the list by the root a
	 * document's chain ends in */
	int doc_time;		/* 1: at the document's time, 0: now */
	struct nsm_verifier *v;
	int root_filter;	/* ROOT_ALL, a root's index, or nroots: none */
	unsigned int gen;	/* bumped when the time policy changes */
	struct nsm_result *result;	/* for the selected document */
	struct nsm_error verify_err;	/* why the last one could not run */
	const struct doc *result_doc;
	unsigned int result_gen;

	/* diff */
	struct nsm_pcrset *expected;
	char expected_name[128];
	unsigned char diff_open[32];	/* rows expanded to full values */
	int diff_all;			/* show unchanged rows too */

	/* clock: pinned with --now or NSM_TUI_NOW for reproducible screens */
	int64_t now_ms;
	int now_pinned;

	struct prompt prompt;
	char search[128];
	char status[256];
	int status_error;

	struct device *dev;
	char export_dir[256];
	int monochrome;
};

#define ROOT_ALL	(-1)

extern const struct view_ops *const views[V_COUNT];
extern const struct view_ops view_detail, view_verify, view_hex, view_diff,
	view_device, view_help;

/* app.c */
int app_init(struct app *app);
/* A new trust store: AWS's root when @aws_root, then app_add_root()s. */
int app_trust(struct app *app, int aws_root);
/* Trust the roots of a PEM or DER file, named by its base name. */
int app_add_root(struct app *app, const char *path);
int app_nroots(const struct app *app);
/* The name of what the filter shows: "all roots", a root, "no root". */
const char *app_filter_name(const struct app *app);
void app_free(struct app *app);
void app_add_doc(struct app *app, struct doc *d);
struct doc *app_doc(struct app *app);	/* selected, loaded; may be NULL */
int64_t app_now(struct app *app);
void app_resize(struct app *app, int cols, int lines);
unsigned int app_key(struct app *app, int key);
void app_render(struct app *app, unsigned int flags);
__attribute__((format(printf, 2, 3)))
void app_msg(struct app *app, const char *fmt, ...);
__attribute__((format(printf, 2, 3)))
void app_error(struct app *app, const char *fmt, ...);
void app_prompt(struct app *app, const char *label, const char *initial,
		void (*done)(struct app *, const char *));
const struct nsm_result *app_verify(struct app *app, struct doc *d);
void app_verdict(struct app *app, struct doc *d);

/* lineview.c: the shared cursor, scroll, search and drawing */
void lv_draw(struct app *app, struct viewstate *vs, struct canvas *cv,
	     struct rect r, int focused);
unsigned int lv_move(struct viewstate *vs, enum action a, int height);
int lv_search(struct viewstate *vs, const char *needle, int dir);
int lv_tag(const struct viewstate *vs);
void lv_goto_tag(struct viewstate *vs, int tag);

/* loader.c */
int load_path(struct app *app, const char *path, char *err, size_t errlen);
int rescan_dirs(struct app *app);

/* device.c */
struct device *device_open(void);
void device_free(struct device *dev);

#endif
