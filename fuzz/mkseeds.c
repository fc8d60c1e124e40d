// SPDX-License-Identifier: GPL-2.0
/*
 * mkseeds DIR: write the fuzzers' seed corpora, DIR/pki, DIR/x509 and
 * DIR/attest, with the core's own code and the test keys of testpki.c
 * (nothing else's files). The output is the same on every run.
 *
 * pki seeds are named for the verdict nsm_ca_provision() must give at
 * FUZZ_NOW_S - accept-* or refuse-* - and `make check` holds them to it
 * (fuzz_pki with NSM_FUZZ_EXPECT).
 */
#include <errno.h>
#include <sys/stat.h>

#include "fuzz.h"

static const char *dir;

/* ---- an input being built ---- */
struct seed {
	u8 buf[32768];
	size_t len;
};

static void put(struct seed *s, const void *p, size_t n)
{
	FUZZ_ASSERT(s->len + n <= sizeof(s->buf));
	memcpy(s->buf + s->len, p, n);
	s->len += n;
}

static void put8(struct seed *s, u8 v)
{
	put(s, &v, 1);
}

static void put16(struct seed *s, u16 v)
{
	put8(s, v >> 8);
	put8(s, (u8)v);
}

static void put32(struct seed *s, u32 v)
{
	put16(s, v >> 16);
	put16(s, (u16)v);
}

static void put64(struct seed *s, u64 v)
{
	put32(s, v >> 32);
	put32(s, (u32)v);
}

static void write_seed(const char *sub, const char *name, const struct seed *s)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		exit(2);
	}
	snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
	f = fopen(path, "wb");
	if (!f || fwrite(s->buf, 1, s->len, f) != s->len || fclose(f)) {
		perror(path);
		exit(2);
	}
}

/* ---- pki ---- */

static u8 chain[8 * NSM_CERT_MAX];

static void pki_seed(const char *name, u8 flags, const u8 *key, size_t key_len,
		     const u8 *c, size_t c_len)
{
	struct seed s = { .len = 0 };

	put8(&s, flags);
	put16(&s, (u16)key_len);
	put(&s, key, key_len);
	put(&s, c, c_len);
	write_seed("pki", name, &s);
}

/* the chain @o describes with its instance key in format @fmt */
static void pki_chain(const char *name, u8 flags, struct tp_chain_opts *o,
		      enum tp_key_fmt fmt, bool max)
{
	u8 key[256];
	size_t key_len, len;

	len = max ? tp_chain_max(chain, sizeof(chain), o, NULL) :
		    tp_chain(chain, sizeof(chain), o, NULL);
	key_len = tp_key_der(key, sizeof(key), tp_key(o->key[o->n - 1]), fmt);
	FUZZ_ASSERT(len && key_len);
	pki_seed(name, flags, key, key_len, chain, len);
}

