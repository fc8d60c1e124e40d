// SPDX-License-Identifier: GPL-2.0
/*
 * State: keys, their policies and aliases, in memory and in a directory.
 *
 *   DIR/master.key         32 random bytes (0600): wraps every key's material
 *   DIR/keys/<id>.json     a key: id, creation date, description, material
 *                          sealed with AES-256-GCM under the master key
 *                          (additional data: "nsm-kmsd key <id>")
 *   DIR/policies/<id>.json its key policy, verbatim
 *   DIR/aliases.json       every alias
 *
 * Every file is written to a temporary name, fsynced and renamed over the
 * old one (kms_write_atomic()), so a crash leaves either the old or the new
 * file, never a torn one. A key exists once its key file does: the policy
 * is written first. Leftover temporary files are removed at start.
 * One mutex guards the memory image; writes happen under it, so the files
 * change in the order the requests were answered.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "kmsd.h"

struct kms_store {
	pthread_mutex_t lock;
	char *dir;			/* NULL: memory only */
	uint8_t master[32];
	struct kms_key **keys;		/* sorted by id */
	size_t nkeys, cap;
	struct kms_alias *aliases;	/* sorted by name */
	size_t naliases, acap;
};

static void key_destroy(struct kms_key *k)
{
	if (!k)
		return;
	kms_wipe(k->material, sizeof(k->material));
	free(k->description);
	free(k->policy_text);
	kms_policy_free(&k->policy);
	free(k);
}

void kms_key_free(struct kms_key **k)
{
	if (k) {
		key_destroy(*k);
		*k = NULL;
	}
}

static char *path_of(const struct kms_store *s, const char *a, const char *b,
		     const char *c)
{
	char *p;

	if (asprintf(&p, "%s/%s%s%s", s->dir, a, b ? b : "", c ? c : "") < 0)
		return NULL;
	return p;
}

/* index of @id, or where it would go (negative: -(pos + 1)) */
static long find_key_locked(const struct kms_store *s, const char *id)
{
	size_t lo = 0, hi = s->nkeys;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(s->keys[mid]->id, id);

		if (!c)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -(long)lo - 1;
}

static int insert_key_locked(struct kms_store *s, struct kms_key *k)
{
	long pos = find_key_locked(s, k->id);
	size_t at;

	if (pos >= 0)
		return -EEXIST;
	at = (size_t)(-pos - 1);
	if (s->nkeys == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 64;
		struct kms_key **nk = realloc(s->keys, nc * sizeof(*nk));

		if (!nk)
			return -ENOMEM;
		s->keys = nk;
		s->cap = nc;
	}
	memmove(s->keys + at + 1, s->keys + at,
		(s->nkeys - at) * sizeof(*s->keys));
	s->keys[at] = k;
	s->nkeys++;
	return 0;
}

static int write_key_locked(struct kms_store *s, const struct kms_key *k)
{
	uint8_t sealed[12 + KMSD_KEY_LEN + 16];
	char aad[64];
	json_object *o;
	char *b64, *path;
	const char *text;
	int ret;

	if (!s->dir)
		return 0;
	snprintf(aad, sizeof(aad), "nsm-kmsd key %s", k->id);
	if (kms_gcm_seal(sealed, s->master, (const uint8_t *)aad, strlen(aad),
			 k->material, KMSD_KEY_LEN))
		return -EIO;
	b64 = kms_b64_encode(sealed, sizeof(sealed));
	o = json_object_new_object();
	if (!b64 || !o) {
		free(b64);
		json_object_put(o);
		return -ENOMEM;
	}
	json_object_object_add(o, "KeyId", json_object_new_string(k->id));
	json_object_object_add(o, "CreationDate",
			       kms_json_date(k->created));
	json_object_object_add(o, "Description",
			       json_object_new_string(k->description));
	json_object_object_add(o, "Material", json_object_new_string(b64));
	free(b64);
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY);
	path = path_of(s, "keys/", k->id, ".json");
	ret = path ? kms_write_atomic(path, text, strlen(text)) : -ENOMEM;
	free(path);
	json_object_put(o);
	return ret;
}

