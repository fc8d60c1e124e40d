// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: attestation documents built by the core, parsed and
 * verified by libnsm. From the input: the fidelity switches (COSE tag,
 * indefinite-length map, debug mode, clock offset, leaf lifetime), the
 * module id, a PCR history (ExtendPCR, LockPCR, LockPCRs requests through
 * nsm_handle()), the chain (four made once: generated, and provisioned
 * with one, two and four certificates, the last as large as they may be),
 * the request's user_data, nonce and public_key (absent, or of any size up
 * to the 4 KiB request limit and past it), the response buffer size, and
 * the path: nsm_attest_response() on a state snapshot (what the module
 * does) or nsm_handle() on an nsm_pki (what userspace emulators do).
 *
 * Invariants:
 * - a request over NSM_CORE_REQUEST_MAX is answered InputTooLarge;
 * - every other request is answered with a document, or BufferTooSmall
 *   exactly when the document does not fit the buffer, and then a larger
 *   buffer gets the same document byte for byte; nothing else, ever;
 * - out-of-range settings and lifetimes are refused and change nothing;
 * - the PCR bank is what a model here computes with OpenSSL;
 * - libnsm parses every document, reads back every field as it was put
 *   in (tag, map form, module id, timestamp, each locked PCR with PCR0..2
 *   zero in debug mode, certificate, cabundle, user_data, nonce,
 *   public_key), and verifies it at FUZZ_NOW_S against the chain's root
 *   with every policy the request allows (expected PCRs, nonce, user_data,
 *   public_key, debug): every check passes but doc.timestamp for a
 *   timestamp libnsm calls implausible (before 2001) and policy.not_debug
 *   for a debug document;
 * - verified at its own timestamp instead, a document fails exactly the
 *   validity checks the clock offset promises (pki.h): not yet valid
 *   before the leaf's notBefore, expired after the first notAfter.
 * Every mismatch aborts, with libnsm's checks on stderr.
 */
#include <openssl/evp.h>

#include "../kmod/core/cbor.h"
#include "fuzz.h"
#include "nsmv.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NCA		4
#define RESP_MAX	0x3000	/* NSM_RESPONSE_MAX_SIZE */

static struct {
	struct nsm_ca *ca;
	struct nsm_leaf *leaf;		/* default module id, 3-hour life */
	struct nsm_pki *pki;		/* the same chain, for nsm_handle() */
	struct nsm_verifier *v;
} cas[NCA];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static u8 chain[8 * NSM_CERT_MAX], key[256];
	struct tp_chain_opts o;
	size_t chain_len, key_len;
	const u8 *root;
	size_t root_len;
	unsigned int i;

	(void)argc;
	(void)argv;
	tp_key(0);
	for (i = 0; i < NCA; i++) {
		fuzz_rng_reset("attest-ca", i);
		cas[i].pki = nsm_pki_new();
		FUZZ_ASSERT(cas[i].pki);
		if (i == 0) {
			FUZZ_ASSERT(!nsm_ca_generate(NSM_DEFAULT_MODULE_ID,
						     FUZZ_NOW_S, &cas[i].ca));
			FUZZ_ASSERT(!nsm_pki_generate(cas[i].pki,
						      NSM_DEFAULT_MODULE_ID,
						      FUZZ_NOW_S));
		} else {
			if (i == 1) {
				tp_chain_default(&o, 1);
				chain_len = tp_chain(chain, sizeof(chain), &o, NULL);
			} else if (i == 2) {
				tp_chain_default(&o, 4);
				chain_len = tp_chain_max(chain, sizeof(chain), &o, NULL);
			} else {
				/* a CA that ends tomorrow: leaves are cut short */
				tp_chain_default(&o, 2);
				o.key[0] = 4;
				o.key[1] = 5;
				o.not_after = FUZZ_NOW_S + 86400;
				chain_len = tp_chain(chain, sizeof(chain), &o, NULL);
			}
			key_len = tp_key_der(key, sizeof(key),
					     tp_key(o.key[o.n - 1]),
					     (enum tp_key_fmt)(i % TP_KEY_NFMT));
			FUZZ_ASSERT(chain_len && key_len);
			FUZZ_ASSERT(!nsm_ca_provision(key, key_len, chain,
						      chain_len, FUZZ_NOW_S,
						      &cas[i].ca));
			FUZZ_ASSERT(!nsm_pki_provision(cas[i].pki, key, key_len,
						       chain, chain_len,
						       FUZZ_NOW_S));
		}
		FUZZ_ASSERT(!nsm_leaf_issue(cas[i].ca, NSM_DEFAULT_MODULE_ID,
					    FUZZ_NOW_S, NSM_PKI_LEAF_LIFETIME,
					    &cas[i].leaf));
		FUZZ_ASSERT(!nsm_ca_cert(cas[i].ca, 0, &root, &root_len));
		cas[i].v = nsmv_new(root, root_len);
	}
	/* the nsm_pki chains were made apart: each verifier trusts both */
	for (i = 0; i < NCA; i++) {
		FUZZ_ASSERT(!nsm_pki_cert(cas[i].pki, 0, &root, &root_len));
		nsmv_add_root(cas[i].v, root, root_len);
	}
	return 0;
}

