// SPDX-License-Identifier: GPL-2.0
/*
 * nsm-kmsd: a local AWS KMS endpoint that honours Nitro attestation
 * documents signed under the emulator's test roots. See nsm-kmsd(8).
 *
 * Exit status: 0 after SIGTERM/SIGINT, 1 when it cannot start (state,
 * roots, address), 2 for a usage error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kmsd.h"
#include "http.h"

#define DEFAULT_PORT	4000
#define DEFAULT_MAX_AGE	300	/* s: the freshness window */

static void usage(FILE *f)
{
	fprintf(f,
"usage: nsm-kmsd [options]\n"
"A local AWS KMS endpoint (JSON 1.1 protocol) that honours Nitro attestation\n"
"documents (Recipient) signed under the emulator's test roots.\n"
"\n"
"  -s, --state DIR          state directory (default $NSM_KMSD_STATE, else\n"
"                           /var/lib/nsm-kmsd as root, ~/.local/state/nsm-kmsd)\n"
"  -l, --listen ADDR        address to listen on (default 127.0.0.1)\n"
"  -p, --port N             TCP port (default %d; 0: any free port)\n"
"      --port-file FILE     write the port bound to FILE once listening\n"
"  -r, --root FILE          also trust this root (PEM or DER; repeatable)\n"
"      --aws-root           also trust AWS's Nitro Enclaves root G1\n"
"      --no-local-root      do not trust the local emulator's root\n"
"      --local-root FILE    where the emulator's root is (default\n"
"                           /sys/kernel/config/nsm_emu/pki/root)\n"
"      --max-age S          freshness window for attestation documents,\n"
"                           seconds (default %d; 0: none)\n"
"      --require-sigv4 AK:SECRET  verify SigV4 signatures with this key\n"
"                           (default: any credentials are accepted)\n"
"      --region R           region of ARNs (default us-east-1)\n"
"      --account N          account of ARNs (default 111122223333)\n"
"      --threads N          worker threads (default 4)\n"
"      --timeout S          idle connection timeout (default 10)\n"
"      --request-timeout S  time one request may take to arrive (default 30)\n"
"  -q, --quiet              log nothing but fatal errors\n"
"  -h, --help               this text\n"
"  -V, --version            the version\n", DEFAULT_PORT, DEFAULT_MAX_AGE);
}

static int number(const char *s, long min, long max, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return errno || !*s || *end || *out < min || *out > max ? -1 : 0;
}

static char *default_state(void)
{
	const char *env = getenv("NSM_KMSD_STATE"), *home;
	char *s;

	if (env && *env)
		return strdup(env);
	if (!geteuid())
		return strdup("/var/lib/nsm-kmsd");
	home = getenv("HOME");
	if (!home || asprintf(&s, "%s/.local/state/nsm-kmsd", home) < 0)
		return NULL;
	return s;
}

/* mkdir -p for the parents of the state directory */
static void make_parents(const char *dir)
{
	char *p = strdup(dir), *s;

	if (!p)
		return;
	for (s = p + 1; *s; s++) {
		if (*s == '/') {
			*s = 0;
			mkdir(p, 0700);
			*s = '/';
		}
	}
	free(p);
}

