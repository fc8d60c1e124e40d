// SPDX-License-Identifier: GPL-2.0
/*
 * The test CA hierarchy every instance signs under, one per module, and
 * its configfs group /sys/kernel/config/nsm_emu/pki/ (documented in
 * Documentation/ABI/testing/configfs-nsm_emu; the PKI itself in
 * Documentation/attestation.rst).
 *
 * The current chain is a reference-counted struct nsm_emu_ca behind a
 * spinlock. Readers take a reference and use it with no lock held; a
 * replacement builds and validates the new chain first (several P-384
 * operations, with no lock that requests take), then swaps the pointer.
 * Leaves issued under the old chain keep it alive until their last
 * document is signed; an instance notices the replacement at its next
 * document and mints a leaf under the new chain.
 *
 * Provisioning input arrives through two write-only binary attributes.
 * configfs collects a whole write and hands it over when the file is
 * closed; a later write replaces what was staged. commit consumes the
 * staged input whatever its outcome. The staged key, and configfs's copy
 * of it, are wiped when taken over, consumed, replaced and at unload.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "core/p384.h"
#include "nsm_emu.h"

/* Staging limits: four 1024-byte certificates, a PKCS#8 P-384 key. */
#define NSM_STAGE_CHAIN_MAX	8192
#define NSM_STAGE_KEY_MAX	2048

/**
 * struct nsm_pki_state - the module's PKI
 * @ca_lock:     guards @cur
 * @cur:         the current chain (a reference), never NULL after init
 * @update_lock: serialises replacements, the staging buffers, @last_error
 *               and @generation
 * @generation:  chains installed since load
 * @chain:       staged chain (DER), @chain_len bytes; NULL when none
 * @chain_len:   its length
 * @key:         staged key (DER), @key_len bytes; NULL when none
 * @key_len:     its length
 * @last_error:  outcome of the last commit or generate, a static string
 */
struct nsm_pki_state {
	spinlock_t ca_lock;	/* see above */
	struct nsm_emu_ca *cur;
	struct mutex update_lock;	/* see above */
	u64 generation;
	u8 *chain;
	size_t chain_len;
	u8 *key;
	size_t key_len;
	const char *last_error;
};

static struct nsm_pki_state nsm_pki = {
	.ca_lock = __SPIN_LOCK_UNLOCKED(nsm_pki.ca_lock),
	.update_lock = __MUTEX_INITIALIZER(nsm_pki.update_lock),
	.last_error = "none",
};

struct config_group nsm_pki_group;

static void nsm_emu_ca_release(struct kref *ref)
{
	struct nsm_emu_ca *ca = container_of(ref, struct nsm_emu_ca, ref);

	nsm_ca_free(ca->ca);	/* wipes the key */
	kfree(ca);
}

/**
 * nsm_emu_ca_put() - drop a reference to a chain
 * @ca: the chain, or NULL
 *
 * Context: Process context (the last put frees, which may sleep).
 */
void nsm_emu_ca_put(struct nsm_emu_ca *ca)
{
	if (ca)
		kref_put(&ca->ref, nsm_emu_ca_release);
}

/**
 * nsm_pki_get_ca() - the current chain, with a reference for the caller
 *
 * Context: Any context; takes nsm_pki.ca_lock.
 * Return: the chain; release it with nsm_emu_ca_put().
 */
struct nsm_emu_ca *nsm_pki_get_ca(void)
{
	struct nsm_emu_ca *ca;

	spin_lock(&nsm_pki.ca_lock);
	ca = nsm_pki.cur;
	kref_get(&ca->ref);
	spin_unlock(&nsm_pki.ca_lock);
	return ca;
}

static void nsm_emu_leaf_release(struct kref *ref)
{
	struct nsm_emu_leaf *leaf = container_of(ref, struct nsm_emu_leaf, ref);

	nsm_leaf_free(leaf->leaf);	/* wipes the key */
	nsm_emu_ca_put(leaf->ca);
	kfree(leaf);
}

/**
 * nsm_emu_leaf_put() - drop a reference to a leaf
 * @leaf: the leaf, or NULL
 *
 * Context: Process context (the last put frees, which may sleep).
 */
void nsm_emu_leaf_put(struct nsm_emu_leaf *leaf)
{
	if (leaf)
		kref_put(&leaf->ref, nsm_emu_leaf_release);
}

/* An errno for a core PKI error. */
static int nsm_pki_errno(int err)
{
	switch (-err) {
	case NSM_PKI_ENOMEM:
		return -ENOMEM;
	case NSM_PKI_ECRYPTO:
		return -EIO;
	default:
		return -EINVAL;
	}
}