/* ---- the input ------------------------------------------------------ */

#define F_TAGGED	0x01
#define F_DEFINITE	0x02
#define F_DEBUG		0x04
#define F_HANDLE	0x08	/* nsm_handle() on an nsm_pki */
#define F_LEAF		0x10	/* a leaf of the input's module id, lifetime */
#define F_SMALL		0x20	/* a response buffer of the input's size */
#define F_NOT_DEBUG	0x40	/* the policy "no debug document" */
#define F_MODULE_ID	0x80	/* the input's module id */

struct field {
	struct nsm_bytes b;
	u8 buf[8192];
};

struct want {
	bool tagged, indefinite, debug, reject_debug;
	const char *module_id;
	u64 ts;
	u32 locked;
	u8 pcr[NSM_PCR_COUNT][NSM_PCR_LEN];
	const struct nsm_bytes *user_data, *nonce, *public_key;
	const struct nsm_ca *ca;
	const struct nsm_leaf *leaf;
	struct nsm_verifier *v;
};

static struct field fields[3];
static u8 req_buf[32768], resp[RESP_MAX], resp2[RESP_MAX];
static struct nsm_emu emu;

/* absent, or up to 8 KiB: the input's bytes, then a pattern */
static void read_field(struct fuzz_in *in, struct field *f)
{
	u16 code = fuzz_u16(in);
	size_t n = code & 0x1fff, got, i;
	const u8 *p;

	memset(&f->b, 0, sizeof(f->b));
	if (code & 0x8000)
		return;
	p = fuzz_bytes(in, n < 64 ? n : 64, &got);
	memcpy(f->buf, p, got);
	for (i = got; i < n; i++)
		f->buf[i] = (u8)(i * 7 + code);
	f->b.ptr = f->buf;
	f->b.len = n;
	f->b.present = true;
}

static s64 read_offset(struct fuzz_in *in)
{
	u8 how = fuzz_u8(in);
	u64 v = fuzz_u64(in);

	switch (how % 4) {
	case 0:
		return 0;
	case 1:		/* within a few days */
		return (s64)(v % (1ULL << 29)) - (1LL << 28);
	case 2:		/* anywhere in range */
		return (s64)(v % (2ULL * NSM_PKI_OFFSET_MAX + 1)) -
		       NSM_PKI_OFFSET_MAX;
	default:	/* anything, in range or not */
		return (s64)v;
	}
}

static void sha384_extend(u8 pcr[NSM_PCR_LEN], const u8 *data, size_t len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	FUZZ_ASSERT(ctx && EVP_DigestInit_ex(ctx, EVP_sha384(), NULL) &&
		    EVP_DigestUpdate(ctx, pcr, NSM_PCR_LEN) &&
		    EVP_DigestUpdate(ctx, data, len) &&
		    EVP_DigestFinal_ex(ctx, pcr, NULL));
	EVP_MD_CTX_free(ctx);
}

