/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsmctl: shared declarations of the command-line tool.
 *
 * One binary, git-style subcommands. Each subcommand lives in its own
 * cmd_<name>.c and is listed in the table of nsmctl.c.
 */
#ifndef NSMCTL_H
#define NSMCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Exit codes. Stable: scripts depend on them, Documentation/nsmctl.rst and
 * nsmctl(1) list them. Never renumber; add new ones at the end.
 */
enum nsmctl_exit {
	NSMCTL_OK	= 0,	/* success; verify: every check passed; diff: same */
	NSMCTL_FAILED	= 1,	/* verification or a check failed; diff: differ */
	NSMCTL_USAGE	= 2,	/* bad command line: unknown command or option */
	NSMCTL_DEVICE	= 3,	/* device or I/O error: open, ioctl, read, write, sysfs */
	NSMCTL_INPUT	= 4,	/* input format error: undecodable file or value */
	NSMCTL_NSM	= 5,	/* the NSM answered with an error (e.g. ReadOnlyIndex) */
	NSMCTL_INTERNAL	= 6,	/* out of memory, library failure, anything else */
};

/* Options every subcommand sees, set by main() or by the subcommand. */
struct nsmctl_global {
	bool json;		/* --json: machine-readable output */
	const char *prog;	/* argv[0] basename, for messages */
};

extern struct nsmctl_global nsmctl;

struct nsmctl_cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;	/* one line for `nsmctl help` */
	const char *usage;	/* the synopsis and options, printed by -h */
};

/* cmd_*.c */
int cmd_describe(int argc, char **argv);
int cmd_pcr(int argc, char **argv);
int cmd_random(int argc, char **argv);
int cmd_attest(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_emu(int argc, char **argv);
int cmd_ca(int argc, char **argv);
int cmd_eif(int argc, char **argv);
int cmd_kms(int argc, char **argv);

/* nsmctl.c */
const struct nsmctl_cmd *nsmctl_find_cmd(const char *name);

/*
 * Messages on stderr, git style: "error: ..." for a failure the command
 * reports and returns from, "fatal: ..." right before exiting, "warning: ..."
 * for something the user should know that does not change the exit code.
 */
void error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void die(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/*
 * ossl_error() - report a failed OpenSSL call: "error: @what: <reason>" with
 * the first error on OpenSSL's queue, "error: @what failed" when the queue
 * is empty. The queue is cleared.
 * Return: @code, so callers can `ret = ossl_error(...)`.
 */
int ossl_error(int code, const char *what);

/*
 * usage_error() - report a command-line mistake of subcommand @cmd
 * ("error: <message>" and a hint to run "nsmctl <cmd> -h").
 * Return: NSMCTL_USAGE, so callers can `return usage_error(...)`.
 */
int usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * option_error() - report what getopt_long() returned '?' or ':' for
 * (optstrings start with ":" and opterr is 0, so the messages are ours).
 * Return: NSMCTL_USAGE.
 */
int option_error(const char *cmd, int opt, char **argv);

/* Print the usage text of @cmd to stdout (for -h) and return NSMCTL_OK. */
int show_usage(const char *cmd);

/*
 * Parse helpers: return 0 on success, -1 (after printing nothing) on a bad
 * value; callers turn that into a usage error naming the option.
 */
int parse_u64(const char *s, uint64_t max, uint64_t *out);

/* Common long options every subcommand accepts, for getopt_long tables. */
#define NSMCTL_OPT_HELP	{ "help", 0, NULL, 'h' }
#define NSMCTL_OPT_JSON	{ "json", 0, NULL, 'j' }
/* -d/--device PATH, of every command that talks to the NSM device */
#define NSMCTL_OPT_DEVICE	{ "device", 1, NULL, 'd' }

/*
 * set_device() - use the NSM device @path (-d/--device): it becomes
 * $NSM_DEVICE, which libnsm's nsm_lib_init() opens.
 * Return: NSMCTL_OK, or NSMCTL_USAGE for an empty path.
 */
int set_device(const char *cmd, const char *path);

#endif /* NSMCTL_H */
