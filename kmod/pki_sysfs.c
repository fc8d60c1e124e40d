// SPDX-License-Identifier: GPL-2.0
/*
 * Control attributes of the attestation PKI: the root certificate, the
 * provisioning of an instance CA made elsewhere, a fresh ephemeral chain,
 * and the fidelity switches. Documented in
 * Documentation/ABI/testing/sysfs-driver-nsm_emu; the PKI itself (chain,
 * leaves, documents) in Documentation/attestation.rst.
 *
 * Locking. The PKI state hangs off the core's struct nsm_emu (emu.pki) and
 * is used by nsm_handle() under the device mutex, so every read or change
 * of it here takes the same mutex. Replacing the whole PKI (provisioning,
 * pki_reset) costs several P-384 operations, too long to stall /dev/nsm:
 * the new state is built and validated with no device lock held, then
 * swapped in under the mutex, taking over the fidelity switches in force
 * at that moment. Those replacements and the staging buffers are
 * serialised by nsm_pki_update_lock, always taken before the device
 * mutex, never inside it.
 *
 * Provisioning input arrives through two write-only binary attributes,
 * which sysfs hands over in chunks of at most PAGE_SIZE at increasing
 * offsets: a write at offset 0 starts a new input, later chunks must
 * follow on exactly, and anything else (a seek, an overflow) spoils the
 * staged input until the next write at offset 0. pki_commit consumes the
 * staged input whatever its outcome, and the staged key is wiped then, on
 * every restart and at unload.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/build_bug.h>
#include <linux/ctype.h>
#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "core/p384.h"
#include "core/pki.h"
#include "nsm_emu.h"

/* Staging limits: PEM of four 1024-byte certificates is under 6 KiB. */
#define NSM_STAGE_CHAIN_MAX	8192
#define NSM_STAGE_KEY_MAX	2048
#define NSM_PEM_LABEL_MAX	32

static_assert(NSM_PKI_PEM_MAX <= PAGE_SIZE);

/**
 * struct nsm_stage - one provisioning input being written
 * @buf:     the bytes, NSM_STAGE_*_MAX of room
 * @cap:     room at @buf
 * @len:     bytes written so far
 * @spoiled: a chunk came at the wrong offset or overflowed; the input
 *           cannot be committed until it is written again from offset 0
 * @secret:  holds key material: wipe the sysfs bounce buffer too
 */
struct nsm_stage {
	u8 *buf;
	size_t cap;
	size_t len;
	bool spoiled;
	bool secret;
};

/*
 * The module has one device (nsm_emu_dev in main.c), so the staging state
 * is module-wide.
 */
static DEFINE_MUTEX(nsm_pki_update_lock);
static struct nsm_stage nsm_stage_chain = { .cap = NSM_STAGE_CHAIN_MAX };
static struct nsm_stage nsm_stage_key = {
	.cap = NSM_STAGE_KEY_MAX,
	.secret = true,
};

/* Outcome of the last commit or reset; a static string, never NULL. */
static const char *nsm_pki_last_error = "none";

/* Forget a staged input, wiping the bytes written. */
static void nsm_stage_clear(struct nsm_stage *st)
{
	if (st->buf)
		memzero_explicit(st->buf, st->len);
	st->len = 0;
	st->spoiled = false;
}

/**
 * nsm_stage_write() - take one chunk of a binary attribute write
 * @st:    the staged input
 * @name:  attribute name, for the log
 * @buf:   the chunk (sysfs's bounce buffer; wiped here for secrets)
 * @off:   its offset in the file
 * @count: its length
 *
 * Context: Process context; takes nsm_pki_update_lock.
 * Return: @count, or -EINVAL (wrong offset) / -EFBIG (input too large),
 * which spoil the staged input.
 */
static ssize_t nsm_stage_write(struct nsm_stage *st, const char *name,
			       char *buf, loff_t off, size_t count)
{
	ssize_t ret = count;

	mutex_lock(&nsm_pki_update_lock);
	if (off == 0)
		nsm_stage_clear(st);
	if (off < 0 || (size_t)off != st->len || st->spoiled) {
		pr_warn_ratelimited("%s: write at offset %lld, expected %zu: write the whole input from offset 0, in order\n",
				    name, (long long)off, st->len);
		st->spoiled = true;
		ret = -EINVAL;
	} else if (count > st->cap - st->len) {
		pr_warn_ratelimited("%s: input over %zu bytes\n", name,
				    st->cap);
		st->spoiled = true;
		ret = -EFBIG;
	} else {
		memcpy(st->buf + st->len, buf, count);
		st->len += count;
	}
	mutex_unlock(&nsm_pki_update_lock);
	if (st->secret)
		memzero_explicit(buf, count);
	return ret;
}