/* A PCR history through nsm_handle(), and the bank a model expects. */
static void pcr_history(struct fuzz_in *in, struct want *w)
{
	unsigned int n = fuzz_u8(in) % 12, i;
	struct nsm_cbor_wr wr;
	u8 out[256];

	memcpy(w->pcr, emu.pcr, sizeof(w->pcr));
	w->locked = emu.locked;
	for (i = 0; i < n; i++) {
		u8 kind = fuzz_u8(in) % 3, index = fuzz_u8(in) % 40;
		const u8 *data;
		size_t len;

		nsm_cbor_wr_init(&wr, req_buf, sizeof(req_buf));
		nsm_cbor_put_map(&wr, 1);
		if (kind == 0) {
			data = fuzz_bytes(in, fuzz_u8(in), &len);
			nsm_cbor_put_str(&wr, "ExtendPCR");
			nsm_cbor_put_map(&wr, 2);
			nsm_cbor_put_str(&wr, "index");
			nsm_cbor_put_uint(&wr, index);
			nsm_cbor_put_str(&wr, "data");
			nsm_cbor_put_bytes(&wr, data, len);
			if (index < NSM_PCR_COUNT && !(w->locked & (1u << index)))
				sha384_extend(w->pcr[index], data, len);
		} else if (kind == 1) {
			nsm_cbor_put_str(&wr, "LockPCR");
			nsm_cbor_put_map(&wr, 1);
			nsm_cbor_put_str(&wr, "index");
			nsm_cbor_put_uint(&wr, index);
			if (index < NSM_PCR_COUNT)
				w->locked |= 1u << index;
		} else {
			nsm_cbor_put_str(&wr, "LockPCRs");
			nsm_cbor_put_map(&wr, 1);
			nsm_cbor_put_str(&wr, "range");
			nsm_cbor_put_uint(&wr, index);
			if (index <= NSM_PCR_COUNT)
				w->locked |= index == 32 ? ~0u : (1u << index) - 1;
		}
		FUZZ_ASSERT(!nsm_cbor_wr_overflow(&wr));
		FUZZ_ASSERT(nsm_handle(&emu, req_buf, wr.len, out, sizeof(out)));
		FUZZ_ASSERT(emu.locked == w->locked);
		FUZZ_ASSERT(!memcmp(emu.pcr, w->pcr, sizeof(w->pcr)));
	}
}

static size_t attestation_request(void)
{
	static const char *const names[] = { "user_data", "nonce", "public_key" };
	struct nsm_cbor_wr wr;
	unsigned int i;

	nsm_cbor_wr_init(&wr, req_buf, sizeof(req_buf));
	nsm_cbor_put_map(&wr, 1);
	nsm_cbor_put_str(&wr, "Attestation");
	nsm_cbor_put_map(&wr, 3);
	for (i = 0; i < 3; i++) {
		nsm_cbor_put_str(&wr, names[i]);
		if (fields[i].b.present)
			nsm_cbor_put_bytes(&wr, fields[i].b.ptr, fields[i].b.len);
		else
			nsm_cbor_put_head(&wr, NSM_CBOR_SIMPLE, NSM_CBOR_NULL);
	}
	FUZZ_ASSERT(!nsm_cbor_wr_overflow(&wr));
	return wr.len;
}

/* ---- responses ------------------------------------------------------- */

static bool is_error(const u8 *r, size_t len, enum nsm_errcode e)
{
	u8 want[2 * NSM_CORE_RESPONSE_MIN];
	struct nsm_cbor_wr wr;

	nsm_cbor_wr_init(&wr, want, sizeof(want));
	nsm_cbor_put_map(&wr, 1);
	nsm_cbor_put_str(&wr, "Error");
	nsm_cbor_put_str(&wr, nsm_errcode_name(e));
	return len == wr.len && !memcmp(r, want, len);
}

