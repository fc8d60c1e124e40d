// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * EIF reader: AWS's vectors field by field (skipped when the test data is
 * absent), round trips through the test writer (eif_writer.h), the
 * mutation suite (every byte class, every truncation point), the API's
 * argument checks.
 *
 * Test data: util.h's td_dir() ($NSM_TESTDATA, else ../shared/testdata);
 * only its eif/ directory is used, read in place, never copied.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "nsm_verify.h"
#include "../../tests/tap.h"
#include "eif_writer.h"
#include "util.h"

/* H(0^48 || H("")): PCR2 of an image with one ramdisk (EIF-FACTS) */
static const char EMPTY_EXTEND[] =
	"21b9efbc184807662e966d34f390821309eeac6802309798826296bf3e8bec7c"
	"10edb30948c90ba67310f7b964fc500a";

static char tmpdir[256];

static void hex(char *out, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
	out[2 * n] = '\0';
}

static bool pcr_is(const struct nsm_eif *e, uint32_t i, const char *want)
{
	const uint8_t *p = nsm_eif_pcr(e, i);
	char h[97];

	if (!p)
		return !want;
	hex(h, p, 48);
	return want && !strcmp(h, want);
}

static bool pcr_eq(const struct nsm_eif *e, uint32_t i, const uint8_t *want)
{
	const uint8_t *p = nsm_eif_pcr(e, i);

	return p && want && !memcmp(p, want, 48);
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	p = malloc((size_t)n + 1);
	if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
		free(p);
		p = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return p;
}

static void spit(const char *path, const uint8_t *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(p, 1, n, f) != n || fclose(f)) {
		fprintf(stderr, "cannot write %s\n", path);
		exit(2);
	}
}

/* Open from memory; the status code, NSM_EIF_OK on success. */
static int open_code(const uint8_t *p, size_t n, unsigned int flags,
		     struct nsm_eif **keep)
{
	struct nsm_error err = { .code = NSM_EIF_OK };
	struct nsm_eif *e = NULL;
	int ret = nsm_eif_open(&e, &err, p, n, flags);

	if (ret && ret != -EBADMSG)
		return -1000 + ret;
	if (ret && err.code == NSM_EIF_OK)
		return -1;	/* refused without saying why */
	if (keep)
		*keep = e;
	else
		nsm_eif_free(&e);
	return ret ? (int)err.code : NSM_EIF_OK;
}

/* ---- the layout of a known-good image (the test's own reading) ------- */

struct layout {
	size_t n;
	uint64_t off[32], size[32];
	uint16_t type[32];
	size_t len;
};

static uint64_t rd_be(const uint8_t *p, int bytes)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < bytes; i++)
		v = v << 8 | p[i];
	return v;
}

static void layout_of(struct layout *l, const uint8_t *img, size_t len)
{
	size_t i;

	l->len = len;
	l->n = (size_t)rd_be(img + 26, 2);
	for (i = 0; i < l->n; i++) {
		l->off[i] = rd_be(img + 28 + 8 * i, 8);
		l->size[i] = rd_be(img + 284 + 8 * i, 8);
		l->type[i] = (uint16_t)rd_be(img + l->off[i], 2);
	}
}

/* The section-set rules, as Documentation/eif.rst states them. */
static int set_rule(const uint16_t *t, size_t n)
{
	static const int rank[] = { 0, 0, 1, 3, 4, 2 };
	size_t cnt[6] = { 0 }, i;
	int last = 0;

	for (i = 0; i < n; i++)
		cnt[t[i]]++;
	if (!cnt[1])
		return NSM_EIF_ERR_NO_KERNEL;
	if (!cnt[2])
		return NSM_EIF_ERR_NO_CMDLINE;
	if (!cnt[3])
		return NSM_EIF_ERR_NO_RAMDISK;
	memset(cnt, 0, sizeof(cnt));
	for (i = 0; i < n; i++)
		if (++cnt[t[i]] > 1 && t[i] != 3)
			return NSM_EIF_ERR_DUPLICATE;
	for (i = 0; i < n; i++) {
		if (rank[t[i]] < last)
			return NSM_EIF_ERR_SECTION_ORDER;
		last = rank[t[i]];
	}
	return NSM_EIF_OK;
}

/* The code a header mutation must give: byte @pos now holds @b. */
static int expect_header(const struct layout *l, const uint8_t *img,
			 size_t pos)
{
	uint64_t v, end, fsize = l->len;
	size_t i, n;

	if (pos < 4)
		return NSM_EIF_ERR_MAGIC;
	if (pos < 6) {
		v = rd_be(img + 4, 2);
		return v >= 2 && v <= 4 ? NSM_EIF_ERR_CRC : NSM_EIF_ERR_VERSION;
	}
	if (pos < 26)
		return NSM_EIF_ERR_CRC;	/* flags, memory, cpus, reserved */
	if (pos >= 540)
		return NSM_EIF_ERR_CRC;	/* unused, the CRC itself */
	n = (size_t)rd_be(img + 26, 2);
	if (n > 32)
		return NSM_EIF_ERR_SECTION_COUNT;
	/* the table as the reader checks it, entry by entry */
	end = 548;
	for (i = 0; i < n; i++) {
		uint64_t o = rd_be(img + 28 + 8 * i, 8);
		uint64_t s = rd_be(img + 284 + 8 * i, 8);

		if (s > UINT64_MAX - 12 - o)
			return NSM_EIF_ERR_SECTION_BOUNDS;
		if (o < end)
			return NSM_EIF_ERR_SECTION_OVERLAP;
		if (o > end)
			return o > fsize ? NSM_EIF_ERR_SECTION_BOUNDS :
					   NSM_EIF_ERR_SECTION_TABLE;
		end = o + 12 + s;
	}
	if (end < fsize)
		return NSM_EIF_ERR_TRAILING;
	/* the walk: a size unlike the section header's is found there */
	for (i = 0; i < n; i++)
		if (rd_be(img + 284 + 8 * i, 8) != l->size[i])
			return NSM_EIF_ERR_SECTION_TABLE;
	return NSM_EIF_ERR_CRC;
}

struct tally {
	const char *what;
	size_t tried, bad;
	char first[200];
};