/* ---- PEM (RFC 7468) to DER ---- */

static int nsm_b64_value(u8 c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/**
 * nsm_b64_decode() - decode the base64 body of a PEM block
 * @in:  the text between the BEGIN and END lines
 * @len: its length
 * @out: receives the bytes; room for 3/4 of @len is enough
 *
 * Whitespace is skipped; '=' padding may only end the text.
 * Return: the number of bytes, or -EINVAL.
 */
static ssize_t nsm_b64_decode(const u8 *in, size_t len, u8 *out)
{
	unsigned int bits = 0, nbits = 0, pad = 0;
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		int v;

		if (isspace(in[i]))
			continue;
		if (in[i] == '=') {
			pad++;
			continue;
		}
		v = nsm_b64_value(in[i]);
		if (v < 0 || pad)
			return -EINVAL;
		bits = (bits << 6) | v;
		nbits += 6;
		if (nbits >= 8) {
			nbits -= 8;
			out[o++] = bits >> nbits;
			bits &= (1U << nbits) - 1;
		}
	}
	/* Leftover bits must be the zero fill of a correctly padded quantum. */
	if (pad > 2 || bits || (nbits && nbits / 2 != pad))
		return -EINVAL;
	return o;
}

/* Find @pat (NUL-terminated) in @p[0..@len); NULL if absent. */
static const u8 *nsm_find(const u8 *p, size_t len, const char *pat)
{
	size_t n = strlen(pat);

	for (; len >= n; p++, len--)
		if (!memcmp(p, pat, n))
			return p;
	return NULL;
}

/**
 * nsm_pem_decode() - the DER of the PEM blocks in @in, concatenated
 * @in:      the text
 * @len:     its length
 * @want:    labels whose blocks are decoded, NULL-terminated
 * @skip:    labels whose blocks are ignored (NULL: none)
 * @out:     receives the DER; @len bytes of room are always enough
 * @nblocks: receives the number of blocks decoded
 *
 * Text outside the blocks is ignored, as OpenSSL does. A block with any
 * other label, headers (RFC 1421 encryption, "Proc-Type:"), a missing END
 * line or bad base64 fails the whole input.
 *
 * Return: the DER length, or -EINVAL after logging why.
 */
static ssize_t nsm_pem_decode(const u8 *in, size_t len,
			      const char *const *want,
			      const char *const *skip, u8 *out,
			      unsigned int *nblocks)
{
	char end[sizeof("-----END -----") + NSM_PEM_LABEL_MAX];
	const u8 *p = in, *lim = in + len;
	size_t total = 0;

	*nblocks = 0;
	while ((p = nsm_find(p, lim - p, "-----BEGIN "))) {
		const u8 *label = p + strlen("-----BEGIN "), *body, *stop;
		const char *const *w;
		size_t label_len;
		bool decode = false, ignore = false;
		ssize_t n;

		stop = nsm_find(label, lim - label, "-----");
		if (!stop || stop - label > NSM_PEM_LABEL_MAX ||
		    memchr(label, '\n', stop - label)) {
			pr_warn_ratelimited("PEM: malformed BEGIN line\n");
			return -EINVAL;
		}
		label_len = stop - label;
		for (w = want; *w; w++)
			if (strlen(*w) == label_len &&
			    !memcmp(*w, label, label_len))
				decode = true;
		for (w = skip; w && *w; w++)
			if (strlen(*w) == label_len &&
			    !memcmp(*w, label, label_len))
				ignore = true;
		if (!decode && !ignore) {
			pr_warn_ratelimited("PEM: unexpected block \"%.*s\" (expected %s%s)\n",
					    (int)label_len, label, want[0],
					    nsm_find(label, label_len, "ENCRYPTED") ?
					    "; encrypted keys are not supported" :
					    "");
			return -EINVAL;
		}
		body = stop + strlen("-----");
		snprintf(end, sizeof(end), "-----END %.*s-----",
			 (int)label_len, label);
		stop = nsm_find(body, lim - body, end);
		if (!stop) {
			pr_warn_ratelimited("PEM: no \"%s\" line\n", end);
			return -EINVAL;
		}
		p = stop + strlen(end);
		if (ignore)
			continue;
		if (memchr(body, ':', stop - body)) {
			pr_warn_ratelimited("PEM: headers (encrypted PEM) are not supported\n");
			return -EINVAL;
		}
		n = nsm_b64_decode(body, stop - body, out + total);
		if (n <= 0) {
			pr_warn_ratelimited("PEM: bad base64 in a \"%.*s\" block\n",
					    (int)label_len, label);
			return -EINVAL;
		}
		total += n;
		(*nblocks)++;
	}
	if (!*nblocks) {
		pr_warn_ratelimited("PEM: no \"%s\" block\n", want[0]);
		return -EINVAL;
	}
	return total;
}

