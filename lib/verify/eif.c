// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Enclave Image Format (EIF) reader: header, section table, CRC-32,
 * metadata, the measurements PCR0/1/2/8 and the signature, byte-exact with
 * AWS's aws-nitro-enclaves-image-format (facts: Documentation/eif.rst).
 *
 * One sequential pass over the file: the header and its offset table are
 * checked against the file size first, then every section header and its
 * data are read in order, feeding the CRC and the hashers; only cmdline,
 * metadata and signature data are kept, each under a fixed limit. Memory
 * is therefore bounded whatever the size of the kernel and ramdisks.
 *
 * The measurements are TPM-style extends of a zero register with the
 * SHA-384 of the concatenated section data:
 *   PCR0 = H(0^48 || H(kernel || cmdline || ramdisk_1 || ... || ramdisk_n))
 *   PCR1 = H(0^48 || H(kernel || cmdline || ramdisk_1))
 *   PCR2 = H(0^48 || H(ramdisk_2 || ... || ramdisk_n))
 *   PCR8 = H(0^48 || H(DER of the signing certificate))
 * PCR1's inner hash is a copy of PCR0's hasher taken after the first
 * ramdisk, so no byte is hashed twice for PCR0 and PCR1.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "internal.h"

#define HDR_LEN		548	/* EifHeader */
#define SHDR_LEN	12	/* EifSectionHeader */
#define CRC_OFF		544	/* the header's eif_crc32 field */
#define OFFS_OFF	28	/* section_offsets[32] */
#define SIZES_OFF	284	/* section_sizes[32] */
#define CHUNK		(64u << 10)

#define MAX_CMDLINE	(64u << 10)
#define MAX_METADATA	(1u << 20)
#define MAX_SIGNATURE	(64u << 10)

#define PCR_LEN		NSM_EIF_PCR_LEN

struct meta_member {
	char *key;
	char *json;		/* compact JSON of the value */
};

struct nsm_eif {
	uint16_t version;
	uint16_t flags;
	uint64_t mem;
	uint64_t cpus;
	uint64_t size;
	uint32_t hdr_crc;
	uint32_t crc;
	size_t nsec;
	struct nsm_eif_section sec[NSM_EIF_MAX_SECTIONS];
	char *cmdline;
	size_t cmdline_len;
	char *meta;
	size_t meta_len;
	char *meta_str[NSM_EIF_META_COUNT];
	struct meta_member *members;
	size_t nmembers;
	uint8_t pcr[3][PCR_LEN];
	uint8_t pcr8[PCR_LEN];
	bool has_pcr8;
	bool is_signed;
	enum nsm_eif_status sig_status;
	enum nsm_eif_status status;
	uint8_t *cert;
	size_t cert_len;
	uint8_t *sig;		/* the signature section, while decoding */
	size_t sig_len;
};

/* ---- names ------------------------------------------------------------ */

static const struct {
	const char *name;
	const char *text;
} status_tab[NSM_EIF_STATUS_COUNT] = {
	[NSM_EIF_OK] = { "eif.ok", "no error" },
	[NSM_EIF_ERR_MAGIC] = { "eif.magic", "not an EIF file (bad magic)" },
	[NSM_EIF_ERR_VERSION] = { "eif.version", "unsupported EIF version" },
	[NSM_EIF_ERR_TRUNCATED] = { "eif.truncated", "the file is truncated" },
	[NSM_EIF_ERR_SECTION_COUNT] = { "eif.section_count",
		"more sections than the header's table holds" },
	[NSM_EIF_ERR_SECTION_BOUNDS] = { "eif.section_bounds",
		"a section lies outside the file" },
	[NSM_EIF_ERR_SECTION_OVERLAP] = { "eif.section_overlap",
		"sections overlap" },
	[NSM_EIF_ERR_SECTION_TABLE] = { "eif.section_table",
		"the section table does not match the sections" },
	[NSM_EIF_ERR_SECTION_TYPE] = { "eif.section_type",
		"unknown section type" },
	[NSM_EIF_ERR_TRAILING] = { "eif.trailing",
		"bytes after the last section" },
	[NSM_EIF_ERR_NO_KERNEL] = { "eif.no_kernel", "no kernel section" },
	[NSM_EIF_ERR_NO_CMDLINE] = { "eif.no_cmdline", "no cmdline section" },
	[NSM_EIF_ERR_NO_RAMDISK] = { "eif.no_ramdisk", "no ramdisk section" },
	[NSM_EIF_ERR_DUPLICATE] = { "eif.duplicate_section",
		"a section that must be unique appears twice" },
	[NSM_EIF_ERR_SECTION_ORDER] = { "eif.section_order",
		"sections are out of order" },
	[NSM_EIF_ERR_SECTION_SIZE] = { "eif.section_size",
		"a section is too large to decode" },
	[NSM_EIF_ERR_CRC] = { "eif.crc", "CRC-32 mismatch" },
	[NSM_EIF_ERR_METADATA] = { "eif.metadata",
		"the metadata is not a JSON object" },
	[NSM_EIF_ERR_SIGNATURE_DECODE] = { "eif.signature_decode",
		"the signature section does not decode" },
	[NSM_EIF_ERR_SIGNATURE_CERT] = { "eif.signature_cert",
		"the signing certificate is unusable" },
	[NSM_EIF_ERR_SIGNATURE_INVALID] = { "eif.signature_invalid",
		"the signature does not verify" },
	[NSM_EIF_ERR_SIGNATURE_PCR0] = { "eif.signature_pcr0",
		"the signature is not over the image's PCR0" },
};

