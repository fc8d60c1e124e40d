// SPDX-License-Identifier: GPL-2.0
/*
 * Headless scripted mode (tig's test mode): the same app and drawing code
 * as the terminal, with keys read from a script and the canvas written as
 * text. Script lines:
 *
 *   keys <keys>        j, <Down>, <Enter>, <C-f>, <lt> for '<', ...
 *   type <text>        literal text (for prompts)
 *   resize <W> <H>     as KEY_RESIZE with a new size
 *   dump [title]       write the screen
 *   dump-roles [title] write the screen and each cell's colour role
 *   # comment
 *
 * A key that quits stops the script and writes "[quit]".
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ui.h"
#include "term.h"

static int feed(struct app *app, int key, FILE *out)
{
	unsigned int rf = ui_key(app, key);

	if (rf & RF_QUIT) {
		fputs("[quit]\n", out);
		return 1;
	}
	if (rf)
		ui_render(app, rf);
	return 0;
}

int script_run(struct app *app, FILE *script, FILE *out, int cols, int lines)
{
	char line[4096];
	int lineno = 0;

	app_resize(app, cols, lines);
	ui_render(app, RF_ALL);
	while (fgets(line, sizeof(line), script)) {
		char *arg, *end = line + strlen(line);

		lineno++;
		while (end > line && isspace((unsigned char)end[-1]))
			*--end = 0;
		if (!line[0] || line[0] == '#')
			continue;
		arg = strchr(line, ' ');
		if (arg)
			*arg++ = 0;
		else
			arg = end;
		if (!strcmp(line, "keys")) {
			while (*arg) {
				int len, k = key_parse(arg, &len);

				if (k < 0) {
					fprintf(stderr, "script:%d: bad key at '%s'\n",
						lineno, arg);
					return -1;
				}
				if (feed(app, k, out))
					return 0;
				arg += len;
			}
		} else if (!strcmp(line, "type")) {
			for (; *arg; arg++)
				if (feed(app, (unsigned char)*arg, out))
					return 0;
		} else if (!strcmp(line, "resize")) {
			int w, h;

			if (sscanf(arg, "%d %d", &w, &h) != 2 || w < 1 ||
			    h < 1 || w > 500 || h > 500) {
				fprintf(stderr, "script:%d: resize W H\n", lineno);
				return -1;
			}
			app_resize(app, w, h);
			ui_render(app, RF_ALL);
		} else if (!strcmp(line, "dump") ||
			   !strcmp(line, "dump-roles")) {
			fprintf(out, "--- %s (%dx%d)\n", *arg ? arg : "screen",
				app->cols, app->lines);
			canvas_dump(&app->cv, out, line[4] == '-');
		} else {
			fprintf(stderr, "script:%d: unknown command '%s'\n",
				lineno, line);
			return -1;
		}
	}
	return 0;
}