static int write_policy_locked(struct kms_store *s, const char *id,
			       const char *text)
{
	char *path;
	int ret;

	if (!s->dir)
		return 0;
	path = path_of(s, "policies/", id, ".json");
	ret = path ? kms_write_atomic(path, text, strlen(text)) : -ENOMEM;
	free(path);
	return ret;
}

static int write_aliases_locked(struct kms_store *s)
{
	json_object *arr;
	const char *text;
	char *path;
	size_t i;
	int ret;

	if (!s->dir)
		return 0;
	arr = json_object_new_array();
	if (!arr)
		return -ENOMEM;
	for (i = 0; i < s->naliases; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "AliasName",
				       json_object_new_string(s->aliases[i].name));
		json_object_object_add(o, "TargetKeyId",
				       json_object_new_string(s->aliases[i].target));
		json_object_object_add(o, "CreationDate",
				       kms_json_date(s->aliases[i].created));
		json_object_object_add(o, "LastUpdatedDate",
				       kms_json_date(s->aliases[i].updated));
		json_object_array_add(arr, o);
	}
	text = json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY);
	path = path_of(s, "aliases.json", NULL, NULL);
	ret = path ? kms_write_atomic(path, text, strlen(text)) : -ENOMEM;
	free(path);
	json_object_put(arr);
	return ret;
}

/* ---- loading ----------------------------------------------------- */

static int load_master(struct kms_store *s, char *err, size_t err_len)
{
	uint8_t *buf;
	size_t len;
	char *path = path_of(s, "master.key", NULL, NULL);
	struct stat sb;
	int ret;

	if (!path)
		return -ENOMEM;
	ret = kms_read_file(path, &buf, &len, 64);
	if (ret == -ENOENT) {
		if (RAND_bytes(s->master, 32) != 1) {
			free(path);
			snprintf(err, err_len, "no random bytes for the master key");
			return -EIO;
		}
		ret = kms_write_atomic(path, s->master, 32);
		if (ret)
			snprintf(err, err_len, "cannot write %s: %s", path,
				 strerror(-ret));
		free(path);
		return ret;
	}
	if (ret) {
		snprintf(err, err_len, "cannot read %s: %s", path, strerror(-ret));
		free(path);
		return ret;
	}
	if (len != 32) {
		snprintf(err, err_len, "%s: %zu bytes, a master key has 32",
			 path, len);
		kms_wipe(buf, len);
		free(buf);
		free(path);
		return -EINVAL;
	}
	if (!stat(path, &sb) && (sb.st_mode & 077))
		kms_log("warning: %s is readable by others (mode %03o); it should be 0600",
			path, (unsigned int)(sb.st_mode & 0777));
	memcpy(s->master, buf, 32);
	kms_wipe(buf, len);
	free(buf);
	free(path);
	return 0;
}

