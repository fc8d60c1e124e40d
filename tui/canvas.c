// SPDX-License-Identifier: GPL-2.0
/* Off-screen cell grid shared by the terminal and the text dump. */
#include <stdlib.h>
#include <string.h>

#include "canvas.h"

int canvas_resize(struct canvas *c, int w, int h)
{
	struct cell *n;

	if (w < 1 || h < 1 || w > 1000 || h > 1000)
		return -1;
	n = calloc((size_t)w * h, sizeof(*n));
	if (!n)
		return -1;
	free(c->cells);
	c->cells = n;
	c->w = w;
	c->h = h;
	canvas_fill(c, (struct rect){ 0, 0, w, h }, R_NORMAL);
	return 0;
}

void canvas_free(struct canvas *c)
{
	free(c->cells);
	c->cells = NULL;
	c->w = c->h = 0;
}

void canvas_fill(struct canvas *c, struct rect r, enum role role)
{
	for (int y = r.y; y < r.y + r.h; y++) {
		if (y < 0 || y >= c->h)
			continue;
		for (int x = r.x; x < r.x + r.w; x++) {
			if (x < 0 || x >= c->w)
				continue;
			c->cells[y * c->w + x] = (struct cell){ ' ', role };
		}
	}
}

/*
 * Bytes that are not printable ASCII become '?': documents are hostile
 * input, and a control byte or a stray UTF-8 sequence must never reach the
 * terminal or shift the layout. Return: the number of columns written.
 */
int canvas_putn(struct canvas *c, int x, int y, int maxw, enum role role,
		const char *s, size_t n)
{
	int col = 0;

	if (y < 0 || y >= c->h)
		return 0;
	for (size_t i = 0; i < n && col < maxw; i++, col++) {
		unsigned char ch = (unsigned char)s[i];

		if (x + col < 0 || x + col >= c->w)
			continue;
		if (ch < 0x20 || ch > 0x7e)
			ch = '?';
		c->cells[y * c->w + x + col] = (struct cell){ (char)ch, role };
	}
	return col;
}

int canvas_put(struct canvas *c, int x, int y, int maxw, enum role role,
	       const char *s)
{
	return canvas_putn(c, x, y, maxw, role, s, strlen(s));
}

int canvas_printf(struct canvas *c, int x, int y, int maxw, enum role role,
		  const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return canvas_put(c, x, y, maxw, role, buf);
}

void canvas_set_role(struct canvas *c, int x, int y, int w, enum role role)
{
	if (y < 0 || y >= c->h)
		return;
	for (int i = x; i < x + w; i++)
		if (i >= 0 && i < c->w)
			c->cells[y * c->w + i].role = role;
}

char canvas_role_letter(enum role role)
{
	/* one letter per role, for golden files that check highlighting */
	static const char letters[R_COUNT] = ".TSH#=+!~-XCMKB";

	return role < R_COUNT ? letters[role] : '?';
}

/*
 * Text dump: trailing blanks trimmed so golden files stay readable. With
 * @with_roles a second block gives each cell's role letter, which lets a
 * test assert that the right bytes are highlighted, not only the text.
 */
void canvas_dump(const struct canvas *c, FILE *f, int with_roles)
{
	for (int y = 0; y < c->h; y++) {
		int end = c->w;

		while (end > 0 && c->cells[y * c->w + end - 1].ch == ' ')
			end--;
		for (int x = 0; x < end; x++)
			fputc(c->cells[y * c->w + x].ch, f);
		fputc('\n', f);
	}
	if (!with_roles)
		return;
	fputs("-- roles --\n", f);
	for (int y = 0; y < c->h; y++) {
		for (int x = 0; x < c->w; x++)
			fputc(canvas_role_letter(c->cells[y * c->w + x].role), f);
		fputc('\n', f);
	}
}