static void pki_seeds(void)
{
	static const char *const fmt_name[TP_KEY_NFMT] = {
		"raw", "sec1", "sec1-bare", "pkcs8" };
	struct tp_chain_opts o;
	char name[64];
	u8 key[256], bad[256];
	size_t key_len, len, l[NSM_PKI_CHAIN_MAX];
	unsigned int n, f;

	for (n = 1; n <= NSM_PKI_CHAIN_MAX; n++)
		for (f = 0; f < TP_KEY_NFMT; f++) {
			tp_chain_default(&o, n);
			snprintf(name, sizeof(name), "accept-%u-certs-%s", n,
				 fmt_name[f]);
			/* alternate the flags: re-signing, the nsm_pki wrapper */
			pki_chain(name, (u8)((n + f) % 4), &o, (enum tp_key_fmt)f,
				  false);
		}
	tp_chain_default(&o, 4);
	pki_chain("accept-4-certs-1024-bytes", 1, &o, TP_KEY_PKCS8, true);
	tp_chain_default(&o, 3);
	o.key_ids = false;
	pki_chain("accept-no-key-ids", 0, &o, TP_KEY_SEC1, false);
	tp_chain_default(&o, 2);
	o.pathlen[0] = 1;
	o.pathlen[1] = -1;
	pki_chain("accept-pathlen-exact", 0, &o, TP_KEY_SEC1, false);

	tp_chain_default(&o, 3);
	len = tp_chain(chain, sizeof(chain), &o, l);
	key_len = tp_key_der(key, sizeof(key), tp_key(1), TP_KEY_PKCS8);
	pki_seed("refuse-key-of-another-cert", 0, key, key_len, chain, len);
	key_len = tp_key_der(key, sizeof(key), tp_key(2), TP_KEY_SEC1);
	{
		u8 five[8 * NSM_CERT_MAX];

		memcpy(five, chain, len);
		memcpy(five + len, chain + l[0], l[1] + l[2]);
		pki_seed("refuse-chain-of-5", 0, key, key_len, five,
			 len + l[1] + l[2]);
	}
	pki_seed("refuse-truncated-chain", 0, key, key_len, chain, len - 1);
	chain[len] = 0x30;
	chain[len + 1] = 0x00;
	pki_seed("refuse-trailing-element", 1, key, key_len, chain, len + 2);
	pki_seed("refuse-empty-chain", 0, key, key_len, chain, 0);
	{
		u8 rev[8 * NSM_CERT_MAX];

		memcpy(rev, chain + l[0] + l[1], l[2]);
		memcpy(rev + l[2], chain + l[0], l[1]);
		memcpy(rev + l[2] + l[1], chain, l[0]);
		pki_seed("refuse-reversed", 1, key, key_len, rev, len);
	}
	memset(bad, 0, 48);
	pki_seed("refuse-key-zero", 0, bad, 48, chain, len);
	memset(bad, 0xff, 48);
	pki_seed("refuse-key-too-big", 0, bad, 48, chain, len);
	/* SEC1 whose embedded public key is another key's */
	key_len = tp_key_der(key, sizeof(key), tp_key(2), TP_KEY_SEC1);
	memcpy(bad, key, key_len);
	memcpy(bad + key_len - P384_PUB_LEN, tp_key(3)->pub, P384_PUB_LEN);
	pki_seed("refuse-sec1-foreign-pub", 0, bad, key_len, chain, len);
	/* flip one signature byte; re-signing (flag 1) would mend it */
	chain[l[0] + l[1] - 5] ^= 1;
	pki_seed("refuse-bad-signature", 0, key, key_len, chain, len);
	pki_seed("accept-bad-signature-resigned", 1, key, key_len, chain, len);

	tp_chain_default(&o, 2);
	o.not_after = FUZZ_NOW_S - 1;
	pki_chain("refuse-expired", 1, &o, TP_KEY_SEC1, false);
	tp_chain_default(&o, 2);
	o.not_before = FUZZ_NOW_S + 1;
	pki_chain("refuse-not-yet-valid", 1, &o, TP_KEY_SEC1, false);
	tp_chain_default(&o, 3);
	o.no_ca = 1;
	pki_chain("refuse-intermediate-not-ca", 1, &o, TP_KEY_SEC1, false);
	tp_chain_default(&o, 3);
	o.pathlen[1] = 0;
	pki_chain("refuse-pathlen", 1, &o, TP_KEY_SEC1, false);
	tp_chain_default(&o, 2);
	o.key_usage[1] = X509_KU_DIGITAL_SIGNATURE;
	pki_chain("refuse-no-keycertsign", 1, &o, TP_KEY_SEC1, false);
	tp_chain_default(&o, 1);
	o.name_pad = 800;
	pki_chain("refuse-cert-over-1024", 1, &o, TP_KEY_SEC1, false);
}

/*
 * Change byte @at of the first occurrence of @pat in certificate @i of
 * @c to @to; the seeds that use this have flag 1, so fuzz_pki re-signs.
 */
static void patch(u8 *c, const size_t *l, unsigned int i, const char *pat,
		  size_t pat_len, size_t at, u8 to)
{
	size_t off = 0, k;

	for (k = 0; k < i; k++)
		off += l[k];
	for (k = off; k + pat_len <= off + l[i]; k++)
		if (!memcmp(c + k, pat, pat_len)) {
			c[k + at] = to;
			return;
		}
	FUZZ_ASSERT(0);
}