static int load_key(struct kms_store *s, const char *id, char *err,
		    size_t err_len)
{
	struct kms_status st;
	struct kms_key *k = calloc(1, sizeof(*k));
	char *kpath = path_of(s, "keys/", id, ".json");
	char *ppath = path_of(s, "policies/", id, ".json");
	json_object *o = NULL, *v;
	uint8_t *buf = NULL, *sealed = NULL;
	size_t len, slen;
	char aad[64];
	int ret = -EINVAL;

	if (!k || !kpath || !ppath) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(k->id, id, KMSD_UUID_LEN + 1);
	ret = kms_read_file(kpath, &buf, &len, 1 << 20);
	if (ret) {
		snprintf(err, err_len, "%s: %s", kpath, strerror(-ret));
		goto out;
	}
	ret = -EINVAL;
	o = json_tokener_parse((const char *)buf);
	if (!o || !json_object_object_get_ex(o, "Material", &v) ||
	    kms_b64_decode(&sealed, &slen, json_object_get_string(v),
			   (size_t)json_object_get_string_len(v)) ||
	    slen != 12 + KMSD_KEY_LEN + 16) {
		snprintf(err, err_len, "%s: not a key file", kpath);
		goto out;
	}
	snprintf(aad, sizeof(aad), "nsm-kmsd key %s", id);
	if (kms_gcm_open(k->material, s->master, (const uint8_t *)aad,
			 strlen(aad), sealed, slen)) {
		snprintf(err, err_len,
			 "%s: the key material does not open with master.key (another state directory's key, or tampered)",
			 kpath);
		goto out;
	}
	if (json_object_object_get_ex(o, "CreationDate", &v))
		k->created = json_object_get_double(v);
	k->description = strdup(json_object_object_get_ex(o, "Description", &v) ?
				json_object_get_string(v) : "");
	free(buf);
	buf = NULL;
	ret = kms_read_file(ppath, &buf, &len, KMS_POLICY_MAX);
	if (ret) {
		snprintf(err, err_len, "%s: %s", ppath, strerror(-ret));
		goto out;
	}
	ret = -EINVAL;
	if (kms_policy_parse(&k->policy, &st, (const char *)buf, len)) {
		snprintf(err, err_len, "%s: %s", ppath, st.msg);
		goto out;
	}
	k->policy_text = (char *)buf;
	buf = NULL;
	if (!k->description) {
		ret = -ENOMEM;
		goto out;
	}
	ret = insert_key_locked(s, k);
	if (!ret)
		k = NULL;
out:
	json_object_put(o);
	if (sealed)
		kms_wipe(sealed, slen);
	free(sealed);
	free(buf);
	free(kpath);
	free(ppath);
	key_destroy(k);
	return ret;
}

static int load_aliases(struct kms_store *s, char *err, size_t err_len)
{
	char *path = path_of(s, "aliases.json", NULL, NULL);
	json_object *arr = NULL;
	uint8_t *buf = NULL;
	size_t len, i, n;
	int ret;

	if (!path)
		return -ENOMEM;
	ret = kms_read_file(path, &buf, &len, 64 << 20);
	if (ret == -ENOENT) {
		ret = 0;
		goto out;
	}
	if (ret) {
		snprintf(err, err_len, "%s: %s", path, strerror(-ret));
		goto out;
	}
	arr = json_tokener_parse((const char *)buf);
	if (!json_object_is_type(arr, json_type_array)) {
		snprintf(err, err_len, "%s: not a list of aliases", path);
		ret = -EINVAL;
		goto out;
	}
	n = json_object_array_length(arr);
	s->aliases = calloc(n ? n : 1, sizeof(*s->aliases));
	if (!s->aliases) {
		ret = -ENOMEM;
		goto out;
	}
	s->acap = n ? n : 1;
	for (i = 0; i < n; i++) {
		json_object *o = json_object_array_get_idx(arr, i), *name,
			*target, *c, *u;
		struct kms_alias *a = &s->aliases[s->naliases];

		if (!json_object_object_get_ex(o, "AliasName", &name) ||
		    !json_object_object_get_ex(o, "TargetKeyId", &target) ||
		    !kms_is_uuid(json_object_get_string(target))) {
			snprintf(err, err_len, "%s: entry %zu is not an alias",
				 path, i);
			ret = -EINVAL;
			goto out;
		}
		a->name = strdup(json_object_get_string(name));
		if (!a->name) {
			ret = -ENOMEM;
			goto out;
		}
		memcpy(a->target, json_object_get_string(target),
		       KMSD_UUID_LEN + 1);
		a->created = json_object_object_get_ex(o, "CreationDate", &c) ?
			json_object_get_double(c) : 0;
		a->updated = json_object_object_get_ex(o, "LastUpdatedDate", &u) ?
			json_object_get_double(u) : a->created;
		s->naliases++;
	}
out:
	json_object_put(arr);
	free(buf);
	free(path);
	return ret;
}

