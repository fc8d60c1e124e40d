// SPDX-License-Identifier: GPL-2.0
/* Help: generated from the key table, so every binding is listed. */
#include <string.h>

#include "view.h"
#include "helpers/print.h"

static void build(struct app *app, void *priv, struct lines *ls)
{
	(void)priv;
	struct line *l;

	(void)app;
	l = lines_new(ls, -1);
	line_add(l, R_HEADER, "nsm-tui keys");
	line_add(l, R_DIM, "  (Esc or ? closes this help)");
	for (int a = A_NONE + 1; a < A_COUNT; a++) {
		char keys[64] = "";

		for (int i = 0; i < keymap_len; i++) {
			if (keymap[i].action != (enum action)a)
				continue;
			if (keys[0])
				strncat(keys, " ", sizeof(keys) - strlen(keys) - 1);
			strncat(keys, keymap[i].name, sizeof(keys) - strlen(keys) - 1);
		}
		if (!keys[0])
			continue;
		l = lines_new(ls, a);
		line_add(l, R_NORMAL, "  ");
		line_addf(l, R_KEY, "%-18s", keys);
		line_add(l, R_NORMAL, action_help((enum action)a));
	}
	l = lines_new(ls, -1);
	l->selectable = 0;
	l = lines_new(ls, -1);
	line_add(l, R_HEADER, "list columns");
	l = lines_new(ls, -1);
	line_add(l, R_NORMAL, "  * marked for the diff; verdict under the time "
		 "policy and root in the title;");
	l = lines_new(ls, -1);
	line_add(l, R_NORMAL, "  dbg: debug-mode enclave (PCR0-2 zero); "
		 "ERROR: the file is not a document.");
}

static void json(struct app *app, void *priv)
{
	(void)app;
	(void)priv;
	pr_arr_open(PR_JSON, "keys");
	for (int i = 0; i < keymap_len; i++) {
		pr_obj_open(PR_JSON, NULL);
		pr_str(PR_JSON, "key", "%s", keymap[i].name);
		pr_str(PR_JSON, "action", "%s", action_help(keymap[i].action));
		pr_obj_close(PR_JSON);
	}
	pr_arr_close(PR_JSON);
}

const struct view_ops view_help = {
	.name = "help",
	.hint = "Esc:close",
	.build = build,
	.key = NULL,
	.json = json,
};
