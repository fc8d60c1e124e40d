// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the curses-free parts: geometry, scrolling, the key table,
 * the canvas, and loading hostile files. TAP on stdout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "canvas.h"
#include "keymap.h"
#include "layout.h"
#include "../../tests/tap.h"

static int rect_inside(struct rect r, int cols, int lines)
{
	return r.x >= 0 && r.y >= 0 && r.x + r.w <= cols && r.y + r.h <= lines;
}

static void test_layout(void)
{
	struct layout lo;
	int good = 1;

	layout_compute(80, 24, ZOOM_NONE, &lo);
	tap_ok(!lo.too_small, "80x24 is large enough");
	tap_ok(lo.title.y == 0 && lo.status.y == 23, "title on top, status at the bottom");
	tap_ok(lo.list.y == 1 && lo.sep.y == lo.list.y + lo.list.h &&
	       lo.view.y == lo.sep.y + 1 && lo.view.y + lo.view.h == 23,
	       "list, separator and view tile rows 1..22 (list %d, view %d)",
	       lo.list.h, lo.view.h);
	tap_ok(lo.list.h >= 5 && lo.view.h >= 10, "80x24: list shows >= 4 docs, view >= 10 rows");
	layout_compute(59, 24, ZOOM_NONE, &lo);
	tap_ok(lo.too_small, "59 columns is too small");
	layout_compute(80, 15, ZOOM_NONE, &lo);
	tap_ok(lo.too_small, "15 lines is too small");
	for (int c = TUI_MIN_COLS; c <= 250; c += 7)
		for (int l = TUI_MIN_LINES; l <= 120; l += 5)
			for (int z = ZOOM_NONE; z <= ZOOM_VIEW; z++) {
				layout_compute(c, l, (enum zoom)z, &lo);
				good &= !lo.too_small &&
					rect_inside(lo.list, c, l) &&
					rect_inside(lo.view, c, l) &&
					rect_inside(lo.status, c, l) &&
					lo.view.h >= 0 && lo.list.h >= 0;
			}
	tap_ok(good, "every size and zoom keeps the panes on screen");
	layout_compute(80, 24, ZOOM_VIEW, &lo);
	tap_ok(lo.list.h == 0 && lo.view.h == 21, "zoomed view takes the body (%d)", lo.view.h);
}

static void test_cols(void)
{
	struct list_cols lc;
	int good = 1;

	layout_list_cols(80, &lc);
	tap_ok(lc.root == 11 && lc.module == 16 && lc.source == 17 &&
	       lc.x_source + lc.source == 80,
	       "80 columns: root 11, module_id 16, source 17, fills the row");
	layout_list_cols(100, &lc);
	tap_ok(lc.source == 24 && lc.module == 29,
	       "100 columns: a 24-column source first, then module_id 29");
	layout_list_cols(120, &lc);
	tap_ok(lc.module == 39, "120 columns: the whole 39-char module_id");
	for (int w = TUI_MIN_COLS; w < 300; w++) {
		layout_list_cols(w, &lc);
		good &= lc.x_source + lc.source <= w && lc.module >= 1 &&
			lc.x_time == 2 && lc.x_verdict > lc.x_time;
	}
	tap_ok(good, "list columns fit every width from the minimum");
}

static void test_scroll(void)
{
	tap_ok(layout_scroll(0, 0, 10, 100) == 0, "scroll: cursor at top stays");
	tap_ok(layout_scroll(0, 10, 10, 100) == 1, "scroll: one past the bottom scrolls one");
	tap_ok(layout_scroll(50, 20, 10, 100) == 20, "scroll: above the window jumps to it");
	tap_ok(layout_scroll(95, 99, 10, 100) == 90, "scroll: never past the end");
	tap_ok(layout_scroll(5, 2, 10, 3) == 0, "scroll: short lists start at 0");
	tap_ok(layout_move(5, 100, 10) == 9 && layout_move(5, -100, 10) == 0 &&
	       layout_move(0, 1, 0) == 0, "move clamps, empty list stays at 0");
}

