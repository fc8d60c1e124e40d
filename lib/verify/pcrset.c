// SPDX-License-Identifier: LGPL-2.1-or-later
/* PCR sets: expected measurements (text, JSON, nitro-cli), diffs. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <fcntl.h>
#include <unistd.h>

#include <json-c/json.h>

#include "internal.h"

struct nsm_pcrset {
	uint8_t val[NSM_MAX_PCRS][NSM_PCR_MAX_LEN];
	uint8_t len[NSM_MAX_PCRS];	/* 0 = unset */
};

int nsm_pcrset_new(struct nsm_pcrset **setp)
{
	if (!setp)
		return -EINVAL;
	*setp = calloc(1, sizeof(**setp));
	return *setp ? 0 : -ENOMEM;
}

void nsm_pcrset_free(struct nsm_pcrset **setp)
{
	if (!setp || !*setp)
		return;
	free(*setp);
	*setp = NULL;
}

int nsm_pcrset_set(struct nsm_pcrset *set, uint32_t index, const uint8_t *val,
		   size_t len)
{
	if (!set || !val || index >= NSM_MAX_PCRS ||
	    (len != 32 && len != 48 && len != 64))
		return -EINVAL;
	memcpy(set->val[index], val, len);
	set->len[index] = (uint8_t)len;
	return 0;
}

int nsm_pcrset_set_hex(struct nsm_pcrset *set, uint32_t index, const char *hex)
{
	uint8_t buf[NSM_PCR_MAX_LEN];
	size_t n, hl;

	if (!hex)
		return -EINVAL;
	hl = strlen(hex);
	if (hl >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) {
		hex += 2;
		hl -= 2;
	}
	if (hex_decode(buf, sizeof(buf), &n, hex, hl))
		return -EINVAL;
	return nsm_pcrset_set(set, index, buf, n);
}

const uint8_t *nsm_pcrset_get(const struct nsm_pcrset *set, uint32_t index,
			      size_t *len)
{
	if (len)
		*len = 0;
	if (!set || index >= NSM_MAX_PCRS || !set->len[index])
		return NULL;
	if (len)
		*len = set->len[index];
	return set->val[index];
}

size_t nsm_pcrset_count(const struct nsm_pcrset *set)
{
	size_t i, n = 0;

	for (i = 0; set && i < NSM_MAX_PCRS; i++)
		n += set->len[i] != 0;
	return n;
}

