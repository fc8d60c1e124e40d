// SPDX-License-Identifier: GPL-2.0
/*
 * Live device view: DescribeNSM, the PCR table with lock state (refreshed
 * every two seconds by the main loop's timer, or with R), and new
 * attestation documents with a chosen nonce and user data. It talks to
 * the device through libnsm's AWS-compatible client API, which opens
 * $NSM_DEVICE (default /dev/nsm).
 */
#include <inttypes.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <nsm.h>

#include "view.h"
#include "helpers/hex.h"
#include "helpers/print.h"

struct device {
	int32_t fd;
	char path[256];
	char err[400];
	NsmDescription desc;
	int have_desc;
	struct {
		int ok;
		bool lock;
		uint8_t v[64];
		uint32_t len;
	} pcr[32];
	unsigned long refreshes;
	int docs;
	uint8_t nonce[1024], user[1024];
	int nonce_len, user_len;	/* -1: none */
};

static void refresh(struct device *dev)
{
	enum ErrorCode rc;

	if (dev->fd < 0)
		return;
	rc = nsm_get_description(dev->fd, &dev->desc);
	dev->have_desc = rc == ERROR_CODE_SUCCESS;
	if (!dev->have_desc)
		snprintf(dev->err, sizeof(dev->err), "DescribeNSM failed: "
			 "error %d", (int)rc);
	for (int i = 0; i < 32; i++) {
		dev->pcr[i].len = sizeof(dev->pcr[i].v);
		dev->pcr[i].ok = nsm_describe_pcr(dev->fd, (uint16_t)i,
						  &dev->pcr[i].lock,
						  dev->pcr[i].v,
						  &dev->pcr[i].len) ==
				 ERROR_CODE_SUCCESS;
	}
	dev->refreshes++;
}

/* The view is first shown: open the device. */
static void open_(struct app *app, void *priv)
{
	struct device *dev = priv;
	const char *p = getenv("NSM_DEVICE");

	(void)app;
	snprintf(dev->path, sizeof(dev->path), "%s", p && *p ? p : "/dev/nsm");
	dev->fd = nsm_lib_init();
	if (dev->fd < 0)
		snprintf(dev->err, sizeof(dev->err), "cannot open %s: %s",
			 dev->path, strerror(errno));
	refresh(dev);
}

static void close_(void *priv)
{
	struct device *dev = priv;

	nsm_lib_exit(dev->fd);
}

static void build(struct app *app, void *priv, struct lines *ls)
{
	struct device *dev = priv;
	struct line *l;
	char hex[129];

	l = lines_new(ls, -1);
	line_add(l, R_HEADER, "device       ");
	line_add(l, R_NORMAL, dev->path);
	line_add(l, R_DIM, "  (NSM_DEVICE)");
	if (dev->fd < 0 || !dev->have_desc) {
		l = lines_new(ls, -1);
		line_add(l, R_FAIL, dev->err);
		l = lines_new(ls, -1);
		line_add(l, R_DIM, "Load the nsm-emu module (or run in an "
			 "enclave), or point NSM_DEVICE at the device.");
		return;
	}
	l = lines_new(ls, -1);
	line_add(l, R_HEADER, "module_id    ");
	line_addn(l, R_NORMAL, (const char *)dev->desc.module_id,
		  dev->desc.module_id_len < 100 ? dev->desc.module_id_len : 99);
	l = lines_new(ls, -1);
	line_add(l, R_HEADER, "version      ");
	line_addf(l, R_NORMAL, "%u.%u.%u   digest %s   max_pcrs %u   "
		  "locked %u   refreshed %lu times",
		  dev->desc.version_major, dev->desc.version_minor,
		  dev->desc.version_patch,
		  dev->desc.digest == DIGEST_SHA384 ? "SHA384" :
		  dev->desc.digest == DIGEST_SHA256 ? "SHA256" : "SHA512",
		  dev->desc.max_pcrs, dev->desc.locked_pcrs_len,
		  app->now_pinned ? 0 : dev->refreshes);
	l = lines_new(ls, -1);
	l->selectable = 0;
	line_add(l, R_DIM, "a: request a document   R: refresh now");
	l = lines_new(ls, -1);
	l->selectable = 0;
	line_add(l, R_HEADER, "PCR  lock    meaning                 value");
	/* the description and the column header stay while PCRs scroll */
	for (int i = 0; i < ls->n; i++)
		ls->v[i].selectable = 0;
	ls->sticky = ls->n;
	for (int i = 0; i < 32; i++) {
		l = lines_new(ls, i);
		line_addf(l, R_NORMAL, "%3d  ", i);
		if (!dev->pcr[i].ok) {
			line_add(l, R_FAIL, "DescribePCR failed");
			continue;
		}
		line_add(l, dev->pcr[i].lock ? R_WARN : R_DIM,
			 dev->pcr[i].lock ? "locked  " : "open    ");
		line_addf(l, R_DIM, "%-23.23s ", doc_pcr_meaning((unsigned)i));
		hex_encode_trunc(hex, sizeof(hex), dev->pcr[i].v, dev->pcr[i].len);
		line_add(l, R_NORMAL, hex);
	}
}

