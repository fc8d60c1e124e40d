// SPDX-License-Identifier: GPL-2.0
/*
 * Attestation documents of /dev/nsm: their COSE_Sign1 structure, the
 * fields a request echoes, the PCRs they report, leaf rotation, and the
 * emulator's PKI control interface (provisioning, fidelity switches).
 *
 * The documents are parsed here with a CBOR walker of our own (strict:
 * shortest-form heads, exact key order, no trailing bytes). Signatures
 * and chains are checked outside: with $NSM_OUT_DIR set, every document is
 * written to $NSM_OUT_DIR/attest/<root id>/<name>.cose next to root.pem,
 * the root it must verify against, and the VM runner verifies them all on
 * the host with the openssl command line and a third-party verifier
 * (selftests/vm/verify-docs.sh). Names ending in ".bad-time" must verify at
 * the current time only (their leaf is not valid at the document's time).
 *
 * Tests of nsm_emu's control plane (Documentation/ABI/testing/
 * configfs-nsm_emu: the device's instance in /sys/kernel/config/nsm_emu/
 * instances/ and the PKI in .../pki/; sysfs-driver-nsm_emu: its runtime
 * state in /sys/class/misc/<dev>/) run whenever nsm_emu is loaded and fail
 * when an attribute is missing; they skip only on a device that is not the
 * emulator's (a real NSM) or without root. Provisioning a good PKI needs
 * chain.pem, instance.key and root.pem from `nsmctl ca init` (or OpenSSL)
 * in $NSM_PKI_DIR (default /extra/pki); the test decodes them to the DER
 * the module takes, and skips without them.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "nsm_harness.h"
#include "nsm_util.h"

#define REQ_MAX		NSM_REQUEST_MAX_SIZE
#define RESP_MAX	NSM_RESPONSE_MAX_SIZE
#define CERT_MAX	1024
#define CHAIN_MAX	4
#define LIFETIME_DEFAULT 10800
#define THREADS		64

static const uint8_t cose_protected[] = { 0x44, 0xa1, 0x01, 0x38, 0x22 };

/* ---- a strict CBOR walker for documents ---- */

struct rd {
	const uint8_t *p, *end;
	const char *err;
};

static bool rd_fail(struct rd *r, const char *why)
{
	if (!r->err)
		r->err = why;
	return false;
}

/*
 * Read a head: major type and argument; *indef set for 0x1f (allowed only
 * when @indef is non-NULL). Arguments must use the shortest form.
 */
static bool rd_head(struct rd *r, unsigned int *major, uint64_t *val,
		    bool *indef)
{
	unsigned int ai, n, i;
	uint64_t v = 0;

	if (r->err)
		return false;
	if (r->p >= r->end)
		return rd_fail(r, "truncated");
	*major = *r->p >> 5;
	ai = *r->p++ & 31;
	if (indef)
		*indef = false;
	if (ai < 24) {
		*val = ai;
		return true;
	}
	if (ai == 31) {
		if (!indef || (*major != 4 && *major != 5))
			return rd_fail(r, "unexpected indefinite length");
		*indef = true;
		*val = 0;
		return true;
	}
	if (ai > 27)
		return rd_fail(r, "reserved additional information");
	n = 1u << (ai - 24);
	if ((size_t)(r->end - r->p) < n)
		return rd_fail(r, "truncated head");
	for (i = 0; i < n; i++)
		v = v << 8 | *r->p++;
	if ((n == 1 && v < 24) || (n == 2 && v <= 0xff) ||
	    (n == 4 && v <= 0xffff) || (n == 8 && v <= 0xffffffff))
		return rd_fail(r, "integer not in its shortest form");
	*val = v;
	return true;
}

static bool rd_expect(struct rd *r, unsigned int major, uint64_t *val,
		      const char *why)
{
	unsigned int m;

	if (!rd_head(r, &m, val, NULL))
		return false;
	return m == major ? true : rd_fail(r, why);
}

static bool rd_string(struct rd *r, unsigned int major, const uint8_t **p,
		      size_t *len, const char *why)
{
	uint64_t n;

	if (!rd_expect(r, major, &n, why))
		return false;
	if (n > (uint64_t)(r->end - r->p))
		return rd_fail(r, "string runs past the end");
	*p = r->p;
	*len = n;
	r->p += n;
	return true;
}

static bool rd_key(struct rd *r, const char *key)
{
	const uint8_t *p;
	size_t n;

	if (!rd_string(r, 3, &p, &n, "key is not a text string"))
		return false;
	if (n != strlen(key) || memcmp(p, key, n))
		return rd_fail(r, "unexpected key (order or name)");
	return true;
}

struct opt_bytes {
	bool present;		/* false: null */
	const uint8_t *p;
	size_t len;
};

static bool rd_opt_bytes(struct rd *r, struct opt_bytes *o)
{
	memset(o, 0, sizeof(*o));
	if (r->p < r->end && *r->p == 0xf6) {
		r->p++;
		return true;
	}
	o->present = true;
	return rd_string(r, 2, &o->p, &o->len, "optional field not bstr/null");
}

struct doc {
	bool tagged, indefinite;
	const uint8_t *payload, *sig;
	size_t payload_len;
	char module_id[256];
	char digest[16];
	uint64_t timestamp;
	unsigned int npcrs;
	uint64_t pcr_index[NSM_PCRS];
	const uint8_t *pcr[NSM_PCRS];
	const uint8_t *cert;
	size_t cert_len;
	unsigned int ncab;
	const uint8_t *cab[CHAIN_MAX];
	size_t cab_len[CHAIN_MAX];
	struct opt_bytes public_key, user_data, nonce;
};

/* Walk the payload map (real hardware's key order). */
static bool parse_payload(struct rd *r, struct doc *d)
{
	const uint8_t *s;
	unsigned int m;
	uint64_t n, i;
	size_t len;
	bool indef;

	if (!rd_head(r, &m, &n, &indef) || m != 5)
		return rd_fail(r, "payload is not a map");
	d->indefinite = indef;
	if (!indef && n != 9)
		return rd_fail(r, "payload map has not 9 entries");
	if (!rd_key(r, "module_id") ||
	    !rd_string(r, 3, &s, &len, "module_id not text"))
		return false;
	if (!len || len >= sizeof(d->module_id))
		return rd_fail(r, "module_id length");
	memcpy(d->module_id, s, len);
	if (!rd_key(r, "digest") ||
	    !rd_string(r, 3, &s, &len, "digest not text"))
		return false;
	if (len >= sizeof(d->digest))
		return rd_fail(r, "digest length");
	memcpy(d->digest, s, len);
	if (!rd_key(r, "timestamp") ||
	    !rd_expect(r, 0, &d->timestamp, "timestamp not uint"))
		return false;
	if (!rd_key(r, "pcrs") || !rd_expect(r, 5, &n, "pcrs not a map"))
		return false;
	if (!n || n > NSM_PCRS)
		return rd_fail(r, "pcrs: 1..32 entries");
	d->npcrs = n;
	for (i = 0; i < n; i++) {
		if (!rd_expect(r, 0, &d->pcr_index[i], "pcr index not uint") ||
		    !rd_string(r, 2, &d->pcr[i], &len, "pcr not bstr"))
			return false;
		if (len != NSM_PCR_LEN || d->pcr_index[i] >= NSM_PCRS ||
		    (i && d->pcr_index[i] <= d->pcr_index[i - 1]))
			return rd_fail(r, "pcrs: bad index order or length");
	}
	if (!rd_key(r, "certificate") ||
	    !rd_string(r, 2, &d->cert, &d->cert_len, "certificate not bstr"))
		return false;
	if (!rd_key(r, "cabundle") ||
	    !rd_expect(r, 4, &n, "cabundle not an array"))
		return false;
	if (!n || n > CHAIN_MAX)
		return rd_fail(r, "cabundle: 1..4 entries");
	d->ncab = n;
	for (i = 0; i < n; i++)
		if (!rd_string(r, 2, &d->cab[i], &d->cab_len[i],
			       "cabundle entry not bstr"))
			return false;
	if (!rd_key(r, "public_key") || !rd_opt_bytes(r, &d->public_key) ||
	    !rd_key(r, "user_data") || !rd_opt_bytes(r, &d->user_data) ||
	    !rd_key(r, "nonce") || !rd_opt_bytes(r, &d->nonce))
		return false;
	if (indef) {
		if (r->p >= r->end || *r->p != 0xff)
			return rd_fail(r, "indefinite map without break");
		r->p++;
	}
	if (r->p != r->end)
		return rd_fail(r, "bytes after the payload map");
	return true;
}

