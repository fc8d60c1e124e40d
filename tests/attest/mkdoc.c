// SPDX-License-Identifier: GPL-2.0
/*
 * mkdoc: write attestation documents made by the portable core, for the
 * outside verifiers (verify-doc.sh, verify-node.js) and for benchmarks.
 *
 *   mkdoc -o DOC [-r ROOT.pem] [options]
 *
 * The emulated NSM boots with the core's defaults (nsm_emu_init: PCR0..15
 * locked, PCR0/1/2/4 set) and an ephemeral chain, or a provisioned one
 * (--key, --chain).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../../kmod/core/attest.h"

static void usage(FILE *f)
{
	fprintf(f,
"usage: mkdoc -o DOC [options]\n"
"  -o, --out FILE          write the document (COSE_Sign1) to FILE\n"
"  -r, --root-pem FILE     write the chain's root certificate as PEM\n"
"  -n, --nonce HEX         nonce bytes (absent: null)\n"
"  -u, --user-data HEX     user_data bytes (absent: null)\n"
"  -p, --public-key HEX    public_key bytes (absent: null)\n"
"      --fill N            nonce, user_data and public_key of N bytes each\n"
"      --tagged            COSE tag 18\n"
"      --indefinite        indefinite-length payload map (the default)\n"
"      --definite          definite-length payload map (hardware before 2025)\n"
"      --debug             debug mode: PCR0-2 zero\n"
"      --offset MS         clock offset of the timestamp, signed ms\n"
"      --lifetime S        leaf lifetime in seconds\n"
"      --locked N          PCRs 0..N-1 locked (default: 0..15)\n"
"      --module-id ID      module id\n"
"      --key FILE --chain FILE  provision this instance CA key (DER or\n"
"                          raw 48 bytes) and DER chain (root first)\n"
"      --bench N           make N documents, print documents per second\n");
}

static int hex_arg(const char *s, u8 **out, size_t *len)
{
	size_t n = strlen(s), i;

	if (n % 2)
		return -1;
	*out = malloc(n / 2 + 1);
	if (!*out)
		return -1;
	for (i = 0; i < n / 2; i++) {
		unsigned int v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		(*out)[i] = (u8)v;
	}
	*len = n / 2;
	return 0;
}

static u8 *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	u8 *buf = malloc(65536);

	if (!f || !buf) {
		fprintf(stderr, "mkdoc: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	*len = fread(buf, 1, 65536, f);
	fclose(f);
	return buf;
}

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(p, 1, n, f) != n || fclose(f)) {
		fprintf(stderr, "mkdoc: %s: %s\n", path, strerror(errno));
		exit(2);
	}
}

static void set_field(struct nsm_bytes *b, u8 *p, size_t n)
{
	b->ptr = p;
	b->len = n;
	b->present = true;
}

enum { O_FILL = 256, O_TAGGED, O_INDEF, O_DEF, O_DEBUG, O_OFFSET, O_LIFETIME,
       O_LOCKED, O_MODID, O_KEY, O_CHAIN, O_BENCH };

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "root-pem", required_argument, NULL, 'r' },
		{ "nonce", required_argument, NULL, 'n' },
		{ "user-data", required_argument, NULL, 'u' },
		{ "public-key", required_argument, NULL, 'p' },
		{ "fill", required_argument, NULL, O_FILL },
		{ "tagged", no_argument, NULL, O_TAGGED },
		{ "indefinite", no_argument, NULL, O_INDEF },
		{ "definite", no_argument, NULL, O_DEF },
		{ "debug", no_argument, NULL, O_DEBUG },
		{ "offset", required_argument, NULL, O_OFFSET },
		{ "lifetime", required_argument, NULL, O_LIFETIME },
		{ "locked", required_argument, NULL, O_LOCKED },
		{ "module-id", required_argument, NULL, O_MODID },
		{ "key", required_argument, NULL, O_KEY },
		{ "chain", required_argument, NULL, O_CHAIN },
		{ "bench", required_argument, NULL, O_BENCH },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *root_pem = NULL, *key_path = NULL,
		   *chain_path = NULL;
	static struct nsm_emu emu;
	struct nsm_request req = { .type = NSM_REQ_ATTESTATION };
	struct nsm_pki_settings set;
	unsigned int locked = 0, i;
	long bench = 0;
	u8 *doc, *p;
	size_t len, n;
	int c, ret;

	nsm_emu_init(&emu);
	emu.pki = nsm_pki_new();
	if (!emu.pki)
		return 2;
	nsm_pki_get_settings(emu.pki, &set);
	while ((c = getopt_long(argc, argv, "o:r:n:u:p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'r': root_pem = optarg; break;
		case 'n':
		case 'u':
		case 'p':
			if (hex_arg(optarg, &p, &n)) {
				fprintf(stderr, "mkdoc: bad hex: %s\n", optarg);
				return 2;
			}
			set_field(c == 'n' ? &req.nonce : c == 'u' ?
				  &req.user_data : &req.public_key, p, n);
			break;
		case O_FILL:
			n = strtoul(optarg, NULL, 0);
			p = malloc(n + 1);
			for (i = 0; i < n; i++)
				p[i] = (u8)i;
			set_field(&req.nonce, p, n);
			set_field(&req.user_data, p, n);
			set_field(&req.public_key, p, n);
			break;
		case O_TAGGED: set.tagged = true; break;
		case O_INDEF: set.indefinite = true; break;
		case O_DEF: set.indefinite = false; break;
		case O_DEBUG: emu.debug = true; break;
		case O_OFFSET: set.clock_offset_ms = strtoll(optarg, NULL, 0); break;
		case O_LIFETIME: set.leaf_lifetime_s = strtoul(optarg, NULL, 0); break;
		case O_LOCKED: locked = strtoul(optarg, NULL, 0); break;
		case O_MODID:
			snprintf(emu.module_id, sizeof(emu.module_id), "%s", optarg);
			break;
		case O_KEY: key_path = optarg; break;
		case O_CHAIN: chain_path = optarg; break;
		case O_BENCH: bench = strtol(optarg, NULL, 0); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if ((!out && !bench) || optind != argc || locked > NSM_PCR_COUNT ||
	    !key_path != !chain_path) {
		usage(stderr);
		return 2;
	}
	if (locked)
		emu.locked = locked == 32 ? 0xffffffffu : (1u << locked) - 1;
	if (nsm_pki_set_settings(emu.pki, &set)) {
		fprintf(stderr, "mkdoc: setting out of range\n");
		return 2;
	}
	if (key_path) {
		size_t klen, clen;
		u8 *key = read_file(key_path, &klen);
		u8 *chain = read_file(chain_path, &clen);

		ret = nsm_pki_provision(emu.pki, key, klen, chain, clen,
					nsm_plat_time_ms() / 1000);
		free(key);
		free(chain);
	} else {
		ret = nsm_pki_generate(emu.pki, emu.module_id,
				       nsm_plat_time_ms() / 1000);
	}
	if (ret) {
		fprintf(stderr, "mkdoc: %s\n", nsm_pki_strerror(ret));
		return 1;
	}
	if (root_pem) {
		char pem[NSM_PKI_PEM_MAX];
		int pl = nsm_pki_root_pem(emu.pki, pem, sizeof(pem));

		if (pl < 0)
			return 1;
		write_file(root_pem, pem, pl);
	}

	doc = malloc(NSM_ATTEST_DOC_MAX);
	if (bench) {
		struct timespec a, b;
		double s;

		clock_gettime(CLOCK_MONOTONIC, &a);
		for (i = 0; i < bench; i++)
			if (nsm_attest_document(&emu, &req, doc,
						NSM_ATTEST_DOC_MAX, &len))
				return 1;
		clock_gettime(CLOCK_MONOTONIC, &b);
		s = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
		printf("%ld documents in %.3f s: %.0f documents/s, %zu bytes each\n",
		       bench, s, bench / s, len);
	}
	if (out) {
		if (nsm_attest_document(&emu, &req, doc, NSM_ATTEST_DOC_MAX,
					&len)) {
			fprintf(stderr, "mkdoc: attestation failed\n");
			return 1;
		}
		write_file(out, doc, len);
	}
	free(doc);
	nsm_pki_free(emu.pki);
	return 0;
}