static int ensure_dir(const char *path, char *err, size_t err_len)
{
	if (mkdir(path, 0700) && errno != EEXIST) {
		snprintf(err, err_len, "cannot create %s: %s", path,
			 strerror(errno));
		return -errno;
	}
	return 0;
}

int kms_store_open(struct kms_store **out, const char *dir, char *err,
		   size_t err_len)
{
	struct kms_store *s = calloc(1, sizeof(*s));
	char *kdir = NULL, *pdir = NULL;
	struct dirent *de;
	DIR *d = NULL;
	int ret = -ENOMEM;

	*out = NULL;
	if (!s) {
		snprintf(err, err_len, "out of memory");
		return -ENOMEM;
	}
	pthread_mutex_init(&s->lock, NULL);
	if (!dir) {
		if (RAND_bytes(s->master, 32) != 1)
			goto fail;
		*out = s;
		return 0;
	}
	s->dir = strdup(dir);
	kdir = s->dir ? path_of(s, "keys", NULL, NULL) : NULL;
	pdir = s->dir ? path_of(s, "policies", NULL, NULL) : NULL;
	if (!kdir || !pdir)
		goto fail;
	if ((ret = ensure_dir(dir, err, err_len)) ||
	    (ret = ensure_dir(kdir, err, err_len)) ||
	    (ret = ensure_dir(pdir, err, err_len)) ||
	    (ret = load_master(s, err, err_len)))
		goto fail;
	d = opendir(kdir);
	if (!d) {
		ret = -errno;
		snprintf(err, err_len, "cannot read %s: %s", kdir, strerror(errno));
		goto fail;
	}
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		char id[KMSD_UUID_LEN + 1];

		if (strstr(de->d_name, ".tmp.")) {
			char *p = path_of(s, "keys/", de->d_name, NULL);

			if (p)
				unlink(p);	/* a write a crash interrupted */
			free(p);
			continue;
		}
		if (n != KMSD_UUID_LEN + 5 || strcmp(de->d_name + KMSD_UUID_LEN, ".json"))
			continue;
		memcpy(id, de->d_name, KMSD_UUID_LEN);
		id[KMSD_UUID_LEN] = 0;
		if (!kms_is_uuid(id))
			continue;
		ret = load_key(s, id, err, err_len);
		if (ret)
			goto fail;
	}
	closedir(d);
	d = NULL;
	ret = load_aliases(s, err, err_len);
	if (ret)
		goto fail;
	free(kdir);
	free(pdir);
	*out = s;
	return 0;
fail:
	if (d)
		closedir(d);
	if (ret == -ENOMEM && !err[0])
		snprintf(err, err_len, "out of memory");
	free(kdir);
	free(pdir);
	kms_store_close(&s);
	return ret ? ret : -ENOMEM;
}

void kms_store_close(struct kms_store **sp)
{
	struct kms_store *s = sp ? *sp : NULL;
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nkeys; i++)
		key_destroy(s->keys[i]);
	free(s->keys);
	kms_aliases_free(s->aliases, s->naliases);
	kms_wipe(s->master, sizeof(s->master));
	pthread_mutex_destroy(&s->lock);
	free(s->dir);
	free(s);
	*sp = NULL;
}

/* ---- keys -------------------------------------------------------- */

static struct kms_key *key_copy(const struct kms_key *k)
{
	struct kms_key *c = calloc(1, sizeof(*c));
	struct kms_status st;

	if (!c)
		return NULL;
	memcpy(c->id, k->id, sizeof(c->id));
	c->created = k->created;
	memcpy(c->material, k->material, KMSD_KEY_LEN);
	c->description = strdup(k->description);
	c->policy_text = strdup(k->policy_text);
	/* the parsed policy is re-made: a snapshot owns everything it has */
	if (!c->description || !c->policy_text ||
	    kms_policy_parse(&c->policy, &st, c->policy_text,
			     strlen(c->policy_text))) {
		key_destroy(c);
		return NULL;
	}
	return c;
}