/* Parse a whole document; NULL if it has real hardware's shape. */
static const char *doc_parse(const uint8_t *b, size_t n, struct doc *d)
{
	struct rd r = { b, b + n, NULL }, pr;
	const uint8_t *prot;
	size_t len;
	uint64_t v;

	memset(d, 0, sizeof(*d));
	if (n && b[0] == 0xd2) {	/* tag 18, COSE_Sign1 */
		d->tagged = true;
		r.p++;
	}
	if (!rd_expect(&r, 4, &v, "not an array") || v != 4)
		return r.err ?: "not a 4-element array";
	prot = r.p;
	if (!rd_string(&r, 2, &prot, &len, "protected header not bstr"))
		return r.err;
	if (len != 4 || memcmp(prot - 1, cose_protected, 5))
		return "protected header is not a1013822 ({1: -35})";
	if (!rd_expect(&r, 5, &v, "unprotected header not a map") || v)
		return r.err ?: "unprotected header not empty";
	if (!rd_string(&r, 2, &d->payload, &d->payload_len, "payload not bstr") ||
	    !rd_string(&r, 2, &d->sig, &len, "signature not bstr"))
		return r.err;
	if (len != 96)
		return "signature is not 96 bytes";
	if (r.p != r.end)
		return "bytes after the COSE_Sign1 array";
	pr = (struct rd){ d->payload, d->payload + d->payload_len, NULL };
	if (!parse_payload(&pr, d))
		return pr.err;
	if (strcmp(d->digest, "SHA384"))
		return "digest is not SHA384";
	if (!d->cert_len || d->cert_len > CERT_MAX)
		return "certificate size";
	for (v = 0; v < d->ncab; v++)
		if (!d->cab_len[v] || d->cab_len[v] > CERT_MAX)
			return "cabundle entry size";
	return NULL;
}

/* ---- requests ---- */

/*
 * One Attestation; NULL pointers send null. Returns 0 and the document in
 * @doc (RESP_MAX bytes of room), -errno, or the error response's code.
 */
static int attest(int fd, const void *ud, size_t udl, const void *nonce,
		  size_t nl, const void *pk, size_t pkl, uint8_t *doc,
		  size_t *doc_len)
{
	static __thread uint8_t req[REQ_MAX], resp[RESP_MAX];
	const uint8_t *d;
	size_t n, rl = sizeof(resp);
	int rc, e;

	n = req_attestation(req, sizeof(req), ud, udl, nonce, nl, pk, pkl);
	if (!n)
		return -E2BIG;
	rc = nsm_raw(fd, req, n, resp, &rl);
	if (rc)
		return rc;
	e = resp_is_error(resp, rl);
	if (e >= 0)
		return e ? e : NSM_BAD_SHAPE;
	if (parse_attestation(resp, rl, &d, &n))
		return NSM_BAD_SHAPE;
	memcpy(doc, d, n);
	*doc_len = n;
	return 0;
}

static uint64_t now_ms(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static void fill_random(uint8_t *p, size_t n)
{
	static unsigned int seed = 12345;
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(rand_r(&seed) >> 7);
}

/* ---- the control plane ---- */

/*
 * nsm_emu's control plane: the device's instance in configfs
 * (instances/<i>/), the module's PKI (pki/) and the instance's runtime
 * state in sysfs (/sys/class/misc/<dev>/). A control test runs whenever
 * the module under test is nsm_emu: a missing attribute is a failure then.
 * It skips only on a device that is not the emulator's (a real NSM), or
 * without root (every control file is root's).
 */
static bool have_ctl(void)
{
	return nsm_is_emulator() && geteuid() == 0;
}

#define NEED_CTL() do {							\
	if (!nsm_is_emulator())						\
		SKIP(return, "%s is not nsm_emu's: no control plane",	\
		     nsm_dev_path());					\
	if (geteuid() != 0)						\
		SKIP(return, "the nsm_emu control plane needs root");	\
	if (!nsm_instance_of(NULL))					\
		NSM_FAIL("nsm_emu is loaded but %s names no instance", \
			  nsm_state_path(NULL, "instance"));		\
} while (0)

/* An instance attribute of the device under test. */
static int ctl_puts(const char *attr, const char *s)
{
	return nsm_puts_file(nsm_inst_path(NULL, attr), s);
}

static long ctl_read(const char *attr, char *buf, size_t cap)
{
	return nsm_read_file(nsm_inst_path(NULL, attr), buf, cap);
}

static long long ctl_num(const char *attr)
{
	return nsm_read_num(nsm_inst_path(NULL, attr));
}

/* /sys/class/misc/<dev>/@rel, a number. */
static long long state_num(const char *rel)
{
	return nsm_read_num(nsm_state_path(NULL, rel));
}

static int pki_puts(const char *attr, const char *s)
{
	return nsm_puts_file(nsm_pki_path(attr), s);
}

static long long pki_num(const char *attr)
{
	return nsm_read_num(nsm_pki_path(attr));
}

/*
 * Stage @len bytes in pki/@attr with one open, writes of @chunk bytes (0:
 * one write) and one close: configfs hands the concatenation to the module
 * at close. 0, or the first write's or close's -errno.
 */
static int pki_write_chunks(const char *attr, const void *buf, size_t len,
			    size_t chunk)
{
	const uint8_t *p = buf;
	int fd, rc = 0;
	size_t off = 0;

	fd = open(nsm_pki_path(attr), O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (!chunk)
		chunk = len;
	while (off < len) {
		size_t n = len - off < chunk ? len - off : chunk;
		ssize_t w = write(fd, p + off, n);

		if (w <= 0) {
			rc = w < 0 ? -errno : -EIO;
			break;
		}
		off += (size_t)w;
	}
	if (close(fd) && !rc)
		rc = -errno;
	return rc;
}

static int pki_write(const char *attr, const void *buf, size_t len)
{
	return nsm_write_file(nsm_pki_path(attr), buf, len);
}

/* A one-line text attribute of pki/ without its newline, into @out. */
static void pki_line(const char *attr, char *out, size_t cap)
{
	if (nsm_read_file(nsm_pki_path(attr), out, cap) <= 0)
		snprintf(out, cap, "(cannot read %s)", nsm_pki_path(attr));
	out[strcspn(out, "\n")] = '\0';
}

/* ---- PEM ---- */

static int b64v(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/*
 * DER of every "-----BEGIN @label-----" block of @pem, concatenated, and
 * how many there were; length or -1.
 */
static long pem_der(const char *pem, const char *label, uint8_t *out,
		    size_t cap, unsigned int *count)
{
	char begin[64];
	const char *p = pem;
	size_t o = 0;

	snprintf(begin, sizeof(begin), "-----BEGIN %s-----", label);
	*count = 0;
	while ((p = strstr(p, begin))) {
		unsigned int bits = 0, nbits = 0;

		for (p += strlen(begin); *p && *p != '-'; p++) {
			int v = b64v((unsigned char)*p);

			if (v < 0)
				continue;	/* whitespace, padding */
			bits = bits << 6 | (unsigned int)v;
			nbits += 6;
			if (nbits >= 8) {
				nbits -= 8;
				if (o >= cap)
					return -1;
				out[o++] = (uint8_t)(bits >> nbits);
				bits &= (1u << nbits) - 1;
			}
		}
		(*count)++;
	}
	return *count ? (long)o : -1;
}

/*
 * The value of the DER TLV at @p (@len bytes available): *@val and
 * *@vlen, and the TLV's total length; 0 if malformed.
 */
static size_t der_tlv(const uint8_t *p, size_t len, uint8_t tag,
		      const uint8_t **val, size_t *vlen)
{
	size_t h = 2, n;

	if (len < 2 || p[0] != tag)
		return 0;
	n = p[1];
	if (n & 0x80) {
		unsigned int k = n & 0x7f, i;

		if (!k || k > 2 || len < 2 + k)
			return 0;
		for (n = 0, i = 0; i < k; i++)
			n = n << 8 | p[2 + i];
		h += k;
	}
	if (n > len - h)
		return 0;
	*val = p + h;
	*vlen = n;
	return h + n;
}

/*
 * The SEC 1 ECPrivateKey inside a PKCS#8 PrivateKeyInfo: SEQUENCE
 * { INTEGER 0, SEQUENCE { algorithm }, OCTET STRING { ECPrivateKey } }.
 */
static bool pkcs8_to_sec1(const uint8_t *p8, size_t len, const uint8_t **sec1,
			  size_t *sec1_len)
{
	const uint8_t *seq, *v;
	size_t sl, vl, used;

	if (!der_tlv(p8, len, 0x30, &seq, &sl))
		return false;
	used = der_tlv(seq, sl, 0x02, &v, &vl);
	if (!used)
		return false;
	seq += used, sl -= used;
	used = der_tlv(seq, sl, 0x30, &v, &vl);
	if (!used)
		return false;
	seq += used, sl -= used;
	return der_tlv(seq, sl, 0x04, sec1, sec1_len) != 0;
}

static uint8_t *read_file(const char *path, size_t *len)
{
	uint8_t *buf;
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || st.st_size > 1 << 20 ||
	    !(buf = calloc(1, (size_t)st.st_size + 1))) {
		close(fd);
		return NULL;
	}
	*len = (size_t)read(fd, buf, (size_t)st.st_size);
	close(fd);
	return buf;
}

/* ---- exporting documents for the host's verifiers ---- */

static void mkdirs(const char *path)
{
	char tmp[PATH_MAX], *p;

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (p = tmp + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(tmp, 0755);
			*p = '/';
		}
	}
	mkdir(tmp, 0755);
}

