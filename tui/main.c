// SPDX-License-Identifier: GPL-2.0
/*
 * nsm-tui: browse, verify and diff Nitro attestation documents, live from
 * the NSM device or captured in files and directories.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ui.h"
#include "term.h"

#define VERSION "0.2.0"
#define MAX_ROOTS	65	/* 64 --root, and the end */

/* An enclave image, by its magic: libnsm's measurements loader takes it
 * (nsm_pcrset_load_file()); the diff view says where E comes from. */
static bool is_eif(const char *path)
{
	char magic[4];
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : NULL;
	bool yes;

	if (!f)
		return false;
	yes = fread(magic, 1, 4, f) == 4 && !memcmp(magic, ".eif", 4);
	fclose(f);
	return yes;
}

static void usage(FILE *f)
{
	fputs("usage: nsm-tui [options] [FILE|DIR]...\n"
	      "\n"
	      "Browse, verify and diff AWS Nitro attestation documents. FILEs\n"
	      "may hold raw CBOR, base64 or hex; DIRs are loaded lazily.\n"
	      "\n"
	      "  -r, --root PEM         trust this root too (repeatable); the list\n"
	      "                         shows the root each chain ends in, r filters\n"
	      "      --no-aws-root      do not trust AWS's root (give --root)\n"
	      "  -e, --expected FILE    expected PCRs: text, JSON, nitro-cli JSON, or\n"
	      "                         an enclave image (.eif): its PCR0-2 and 8\n"
	      "  -t, --time-policy P    'document' (default) or 'now'\n"
	      "      --now TIME         pin the clock: ms since the epoch or\n"
	      "                         YYYY-MM-DDTHH:MM:SSZ (also NSM_TUI_NOW)\n"
	      "  -d, --device PATH      start in the live device view of PATH\n"
	      "                         (default: $NSM_DEVICE, else /dev/nsm)\n"
	      "      --export-dir DIR   default directory for e and E (default .)\n"
	      "      --no-color         monochrome (also NO_COLOR=1)\n"
	      "      --script FILE      headless: keys from FILE, screens as text\n"
	      "      --size WxH         headless screen size (default 80x24)\n"
	      "      --output FILE      headless output (default stdout)\n"
	      "      --bench            time opening and the first screen, exit\n"
	      "  -h, --help             this help\n"
	      "  -V, --version          version\n"
	      "\n"
	      "Press ? in the program for every key.\n", f);
}