/* Hex when it is all hex digits in pairs, else the text's bytes. */
static int parse_bytes(const char *s, uint8_t *out, size_t cap)
{
	size_t n = strlen(s), len;

	if (!n)
		return -1;
	if (!hex_decode(out, cap, &len, s, n))
		return (int)len;
	n = n < cap ? n : cap;
	memcpy(out, s, n);
	return (int)n;
}

static void attest(struct app *app, struct device *dev)
{
	uint8_t *buf = malloc(0x4000);
	uint32_t len = 0x4000;
	enum ErrorCode rc;
	char name[32];
	struct doc *d;

	if (!buf)
		abort();
	rc = nsm_get_attestation_doc(dev->fd,
				     dev->user_len < 0 ? NULL : dev->user,
				     dev->user_len < 0 ? 0 : (uint32_t)dev->user_len,
				     dev->nonce_len < 0 ? NULL : dev->nonce,
				     dev->nonce_len < 0 ? 0 : (uint32_t)dev->nonce_len,
				     NULL, 0, buf, &len);
	if (rc != ERROR_CODE_SUCCESS) {
		app_error(app, "attestation failed: error %d", (int)rc);
		free(buf);
		return;
	}
	snprintf(name, sizeof(name), "device #%d", ++dev->docs);
	d = doc_new_bytes(buf, len, name);
	free(buf);
	app_add_doc(app, d);
	app->cursor = app->ndocs - 1;
	app_msg(app, "new document from the device: %u bytes", len);
}

static void user_done(struct app *app, void *ctx, const char *text)
{
	struct device *dev = ctx;

	dev->user_len = parse_bytes(text, dev->user, sizeof(dev->user));
	attest(app, dev);
}

static void nonce_done(struct app *app, void *ctx, const char *text)
{
	struct device *dev = ctx;

	dev->nonce_len = parse_bytes(text, dev->nonce, sizeof(dev->nonce));
	app_prompt(app, "user data (hex or text, empty: none): ", "",
		   user_done, dev);
}

/* the main loop's two-second timer */
static unsigned int tick(struct app *app, void *priv)
{
	(void)app;
	refresh(priv);
	return RF_VIEW;
}

static unsigned int key(struct app *app, void *priv, enum action a)
{
	struct device *dev = priv;

	switch (a) {
	case A_REFRESH:
		refresh(dev);
		return RF_VIEW;
	case A_ATTEST:
		if (dev->fd < 0) {
			app_error(app, "%s", dev->err);
			return RF_STATUS;
		}
		app_prompt(app, "nonce (hex or text, empty: none): ", "",
			   nonce_done, dev);
		return RF_STATUS;
	default:
		return RF_UNHANDLED;
	}
}

static void json(struct app *app, void *priv)
{
	struct device *dev = priv;
	char version[32];

	(void)app;
	pr_str(PR_JSON, "device", "%s", dev->path);
	if (dev->fd < 0 || !dev->have_desc) {
		pr_str(PR_JSON, "error", "%s", dev->err);
		return;
	}
	pr_str(PR_JSON, "module_id", "%s", (const char *)dev->desc.module_id);
	snprintf(version, sizeof(version), "%u.%u.%u", dev->desc.version_major,
		 dev->desc.version_minor, dev->desc.version_patch);
	pr_str(PR_JSON, "version", "%s", version);
	pr_arr_open(PR_JSON, "pcrs");
	for (int i = 0; i < 32; i++) {
		pr_obj_open(PR_JSON, NULL);
		pr_u64(PR_JSON, "index", "%" PRIu64, i);
		pr_bool(PR_JSON, "locked", "%s", dev->pcr[i].lock);
		pr_hex(PR_JSON, "value", "%s", dev->pcr[i].v,
		       dev->pcr[i].ok ? dev->pcr[i].len : 0);
		pr_obj_close(PR_JSON);
	}
	pr_arr_close(PR_JSON);
}

const struct view_ops view_device = {
	.name = "device",
	.hint = "a:new document  R:refresh",
	.private_size = sizeof(struct device),
	.open = open_,
	.close = close_,
	.tick = tick,
	.build = build,
	.key = key,
	.json = json,
};