static bool write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	bool ok;

	if (!f)
		return false;
	ok = fwrite(p, 1, n, f) == n;
	return !fclose(f) && ok;
}

/*
 * Save @doc as <out>/attest/<root id>/<name>.cose with the root the module
 * exports now (pki/root, written as root.pem), for the host to verify.
 * No-op without $NSM_OUT_DIR or on a device that is not the emulator's; on
 * the emulator a root that cannot be exported fails the test.
 */
static void export_doc(struct __test_metadata *_metadata, const char *name,
		       const uint8_t *doc, size_t len)
{
	const char *out = getenv("NSM_OUT_DIR");
	char dir[PATH_MAX], path[PATH_MAX + 64], id[17];
	uint8_t der[CERT_MAX + 16], h[SHA384_LEN];
	long dl;
	int rc;

	if (!out || !*out || !have_ctl())
		return;
	dl = nsm_root_der(der, sizeof(der));
	if (dl <= 0 || dl > CERT_MAX) {
		NSM_FAIL_EXPECT("export %s: cannot read the root from %s: %ld",
			  name, nsm_pki_path("root"), dl);
		return;
	}
	sha384(der, (size_t)dl, h);
	hex_encode(h, 8, id);
	snprintf(dir, sizeof(dir), "%s/attest/%s", out, id);
	mkdirs(dir);
	snprintf(path, sizeof(path), "%s/root.pem", dir);
	if (access(path, F_OK) &&
	    (rc = nsm_write_pem_cert(path, der, (size_t)dl)))
		NSM_FAIL_EXPECT("cannot write %s: %s", path, strerror(-rc));
	snprintf(path, sizeof(path), "%s/%s.cose", dir, name);
	if (!write_file(path, doc, len))
		NSM_FAIL_EXPECT("cannot write %s", path);
}

/* Fail unless @o is exactly null (@v NULL) or exactly @v[0..@n). */
static void check_echo(struct __test_metadata *_metadata,
		       const struct opt_bytes *o, const void *v, size_t n,
		       const char *what)
{
	if (!v && o->present)
		NSM_FAIL("%s: expected null, got %zu bytes", what, o->len);
	if (v && !o->present)
		NSM_FAIL("%s: expected %zu bytes, got null", what, n);
	if (v && (o->len != n || (n && memcmp(o->p, v, n))))
		NSM_FAIL("%s: %zu bytes differ from the %zu sent", what,
			  o->len, n);
}

#define ASSERT_ECHO(o_, v_, n_)	check_echo(_metadata, &(o_), (v_), (n_), #o_)

#define ASSERT_PARSES(buf, len, d) do {					\
	const char *_why = doc_parse((buf), (len), (d));		\
	if (_why)							\
		NSM_FAIL("document does not parse: %s", _why);	\
} while (0)

static int open_dev(struct __test_metadata *_metadata)
{
	int fd = nsm_open();

	if (fd < 0)
		NSM_FAIL("open %s: %s", nsm_dev_path(), strerror(errno));
	return fd;
}

/* ---- tests ---- */

TEST(attest_document_shape)
{
	static uint8_t doc[RESP_MAX];
	struct nsm_description desc;
	long long served = 0;
	uint64_t t0, t1;
	struct doc d;
	size_t len;
	int fd = open_dev(_metadata);

	ASSERT_EQ(nsm_describe_nsm(fd, &desc), 0);
	if (have_ctl())
		served = state_num("statistics/attestation");
	t0 = now_ms();
	ASSERT_EQ(attest(fd, NULL, 0, NULL, 0, NULL, 0, doc, &len), 0);
	t1 = now_ms();
	ASSERT_PARSES(doc, len, &d);
	ksft_print_msg("document: %zu bytes, %u PCRs, %u CA certificates, %s map\n",
		       len, d.npcrs, d.ncab,
		       d.indefinite ? "indefinite-length" : "definite-length");
	ASSERT_EQ(strcmp(d.module_id, desc.module_id), 0);
	ASSERT_FALSE(d.public_key.present);
	ASSERT_FALSE(d.user_data.present);
	ASSERT_FALSE(d.nonce.present);
	/* The device's clock and ours agree within a few seconds. */
	ASSERT_GE(d.timestamp + 5000, t0);
	ASSERT_LE(d.timestamp, t1 + 5000);
	if (have_ctl()) {
		uint8_t root[CERT_MAX + 16];
		long rl = nsm_root_der(root, sizeof(root));

		/* Fidelity switches at their defaults: untagged, 0xbf map. */
		ASSERT_EQ(ctl_num("cose_tagged"), 0);
		ASSERT_EQ(ctl_num("indefinite_map"), 1);
		ASSERT_FALSE(d.tagged);
		ASSERT_EQ(doc[0], 0x84);
		ASSERT_TRUE(d.indefinite);
		ASSERT_EQ(d.payload[0], 0xbf);
		ASSERT_EQ(d.payload[d.payload_len - 1], 0xff);
		ASSERT_GT(rl, 0);
		ASSERT_EQ(d.ncab, CHAIN_MAX);
		ASSERT_EQ(pki_num("chain_len"), CHAIN_MAX);
		ASSERT_EQ((long)d.cab_len[0], rl);
		ASSERT_MEM_EQ(d.cab[0], root, (size_t)rl);
		ASSERT_EQ(state_num("statistics/attestation"), served + 1);
	}
	export_doc(_metadata, "plain", doc, len);
	close(fd);
}

TEST(attest_optional_fields)
{
	static const uint8_t data[] = "the quick brown fox";
	static const uint8_t empty[1];
	static uint8_t doc[RESP_MAX];
	const void *val[3] = { NULL, empty, data };
	const size_t vlen[3] = { 0, 0, sizeof(data) - 1 };
	const char *vname[3] = { "null", "empty", "data" };
	int fd = open_dev(_metadata);
	unsigned int f, v, all;
	struct doc d;
	size_t len;
	char name[64];

	for (f = 0; f < 3; f++) {
		for (v = 0; v < 3; v++) {
			const void *p[3] = { NULL, NULL, NULL };
			size_t l[3] = { 0, 0, 0 };

			p[f] = val[v];
			l[f] = vlen[v];
			ASSERT_EQ(attest(fd, p[0], l[0], p[1], l[1], p[2], l[2],
					 doc, &len), 0);
			ASSERT_PARSES(doc, len, &d);
			ASSERT_ECHO(d.user_data, p[0], l[0]);
			ASSERT_ECHO(d.nonce, p[1], l[1]);
			ASSERT_ECHO(d.public_key, p[2], l[2]);
			snprintf(name, sizeof(name), "%s-%s",
				 f == 0 ? "user_data" : f == 1 ? "nonce" :
				 "public_key", vname[v]);
			if (v)
				export_doc(_metadata, name, doc, len);
		}
	}
	for (all = 1; all < 3; all++) {
		ASSERT_EQ(attest(fd, val[all], vlen[all], val[all], vlen[all],
				 val[all], vlen[all], doc, &len), 0);
		ASSERT_PARSES(doc, len, &d);
		ASSERT_ECHO(d.user_data, val[all], vlen[all]);
		ASSERT_ECHO(d.nonce, val[all], vlen[all]);
		ASSERT_ECHO(d.public_key, val[all], vlen[all]);
		snprintf(name, sizeof(name), "all-%s", vname[all]);
		export_doc(_metadata, name, doc, len);
	}
	close(fd);
}

/* Lengths around every CBOR length-encoding boundary, echoed exactly. */
TEST(attest_echo_byte_exact)
{
	static const size_t lens[] = { 1, 23, 24, 255, 256, 1000 };
	static uint8_t doc[RESP_MAX], a[1024], b[1024], c[1024];
	int fd = open_dev(_metadata);
	struct doc d;
	unsigned int i;
	size_t len;

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		size_t n = lens[i];

		fill_random(a, n);
		fill_random(b, n);
		fill_random(c, n);
		ASSERT_EQ(attest(fd, a, n, b, n, c, n, doc, &len), 0);
		ASSERT_PARSES(doc, len, &d);
		ASSERT_ECHO(d.user_data, a, n);
		ASSERT_ECHO(d.nonce, b, n);
		ASSERT_ECHO(d.public_key, c, n);
	}
	close(fd);
}