/*
 * Inputs are DER when they start like a DER SEQUENCE; a 48-byte key is a
 * raw scalar (which may start with anything); everything else is PEM.
 */
static bool nsm_is_der(const u8 *p, size_t len)
{
	return len && p[0] == 0x30;
}

static const char *const nsm_chain_labels[] = { "CERTIFICATE", NULL };
static const char *const nsm_key_labels[] = {
	"PRIVATE KEY", "EC PRIVATE KEY", NULL
};

/* `openssl ecparam -genkey` writes the curve before the key. */
static const char *const nsm_key_skip[] = { "EC PARAMETERS", NULL };

/* ---- replacing the PKI ---- */

/**
 * nsm_pki_install() - swap @pki in as the device's PKI
 * @nd:  the device
 * @pki: a PKI with a validated chain; owned by the device afterwards
 *
 * The fidelity switches in force move over to @pki, so a replacement
 * changes the chain only. The old state is wiped and freed.
 *
 * Context: Process context; takes @nd->lock.
 */
static void nsm_pki_install(struct nsm_emu_dev *nd, struct nsm_pki *pki)
{
	struct nsm_pki_settings set;
	struct nsm_pki *old;

	mutex_lock(&nd->lock);
	old = nd->emu.pki;
	if (old) {
		nsm_pki_get_settings(old, &set);
		/* Valid already: they are in force. */
		WARN_ON(nsm_pki_set_settings(pki, &set));
	}
	nd->emu.pki = pki;
	mutex_unlock(&nd->lock);
	nsm_pki_free(old);
}

/* A PKI errno for the caller of a sysfs write. */
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
 * nsm_pki_new_ephemeral() - a new PKI with a freshly generated chain
 * @nd:  the device, for its module id (which names the instance CA)
 * @out: receives the new state
 *
 * Context: Process context, may sleep; takes @nd->lock briefly.
 * Return: 0, or a negative errno (logged).
 */
static int nsm_pki_new_ephemeral(struct nsm_emu_dev *nd,
				 struct nsm_pki **out)
{
	char module_id[NSM_MODULE_ID_MAX + 1];
	struct nsm_pki *pki;
	int ret;

	mutex_lock(&nd->lock);
	strscpy(module_id, nd->emu.module_id, sizeof(module_id));
	mutex_unlock(&nd->lock);

	pki = nsm_pki_new();
	if (!pki)
		return -ENOMEM;
	ret = nsm_pki_generate(pki, module_id, nsm_plat_time_ms() / 1000);
	if (ret) {
		pr_warn_ratelimited("cannot generate the ephemeral PKI: %s\n",
				    nsm_pki_strerror(ret));
		nsm_pki_free(pki);
		return nsm_pki_errno(ret);
	}
	*out = pki;
	return 0;
}

/**
 * nsm_pki_provision_staged() - validate the staged key and chain into a
 * new PKI
 * @out: receives the new state
 *
 * PEM inputs are decoded first. The decoded key is wiped before return.
 *
 * Context: Process context, may sleep; the caller holds
 * nsm_pki_update_lock.
 * Return: 0, or a negative errno after setting nsm_pki_last_error and
 * logging why.
 */