static void test_keys(void)
{
	int len, all = 1, dup = 0;

	tap_ok(key_parse("<Down>x", &len) == TK_DOWN && len == 6, "key name <Down>");
	tap_ok(key_parse("<C-f>", &len) == TK_CTRL('f') && len == 5, "key name <C-f>");
	tap_ok(key_parse("j", &len) == 'j' && len == 1, "plain key");
	tap_ok(key_parse("<lt>", &len) == '<', "<lt> is '<'");
	tap_ok(key_parse("<Nope>", &len) == -1, "unknown key name is refused");
	for (int a = A_NONE + 1; a < A_COUNT; a++) {
		int found = 0;

		for (int i = 0; i < keymap_len; i++)
			found |= keymap[i].action == (enum action)a;
		if (!found)
			tap_diag("action %d has no key", a);
		all &= found && action_help((enum action)a)[0];
	}
	tap_ok(all, "every action has a key and a help text");
	for (int i = 0; i < keymap_len; i++)
		for (int j = i + 1; j < keymap_len; j++)
			dup |= keymap[i].key == keymap[j].key;
	tap_ok(!dup, "no key is bound twice");
	for (int i = 0; i < keymap_len; i++) {
		int k = key_parse(keymap[i].name, &len);

		if (k != keymap[i].key) {
			all = 0;
			tap_diag("%s parses to %d", keymap[i].name, k);
		}
	}
	tap_ok(all, "every key's help name parses back to the key (scripts can use it)");
}

static void test_canvas(void)
{
	struct canvas c = { 0 };
	int w;

	canvas_resize(&c, 10, 2);
	w = canvas_put(&c, 8, 0, 10, R_FAIL, "abcdef");
	tap_ok(c.cells[8].ch == 'a' && c.cells[9].ch == 'b' && c.cells[10].ch == ' ',
	       "text is clipped at the right edge (wrote %d)", w);
	canvas_put(&c, 0, 1, 10, R_NORMAL, "a\x1b[2Jb\xc3\xa9");
	tap_ok(c.cells[10].ch == 'a' && c.cells[11].ch == '?' &&
	       c.cells[15].ch == 'b' && c.cells[16].ch == '?' &&
	       c.cells[17].ch == '?',
	       "control bytes and UTF-8 are shown as '?', never sent raw");
	tap_ok(canvas_put(&c, 0, 5, 10, R_NORMAL, "x") == 0 && canvas_resize(&c, 0, 5) < 0,
	       "writes outside the canvas and bad sizes are refused safely");
	canvas_free(&c);
}

static void test_hostile(const char *dir)
{
	static const struct {
		const char *name;
		int ok;
		const char *err;
	} cases[] = {
		{ "a_valid_hex.txt", 1, NULL },
		{ "b_valid_base64.txt", 1, NULL },
		{ "c_tagged.cbor", 1, NULL },
		{ "d_truncated.cbor", 0, "truncated" },
		{ "e_empty.cbor", 0, "empty" },
		{ "i_deep_nesting.cbor", 0, "deep" },
		{ "j_huge_length.cbor", 0, "truncated" },
		{ "m_too_large.cbor", 0, "too large" },
		{ "o_fifo", 0, "not a regular file" },
		{ "missing.cbor", 0, "No such file" },
	};
	char path[4096];

	if (!dir) {
		tap_skip("no directory given", "hostile files");
		return;
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct doc *d;

		snprintf(path, sizeof(path), "%s/%s", dir, cases[i].name);
		d = doc_new_file(path, cases[i].name);
		doc_load(d);
		tap_ok(cases[i].ok ? d->state == DOC_OK :
		       d->state == DOC_ERROR && strcasestr(d->err, cases[i].err),
		       "load %s: %s", cases[i].name,
		       d->state == DOC_OK ? "document" : d->err);
		doc_free(d);
	}
}

int main(int argc, char **argv)
{
	tap_start();
	test_layout();
	test_cols();
	test_scroll();
	test_keys();
	test_canvas();
	test_hostile(argc > 1 ? argv[1] : NULL);
	return tap_end(0);
}
