// SPDX-License-Identifier: GPL-2.0
/* Lines with per-character roles; see lines.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lines.h"

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);

	if (!q) {
		fputs("nsm-tui: out of memory\n", stderr);
		abort();
	}
	return q;
}

void lines_clear(struct lines *ls)
{
	for (int i = 0; i < ls->n; i++) {
		free(ls->v[i].text);
		free(ls->v[i].roles);
	}
	ls->n = 0;
	ls->sticky = 0;
}

void lines_free(struct lines *ls)
{
	lines_clear(ls);
	free(ls->v);
	ls->v = NULL;
	ls->cap = 0;
}

struct line *lines_new(struct lines *ls, int tag)
{
	struct line *l;

	if (ls->n == ls->cap) {
		ls->cap = ls->cap ? ls->cap * 2 : 64;
		ls->v = xrealloc(ls->v, ls->cap * sizeof(*ls->v));
	}
	l = &ls->v[ls->n++];
	*l = (struct line){ .tag = tag, .selectable = 1 };
	return l;
}

void line_addn(struct line *l, enum role role, const char *s, size_t n)
{
	if ((size_t)(l->cap - l->len) < n + 1) {
		l->cap = (int)((l->len + n + 1) * 2);
		l->text = xrealloc(l->text, l->cap);
		l->roles = xrealloc(l->roles, l->cap);
	}
	memcpy(l->text + l->len, s, n);
	memset(l->roles + l->len, role, n);
	l->len += (int)n;
	l->text[l->len] = 0;
}

void line_add(struct line *l, enum role role, const char *s)
{
	line_addn(l, role, s, strlen(s));
}

void line_addf(struct line *l, enum role role, const char *fmt, ...)
{
	char buf[2048];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	line_addn(l, role, buf, (size_t)n < sizeof(buf) ? (size_t)n :
		  sizeof(buf) - 1);
}

void line_pad(struct line *l, enum role role, int col)
{
	while (l->len < col)
		line_addn(l, role, " ", 1);
}

void line_role_all(struct line *l, enum role role)
{
	memset(l->roles, role, l->len);
}