int kms_store_add_key(struct kms_store *s, struct kms_status *st,
		      const char *description, const char *policy_text,
		      struct kms_policy *policy, struct kms_key **out)
{
	struct kms_key *k = calloc(1, sizeof(*k));
	int ret;

	*out = NULL;
	if (!k)
		return kms_fail(st, KMS_E_INTERNAL, "out of memory");
	kms_uuid4(k->id);
	k->created = kms_now();
	k->description = strdup(description);
	k->policy_text = strdup(policy_text);
	if (!k->description || !k->policy_text ||
	    RAND_bytes(k->material, KMSD_KEY_LEN) != 1) {
		key_destroy(k);
		kms_policy_free(&policy);
		return kms_fail(st, KMS_E_INTERNAL, "cannot make a key");
	}
	k->policy = policy;
	pthread_mutex_lock(&s->lock);
	ret = write_policy_locked(s, k->id, policy_text);
	if (!ret)
		ret = write_key_locked(s, k);
	if (!ret)
		ret = insert_key_locked(s, k);
	if (!ret)
		*out = key_copy(k);
	pthread_mutex_unlock(&s->lock);
	if (ret) {
		key_destroy(k);
		return kms_fail(st, KMS_E_INTERNAL, "cannot store the key: %s",
				strerror(-ret));
	}
	if (!*out)
		return kms_fail(st, KMS_E_INTERNAL, "out of memory");
	return 0;
}

int kms_store_get_key(struct kms_store *s, const char *id,
		      struct kms_key **out)
{
	long pos;

	*out = NULL;
	pthread_mutex_lock(&s->lock);
	pos = find_key_locked(s, id);
	if (pos >= 0)
		*out = key_copy(s->keys[pos]);
	pthread_mutex_unlock(&s->lock);
	if (pos < 0)
		return -ENOENT;
	return *out ? 0 : -ENOMEM;
}

int kms_store_set_policy(struct kms_store *s, struct kms_status *st,
			 const char *id, const char *text,
			 struct kms_policy *policy)
{
	char *copy = strdup(text);
	long pos;
	int ret;

	if (!copy) {
		kms_policy_free(&policy);
		return kms_fail(st, KMS_E_INTERNAL, "out of memory");
	}
	pthread_mutex_lock(&s->lock);
	pos = find_key_locked(s, id);
	if (pos < 0) {
		ret = -ENOENT;
	} else {
		ret = write_policy_locked(s, id, text);
		if (!ret) {
			struct kms_key *k = s->keys[pos];

			free(k->policy_text);
			kms_policy_free(&k->policy);
			k->policy_text = copy;
			k->policy = policy;
			copy = NULL;
			policy = NULL;
		}
	}
	pthread_mutex_unlock(&s->lock);
	free(copy);
	kms_policy_free(&policy);
	if (ret == -ENOENT)
		return kms_fail(st, KMS_E_NOT_FOUND, "Key '%s' does not exist", id);
	if (ret)
		return kms_fail(st, KMS_E_INTERNAL, "cannot store the policy: %s",
				strerror(-ret));
	return 0;
}

size_t kms_store_list_keys(struct kms_store *s, const char *after,
			   size_t limit, char (*ids)[KMSD_UUID_LEN + 1],
			   bool *more)
{
	size_t i, n = 0;
	long pos;

	pthread_mutex_lock(&s->lock);
	i = 0;
	if (after) {
		pos = find_key_locked(s, after);
		i = pos >= 0 ? (size_t)pos + 1 : (size_t)(-pos - 1);
	}
	for (; i < s->nkeys && n < limit; i++)
		memcpy(ids[n++], s->keys[i]->id, KMSD_UUID_LEN + 1);
	*more = i < s->nkeys;
	pthread_mutex_unlock(&s->lock);
	return n;
}