const char *nsm_eif_status_name(enum nsm_eif_status status)
{
	if ((unsigned int)status >= NSM_EIF_STATUS_COUNT)
		return "unknown";
	return status_tab[status].name;
}

const char *nsm_eif_strerror(enum nsm_eif_status status)
{
	if ((unsigned int)status >= NSM_EIF_STATUS_COUNT)
		return "unknown EIF error";
	return status_tab[status].text;
}

const char *nsm_eif_section_type_name(enum nsm_eif_section_type type)
{
	switch (type) {
	case NSM_EIF_SECTION_KERNEL:
		return "kernel";
	case NSM_EIF_SECTION_CMDLINE:
		return "cmdline";
	case NSM_EIF_SECTION_RAMDISK:
		return "ramdisk";
	case NSM_EIF_SECTION_SIGNATURE:
		return "signature";
	case NSM_EIF_SECTION_METADATA:
		return "metadata";
	default:
		return "invalid";
	}
}

static const char *const meta_keys[NSM_EIF_META_COUNT] = {
	"ImageName", "ImageVersion", "BuildTime", "BuildTool",
	"BuildToolVersion", "OperatingSystem", "KernelVersion",
};

const char *nsm_eif_meta_name(enum nsm_eif_meta field)
{
	if ((unsigned int)field >= NSM_EIF_META_COUNT)
		return NULL;
	return meta_keys[field];
}

/* ---- CRC-32/ISO-HDLC (the zlib CRC) ------------------------------------ */

