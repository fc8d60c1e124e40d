// SPDX-License-Identifier: GPL-2.0
/*
 * The curses backend: translate keys, copy the canvas to the terminal.
 * The only file that includes curses.h. ncurses does the diffing of the
 * screen, so copying every cell after a change costs no output.
 */
#include <curses.h>
#include <locale.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#include "ui.h"
#include "term.h"

static attr_t role_attr[R_COUNT];
static short role_pair[R_COUNT];	/* setcchar() takes the pair apart */

static void setup_colours(int mono)
{
	/* role: foreground, background, extra attributes */
	static const struct {
		short fg, bg;
		attr_t attr;
		attr_t mono;
	} scheme[R_COUNT] = {
		[R_NORMAL] = { -1, -1, 0, 0 },
		[R_TITLE] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
		[R_STATUS] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
		[R_HEADER] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
		[R_CURSOR] = { COLOR_WHITE, COLOR_BLUE, A_BOLD,
			       A_REVERSE | A_BOLD },
		[R_CURSOR_DIM] = { COLOR_BLACK, COLOR_WHITE, 0, A_REVERSE },
		[R_PASS] = { COLOR_GREEN, -1, A_BOLD, 0 },
		[R_FAIL] = { COLOR_RED, -1, A_BOLD, A_BOLD },
		[R_WARN] = { COLOR_YELLOW, -1, 0, A_BOLD },
		[R_DIM] = { COLOR_BLUE, -1, A_BOLD, 0 },
		[R_HILITE] = { COLOR_BLACK, COLOR_YELLOW, 0,
			       A_REVERSE | A_UNDERLINE },
		[R_CHANGED] = { COLOR_MAGENTA, -1, A_BOLD,
				A_BOLD | A_UNDERLINE },
		[R_MARK] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
		[R_KEY] = { COLOR_CYAN, -1, A_BOLD, A_BOLD },
		[R_BORDER] = { COLOR_CYAN, -1, 0, 0 },
	};

	if (!mono && has_colors()) {
		start_color();
		use_default_colors();
		for (int r = 1; r < R_COUNT; r++) {
			init_pair((short)r, scheme[r].fg, scheme[r].bg);
			role_pair[r] = (short)r;
			role_attr[r] = scheme[r].attr;
		}
		return;
	}
	for (int r = 0; r < R_COUNT; r++)
		role_attr[r] = scheme[r].mono;
}

static void blit(const struct canvas *cv)
{
	cchar_t *row = calloc((size_t)cv->w + 1, sizeof(*row));

	if (!row)
		abort();
	for (int y = 0; y < cv->h && y < LINES; y++) {
		for (int x = 0; x < cv->w; x++) {
			const struct cell *c = &cv->cells[y * cv->w + x];
			wchar_t wc[CCHARW_MAX] = { (wchar_t)(unsigned char)c->ch };
			attr_t a = 0;
			short p;

			/*
			 * Separator dashes become a real line where the
			 * terminal has one (ncurses falls back to ASCII); the
			 * text dump keeps '-'.
			 */
			if (c->role == R_BORDER && c->ch == '-')
				getcchar(WACS_HLINE, wc, &a, &p, NULL);
			setcchar(&row[x], wc, a | role_attr[c->role],
				 role_pair[c->role], NULL);
		}
		/* the last cell of the last row would scroll: skip it */
		mvadd_wchnstr(y, 0, row, y == LINES - 1 ? cv->w - 1 : cv->w);
	}
	free(row);
	refresh();
}

static int translate(int ch)
{
	switch (ch) {
	case KEY_UP: return TK_UP;
	case KEY_DOWN: return TK_DOWN;
	case KEY_LEFT: return TK_LEFT;
	case KEY_RIGHT: return TK_RIGHT;
	case KEY_PPAGE: return TK_PGUP;
	case KEY_NPAGE: return TK_PGDN;
	case KEY_HOME: return TK_HOME;
	case KEY_END: return TK_END;
	case KEY_BTAB: return TK_BTAB;
	case KEY_ENTER: case '\r': case '\n': return TK_ENTER;
	case KEY_BACKSPACE: case 8: case 127: return TK_BACKSPACE;
	default: return ch;
	}
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int term_run(struct app *app)
{
	int ticks = 0, quick_errs = 0, ret = TERM_OK;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return TERM_NO_TTY;
	setlocale(LC_ALL, "");
	if (!initscr())
		return TERM_NO_INIT;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	setup_colours(app->monochrome);
	app_resize(app, COLS, LINES);
	ui_render(app, RF_ALL);
	blit(&app->cv);
	timeout(1000);		/* a tick a second drives the device refresh */
	for (;;) {
		long long asked = now_ms();
		int ch = getch();
		unsigned int rf;

		if (ch != ERR)
			quick_errs = 0;
		if (ch == ERR) {
			/*
			 * A timeout takes a second. ERR at once, again and
			 * again, means the terminal is gone (hangup, EOF):
			 * stop instead of spinning.
			 */
			if (now_ms() - asked < 100) {
				if (++quick_errs > 20) {
					ret = TERM_INPUT_LOST;
					break;
				}
				continue;
			}
			quick_errs = 0;	/* a real timeout */
			if (++ticks % 2)
				continue;
			ch = TK_TIMER;
		} else if (ch == KEY_RESIZE) {
			app_resize(app, COLS, LINES);
			clear();
			ui_render(app, RF_ALL);
			blit(&app->cv);
			continue;
		} else {
			ch = translate(ch);
			if (ch == TK_CTRL('l'))
				clearok(curscr, TRUE);	/* repaint everything */
		}
		rf = ui_key(app, ch);
		if (rf & RF_QUIT)
			break;
		if (rf) {
			ui_render(app, rf);
			blit(&app->cv);
		}
	}
	endwin();
	return ret;
}