static void tally(struct tally *t, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void tally(struct tally *t, bool ok, const char *fmt, ...)
{
	va_list ap;

	t->tried++;
	if (ok || t->bad++)
		return;
	va_start(ap, fmt);
	vsnprintf(t->first, sizeof(t->first), fmt, ap);
	va_end(ap);
}

static void tally_report(const char *label, struct tally *t)
{
	if (!tap_ok(t->tried && !t->bad, "%s: %s: %zu mutations, each the right error",
		    label, t->what, t->tried))
		tap_diag("%zu wrong, first: %s", t->bad, t->first);
}

#define MUTATION_CASES 9
static const char *const mutation_names[MUTATION_CASES] = {
	"header bytes", "section header bytes", "section data bytes",
	"section data bytes with the CRC fixed", "signature bytes with the CRC fixed",
	"every truncation point", "one byte appended",
	"truncated files read as a stream", "the CRC field",
};

/*
 * Every byte of @img flipped (masks 0x01 and 0x80), every truncation, an
 * appended byte: each must give the code its byte class calls for.
 */
static void mutation_suite(const char *label, const uint8_t *img, size_t len)
{
	static const uint8_t masks[] = { 0x01, 0x80 };
	struct tally t[MUTATION_CASES];
	struct layout l;
	struct nsm_eif *orig = NULL, *e;
	uint8_t *m = malloc(len + 1);
	bool is_signed;
	size_t pos, k, i;
	int got, want;

	memset(t, 0, sizeof(t));
	for (i = 0; i < MUTATION_CASES; i++)
		t[i].what = mutation_names[i];
	layout_of(&l, img, len);
	if (open_code(img, len, 0, &orig) != NSM_EIF_OK) {
		for (i = 0; i < MUTATION_CASES; i++)
			tap_ok(0, "%s: %s: the original opens", label, mutation_names[i]);
		free(m);
		return;
	}
	is_signed = nsm_eif_is_signed(orig);

	for (pos = 0; pos < len; pos++) {
		size_t s = 0;
		bool in_hdr = pos < 548, sh = false;

		for (i = 0; !in_hdr && i < l.n; i++)
			if (pos >= l.off[i] && pos < l.off[i] + 12 + l.size[i]) {
				s = i;
				sh = pos < l.off[i] + 12;
			}
		for (k = 0; k < sizeof(masks); k++) {
			/* data bytes are all alike to the structure: one mask */
			if (!in_hdr && !sh && k)
				break;
			memcpy(m, img, len);
			m[pos] ^= masks[k];
			got = open_code(m, len, 0, NULL);
			if (in_hdr) {
				want = expect_header(&l, m, pos);
				tally(&t[pos >= 544 ? 8 : 0], got == want,
				      "byte %zu ^ %02x: %s, want %s", pos, masks[k],
				      nsm_eif_status_name(got), nsm_eif_status_name(want));
			} else if (sh) {
				size_t rel = pos - l.off[s];
				uint16_t types[32];

				if (rel < 2) {
					memcpy(types, l.type, sizeof(types));
					types[s] = (uint16_t)rd_be(m + l.off[s], 2);
					want = types[s] < 1 || types[s] > 5 ?
						NSM_EIF_ERR_SECTION_TYPE :
						set_rule(types, l.n);
					if (want == NSM_EIF_OK)
						want = NSM_EIF_ERR_CRC;
				} else if (rel < 4) {
					want = NSM_EIF_ERR_CRC;	/* flags */
				} else {
					want = NSM_EIF_ERR_SECTION_TABLE;
				}
				tally(&t[1], got == want,
				      "section %zu header byte %zu ^ %02x: %s, want %s",
				      s, rel, masks[k], nsm_eif_status_name(got),
				      nsm_eif_status_name(want));
			} else {
				tally(&t[2], got == NSM_EIF_ERR_CRC,
				      "section %zu data byte %zu ^ %02x: %s", s,
				      pos, masks[k], nsm_eif_status_name(got));
			}
		}

		/* data with a valid CRC: the content checks decide */
		if (in_hdr || sh)
			continue;
		if (l.type[s] == EIFW_KERNEL || l.type[s] == EIFW_RAMDISK) {
			/* a sample: a signed image costs a verification each */
			if ((pos - l.off[s]) % 61 && pos != l.off[s] + 12 + l.size[s] - 1)
				continue;
		}
		memcpy(m, img, len);
		m[pos] ^= 0x01;
		eifw_fix_crc(m, len);
		e = NULL;
		got = open_code(m, len, 0, &e);
		switch (l.type[s]) {
		case EIFW_KERNEL:
		case EIFW_CMDLINE:
		case EIFW_RAMDISK: {
			bool boot = l.type[s] != EIFW_RAMDISK || s == 2 ||
				    (s > 0 && l.type[s - 1] != EIFW_RAMDISK);

			if (is_signed)
				tally(&t[3], got == NSM_EIF_ERR_SIGNATURE_PCR0,
				      "signed, %s byte %zu: %s", nsm_eif_section_type_name(l.type[s]),
				      pos, nsm_eif_status_name(got));
			else
				tally(&t[3], got == NSM_EIF_OK && !pcr_eq(e, 0, nsm_eif_pcr(orig, 0)) &&
				      pcr_eq(e, 1, nsm_eif_pcr(orig, 1)) != boot &&
				      pcr_eq(e, 2, nsm_eif_pcr(orig, 2)) == boot,
				      "%s byte %zu: %s or wrong PCRs",
				      nsm_eif_section_type_name(l.type[s]), pos,
				      nsm_eif_status_name(got));
			break;
		}
		case EIFW_METADATA:
			tally(&t[3], (got == NSM_EIF_OK && pcr_eq(e, 0, nsm_eif_pcr(orig, 0)) &&
				      pcr_eq(e, 2, nsm_eif_pcr(orig, 2))) ||
			      got == NSM_EIF_ERR_METADATA,
			      "metadata byte %zu: %s", pos, nsm_eif_status_name(got));
			break;
		case EIFW_SIGNATURE: {
			/* the COSE check uses only the certificate's key: other
			 * certificate bytes may change, and PCR8 with them */
			size_t cl = 0;
			const uint8_t *c = e ? nsm_eif_signing_cert(e, &cl) : NULL;
			struct eifw_bytes cb = { c, cl };
			uint8_t p8[48];

			if (c)
				eifw_measure(p8, &cb, 1);
			tally(&t[4], (got >= NSM_EIF_ERR_SIGNATURE_DECODE &&
				      got <= NSM_EIF_ERR_SIGNATURE_PCR0) ||
			      (got == NSM_EIF_OK && c && pcr_eq(e, 8, p8) &&
			       pcr_eq(e, 0, nsm_eif_pcr(orig, 0)) &&
			       pcr_eq(e, 1, nsm_eif_pcr(orig, 1)) &&
			       pcr_eq(e, 2, nsm_eif_pcr(orig, 2))),
			      "signature byte %zu: %s", pos, nsm_eif_status_name(got));
			break;
		}
		}
		nsm_eif_free(&e);
	}

	for (pos = 0; pos < len; pos++) {
		got = open_code(img, pos, 0, NULL);
		tally(&t[5], got == NSM_EIF_ERR_TRUNCATED, "%zu bytes: %s", pos,
		      nsm_eif_status_name(got));
	}
	memcpy(m, img, len);
	m[len] = 0;
	got = open_code(m, len + 1, 0, NULL);
	tally(&t[6], got == NSM_EIF_ERR_TRAILING, "%s", nsm_eif_status_name(got));

	/* the file path: a pipe has no size, so the stream itself must tell */
	{
		size_t cuts[] = { 0, 3, 4, 547, 548, 549, 560, len / 2, len - 1 };
		char path[300];

		snprintf(path, sizeof(path), "%s/cut.eif", tmpdir);
		for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
			struct nsm_error err = { .code = NSM_EIF_OK };
			int ret, fd[2], saved = dup(0);
			pid_t pid;

			spit(path, img, cuts[i]);
			e = NULL;
			ret = nsm_eif_open_file(&e, &err, path, 0);
			tally(&t[7], ret == -EBADMSG && err.code == NSM_EIF_ERR_TRUNCATED,
			      "file of %zu bytes: %d %s", cuts[i], ret,
			      nsm_eif_status_name(err.code));
			nsm_eif_free(&e);
			/* the same bytes through a pipe on stdin */
			if (pipe(fd))
				abort();
			pid = fork();
			if (pid == 0) {
				close(fd[0]);
				if (write(fd[1], img, cuts[i]) < 0)
					_exit(1);
				_exit(0);
			}
			close(fd[1]);
			dup2(fd[0], 0);
			close(fd[0]);
			err.code = NSM_EIF_OK;
			ret = nsm_eif_open_file(&e, &err, "-", 0);
			tally(&t[7], ret == -EBADMSG && err.code == NSM_EIF_ERR_TRUNCATED,
			      "pipe of %zu bytes: %d %s", cuts[i], ret,
			      nsm_eif_status_name(err.code));
			nsm_eif_free(&e);
			dup2(saved, 0);
			close(saved);
			waitpid(pid, NULL, 0);
		}
		unlink(path);
	}

	for (i = 0; i < MUTATION_CASES; i++) {
		if (i == 4 && !is_signed) {
			tap_skip("unsigned image", "%s: %s", label, mutation_names[i]);
			continue;
		}
		tally_report(label, &t[i]);
	}
	nsm_eif_free(&orig);
	free(m);
}