size_t kms_store_key_count(struct kms_store *s)
{
	size_t n;

	pthread_mutex_lock(&s->lock);
	n = s->nkeys;
	pthread_mutex_unlock(&s->lock);
	return n;
}

/* ---- aliases ----------------------------------------------------- */

static long find_alias_locked(const struct kms_store *s, const char *name)
{
	size_t lo = 0, hi = s->naliases;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(s->aliases[mid].name, name);

		if (!c)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -(long)lo - 1;
}

int kms_store_add_alias(struct kms_store *s, struct kms_status *st,
			const char *name, const char *target)
{
	struct kms_alias a = { 0 };
	size_t at;
	long pos;
	int ret = 0;

	a.name = strdup(name);
	if (!a.name)
		return kms_fail(st, KMS_E_INTERNAL, "out of memory");
	memcpy(a.target, target, KMSD_UUID_LEN + 1);
	a.created = a.updated = kms_now();
	pthread_mutex_lock(&s->lock);
	pos = find_alias_locked(s, name);
	if (pos >= 0) {
		pthread_mutex_unlock(&s->lock);
		free(a.name);
		return kms_fail(st, KMS_E_ALREADY_EXISTS,
				"An alias with the name %s already exists", name);
	}
	if (find_key_locked(s, target) < 0) {
		pthread_mutex_unlock(&s->lock);
		free(a.name);
		return kms_fail(st, KMS_E_NOT_FOUND, "Key '%s' does not exist",
				target);
	}
	at = (size_t)(-pos - 1);
	if (s->naliases == s->acap) {
		size_t nc = s->acap ? s->acap * 2 : 16;
		struct kms_alias *na = realloc(s->aliases, nc * sizeof(*na));

		if (!na) {
			ret = -ENOMEM;
			goto out;
		}
		s->aliases = na;
		s->acap = nc;
	}
	memmove(s->aliases + at + 1, s->aliases + at,
		(s->naliases - at) * sizeof(*s->aliases));
	s->aliases[at] = a;
	s->naliases++;
	ret = write_aliases_locked(s);
	if (ret) {	/* not stored: not made */
		memmove(s->aliases + at, s->aliases + at + 1,
			(s->naliases - at - 1) * sizeof(*s->aliases));
		s->naliases--;
	}
out:
	pthread_mutex_unlock(&s->lock);
	if (ret) {
		free(a.name);
		return kms_fail(st, KMS_E_INTERNAL, "cannot store the alias: %s",
				strerror(-ret));
	}
	return 0;
}

int kms_store_alias_target(struct kms_store *s, const char *name,
			   char target[KMSD_UUID_LEN + 1])
{
	long pos;

	pthread_mutex_lock(&s->lock);
	pos = find_alias_locked(s, name);
	if (pos >= 0)
		memcpy(target, s->aliases[pos].target, KMSD_UUID_LEN + 1);
	pthread_mutex_unlock(&s->lock);
	return pos >= 0 ? 0 : -1;
}

size_t kms_store_aliases(struct kms_store *s, struct kms_alias **out)
{
	struct kms_alias *a;
	size_t i, n;

	pthread_mutex_lock(&s->lock);
	n = s->naliases;
	a = calloc(n ? n : 1, sizeof(*a));
	for (i = 0; a && i < n; i++) {
		a[i] = s->aliases[i];
		a[i].name = strdup(s->aliases[i].name);
		if (!a[i].name) {
			kms_aliases_free(a, i);
			a = NULL;
		}
	}
	pthread_mutex_unlock(&s->lock);
	*out = a;
	return a ? n : 0;
}

void kms_aliases_free(struct kms_alias *a, size_t n)
{
	size_t i;

	for (i = 0; a && i < n; i++)
		free(a[i].name);
	free(a);
}