/* The document inside {"Attestation": {"document": bstr}}, or NULL. */
static const u8 *document(const u8 *r, size_t len, size_t *doc_len)
{
	static const u8 prefix[] = {
		0xa1, 0x6b, 'A', 't', 't', 'e', 's', 't', 'a', 't', 'i', 'o',
		'n', 0xa1, 0x68, 'd', 'o', 'c', 'u', 'm', 'e', 'n', 't',
	};
	struct nsm_cbor_rd rd;
	struct nsm_cbor_item it;

	if (len < sizeof(prefix) || memcmp(r, prefix, sizeof(prefix)))
		return NULL;
	nsm_cbor_rd_init(&rd, r + sizeof(prefix), len - sizeof(prefix));
	FUZZ_ASSERT(!nsm_cbor_next(&rd, &it));
	FUZZ_ASSERT(it.major == NSM_CBOR_BYTES && !it.indefinite && it.ptr);
	FUZZ_ASSERT(!nsm_cbor_rd_left(&rd));	/* the string ends the response */
	*doc_len = it.val;
	return it.ptr;
}

/* ---- what libnsm must make of a document ------------------------------ */

static void fail(const char *why)
{
	fprintf(stderr, "%s\n", why);
	abort();
}

static void check_document(const u8 *doc, size_t len, const struct want *w)
{
	static const u8 zero[NSM_PCR_LEN];
	static u8 pcr[NSM_PCR_COUNT][NSM_PCR_LEN];
	struct nsmv_expect e = {
		.tagged = w->tagged, .indefinite = w->indefinite,
		.debug = w->debug, .reject_debug = w->reject_debug,
		.module_id = w->module_id, .ts = w->ts, .locked = w->locked,
		.pcr = (const u8 (*)[48])pcr, .time_ms = FUZZ_NOW_MS,
	};
	struct nsm_x509_info info;
	const struct nsm_bytes *b[3] = { w->user_data, w->nonce, w->public_key };
	struct nsmv_bytes *eb[3] = { &e.user_data, &e.nonce, &e.public_key };
	unsigned int i;

	FUZZ_ASSERT(len <= NSM_ATTEST_DOC_MAX);
	for (i = 0; i < NSM_PCR_COUNT; i++)
		memcpy(pcr[i], w->debug && i <= 2 ? zero : w->pcr[i], NSM_PCR_LEN);
	for (i = 0; i < 3; i++) {
		eb[i]->p = b[i]->ptr;
		eb[i]->len = b[i]->len;
		eb[i]->present = b[i]->present;
	}
	nsm_leaf_cert(w->leaf, &e.cert, &e.cert_len);
	e.nb_max = nsm_leaf_not_before(w->leaf);
	e.na_min = nsm_leaf_not_after(w->leaf);
	e.ncab = nsm_ca_len(w->ca);
	for (i = 0; i < e.ncab; i++) {
		FUZZ_ASSERT(!nsm_ca_cert(w->ca, i, &e.cab[i], &e.cab_len[i]));
		FUZZ_ASSERT(!nsm_x509_parse(e.cab[i], e.cab_len[i], &info));
		if (info.not_before > e.nb_max)
			e.nb_max = info.not_before;
		if (info.not_after < e.na_min)
			e.na_min = info.not_after;
	}
	nsmv_check(w->v, doc, len, &e);
}

/* ---- the two paths ---------------------------------------------------- */

static u64 timestamp_of(s64 offset)
{
	if (offset < 0 && (u64)-offset >= FUZZ_NOW_MS)
		return 1;
	return FUZZ_NOW_MS + (u64)offset;
}

/*
 * One response of @cap bytes; when it is smaller than the full response,
 * the full one is made too and must be BufferTooSmall's reason. Returns
 * the document of the full response.
 */