/* AWS's nsm-test: 1024-byte user_data, nonce and public_key at once. */
TEST(attest_1024_byte_fields)
{
	static uint8_t doc[RESP_MAX], ud[1024], nonce[1024], pk[1024];
	int fd = open_dev(_metadata);
	struct doc d;
	size_t len;

	fill_random(ud, sizeof(ud));
	fill_random(nonce, sizeof(nonce));
	fill_random(pk, sizeof(pk));
	ASSERT_EQ(attest(fd, ud, sizeof(ud), nonce, sizeof(nonce), pk,
			 sizeof(pk), doc, &len), 0);
	ASSERT_PARSES(doc, len, &d);
	ASSERT_ECHO(d.user_data, ud, sizeof(ud));
	ASSERT_ECHO(d.nonce, nonce, sizeof(nonce));
	ASSERT_ECHO(d.public_key, pk, sizeof(pk));
	ksft_print_msg("document with 3 x 1024-byte fields: %zu bytes\n", len);
	export_doc(_metadata, "fields-1024", doc, len);
	close(fd);
}

/* A 4096-byte Attestation request is answered, 4097 bytes is EMSGSIZE. */
TEST(attest_request_size_limit)
{
	static uint8_t req[REQ_MAX + 1], resp[RESP_MAX], ud[REQ_MAX];
	size_t base, n, rl;
	const uint8_t *dp;
	int fd = open_dev(_metadata);
	struct doc d;

	/* user_data of k bytes (k >= 256: 3-byte head) makes base + k. */
	base = req_attestation(req, sizeof(req), ud, 300, NULL, 0, NULL, 0) -
	       300;
	fill_random(ud, sizeof(ud));
	n = req_attestation(req, sizeof(req), ud, REQ_MAX - base, NULL, 0,
			    NULL, 0);
	ASSERT_EQ(n, REQ_MAX);
	rl = sizeof(resp);
	ASSERT_EQ(nsm_raw(fd, req, n, resp, &rl), 0);
	ASSERT_EQ(parse_attestation(resp, rl, &dp, &n), 0);
	ASSERT_PARSES(dp, n, &d);
	ASSERT_ECHO(d.user_data, ud, REQ_MAX - base);
	export_doc(_metadata, "request-4096", dp, n);

	n = req_attestation(req, sizeof(req), ud, REQ_MAX + 1 - base, NULL, 0,
			    NULL, 0);
	ASSERT_EQ(n, REQ_MAX + 1);
	rl = sizeof(resp);
	ASSERT_EQ(nsm_raw(fd, req, n, resp, &rl), -EMSGSIZE);
	close(fd);
}

/* The document's pcrs are exactly the locked PCRs with DescribePCR's values. */
/*
 * The document's pcrs are exactly the locked PCRs with DescribePCR's
 * values; on the emulator sysfs's pcrs/<n> and pcr_locked/<n> agree.
 */
static void check_pcrs_match(struct __test_metadata *_metadata, int fd,
			     const struct doc *d)
{
	uint8_t val[NSM_PCR_LEN];
	char hex[2 * NSM_PCR_LEN + 1], rel[32], buf[128];
	unsigned int i, k = 0;
	bool lock;

	for (i = 0; i < NSM_PCRS; i++) {
		ASSERT_EQ(nsm_describe_pcr(fd, i, &lock, val), 0);
		if (have_ctl()) {
			snprintf(rel, sizeof(rel), "pcr_locked/%u", i);
			ASSERT_EQ(state_num(rel), lock);
			snprintf(rel, sizeof(rel), "pcrs/%u", i);
			hex_encode(val, NSM_PCR_LEN, hex);
			ASSERT_EQ(nsm_read_file(nsm_state_path(NULL, rel), buf,
						sizeof(buf)), 2 * NSM_PCR_LEN + 1);
			if (strncmp(buf, hex, 2 * NSM_PCR_LEN) ||
			    buf[2 * NSM_PCR_LEN] != '\n')
				NSM_FAIL("%s: %s, DescribePCR: %s", rel, buf, hex);
		}
		if (!lock)
			continue;
		ASSERT_LT(k, d->npcrs);
		ASSERT_EQ(d->pcr_index[k], i);
		ASSERT_MEM_EQ(d->pcr[k], val, NSM_PCR_LEN);
		k++;
	}
	ASSERT_EQ(k, d->npcrs);
}

TEST(attest_pcrs_equal_describe_pcr)
{
	static uint8_t doc[RESP_MAX];
	uint8_t val[NSM_PCR_LEN];
	int fd = open_dev(_metadata);
	struct doc d;
	size_t len;
	bool lock;

	ASSERT_EQ(attest(fd, NULL, 0, NULL, 0, NULL, 0, doc, &len), 0);
	ASSERT_PARSES(doc, len, &d);
	check_pcrs_match(_metadata, fd, &d);

	/* Lock one more PCR (a free one of 16..31, after an extend). */
	for (unsigned int i = 16; i < NSM_PCRS; i++) {
		ASSERT_EQ(nsm_describe_pcr(fd, i, &lock, val), 0);
		if (lock)
			continue;
		ASSERT_EQ(nsm_extend_pcr(fd, i, "attest", 6, val), 0);
		ASSERT_EQ(nsm_lock_pcr(fd, i), 0);
		ASSERT_EQ(attest(fd, NULL, 0, NULL, 0, NULL, 0, doc, &len), 0);
		ASSERT_PARSES(doc, len, &d);
		check_pcrs_match(_metadata, fd, &d);
		export_doc(_metadata, "pcr-locked-extra", doc, len);
		break;
	}
	if (have_ctl()) {
		long long resets = state_num("statistics/resets");

		ASSERT_EQ(ctl_puts("reset", "1"), 0);
		ASSERT_EQ(state_num("statistics/resets"), resets + 1);
		ASSERT_EQ(attest(fd, NULL, 0, NULL, 0, NULL, 0, doc, &len), 0);
		ASSERT_PARSES(doc, len, &d);
		ASSERT_EQ(d.npcrs, 16);
		check_pcrs_match(_metadata, fd, &d);
	}
	close(fd);
}

TEST(attest_debug_mode_pcrs)
{
	static uint8_t doc[RESP_MAX];
	char buf[128], hex[2 * NSM_PCR_LEN + 1];
	uint8_t val[NSM_PCR_LEN];
	int fd = open_dev(_metadata);
	unsigned int i;
	struct doc d;
	size_t len;
	bool lock;

	NEED_CTL();
	ASSERT_EQ(ctl_num("debug_mode"), 0);
	ASSERT_EQ(ctl_puts("debug_mode", "1"), 0);
	ASSERT_EQ(ctl_num("debug_mode"), 1);
	ASSERT_EQ(attest(fd, NULL, 0, NULL, 0, NULL, 0, doc, &len), 0);
	/* The device reports zeros, sysfs the true value. */
	ASSERT_EQ(nsm_describe_pcr(fd, 0, &lock, val), 0);
	ASSERT_TRUE(all_zero(val, sizeof(val)));
	ASSERT_EQ(nsm_read_file(nsm_state_path(NULL, "pcrs/0"), buf, sizeof(buf)),
		  2 * NSM_PCR_LEN + 1);
	ASSERT_TRUE(strspn(buf, "0") < 2 * NSM_PCR_LEN);
	ASSERT_EQ(ctl_puts("debug_mode", "0"), 0);
	ASSERT_PARSES(doc, len, &d);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(d.pcr_index[i], i);
		ASSERT_TRUE(all_zero(d.pcr[i], NSM_PCR_LEN));
	}
	ASSERT_FALSE(all_zero(d.pcr[4], NSM_PCR_LEN));
	export_doc(_metadata, "debug-mode", doc, len);
	ASSERT_EQ(attest(fd, NULL, 0, NULL, 0, NULL, 0, doc, &len), 0);
	ASSERT_PARSES(doc, len, &d);
	ASSERT_FALSE(all_zero(d.pcr[0], NSM_PCR_LEN));
	/* sysfs showed the true PCR0 all along. */
	hex_encode(d.pcr[0], NSM_PCR_LEN, hex);
	ASSERT_EQ(strncmp(buf, hex, 2 * NSM_PCR_LEN), 0);
	close(fd);
}

TEST(attest_cose_tagged)
{
	static uint8_t doc[RESP_MAX];
	int fd = open_dev(_metadata);
	struct doc d;
	size_t len;

	NEED_CTL();
	ASSERT_EQ(ctl_puts("cose_tagged", "1"), 0);
	ASSERT_EQ(ctl_num("cose_tagged"), 1);
	ASSERT_EQ(attest(fd, NULL, 0, "tag", 3, NULL, 0, doc, &len), 0);
	ASSERT_EQ(ctl_puts("cose_tagged", "0"), 0);
	ASSERT_PARSES(doc, len, &d);
	ASSERT_TRUE(d.tagged);
	ASSERT_EQ(doc[0], 0xd2);
	ASSERT_EQ(doc[1], 0x84);
	export_doc(_metadata, "tagged", doc, len);
	ASSERT_EQ(attest(fd, NULL, 0, NULL, 0, NULL, 0, doc, &len), 0);
	ASSERT_EQ(doc[0], 0x84);
	close(fd);
}

