// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Attestation documents: decoding into struct nsm_doc and the getters.
 *
 * Parsing is deliberately permissive about *content* (wrong types, missing
 * fields are decoded as far as possible so that tools can show them) and
 * strict about *encoding* (one well-formed item, no trailing bytes, no
 * duplicate keys). nsm_verify() judges the content.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const field_names[NSM_FIELD_COUNT] = {
	[NSM_FIELD_MODULE_ID] = "module_id",
	[NSM_FIELD_DIGEST] = "digest",
	[NSM_FIELD_TIMESTAMP] = "timestamp",
	[NSM_FIELD_PCRS] = "pcrs",
	[NSM_FIELD_CERTIFICATE] = "certificate",
	[NSM_FIELD_CABUNDLE] = "cabundle",
	[NSM_FIELD_PUBLIC_KEY] = "public_key",
	[NSM_FIELD_USER_DATA] = "user_data",
	[NSM_FIELD_NONCE] = "nonce",
	[NSM_FIELD_COSE_PROTECTED] = "cose.protected",
	[NSM_FIELD_COSE_UNPROTECTED] = "cose.unprotected",
	[NSM_FIELD_COSE_PAYLOAD] = "cose.payload",
	[NSM_FIELD_COSE_SIGNATURE] = "cose.signature",
};

const char *nsm_field_name(enum nsm_field field)
{
	if ((unsigned int)field >= NSM_FIELD_COUNT)
		return "unknown";
	return field_names[field];
}

static void set_err(struct nsm_error *err, enum nsm_check_code code,
		    size_t off, const char *msg)
{
	nsm__error(err, code, off, "%s (at byte %zu)", msg, off);
}

static enum nsm_check_code cb_code(enum cb_err e)
{
	switch (e) {
	case CB_ERR_TRAILING:
		return NSM_CHECK_CBOR_TRAILING;
	case CB_ERR_DUPKEY:
		return NSM_CHECK_CBOR_DUPLICATE_KEY;
	default:
		return NSM_CHECK_CBOR;
	}
}

static char *text_dup(const struct cb_node *n)
{
	char *s = malloc(n->dlen + 1);

	if (!s)
		return NULL;
	if (n->dlen)
		memcpy(s, n->data, n->dlen);
	s[n->dlen] = '\0';
	return s;
}

/* Index the payload map: known fields, every key, PCR entries, cabundle. */
static int index_payload(struct nsm_doc *d)
{
	struct cb_tree *t = &d->t;
	uint32_t k, v;
	size_t i, n = t->n[d->map].val;
	int f;

	d->keys = calloc(n ? n : 1, sizeof(*d->keys));
	if (!d->keys)
		return -ENOMEM;
	for (k = t->n[d->map].first; k != CB_NONE; k = t->n[v].next) {
		struct nsm_doc_key *key = &d->keys[d->nkeys++];

		v = t->n[k].next;
		key->key = k;
		key->val = v;
		if (t->n[k].major == CB_TEXT)
			key->name = text_dup(&t->n[k]);
		else
			key->name = strdup("<non-text key>");
		if (!key->name)
			return -ENOMEM;
		if (t->n[k].major != CB_TEXT)
			continue;
		for (f = 0; f < NSM_PAYLOAD_FIELDS; f++) {
			if (strlen(field_names[f]) == t->n[k].dlen &&
			    memcmp(field_names[f], t->n[k].data, t->n[k].dlen) == 0) {
				d->fkey[f] = k;
				d->fval[f] = v;
			}
		}
		if (t->n[k].dlen == 13 && memcmp(t->n[k].data, "nitrotpm_pcrs", 13) == 0)
			d->nitrotpm = true;
	}

	v = d->fval[NSM_FIELD_MODULE_ID];
	if (v && t->n[v].major == CB_TEXT && !(d->module_id = text_dup(&t->n[v])))
		return -ENOMEM;
	v = d->fval[NSM_FIELD_DIGEST];
	if (v && t->n[v].major == CB_TEXT && !(d->digest = text_dup(&t->n[v])))
		return -ENOMEM;

	v = d->fval[NSM_FIELD_PCRS];
	if (v && t->n[v].major == CB_MAP) {
		d->pcrs = calloc(t->n[v].val ? t->n[v].val : 1, sizeof(*d->pcrs));
		if (!d->pcrs)
			return -ENOMEM;
		for (k = t->n[v].first; k != CB_NONE; k = t->n[t->n[k].next].next) {
			d->pcrs[d->npcrs].key = k;
			d->pcrs[d->npcrs].val = t->n[k].next;
			d->npcrs++;
		}
	}
	v = d->fval[NSM_FIELD_CABUNDLE];
	if (v && t->n[v].major == CB_ARRAY) {
		d->cab = calloc(t->n[v].val ? t->n[v].val : 1, sizeof(*d->cab));
		if (!d->cab)
			return -ENOMEM;
		for (k = t->n[v].first, i = 0; k != CB_NONE; k = t->n[k].next)
			d->cab[i++] = k;
		d->ncab = i;
	}
	return 0;
}