static const u8 *answer(size_t (*respond)(u8 *, size_t, void *), void *arg,
			size_t cap, size_t *doc_len)
{
	size_t len = respond(resp, RESP_MAX, arg), len2;
	const u8 *doc = document(resp, len, doc_len);

	if (!doc) {
		fprintf(stderr, "an attestation request within limits was refused:");
		for (len2 = 0; len2 < len && len2 < 32; len2++)
			fprintf(stderr, " %02x", resp[len2]);
		fail("");
	}
	if (cap < RESP_MAX) {
		len2 = respond(resp2, cap, arg);
		FUZZ_ASSERT(len2 <= cap);
		if (len <= cap)
			FUZZ_ASSERT(len2 == len && !memcmp(resp, resp2, len));
		else if (!is_error(resp2, len2, NSM_BUFFER_TOO_SMALL)) {
			fprintf(stderr, "a %zu-byte response in %zu bytes:", len, cap);
			for (len = 0; len < len2 && len < 32; len++)
				fprintf(stderr, " %02x", resp2[len]);
			fail(" not BufferTooSmall");
		}
	}
	return doc;
}

struct snap_arg {
	const struct nsm_attest_state *st;
	const struct nsm_request *req;
};

static size_t respond_snapshot(u8 *buf, size_t cap, void *arg)
{
	const struct snap_arg *a = arg;
	bool err;
	size_t len = nsm_attest_response(a->st, a->req, buf, cap, &err);

	FUZZ_ASSERT(len && len <= cap);
	FUZZ_ASSERT(err == !document(buf, len, &(size_t){ 0 }));
	return len;
}