/**
 * nsm_emu_leaf_new() - mint a leaf under @ca now
 * @ca:         the chain; the leaf takes a reference of its own
 * @module_id:  names the leaf
 * @lifetime_s: its lifetime
 * @epoch:      the instance's leaf epoch it is minted for
 * @out:        receives the leaf, one reference
 *
 * Context: Process context, may sleep (two P-384 operations); call it
 * with no instance lock held.
 * Return: 0 or a negative errno.
 */
int nsm_emu_leaf_new(struct nsm_emu_ca *ca, const char *module_id,
		     u32 lifetime_s, u64 epoch, struct nsm_emu_leaf **out)
{
	struct nsm_emu_leaf *leaf;
	int ret;

	leaf = kzalloc(sizeof(*leaf), GFP_KERNEL);
	if (!leaf)
		return -ENOMEM;
	ret = nsm_leaf_issue(ca->ca, module_id, nsm_plat_time_ms() / 1000,
			     lifetime_s, &leaf->leaf);
	if (ret) {
		pr_warn_ratelimited("cannot issue a leaf certificate: %s\n",
				    nsm_pki_strerror(ret));
		kfree(leaf);
		return nsm_pki_errno(ret);
	}
	kref_init(&leaf->ref);
	kref_get(&ca->ref);
	leaf->ca = ca;
	leaf->epoch = epoch;
	*out = leaf;
	return 0;
}

/**
 * nsm_pki_install() - make @ca the chain every instance signs under
 * @new: an allocated, zeroed wrapper; the module's reference
 * @ca:  a validated chain, owned by @new afterwards
 *
 * Context: Process context; the caller holds nsm_pki.update_lock.
 */
static void nsm_pki_install(struct nsm_emu_ca *new, struct nsm_ca *ca)
{
	struct nsm_emu_ca *old;

	lockdep_assert_held(&nsm_pki.update_lock);
	kref_init(&new->ref);
	new->ca = ca;
	new->generation = ++nsm_pki.generation;

	spin_lock(&nsm_pki.ca_lock);
	old = nsm_pki.cur;
	nsm_pki.cur = new;
	spin_unlock(&nsm_pki.ca_lock);
	nsm_emu_ca_put(old);
}

/*
 * The instance CA of a generated chain is the parent instance's: every
 * instance is an enclave of the one fake parent instance.
 */
static int nsm_pki_generate_locked(void)
{
	struct nsm_emu_ca *new;
	struct nsm_ca *ca;
	int ret;

	lockdep_assert_held(&nsm_pki.update_lock);
	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new) {
		nsm_pki.last_error = "out of memory";
		return -ENOMEM;
	}
	ret = nsm_ca_generate(NSM_DEFAULT_MODULE_ID,
			      nsm_plat_time_ms() / 1000, &ca);
	if (ret) {
		kfree(new);
		nsm_pki.last_error = nsm_pki_strerror(ret);
		pr_warn_ratelimited("cannot generate a chain: %s\n",
				    nsm_pki.last_error);
		return nsm_pki_errno(ret);
	}
	nsm_pki_install(new, ca);
	nsm_pki.last_error = "none";
	return 0;
}

/* Forget the staged input, wiping the key. */
static void nsm_stage_clear_locked(void)
{
	lockdep_assert_held(&nsm_pki.update_lock);
	kvfree_sensitive(nsm_pki.key, nsm_pki.key_len);
	kvfree(nsm_pki.chain);
	nsm_pki.key = NULL;
	nsm_pki.chain = NULL;
	nsm_pki.key_len = 0;
	nsm_pki.chain_len = 0;
}

/* A kvmalloc()ed copy of @buf (6.1 has no kvmemdup()). */
static u8 *nsm_stage_dup(const void *buf, size_t count)
{
	u8 *copy = kvmalloc(count, GFP_KERNEL);

	if (copy)
		memcpy(copy, buf, count);
	return copy;
}

/* ---- attributes ---- */

static ssize_t nsm_pki_chain_write(struct config_item *item, const void *buf,
				   size_t count)
{
	u8 *copy = nsm_stage_dup(buf, count);

	if (!copy)
		return -ENOMEM;
	mutex_lock(&nsm_pki.update_lock);
	kvfree(nsm_pki.chain);
	nsm_pki.chain = copy;
	nsm_pki.chain_len = count;
	mutex_unlock(&nsm_pki.update_lock);
	return count;
}

/*
 * configfs frees its buffer without wiping it, so the key is wiped there
 * too: the buffer is configfs's private copy of what was written, handed
 * to us once, at release.
 */