static int parse_time(const char *s, int64_t *ms)
{
	struct tm tm = { 0 };
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (!errno && *s && !*end && v >= 0) {
		*ms = v;
		return 0;
	}
	end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end || (*end && strcmp(end, "Z")))
		return -1;
	*ms = (int64_t)timegm(&tm) * 1000;
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "no-aws-root", no_argument, NULL, 'A' },
		{ "expected", required_argument, NULL, 'e' },
		{ "time-policy", required_argument, NULL, 't' },
		{ "now", required_argument, NULL, 'N' },
		{ "device", required_argument, NULL, 'd' },
		{ "export-dir", required_argument, NULL, 'X' },
		{ "no-color", no_argument, NULL, 'C' },
		{ "script", required_argument, NULL, 'S' },
		{ "size", required_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		{ "bench", no_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	const char *script = NULL, *output = NULL, *env;
	int cols = 80, lines = 24, bench = 0, device = 0, c, rc = 0;
	double t0 = now_s();
	struct nsm_error lerr = { 0 };
	const char *roots[MAX_ROOTS];
	int nroots = 0, aws_root = 1;
	char err[512];
	struct app app;

	app_init(&app);
	env = getenv("NO_COLOR");
	app.monochrome = env && *env;
	env = getenv("NSM_TUI_NOW");
	if (env && *env) {
		if (parse_time(env, &app.now_ms)) {
			fprintf(stderr, "nsm-tui: bad NSM_TUI_NOW '%s'\n", env);
			return 2;
		}
		app.now_pinned = 1;
	}
	while ((c = getopt_long(argc, argv, "r:e:t:d:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			roots[nroots++] = optarg;
			if (nroots == MAX_ROOTS) {
				fprintf(stderr, "nsm-tui: more than %d --root\n",
					MAX_ROOTS - 1);
				return 2;
			}
			break;
		case 'A':
			aws_root = 0;
			break;
		case 'e':
			rc = nsm_pcrset_load_file(&app.expected, &lerr, optarg);
			if (rc) {
				fprintf(stderr, "nsm-tui: --expected %s: %s\n",
					optarg, lerr.message);
				return 2;
			}
			snprintf(app.expected_name, sizeof(app.expected_name),
				 "%s%s", strrchr(optarg, '/') ?
				 strrchr(optarg, '/') + 1 : optarg,
				 is_eif(optarg) ? " (EIF)" : "");
			break;
		case 't':
			if (!strcmp(optarg, "now")) {
				app.doc_time = 0;
			} else if (!strcmp(optarg, "document")) {
				app.doc_time = 1;
			} else {
				fprintf(stderr, "nsm-tui: --time-policy: "
					"'document' or 'now'\n");
				return 2;
			}
			break;
		case 'N':
			if (parse_time(optarg, &app.now_ms)) {
				fprintf(stderr, "nsm-tui: bad --now '%s'\n", optarg);
				return 2;
			}
			app.now_pinned = 1;
			break;
		case 'd':
			/* libnsm's nsm_lib_init() opens $NSM_DEVICE */
			if (!*optarg || setenv("NSM_DEVICE", optarg, 1)) {
				fprintf(stderr, "nsm-tui: --device needs a "
					"path\n");
				return 2;
			}
			device = 1;
			break;
		case 'X':
			snprintf(app.export_dir, sizeof(app.export_dir), "%s",
				 optarg);
			break;
		case 'C':
			app.monochrome = 1;
			break;
		case 'S':
			script = optarg;
			break;
		case 's':
			if (sscanf(optarg, "%dx%d", &cols, &lines) != 2 ||
			    cols < 1 || lines < 1 || cols > 500 || lines > 500) {
				fprintf(stderr, "nsm-tui: --size WxH\n");
				return 2;
			}
			break;
		case 'o':
			output = optarg;
			break;
		case 'B':
			bench = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			puts("nsm-tui " VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (app_trust(&app, aws_root)) {
		fputs("nsm-tui: cannot set up the verifier\n", stderr);
		return 1;
	}
	for (int i = 0; i < nroots; i++) {
		rc = app_add_root(&app, roots[i]);
		if (rc) {
			fprintf(stderr, "nsm-tui: --root %s: %s\n", roots[i],
				rc == -EINVAL ? "no certificate in it" :
				strerror(-rc));
			return 2;
		}
	}
	if (!app_nroots(&app)) {
		fputs("nsm-tui: no trusted root: --no-aws-root needs at least "
		      "one --root\n", stderr);
		return 2;
	}
	for (int i = optind; i < argc; i++)
		if (load_path(&app, argv[i], err, sizeof(err))) {
			fprintf(stderr, "nsm-tui: %s\n", err);
			return 1;
		}
	if (argc - optind == 1)
		snprintf(app.title, sizeof(app.title), "%s", argv[optind]);
	else if (argc - optind > 1)
		snprintf(app.title, sizeof(app.title), "%d sources",
			 argc - optind);
	else
		snprintf(app.title, sizeof(app.title), "no files");
	if (device || argc == optind) {
		app.view = V_DEVICE;
		app.focus = PANE_VIEW;
	}

	if (bench) {
		app_resize(&app, cols, lines);
		ui_render(&app, RF_ALL);
		printf("nsm-tui: opened %d documents and rendered the first "
		       "%dx%d screen in %.1f ms\n", app.ndocs, cols, lines,
		       (now_s() - t0) * 1e3);
	} else if (script) {
		FILE *in = fopen(script, "r");
		FILE *out = output ? fopen(output, "w") : stdout;

		if (!in || !out) {
			fprintf(stderr, "nsm-tui: %s: %s\n", !in ? script : output,
				strerror(errno));
			return 1;
		}
		rc = script_run(&app, in, out, cols, lines) ? 1 : 0;
		fclose(in);
		if (out != stdout && fclose(out))
			rc = 1;
	} else {
		switch (term_run(&app)) {
		case TERM_OK:
			break;
		case TERM_NO_TTY:
			fputs("nsm-tui: needs a terminal on stdin and stdout (--script FILE runs without one)\n",
			      stderr);
			rc = 1;
			break;
		case TERM_NO_INIT:
			fputs("nsm-tui: cannot start the terminal (is TERM set?)\n",
			      stderr);
			rc = 1;
			break;
		default:
			fputs("nsm-tui: the terminal went away\n", stderr);
			rc = 1;
			break;
		}
	}
	ui_free(&app);
	app_free(&app);
	return rc;
}