static size_t respond_handle(u8 *buf, size_t cap, void *arg)
{
	size_t req_len = *(size_t *)arg;
	u64 before = emu.requests[NSM_REQ_ATTESTATION];
	size_t len = nsm_handle(&emu, req_buf, req_len, buf, cap);

	FUZZ_ASSERT(len && len <= cap);
	FUZZ_ASSERT(emu.requests[NSM_REQ_ATTESTATION] == before + 1);
	return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct nsm_pki_settings set, def, now;
	struct nsm_leaf *own_leaf = NULL;
	struct nsm_attest_state st;
	struct nsm_request req;
	struct want w;
	const u8 *doc;
	size_t req_len, cap, doc_len;
	u8 flags, c;
	u32 lifetime;
	s64 offset;
	bool valid;
	unsigned int i;

	fuzz_rng_reset("attest-input", 0);
	flags = fuzz_u8(&in);
	c = fuzz_u8(&in) % NCA;
	nsm_emu_init(&emu);
	emu.debug = flags & F_DEBUG;
	if (flags & F_MODULE_ID) {
		size_t n = fuzz_u8(&in) % NSM_MODULE_ID_MAX + 1;

		/* what configfs module_id takes: printable, no space */
		for (i = 0; i < n; i++)
			emu.module_id[i] = (char)(0x21 + fuzz_u8(&in) % 0x5e);
		emu.module_id[n] = '\0';
	}
	offset = read_offset(&in);
	lifetime = fuzz_u32(&in);
	if (!(flags & F_LEAF) || fuzz_u8(&in) & 1)
		lifetime = NSM_PKI_LEAF_LIFETIME;
	memset(&w, 0, sizeof(w));
	pcr_history(&in, &w);
	for (i = 0; i < 3; i++)
		read_field(&in, &fields[i]);
	cap = fuzz_u16(&in) % RESP_MAX;
	if (!(flags & F_SMALL) || cap < NSM_CORE_RESPONSE_MIN)
		cap = RESP_MAX;

	/* the switches, as configfs stores them: refused when out of range */
	nsm_pki_default_settings(&def);
	set = def;
	set.tagged = flags & F_TAGGED;
	set.indefinite = !(flags & F_DEFINITE);
	set.clock_offset_ms = offset;
	set.leaf_lifetime_s = lifetime;
	valid = lifetime && lifetime <= NSM_PKI_LIFETIME_MAX &&
		offset >= -NSM_PKI_OFFSET_MAX && offset <= NSM_PKI_OFFSET_MAX;
	FUZZ_ASSERT(nsm_pki_settings_check(&set) == (valid ? 0 : -NSM_PKI_EINVAL));
	if (!valid) {
		set.clock_offset_ms = 0;
		set.leaf_lifetime_s = NSM_PKI_LEAF_LIFETIME;
	}

	w.user_data = &fields[0].b;
	w.nonce = &fields[1].b;
	w.public_key = &fields[2].b;
	w.tagged = set.tagged;
	w.indefinite = set.indefinite;
	w.debug = emu.debug;
	w.reject_debug = flags & F_NOT_DEBUG;
	w.module_id = emu.module_id;
	w.ts = timestamp_of(set.clock_offset_ms);
	w.ca = cas[c].ca;
	w.v = cas[c].v;
	req_len = attestation_request();

	if (flags & F_HANDLE) {
		struct nsm_pki *pki = cas[c].pki;

		FUZZ_ASSERT(!nsm_pki_set_settings(pki, &def));
		set.leaf_lifetime_s = valid ? lifetime : def.leaf_lifetime_s;
		set.clock_offset_ms = valid ? offset : 0;
		set.tagged = w.tagged;
		set.indefinite = w.indefinite;
		if (!valid) {
			struct nsm_pki_settings bad = set;

			bad.clock_offset_ms = offset;
			bad.leaf_lifetime_s = lifetime;
			FUZZ_ASSERT(nsm_pki_set_settings(pki, &bad) ==
				    -NSM_PKI_EINVAL);
			nsm_pki_get_settings(pki, &now);
			FUZZ_ASSERT(!memcmp(&now, &def, sizeof(now)));
		}
		FUZZ_ASSERT(!nsm_pki_set_settings(pki, &set));
		emu.pki = pki;
		w.ca = nsm_pki_ca(pki);
		if (req_len > NSM_CORE_REQUEST_MAX) {
			size_t len = nsm_handle(&emu, req_buf, req_len, resp,
						cap);

			FUZZ_ASSERT(is_error(resp, len, NSM_INPUT_TOO_LARGE));
			return 0;
		}
		doc = answer(respond_handle, &req_len, cap, &doc_len);
		FUZZ_ASSERT(!nsm_pki_leaf(pki, emu.module_id, FUZZ_NOW_MS,
					  &w.leaf));
		check_document(doc, doc_len, &w);
		return 0;
	}

	/* the module's path: a request it decoded, a state snapshot */
	FUZZ_ASSERT(!nsm_request_decode(req_buf, req_len, &req));
	FUZZ_ASSERT(req.type == NSM_REQ_ATTESTATION);
	if (req_len > NSM_CORE_REQUEST_MAX)
		return 0;	/* the ioctl refuses it before the core */
	w.leaf = cas[c].leaf;
	if (flags & F_LEAF) {
		int ret = nsm_leaf_issue(cas[c].ca, emu.module_id, FUZZ_NOW_S,
					 lifetime, &own_leaf);

		if (lifetime && lifetime <= NSM_PKI_LIFETIME_MAX) {
			FUZZ_ASSERT(!ret);
			FUZZ_ASSERT(nsm_leaf_not_before(own_leaf) == FUZZ_NOW_S);
			FUZZ_ASSERT(nsm_leaf_not_after(own_leaf) ==
				    (FUZZ_NOW_S + lifetime < nsm_ca_not_after(w.ca) ?
				     FUZZ_NOW_S + lifetime : nsm_ca_not_after(w.ca)));
			w.leaf = own_leaf;
		} else {
			FUZZ_ASSERT(ret == -NSM_PKI_EINVAL && !own_leaf);
		}
	}
	memset(&st, 0, sizeof(st));
	st.pcr = (const u8 (*)[NSM_PCR_LEN])emu.pcr;
	st.locked = emu.locked;
	st.module_id = emu.module_id;
	st.debug = emu.debug;
	st.tagged = set.tagged;
	st.indefinite = set.indefinite;
	st.timestamp_ms = nsm_attest_timestamp(FUZZ_NOW_MS, set.clock_offset_ms);
	FUZZ_ASSERT(st.timestamp_ms == w.ts);
	st.ca = w.ca;
	st.leaf = w.leaf;
	{
		struct snap_arg a = { &st, &req };

		doc = answer(respond_snapshot, &a, cap, &doc_len);
	}
	check_document(doc, doc_len, &w);
	nsm_leaf_free(own_leaf);
	return 0;
}