static ssize_t nsm_pki_key_write(struct config_item *item, const void *buf,
				 size_t count)
{
	u8 *copy = nsm_stage_dup(buf, count);

	memzero_explicit((void *)buf, count);
	if (!copy)
		return -ENOMEM;
	mutex_lock(&nsm_pki.update_lock);
	kvfree_sensitive(nsm_pki.key, nsm_pki.key_len);
	nsm_pki.key = copy;
	nsm_pki.key_len = count;
	mutex_unlock(&nsm_pki.update_lock);
	return count;
}

/*
 * configfs asks for the size first (@buf NULL), then for the bytes into a
 * buffer of that size. A chain replaced in between may have another root:
 * that read fails with EAGAIN rather than return a mix.
 */
static ssize_t nsm_pki_root_read(struct config_item *item, void *buf,
				 size_t max_count)
{
	struct nsm_emu_ca *ca = nsm_pki_get_ca();
	const u8 *der;
	size_t len;
	ssize_t ret;

	ret = nsm_ca_cert(ca->ca, 0, &der, &len);
	if (ret) {
		ret = -ENODATA;
	} else if (!buf) {
		ret = len;
	} else if (len != max_count) {
		ret = -EAGAIN;
	} else {
		memcpy(buf, der, len);
		ret = len;
	}
	nsm_emu_ca_put(ca);
	return ret;
}

static struct configfs_bin_attribute nsm_pki_attr_chain = {
	.cb_attr = {
		.ca_owner	= THIS_MODULE,
		.ca_name	= "chain",
		.ca_mode	= 0200,
	},
	.cb_max_size	= NSM_STAGE_CHAIN_MAX,
	.write		= nsm_pki_chain_write,
};

static struct configfs_bin_attribute nsm_pki_attr_key = {
	.cb_attr = {
		.ca_owner	= THIS_MODULE,
		.ca_name	= "key",
		.ca_mode	= 0200,
	},
	.cb_max_size	= NSM_STAGE_KEY_MAX,
	.write		= nsm_pki_key_write,
};

static struct configfs_bin_attribute nsm_pki_attr_root = {
	.cb_attr = {
		.ca_owner	= THIS_MODULE,
		.ca_name	= "root",
		.ca_mode	= 0400,
	},
	.read		= nsm_pki_root_read,
};

static ssize_t nsm_pki_commit_store(struct config_item *item,
				    const char *page, size_t count)
{
	struct nsm_emu_ca *new;
	struct nsm_ca *ca;
	int ret;

	ret = nsm_action_arg(page, "commit");
	if (ret)
		return ret;
	new = kzalloc(sizeof(*new), GFP_KERNEL);
	mutex_lock(&nsm_pki.update_lock);
	if (!new) {
		nsm_pki.last_error = "out of memory";
		ret = -ENOMEM;
		goto out_clear;
	}
	if (!nsm_pki.chain || !nsm_pki.key) {
		nsm_pki.last_error = "nothing staged: write chain and key first";
		ret = -ENODATA;
		goto out_clear;
	}
	ret = nsm_ca_provision(nsm_pki.key, nsm_pki.key_len, nsm_pki.chain,
			       nsm_pki.chain_len, nsm_plat_time_ms() / 1000,
			       &ca);
	if (ret) {
		nsm_pki.last_error = nsm_pki_strerror(ret);
		pr_warn_ratelimited("commit: rejected: %s; the previous chain stays in force\n",
				    nsm_pki.last_error);
		ret = nsm_pki_errno(ret);
		goto out_clear;
	}
	nsm_pki_install(new, ca);
	new = NULL;
	nsm_pki.last_error = "none";
	pr_info("provisioned chain installed\n");
out_clear:
	nsm_stage_clear_locked();	/* consumed whatever the outcome */
	mutex_unlock(&nsm_pki.update_lock);
	kfree(new);
	return ret ?: count;
}

static ssize_t nsm_pki_generate_store(struct config_item *item,
				      const char *page, size_t count)
{
	int ret;

	ret = nsm_action_arg(page, "generate");
	if (ret)
		return ret;
	mutex_lock(&nsm_pki.update_lock);
	ret = nsm_pki_generate_locked();
	mutex_unlock(&nsm_pki.update_lock);
	return ret ?: count;
}

enum nsm_pki_field {
	NSM_PKI_MODE,
	NSM_PKI_CHAIN_LEN,
	NSM_PKI_CA_NOT_AFTER,
	NSM_PKI_GENERATION,
};

static ssize_t nsm_pki_field_show(char *page, enum nsm_pki_field f)
{
	struct nsm_emu_ca *ca = nsm_pki_get_ca();
	ssize_t len = -EINVAL;

	switch (f) {
	case NSM_PKI_MODE:
		len = sysfs_emit(page, "%s\n", nsm_ca_provisioned(ca->ca) ?
				 "provisioned" : "ephemeral");
		break;
	case NSM_PKI_CHAIN_LEN:
		len = sysfs_emit(page, "%u\n", nsm_ca_len(ca->ca));
		break;
	case NSM_PKI_CA_NOT_AFTER:
		len = sysfs_emit(page, "%llu\n", nsm_ca_not_after(ca->ca));
		break;
	case NSM_PKI_GENERATION:
		len = sysfs_emit(page, "%llu\n", ca->generation);
		break;
	}
	nsm_emu_ca_put(ca);
	return len;
}