/* Certificate contents the parser refuses, mended signatures. */
static void pki_content_seeds(void)
{
	static const char *const what[] = {
		"refuse-akid-not-parent-skid", "refuse-basic-constraints-not-critical",
		"refuse-critical-unknown-extension", "refuse-extension-twice",
		"refuse-malformed-name", "refuse-keyusage-unused-bits",
		"accept-unknown-extension",
	};
	struct tp_chain_opts o;
	u8 key[256];
	size_t key_len, len, l[NSM_PKI_CHAIN_MAX];
	unsigned int k;

	for (k = 0; k < sizeof(what) / sizeof(what[0]); k++) {
		tp_chain_default(&o, 3);
		len = tp_chain(chain, sizeof(chain), &o, l);
		key_len = tp_key_der(key, sizeof(key), tp_key(2), TP_KEY_SEC1);
		switch (k) {
		case 0:	/* last byte of the AuthorityKeyIdentifier */
			patch(chain, l, 1, "\x55\x1d\x23\x04\x18\x30\x16\x80\x14",
			      9, 9 + 19, 0);
			break;
		case 1:	/* BasicConstraints' critical flag cleared */
			patch(chain, l, 1, "\x55\x1d\x13\x01\x01\xff", 6, 5, 0);
			break;
		case 2:	/* KeyUsage (critical) becomes nameConstraints */
			patch(chain, l, 2, "\x55\x1d\x0f\x01\x01\xff", 6, 2, 0x1e);
			break;
		case 3:	/* SubjectKeyIdentifier becomes a second KeyUsage */
			patch(chain, l, 0, "\x55\x1d\x0e", 3, 2, 0x0f);
			break;
		case 4:	/* an OID length in the subject Name runs over */
			patch(chain, l, 2, "\x06\x03\x55\x04\x03", 5, 1, 0x38);
			break;
		case 5:	/* keyCertSign set, but in an unused bit: 03 02 07 86 */
			patch(chain, l, 2, "\x03\x02\x01\x06", 4, 2, 0x07);
			patch(chain, l, 2, "\x03\x02\x07\x06", 4, 3, 0x86);
			break;
		default: /* the SubjectKeyIdentifier's OID changed: ignored */
			patch(chain, l, 0, "\x55\x1d\x0e", 3, 2, 0x20);
			break;
		}
		pki_seed(what[k], 1, key, key_len, chain, len);
	}
}

/* ---- x509 ---- */