/* ---- AWS's vectors ---------------------------------------------------- */

static json_object *jget(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!o || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

static const char *jstr(json_object *o, const char *key)
{
	json_object *v = jget(o, key);

	return v && json_object_is_type(v, json_type_string) ?
	       json_object_get_string(v) : NULL;
}

static bool str_is(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

/* The member @key of the image's metadata equals the vector's value. */
static bool meta_member_is(const struct nsm_eif *e, json_object *want,
			   const char *key)
{
	const char *txt = nsm_eif_meta_json(e, key);
	json_object *got = txt ? json_tokener_parse(txt) : NULL;
	bool eq;

	if (!txt)
		return false;
	eq = json_object_equal(got, jget(want, key));
	json_object_put(got);
	return eq;
}

#define VECTOR_CASES 10

static void vector(const char *name)
{
	static const char *const what[VECTOR_CASES] = {
		"opens from the file", "PCRs equal eif_build's measurements",
		"PCRs equal the reader's Measurements",
		"header fields (EifVersion, Flags, Arch, DefaultCpus, DefaultMemory, NumSections)",
		"CRC fields (HeaderCrc32, ComputedCrc32, CheckCRC)",
		"SectionOffsets and SectionSizes",
		"metadata (ImageName, ImageVersion, every Metadata member)",
		"signature fields (IsSigned, SignatureCheck, certificate = in/signing_cert.der)",
		"opened from memory: every field equal to the file's",
		"the test writer rebuilds the image byte for byte from in/",
	};
	char path[512], h[97], *why = NULL;
	json_object *meas = NULL, *desc = NULL, *md, *a;
	struct nsm_error err = { .code = NSM_EIF_OK };
	struct nsm_eif *e = NULL, *me = NULL;
	uint8_t *img = NULL;
	size_t len = 0, i;
	int ret, n = 0;
	bool ok;

	/* no test data, or a copy from before the EIF vectors: skip */
	if (td_dir())
		snprintf(path, sizeof(path), "%s/eif", td_dir());
	if (!td_dir() || !is_dir(path)) {
		const char *reason = td_dir() ? "the test data has no eif/" : TD_SKIP;

		for (i = 0; i < VECTOR_CASES; i++)
			tap_skip(reason, "vector %s: %s", name, what[i]);
		for (i = 0; i < MUTATION_CASES; i++)
			tap_skip(reason, "vector %s: %s", name, mutation_names[i]);
		return;
	}
	snprintf(path, sizeof(path), "%s/eif/%s.eif", td_dir(), name);
	ret = nsm_eif_open_file(&e, &err, path, 0);
	tap_ok(ret == 0, "vector %s: %s (%d %s)", name, what[n++], ret, err.message);
	snprintf(path, sizeof(path), "%s/eif/%s.measurements.json", td_dir(), name);
	meas = json_object_from_file(path);
	snprintf(path, sizeof(path), "%s/eif/%s.describe.json", td_dir(), name);
	desc = json_object_from_file(path);
	if (ret || !meas || !desc) {
		for (i = n; i < VECTOR_CASES; i++)
			tap_ok(0, "vector %s: %s", name, what[i]);
		for (i = 0; i < MUTATION_CASES; i++)
			tap_ok(0, "vector %s: %s", name, mutation_names[i]);
		goto out;
	}

	ok = true;
	for (i = 0; i < 9; i++) {
		char key[8];

		snprintf(key, sizeof(key), "PCR%zu", i);
		ok &= pcr_is(e, (uint32_t)i, jstr(meas, key));
	}
	tap_ok(ok, "vector %s: %s", name, what[n++]);
	md = jget(desc, "Measurements");
	ok = true;
	for (i = 0; i < 9; i++) {
		char key[8];

		snprintf(key, sizeof(key), "PCR%zu", i);
		ok &= pcr_is(e, (uint32_t)i, jstr(md, key));
	}
	tap_ok(ok, "vector %s: %s", name, what[n++]);

	tap_ok(json_object_get_int(jget(desc, "EifVersion")) == nsm_eif_version(e) &&
	       json_object_get_int(jget(desc, "Flags")) == nsm_eif_flags(e) &&
	       str_is(jstr(desc, "Arch"), nsm_eif_arch(e)) &&
	       (uint64_t)json_object_get_int64(jget(desc, "DefaultCpus")) == nsm_eif_default_cpus(e) &&
	       (uint64_t)json_object_get_int64(jget(desc, "DefaultMemory")) == nsm_eif_default_mem(e) &&
	       (size_t)json_object_get_int(jget(desc, "NumSections")) == nsm_eif_section_count(e),
	       "vector %s: %s", name, what[n++]);
	snprintf(h, sizeof(h), "%08x", nsm_eif_header_crc32(e));
	ok = str_is(jstr(desc, "HeaderCrc32"), h);
	snprintf(h, sizeof(h), "%08x", nsm_eif_computed_crc32(e));
	ok &= str_is(jstr(desc, "ComputedCrc32"), h);
	ok &= json_object_get_boolean(jget(desc, "CheckCRC")) == nsm_eif_crc_ok(e);
	tap_ok(ok, "vector %s: %s", name, what[n++]);

	a = jget(desc, "SectionOffsets");
	ok = a && json_object_array_length(a) == nsm_eif_section_count(e) &&
	     json_object_array_length(jget(desc, "SectionSizes")) == nsm_eif_section_count(e);
	for (i = 0; ok && i < nsm_eif_section_count(e); i++) {
		struct nsm_eif_section sec;

		nsm_eif_section_at(e, i, &sec);
		ok = (uint64_t)json_object_get_int64(json_object_array_get_idx(a, i)) == sec.offset &&
		     (uint64_t)json_object_get_int64(json_object_array_get_idx(
				jget(desc, "SectionSizes"), i)) == sec.size;
	}
	tap_ok(ok, "vector %s: %s", name, what[n++]);

	md = jget(desc, "Metadata");
	ok = str_is(jstr(desc, "ImageName"), nsm_eif_meta(e, NSM_EIF_META_IMAGE_NAME)) &&
	     str_is(jstr(desc, "ImageVersion"), nsm_eif_meta(e, NSM_EIF_META_IMAGE_VERSION)) &&
	     md && (size_t)json_object_object_length(md) > 0;
	if (md) {
		json_object_object_foreach(md, key, val) {
			(void)val;
			if (!meta_member_is(e, md, key)) {
				ok = false;
				why = key;
			}
		}
	}
	for (i = NSM_EIF_META_BUILD_TIME; i < NSM_EIF_META_COUNT; i++)
		ok &= str_is(jstr(jget(md, "BuildMetadata"), nsm_eif_meta_name(i)),
			     nsm_eif_meta(e, i));
	if (!tap_ok(ok, "vector %s: %s", name, what[n++]) && why)
		tap_diag("Metadata.%s differs", why);

	ok = json_object_get_boolean(jget(desc, "IsSigned")) == nsm_eif_is_signed(e);
	if (nsm_eif_is_signed(e)) {
		size_t cl, dl = 0;
		const uint8_t *c = nsm_eif_signing_cert(e, &cl);
		uint8_t *der;

		snprintf(path, sizeof(path), "%s/eif/in/signing_cert.der", td_dir());
		der = slurp(path, &dl);
		ok &= json_object_get_boolean(jget(desc, "SignatureCheck")) &&
		      nsm_eif_signature_status(e) == NSM_EIF_OK &&
		      der && c && cl == dl && !memcmp(c, der, dl);
		free(der);
	} else {
		ok &= !jget(desc, "SignatureCheck") && !nsm_eif_signing_cert(e, NULL);
	}
	tap_ok(ok, "vector %s: %s", name, what[n++]);

	snprintf(path, sizeof(path), "%s/eif/%s.eif", td_dir(), name);
	img = slurp(path, &len);
	ret = img ? nsm_eif_open(&me, NULL, img, len, 0) : -1;
	ok = ret == 0 && nsm_eif_file_size(me) == len;
	for (i = 0; ok && i < 9; i++)
		ok = nsm_eif_pcr(e, (uint32_t)i) ? pcr_eq(me, (uint32_t)i, nsm_eif_pcr(e, (uint32_t)i)) :
						   !nsm_eif_pcr(me, (uint32_t)i);
	ok = ok && nsm_eif_computed_crc32(me) == nsm_eif_computed_crc32(e) &&
	     str_is(nsm_eif_metadata(me, NULL), nsm_eif_metadata(e, NULL)) &&
	     str_is(nsm_eif_cmdline(me, NULL), nsm_eif_cmdline(e, NULL));
	tap_ok(ok, "vector %s: %s", name, what[n++]);

	if (nsm_eif_is_signed(e)) {
		tap_skip("eif_build's signing key is not in the vectors", "vector %s: %s",
		     name, what[n++]);
	} else {
		/* kernel, cmdline, metadata and ramdisks as eif_build read them */
		struct eifw w = { 0 };
		static const char *const rds[] = { "bootstrap.cpio", "app.cpio" };
		uint8_t *in[4], *out = NULL;
		size_t ilen[4] = { 0 }, olen = 0;

		snprintf(path, sizeof(path), "%s/eif/in/kernel.bin", td_dir());
		in[0] = slurp(path, &ilen[0]);
		snprintf(path, sizeof(path), "%s/eif/in/cmdline.txt", td_dir());
		in[1] = slurp(path, &ilen[1]);
		w.kernel = (struct eifw_bytes){ in[0], ilen[0] };
		w.cmdline = (struct eifw_bytes){ in[1], ilen[1] };
		w.metadata.p = (const uint8_t *)nsm_eif_metadata(e, &w.metadata.len);
		w.nramdisks = nsm_eif_section_count(e) - 3;
		for (i = 0; i < w.nramdisks && i < 2; i++) {
			snprintf(path, sizeof(path), "%s/eif/in/%s", td_dir(), rds[i]);
			in[2 + i] = slurp(path, &ilen[2 + i]);
			w.ramdisk[i] = (struct eifw_bytes){ in[2 + i], ilen[2 + i] };
		}
		if (in[0] && in[1])
			out = eifw_build(&w, &olen);
		tap_ok(out && olen == len && !memcmp(out, img, len), "vector %s: %s",
		       name, what[n++]);
		free(out);
		for (i = 0; i < 2 + w.nramdisks; i++)
			free(in[i]);
	}
	{
		char label[64];

		snprintf(label, sizeof(label), "vector %s", name);
		mutation_suite(label, img, len);
	}
out:
	free(img);
	nsm_eif_free(&me);
	nsm_eif_free(&e);
	json_object_put(meas);
	json_object_put(desc);
}

/* ---- round trips through the writer ------------------------------------ */

struct parts {
	uint8_t *kernel, *rd[EIFW_MAX_RD];
};

static const char CMDLINE[] = "console=ttyS0 reboot=k panic=30 init=/init";
static const char META[] =
	"{\"ImageName\":\"app\",\"ImageVersion\":\"1.0\",\"BuildMetadata\":"
	"{\"BuildTime\":\"2025-01-01T00:00:00+00:00\",\"BuildTool\":\"nsm-emu tests\","
	"\"BuildToolVersion\":\"0\",\"OperatingSystem\":\"Linux\",\"KernelVersion\":\"6.12\"},"
	"\"DockerInfo\":null,\"CustomMetadata\":null}";

/* An image with @nrd ramdisks of @rdsize bytes (each different). */
static void image(struct eifw *w, struct parts *p, size_t nrd, size_t ksize,
		  size_t rdsize)
{
	size_t i;

	memset(w, 0, sizeof(*w));
	p->kernel = eifw_fill(ksize, 1);
	w->kernel = (struct eifw_bytes){ p->kernel, ksize };
	w->cmdline = (struct eifw_bytes){ (const uint8_t *)CMDLINE, strlen(CMDLINE) };
	w->metadata = (struct eifw_bytes){ (const uint8_t *)META, strlen(META) };
	w->nramdisks = nrd;
	for (i = 0; i < nrd; i++) {
		p->rd[i] = eifw_fill(rdsize + i, (uint32_t)(100 + i));
		w->ramdisk[i] = (struct eifw_bytes){ p->rd[i], rdsize + i };
	}
}

static void parts_free(struct parts *p, size_t nrd)
{
	size_t i;

	free(p->kernel);
	for (i = 0; i < nrd; i++)
		free(p->rd[i]);
}

/* Open @img from memory and from a file; both must give the PCRs @w calls
 * for. Returns the memory-opened image (caller frees) or NULL. */
static struct nsm_eif *round_trip(const char *what, const struct eifw *w,
				  const uint8_t *img, size_t len)
{
	struct nsm_error err = { .code = NSM_EIF_OK };
	struct nsm_eif *e = NULL, *f = NULL;
	uint8_t pcr[4][48];
	char path[300];
	bool ok;
	int ret, fret;

	eifw_pcrs(w, pcr);
	ret = nsm_eif_open(&e, &err, img, len, 0);
	snprintf(path, sizeof(path), "%s/rt.eif", tmpdir);
	spit(path, img, len);
	fret = nsm_eif_open_file(&f, NULL, path, 0);
	unlink(path);
	ok = ret == 0 && fret == 0;
	ok = ok && pcr_eq(e, 0, pcr[0]) && pcr_eq(e, 1, pcr[1]) && pcr_eq(e, 2, pcr[2]);
	ok = ok && pcr_eq(f, 0, pcr[0]) && pcr_eq(f, 1, pcr[1]) && pcr_eq(f, 2, pcr[2]);
	if (w->cert)
		ok = ok && pcr_eq(e, 8, pcr[3]) && pcr_eq(f, 8, pcr[3]) &&
		     nsm_eif_is_signed(e) && nsm_eif_signature_status(e) == NSM_EIF_OK;
	else
		ok = ok && !nsm_eif_pcr(e, 8) && !nsm_eif_pcr(f, 8) && !nsm_eif_is_signed(e);
	ok = ok && nsm_eif_section_count(e) == 2 + !!w->metadata.p + w->nramdisks + !!w->cert &&
	     nsm_eif_crc_ok(e) && nsm_eif_status(e) == NSM_EIF_OK;
	if (!tap_ok(ok, "round trip: %s", what))
		tap_diag("open: %d %s %s; file: %d", ret, nsm_eif_status_name(err.code),
			 err.message, fret);
	nsm_eif_free(&f);
	if (ret)
		return NULL;
	return e;
}

static void test_round_trips(EVP_PKEY *key, X509 *cert)
{
	static const size_t counts[] = { 1, 2, 8 };
	struct eifw w;
	struct parts p;
	struct nsm_eif *e, *base;
	uint8_t *img, *img2;
	size_t len, len2, i;
	char what[128];

	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		image(&w, &p, counts[i], 3000, 1500);
		img = eifw_build(&w, &len);
		snprintf(what, sizeof(what), "%zu ramdisk%s, unsigned", counts[i],
			 counts[i] > 1 ? "s" : "");
		e = round_trip(what, &w, img, len);
		if (counts[i] == 1)
			tap_ok(e && pcr_eq(e, 0, nsm_eif_pcr(e, 1)) && pcr_is(e, 2, EMPTY_EXTEND),
			       "1 ramdisk: PCR0 = PCR1, PCR2 = the extend of empty data");
		nsm_eif_free(&e);
		free(img);
		w.key = key;
		w.cert = cert;
		img = eifw_build(&w, &len);
		snprintf(what, sizeof(what), "%zu ramdisk%s, signed", counts[i],
			 counts[i] > 1 ? "s" : "");
		nsm_eif_free(&e);
		e = round_trip(what, &w, img, len);
		nsm_eif_free(&e);
		free(img);
		parts_free(&p, counts[i]);
	}

	/* things that change no PCR: the arch flag, metadata, memory, cpus */
	image(&w, &p, 2, 4096, 2048);
	img = eifw_build(&w, &len);
	base = round_trip("base image for the invariance cases", &w, img, len);
	free(img);

	w.flags = 1;
	img = eifw_build(&w, &len);
	e = round_trip("aarch64 flag", &w, img, len);
	tap_ok(e && !strcmp(nsm_eif_arch(e), "aarch64") && nsm_eif_flags(e) == 1 &&
	       pcr_eq(e, 0, nsm_eif_pcr(base, 0)) && pcr_eq(e, 1, nsm_eif_pcr(base, 1)) &&
	       pcr_eq(e, 2, nsm_eif_pcr(base, 2)),
	       "aarch64 flag: arch aarch64, PCRs unchanged");
	nsm_eif_free(&e);
	free(img);
	w.flags = 0;

	{
		static const char meta2[] =
			"{\"ImageName\":\"other\",\"ImageVersion\":\"9.9\",\"BuildMetadata\":"
			"{\"BuildTime\":\"2030-06-01T12:00:00+00:00\",\"BuildTool\":\"x\","
			"\"BuildToolVersion\":\"1\",\"OperatingSystem\":\"y\",\"KernelVersion\":\"z\"},"
			"\"DockerInfo\":{\"Id\":\"sha256:00\",\"RepoTags\":[\"app:latest\"]},"
			"\"CustomMetadata\":{\"owner\":\"\\u00e9quipe\",\"n\":1,\"f\":1.5,\"list\":[true,null]}}";
		const char *cm;
		json_object *got, *want;

		w.metadata = (struct eifw_bytes){ (const uint8_t *)meta2, strlen(meta2) };
		w.mem = 8ull << 30;
		w.cpus = 4;
		img = eifw_build(&w, &len);
		e = round_trip("other metadata, memory and cpus", &w, img, len);
		cm = nsm_eif_meta_json(e, "CustomMetadata");
		got = cm ? json_tokener_parse(cm) : NULL;
		want = json_tokener_parse("{\"owner\":\"\\u00e9quipe\",\"n\":1,\"f\":1.5,\"list\":[true,null]}");
		tap_ok(e && pcr_eq(e, 0, nsm_eif_pcr(base, 0)) && pcr_eq(e, 1, nsm_eif_pcr(base, 1)) &&
		       pcr_eq(e, 2, nsm_eif_pcr(base, 2)) &&
		       str_is(nsm_eif_meta(e, NSM_EIF_META_IMAGE_NAME), "other") &&
		       str_is(nsm_eif_meta(e, NSM_EIF_META_IMAGE_VERSION), "9.9") &&
		       str_is(nsm_eif_meta(e, NSM_EIF_META_BUILD_TIME), "2030-06-01T12:00:00+00:00") &&
		       str_is(nsm_eif_meta(e, NSM_EIF_META_KERNEL_VERSION), "z") &&
		       json_object_equal(got, want) &&
		       str_is(nsm_eif_meta_json(e, "DockerInfo"),
			      "{\"Id\":\"sha256:00\",\"RepoTags\":[\"app:latest\"]}") &&
		       nsm_eif_default_mem(e) == 8ull << 30 && nsm_eif_default_cpus(e) == 4,
		       "metadata, memory and cpus change no PCR; the getters show them");
		json_object_put(got);
		json_object_put(want);
		nsm_eif_free(&e);
		free(img);

		w.metadata = (struct eifw_bytes){ NULL, 0 };
		w.version = 3;
		img = eifw_build(&w, &len);
		e = round_trip("version 3 without metadata", &w, img, len);
		tap_ok(e && nsm_eif_version(e) == 3 && !nsm_eif_metadata(e, NULL) &&
		       !nsm_eif_meta(e, NSM_EIF_META_IMAGE_NAME) &&
		       !nsm_eif_meta_json(e, "CustomMetadata") &&
		       pcr_eq(e, 0, nsm_eif_pcr(base, 0)),
		       "no metadata section: getters return NULL, PCRs unchanged");
		nsm_eif_free(&e);
		free(img);
		w.version = 0;
		w.metadata = (struct eifw_bytes){ (const uint8_t *)META, strlen(META) };
	}

	/* the signed image: PCR0-2 as unsigned, PCR8 from the certificate */
	w.key = key;
	w.cert = cert;
	img = eifw_build(&w, &len);
	e = round_trip("signed base image", &w, img, len);
	tap_ok(e && pcr_eq(e, 0, nsm_eif_pcr(base, 0)) && pcr_eq(e, 2, nsm_eif_pcr(base, 2)),
	       "signing changes no PCR0-2");
	{
		unsigned char *der = NULL;
		int dl = i2d_X509(cert, &der);
		size_t cl;
		const uint8_t *c = nsm_eif_signing_cert(e, &cl);

		tap_ok(c && cl == (size_t)dl && !memcmp(c, der, cl),
		       "signing certificate: the DER of the PEM in the image");
		OPENSSL_free(der);
	}
	nsm_eif_free(&e);

	/* a signature by another key, a signature over another PCR0 */
	{
		EVP_PKEY *k2;
		X509 *c2;
		struct eifw w2 = w;
		struct nsm_error err;
		struct layout l;
		uint8_t *m;
		int code;

		eifw_make_signer(&k2, &c2, "other signer");
		/* the section of an image signed by k2, with cert's PEM: make
		 * it by signing with k2 and swapping the certificate back */
		w2.key = k2;
		w2.cert = cert;
		img2 = eifw_build(&w2, &len2);
		code = open_code(img2, len2, 0, NULL);
		tap_ok(code == NSM_EIF_ERR_SIGNATURE_INVALID,
		       "signed by a key other than the certificate's: %s",
		       nsm_eif_status_name(code));
		code = open_code(img2, len2, NSM_EIF_KEEP_INVALID, &e);
		tap_ok(code == NSM_EIF_OK && nsm_eif_status(e) == NSM_EIF_ERR_SIGNATURE_INVALID &&
		       nsm_eif_signature_status(e) == NSM_EIF_ERR_SIGNATURE_INVALID &&
		       pcr_eq(e, 0, nsm_eif_pcr(base, 0)) && nsm_eif_pcr(e, 8),
		       "NSM_EIF_KEEP_INVALID: opens, status says signature_invalid, PCRs kept");
		nsm_eif_free(&e);
		free(img2);

		/* an image whose signature covers another PCR0 */
		{
			uint8_t other[48];

			memset(other, 0x5a, sizeof(other));
			w2 = w;
			w2.sign_pcr0 = other;
			img2 = eifw_build(&w2, &len2);
			code = open_code(img2, len2, 0, NULL);
			tap_ok(code == NSM_EIF_ERR_SIGNATURE_PCR0,
			       "signature over another PCR0: %s", nsm_eif_status_name(code));
			free(img2);
		}
		layout_of(&l, img, len);

		/* a bad CRC: refused, or kept with NSM_EIF_KEEP_INVALID */
		m = malloc(len);
		memcpy(m, img, len);
		m[l.off[0] + 20] ^= 0x40;
		memset(&err, 0, sizeof(err));
		code = nsm_eif_open(&e, &err, m, len, 0);
		tap_ok(code == -EBADMSG && err.code == NSM_EIF_ERR_CRC && err.offset == 544 &&
		       strstr(err.message, "CRC"), "bad CRC refused: %s", err.message);
		code = open_code(m, len, NSM_EIF_KEEP_INVALID, &e);
		tap_ok(code == NSM_EIF_OK && !nsm_eif_crc_ok(e) &&
		       nsm_eif_status(e) == NSM_EIF_ERR_CRC &&
		       nsm_eif_signature_status(e) == NSM_EIF_ERR_SIGNATURE_PCR0,
		       "bad CRC with NSM_EIF_KEEP_INVALID: opens; CRC and signature reported");
		nsm_eif_free(&e);
		free(m);
		EVP_PKEY_free(k2);
		X509_free(c2);
	}
	free(img);
	w.key = NULL;
	w.cert = NULL;

	/* a large image read as a file: bounded memory, chunk boundaries */
	{
		struct eifw big = w;
		uint8_t *k = eifw_fill((5u << 20) + 7, 9), *r1 = eifw_fill((3u << 20) + 1, 10);
		uint8_t *r2 = eifw_fill(65536 * 3 - 1, 11);

		big.kernel = (struct eifw_bytes){ k, (5u << 20) + 7 };
		big.nramdisks = 2;
		big.ramdisk[0] = (struct eifw_bytes){ r1, (3u << 20) + 1 };
		big.ramdisk[1] = (struct eifw_bytes){ r2, 65536 * 3 - 1 };
		img = eifw_build(&big, &len);
		e = round_trip("an 8 MiB image, memory and file", &big, img, len);
		nsm_eif_free(&e);
		free(img);
		free(k);
		free(r1);
		free(r2);
	}

	/* the helpers built on the reader */
	{
		struct nsm_pcrset *set = NULL;
		struct nsm_error err;
		uint8_t pcr[4][48];
		char path[300];
		size_t l0;
		int ret;

		w.key = key;
		w.cert = cert;
		eifw_pcrs(&w, pcr);
		img = eifw_build(&w, &len);
		snprintf(path, sizeof(path), "%s/boot.eif", tmpdir);
		spit(path, img, len);
		ret = nsm_eif_file_pcrs(&set, &err, path);
		tap_ok(ret == 0 && nsm_pcrset_count(set) == 4 &&
		       !memcmp(nsm_pcrset_get(set, 0, &l0), pcr[0], 48) && l0 == 48 &&
		       !memcmp(nsm_pcrset_get(set, 8, &l0), pcr[3], 48),
		       "nsm_eif_file_pcrs(): PCR0, 1, 2 and 8");
		nsm_pcrset_free(&set);
		ret = nsm_pcrset_load_file(&set, &err, path);
		tap_ok(ret == 0 && nsm_pcrset_count(set) == 4 &&
		       !memcmp(nsm_pcrset_get(set, 1, &l0), pcr[1], 48),
		       "nsm_pcrset_load_file() takes an EIF (by its magic)");
		nsm_pcrset_free(&set);
		img[600] ^= 1;
		spit(path, img, len);
		ret = nsm_pcrset_load_file(&set, &err, path);
		tap_ok(ret == -EINVAL && !set && strstr(err.message, "eif.crc") &&
		       err.code == NSM_EIF_ERR_CRC,
		       "nsm_pcrset_load_file() on a corrupt EIF: -EINVAL, %s",
		       err.message);
		ret = nsm_eif_file_pcrs(&set, &err, path);
		tap_ok(ret == -EBADMSG && err.code == NSM_EIF_ERR_CRC && !set,
		       "nsm_eif_file_pcrs() refuses a bad CRC");
		unlink(path);
		free(img);
		w.key = NULL;
		w.cert = NULL;
	}

	/* the mutation suite on a signed image of our own (always runs) */
	w.key = key;
	w.cert = cert;
	img = eifw_build(&w, &len);
	mutation_suite("writer image, signed", img, len);
	free(img);
	nsm_eif_free(&base);
	parts_free(&p, 2);
}

/* ---- hand-made structural cases ---------------------------------------- */

static void put_be(uint8_t *p, uint64_t v, int bytes)
{
	int i;

	for (i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
}

static void test_structure(void)
{
	struct eifw w;
	struct parts p;
	struct layout l;
	struct nsm_error err;
	uint8_t *img, *m;
	size_t len, i;
	int code;

	image(&w, &p, 3, 500, 300);
	img = eifw_build(&w, &len);
	layout_of(&l, img, len);
	m = malloc(len + 64);

#define CASE(want, name) do {						\
		eifw_fix_crc(m, len);					\
		memset(&err, 0, sizeof(err));				\
		code = nsm_eif_open(&(struct nsm_eif *){ NULL }, &err, m, len, 0) \
			== -EBADMSG ? (int)err.code : -1;		\
		tap_ok(code == (want), "%s: %s (%s)", name,		\
		       nsm_eif_status_name(code), err.message);	\
		memcpy(m, img, len);					\
	} while (0)

	memcpy(m, img, len);
	put_be(m + 26, 33, 2);
	CASE(NSM_EIF_ERR_SECTION_COUNT, "33 sections");
	put_be(m + 4, 5, 2);
	CASE(NSM_EIF_ERR_VERSION, "version 5");
	put_be(m + 4, 1, 2);
	CASE(NSM_EIF_ERR_VERSION, "version 1");
	put_be(m + 28 + 8, l.off[1] + 1, 8);
	CASE(NSM_EIF_ERR_SECTION_TABLE, "a gap between sections");
	put_be(m + 28 + 8, l.off[1] - 1, 8);
	CASE(NSM_EIF_ERR_SECTION_OVERLAP, "overlapping sections");
	put_be(m + 28, 100, 8);
	CASE(NSM_EIF_ERR_SECTION_OVERLAP, "a section inside the header");
	put_be(m + 28 + 16, 1ull << 40, 8);
	CASE(NSM_EIF_ERR_SECTION_BOUNDS, "a section offset past the end of the file");
	put_be(m + 284 + 16, UINT64_MAX - 5, 8);
	CASE(NSM_EIF_ERR_SECTION_BOUNDS, "a section size of 2^64 - 6");
	put_be(m + 284 + 8 * (l.n - 1), l.size[l.n - 1] + 100, 8);
	CASE(NSM_EIF_ERR_SECTION_TABLE, "the last section larger in the table than in its header");
	/* kernel -> ramdisk, cmdline -> ramdisk, a second kernel, metadata last */
	put_be(m + l.off[0], EIFW_RAMDISK, 2);
	CASE(NSM_EIF_ERR_NO_KERNEL, "no kernel");
	put_be(m + l.off[1], EIFW_RAMDISK, 2);
	CASE(NSM_EIF_ERR_NO_CMDLINE, "no cmdline");
	for (i = 3; i < l.n; i++)
		put_be(m + l.off[i], EIFW_METADATA, 2);
	put_be(m + l.off[2], EIFW_SIGNATURE, 2);
	CASE(NSM_EIF_ERR_NO_RAMDISK, "no ramdisk");
	put_be(m + l.off[3], EIFW_KERNEL, 2);
	CASE(NSM_EIF_ERR_DUPLICATE, "two kernels");
	put_be(m + l.off[4], EIFW_METADATA, 2);
	CASE(NSM_EIF_ERR_DUPLICATE, "two metadata sections");
	put_be(m + l.off[0], EIFW_CMDLINE, 2);
	put_be(m + l.off[1], EIFW_KERNEL, 2);
	CASE(NSM_EIF_ERR_SECTION_ORDER, "cmdline before kernel");
	put_be(m + l.off[2], EIFW_RAMDISK, 2);
	put_be(m + l.off[3], EIFW_METADATA, 2);
	CASE(NSM_EIF_ERR_SECTION_ORDER, "metadata after a ramdisk");
	put_be(m + l.off[2], 0, 2);
	CASE(NSM_EIF_ERR_SECTION_TYPE, "section type 0");
	put_be(m + l.off[2], 6, 2);
	CASE(NSM_EIF_ERR_SECTION_TYPE, "section type 6");
	put_be(m + l.off[2] + 4, l.size[2] + 1, 8);
	CASE(NSM_EIF_ERR_SECTION_TABLE, "a section header size unlike the table's");
	m[l.off[2] + 12] = '[';
	CASE(NSM_EIF_ERR_METADATA, "metadata that is not JSON");
	m[l.off[2] + 12] = ' ';
	m[l.off[2] + 13] = '[';
	m[l.off[2] + 12 + l.size[2] - 1] = ']';
	CASE(NSM_EIF_ERR_METADATA, "metadata that is a JSON array");
	m[l.off[2] + 20] = '\0';
	CASE(NSM_EIF_ERR_METADATA, "metadata with a NUL byte");
	free(m);
	free(img);
	parts_free(&p, 3);
#undef CASE

	/* kept sections have limits; a huge ramdisk does not */
	{
		uint8_t *big = eifw_fill((1u << 20) + 1, 3);
		struct eifw w2;

		image(&w2, &p, 1, 100, 100);
		w2.metadata = (struct eifw_bytes){ big, (1u << 20) + 1 };
		img = eifw_build(&w2, &len);
		code = open_code(img, len, 0, NULL);
		tap_ok(code == NSM_EIF_ERR_SECTION_SIZE, "metadata over 1 MiB: %s",
		       nsm_eif_status_name(code));
		free(img);
		w2.metadata = (struct eifw_bytes){ NULL, 0 };
		w2.cmdline = (struct eifw_bytes){ big, (64u << 10) + 1 };
		img = eifw_build(&w2, &len);
		code = open_code(img, len, 0, NULL);
		tap_ok(code == NSM_EIF_ERR_SECTION_SIZE, "cmdline over 64 KiB: %s",
		       nsm_eif_status_name(code));
		free(img);
		free(big);
		parts_free(&p, 1);
	}

	/* no sections at all, a header alone */
	{
		struct eifw w3;

		image(&w3, &p, 1, 10, 10);
		img = eifw_build(&w3, &len);
		memset(img + 26, 0, 2);
		memset(img + 28, 0, 512);
		eifw_fix_crc(img, 548);
		code = open_code(img, 548, 0, NULL);
		tap_ok(code == NSM_EIF_ERR_NO_KERNEL, "a header with no sections: %s",
		       nsm_eif_status_name(code));
		code = open_code(img, len, 0, NULL);
		tap_ok(code == NSM_EIF_ERR_TRAILING,
		       "a header with no sections, then data: %s", nsm_eif_status_name(code));
		code = open_code((const uint8_t *)"ELF", 3, 0, NULL);
		tap_ok(code == NSM_EIF_ERR_TRUNCATED, "3 bytes: %s", nsm_eif_status_name(code));
		code = open_code((const uint8_t *)"\177ELF\2\1\1", 7, 0, NULL);
		tap_ok(code == NSM_EIF_ERR_MAGIC, "an ELF file: %s", nsm_eif_status_name(code));
		free(img);
		parts_free(&p, 1);
	}
}

static void test_api(void)
{
	struct nsm_eif *e = (struct nsm_eif *)1;
	struct nsm_eif_section sec;
	const char *names[NSM_EIF_STATUS_COUNT];
	bool uniq = true;
	int i, j;

	tap_ok(nsm_eif_open(NULL, NULL, (const uint8_t *)"", 0, 0) == -EINVAL,
	       "nsm_eif_open(NULL): -EINVAL");
	tap_ok(nsm_eif_open(&e, NULL, NULL, 5, 0) == -EINVAL, "NULL buffer: -EINVAL");
	tap_ok(nsm_eif_open(&e, NULL, (const uint8_t *)"", 0, 2) == -EINVAL && !e,
	       "unknown flag: -EINVAL, *eifp NULL");
	tap_ok(nsm_eif_open_file(&e, NULL, "/nonexistent/x.eif", 0) == -ENOENT,
	       "missing file: -ENOENT");
	tap_ok(nsm_eif_open_file(&e, NULL, "/", 0) == -EISDIR, "a directory: -EISDIR");
	tap_ok(nsm_eif_open(&e, NULL, (const uint8_t *)"", 0, 0) == -EBADMSG,
	       "empty input without an error struct: -EBADMSG");
	nsm_eif_free(&e);
	nsm_eif_free(NULL);
	tap_ok(!nsm_eif_pcr(NULL, 0) && !nsm_eif_meta(NULL, 0) &&
	       nsm_eif_section_count(NULL) == 0 &&
	       nsm_eif_section_at(NULL, 0, &sec) == -EINVAL && !nsm_eif_cmdline(NULL, NULL),
	       "getters are NULL-safe");
	for (i = 0; i < NSM_EIF_STATUS_COUNT; i++) {
		names[i] = nsm_eif_status_name((enum nsm_eif_status)i);
		for (j = 0; j < i; j++)
			uniq &= strcmp(names[i], names[j]) != 0;
		uniq &= strncmp(names[i], "eif.", 4) == 0 &&
			strlen(nsm_eif_strerror((enum nsm_eif_status)i)) > 5;
	}
	tap_ok(uniq && !strcmp(nsm_eif_status_name(NSM_EIF_STATUS_COUNT), "unknown"),
	       "every status has a unique eif.* name and a sentence");
	tap_ok(!strcmp(nsm_eif_section_type_name(NSM_EIF_SECTION_METADATA), "metadata") &&
	       !strcmp(nsm_eif_meta_name(NSM_EIF_META_BUILD_TOOL_VERSION), "BuildToolVersion") &&
	       !nsm_eif_meta_name(NSM_EIF_META_COUNT), "section and metadata names");
}

int main(void)
{
	EVP_PKEY *key;
	X509 *cert;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_eif.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 2;
	}
	tap_start();
	test_api();
	test_structure();
	eifw_make_signer(&key, &cert, "nsm-emu test EIF signer");
	test_round_trips(key, cert);
	vector("unsigned");
	vector("signed");
	vector("single_ramdisk");
	EVP_PKEY_free(key);
	X509_free(cert);
	rmdir(tmpdir);
	return tap_end(100);
}