static ssize_t nsm_pki_mode_show(struct config_item *item, char *page)
{
	return nsm_pki_field_show(page, NSM_PKI_MODE);
}

static ssize_t nsm_pki_chain_len_show(struct config_item *item, char *page)
{
	return nsm_pki_field_show(page, NSM_PKI_CHAIN_LEN);
}

static ssize_t nsm_pki_ca_not_after_show(struct config_item *item, char *page)
{
	return nsm_pki_field_show(page, NSM_PKI_CA_NOT_AFTER);
}

static ssize_t nsm_pki_generation_show(struct config_item *item, char *page)
{
	return nsm_pki_field_show(page, NSM_PKI_GENERATION);
}

static ssize_t nsm_pki_last_error_show(struct config_item *item, char *page)
{
	ssize_t len;

	mutex_lock(&nsm_pki.update_lock);
	len = sysfs_emit(page, "%s\n", nsm_pki.last_error);
	mutex_unlock(&nsm_pki.update_lock);
	return len;
}

#define NSM_PKI_ATTR(_name, _mode, _show, _store)			\
static struct configfs_attribute nsm_pki_attr_##_name = {		\
	.ca_owner	= THIS_MODULE,					\
	.ca_name	= __stringify(_name),				\
	.ca_mode	= (_mode),					\
	.show		= (_show),					\
	.store		= (_store),					\
}

NSM_PKI_ATTR(commit, 0200, NULL, nsm_pki_commit_store);
NSM_PKI_ATTR(generate, 0200, NULL, nsm_pki_generate_store);
NSM_PKI_ATTR(mode, 0400, nsm_pki_mode_show, NULL);
NSM_PKI_ATTR(chain_len, 0400, nsm_pki_chain_len_show, NULL);
NSM_PKI_ATTR(ca_not_after, 0400, nsm_pki_ca_not_after_show, NULL);
NSM_PKI_ATTR(generation, 0400, nsm_pki_generation_show, NULL);
NSM_PKI_ATTR(last_error, 0400, nsm_pki_last_error_show, NULL);

static struct configfs_attribute *nsm_pki_attrs[] = {
	&nsm_pki_attr_commit,
	&nsm_pki_attr_generate,
	&nsm_pki_attr_mode,
	&nsm_pki_attr_chain_len,
	&nsm_pki_attr_ca_not_after,
	&nsm_pki_attr_generation,
	&nsm_pki_attr_last_error,
	NULL
};

static struct configfs_bin_attribute *nsm_pki_bin_attrs[] = {
	&nsm_pki_attr_chain,
	&nsm_pki_attr_key,
	&nsm_pki_attr_root,
	NULL
};

static const struct config_item_type nsm_pki_type = {
	.ct_attrs	= nsm_pki_attrs,
	.ct_bin_attrs	= nsm_pki_bin_attrs,
	.ct_owner	= THIS_MODULE,
};

/**
 * nsm_pki_init() - check the signer, generate the zero-config chain
 *
 * Checks the P-384 signer against its known answers (RFC 6979 A.2.6; its
 * comb table is static, nothing to initialise) and generates the
 * ephemeral chain, so that documents can be signed from the first
 * request. Prepares the configfs group, registered with the subsystem.
 *
 * Context: Process context, module init.
 * Return: 0, or a negative errno that fails the module load.
 */
int nsm_pki_init(void)
{
	int ret;

	if (p384_selftest()) {
		pr_err("P-384 signer self-test failed; refusing to sign documents with it\n");
		return -EIO;
	}
	mutex_lock(&nsm_pki.update_lock);
	ret = nsm_pki_generate_locked();
	mutex_unlock(&nsm_pki.update_lock);
	if (ret)
		return ret;
	config_group_init_type_name(&nsm_pki_group, "pki", &nsm_pki_type);
	return 0;
}

/**
 * nsm_pki_exit() - free the chain and the staged input, wiping the keys
 *
 * Context: Process context, module exit, after every instance is gone.
 */
void nsm_pki_exit(void)
{
	mutex_lock(&nsm_pki.update_lock);
	nsm_stage_clear_locked();
	mutex_unlock(&nsm_pki.update_lock);
	nsm_emu_ca_put(nsm_pki.cur);
	nsm_pki.cur = NULL;
}