static void x509_seeds(void)
{
	struct tp_chain_opts o;
	struct seed s;
	struct nsm_ca *ca;
	struct nsm_leaf *leaf;
	size_t l[NSM_PKI_CHAIN_MAX], len, off = 0;
	const u8 *der;
	unsigned int i;
	u8 key[256];
	char name[64];

	fuzz_rng_reset("mkseeds-ca", 0);
	FUZZ_ASSERT(!nsm_ca_generate(NSM_DEFAULT_MODULE_ID, FUZZ_NOW_S, &ca));
	FUZZ_ASSERT(!nsm_leaf_issue(ca, NSM_DEFAULT_MODULE_ID, FUZZ_NOW_S,
				    NSM_PKI_LEAF_LIFETIME, &leaf));
	for (i = 0; i < nsm_ca_len(ca); i++) {
		FUZZ_ASSERT(!nsm_ca_cert(ca, i, &der, &len));
		s.len = 0;
		put8(&s, 0);
		put(&s, der, len);
		snprintf(name, sizeof(name), "parse-generated-%u", i);
		write_seed("x509", name, &s);
	}
	nsm_leaf_cert(leaf, &der, &len);
	s.len = 0;
	put8(&s, 0);
	put(&s, der, len);
	write_seed("x509", "parse-leaf", &s);
	s.buf[0] = 1;
	write_seed("x509", "walk-leaf", &s);
	nsm_leaf_free(leaf);
	nsm_ca_free(ca);

	tp_chain_default(&o, 4);
	FUZZ_ASSERT(tp_chain_max(chain, sizeof(chain), &o, l));
	for (i = 0; i < 4; i++) {
		s.len = 0;
		put8(&s, 0);
		put(&s, chain + off, l[i]);
		off += l[i];
		snprintf(name, sizeof(name), "parse-1024-%u", i);
		write_seed("x509", name, &s);
	}
	s.len = 0;
	put8(&s, 1);
	len = tp_key_der(key, sizeof(key), tp_key(0), TP_KEY_PKCS8);
	put(&s, key, len);
	write_seed("x509", "walk-pkcs8", &s);
	s.len = 0;
	put8(&s, 1);
	put(&s, "\x30\x20\x17\x0d" "491231235959Z" "\x18\x0f" "20500101000000Z", 34);
	write_seed("x509", "walk-times", &s);
	s.len = 0;
	put8(&s, 1);
	put(&s, "\x30\x20\x17\x0d" "240229120060Z" "\x18\x0f" "99991231235959Z", 34);
	write_seed("x509", "walk-times-leap", &s);

	/* mode 2 programs: op = kind (0 begin .. 7 time) | selector << 3 */
	s.len = 0;
	put8(&s, 2);
	put16(&s, 4096);
	put8(&s, 0);			/* SEQUENCE */
	put8(&s, 2 | 1 << 3);		/* OCTET STRING */
	put16(&s, 200);
	put8(&s, 0 | 2 << 3);		/* [0] */
	put8(&s, 3);
	put8(&s, 3);
	put(&s, "\x00\x80\x01", 3);
	put8(&s, 4);
	put32(&s, 0x12345678);
	put8(&s, 5);
	put8(&s, 1);
	put8(&s, 6);
	put8(&s, 0x86);
	put8(&s, 7);
	put64(&s, FUZZ_NOW_S);
	put8(&s, 7);
	put64(&s, 4102444800ULL);	/* 2100 */
	put8(&s, 1);
	put8(&s, 1);
	write_seed("x509", "write-nested", &s);
	s.len = 0;
	put8(&s, 2);
	put16(&s, 300);
	for (i = 0; i < 9; i++)
		put8(&s, 0);		/* deeper than DER_MAX_DEPTH */
	for (i = 0; i < 9; i++)
		put8(&s, 1);
	write_seed("x509", "write-too-deep", &s);

	/* mode 3 templates: flags, subject key, signer, names, times, ... */
	for (i = 0; i < 4; i++) {
		static const char *const txt[] = { "nsm-emu (NOT AWS)",
						   "test enclave", "leaf" };
		static const u8 tflags[] = { 0x1b, 0x0c, 0x12, 0x07 };
		u8 fl = tflags[i];
		unsigned int k;

		s.len = 0;
		put8(&s, 3);
		put8(&s, fl);
		put8(&s, (u8)i);
		put8(&s, (u8)(i + 1));
		for (k = 0; k < ((fl & 1) ? 1u : 2u); k++) {
			unsigned int t;

			for (t = 0; t < 3; t++) {
				size_t n = strlen(txt[t]), c;

				if (t == 1)
					put8(&s, 1);
				put8(&s, (u8)n);
				for (c = 0; c < n; c++)
					put8(&s, (u8)(txt[t][c] - 0x20));
			}
		}
		put64(&s, FUZZ_NOW_S - 3600);
		/* the last: 10000-01-01, which the writer must refuse */
		put64(&s, i == 3 ? 253402300800ULL : FUZZ_NOW_S + 86400);
		put(&s, "0123456789abcdef", NSM_SERIAL_LEN);
		if (!(fl & 4))
			put32(&s, i);
		put8(&s, (u8)(0x84 >> i));
		if (fl & 16) {
			put8(&s, 20);
			put(&s, "akid-akid-akid-akid-", 20);
		}
		snprintf(name, sizeof(name), "issue-%u", i);
		write_seed("x509", name, &s);
	}
}

/* ---- attest ---- */

static void attest_field(struct seed *s, int len)
{
	unsigned int i;

	if (len < 0) {
		put16(s, 0x8000);
		return;
	}
	put16(s, (u16)len);
	for (i = 0; i < (unsigned int)len && i < 64; i++)
		put8(s, (u8)(i + len));
}