/* indefinite_map=0: the older definite-length payload map (0xa9). */
TEST(attest_definite_map)
{
	static uint8_t doc[RESP_MAX];
	int fd = open_dev(_metadata);
	struct doc d;
	size_t len;

	NEED_CTL();
	ASSERT_EQ(ctl_num("indefinite_map"), 1);
	ASSERT_EQ(ctl_puts("indefinite_map", "0"), 0);
	ASSERT_EQ(ctl_num("indefinite_map"), 0);
	ASSERT_EQ(attest(fd, "u", 1, NULL, 0, "", 0, doc, &len), 0);
	ASSERT_EQ(ctl_puts("indefinite_map", "1"), 0);
	ASSERT_PARSES(doc, len, &d);
	ASSERT_FALSE(d.indefinite);
	ASSERT_EQ(d.payload[0], 0xa9);
	export_doc(_metadata, "definite", doc, len);
	ASSERT_EQ(attest(fd, "u", 1, NULL, 0, "", 0, doc, &len), 0);
	ASSERT_PARSES(doc, len, &d);
	ASSERT_TRUE(d.indefinite);
	ASSERT_EQ(d.payload[0], 0xbf);
	ASSERT_EQ(d.payload[d.payload_len - 1], 0xff);
	export_doc(_metadata, "indefinite", doc, len);
	close(fd);
}

/* Offsets move the timestamp only: the leaf is out of its validity. */
TEST(attest_clock_offset)
{
	static const long long offs[] = { 4LL * 3600 * 1000, -3600 * 1000 };
	static uint8_t doc[RESP_MAX];
	char buf[32];
	int fd = open_dev(_metadata);
	unsigned int i;
	struct doc d;
	size_t len;

	NEED_CTL();
	for (i = 0; i < 2; i++) {
		uint64_t t0 = now_ms();

		snprintf(buf, sizeof(buf), "%lld", offs[i]);
		ASSERT_EQ(ctl_puts("clock_offset_ms", buf), 0);
		ASSERT_EQ(ctl_num("clock_offset_ms"), offs[i]);
		ASSERT_EQ(attest(fd, NULL, 0, NULL, 0, NULL, 0, doc, &len), 0);
		ASSERT_EQ(ctl_puts("clock_offset_ms", "0"), 0);
		ASSERT_PARSES(doc, len, &d);
		ASSERT_GE((long long)d.timestamp, (long long)t0 + offs[i] - 5000);
		ASSERT_LE((long long)d.timestamp, (long long)now_ms() + offs[i] + 5000);
		export_doc(_metadata, i ? "offset-minus-1h.bad-time" : "offset-plus-4h.bad-time",
			   doc, len);
	}
	close(fd);
}

/* Every readable control value, to compare before and after. */
static void ctl_snapshot(struct __test_metadata *_metadata, char *out,
			 size_t cap)
{
	static const char *const inst[] = {
		"enable", "devname", "module_id", "debug_mode", "pcr0", "pcr1",
		"pcr2", "pcr3", "pcr4", "pcr8", "cose_tagged",
		"indefinite_map", "clock_offset_ms", "leaf_lifetime_s",
	};
	static const char *const pki[] = {
		"mode", "chain_len", "ca_not_after", "generation",
	};
	char v[256];
	size_t o = 0;
	unsigned int i;

	for (i = 0; i < sizeof(inst) / sizeof(inst[0]); i++) {
		if (ctl_read(inst[i], v, sizeof(v)) < 0)
			NSM_FAIL("cannot read %s", nsm_inst_path(NULL, inst[i]));
		o += (size_t)snprintf(out + o, cap - o, "%s %s", inst[i], v);
	}
	for (i = 0; i < sizeof(pki) / sizeof(pki[0]); i++) {
		if (nsm_read_file(nsm_pki_path(pki[i]), v, sizeof(v)) < 0)
			NSM_FAIL("cannot read %s", nsm_pki_path(pki[i]));
		o += (size_t)snprintf(out + o, cap - o, "pki/%s %s", pki[i], v);
	}
	ASSERT_LT(o, cap - 1);
}

/* Out-of-range and unparsable values change nothing. */
TEST(attest_switches_validated)
{
	static const struct {
		bool pki;
		const char *attr, *val;
		int err;
	} bad[] = {
		{ 0, "cose_tagged", "2", EINVAL },
		{ 0, "cose_tagged", "\n", EINVAL },
		{ 0, "indefinite_map", "maybe", EINVAL },
		{ 0, "debug_mode", "2", EINVAL },
		{ 0, "clock_offset_ms", "3162240000001", EINVAL }, /* > 100 y */
		{ 0, "clock_offset_ms", "-3162240000001", EINVAL },
		{ 0, "clock_offset_ms", "12abc", EINVAL },
		{ 0, "leaf_lifetime_s", "0", EINVAL },
		{ 0, "leaf_lifetime_s", "34300801", EINVAL },
		{ 0, "leaf_lifetime_s", "-1", EINVAL },
		{ 0, "leaf_lifetime_s", "99999999999", EINVAL },
		{ 0, "module_id", "\n", EINVAL },
		{ 0, "module_id", "has space", EINVAL },
		{ 0, "module_id", "tab\there", EINVAL },
		{ 0, "pcr0", "xyz", EINVAL },
		{ 0, "pcr3", "0011\n", EINVAL },
		{ 0, "devname", "nsm-renamed", EBUSY },	/* enabled */
		{ 0, "devname", "a/b", EINVAL },
		{ 0, "reset", "0", EINVAL },
		{ 0, "rotate", "no", EINVAL },
		{ 1, "generate", "0", EINVAL },
		{ 1, "commit", "0", EINVAL },
	};
	char before[4096], after[4096];
	unsigned int i;

	NEED_CTL();
	ctl_snapshot(_metadata, before, sizeof(before));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *path = bad[i].pki ? nsm_pki_path(bad[i].attr) :
				   nsm_inst_path(NULL, bad[i].attr);
		int want = bad[i].err;
		int rc = nsm_puts_file(path, bad[i].val);

		if (rc != -want)
			NSM_FAIL_EXPECT("%s <- \"%s\": %d, expected %d", path,
				  bad[i].val, rc, -want);
	}
	ctl_snapshot(_metadata, after, sizeof(after));
	if (strcmp(before, after))
		TH_LOG("before:\n%s\nafter:\n%s", before, after);
	ASSERT_EQ(strcmp(before, after), 0);
	/* The limits themselves are accepted. */
	ASSERT_EQ(ctl_puts("clock_offset_ms", "3162240000000"), 0);
	ASSERT_EQ(ctl_puts("clock_offset_ms", "-3162240000000"), 0);
	ASSERT_EQ(ctl_puts("clock_offset_ms", "0"), 0);
	ASSERT_EQ(ctl_puts("leaf_lifetime_s", "1"), 0);
	ASSERT_EQ(ctl_puts("leaf_lifetime_s", "34300800"), 0);
	ASSERT_EQ(ctl_puts("leaf_lifetime_s", "10800\n"), 0);
	ASSERT_EQ(ctl_num("leaf_lifetime_s"), LIFETIME_DEFAULT);
}

