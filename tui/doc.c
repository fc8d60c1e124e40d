// SPDX-License-Identifier: GPL-2.0
/*
 * Reading documents: files are read here (so that a FIFO or a device node
 * in a capture directory is refused instead of blocking the TUI), then
 * handed to libnsm for format detection and parsing. Every failure becomes
 * a message in d->err that the list shows; nothing here can abort on bad
 * input.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>


#include "doc.h"
#include "helpers/pcr.h"
#include "helpers/report.h"

static char *xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");

	if (!p)
		abort();
	return p;
}

struct doc *doc_new_file(const char *path, const char *source)
{
	struct doc *d = calloc(1, sizeof(*d));

	if (!d)
		abort();
	d->path = xstrdup(path);
	d->source = xstrdup(source);
	return d;
}

void doc_free(struct doc *d)
{
	if (!d)
		return;
	nsm_doc_free(&d->nd);
	free(d->path);
	free(d->source);
	free(d->cab);
	free(d);
}

static int read_file(struct doc *d, uint8_t **buf, size_t *len)
{
	struct stat st;
	size_t n = 0;
	uint8_t *b;
	int fd;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer */
	fd = open(d->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(d->err, sizeof(d->err), "%s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(d->err, sizeof(d->err), "not a regular file");
		goto fail;
	}
	if (st.st_size > (off_t)DOC_MAX_FILE) {
		snprintf(d->err, sizeof(d->err), "too large (%lld bytes)",
			 (long long)st.st_size);
		goto fail;
	}
	b = malloc((size_t)st.st_size + 1);
	if (!b)
		abort();
	while (n < (size_t)st.st_size) {
		ssize_t r = read(fd, b + n, (size_t)st.st_size - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(d->err, sizeof(d->err), "%s", strerror(errno));
			free(b);
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	*buf = b;
	*len = n;
	return 0;
fail:
	close(fd);
	return -1;
}

static void parse(struct doc *d, const uint8_t *b, size_t n)
{
	struct nsm_error perr = { 0 };
	const char *mid;
	int rc;

	rc = nsm_doc_parse(&d->nd, &perr, b, n);
	if (rc == -EBADMSG) {
		/* the library's message already names the offset */
		snprintf(d->err, sizeof(d->err), "%s",
			 perr.message[0] ? perr.message : "not a document");
		return;
	}
	if (rc) {
		snprintf(d->err, sizeof(d->err), "%s", strerror(-rc));
		return;
	}
	mid = nsm_doc_module_id(d->nd);
	snprintf(d->module_id, sizeof(d->module_id), "%s", mid ? mid : "");
	d->has_timestamp = nsm_doc_timestamp(d->nd, &d->timestamp);
	d->debug = nsm_doc_is_debug(d->nd);
	d->state = DOC_OK;
}

void doc_load(struct doc *d)
{
	uint8_t *file = NULL, *bytes = NULL;
	size_t n = 0, blen = 0;
	int rc;

	if (d->state != DOC_UNLOADED)
		return;
	d->state = DOC_ERROR;
	if (read_file(d, &file, &n))
		return;
	if (n == 0) {
		snprintf(d->err, sizeof(d->err), "empty file");
		free(file);
		return;
	}
	rc = input_decode(&bytes, &blen, &d->fmt, file, n, INPUT_AUTO);
	free(file);
	if (rc) {
		if (rc == -EINVAL)
			snprintf(d->err, sizeof(d->err), "not a document: "
				 "neither CBOR, base64 nor hex");
		else
			snprintf(d->err, sizeof(d->err), "cannot decode: %s",
				 strerror(-rc));
		return;
	}
	parse(d, bytes, blen);
	free(bytes);
}

struct doc *doc_new_bytes(const uint8_t *b, size_t n, const char *source)
{
	struct doc *d = calloc(1, sizeof(*d));

	if (!d)
		abort();
	d->source = xstrdup(source);
	d->state = DOC_ERROR;
	d->fmt = INPUT_CBOR;
	parse(d, b, n);
	return d;
}

/* ---- certificates ----------------------------------------------------- */

static void cn_of(const char *subject, char *cn, size_t cap)
{
	const char *p = strstr(subject, "CN=");
	size_t n;

	if (!p) {
		snprintf(cn, cap, "%s", subject);
		return;
	}
	p += 3;
	n = strcspn(p, ",");
	if (n >= cap)
		n = cap - 1;
	memcpy(cn, p, n);
	cn[n] = 0;
}

static void load_cert(struct doc_cert *c, const uint8_t *der, size_t len)
{
	c->ok = -1;
	c->der_len = len;
	if (!der || nsm_cert_info(&c->info, der, len))
		return;
	c->ok = 1;
	cert_key_desc(der, len, c->key, sizeof(c->key));
	cn_of(c->info.subject, c->cn, sizeof(c->cn));
}

void doc_load_certs(struct doc *d)
{
	const uint8_t *der;
	size_t len;

	if (d->state != DOC_OK || d->certs_done)
		return;
	d->certs_done = 1;
	der = nsm_doc_certificate(d->nd, &len);
	load_cert(&d->leaf, der, len);
	d->ncab = nsm_doc_cabundle_count(d->nd);
	if (d->ncab > 64)
		d->ncab = 64;
	d->cab = calloc(d->ncab ? d->ncab : 1, sizeof(*d->cab));
	if (!d->cab)
		abort();
	for (size_t i = 0; i < d->ncab; i++) {
		der = nsm_doc_cabundle(d->nd, i, &len);
		load_cert(&d->cab[i], der, len);
	}
}

/* ---- formatting ------------------------------------------------------- */

const char *doc_pcr_meaning(unsigned index)
{
	const char *l = pcr_label(index);

	return l ? l : "reserved";
}

void fmt_time_ms(int64_t ms, char *buf, size_t n)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms < 0 || ms / 1000 > 253402300799LL || !gmtime_r(&t, &tm) ||
	    !strftime(buf, n, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(buf, n, "@%lld", (long long)ms);
}

void fmt_duration(long long s, char *buf, size_t n)
{
	unsigned long long a = s < 0 ? 0ULL - (unsigned long long)s :
			       (unsigned long long)s;

	if (a < 60)
		snprintf(buf, n, "%llus", a);
	else if (a < 3600)
		snprintf(buf, n, "%llum%02llus", a / 60, a % 60);
	else if (a < 86400)
		snprintf(buf, n, "%lluh%02llum", a / 3600, a % 3600 / 60);
	else if (a < 86400ULL * 365)
		snprintf(buf, n, "%llud%02lluh", a / 86400, a % 86400 / 3600);
	else
		snprintf(buf, n, "%lluy%03llud", a / (86400ULL * 365),
			 a % (86400ULL * 365) / 86400);
}

void doc_report(struct doc *d)
{
	if (!d)
		report_error(NULL, "no document");
	else if (d->state != DOC_OK)
		report_error(d->source, d->err);
	else
		report_document(d->source, d->fmt, d->nd);
}