/* @offset in ms, encoded for read_offset()'s way @offset_how */
static void attest_seed(const char *name, u8 flags, u8 ca, const char *mid,
			u8 offset_how, s64 offset, u32 lifetime,
			unsigned int pcr_ops, int ud, int nonce, int pub,
			u16 cap)
{
	struct seed s = { .len = 0 };
	unsigned int i;

	put8(&s, flags);
	put8(&s, ca);
	if (flags & 0x80) {
		size_t n = strlen(mid);

		put8(&s, (u8)(n - 1));
		for (i = 0; i < n; i++)
			put8(&s, (u8)(mid[i] - 0x21));
	}
	put8(&s, offset_how);
	if (offset_how == 1)
		offset += 1LL << 28;
	else if (offset_how == 2)
		offset += NSM_PKI_OFFSET_MAX;
	put64(&s, (u64)offset);
	put32(&s, lifetime);
	if (flags & 0x10)
		put8(&s, 0);	/* use the input's lifetime */
	put8(&s, (u8)pcr_ops);
	for (i = 0; i < pcr_ops; i++) {
		u8 kind = i % 3;

		put8(&s, kind);
		put8(&s, (u8)(16 + i * 3));
		if (kind == 0) {
			put8(&s, 5);
			put(&s, "extnd", 5);
		}
	}
	attest_field(&s, ud);
	attest_field(&s, nonce);
	attest_field(&s, pub);
	put16(&s, cap);
	write_seed("attest", name, &s);
}

static void attest_seeds(void)
{
	unsigned int c;
	char name[64];

	for (c = 0; c < 4; c++) {
		snprintf(name, sizeof(name), "plain-ca%u", c);
		attest_seed(name, 0, (u8)c, NULL, 0, 0, 0, 0, -1, -1, -1, 0);
		snprintf(name, sizeof(name), "handle-ca%u", c);
		attest_seed(name, 0x08, (u8)c, NULL, 0, 0, 0, 0, 32, 32, -1, 0);
		snprintf(name, sizeof(name), "fields-ca%u", c);
		attest_seed(name, 0x01, (u8)c, NULL, 1, 12345, 0, 6, 512, 64, 97, 0);
	}
	attest_seed("debug-definite-tagged", 0x47, 1, NULL, 0, 0, 0, 3, 0, 0, 0, 0);
	attest_seed("module-id-leaf", 0x90, 2, "i-fedcba9876543210f-enc0011223344556677",
		    0, 0, 7200, 2, 16, -1, -1, 0);
	attest_seed("long-module-id", 0x98, 0,
		    "x123456789012345678901234567890123456789012345678901234567890"
		    "123456789012345678901234567890123456789012345678901234567890123456",
		    0, 0, 0, 0, -1, 16, -1, 0);
	attest_seed("lifetime-past-ca", 0x10, 3, NULL, 0, 0, 397 * 86400, 0,
		    -1, -1, -1, 0);
	attest_seed("offset-expired", 0x00, 0, NULL, 1, 4 * 3600 * 1000LL, 0, 0,
		    -1, -1, -1, 0);
	attest_seed("offset-not-yet", 0x08, 1, NULL, 1, -60000, 0, 0,
		    -1, 8, -1, 0);
	attest_seed("offset-before-1970", 0x00, 0, NULL, 2,
		    -(s64)FUZZ_NOW_MS - 5000, 0, 0, -1, -1, -1, 0);
	attest_seed("offset-before-2001", 0x08, 3, NULL, 2,
		    -(s64)FUZZ_NOW_MS + 86400000LL * 365 * 20, 0, 0, -1, -1, -1, 0);
	attest_seed("offset-out-of-range", 0x08, 0, NULL, 3, 1LL << 62, 0, 0,
		    -1, -1, -1, 0);
	attest_seed("max-request", 0x00, 2, NULL, 0, 0, 0, 10, 1300, 1300, 1400, 0);
	attest_seed("over-request-limit", 0x08, 2, NULL, 0, 0, 0, 0, 4000, 100, 0, 0);
	attest_seed("small-buffer", 0x20, 0, NULL, 0, 0, 0, 0, 100, -1, -1, 2000);
	attest_seed("small-buffer-fits", 0x28, 1, NULL, 0, 0, 0, 0, -1, -1, -1, 0x2fff);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkseeds DIR\n");
		return 2;
	}
	dir = argv[1];
	if (mkdir(dir, 0755) && errno != EEXIST) {
		perror(dir);
		return 2;
	}
	tp_key(0);
	pki_seeds();
	pki_content_seeds();
	x509_seeds();
	attest_seeds();
	return 0;
}