int nsm_doc_parse(struct nsm_doc **docp, struct nsm_error *err,
		  const uint8_t *buf, size_t len)
{
	struct nsm_doc *d;
	struct cb_node *pl;
	uint32_t root, top, el, i;
	enum cb_err ce;
	int ret;

	if (!docp || (!buf && len))
		return nsm__errno(err, -EINVAL);
	*docp = NULL;
	if (len > NSM_DOC_MAX_SIZE) {
		char msg[96];

		snprintf(msg, sizeof(msg),
			 "document of %zu bytes is larger than the %u-byte maximum",
			 len, NSM_DOC_MAX_SIZE);
		set_err(err, NSM_CHECK_COSE_STRUCTURE, 0, msg);
		return -EBADMSG;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return nsm__errno(err, -ENOMEM);
	d->raw = malloc(len ? len : 1);
	if (!d->raw) {
		free(d);
		return nsm__errno(err, -ENOMEM);
	}
	if (len)
		memcpy(d->raw, buf, len);
	d->len = len;
	cb_tree_init(&d->t);

	ret = -EBADMSG;
	ce = cb_parse(&d->t, d->raw, len, 0, &root);
	if (ce == CB_ERR_NOMEM) {
		ret = -ENOMEM;
		goto fail;
	}
	if (ce) {
		set_err(err, cb_code(ce), d->t.err_off, d->t.err_msg);
		goto fail;
	}
	top = root;
	if (d->t.n[top].major == CB_TAG) {
		if (d->t.n[top].val != 18) {
			set_err(err, NSM_CHECK_COSE_STRUCTURE, 0,
				"tagged with a tag other than 18 (COSE_Sign1)");
			goto fail;
		}
		d->tagged = true;
		top = d->t.n[top].first;
	}
	if (d->t.n[top].major != CB_ARRAY || d->t.n[top].val != 4) {
		set_err(err, NSM_CHECK_COSE_STRUCTURE, d->t.n[top].off,
			"not a COSE_Sign1 array of 4 elements");
		goto fail;
	}
	d->cose = top;
	for (el = d->t.n[top].first, i = 0; el != CB_NONE; el = d->t.n[el].next)
		d->part[i++] = el;
	pl = &d->t.n[d->part[2]];
	if (pl->major != CB_BYTES || pl->indef) {
		set_err(err, NSM_CHECK_COSE_STRUCTURE, pl->off,
			"payload is not a definite-length byte string");
		goto fail;
	}
	ce = cb_parse(&d->t, pl->data, pl->dlen, pl->data_off, &d->map);
	if (ce == CB_ERR_NOMEM) {
		ret = -ENOMEM;
		goto fail;
	}
	if (ce) {
		set_err(err, cb_code(ce), d->t.err_off,
			ce == CB_ERR_TRAILING ? "trailing bytes after the payload map"
					      : d->t.err_msg);
		goto fail;
	}
	if (d->t.n[d->map].major != CB_MAP) {
		set_err(err, NSM_CHECK_PAYLOAD_MAP, d->t.n[d->map].off,
			"payload is not a CBOR map");
		goto fail;
	}
	ret = index_payload(d);
	if (ret)
		goto fail;
	*docp = d;
	return 0;
fail:
	nsm_doc_free(&d);
	if (ret != -EBADMSG)
		nsm__errno(err, ret);
	return ret;
}

void nsm_doc_free(struct nsm_doc **docp)
{
	struct nsm_doc *d;
	size_t i;

	if (!docp || !*docp)
		return;
	d = *docp;
	for (i = 0; i < d->nkeys; i++)
		free(d->keys[i].name);
	free(d->keys);
	free(d->pcrs);
	free(d->cab);
	free(d->module_id);
	free(d->digest);
	cb_tree_release(&d->t);
	free(d->raw);
	free(d);
	*docp = NULL;
}

const uint8_t *nsm_doc_raw(const struct nsm_doc *doc, size_t *len)
{
	if (len)
		*len = doc ? doc->len : 0;
	return doc ? doc->raw : NULL;
}

bool nsm_doc_is_tagged(const struct nsm_doc *doc)
{
	return doc && doc->tagged;
}

bool nsm_doc_payload_indefinite(const struct nsm_doc *doc)
{
	return doc && doc->t.n[doc->map].indef;
}

const char *nsm_doc_module_id(const struct nsm_doc *doc)
{
	return doc ? doc->module_id : NULL;
}

const char *nsm_doc_digest(const struct nsm_doc *doc)
{
	return doc ? doc->digest : NULL;
}

bool nsm_doc_timestamp(const struct nsm_doc *doc, uint64_t *ms)
{
	const struct cb_node *n;

	if (!doc || !doc->fval[NSM_FIELD_TIMESTAMP])
		return false;
	n = &doc->t.n[doc->fval[NSM_FIELD_TIMESTAMP]];
	if (n->major != CB_UINT)
		return false;
	if (ms)
		*ms = n->val;
	return true;
}

size_t nsm_doc_pcr_count(const struct nsm_doc *doc)
{
	return doc ? doc->npcrs : 0;
}

int nsm_doc_pcr_at(const struct nsm_doc *doc, size_t i, uint32_t *index,
		   const uint8_t **val, size_t *len)
{
	const struct cb_node *k, *v;

	if (!doc || i >= doc->npcrs)
		return -ENOENT;
	k = &doc->t.n[doc->pcrs[i].key];
	v = &doc->t.n[doc->pcrs[i].val];
	if (index)
		*index = (k->major == CB_UINT && k->val < UINT32_MAX) ?
			 (uint32_t)k->val : UINT32_MAX;
	if (val)
		*val = v->major == CB_BYTES ? v->data : NULL;
	if (len)
		*len = v->major == CB_BYTES ? v->dlen : 0;
	return 0;
}

const uint8_t *nsm_doc_pcr(const struct nsm_doc *doc, uint32_t index,
			   size_t *len)
{
	size_t i;

	if (len)
		*len = 0;
	for (i = 0; doc && i < doc->npcrs; i++) {
		const struct cb_node *k = &doc->t.n[doc->pcrs[i].key];
		const struct cb_node *v = &doc->t.n[doc->pcrs[i].val];

		if (k->major == CB_UINT && k->val == index && v->major == CB_BYTES) {
			if (len)
				*len = v->dlen;
			return v->data;
		}
	}
	return NULL;
}

static const uint8_t *bytes_field(const struct nsm_doc *doc, int f,
				  size_t *len)
{
	const struct cb_node *n;

	if (len)
		*len = 0;
	if (!doc || !doc->fval[f])
		return NULL;
	n = &doc->t.n[doc->fval[f]];
	if (n->major != CB_BYTES)
		return NULL;
	if (len)
		*len = n->dlen;
	return n->data;
}

const uint8_t *nsm_doc_certificate(const struct nsm_doc *doc, size_t *len)
{
	return bytes_field(doc, NSM_FIELD_CERTIFICATE, len);
}

size_t nsm_doc_cabundle_count(const struct nsm_doc *doc)
{
	return doc ? doc->ncab : 0;
}

const uint8_t *nsm_doc_cabundle(const struct nsm_doc *doc, size_t i,
				size_t *len)
{
	const struct cb_node *n;

	if (len)
		*len = 0;
	if (!doc || i >= doc->ncab)
		return NULL;
	n = &doc->t.n[doc->cab[i]];
	if (n->major != CB_BYTES)
		return NULL;
	if (len)
		*len = n->dlen;
	return n->data;
}

static enum nsm_presence opt_field(const struct nsm_doc *doc, int f,
				   const uint8_t **val, size_t *len)
{
	const struct cb_node *n;

	if (val)
		*val = NULL;
	if (len)
		*len = 0;
	if (!doc || !doc->fval[f])
		return NSM_ABSENT;
	n = &doc->t.n[doc->fval[f]];
	if (cb_is_null(n))
		return NSM_NULL;
	if (n->major != CB_BYTES)
		return NSM_WRONG_TYPE;
	if (val)
		*val = n->data;
	if (len)
		*len = n->dlen;
	return NSM_PRESENT;
}

enum nsm_presence nsm_doc_public_key(const struct nsm_doc *doc,
				     const uint8_t **val, size_t *len)
{
	return opt_field(doc, NSM_FIELD_PUBLIC_KEY, val, len);
}

enum nsm_presence nsm_doc_user_data(const struct nsm_doc *doc,
				    const uint8_t **val, size_t *len)
{
	return opt_field(doc, NSM_FIELD_USER_DATA, val, len);
}

enum nsm_presence nsm_doc_nonce(const struct nsm_doc *doc,
				const uint8_t **val, size_t *len)
{
	return opt_field(doc, NSM_FIELD_NONCE, val, len);
}

static bool all_zero(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

bool nsm_doc_is_debug(const struct nsm_doc *doc)
{
	uint32_t i;

	for (i = 0; i < 3; i++) {
		size_t len;
		const uint8_t *v = nsm_doc_pcr(doc, i, &len);

		if (!v || !len || !all_zero(v, len))
			return false;
	}
	return true;
}

bool nsm_doc_is_nitrotpm(const struct nsm_doc *doc)
{
	return doc && doc->nitrotpm;
}

static const uint8_t *part_bytes(const struct nsm_doc *doc, int i, size_t *len)
{
	const struct cb_node *n;

	if (len)
		*len = 0;
	if (!doc)
		return NULL;
	n = &doc->t.n[doc->part[i]];
	if (n->major != CB_BYTES)
		return NULL;
	if (len)
		*len = n->dlen;
	return n->data;
}

const uint8_t *nsm_doc_signature(const struct nsm_doc *doc, size_t *len)
{
	return part_bytes(doc, 3, len);
}

const uint8_t *nsm_doc_payload(const struct nsm_doc *doc, size_t *len)
{
	return part_bytes(doc, 2, len);
}

const uint8_t *nsm_doc_protected(const struct nsm_doc *doc, size_t *len)
{
	return part_bytes(doc, 0, len);
}

static void fill_span(const struct nsm_doc *doc, uint32_t key, uint32_t val,
		      struct nsm_span *span)
{
	const struct cb_node *v = &doc->t.n[val];

	span->key_off = key ? doc->t.n[key].off : v->off;
	span->off = v->off;
	span->len = v->len;
	span->data_off = v->data_off;
	span->data_len = v->data_span;
}

int nsm_doc_field_span(const struct nsm_doc *doc, enum nsm_field field,
		       struct nsm_span *span)
{
	if (!doc || !span || (unsigned int)field >= NSM_FIELD_COUNT)
		return -EINVAL;
	if (field >= NSM_FIELD_COSE_PROTECTED) {
		fill_span(doc, CB_NONE, doc->part[field - NSM_FIELD_COSE_PROTECTED],
			  span);
		return 0;
	}
	if (!doc->fval[field])
		return -ENOENT;
	fill_span(doc, doc->fkey[field], doc->fval[field], span);
	return 0;
}

int nsm_doc_pcr_span(const struct nsm_doc *doc, size_t i,
		     struct nsm_span *span)
{
	if (!doc || !span)
		return -EINVAL;
	if (i >= doc->npcrs)
		return -ENOENT;
	fill_span(doc, doc->pcrs[i].key, doc->pcrs[i].val, span);
	return 0;
}

int nsm_doc_cabundle_span(const struct nsm_doc *doc, size_t i,
			  struct nsm_span *span)
{
	if (!doc || !span)
		return -EINVAL;
	if (i >= doc->ncab)
		return -ENOENT;
	fill_span(doc, CB_NONE, doc->cab[i], span);
	return 0;
}

size_t nsm_doc_key_count(const struct nsm_doc *doc)
{
	return doc ? doc->nkeys : 0;
}

int nsm_doc_key_at(const struct nsm_doc *doc, size_t i, const char **name,
		   struct nsm_span *span)
{
	if (!doc)
		return -EINVAL;
	if (i >= doc->nkeys)
		return -ENOENT;
	if (name)
		*name = doc->keys[i].name;
	if (span)
		fill_span(doc, doc->keys[i].key, doc->keys[i].val, span);
	return 0;
}