static int nsm_pki_provision_staged(struct nsm_pki **out)
{
	struct nsm_stage *c = &nsm_stage_chain, *k = &nsm_stage_key;
	const u8 *chain = c->buf, *key = k->buf;
	size_t chain_len = c->len, key_len = k->len;
	u8 *chain_der = NULL, *key_der = NULL;
	struct nsm_pki *pki = NULL;
	unsigned int blocks;
	ssize_t n;
	int ret;

	lockdep_assert_held(&nsm_pki_update_lock);
	ret = -EINVAL;
	nsm_pki_last_error = "nothing staged: write pki_chain and pki_key first";
	if (c->spoiled || k->spoiled)
		nsm_pki_last_error =
			"incomplete input: write pki_chain and pki_key again, from offset 0";
	if (!c->len || !k->len || c->spoiled || k->spoiled) {
		pr_warn_ratelimited("pki_commit: %s\n", nsm_pki_last_error);
		return ret;
	}

	nsm_pki_last_error = "bad PEM input (see the kernel log)";
	if (!nsm_is_der(chain, chain_len)) {
		chain_der = kvmalloc(chain_len, GFP_KERNEL);
		if (!chain_der)
			goto out_nomem;
		n = nsm_pem_decode(chain, chain_len, nsm_chain_labels, NULL,
				   chain_der, &blocks);
		if (n < 0)
			goto out;
		chain = chain_der;
		chain_len = n;
	}
	if (key_len != P384_SCALAR_LEN && !nsm_is_der(key, key_len)) {
		key_der = kvzalloc(key_len, GFP_KERNEL);
		if (!key_der)
			goto out_nomem;
		n = nsm_pem_decode(key, key_len, nsm_key_labels, nsm_key_skip,
				   key_der, &blocks);
		if (n < 0)
			goto out;
		if (blocks != 1) {
			pr_warn_ratelimited("pki_key: %u keys, expected one\n",
					    blocks);
			goto out;
		}
		key = key_der;
		key_len = n;
	}

	pki = nsm_pki_new();
	if (!pki)
		goto out_nomem;
	ret = nsm_pki_provision(pki, key, key_len, chain, chain_len,
				nsm_plat_time_ms() / 1000);
	if (ret) {
		nsm_pki_last_error = nsm_pki_strerror(ret);
		pr_warn_ratelimited("pki_commit: rejected: %s; the previous PKI stays in force\n",
				    nsm_pki_last_error);
		ret = nsm_pki_errno(ret);
		nsm_pki_free(pki);
		goto out;
	}
	nsm_pki_last_error = "none";
	*out = pki;
	goto out;

out_nomem:
	nsm_pki_last_error = "out of memory";
	ret = -ENOMEM;
out:
	kvfree(chain_der);
	if (key_der)
		kvfree_sensitive(key_der, k->len);
	return ret;
}

/* ---- attributes ---- */

static ssize_t pki_chain_write(struct file *file, struct kobject *kobj,
			       struct bin_attribute *attr, char *buf,
			       loff_t off, size_t count)
{
	return nsm_stage_write(&nsm_stage_chain, "pki_chain", buf, off, count);
}
static BIN_ATTR_WO(pki_chain, 0);

static ssize_t pki_key_write(struct file *file, struct kobject *kobj,
			     struct bin_attribute *attr, char *buf,
			     loff_t off, size_t count)
{
	return nsm_stage_write(&nsm_stage_key, "pki_key", buf, off, count);
}
static BIN_ATTR_WO(pki_key, 0);

static ssize_t pki_commit_store(struct device *dev,
				struct device_attribute *attr,
				const char *buf, size_t count)
{
	struct nsm_emu_dev *nd = nsm_emu_dev_from_device(dev);
	struct nsm_pki *pki = NULL;
	int ret;

	ret = nsm_action_arg(buf, "pki_commit");
	if (ret)
		return ret;
	mutex_lock(&nsm_pki_update_lock);
	ret = nsm_pki_provision_staged(&pki);
	/* Consumed whatever the outcome; the key is wiped. */
	nsm_stage_clear(&nsm_stage_key);
	nsm_stage_clear(&nsm_stage_chain);
	if (!ret) {
		nsm_pki_install(nd, pki);
		pr_info("provisioned PKI installed\n");
	}
	mutex_unlock(&nsm_pki_update_lock);
	return ret ?: count;
}
static DEVICE_ATTR_WO(pki_commit);