TEST(attest_control_modes)
{
	static const struct { int where; const char *attr; unsigned int mode; } m[] = {
		/* 0: instance (configfs), 1: pki (configfs), 2: sysfs */
		{ 0, "enable", 0600 }, { 0, "devname", 0600 },
		{ 0, "module_id", 0600 }, { 0, "debug_mode", 0600 },
		{ 0, "pcr0", 0600 }, { 0, "pcr1", 0600 }, { 0, "pcr2", 0600 },
		{ 0, "pcr3", 0600 }, { 0, "pcr4", 0600 }, { 0, "pcr8", 0600 },
		{ 0, "cose_tagged", 0600 }, { 0, "indefinite_map", 0600 },
		{ 0, "clock_offset_ms", 0600 }, { 0, "leaf_lifetime_s", 0600 },
		{ 0, "reset", 0200 }, { 0, "rotate", 0200 },
		{ 1, "chain", 0200 }, { 1, "key", 0200 }, { 1, "commit", 0200 },
		{ 1, "generate", 0200 }, { 1, "root", 0400 },
		{ 1, "mode", 0400 }, { 1, "chain_len", 0400 },
		{ 1, "ca_not_after", 0400 }, { 1, "generation", 0400 },
		{ 1, "last_error", 0400 },
		{ 2, "instance", 0400 }, { 2, "pcrs/0", 0400 },
		{ 2, "pcrs/31", 0400 }, { 2, "pcr_locked/0", 0400 },
		{ 2, "pcr_locked/31", 0400 },
		{ 2, "statistics/describe_nsm", 0400 },
		{ 2, "statistics/describe_pcr", 0400 },
		{ 2, "statistics/extend_pcr", 0400 },
		{ 2, "statistics/lock_pcr", 0400 },
		{ 2, "statistics/lock_pcrs", 0400 },
		{ 2, "statistics/attestation", 0400 },
		{ 2, "statistics/get_random", 0400 },
		{ 2, "statistics/invalid", 0400 },
		{ 2, "statistics/error_responses", 0400 },
		{ 2, "statistics/ioctl_efault", 0400 },
		{ 2, "statistics/ioctl_emsgsize", 0400 },
		{ 2, "statistics/resets", 0400 },
		{ 2, "leaf/not_before", 0400 }, { 2, "leaf/not_after", 0400 },
		{ 2, "leaf/issued", 0400 },
	};
	const char *path;
	struct stat st;
	unsigned int i;

	NEED_CTL();
	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		path = m[i].where == 0 ? nsm_inst_path(NULL, m[i].attr) :
		       m[i].where == 1 ? nsm_pki_path(m[i].attr) :
		       nsm_state_path(NULL, m[i].attr);
		if (stat(path, &st)) {
			NSM_FAIL_EXPECT("%s: %s", path, strerror(errno));
			continue;
		}
		if ((st.st_mode & 07777) != m[i].mode || st.st_uid != 0)
			NSM_FAIL_EXPECT("%s: mode %o uid %u, expected %o uid 0",
				  path, st.st_mode & 07777, (unsigned int)st.st_uid,
				  m[i].mode);
	}
	/* Key material is write-only, even for root; the root read-only. */
	ASSERT_ERRNO(open(nsm_pki_path("key"), O_RDONLY), EACCES);
	ASSERT_ERRNO(open(nsm_pki_path("chain"), O_RDONLY), EACCES);
	ASSERT_ERRNO(open(nsm_pki_path("root"), O_WRONLY), EACCES);
	ASSERT_ERRNO(open(nsm_state_path(NULL, "pcrs/16"), O_WRONLY), EACCES);
}

/* The leaf changes when it expires and when it is retired. */
TEST(attest_leaf_rotation)
{
	static uint8_t a[RESP_MAX], b[RESP_MAX], c[RESP_MAX];
	struct doc da, db, dc;
	long long issued;
	size_t la, lb, lc;
	uint64_t t0;
	int fd = open_dev(_metadata);

	NEED_CTL();
	ASSERT_EQ(ctl_puts("leaf_lifetime_s", "2"), 0);
	ASSERT_EQ(ctl_num("leaf_lifetime_s"), 2);
	/* A new lifetime retires the current leaf. */
	ASSERT_EQ(state_num("leaf/not_before"), 0);
	t0 = now_ms();
	ASSERT_EQ(attest(fd, NULL, 0, NULL, 0, "a", 1, a, &la), 0);
	ASSERT_EQ(attest(fd, NULL, 0, NULL, 0, "b", 1, b, &lb), 0);
	ASSERT_PARSES(a, la, &da);
	ASSERT_PARSES(b, lb, &db);
	issued = state_num("leaf/issued");
	ASSERT_GT(issued, 0);
	ASSERT_EQ(state_num("leaf/not_after") - state_num("leaf/not_before"), 2);
	/* One leaf signs many documents during its life. */
	if (now_ms() - t0 < 1000) {
		ASSERT_EQ(da.cert_len, db.cert_len);
		ASSERT_MEM_EQ(da.cert, db.cert, da.cert_len);
	}
	export_doc(_metadata, "lifetime-2s-a", a, la);
	sleep(4);
	ASSERT_EQ(attest(fd, NULL, 0, NULL, 0, "c", 1, c, &lc), 0);
	ASSERT_PARSES(c, lc, &dc);
	ASSERT_TRUE(dc.cert_len != db.cert_len ||
		    memcmp(dc.cert, db.cert, db.cert_len));
	ASSERT_EQ(state_num("leaf/issued"), issued + 1);
	export_doc(_metadata, "lifetime-2s-c", c, lc);

	/* rotate retires the leaf at once. */
	ASSERT_EQ(ctl_puts("leaf_lifetime_s", "10800"), 0);
	ASSERT_EQ(attest(fd, NULL, 0, NULL, 0, NULL, 0, a, &la), 0);
	ASSERT_GT(state_num("leaf/not_before"), 0);
	ASSERT_EQ(ctl_puts("rotate", "1"), 0);
	ASSERT_EQ(state_num("leaf/not_before"), 0);
	ASSERT_EQ(state_num("leaf/not_after"), 0);
	ASSERT_EQ(attest(fd, NULL, 0, NULL, 0, NULL, 0, b, &lb), 0);
	ASSERT_PARSES(a, la, &da);
	ASSERT_PARSES(b, lb, &db);
	ASSERT_TRUE(da.cert_len != db.cert_len ||
		    memcmp(da.cert, db.cert, da.cert_len));
	ASSERT_EQ(state_num("leaf/not_after") - state_num("leaf/not_before"),
		  LIFETIME_DEFAULT);
	ASSERT_EQ(state_num("leaf/issued"), issued + 3);
	export_doc(_metadata, "rotated", b, lb);
	close(fd);
}

/* The leaf certificate names the module: a new module_id means a new leaf. */
TEST(attest_module_id_renames_leaf)
{
	static const char new_id[] = "i-00000000000000042-enc0000000000000042";
	static uint8_t a[RESP_MAX];
	struct nsm_description desc;
	char old_id[256];
	struct doc d;
	long n;
	size_t la;
	int fd = open_dev(_metadata);

	NEED_CTL();
	n = ctl_read("module_id", old_id, sizeof(old_id));
	ASSERT_GT(n, 1);
	old_id[strcspn(old_id, "\n")] = 0;
	ASSERT_EQ(attest(fd, NULL, 0, NULL, 0, NULL, 0, a, &la), 0);
	ASSERT_EQ(ctl_puts("module_id", new_id), 0);
	ASSERT_EQ(state_num("leaf/not_before"), 0);
	ASSERT_EQ(nsm_describe_nsm(fd, &desc), 0);
	ASSERT_EQ(strcmp(desc.module_id, new_id), 0);
	ASSERT_EQ(attest(fd, NULL, 0, NULL, 0, NULL, 0, a, &la), 0);
	ASSERT_PARSES(a, la, &d);
	ASSERT_EQ(strcmp(d.module_id, new_id), 0);
	ASSERT_TRUE(memmem(d.cert, d.cert_len, new_id, strlen(new_id)) != NULL);
	export_doc(_metadata, "module-id-changed", a, la);
	ASSERT_EQ(ctl_puts("module_id", old_id), 0);
	ASSERT_EQ(nsm_describe_nsm(fd, &desc), 0);
	ASSERT_EQ(strcmp(desc.module_id, old_id), 0);
	close(fd);
}

struct thread_ctx {
	int fd, id, rc;
	const char *why;
	uint8_t doc[RESP_MAX];
	size_t len;
};

static void *attest_thread(void *arg)
{
	struct thread_ctx *t = arg;
	uint8_t nonce[8];
	struct doc d;

	memcpy(nonce, "thread", 6);
	nonce[6] = (uint8_t)t->id;
	nonce[7] = 0xa5;
	t->rc = attest(t->fd, NULL, 0, nonce, sizeof(nonce), NULL, 0,
		       t->doc, &t->len);
	if (t->rc)
		return NULL;
	t->why = doc_parse(t->doc, t->len, &d);
	if (!t->why && (!d.nonce.present || d.nonce.len != sizeof(nonce) ||
			memcmp(d.nonce.p, nonce, sizeof(nonce))))
		t->why = "nonce not echoed";
	return NULL;
}

TEST(attest_64_threads)
{
	struct thread_ctx *ctx;
	pthread_t th[THREADS];
	char name[32];
	int fd = open_dev(_metadata), i;

	ctx = calloc(THREADS, sizeof(*ctx));
	ASSERT_NE(NULL, ctx);
	for (i = 0; i < THREADS; i++) {
		ctx[i].fd = i % 2 ? fd : open_dev(_metadata);	/* shared and own fds */
		ctx[i].id = i;
		ASSERT_EQ(pthread_create(&th[i], NULL, attest_thread, &ctx[i]), 0);
	}
	for (i = 0; i < THREADS; i++)
		ASSERT_EQ(pthread_join(th[i], NULL), 0);
	for (i = 0; i < THREADS; i++) {
		if (ctx[i].rc || ctx[i].why)
			NSM_FAIL("thread %d: rc %d, %s", i, ctx[i].rc,
				  ctx[i].why ?: "");
		snprintf(name, sizeof(name), "thread-%02d", i);
		export_doc(_metadata, name, ctx[i].doc, ctx[i].len);
		if (i % 2 == 0)
			close(ctx[i].fd);
	}
	free(ctx);
	close(fd);
}

/* ---- provisioning ---- */

struct chain {
	uint8_t der[CHAIN_MAX * CERT_MAX];
	size_t off[CHAIN_MAX], len[CHAIN_MAX], total;
	unsigned int n;
};

