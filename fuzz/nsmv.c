// SPDX-License-Identifier: GPL-2.0
/*
 * The fuzzers' use of libnsm (nsmv.h). NSMV_ERR_API is set by the Makefile
 * when nsm_verify.h passes a struct nsm_error to these calls.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nsm_verify.h"
#include "nsmv.h"

#ifdef NSMV_ERR_API
#define ERRARG		NULL,
#else
#define ERRARG
#endif

#define TS_PLAUSIBLE	1000000000000ULL	/* libnsm: 2001-09-09, in ms */

static void dump(const char *why, const struct nsm_result *r)
{
	size_t i;

	fprintf(stderr, "%s\n", why);
	for (i = 0; r && i < nsm_result_count(r); i++) {
		const struct nsm_check *c = nsm_result_check(r, i);

		fprintf(stderr, "  %-22s %-4s %s\n", nsm_check_name(c->code),
			nsm_check_status_name(c->status), c->message);
	}
	abort();
}

struct nsm_verifier *nsmv_new(const uint8_t *root, size_t len)
{
	struct nsm_verifier *v;

	if (nsm_verifier_new(&v, NSM_VERIFIER_NO_AWS_ROOT))
		dump("nsm_verifier_new failed", NULL);
	nsmv_add_root(v, root, len);
	return v;
}

void nsmv_add_root(struct nsm_verifier *v, const uint8_t *root, size_t len)
{
#ifdef NSMV_ERR_API
	if (nsm_verifier_add_root_der(v, NULL, root, len, "fuzz root"))
#else
	if (nsm_verifier_add_root_der(v, root, len))
#endif
		dump("nsm_verifier_add_root_der failed", NULL);
}

void nsmv_free(struct nsm_verifier *v)
{
	nsm_verifier_free(&v);
}

static struct nsm_doc *parse(const uint8_t *doc, size_t len)
{
	struct nsm_doc *d = NULL;

	if (nsm_doc_parse(&d, NULL, doc, len))
		dump("libnsm does not parse a document of the core", NULL);
	return d;
}

static struct nsm_result *verify(struct nsm_verifier *v,
				 const struct nsm_doc *d,
				 const struct nsm_verify_opts *o)
{
	struct nsm_result *r = NULL;

	if (nsm_verify(&r, ERRARG v, d, o) || !r)
		dump("nsm_verify could not run", NULL);
	return r;
}

void nsmv_must_verify(struct nsm_verifier *v, const uint8_t *doc, size_t len,
		      int64_t time_ms)
{
	struct nsm_doc *d = parse(doc, len);
	struct nsm_verify_opts o;
	struct nsm_result *r;

	nsm_verify_opts_init(&o);
	o.time_policy = NSM_TIME_GIVEN;
	o.time_ms = time_ms;
	r = verify(v, d, &o);
	if (!nsm_result_ok(r))
		dump("a document under an accepted chain does not verify:", r);
	nsm_result_free(&r);
	nsm_doc_free(&d);
}

/* ---- nsmv_check() ----------------------------------------------------- */