static uint32_t crc_table[256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
	uint32_t i, c;
	int k;

	for (i = 0; i < 256; i++) {
		c = i;
		for (k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

/* Continue a CRC: start with 0, feed the bytes in order. */
static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n)
{
	crc = ~crc;
	while (n--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* ---- input: memory or a file descriptor --------------------------------- */

struct src {
	const uint8_t *mem;	/* memory input, or NULL */
	int fd;
	uint8_t *buf;		/* CHUNK bytes for file input */
	uint64_t pos;		/* bytes consumed */
	uint64_t size;		/* file size, when known */
	bool size_known;
	int io_err;		/* -errno of a failed read */
};

/*
 * Up to @want bytes at the current position: *@p points at them (in the
 * caller's memory or the chunk buffer). Return the count, 0 at the end of
 * the input or on a read error (s->io_err).
 */
static size_t src_next(struct src *s, size_t want, const uint8_t **p)
{
	ssize_t n;

	if (want > CHUNK)
		want = CHUNK;
	if (s->mem) {
		uint64_t left = s->size - s->pos;

		if (want > left)
			want = (size_t)left;
		*p = s->mem + s->pos;
		s->pos += want;
		return want;
	}
	for (;;) {
		n = read(s->fd, s->buf, want);
		if (n >= 0)
			break;
		if (errno != EINTR) {
			s->io_err = -errno;
			return 0;
		}
	}
	*p = s->buf;
	s->pos += (uint64_t)n;
	return (size_t)n;
}

/* Read exactly @n bytes into @dst unless the input ends; return the count. */
static size_t src_read(struct src *s, uint8_t *dst, size_t n)
{
	const uint8_t *p;
	size_t got = 0, k;

	while (got < n) {
		k = src_next(s, n - got, &p);
		if (!k)
			break;
		memcpy(dst + got, p, k);
		got += k;
	}
	return got;
}

/* ---- errors -------------------------------------------------------------- */

static int fail(struct nsm_error *err, enum nsm_eif_status code,
		uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Fill @err (if any) and return -EBADMSG. */
static int fail(struct nsm_error *err, enum nsm_eif_status code,
		uint64_t off, const char *fmt, ...)
{
	char msg[sizeof(err->message)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	nsm__error(err, code, off, "%s", msg);
	return -EBADMSG;
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

/* ---- measurements ---------------------------------------------------------- */

/* @out = H(0^48 || H(everything @ctx was fed)); @ctx is finalised. */
static int extend_final(uint8_t out[PCR_LEN], EVP_MD_CTX *ctx)
{
	uint8_t buf[2 * PCR_LEN];
	unsigned int l;

	memset(buf, 0, PCR_LEN);
	if (EVP_DigestFinal_ex(ctx, buf + PCR_LEN, &l) != 1 || l != PCR_LEN ||
	    EVP_Digest(buf, sizeof(buf), out, &l, EVP_sha384(), NULL) != 1)
		return -ENOMEM;
	return 0;
}

static int extend_bytes(uint8_t out[PCR_LEN], const uint8_t *p, size_t n)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ret = -ENOMEM;

	if (ctx && EVP_DigestInit_ex(ctx, EVP_sha384(), NULL) == 1 &&
	    EVP_DigestUpdate(ctx, p, n) == 1)
		ret = extend_final(out, ctx);
	EVP_MD_CTX_free(ctx);
	return ret;
}

/* ---- the pass over the file ------------------------------------------------ */

struct pass {
	struct nsm_eif *e;
	struct src *s;
	struct nsm_error *err;
	EVP_MD_CTX *image;	/* PCR0: kernel, cmdline, every ramdisk */
	EVP_MD_CTX *boot;	/* PCR1: a copy of image after ramdisk 1 */
	EVP_MD_CTX *app;	/* PCR2: ramdisks 2..n */
	size_t nramdisks;
};

static int header(struct pass *ps, uint64_t offs[], uint64_t sizes[])
{
	struct nsm_eif *e = ps->e;
	uint8_t h[HDR_LEN];
	size_t got, i;
	uint64_t end;

	got = src_read(ps->s, h, HDR_LEN);
	if (ps->s->io_err)
		return ps->s->io_err;
	if (got >= 4 && memcmp(h, ".eif", 4))
		return fail(ps->err, NSM_EIF_ERR_MAGIC, 0,
			    "magic is %02x %02x %02x %02x, not \".eif\"",
			    h[0], h[1], h[2], h[3]);
	if (got < HDR_LEN)
		return fail(ps->err, NSM_EIF_ERR_TRUNCATED, got,
			    "the file ends at byte %zu, inside the %d-byte header",
			    got, HDR_LEN);
	e->version = be16(h + 4);
	e->flags = be16(h + 6);
	e->mem = be64(h + 8);
	e->cpus = be64(h + 16);
	e->nsec = be16(h + 26);
	e->hdr_crc = be32(h + CRC_OFF);
	if (e->version < 2 || e->version > 4)
		return fail(ps->err, NSM_EIF_ERR_VERSION, 4,
			    "version %u; this reader knows 2, 3 and 4",
			    e->version);
	if (e->nsec > NSM_EIF_MAX_SECTIONS)
		return fail(ps->err, NSM_EIF_ERR_SECTION_COUNT, 26,
			    "%zu sections; the header's table holds %d",
			    e->nsec, NSM_EIF_MAX_SECTIONS);
	e->crc = crc32_update(0, h, CRC_OFF);

	/*
	 * The table must describe the sections back to back from the end of
	 * the header, as AWS's reader walks them, and end with the file.
	 */
	end = HDR_LEN;
	for (i = 0; i < e->nsec; i++) {
		offs[i] = be64(h + OFFS_OFF + 8 * i);
		sizes[i] = be64(h + SIZES_OFF + 8 * i);
		if (sizes[i] > UINT64_MAX - SHDR_LEN - offs[i])
			return fail(ps->err, NSM_EIF_ERR_SECTION_BOUNDS,
				    SIZES_OFF + 8 * i,
				    "section %zu at %llu claims %llu bytes, past any file's end",
				    i, (unsigned long long)offs[i],
				    (unsigned long long)sizes[i]);
		if (offs[i] < end)
			return fail(ps->err, NSM_EIF_ERR_SECTION_OVERLAP,
				    OFFS_OFF + 8 * i,
				    "section %zu starts at %llu, inside %s (ends at %llu)",
				    i, (unsigned long long)offs[i],
				    i ? "the previous section" : "the header",
				    (unsigned long long)end);
		if (offs[i] > end) {
			if (ps->s->size_known && offs[i] > ps->s->size)
				return fail(ps->err, NSM_EIF_ERR_SECTION_BOUNDS,
					    OFFS_OFF + 8 * i,
					    "section %zu starts at %llu, past the end of the %llu-byte file",
					    i, (unsigned long long)offs[i],
					    (unsigned long long)ps->s->size);
			return fail(ps->err, NSM_EIF_ERR_SECTION_TABLE,
				    OFFS_OFF + 8 * i,
				    "section %zu starts at %llu, leaving a gap after %llu",
				    i, (unsigned long long)offs[i],
				    (unsigned long long)end);
		}
		end = offs[i] + SHDR_LEN + sizes[i];
	}
	/*
	 * A table that runs past the end is a truncated file or a wrong size:
	 * the section headers tell which, during the pass. One that ends
	 * early leaves bytes no section owns.
	 */
	if (ps->s->size_known && end < ps->s->size)
		return fail(ps->err, NSM_EIF_ERR_TRAILING, end,
			    "%llu bytes after the last section",
			    (unsigned long long)(ps->s->size - end));
	return 0;
}

/* Where section data of @type goes besides the CRC; @keep: the copy. */
static int section_data(struct pass *ps, size_t i, uint64_t size,
			uint8_t *keep)
{
	enum nsm_eif_section_type type = ps->e->sec[i].type;
	bool measured = type == NSM_EIF_SECTION_KERNEL ||
			type == NSM_EIF_SECTION_CMDLINE ||
			type == NSM_EIF_SECTION_RAMDISK;
	bool app = type == NSM_EIF_SECTION_RAMDISK && ps->nramdisks > 0;
	uint64_t left = size;
	const uint8_t *p;
	size_t n;

	while (left) {
		n = src_next(ps->s, left > CHUNK ? CHUNK : (size_t)left, &p);
		if (!n) {
			if (ps->s->io_err)
				return ps->s->io_err;
			return fail(ps->err, NSM_EIF_ERR_TRUNCATED, ps->s->pos,
				    "the file ends at byte %llu, inside section %zu (%s)",
				    (unsigned long long)ps->s->pos, i,
				    nsm_eif_section_type_name(type));
		}
		ps->e->crc = crc32_update(ps->e->crc, p, n);
		if (measured && EVP_DigestUpdate(ps->image, p, n) != 1)
			return -ENOMEM;
		if (app && EVP_DigestUpdate(ps->app, p, n) != 1)
			return -ENOMEM;
		if (keep)
			memcpy(keep + (size - left), p, n);
		left -= n;
	}
	if (type == NSM_EIF_SECTION_RAMDISK && ps->nramdisks++ == 0 &&
	    EVP_MD_CTX_copy_ex(ps->boot, ps->image) != 1)
		return -ENOMEM;
	return 0;
}

static int sections(struct pass *ps, const uint64_t offs[],
		    const uint64_t sizes[])
{
	struct nsm_eif *e = ps->e;
	uint8_t sh[SHDR_LEN];
	size_t i, got;
	int ret;

	for (i = 0; i < e->nsec; i++) {
		struct nsm_eif_section *sec = &e->sec[i];
		uint8_t **keep = NULL;
		size_t *keep_len = NULL, limit = 0;
		uint16_t type;

		got = src_read(ps->s, sh, SHDR_LEN);
		if (ps->s->io_err)
			return ps->s->io_err;
		if (got < SHDR_LEN)
			return fail(ps->err, NSM_EIF_ERR_TRUNCATED, offs[i] + got,
				    "the file ends at byte %llu, inside section %zu's header",
				    (unsigned long long)(offs[i] + got), i);
		e->crc = crc32_update(e->crc, sh, SHDR_LEN);
		type = be16(sh);
		sec->flags = be16(sh + 2);
		sec->offset = offs[i];
		sec->size = be64(sh + 4);
		if (type == NSM_EIF_SECTION_INVALID || type > NSM_EIF_SECTION_METADATA)
			return fail(ps->err, NSM_EIF_ERR_SECTION_TYPE, offs[i],
				    "section %zu has type %u", i, type);
		sec->type = (enum nsm_eif_section_type)type;
		if (sec->size != sizes[i])
			return fail(ps->err, NSM_EIF_ERR_SECTION_TABLE, offs[i] + 4,
				    "section %zu's header says %llu bytes, the table %llu",
				    i, (unsigned long long)sec->size,
				    (unsigned long long)sizes[i]);
		switch (sec->type) {
		case NSM_EIF_SECTION_CMDLINE:
			keep = (uint8_t **)&e->cmdline;
			keep_len = &e->cmdline_len;
			limit = MAX_CMDLINE;
			break;
		case NSM_EIF_SECTION_METADATA:
			keep = (uint8_t **)&e->meta;
			keep_len = &e->meta_len;
			limit = MAX_METADATA;
			break;
		case NSM_EIF_SECTION_SIGNATURE:
			keep = &e->sig;
			keep_len = &e->sig_len;
			limit = MAX_SIGNATURE;
			e->is_signed = true;
			break;
		default:
			break;
		}
		if (keep && sec->size > limit)
			return fail(ps->err, NSM_EIF_ERR_SECTION_SIZE, offs[i] + 4,
				    "%s section of %llu bytes; the limit is %zu",
				    nsm_eif_section_type_name(sec->type),
				    (unsigned long long)sec->size, limit);
		if (keep) {
			/* a duplicate is refused later; keep the first */
			if (*keep) {
				keep = NULL;
			} else {
				*keep = malloc((size_t)sec->size + 1);
				if (!*keep)
					return -ENOMEM;
				(*keep)[sec->size] = '\0';
				*keep_len = (size_t)sec->size;
			}
		}
		ret = section_data(ps, i, sec->size, keep ? *keep : NULL);
		if (ret)
			return ret;
	}
	if (!ps->s->size_known) {
		const uint8_t *p;

		if (src_next(ps->s, 1, &p))
			return fail(ps->err, NSM_EIF_ERR_TRAILING, ps->s->pos - 1,
				    "bytes after the last section (at %llu)",
				    (unsigned long long)(ps->s->pos - 1));
		if (ps->s->io_err)
			return ps->s->io_err;
	}
	return 0;
}

/* Exactly one kernel and cmdline, at most one metadata and signature, at
 * least one ramdisk, in eif_build's order. */
static int section_set(struct pass *ps)
{
	/* rank of each type in the order; kernel 0 .. signature 4 */
	static const int rank[] = {
		[NSM_EIF_SECTION_KERNEL] = 0, [NSM_EIF_SECTION_CMDLINE] = 1,
		[NSM_EIF_SECTION_METADATA] = 2, [NSM_EIF_SECTION_RAMDISK] = 3,
		[NSM_EIF_SECTION_SIGNATURE] = 4,
	};
	const struct nsm_eif *e = ps->e;
	size_t count[NSM_EIF_SECTION_METADATA + 1] = { 0 }, i;
	int last = 0;

	for (i = 0; i < e->nsec; i++)
		count[e->sec[i].type]++;
	if (!count[NSM_EIF_SECTION_KERNEL])
		return fail(ps->err, NSM_EIF_ERR_NO_KERNEL, HDR_LEN,
			    "no kernel section among %zu", e->nsec);
	if (!count[NSM_EIF_SECTION_CMDLINE])
		return fail(ps->err, NSM_EIF_ERR_NO_CMDLINE, HDR_LEN,
			    "no cmdline section among %zu", e->nsec);
	if (!count[NSM_EIF_SECTION_RAMDISK])
		return fail(ps->err, NSM_EIF_ERR_NO_RAMDISK, HDR_LEN,
			    "no ramdisk section among %zu", e->nsec);
	memset(count, 0, sizeof(count));
	for (i = 0; i < e->nsec; i++) {
		enum nsm_eif_section_type t = e->sec[i].type;

		if (++count[t] > 1 && t != NSM_EIF_SECTION_RAMDISK)
			return fail(ps->err, NSM_EIF_ERR_DUPLICATE, e->sec[i].offset,
				    "section %zu is a second %s section", i,
				    nsm_eif_section_type_name(t));
	}
	for (i = 0; i < e->nsec; i++) {
		enum nsm_eif_section_type t = e->sec[i].type;

		if (rank[t] < last)
			return fail(ps->err, NSM_EIF_ERR_SECTION_ORDER,
				    e->sec[i].offset,
				    "section %zu (%s) follows a %s section", i,
				    nsm_eif_section_type_name(t),
				    nsm_eif_section_type_name(e->sec[i - 1].type));
		last = rank[t];
	}
	return 0;
}

/* ---- metadata ---------------------------------------------------------------- */

static char *dup_string(json_object *o)
{
	if (!o || !json_object_is_type(o, json_type_string))
		return NULL;
	return strndup(json_object_get_string(o),
		       (size_t)json_object_get_string_len(o));
}

static int metadata(struct nsm_eif *e, struct nsm_error *err,
		    uint64_t off)
{
	json_tokener *tok;
	json_object *root, *build = NULL, *v;
	enum json_tokener_error je;
	size_t i, n;
	int ret = 0;

	if (!e->meta)
		return 0;
	if (strlen(e->meta) != e->meta_len)
		return fail(err, NSM_EIF_ERR_METADATA, off,
			    "the metadata holds a NUL byte");
	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	root = json_tokener_parse_ex(tok, e->meta, (int)e->meta_len);
	je = json_tokener_get_error(tok);
	if (!root || je != json_tokener_success) {
		ret = fail(err, NSM_EIF_ERR_METADATA, off, "metadata JSON: %s",
			   je == json_tokener_continue ? "unexpected end" :
			   json_tokener_error_desc(je));
		goto out;
	}
	for (i = json_tokener_get_parse_end(tok); i < e->meta_len; i++)
		if (!strchr(" \t\r\n", e->meta[i])) {
			ret = fail(err, NSM_EIF_ERR_METADATA, off + i,
				   "metadata JSON: text after the object");
			goto out;
		}
	if (!json_object_is_type(root, json_type_object)) {
		ret = fail(err, NSM_EIF_ERR_METADATA, off,
			   "the metadata is JSON but not an object");
		goto out;
	}
	if (json_object_object_get_ex(root, "ImageName", &v))
		e->meta_str[NSM_EIF_META_IMAGE_NAME] = dup_string(v);
	if (json_object_object_get_ex(root, "ImageVersion", &v))
		e->meta_str[NSM_EIF_META_IMAGE_VERSION] = dup_string(v);
	json_object_object_get_ex(root, "BuildMetadata", &build);
	for (i = NSM_EIF_META_BUILD_TIME; build && i < NSM_EIF_META_COUNT; i++)
		if (json_object_is_type(build, json_type_object) &&
		    json_object_object_get_ex(build, meta_keys[i], &v))
			e->meta_str[i] = dup_string(v);
	n = (size_t)json_object_object_length(root);
	e->members = calloc(n ? n : 1, sizeof(*e->members));
	if (!e->members) {
		ret = -ENOMEM;
		goto out;
	}
	json_object_object_foreach(root, key, val) {
		struct meta_member *m = &e->members[e->nmembers];

		m->key = strdup(key);
		m->json = strdup(val ? json_object_to_json_string_ext(val,
				 JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE) :
				 "null");
		if (!m->key || !m->json) {
			free(m->key);
			free(m->json);
			ret = -ENOMEM;
			goto out;
		}
		e->nmembers++;
	}
out:
	json_object_put(root);
	json_tokener_free(tok);
	return ret;
}

/* ---- signature ----------------------------------------------------------------- */

/* serde_cbor writes Vec<u8> as an array of unsigned integers. */
static uint8_t *byte_array(const struct cb_tree *t, uint32_t idx, size_t *len)
{
	const struct cb_node *a = cb_at(t, idx), *c;
	size_t n = 0;
	uint8_t *out;
	uint32_t k;

	if (!a || a->major != CB_ARRAY)
		return NULL;
	for (k = a->first; k != CB_NONE; k = t->n[k].next)
		n++;
	out = malloc(n ? n : 1);
	if (!out)
		return NULL;
	n = 0;
	for (k = a->first; k != CB_NONE; k = c->next) {
		c = &t->n[k];
		if (c->major != CB_UINT || c->val > 255) {
			free(out);
			return NULL;
		}
		out[n++] = (uint8_t)c->val;
	}
	*len = n;
	return out;
}

static bool is_uint(const struct cb_node *n, uint64_t v)
{
	return n && n->major == CB_UINT && n->val == v;
}

/* The signed payload: {"register_index": 0, "register_value": PCR0}. */
static enum nsm_eif_status check_payload(const struct nsm_eif *e,
					 const uint8_t *pl, size_t len,
					 char *msg, size_t msglen)
{
	struct cb_tree t;
	enum nsm_eif_status st = NSM_EIF_ERR_SIGNATURE_DECODE;
	uint8_t *val = NULL;
	size_t vlen = 0;
	uint32_t root;

	cb_tree_init(&t);
	if (cb_parse(&t, pl, len, 0, &root) != CB_OK ||
	    t.n[root].major != CB_MAP ||
	    !cb_at(&t, cb_map_get(&t, root, "register_index", NULL)) ||
	    cb_at(&t, cb_map_get(&t, root, "register_index", NULL))->major != CB_UINT ||
	    !(val = byte_array(&t, cb_map_get(&t, root, "register_value", NULL), &vlen))) {
		snprintf(msg, msglen, "the signed payload is not a "
			 "{register_index, register_value} map");
		goto out;
	}
	st = NSM_EIF_ERR_SIGNATURE_PCR0;
	if (!is_uint(cb_at(&t, cb_map_get(&t, root, "register_index", NULL)), 0)) {
		snprintf(msg, msglen, "the signature is over PCR%llu, not PCR0",
			 (unsigned long long)cb_at(&t, cb_map_get(&t, root,
					"register_index", NULL))->val);
		goto out;
	}
	if (vlen != PCR_LEN || memcmp(val, e->pcr[0], PCR_LEN)) {
		snprintf(msg, msglen, "the signed PCR0 (%zu bytes) is not the image's PCR0",
			 vlen);
		goto out;
	}
	st = NSM_EIF_OK;
out:
	free(val);
	cb_tree_release(&t);
	return st;
}

static X509 *pem_cert(const uint8_t *pem, size_t len)
{
	BIO *b;
	X509 *x;

	if (len > INT32_MAX)
		return NULL;
	b = BIO_new_mem_buf(pem, (int)len);
	if (!b)
		return NULL;
	x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	return x;
}

static bool is_p384(EVP_PKEY *k)
{
	char grp[32] = "";
	size_t gl;

	return k && EVP_PKEY_get_base_id(k) == EVP_PKEY_EC &&
	       EVP_PKEY_get_group_name(k, grp, sizeof(grp), &gl) &&
	       !strcmp(grp, "secp384r1");
}

/*
 * Decode the signature section, set PCR8 from the certificate and verify
 * the COSE_Sign1. Return a status (and @msg), or a negative errno.
 */
static int signature(struct nsm_eif *e, char *msg, size_t msglen)
{
	struct cb_tree t, ct, pt;
	const struct cb_node *cose, *prot, *unprot, *pl, *sig, *alg;
	uint8_t *pem = NULL, *cs = NULL;
	size_t pem_len = 0, cs_len = 0;
	unsigned char *der = NULL;
	uint32_t root, entry, croot, proot;
	X509 *x = NULL;
	int st = NSM_EIF_ERR_SIGNATURE_DECODE, ok, dl, n;
	enum cb_err ce;
	uint32_t k;

	cb_tree_init(&t);
	cb_tree_init(&ct);
	cb_tree_init(&pt);
	ce = cb_parse(&t, e->sig, e->sig_len, 0, &root);
	if (ce == CB_ERR_NOMEM)
		goto nomem;
	if (ce != CB_OK) {
		snprintf(msg, msglen, "the signature section is not CBOR: %s at %zu",
			 t.err_msg ? t.err_msg : "malformed", t.err_off);
		goto out;
	}
	entry = t.n[root].major == CB_ARRAY ? t.n[root].first : CB_NONE;
	if (entry == CB_NONE || t.n[entry].major != CB_MAP) {
		snprintf(msg, msglen, "the signature section is not a non-empty "
			 "array of {signing_certificate, signature} maps");
		goto out;
	}
	pem = byte_array(&t, cb_map_get(&t, entry, "signing_certificate", NULL),
			 &pem_len);
	cs = byte_array(&t, cb_map_get(&t, entry, "signature", NULL), &cs_len);
	if (!pem || !cs) {
		snprintf(msg, msglen, "signing_certificate or signature is "
			 "missing or not an array of bytes");
		goto out;
	}

	/* PCR8 measures the certificate whatever the signature says */
	x = pem_cert(pem, pem_len);
	dl = x ? i2d_X509(x, &der) : -1;
	if (dl <= 0) {
		st = NSM_EIF_ERR_SIGNATURE_CERT;
		snprintf(msg, msglen, "signing_certificate is not a PEM X.509 certificate");
		goto out;
	}
	e->cert = malloc((size_t)dl);
	if (!e->cert)
		goto nomem;
	memcpy(e->cert, der, (size_t)dl);
	e->cert_len = (size_t)dl;
	if (extend_bytes(e->pcr8, der, (size_t)dl))
		goto nomem;
	e->has_pcr8 = true;

	ce = cb_parse(&ct, cs, cs_len, 0, &croot);
	if (ce == CB_ERR_NOMEM)
		goto nomem;
	if (ce != CB_OK) {
		snprintf(msg, msglen, "the signature is not CBOR: %s",
			 ct.err_msg ? ct.err_msg : "malformed");
		goto out;
	}
	cose = &ct.n[croot];
	if (cose->major == CB_TAG && cose->val == 18)
		cose = cb_at(&ct, cose->first);
	n = 0;
	for (k = cose && cose->major == CB_ARRAY ? cose->first : CB_NONE;
	     k != CB_NONE; k = ct.n[k].next)
		n++;
	if (n != 4) {
		snprintf(msg, msglen, "the signature is not a COSE_Sign1 array of 4");
		goto out;
	}
	prot = cb_at(&ct, cose->first);
	unprot = cb_at(&ct, prot->next);
	pl = cb_at(&ct, unprot->next);
	sig = cb_at(&ct, pl->next);
	if (prot->major != CB_BYTES || unprot->major != CB_MAP ||
	    pl->major != CB_BYTES || sig->major != CB_BYTES) {
		snprintf(msg, msglen, "the COSE_Sign1 is not [bstr, map, bstr, bstr]");
		goto out;
	}
	ce = cb_parse(&pt, prot->data, prot->dlen, 0, &proot);
	if (ce == CB_ERR_NOMEM)
		goto nomem;
	if (ce != CB_OK || pt.n[proot].major != CB_MAP) {
		snprintf(msg, msglen, "the COSE protected header is not a map");
		goto out;
	}
	alg = cb_at(&pt, cb_map_get_int(&pt, proot, 1));
	if (!alg || alg->major != CB_NINT || alg->val != 34) {
		snprintf(msg, msglen, "the COSE algorithm is not ES384 (-35)");
		goto out;
	}
	if (sig->dlen != 96) {
		snprintf(msg, msglen, "the ES384 signature has %zu bytes, not 96",
			 (size_t)sig->dlen);
		goto out;
	}
	if (!is_p384(X509_get0_pubkey(x))) {
		st = NSM_EIF_ERR_SIGNATURE_CERT;
		snprintf(msg, msglen, "the signing certificate's key is not EC P-384");
		goto out;
	}
	ok = nsm__cose_es384_verify(X509_get0_pubkey(x), prot->data, prot->dlen,
				    pl->data, pl->dlen, sig->data, false);
	if (ok < 0)
		goto nomem;
	if (!ok) {
		st = NSM_EIF_ERR_SIGNATURE_INVALID;
		snprintf(msg, msglen, "the ES384 signature does not verify with "
			 "the signing certificate's key");
		goto out;
	}
	st = check_payload(e, pl->data, pl->dlen, msg, msglen);
	goto out;
nomem:
	st = -ENOMEM;
out:
	ERR_clear_error();
	OPENSSL_free(der);
	X509_free(x);
	free(pem);
	free(cs);
	cb_tree_release(&pt);
	cb_tree_release(&ct);
	cb_tree_release(&t);
	return st;
}

/* ---- open ---------------------------------------------------------------- */

void nsm_eif_free(struct nsm_eif **eifp)
{
	struct nsm_eif *e;
	size_t i;

	if (!eifp || !*eifp)
		return;
	e = *eifp;
	free(e->cmdline);
	free(e->meta);
	for (i = 0; i < NSM_EIF_META_COUNT; i++)
		free(e->meta_str[i]);
	for (i = 0; i < e->nmembers; i++) {
		free(e->members[i].key);
		free(e->members[i].json);
	}
	free(e->members);
	free(e->cert);
	free(e->sig);
	free(e);
	*eifp = NULL;
}

static uint64_t section_offset(const struct nsm_eif *e,
			       enum nsm_eif_section_type type)
{
	size_t i;

	for (i = 0; i < e->nsec; i++)
		if (e->sec[i].type == type)
			return e->sec[i].offset;
	return 0;
}

static int parse(struct nsm_eif **eifp, struct nsm_error *err,
		 struct src *s, unsigned int flags)
{
	uint64_t offs[NSM_EIF_MAX_SECTIONS], sizes[NSM_EIF_MAX_SECTIONS];
	struct pass ps = { .s = s, .err = err };
	struct nsm_eif *e;
	char msg[160];
	int ret = -ENOMEM, st;

	pthread_once(&crc_once, crc_init);
	e = calloc(1, sizeof(*e));
	ps.e = e;
	ps.image = EVP_MD_CTX_new();
	ps.boot = EVP_MD_CTX_new();
	ps.app = EVP_MD_CTX_new();
	if (!e || !ps.image || !ps.boot || !ps.app ||
	    EVP_DigestInit_ex(ps.image, EVP_sha384(), NULL) != 1 ||
	    EVP_DigestInit_ex(ps.app, EVP_sha384(), NULL) != 1)
		goto out;
	ret = header(&ps, offs, sizes);
	if (!ret)
		ret = sections(&ps, offs, sizes);
	if (!ret)
		ret = section_set(&ps);
	if (ret)
		goto out;
	e->size = s->pos;
	ret = -ENOMEM;
	if (extend_final(e->pcr[0], ps.image) || extend_final(e->pcr[1], ps.boot) ||
	    extend_final(e->pcr[2], ps.app))
		goto out;
	if (e->crc != e->hdr_crc) {
		if (!(flags & NSM_EIF_KEEP_INVALID)) {
			ret = fail(err, NSM_EIF_ERR_CRC, CRC_OFF,
				   "the header records CRC-32 %08x, the file has %08x",
				   e->hdr_crc, e->crc);
			goto out;
		}
		e->status = NSM_EIF_ERR_CRC;
	}
	ret = metadata(e, err, section_offset(e, NSM_EIF_SECTION_METADATA) + SHDR_LEN);
	if (ret)
		goto out;
	if (e->is_signed) {
		st = signature(e, msg, sizeof(msg));
		if (st < 0) {
			ret = st;
			goto out;
		}
		e->sig_status = (enum nsm_eif_status)st;
		if (st && !(flags & NSM_EIF_KEEP_INVALID)) {
			ret = fail(err, (enum nsm_eif_status)st,
				   section_offset(e, NSM_EIF_SECTION_SIGNATURE) + SHDR_LEN,
				   "%s", msg);
			goto out;
		}
		if (st && !e->status)
			e->status = (enum nsm_eif_status)st;
		free(e->sig);
		e->sig = NULL;
	}
	*eifp = e;
	e = NULL;
	ret = 0;
out:
	ERR_clear_error();
	EVP_MD_CTX_free(ps.image);
	EVP_MD_CTX_free(ps.boot);
	EVP_MD_CTX_free(ps.app);
	nsm_eif_free(&e);
	return ret;
}

int nsm_eif_open(struct nsm_eif **eifp, struct nsm_error *err,
		 const uint8_t *buf, size_t len, unsigned int flags)
{
	struct src s = { .mem = buf, .size = len, .size_known = true, .fd = -1 };

	if (eifp)
		*eifp = NULL;
	int ret;

	if (!eifp || (!buf && len) || (flags & ~NSM_EIF_KEEP_INVALID))
		return nsm__errno(err, -EINVAL);
	if (!buf)
		s.mem = (const uint8_t *)"";
	ret = parse(eifp, err, &s, flags);
	return ret && ret != -EBADMSG ? nsm__errno(err, ret) : ret;
}

int nsm_eif_open_file(struct nsm_eif **eifp, struct nsm_error *err,
		      const char *path, unsigned int flags)
{
	struct src s = { .fd = -1 };
	struct stat st;
	int ret;

	if (eifp)
		*eifp = NULL;
	if (!eifp || !path || (flags & ~NSM_EIF_KEEP_INVALID))
		return nsm__errno(err, -EINVAL);
	s.fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	if (s.fd < 0)
		return nsm__errno(err, -errno);
	if (fstat(s.fd, &st)) {
		ret = -errno;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		ret = -EISDIR;
		goto out;
	}
	if (S_ISREG(st.st_mode)) {
		s.size = (uint64_t)st.st_size;
		s.size_known = true;
	}
	s.buf = malloc(CHUNK);
	ret = s.buf ? parse(eifp, err, &s, flags) : -ENOMEM;
	/* a file that changed size while it was read */
	if (!ret && s.size_known && s.pos != s.size) {
		nsm_eif_free(eifp);
		ret = fail(err, NSM_EIF_ERR_TRUNCATED, s.pos,
			   "the file changed size while it was read");
	}
out:
	free(s.buf);
	if (s.fd > 0)
		close(s.fd);
	return ret && ret != -EBADMSG ? nsm__errno(err, ret) : ret;
}

int nsm_eif_pcrset(struct nsm_pcrset **setp, const struct nsm_eif *eif)
{
	int ret;

	if (!setp || !eif)
		return -EINVAL;
	ret = nsm_pcrset_new(setp);
	if (!ret)
		ret = nsm_pcrset_set(*setp, 0, eif->pcr[0], PCR_LEN);
	if (!ret)
		ret = nsm_pcrset_set(*setp, 1, eif->pcr[1], PCR_LEN);
	if (!ret)
		ret = nsm_pcrset_set(*setp, 2, eif->pcr[2], PCR_LEN);
	if (!ret && eif->has_pcr8)
		ret = nsm_pcrset_set(*setp, 8, eif->pcr8, PCR_LEN);
	if (ret)
		nsm_pcrset_free(setp);
	return ret;
}

int nsm_eif_file_pcrs(struct nsm_pcrset **setp, struct nsm_error *err,
		      const char *path)
{
	struct nsm_eif *e;
	int ret;

	if (!setp)
		return nsm__errno(err, -EINVAL);
	*setp = NULL;
	ret = nsm_eif_open_file(&e, err, path, 0);
	if (ret)
		return ret;
	ret = nsm_eif_pcrset(setp, e);
	nsm_eif_free(&e);
	return ret ? nsm__errno(err, ret) : 0;
}

/* ---- getters -------------------------------------------------------------- */

enum nsm_eif_status nsm_eif_status(const struct nsm_eif *eif)
{
	return eif ? eif->status : NSM_EIF_OK;
}

uint16_t nsm_eif_version(const struct nsm_eif *eif)
{
	return eif ? eif->version : 0;
}

uint16_t nsm_eif_flags(const struct nsm_eif *eif)
{
	return eif ? eif->flags : 0;
}

const char *nsm_eif_arch(const struct nsm_eif *eif)
{
	return eif && (eif->flags & 1) ? "aarch64" : "x86_64";
}

uint64_t nsm_eif_default_mem(const struct nsm_eif *eif)
{
	return eif ? eif->mem : 0;
}

uint64_t nsm_eif_default_cpus(const struct nsm_eif *eif)
{
	return eif ? eif->cpus : 0;
}

uint64_t nsm_eif_file_size(const struct nsm_eif *eif)
{
	return eif ? eif->size : 0;
}

uint32_t nsm_eif_header_crc32(const struct nsm_eif *eif)
{
	return eif ? eif->hdr_crc : 0;
}

uint32_t nsm_eif_computed_crc32(const struct nsm_eif *eif)
{
	return eif ? eif->crc : 0;
}

bool nsm_eif_crc_ok(const struct nsm_eif *eif)
{
	return eif && eif->crc == eif->hdr_crc;
}

size_t nsm_eif_section_count(const struct nsm_eif *eif)
{
	return eif ? eif->nsec : 0;
}

int nsm_eif_section_at(const struct nsm_eif *eif, size_t i,
		       struct nsm_eif_section *section)
{
	if (!eif || !section)
		return -EINVAL;
	if (i >= eif->nsec)
		return -ENOENT;
	*section = eif->sec[i];
	return 0;
}

const char *nsm_eif_cmdline(const struct nsm_eif *eif, size_t *len)
{
	if (len)
		*len = eif ? eif->cmdline_len : 0;
	return eif ? eif->cmdline : NULL;
}

const char *nsm_eif_metadata(const struct nsm_eif *eif, size_t *len)
{
	if (len)
		*len = eif && eif->meta ? eif->meta_len : 0;
	return eif ? eif->meta : NULL;
}

const char *nsm_eif_meta(const struct nsm_eif *eif, enum nsm_eif_meta field)
{
	if (!eif || (unsigned int)field >= NSM_EIF_META_COUNT)
		return NULL;
	return eif->meta_str[field];
}

const char *nsm_eif_meta_json(const struct nsm_eif *eif, const char *key)
{
	size_t i;

	if (!eif || !key)
		return NULL;
	for (i = 0; i < eif->nmembers; i++)
		if (!strcmp(eif->members[i].key, key))
			return eif->members[i].json;
	return NULL;
}

const uint8_t *nsm_eif_pcr(const struct nsm_eif *eif, uint32_t index)
{
	if (!eif)
		return NULL;
	if (index <= 2)
		return eif->pcr[index];
	if (index == 8 && eif->has_pcr8)
		return eif->pcr8;
	return NULL;
}

bool nsm_eif_is_signed(const struct nsm_eif *eif)
{
	return eif && eif->is_signed;
}

enum nsm_eif_status nsm_eif_signature_status(const struct nsm_eif *eif)
{
	return eif ? eif->sig_status : NSM_EIF_OK;
}

const uint8_t *nsm_eif_signing_cert(const struct nsm_eif *eif, size_t *len)
{
	if (len)
		*len = eif ? eif->cert_len : 0;
	return eif ? eif->cert : NULL;
}