static ssize_t pki_reset_store(struct device *dev,
			       struct device_attribute *attr,
			       const char *buf, size_t count)
{
	struct nsm_emu_dev *nd = nsm_emu_dev_from_device(dev);
	struct nsm_pki *pki;
	int ret;

	ret = nsm_action_arg(buf, "pki_reset");
	if (ret)
		return ret;
	mutex_lock(&nsm_pki_update_lock);
	ret = nsm_pki_new_ephemeral(nd, &pki);
	if (!ret) {
		nsm_pki_install(nd, pki);
		nsm_pki_last_error = "none";
	}
	mutex_unlock(&nsm_pki_update_lock);
	return ret ?: count;
}
static DEVICE_ATTR_WO(pki_reset);

static ssize_t pki_rotate_store(struct device *dev,
				struct device_attribute *attr,
				const char *buf, size_t count)
{
	struct nsm_emu_dev *nd = nsm_emu_dev_from_device(dev);
	int ret;

	ret = nsm_action_arg(buf, "pki_rotate");
	if (ret)
		return ret;
	mutex_lock(&nd->lock);
	if (nd->emu.pki)
		nsm_pki_drop_leaf(nd->emu.pki);
	mutex_unlock(&nd->lock);
	return count;
}
static DEVICE_ATTR_WO(pki_rotate);

static ssize_t pki_root_show(struct device *dev,
			     struct device_attribute *attr, char *buf)
{
	struct nsm_emu_dev *nd = nsm_emu_dev_from_device(dev);
	int len = -NSM_PKI_ENOCHAIN;

	mutex_lock(&nd->lock);
	if (nd->emu.pki)
		len = nsm_pki_root_pem(nd->emu.pki, buf, PAGE_SIZE);
	mutex_unlock(&nd->lock);
	return len < 0 ? -ENODATA : len;
}
static DEVICE_ATTR_ADMIN_RO(pki_root);

static ssize_t pki_mode_show(struct device *dev,
			     struct device_attribute *attr, char *buf)
{
	struct nsm_emu_dev *nd = nsm_emu_dev_from_device(dev);
	struct nsm_pki_status st = { };

	mutex_lock(&nd->lock);
	if (nd->emu.pki)
		nsm_pki_get_status(nd->emu.pki, &st);
	mutex_unlock(&nd->lock);
	return sysfs_emit(buf, "%s\n", !st.have_chain ? "none" :
			  st.provisioned ? "provisioned" : "ephemeral");
}
static DEVICE_ATTR_ADMIN_RO(pki_mode);

/* pki_status: "<name> <value>" lines, one snapshot. */
static ssize_t pki_status_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct nsm_emu_dev *nd = nsm_emu_dev_from_device(dev);
	struct nsm_pki_settings set = { };
	struct nsm_pki_status st = { };
	const char *last;
	ssize_t len = 0;

	mutex_lock(&nsm_pki_update_lock);
	last = nsm_pki_last_error;
	mutex_unlock(&nsm_pki_update_lock);
	mutex_lock(&nd->lock);
	if (nd->emu.pki) {
		nsm_pki_get_status(nd->emu.pki, &st);
		nsm_pki_get_settings(nd->emu.pki, &set);
	}
	mutex_unlock(&nd->lock);

	len += sysfs_emit_at(buf, len, "mode %s\n", !st.have_chain ? "none" :
			     st.provisioned ? "provisioned" : "ephemeral");
	len += sysfs_emit_at(buf, len, "chain_len %u\n", st.chain_len);
	len += sysfs_emit_at(buf, len, "ca_not_after %llu\n", st.ca_not_after);
	len += sysfs_emit_at(buf, len, "leaf_not_before %llu\n",
			     st.leaf_not_before);
	len += sysfs_emit_at(buf, len, "leaf_not_after %llu\n",
			     st.leaf_not_after);
	len += sysfs_emit_at(buf, len, "leaves_issued %llu\n",
			     st.leaves_issued);
	len += sysfs_emit_at(buf, len, "leaf_lifetime_s %u\n",
			     set.leaf_lifetime_s);
	len += sysfs_emit_at(buf, len, "clock_offset_ms %lld\n",
			     set.clock_offset_ms);
	len += sysfs_emit_at(buf, len, "cose_tagged %d\n", set.tagged);
	len += sysfs_emit_at(buf, len, "indefinite_map %d\n", set.indefinite);
	len += sysfs_emit_at(buf, len, "last_error %s\n", last);
	return len;
}
static DEVICE_ATTR_ADMIN_RO(pki_status);

