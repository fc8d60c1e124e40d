// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Verification throughput on one core: libnsm's verifier (chain cache on)
 * beside a naive baseline in the same run (NSM_VERIFIER_NO_CACHE: a full
 * X509_verify_cert per document, as most verifiers do).
 *
 *  (a) the 16 real AWS documents, each verified at its own time; the
 *      cached verifier is created afresh for every round, so every chain is
 *      a miss (the worst case for the cache);
 *  (b) 1,000 emulator documents signed by a few leaves: four emulated NSMs
 *      (the portable core of kmod/core, each with its own ephemeral test
 *      PKI and leaf), 250 documents each with distinct nonces, verified now
 *      against the four emulator roots.
 *
 * Rates are documents per second of this thread's CPU time (one core).
 *
 * Usage: bench TESTDATA_DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nsm_verify.h"
#include "helpers/input.h"
#include "bench_emu.h"

#define EMUS		4
#define EMU_DOCS	1000
#define REAL_ROUNDS	10

/* the layout of struct bench_doc */
struct doc {
	uint8_t *p;
	size_t len;
};

/* CPU time of this thread: throughput on one core, unaffected by other
 * jobs competing for the machine */
static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int verify_all(struct nsm_verifier *v, const struct doc *docs, size_t n,
		      enum nsm_time_policy tp)
{
	struct nsm_verify_opts o;
	size_t i;
	int bad = 0;

	nsm_verify_opts_init(&o);
	o.time_policy = tp;
	for (i = 0; i < n; i++) {
		struct nsm_result *r = NULL;

		if (nsm_verify_bytes(&r, NULL, v, docs[i].p, docs[i].len, &o) || !nsm_result_ok(r))
			bad++;
		nsm_result_free(&r);
	}
	return bad;
}

static size_t load_real(const char *td, struct doc *docs)
{
	static const char *const names[] = {
		"base_hinted_2026", "base_nitrovalidator_2024", "blocky_2024_debug",
		"blocky_2024_prod", "eternis_example_2024", "evervault_beta_cert_debug",
		"evervault_beta_cert_nondebug", "evervault_beta_debug",
		"evervault_beta_valid", "evervault_ga_valid", "marlin_sdk_aws",
		"marlin_sdk_aws_pcr16", "marlin_verifier_attestation",
		"nitrite_brave_2021", "signal_svr2_valid_bytes",
		"signal_svr2_valid_bytes2",
	};
	char path[1024];
	size_t i;

	for (i = 0; i < 16; i++) {
		snprintf(path, sizeof(path), "%s/aws/%s.cbor", td, names[i]);
		if (input_read_file(&docs[i].p, &docs[i].len, NULL, path, INPUT_CBOR)) {
			fprintf(stderr, "bench: cannot read %s\n", path);
			exit(1);
		}
	}
	return 16;
}

/* The roots of the emulated NSMs (bench_emu.c) trusted by both verifiers. */
static void make_emu_docs(struct doc *docs, struct nsm_verifier *a,
			  struct nsm_verifier *b)
{
	const uint8_t *roots[EMUS];
	size_t rlen[EMUS];
	int e;

	bench_emu_docs((struct bench_doc *)docs, EMU_DOCS, EMUS, roots, rlen);
	for (e = 0; e < EMUS; e++)
		if (nsm_verifier_add_root_der(a, NULL, roots[e], rlen[e], NULL) ||
		    nsm_verifier_add_root_der(b, NULL, roots[e], rlen[e], NULL)) {
			fprintf(stderr, "bench: emulator root not accepted\n");
			exit(1);
		}
}

int main(int argc, char **argv)
{
	static struct doc real[16], emu[EMU_DOCS];
	struct nsm_verifier *naive, *cached;
	double t0, t_naive, t_cached, t_warm;
	uint64_t hits, misses;
	int bad = 0, r;

	if (argc != 2) {
		fprintf(stderr, "usage: bench TESTDATA_DIR\n");
		return 2;
	}
	load_real(argv[1], real);

	/* (a) real documents: each document is verified by the naive and the
	 * cached verifier in turn, so that machine noise hits both alike; the
	 * verifiers are created afresh every round (the same set-up for both),
	 * so the cached one starts cold: every chain is a miss */
	t_naive = t_cached = 0;
	for (r = 0; r < REAL_ROUNDS; r++) {
		size_t i;

		nsm_verifier_new(&naive, NSM_VERIFIER_NO_CACHE | NSM_VERIFIER_OPENSSL_ONLY);
		nsm_verifier_new(&cached, 0);
		for (i = 0; i < 16; i++) {
			t0 = now_s();
			bad += verify_all(naive, &real[i], 1, NSM_TIME_DOCUMENT);
			t_naive += now_s() - t0;
			t0 = now_s();
			bad += verify_all(cached, &real[i], 1, NSM_TIME_DOCUMENT);
			t_cached += now_s() - t0;
		}
		nsm_verifier_free(&cached);
		nsm_verifier_free(&naive);
	}
	nsm_verifier_new(&cached, 0);
	verify_all(cached, real, 16, NSM_TIME_DOCUMENT);
	t0 = now_s();
	for (r = 0; r < REAL_ROUNDS; r++)
		bad += verify_all(cached, real, 16, NSM_TIME_DOCUMENT);
	t_warm = now_s() - t0;
	nsm_verifier_free(&cached);
	printf("(a) 16 real AWS documents x %d rounds, at document time:\n", REAL_ROUNDS);
	printf("    naive (OpenSSL only, no cache):         %8.0f docs/s\n",
	       16 * REAL_ROUNDS / t_naive);
	printf("    libnsm, cold cache (every chain new):  %8.0f docs/s  (%.2fx)\n",
	       16 * REAL_ROUNDS / t_cached, t_naive / t_cached);
	printf("    libnsm, same documents again (warm):   %8.0f docs/s  (%.2fx)\n",
	       16 * REAL_ROUNDS / t_warm, t_naive / t_warm);

	/* (b) emulator documents */
	nsm_verifier_new(&naive, NSM_VERIFIER_NO_CACHE | NSM_VERIFIER_NO_AWS_ROOT |
			 NSM_VERIFIER_OPENSSL_ONLY);
	nsm_verifier_new(&cached, NSM_VERIFIER_NO_AWS_ROOT);
	make_emu_docs(emu, naive, cached);
	t0 = now_s();
	bad += verify_all(naive, emu, EMU_DOCS, NSM_TIME_NOW);
	t_naive = now_s() - t0;
	t0 = now_s();
	bad += verify_all(cached, emu, EMU_DOCS, NSM_TIME_NOW);
	t_cached = now_s() - t0;
	nsm_verifier_cache_stats(cached, &hits, &misses);
	printf("(b) %d emulator documents from %d leaves, verified now:\n", EMU_DOCS, EMUS);
	printf("    naive (OpenSSL only, no cache):         %8.0f docs/s\n", EMU_DOCS / t_naive);
	printf("    libnsm with chain cache:               %8.0f docs/s  (%.2fx; %llu hits, %llu misses)\n",
	       EMU_DOCS / t_cached, t_naive / t_cached, (unsigned long long)hits,
	       (unsigned long long)misses);
	nsm_verifier_free(&naive);
	nsm_verifier_free(&cached);
	for (r = 0; r < EMU_DOCS; r++)
		free(emu[r].p);
	for (r = 0; r < 16; r++)
		free(real[r].p);
	if (bad)
		printf("bench: %d verifications failed\n", bad);
	return bad != 0;
}