#define ASSERT(c)							\
	do {								\
		if (!(c)) {						\
			fprintf(stderr, "libnsm's view differs: %s (%s:%d)\n",\
				#c, __FILE__, __LINE__);		\
			abort();					\
		}							\
	} while (0)

static bool same(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return a && alen == blen && (!alen || !memcmp(a, b, alen));
}

static void check_field(enum nsm_presence pr, const uint8_t *val, size_t len,
			const struct nsmv_bytes *b)
{
	if (!b->present) {
		ASSERT(pr == NSM_NULL);
		return;
	}
	ASSERT(pr == NSM_PRESENT);
	ASSERT(same(val, len, b->p, b->len));
}

static void check_getters(const struct nsm_doc *d, const struct nsmv_expect *e)
{
	unsigned int i, n = 0;
	const uint8_t *p;
	size_t len;
	uint64_t ts;

	ASSERT(nsm_doc_is_tagged(d) == e->tagged);
	ASSERT(nsm_doc_payload_indefinite(d) == e->indefinite);
	ASSERT(nsm_doc_module_id(d) && !strcmp(nsm_doc_module_id(d), e->module_id));
	ASSERT(nsm_doc_digest(d) && !strcmp(nsm_doc_digest(d), "SHA384"));
	ASSERT(nsm_doc_timestamp(d, &ts) && ts == e->ts);
	for (i = 0; i < 32; i++) {
		p = nsm_doc_pcr(d, i, &len);
		if (!(e->locked & (1u << i))) {
			ASSERT(!p);
			continue;
		}
		n++;
		ASSERT(same(p, len, e->pcr[i], 48));
	}
	ASSERT(nsm_doc_pcr_count(d) == n);
	ASSERT(nsm_doc_is_debug(d) == e->debug);
	p = nsm_doc_certificate(d, &len);
	ASSERT(same(p, len, e->cert, e->cert_len));
	ASSERT(nsm_doc_cabundle_count(d) == e->ncab);
	for (i = 0; i < e->ncab; i++) {
		p = nsm_doc_cabundle(d, i, &len);
		ASSERT(same(p, len, e->cab[i], e->cab_len[i]));
	}
	p = NULL;
	check_field(nsm_doc_public_key(d, &p, &len), p, len, &e->public_key);
	check_field(nsm_doc_user_data(d, &p, &len), p, len, &e->user_data);
	check_field(nsm_doc_nonce(d, &p, &len), p, len, &e->nonce);
	ASSERT(!nsm_doc_is_nitrotpm(d));
}

/* Every check passes but those in @codes, which fail iff @must_fail. */
static void expect_checks(const struct nsm_result *r, const char *when,
			  const enum nsm_check_code *codes,
			  const bool *must_fail, unsigned int n)
{
	size_t i;
	unsigned int k;

	for (i = 0; i < nsm_result_count(r); i++) {
		const struct nsm_check *c = nsm_result_check(r, i);
		bool want_fail = false;

		for (k = 0; k < n; k++)
			if (c->code == codes[k])
				want_fail = must_fail[k];
		if ((c->status != NSM_CHECK_PASS) != want_fail) {
			fprintf(stderr, "verified %s: %s should %s\n", when,
				nsm_check_name(c->code),
				want_fail ? "fail" : "pass");
			dump("libnsm's checks:", r);
		}
	}
	for (k = 0; k < n; k++)
		if (must_fail[k] && !nsm_result_find(r, codes[k]))
			dump("a check that should fail is missing", r);
}

void nsmv_check(struct nsm_verifier *v, const uint8_t *doc, size_t len,
		const struct nsmv_expect *e)
{
	struct nsm_pcrset *set = NULL;
	struct nsm_verify_opts o;
	struct nsm_result *r;
	struct nsm_doc *d = parse(doc, len);
	enum nsm_check_code codes[3] = {
		NSM_CHECK_TIMESTAMP, NSM_CHECK_POLICY_NOT_DEBUG,
	};
	bool must[3] = { e->ts < TS_PLAUSIBLE, e->reject_debug && e->debug };
	uint64_t at_s;
	unsigned int i;

	check_getters(d, e);

	/* at the pinned time, with every policy the request allows */
	ASSERT(!nsm_pcrset_new(&set));
	for (i = 0; i < 32; i++)
		if (e->locked & (1u << i))
			ASSERT(!nsm_pcrset_set(set, i, e->pcr[i], 48));
	nsm_verify_opts_init(&o);
	o.time_policy = NSM_TIME_GIVEN;
	o.time_ms = e->time_ms;
	o.expected_pcrs = set;
	o.reject_debug = e->reject_debug;
	if (e->nonce.present) {
		o.check_nonce = true;
		o.nonce = e->nonce.p;
		o.nonce_len = e->nonce.len;
	}
	if (e->user_data.present) {
		o.check_user_data = true;
		o.user_data = e->user_data.p;
		o.user_data_len = e->user_data.len;
	}
	if (e->public_key.present) {
		o.check_public_key = true;
		o.public_key = e->public_key.p;
		o.public_key_len = e->public_key.len;
	}
	r = verify(v, d, &o);
	expect_checks(r, "at the pinned time", codes, must, 2);
	nsm_result_free(&r);
	nsm_pcrset_free(&set);

	/* at the document's own time: what the clock offset promises */
	at_s = e->ts / 1000;
	codes[1] = NSM_CHECK_CHAIN_NOT_YET_VALID;
	codes[2] = NSM_CHECK_CHAIN_NOT_EXPIRED;
	must[1] = at_s < e->nb_max;
	must[2] = at_s > e->na_min;
	nsm_verify_opts_init(&o);
	o.time_policy = NSM_TIME_DOCUMENT;
	r = verify(v, d, &o);
	if (getenv("NSM_FUZZ_VERBOSE"))
		fprintf(stderr, "ts %llu: implausible %d, not yet valid %d, expired %d, %zu bytes\n",
			(unsigned long long)e->ts, must[0], must[1], must[2], len);
	expect_checks(r, "at the document's time", codes, must, 3);
	nsm_result_free(&r);
	nsm_doc_free(&d);
}