/* ---- fidelity switches ---- */

enum nsm_pki_switch {
	NSM_SW_TAGGED,
	NSM_SW_INDEFINITE,
	NSM_SW_CLOCK_OFFSET,
	NSM_SW_LIFETIME,
};

/**
 * struct nsm_switch_attr - the sysfs attribute of one fidelity switch
 * @attr: the attribute, root-only read-write like DEVICE_ATTR_ADMIN_RW()
 * @sw:   the switch it shows and sets
 */
struct nsm_switch_attr {
	struct device_attribute attr;
	enum nsm_pki_switch sw;
};

static enum nsm_pki_switch nsm_switch_of(struct device_attribute *attr)
{
	return container_of(attr, struct nsm_switch_attr, attr)->sw;
}

static ssize_t nsm_switch_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct nsm_emu_dev *nd = nsm_emu_dev_from_device(dev);
	enum nsm_pki_switch sw = nsm_switch_of(attr);
	struct nsm_pki_settings set = { };

	mutex_lock(&nd->lock);
	if (nd->emu.pki)
		nsm_pki_get_settings(nd->emu.pki, &set);
	mutex_unlock(&nd->lock);
	switch (sw) {
	case NSM_SW_TAGGED:
		return sysfs_emit(buf, "%d\n", set.tagged);
	case NSM_SW_INDEFINITE:
		return sysfs_emit(buf, "%d\n", set.indefinite);
	case NSM_SW_CLOCK_OFFSET:
		return sysfs_emit(buf, "%lld\n", set.clock_offset_ms);
	case NSM_SW_LIFETIME:
		return sysfs_emit(buf, "%u\n", set.leaf_lifetime_s);
	}
	return -EINVAL;
}

/**
 * nsm_switch_store() - parse and apply one fidelity switch
 * @dev:   the device
 * @attr:  the switch's attribute (struct nsm_switch_attr), named in the log
 * @buf:   what was written
 * @count: its length
 *
 * The core validates the settings as a whole; on any error nothing changes.
 *
 * Context: Process context; takes the device lock.
 * Return: @count, or -EINVAL after logging why.
 */
static ssize_t nsm_switch_store(struct device *dev,
				struct device_attribute *attr,
				const char *buf, size_t count)
{
	struct nsm_emu_dev *nd = nsm_emu_dev_from_device(dev);
	enum nsm_pki_switch sw = nsm_switch_of(attr);
	const char *name = attr->attr.name;
	struct nsm_pki_settings set;
	bool b = false;
	s64 offset = 0;
	u32 life = 0;
	int ret = 0;

	switch (sw) {
	case NSM_SW_TAGGED:
	case NSM_SW_INDEFINITE:
		ret = kstrtobool(buf, &b);
		break;
	case NSM_SW_CLOCK_OFFSET:
		ret = kstrtos64(buf, 10, &offset);
		break;
	case NSM_SW_LIFETIME:
		ret = kstrtou32(buf, 10, &life);
		break;
	}
	if (ret) {
		pr_warn_ratelimited("%s: cannot parse \"%.*s\"\n", name,
				    (int)min_t(size_t, strcspn(buf, "\n"), 40),
				    buf);
		return -EINVAL;
	}

	mutex_lock(&nd->lock);
	ret = -ENODATA;
	if (!nd->emu.pki)
		goto out_unlock;
	nsm_pki_get_settings(nd->emu.pki, &set);
	switch (sw) {
	case NSM_SW_TAGGED:
		set.tagged = b;
		break;
	case NSM_SW_INDEFINITE:
		set.indefinite = b;
		break;
	case NSM_SW_CLOCK_OFFSET:
		set.clock_offset_ms = offset;
		break;
	case NSM_SW_LIFETIME:
		set.leaf_lifetime_s = life;
		break;
	}
	ret = nsm_pki_set_settings(nd->emu.pki, &set);
out_unlock:
	mutex_unlock(&nd->lock);
	if (ret == -NSM_PKI_EINVAL) {
		pr_warn_ratelimited("%s: out of range (clock_offset_ms: at most +-%lld; leaf_lifetime_s: 1..%u)\n",
				    name, NSM_PKI_OFFSET_MAX,
				    NSM_PKI_LIFETIME_MAX);
		return -EINVAL;
	}
	return ret ?: count;
}

