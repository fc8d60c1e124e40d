// SPDX-License-Identifier: GPL-2.0
/*
 * nsmctl: command line of nsm-emu. Global options, the subcommand table and
 * the shared message helpers; each subcommand lives in cmd_<name>.c.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "nsmctl.h"

#ifndef NSMCTL_VERSION
#define NSMCTL_VERSION "0.2.0"
#endif

struct nsmctl_global nsmctl = { .prog = "nsmctl" };

static const struct nsmctl_cmd cmds[] = {
	{ "describe", cmd_describe, "show the NSM's description (DescribeNSM)",
	  "usage: nsmctl describe [-d PATH] [--json]\n"
	  "\n"
	  "  -d, --device PATH  the NSM device (default: $NSM_DEVICE, else /dev/nsm)\n"
	  "  -j, --json         JSON output\n" },
	{ "pcr", cmd_pcr, "read, extend and lock PCRs",
	  "usage: nsmctl pcr read [-d PATH] [--json] [INDEX]\n"
	  "       nsmctl pcr extend [-d PATH] INDEX (--data HEX|@FILE|- | --file FILE) [--json]\n"
	  "       nsmctl pcr lock [-d PATH] INDEX\n"
	  "       nsmctl pcr lock-range [-d PATH] RANGE\n"
	  "\n"
	  "  read        show one PCR, or all 32 with their lock state\n"
	  "  extend      PCR[INDEX] = SHA-384(PCR[INDEX] || data); prints the new value\n"
	  "  lock        lock PCR INDEX against further extension\n"
	  "  lock-range  lock PCRs 0 .. RANGE-1\n"
	  "\n"
	  "  -d, --device PATH  the NSM device (default: $NSM_DEVICE, else /dev/nsm)\n"
	  "      --data VALUE   bytes to extend with: hex, @FILE or - (stdin)\n"
	  "  -f, --file FILE    extend with the contents of FILE\n"
	  "  -j, --json         JSON output\n" },
	{ "random", cmd_random, "get random bytes from the NSM (GetRandom)",
	  "usage: nsmctl random [-d PATH] [-n BYTES] [-o FILE] [--json]\n"
	  "\n"
	  "  -d, --device PATH  the NSM device (default: $NSM_DEVICE, else /dev/nsm)\n"
	  "  -n, --bytes N      how many bytes (default 32; several requests if needed)\n"
	  "  -o, --output FILE  write the raw bytes to FILE (- for stdout) instead of hex\n"
	  "  -j, --json         JSON output\n" },
	{ "attest", cmd_attest, "request an attestation document",
	  "usage: nsmctl attest [-d PATH] [--nonce V] [--user-data V] [--public-key V]\n"
	  "                     [-o FILE] [--format raw|base64|hex]\n"
	  "\n"
	  "  V is hex, @FILE (raw contents of FILE) or - (stdin).\n"
	  "  -d, --device PATH    the NSM device (default: $NSM_DEVICE, else /dev/nsm)\n"
	  "  -N, --nonce V        nonce to embed\n"
	  "  -u, --user-data V    user data to embed\n"
	  "  -k, --public-key V   public key to embed\n"
	  "  -o, --output FILE    write the document to FILE (default: stdout)\n"
	  "  -F, --format F       raw (default for files and pipes), base64 (default\n"
	  "                       on a terminal) or hex\n" },
	{ "verify", cmd_verify, "verify an attestation document",
	  "usage: nsmctl verify [options] [FILE|-]\n"
	  "\n"
	  "  --root PEM           trust this root certificate (repeatable)\n"
	  "  --no-aws-root        do not trust the built-in AWS Nitro root G1\n"
	  "  --time WHEN          now (default), doc (the document's timestamp),\n"
	  "                       an RFC 3339 time or @EPOCH-SECONDS\n"
	  "  --max-age SECONDS    reject documents older than this at --time\n"
	  "  --pcr N=HEX          expect PCR N to hold HEX (repeatable)\n"
	  "  --expected FILE      expected PCRs: measurements file or\n"
	  "                       `nitro-cli describe-eif` JSON\n"
	  "  --nonce V            expect this nonce (hex, @FILE or -)\n"
	  "  --user-data V        expect this user data (hex, @FILE or -)\n"
	  "  --public-key V       expect this public key (hex, @FILE or -)\n"
	  "  --reject-debug       fail debug-mode documents (PCR0-2 all zero)\n"
	  "  --kms-policy FILE    evaluate an AWS KMS key policy's\n"
	  "                       kms:RecipientAttestation conditions\n"
	  "  -F, --format F       input format: auto (default), raw, base64, hex\n"
	  "  -q, --quiet          print nothing; the exit code tells\n"
	  "  -j, --json           JSON output\n" },
	{ "dump", cmd_dump, "decode and show an attestation document",
	  "usage: nsmctl dump [--json | --diag] [-F FORMAT] [FILE|-]\n"
	  "\n"
	  "  -j, --json       JSON output\n"
	  "      --diag       CBOR diagnostic notation (RFC 8949, embedded CBOR as <<>>)\n"
	  "  -F, --format F   input format: auto (default), raw, base64, hex\n" },
	{ "diff", cmd_diff, "compare the PCRs of documents",
	  "usage: nsmctl diff [--json] [-a] FILE FILE...\n"
	  "       nsmctl diff [--json] [-a] --expected EXPECTED FILE...\n"
	  "\n"
	  "  -e, --expected FILE  compare against a measurements file or\n"
	  "                       `nitro-cli describe-eif` JSON\n"
	  "  -a, --all            show equal PCRs too\n"
	  "  -F, --format F       input format: auto (default), raw, base64, hex\n"
	  "  -j, --json           JSON output\n"
	  "exit status: 0 same, 1 different, >1 trouble (as diff(1))\n" },
	{ "emu", cmd_emu, "control the emulator: instances, boot, PKI (root only)",
	  "usage: nsmctl emu create NAME [--eif FILE] [--module-id ID] [--pcr N=HEX]...\n"
	  "                              [--debug-mode] [--devname DEV] [--no-enable]\n"
	  "       nsmctl emu list [--json]\n"
	  "       nsmctl emu destroy NAME\n"
	  "       nsmctl emu set NAME ATTR VALUE [ATTR VALUE]...\n"
	  "       nsmctl emu set NAME --eif FILE\n"
	  "       nsmctl emu status [NAME] [--json]\n"
	  "       nsmctl emu reset [NAME]\n"
	  "       nsmctl emu rotate [NAME]\n"
	  "       nsmctl emu preset [PRESET [NAME]]\n"
	  "       nsmctl emu measurements FILE|clear [NAME]\n"
	  "       nsmctl emu root [-o FILE]\n"
	  "       nsmctl emu provision [--check] DIR\n"
	  "       nsmctl emu new-chain\n"
	  "\n"
	  "  NAME is an instance (default: \"default\", the one with /dev/nsm).\n"
	  "  create        make an instance and enable it: /dev/nsm-NAME\n"
	  "  list          every instance: device, enabled, debug mode, module id\n"
	  "  destroy       remove an instance and its device\n"
	  "  set           write attributes: enable, devname, module_id, debug_mode,\n"
	  "                pcr0-4 and pcr8 (96 hex digits or 'default'), cose_tagged,\n"
	  "                indefinite_map, clock_offset_ms, leaf_lifetime_s\n"
	  "  status        attributes, true PCRs, statistics, leaf and PKI state\n"
	  "  reset         \"reboot\": PCRs back to the boot measurements\n"
	  "  rotate        retire the current leaf (a new one signs next)\n"
	  "  preset        list presets (default, debug, zero, iam-role), or write\n"
	  "                one's boot measurements and reset\n"
	  "  measurements  boot measurements from a measurements file or\n"
	  "                `nitro-cli describe-eif` JSON (applied by reset)\n"
	  "  root          the root certificate every document chains to (PEM)\n"
	  "  provision     load the PKI made by `nsmctl ca init DIR`\n"
	  "  new-chain     replace the PKI with a fresh ephemeral chain\n"
	  "\n"
	  "  --eif FILE    boot measurements PCR0, 1, 2 and 8 of an enclave image\n"
	  "                (set: also a reset when enabled)\n"
	  "  --pcr N=HEX   boot measurement of PCR N (0, 1, 2, 3, 4 or 8), 48 bytes\n"
	  "  --debug-mode  a debug-mode enclave (PCR0-2 read as zero)\n"
	  "  --devname DEV the device name (default nsm-NAME)\n"
	  "  --no-enable   create it disabled (no device yet)\n"
	  "  --check       provision: only check DIR\n"
	  "  -o, --output FILE  root: write to FILE\n"
	  "\n"
	  "  configfs: $NSMCTL_CONFIGFS, else /sys/kernel/config/nsm_emu;\n"
	  "  sysfs: $NSMCTL_SYSFS, else /sys/class/misc\n" },
	{ "eif", cmd_eif, "describe an enclave image file (EIF)",
	  "usage: nsmctl eif describe [--json] FILE\n"
	  "\n"
	  "  describe  what `nitro-cli describe-eif` shows: measurements (PCR0,\n"
	  "            PCR1, PCR2, PCR8), signing certificate and signature\n"
	  "            check, CRC-32, metadata; and the section table\n"
	  "\n"
	  "  -j, --json  JSON output (nitro-cli's field names)\n"
	  "exit status: 0 sound, 1 CRC or signature fails, 3 unreadable, 4 not an EIF\n" },
	{ "ca", cmd_ca, "create a test PKI for the emulator",
	  "usage: nsmctl ca init [--force] [--days N] [--region R] DIR\n"
	  "\n"
	  "  Creates root, regional, zonal and instance CAs (ECDSA P-384, shaped\n"
	  "  like AWS's chain, named O=nsm-emu (NOT AWS)) in DIR.\n"
	  "  --force      overwrite an existing PKI in DIR\n"
	  "  --days N     lifetime of the root in days (default 3650)\n"
	  "  --region R   region in the CA names (default emu-local-1)\n" },
	{ "kms", cmd_kms, "KMS calls with an attested key: decrypt, genkey, random",
	  "usage: nsmctl kms decrypt --ciphertext FILE [--key-id ID] [options]\n"
	  "       nsmctl kms genkey --key-id ID [--key-spec AES-256|AES-128 | --bytes N]\n"
	  "                         [options]\n"
	  "       nsmctl kms random [--length N] [options]\n"
	  "\n"
	  "  Each call makes a fresh RSA-2048 key, sends an attestation document\n"
	  "  carrying it as Recipient, and decrypts CiphertextForRecipient locally.\n"
	  "  --endpoint URL        KMS endpoint (default: $NSM_KMS_ENDPOINT, else\n"
	  "                        http://127.0.0.1:4000, nsm-kmsd's)\n"
	  "  --region R            region for SigV4 (default: $AWS_REGION, else us-east-1)\n"
	  "  --key-id ID           key id, key ARN, alias name or alias ARN\n"
	  "  --ciphertext FILE     the CiphertextBlob, raw or base64 (- for stdin)\n"
	  "  --encryption-context K=V  repeatable\n"
	  "  --key-spec S          genkey: AES-256 (default) or AES-128\n"
	  "  --bytes N, --length N genkey, random: 1 to 1024 bytes (random: 32)\n"
	  "  -o, --output FILE     write the plaintext's bytes to FILE\n"
	  "  -d, --device PATH     the NSM device (default: $NSM_DEVICE, else /dev/nsm)\n"
	  "  -j, --json            JSON output\n"
	  "  SigV4-signed when AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are set.\n"
	  "exit status: 0; 1 the endpoint refused; 3 device or endpoint unreachable;\n"
	  "4 an answer KMS would not give; 5 the NSM refused\n" },
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static void vmsg(const char *prefix, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s", prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("error: ", fmt, ap);
	va_end(ap);
}

void warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("warning: ", fmt, ap);
	va_end(ap);
}

void die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("fatal: ", fmt, ap);
	va_end(ap);
	exit(code);
}

int ossl_error(int code, const char *what)
{
	unsigned long e = ERR_get_error();
	char buf[256];

	if (e) {
		ERR_error_string_n(e, buf, sizeof(buf));
		error("%s: %s", what, buf);
	} else {
		error("%s failed", what);
	}
	ERR_clear_error();
	return code;
}

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("error: ", fmt, ap);
	va_end(ap);
	if (cmd)
		fprintf(stderr, "Run 'nsmctl %s -h' for its usage.\n", cmd);
	else
		fprintf(stderr, "Run 'nsmctl help' for the list of commands.\n");
	return NSMCTL_USAGE;
}

const struct nsmctl_cmd *nsmctl_find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < NCMDS; i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

int show_usage(const char *name)
{
	const struct nsmctl_cmd *c = nsmctl_find_cmd(name);

	if (c)
		fputs(c->usage, stdout);
	return NSMCTL_OK;
}

int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

int option_error(const char *cmd, int opt, char **argv)
{
	const char *arg = argv[optind - 1];

	if (opt == ':') {
		if (!strncmp(arg, "--", 2) || !optopt)
			return usage_error(cmd, "option '%s' needs a value", arg);
		return usage_error(cmd, "option '-%c' needs a value", optopt);
	}
	if (optopt)
		return usage_error(cmd, "unknown option '-%c'", optopt);
	return usage_error(cmd, "unknown option '%s'", arg);
}

static void main_usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"usage: nsmctl [--json] [-d PATH] <command> [<args>]\n"
		"       nsmctl help [<command>]\n"
		"       nsmctl --version\n"
		"\n"
		"Commands:\n");
	for (i = 0; i < NCMDS; i++)
		fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f,
		"\n"
		"  -j, --json         JSON output (every command)\n"
		"  -d, --device PATH  NSM device of describe, pcr, random and attest\n"
		"                     (default: $NSM_DEVICE, else /dev/nsm)\n"
		"\n"
		"Exit status: 0 ok, 1 verification/check failed or documents differ,\n"
		"2 usage error, 3 device or I/O error, 4 input format error,\n"
		"5 the NSM returned an error, 6 internal error.\n"
		"See nsmctl(1) and nsmctl-<command>(1).\n");
}

static int cmd_help(int argc, char **argv)
{
	if (argc < 2) {
		main_usage(stdout);
		return NSMCTL_OK;
	}
	if (!nsmctl_find_cmd(argv[1]))
		return usage_error(NULL, "'%s' is not an nsmctl command",
				   argv[1]);
	return show_usage(argv[1]);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "device", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const struct nsmctl_cmd *c;
	int opt;

	/* Messages are ours ("error: ..."), not getopt's. */
	opterr = 0;
	/* Stop at the first non-option: the subcommand parses the rest. */
	while ((opt = getopt_long(argc, argv, "+:jd:hV", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			nsmctl.json = true;
			break;
		case 'd':
			if (set_device(NULL, optarg))
				return NSMCTL_USAGE;
			break;
		case 'h':
			main_usage(stdout);
			return NSMCTL_OK;
		case 'V':
			printf("nsmctl %s\n", NSMCTL_VERSION);
			return NSMCTL_OK;
		default:
			return option_error(NULL, opt, argv);
		}
	}
	if (optind >= argc) {
		main_usage(stderr);
		return NSMCTL_USAGE;
	}
	argc -= optind;
	argv += optind;
	if (!strcmp(argv[0], "help"))
		return cmd_help(argc, argv);
	c = nsmctl_find_cmd(argv[0]);
	if (!c)
		return usage_error(NULL, "'%s' is not an nsmctl command",
				   argv[0]);
	/* Subcommands parse their own options from argv[1] on; optind 0
	 * makes glibc's getopt start afresh (permuting mode again). */
	optind = 0;
	return c->run(argc, argv);
}