/* The device's current chain, from a document's cabundle. */
static void current_chain(struct __test_metadata *_metadata, int fd,
			  struct chain *c)
{
	static uint8_t doc[RESP_MAX];
	unsigned int i;
	struct doc d;
	size_t len;

	ASSERT_EQ(attest(fd, NULL, 0, NULL, 0, NULL, 0, doc, &len), 0);
	ASSERT_PARSES(doc, len, &d);
	memset(c, 0, sizeof(*c));
	for (i = 0; i < d.ncab; i++) {
		c->off[i] = c->total;
		c->len[i] = d.cab_len[i];
		memcpy(c->der + c->total, d.cab[i], d.cab_len[i]);
		c->total += d.cab_len[i];
	}
	c->n = d.ncab;
}

/*
 * Stage @chain and @key, each with one open, writes of @chunk bytes (0:
 * one write) and one close, then commit. Return the first failure (0 or
 * -errno) and leave pki/last_error in @err.
 */
static int provision(const void *key, size_t kl, const void *chain,
		     size_t cl, size_t chunk, char *err, size_t errcap)
{
	int rc;

	rc = pki_write_chunks("chain", chain, cl, chunk);
	if (!rc)
		rc = pki_write_chunks("key", key, kl, chunk);
	if (!rc)
		rc = pki_puts("commit", "1");
	pki_line("last_error", err, errcap);
	return rc;
}

/*
 * The chain in force is still the one with root @root, mode @mode and
 * generation @gen, nothing is left staged, and documents still work.
 */
static void assert_pki_unchanged(struct __test_metadata *_metadata, int fd,
				 const uint8_t *root, long rl, const char *mode,
				 long long gen)
{
	static uint8_t doc[RESP_MAX];
	uint8_t now[CERT_MAX + 16];
	char m[64];
	struct doc d;
	size_t len;

	ASSERT_EQ(nsm_root_der(now, sizeof(now)), rl);
	ASSERT_MEM_EQ(now, root, (size_t)rl);
	pki_line("mode", m, sizeof(m));
	ASSERT_EQ(strcmp(m, mode), 0);
	ASSERT_EQ(pki_num("generation"), gen);
	ASSERT_EQ(pki_num("chain_len"), CHAIN_MAX);
	/* Whatever a commit made of it, the staged input is gone. */
	ASSERT_EQ(pki_puts("commit", "1"), -ENODATA);
	ASSERT_EQ(attest(fd, NULL, 0, NULL, 0, NULL, 0, doc, &len), 0);
	ASSERT_PARSES(doc, len, &d);
	ASSERT_EQ((long)d.cab_len[0], rl);
	ASSERT_MEM_EQ(d.cab[0], root, (size_t)rl);
}

/* @call must fail with EINVAL and last_error must contain @msg (if any). */
#define EXPECT_REJECTED(what, msg, call) do {				\
	char _err[256];							\
	int _rc = (call);						\
	const char *_m = (msg);						\
	if (_rc != -EINVAL)						\
		NSM_FAIL_EXPECT("%s: %d (%s), expected -EINVAL", what, _rc,	\
			  _err);					\
	if (!strcmp(_err, "none") || (_m && !strstr(_err, _m)))	\
		NSM_FAIL_EXPECT("%s: last_error \"%s\", expected \"%s\"",	\
			  what, _err, _m ?: "an error");		\
	assert_pki_unchanged(_metadata, fd, root, rl, mode, gen);			\
} while (0)

static const char pem_garbage[] =
	"-----BEGIN PRIVATE KEY-----\n%%%%\n-----END PRIVATE KEY-----\n";

static void provision_bad_inputs(struct __test_metadata *_metadata, int fd,
				 const char *mode)
{
	static struct chain c, bad;
	static uint8_t junk[9000];
	uint8_t root[CERT_MAX + 16], key[48];
	char err[256];
	long long gen;
	long rl;
	int rc;

	rl = nsm_root_der(root, sizeof(root));
	ASSERT_GT(rl, 0);
	gen = pki_num("generation");
	ASSERT_GT(gen, 0);
	current_chain(_metadata, fd, &c);
	ASSERT_EQ(c.n, CHAIN_MAX);
	memset(key, 0x11, sizeof(key));	/* a valid scalar, not the CA's */

	/* Nothing staged, or half of it: ENODATA, and a commit consumes. */
	ASSERT_EQ(pki_puts("commit", "1"), -ENODATA);
	pki_line("last_error", err, sizeof(err));
	ASSERT_NE(NULL, strstr(err, "nothing staged"));
	ASSERT_EQ(pki_write("chain", c.der, c.total), 0);
	ASSERT_EQ(pki_puts("commit", "1"), -ENODATA);
	ASSERT_EQ(pki_write("key", key, sizeof(key)), 0);
	ASSERT_EQ(pki_puts("commit", "1"), -ENODATA);
	assert_pki_unchanged(_metadata, fd, root, rl, mode, gen);

	EXPECT_REJECTED("garbage key", "not a valid P-384 private key",
			provision("\x30\x03\x02\x01\x01", 5, c.der, c.total, 0,
				  _err, sizeof(_err)));
	memset(junk, 0, 48);
	EXPECT_REJECTED("zero key", "not a valid P-384 private key",
			provision(junk, 48, c.der, c.total, 0, _err,
				  sizeof(_err)));
	memset(junk, 0xff, 48);	/* >= n */
	EXPECT_REJECTED("key >= n", "not a valid P-384 private key",
			provision(junk, 48, c.der, c.total, 0, _err,
				  sizeof(_err)));
	/* DER only: PEM is for user space to decode. */
	EXPECT_REJECTED("PEM key", "not a valid P-384 private key",
			provision(pem_garbage, strlen(pem_garbage), c.der,
				  c.total, 0, _err, sizeof(_err)));
	EXPECT_REJECTED("key of another CA", "does not match",
			provision(key, sizeof(key), c.der, c.total, 0, _err,
				  sizeof(_err)));

	/* Broken chains (checked before the key match). */
	memset(&bad, 0, sizeof(bad));	/* reversed order */
	for (int i = CHAIN_MAX - 1; i >= 0; i--) {
		memcpy(bad.der + bad.total, c.der + c.off[i], c.len[i]);
		bad.total += c.len[i];
	}
	EXPECT_REJECTED("reversed chain", "broken chain",
			provision(key, sizeof(key), bad.der, bad.total, 0,
				  _err, sizeof(_err)));
	bad.total = 0;			/* regional CA missing */
	for (int i = 0; i < CHAIN_MAX; i++) {
		if (i == 1)
			continue;
		memcpy(bad.der + bad.total, c.der + c.off[i], c.len[i]);
		bad.total += c.len[i];
	}
	EXPECT_REJECTED("chain without the regional CA", "broken chain",
			provision(key, sizeof(key), bad.der, bad.total, 0,
				  _err, sizeof(_err)));
	memcpy(bad.der, c.der, c.total);	/* a flipped signature bit */
	bad.der[c.off[2] + c.len[2] - 5] ^= 0x01;
	EXPECT_REJECTED("zonal CA signature corrupted", "signature",
			provision(key, sizeof(key), bad.der, c.total, 0, _err,
				  sizeof(_err)));
	EXPECT_REJECTED("truncated chain", NULL,
			provision(key, sizeof(key), c.der, c.total - 7, 0,
				  _err, sizeof(_err)));
	EXPECT_REJECTED("chain of garbage", NULL,
			provision(key, sizeof(key), "\x30\x80garbage", 9, 0,
				  _err, sizeof(_err)));
	/* Five certificates: over the chain limit. */
	memcpy(bad.der, c.der, c.total);
	memcpy(bad.der + c.total, c.der + c.off[3], c.len[3]);
	EXPECT_REJECTED("five certificates", "broken chain",
			provision(key, sizeof(key), bad.der, c.total + c.len[3],
				  0, _err, sizeof(_err)));

	/*
	 * A chain staged in two opens: the second write replaces the first,
	 * so only its tail is staged.
	 */
	ASSERT_EQ(pki_write("chain", c.der, c.off[2]), 0);
	EXPECT_REJECTED("chain split over two opens", NULL,
			provision(key, sizeof(key), c.der + c.off[2],
				  c.total - c.off[2], 0, _err, sizeof(_err)));

	/*
	 * Over the staging limits: the write fails with EFBIG; what fitted
	 * is staged at close and the commit refuses it.
	 */
	memset(junk, 'A', sizeof(junk));
	rc = pki_write_chunks("chain", junk, sizeof(junk), 4096);
	ASSERT_EQ(rc, -EFBIG);
	ASSERT_EQ(pki_write("key", key, sizeof(key)), 0);
	EXPECT_REJECTED("chain over 8192 bytes", NULL,
			(rc = pki_puts("commit", "1"),
			 pki_line("last_error", _err, sizeof(_err)), rc));
	ASSERT_EQ(pki_write("chain", c.der, c.total), 0);
	ASSERT_EQ(pki_write_chunks("key", junk, 2049, 1024), -EFBIG);
	ASSERT_EQ(pki_write_chunks("key", junk, 2048, 1024), 0);
	EXPECT_REJECTED("key of 2048 bytes", "not a valid P-384 private key",
			(rc = pki_puts("commit", "1"),
			 pki_line("last_error", _err, sizeof(_err)), rc));
}