#define NSM_SWITCH_ATTR(_name, _sw)					\
static struct nsm_switch_attr nsm_switch_attr_##_name = {		\
	.attr = __ATTR(_name, 0600, nsm_switch_show, nsm_switch_store),	\
	.sw = _sw,							\
}

NSM_SWITCH_ATTR(cose_tagged, NSM_SW_TAGGED);
NSM_SWITCH_ATTR(indefinite_map, NSM_SW_INDEFINITE);
NSM_SWITCH_ATTR(clock_offset_ms, NSM_SW_CLOCK_OFFSET);
NSM_SWITCH_ATTR(leaf_lifetime_s, NSM_SW_LIFETIME);

static struct attribute *nsm_pki_attrs[] = {
	&dev_attr_pki_root.attr,
	&dev_attr_pki_mode.attr,
	&dev_attr_pki_status.attr,
	&dev_attr_pki_commit.attr,
	&dev_attr_pki_reset.attr,
	&dev_attr_pki_rotate.attr,
	&nsm_switch_attr_cose_tagged.attr.attr,
	&nsm_switch_attr_indefinite_map.attr.attr,
	&nsm_switch_attr_clock_offset_ms.attr.attr,
	&nsm_switch_attr_leaf_lifetime_s.attr.attr,
	NULL
};

static struct bin_attribute *nsm_pki_bin_attrs[] = {
	&bin_attr_pki_chain,
	&bin_attr_pki_key,
	NULL
};

const struct attribute_group nsm_pki_attr_group = {
	.attrs = nsm_pki_attrs,
	.bin_attrs = nsm_pki_bin_attrs,
};

/* Free the staging buffers, wiping what they hold. */
static void nsm_stage_free(void)
{
	nsm_stage_clear(&nsm_stage_key);
	nsm_stage_clear(&nsm_stage_chain);
	kvfree_sensitive(nsm_stage_key.buf, nsm_stage_key.cap);
	kvfree(nsm_stage_chain.buf);
	nsm_stage_key.buf = NULL;
	nsm_stage_chain.buf = NULL;
}

/**
 * nsm_pki_setup() - create the attestation PKI of a new device
 * @nd: the device, not yet registered
 *
 * Checks the P-384 signer against its known answers (RFC 6979 A.2.6; its
 * comb table is static, nothing to initialise), allocates the staging
 * buffers and generates the zero-config ephemeral chain.
 *
 * Context: Process context, module init; @nd is not visible to anyone yet.
 * Return: 0, or a negative errno that fails the module load.
 */
int nsm_pki_setup(struct nsm_emu_dev *nd)
{
	struct nsm_pki *pki;
	int ret;

	if (p384_selftest()) {
		pr_err("P-384 signer self-test failed; refusing to sign documents with it\n");
		return -EIO;
	}
	nsm_stage_chain.buf = kvzalloc(nsm_stage_chain.cap, GFP_KERNEL);
	nsm_stage_key.buf = kvzalloc(nsm_stage_key.cap, GFP_KERNEL);
	if (!nsm_stage_chain.buf || !nsm_stage_key.buf) {
		ret = -ENOMEM;
		goto err_free_stage;
	}
	nsm_pki_last_error = "none";

	ret = nsm_pki_new_ephemeral(nd, &pki);
	if (ret)
		goto err_free_stage;
	nsm_pki_install(nd, pki);
	return 0;

err_free_stage:
	nsm_stage_free();
	return ret;
}

/**
 * nsm_pki_teardown() - release (and wipe) what nsm_pki_setup() created
 * @nd: the device, already deregistered
 *
 * Context: Process context, module exit or failed init.
 */
void nsm_pki_teardown(struct nsm_emu_dev *nd)
{
	mutex_lock(&nsm_pki_update_lock);
	nsm_stage_free();
	mutex_unlock(&nsm_pki_update_lock);
	nsm_pki_free(nd->emu.pki);	/* wipes the keys */
	nd->emu.pki = NULL;
}