/* "PCR12", "pcr12" or "12" -> 12; -1 otherwise */
static int pcr_name(const char *s, size_t len)
{
	int v = 0;
	size_t i = 0;

	if (len >= 3 && !strncasecmp(s, "pcr", 3))
		i = 3;
	if (i == len || len - i > 2)
		return -1;
	for (; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v < NSM_MAX_PCRS ? v : -1;
}

/* json_tokener_parse_ex() stops after the first value: refuse more. */
static bool trailing_junk(struct json_tokener *tok, const char *text,
			  size_t len)
{
	size_t i = json_tokener_get_parse_end(tok);

	for (; i < len; i++)
		if (!isspace((unsigned char)text[i]))
			return true;
	return false;
}

static int load_json(struct nsm_pcrset *set, struct nsm_error *err,
		     const char *text, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root = NULL, *obj, *m;
	int ret = -EINVAL;

	if (!tok)
		return -ENOMEM;
	root = json_tokener_parse_ex(tok, text, (int)len);
	if (!root || json_tokener_get_error(tok) != json_tokener_success) {
		nsm__error(err, 0, 0, "JSON: %s",
		     json_tokener_get_error(tok) == json_tokener_continue ?
			 "unexpected end of input" :
			 json_tokener_error_desc(json_tokener_get_error(tok)));
		goto out;
	}
	if (trailing_junk(tok, text, len)) {
		nsm__error(err, 0, 0, "JSON: text after the object");
		goto out;
	}
	if (!json_object_is_type(root, json_type_object)) {
		nsm__error(err, 0, 0, "JSON: not an object");
		goto out;
	}
	obj = root;
	if (json_object_object_get_ex(root, "Measurements", &m)) {
		if (!json_object_is_type(m, json_type_object)) {
			nsm__error(err, 0, 0, "JSON: \"Measurements\" is not an object");
			goto out;
		}
		obj = m;
	}
	{
		json_object_object_foreach(obj, key, val) {
			int idx;

			if (!strcmp(key, "HashAlgorithm"))
				continue;
			idx = pcr_name(key, strlen(key));
			if (idx < 0) {
				if (obj == root)
					continue;	/* other top-level keys */
				nsm__error(err, 0, 0, "JSON: key \"%s\" is not PCR0..PCR31", key);
				goto out;
			}
			if (!json_object_is_type(val, json_type_string) ||
			    nsm_pcrset_set_hex(set, (uint32_t)idx, json_object_get_string(val))) {
				nsm__error(err, 0, 0, "JSON: %s is not a hex string of 32, 48 or 64 bytes", key);
				goto out;
			}
		}
	}
	if (!nsm_pcrset_count(set)) {
		nsm__error(err, 0, 0, "JSON: no PCR0..PCR31 key");
		goto out;
	}
	ret = 0;
out:
	json_object_put(root);
	json_tokener_free(tok);
	return ret;
}

static int load_lines(struct nsm_pcrset *set, struct nsm_error *err,
		      const char *text, size_t len)
{
	size_t pos = 0, line = 0;

	while (pos < len) {
		const char *s = text + pos, *e = memchr(s, '\n', len - pos);
		size_t l = e ? (size_t)(e - s) : len - pos;
		char buf[256], *p, *name, *hex, *rest;
		int idx;

		pos += l + 1;
		line++;
		if (l >= sizeof(buf)) {
			nsm__error(err, 0, 0, "line %zu: too long", line);
			return -EINVAL;
		}
		memcpy(buf, s, l);
		buf[l] = '\0';
		if ((p = strchr(buf, '#')))
			*p = '\0';
		for (p = buf; *p; p++)
			if (*p == '=' || *p == ':' || *p == '\t' || *p == '\r')
				*p = ' ';
		name = strtok_r(buf, " ", &rest);
		if (!name)
			continue;
		hex = strtok_r(NULL, " ", &rest);
		idx = pcr_name(name, strlen(name));
		if (idx < 0 || !hex || strtok_r(NULL, " ", &rest)) {
			nsm__error(err, 0, 0, "line %zu: expected \"PCR<n> <hex>\"", line);
			return -EINVAL;
		}
		if (nsm_pcrset_set_hex(set, (uint32_t)idx, hex)) {
			nsm__error(err, 0, 0, "line %zu: PCR%d value is not 32, 48 or 64 bytes of hex",
			     line, idx);
			return -EINVAL;
		}
	}
	if (!nsm_pcrset_count(set)) {
		nsm__error(err, 0, 0, "no PCR values found");
		return -EINVAL;
	}
	return 0;
}

int nsm_pcrset_load(struct nsm_pcrset **setp, struct nsm_error *err,
		    const char *text, size_t len)
{
	struct nsm_pcrset *set;
	size_t i = 0;
	int ret;

	if (!setp || (!text && len) || len > INT32_MAX)
		return nsm__errno(err, -EINVAL);
	*setp = NULL;
	ret = nsm_pcrset_new(&set);
	if (ret)
		return nsm__errno(err, ret);
	while (i < len && isspace((unsigned char)text[i]))
		i++;
	if (i < len && text[i] == '{')
		ret = load_json(set, err, text, len);
	else
		ret = load_lines(set, err, text, len);
	if (ret) {
		nsm_pcrset_free(&set);
		return ret == -ENOMEM ? nsm__errno(err, ret) : ret;
	}
	*setp = set;
	return 0;
}

/* An EIF's measurements; an image that does not open is -EINVAL. */
static int load_eif(struct nsm_pcrset **setp, struct nsm_error *err,
		    const char *path, const uint8_t *buf, size_t len)
{
	struct nsm_error ee;
	struct nsm_eif *e = NULL;
	int ret;

	if (buf) {
		ret = nsm_eif_open(&e, &ee, buf, len, 0);
		if (!ret)
			ret = nsm_eif_pcrset(setp, e);
		nsm_eif_free(&e);
	} else {
		ret = nsm_eif_file_pcrs(setp, &ee, path);
	}
	if (ret == -EBADMSG) {
		nsm__error(err, ee.code, ee.offset, "EIF %s: %s",
			   nsm_eif_status_name(ee.code), ee.message);
		return -EINVAL;
	}
	if (ret)
		nsm__error(err, 0, 0, "%s: %s", path, strerror(-ret));
	return ret;
}

static bool starts_eif(const char *path)
{
	char magic[4];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, magic, sizeof(magic));
	close(fd);
	return n == 4 && !memcmp(magic, ".eif", 4);
}