TEST(attest_provision_bad_input)
{
	int fd = open_dev(_metadata);
	char mode[64];

	NEED_CTL();
	pki_line("mode", mode, sizeof(mode));
	ASSERT_EQ(strcmp(mode, "ephemeral"), 0);
	provision_bad_inputs(_metadata, fd, mode);
	close(fd);
}

static const char *pki_dir(void)
{
	const char *d = getenv("NSM_PKI_DIR");

	return d && *d ? d : "/extra/pki";
}

static uint8_t *pki_file(const char *name, size_t *len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", pki_dir(), name);
	return read_file(path, len);
}

/*
 * A PKI from `nsmctl ca init` (PEM files, decoded here: the module takes
 * DER), committed in one write each, then in chunks with the key as SEC 1.
 */
TEST(attest_provision_good)
{
	static uint8_t doc[RESP_MAX], chain[CHAIN_MAX * CERT_MAX + 64];
	uint8_t root[CERT_MAX + 16], eph_root[CERT_MAX + 16], key[512], now[CERT_MAX + 16];
	uint8_t *chain_pem, *key_pem, *root_pem;
	size_t cpl, kpl, rpl, len, sl;
	const uint8_t *sec1;
	char err[256], mode[64];
	long rl, cl, kl, el, nl;
	long long gen;
	unsigned int n;
	struct doc d;
	int fd = open_dev(_metadata);

	NEED_CTL();
	chain_pem = pki_file("chain.pem", &cpl);
	key_pem = pki_file("instance.key", &kpl);
	root_pem = pki_file("root.pem", &rpl);
	if (!chain_pem || !key_pem || !root_pem)
		SKIP(return, "no test PKI in %s (chain.pem, instance.key, root.pem)",
		     pki_dir());
	rl = pem_der((char *)root_pem, "CERTIFICATE", root, sizeof(root), &n);
	ASSERT_EQ(n, 1);
	cl = pem_der((char *)chain_pem, "CERTIFICATE", chain, sizeof(chain), &n);
	ASSERT_EQ(n, CHAIN_MAX);
	kl = pem_der((char *)key_pem, "PRIVATE KEY", key, sizeof(key), &n);
	ASSERT_EQ(n, 1);
	ASSERT_GT(rl, 0);
	ASSERT_GT(cl, 0);
	ASSERT_GT(kl, 0);
	ASSERT_TRUE(pkcs8_to_sec1(key, (size_t)kl, &sec1, &sl));
	el = nsm_root_der(eph_root, sizeof(eph_root));
	ASSERT_GT(el, 0);
	gen = pki_num("generation");

	/* The files as they are (PEM) are refused. */
	ASSERT_EQ(provision(key_pem, kpl, chain_pem, cpl, 0, err, sizeof(err)),
		  -EINVAL);
	assert_pki_unchanged(_metadata, fd, eph_root, el, "ephemeral", gen);

	ASSERT_EQ(provision(key, (size_t)kl, chain, (size_t)cl, 0, err,
			    sizeof(err)), 0);
	ASSERT_EQ(strcmp(err, "none"), 0);
	assert_pki_unchanged(_metadata, fd, root, rl, "provisioned", gen + 1);
	ASSERT_GT(pki_num("ca_not_after"), (long long)(now_ms() / 1000));

	ASSERT_EQ(attest(fd, "provisioned", 11, "n", 1, NULL, 0, doc, &len), 0);
	ASSERT_PARSES(doc, len, &d);
	ASSERT_EQ(d.ncab, CHAIN_MAX);
	for (unsigned int i = 0, off = 0; i < d.ncab; off += d.cab_len[i], i++)
		ASSERT_MEM_EQ(d.cab[i], chain + off, d.cab_len[i]);
	export_doc(_metadata, "provisioned", doc, len);

	/* Bad input leaves the provisioned chain in force. */
	provision_bad_inputs(_metadata, fd, "provisioned");

	/* The chain in 100-byte writes of one open, the key as SEC 1. */
	ASSERT_EQ(provision(sec1, sl, chain, (size_t)cl, 100, err, sizeof(err)), 0);
	ASSERT_EQ(strcmp(err, "none"), 0);
	assert_pki_unchanged(_metadata, fd, root, rl, "provisioned", gen + 2);
	ASSERT_EQ(attest(fd, NULL, 0, NULL, 0, "pk", 2, doc, &len), 0);
	export_doc(_metadata, "provisioned-chunked-sec1", doc, len);

	/* The instance's settings survive a replacement of the chain. */
	ASSERT_EQ(ctl_puts("indefinite_map", "0"), 0);
	ASSERT_EQ(provision(key, (size_t)kl, chain, (size_t)cl, 0, err,
			    sizeof(err)), 0);
	ASSERT_EQ(ctl_num("indefinite_map"), 0);
	ASSERT_EQ(attest(fd, NULL, 0, NULL, 0, NULL, 0, doc, &len), 0);
	ASSERT_EQ(ctl_puts("indefinite_map", "1"), 0);
	ASSERT_PARSES(doc, len, &d);
	ASSERT_FALSE(d.indefinite);
	export_doc(_metadata, "provisioned-definite", doc, len);

	/* Back to a fresh ephemeral chain: a new root. */
	ASSERT_EQ(pki_puts("generate", "1"), 0);
	pki_line("mode", mode, sizeof(mode));
	ASSERT_EQ(strcmp(mode, "ephemeral"), 0);
	ASSERT_EQ(pki_num("generation"), gen + 4);
	nl = nsm_root_der(now, sizeof(now));
	ASSERT_GT(nl, 0);
	ASSERT_TRUE(nl != el || memcmp(now, eph_root, (size_t)el));
	ASSERT_TRUE(nl != rl || memcmp(now, root, (size_t)rl));
	ASSERT_EQ(attest(fd, NULL, 0, NULL, 0, NULL, 0, doc, &len), 0);
	ASSERT_PARSES(doc, len, &d);
	ASSERT_EQ((long)d.cab_len[0], nl);
	ASSERT_MEM_EQ(d.cab[0], now, (size_t)nl);
	export_doc(_metadata, "after-generate", doc, len);
	free(chain_pem);
	free(key_pem);
	free(root_pem);
	close(fd);
}

/* pki/generate: a new ephemeral chain; the instance's settings stay. */
TEST(attest_pki_generate)
{
	uint8_t a[CERT_MAX + 16], b[CERT_MAX + 16];
	static uint8_t doc[RESP_MAX];
	long long gen, issued;
	char line[256];
	long la, lb;
	struct doc d;
	size_t len;
	int fd = open_dev(_metadata);

	NEED_CTL();
	ASSERT_EQ(attest(fd, NULL, 0, NULL, 0, NULL, 0, doc, &len), 0);
	la = nsm_root_der(a, sizeof(a));
	ASSERT_GT(la, 0);
	gen = pki_num("generation");
	issued = state_num("leaf/issued");
	ASSERT_GT(issued, 0);
	ASSERT_EQ(ctl_puts("cose_tagged", "1"), 0);
	ASSERT_EQ(pki_puts("generate", "1"), 0);
	lb = nsm_root_der(b, sizeof(b));
	ASSERT_GT(lb, 0);
	ASSERT_TRUE(la != lb || memcmp(a, b, (size_t)la));
	ASSERT_EQ(pki_num("generation"), gen + 1);
	ASSERT_EQ(pki_num("chain_len"), CHAIN_MAX);
	ASSERT_GT(pki_num("ca_not_after"), (long long)(now_ms() / 1000));
	pki_line("mode", line, sizeof(line));
	ASSERT_EQ(strcmp(line, "ephemeral"), 0);
	pki_line("last_error", line, sizeof(line));
	ASSERT_EQ(strcmp(line, "none"), 0);
	ASSERT_EQ(ctl_num("cose_tagged"), 1);
	ASSERT_EQ(ctl_puts("cose_tagged", "0"), 0);
	/* The next document has a leaf of the new chain. */
	ASSERT_EQ(attest(fd, NULL, 0, NULL, 0, NULL, 0, doc, &len), 0);
	ASSERT_PARSES(doc, len, &d);
	ASSERT_EQ((long)d.cab_len[0], lb);
	ASSERT_MEM_EQ(d.cab[0], b, (size_t)lb);
	ASSERT_EQ(state_num("leaf/issued"), issued + 1);
	export_doc(_metadata, "pki-generate", doc, len);
	close(fd);
}

int main(int argc, char **argv)
{
	return nsm_harness_main(argc, argv, nsm_precheck);
}