int main(int argc, char **argv)
{
	enum { O_PORT_FILE = 256, O_AWS_ROOT, O_NO_LOCAL, O_LOCAL_ROOT,
	       O_MAX_AGE, O_SIGV4, O_REGION, O_ACCOUNT, O_THREADS, O_TIMEOUT,
	       O_REQ_TIMEOUT };
	static const struct option opts[] = {
		{ "state", required_argument, NULL, 's' },
		{ "listen", required_argument, NULL, 'l' },
		{ "port", required_argument, NULL, 'p' },
		{ "port-file", required_argument, NULL, O_PORT_FILE },
		{ "root", required_argument, NULL, 'r' },
		{ "aws-root", no_argument, NULL, O_AWS_ROOT },
		{ "no-local-root", no_argument, NULL, O_NO_LOCAL },
		{ "local-root", required_argument, NULL, O_LOCAL_ROOT },
		{ "max-age", required_argument, NULL, O_MAX_AGE },
		{ "require-sigv4", required_argument, NULL, O_SIGV4 },
		{ "region", required_argument, NULL, O_REGION },
		{ "account", required_argument, NULL, O_ACCOUNT },
		{ "threads", required_argument, NULL, O_THREADS },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "request-timeout", required_argument, NULL, O_REQ_TIMEOUT },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct kms_trust_opts topts = { .local_root = true,
					.max_age_ms = DEFAULT_MAX_AGE * 1000 };
	struct kms_ctx ctx = { .region = "us-east-1",
			       .account = "111122223333" };
	struct kms_server srv = { .ctx = &ctx, .threads = 4, .idle_timeout = 10,
				  .request_timeout = 30,
				  .max_connections = 512 };
	const char **roots = calloc((size_t)argc + 1, sizeof(char *));
	const char *listen_addr = "127.0.0.1", *port_file = NULL;
	char *state = NULL, *sigv4 = NULL, err[512] = "";
	struct sockaddr_storage ss = { 0 };
	size_t nroots = 0;
	long port = DEFAULT_PORT, n;
	int opt, sig, ret = 1;
	sigset_t set;

	if (!roots)
		return 1;
	while ((opt = getopt_long(argc, argv, "s:l:p:r:qhV", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			free(state);
			state = strdup(optarg);
			break;
		case 'l':
			listen_addr = optarg;
			break;
		case 'p':
			if (number(optarg, 0, 65535, &port))
				goto bad_arg;
			break;
		case O_PORT_FILE:
			port_file = optarg;
			break;
		case 'r':
			roots[nroots++] = optarg;
			break;
		case O_AWS_ROOT:
			topts.aws_root = true;
			break;
		case O_NO_LOCAL:
			topts.local_root = false;
			break;
		case O_LOCAL_ROOT:
			topts.local_root_path = optarg;
			break;
		case O_MAX_AGE:
			if (number(optarg, 0, 365L * 86400, &n))
				goto bad_arg;
			topts.max_age_ms = (uint64_t)n * 1000;
			break;
		case O_SIGV4:
			free(sigv4);
			sigv4 = strdup(optarg);
			if (!sigv4 || !strchr(sigv4, ':') || sigv4[0] == ':' ||
			    !strchr(sigv4, ':')[1]) {
				fprintf(stderr, "nsm-kmsd: --require-sigv4 takes ACCESS_KEY:SECRET\n");
				goto usage_fail;
			}
			*strchr(sigv4, ':') = 0;
			srv.sigv4_access = sigv4;
			srv.sigv4_secret = sigv4 + strlen(sigv4) + 1;
			break;
		case O_REGION:
			ctx.region = optarg;
			break;
		case O_ACCOUNT:
			if (strlen(optarg) != 12 || strspn(optarg, "0123456789") != 12) {
				fprintf(stderr, "nsm-kmsd: --account takes 12 digits\n");
				goto usage_fail;
			}
			ctx.account = optarg;
			break;
		case O_THREADS:
			if (number(optarg, 1, 64, &n))
				goto bad_arg;
			srv.threads = (int)n;
			break;
		case O_TIMEOUT:
			if (number(optarg, 1, 3600, &n))
				goto bad_arg;
			srv.idle_timeout = (int)n;
			break;
		case O_REQ_TIMEOUT:
			if (number(optarg, 1, 3600, &n))
				goto bad_arg;
			srv.request_timeout = (int)n;
			break;
		case 'q':
			ctx.quiet = kms_log_quiet = true;
			break;
		case 'h':
			usage(stdout);
			ret = 0;
			goto out;
		case 'V':
			printf("nsm-kmsd %s\n", KMSD_VERSION);
			ret = 0;
			goto out;
		default:
			usage(stderr);
			goto usage_fail;
		}
		continue;
bad_arg:
		fprintf(stderr, "nsm-kmsd: bad value '%s' for option %s\n", optarg,
			argv[optind - 1]);
		goto usage_fail;
	}
	if (optind != argc) {
		fprintf(stderr, "nsm-kmsd: unexpected argument '%s'\n", argv[optind]);
		goto usage_fail;
	}
	if (!state)
		state = default_state();
	if (!state) {
		fprintf(stderr, "nsm-kmsd: no state directory: give --state\n");
		goto usage_fail;
	}
	if (strlen(ctx.region) > 32 || strspn(ctx.region,
		"abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(ctx.region)) {
		fprintf(stderr, "nsm-kmsd: --region: not a region name\n");
		goto usage_fail;
	}
	if (inet_pton(AF_INET, listen_addr,
		      &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		((struct sockaddr_in *)&ss)->sin_family = AF_INET;
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
	} else if (inet_pton(AF_INET6, listen_addr,
			     &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		((struct sockaddr_in6 *)&ss)->sin6_family = AF_INET6;
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
	} else {
		fprintf(stderr, "nsm-kmsd: --listen: '%s' is not an IPv4 or IPv6 address\n",
			listen_addr);
		goto usage_fail;
	}

	topts.root_files = roots;
	make_parents(state);
	if (kms_store_open(&ctx.store, state, err, sizeof(err))) {
		fprintf(stderr, "nsm-kmsd: state %s: %s\n", state, err);
		goto out;
	}
	if (kms_trust_new(&ctx.trust, &topts, err, sizeof(err))) {
		fprintf(stderr, "nsm-kmsd: %s\n", err[0] ? err : "cannot load the roots");
		goto out;
	}
	if (!kms_trust_root_count(ctx.trust))
		kms_log("warning: no trusted root (no local emulator root, no --root, no --aws-root): every Recipient will be refused");

	/* signals are taken by sigwait below, in no worker thread */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (kms_http_start(&srv, (struct sockaddr *)&ss, err, sizeof(err))) {
		fprintf(stderr, "nsm-kmsd: %s:%ld: %s\n", listen_addr, port, err);
		goto out;
	}
	kms_log("listening on http://%s%s%s:%u, state %s, %zu keys, %zu trusted roots, freshness window %llu s%s",
		strchr(listen_addr, ':') ? "[" : "", listen_addr,
		strchr(listen_addr, ':') ? "]" : "", srv.port, state,
		kms_store_key_count(ctx.store), kms_trust_root_count(ctx.trust),
		(unsigned long long)(topts.max_age_ms / 1000),
		srv.sigv4_access ? ", SigV4 required" : "");
	if (port_file) {
		char buf[16];

		snprintf(buf, sizeof(buf), "%u\n", srv.port);
		if (kms_write_atomic(port_file, buf, strlen(buf))) {
			fprintf(stderr, "nsm-kmsd: cannot write %s\n", port_file);
			kms_http_stop(&srv);
			goto out;
		}
	}
	sigwait(&set, &sig);
	kms_log("signal %d: stopping after %llu requests (%llu refused)", sig,
		(unsigned long long)ctx.requests, (unsigned long long)ctx.errors);
	kms_http_stop(&srv);
	ret = 0;
	goto out;
usage_fail:
	ret = 2;
out:
	kms_trust_free(&ctx.trust);
	kms_store_close(&ctx.store);
	free(state);
	if (sigv4)
		kms_wipe(sigv4, strlen(sigv4));
	free(sigv4);
	free(roots);
	return ret;
}