int nsm_pcrset_load_file(struct nsm_pcrset **setp, struct nsm_error *err,
			 const char *path)
{
	uint8_t *buf;
	size_t len;
	int ret;

	if (!setp || !path)
		return nsm__errno(err, -EINVAL);
	*setp = NULL;
	/* an image is read in a streaming pass, not into memory */
	if (strcmp(path, "-") && starts_eif(path))
		return load_eif(setp, err, path, NULL, 0);
	ret = file_read(&buf, &len, path, 1u << 20);
	if (ret) {
		nsm__error(err, 0, 0, "%s: %s", path, strerror(-ret));
		return ret;
	}
	if (len >= 4 && !memcmp(buf, ".eif", 4))
		ret = load_eif(setp, err, path, buf, len);
	else
		ret = nsm_pcrset_load(setp, err, (const char *)buf, len);
	free(buf);
	return ret;
}

int nsm_pcrset_from_doc(struct nsm_pcrset **setp, const struct nsm_doc *doc)
{
	size_t i;
	int ret;

	if (!setp || !doc)
		return -EINVAL;
	ret = nsm_pcrset_new(setp);
	if (ret)
		return ret;
	for (i = 0; i < nsm_doc_pcr_count(doc); i++) {
		uint32_t idx;
		const uint8_t *v;
		size_t len;

		nsm_doc_pcr_at(doc, i, &idx, &v, &len);
		if (v)
			nsm_pcrset_set(*setp, idx, v, len);	/* bad ones left out */
	}
	return 0;
}

const char *nsm_pcr_diff_state_name(enum nsm_pcr_diff_state state)
{
	switch (state) {
	case NSM_PCR_UNCHANGED:
		return "unchanged";
	case NSM_PCR_CHANGED:
		return "changed";
	case NSM_PCR_MISSING_A:
		return "missing-a";
	case NSM_PCR_MISSING_B:
		return "missing-b";
	}
	return "unknown";
}

size_t nsm_pcr_diff(struct nsm_pcr_diff out[NSM_MAX_PCRS],
		    const struct nsm_pcrset *a, const struct nsm_pcrset *b)
{
	uint32_t i;
	size_t n = 0;

	if (!out)
		return 0;
	for (i = 0; i < NSM_MAX_PCRS; i++) {
		struct nsm_pcr_diff *d = &out[n];

		d->index = i;
		d->a = nsm_pcrset_get(a, i, &d->a_len);
		d->b = nsm_pcrset_get(b, i, &d->b_len);
		if (!d->a && !d->b)
			continue;
		if (!d->a)
			d->state = NSM_PCR_MISSING_A;
		else if (!d->b)
			d->state = NSM_PCR_MISSING_B;
		else if (d->a_len == d->b_len && !memcmp(d->a, d->b, d->a_len))
			d->state = NSM_PCR_UNCHANGED;
		else
			d->state = NSM_PCR_CHANGED;
		n++;
	}
	return n;
}

/* Re-point the entries of a diff from a temporary set to @doc's bytes. */
static void point_to_doc(struct nsm_pcr_diff *out, size_t n,
			 const struct nsm_doc *doc, bool side_a)
{
	size_t i, l;

	for (i = 0; i < n; i++) {
		const uint8_t **p = side_a ? &out[i].a : &out[i].b;

		if (*p)
			*p = nsm_doc_pcr(doc, out[i].index, &l);
	}
}

int nsm_pcr_diff_docs(struct nsm_pcr_diff out[NSM_MAX_PCRS],
		      const struct nsm_doc *a, const struct nsm_doc *b)
{
	struct nsm_pcrset *sa = NULL, *sb = NULL;
	size_t n;
	int ret;

	if (!out || !a || !b)
		return -EINVAL;
	ret = nsm_pcrset_from_doc(&sa, a);
	if (!ret)
		ret = nsm_pcrset_from_doc(&sb, b);
	if (!ret) {
		n = nsm_pcr_diff(out, sa, sb);
		point_to_doc(out, n, a, true);
		point_to_doc(out, n, b, false);
		ret = (int)n;
	}
	nsm_pcrset_free(&sa);
	nsm_pcrset_free(&sb);
	return ret;
}

int nsm_pcr_diff_doc(struct nsm_pcr_diff out[NSM_MAX_PCRS],
		     const struct nsm_doc *a, const struct nsm_pcrset *b)
{
	struct nsm_pcrset *sa = NULL;
	size_t n;
	int ret;

	if (!out || !a || !b)
		return -EINVAL;
	ret = nsm_pcrset_from_doc(&sa, a);
	if (ret)
		return ret;
	n = nsm_pcr_diff(out, sa, b);
	point_to_doc(out, n, a, true);
	nsm_pcrset_free(&sa);
	return (int)n;
}
