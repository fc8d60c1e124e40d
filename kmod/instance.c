// SPDX-License-Identifier: GPL-2.0
/*
 * One emulated enclave: its device /dev/<devname>, which speaks the ABI of
 * Linux's drivers/misc/nsm.c (NSM_IOCTL_RAW, CBOR request in, CBOR response
 * out), and its read-only runtime state in sysfs
 * (Documentation/ABI/testing/sysfs-driver-nsm_emu). configfs.c creates,
 * configures and destroys instances.
 *
 * Differences from the upstream driver, all deliberate: unknown ioctl
 * commands fail with -ENOTTY (upstream: -EINVAL), user memory is copied
 * with no lock held (upstream copies under its mutex), and requests are
 * answered by software instead of a virtio device.
 *
 * Attestation documents are signed outside the instance lock: under it
 * the request takes a snapshot (PCR bank, module id, switches) and a
 * reference to the current leaf, which holds a reference to the chain
 * that issued it. So a document's PCRs and its leaf belong to one moment,
 * signatures run in parallel with each other and with every other request,
 * and a key rotation, a chain replacement, a reset or an rmdir while a
 * document is being signed changes only what the next document sees.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/build_bug.h>
#include <linux/ctype.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>

/* Our copy of the UAPI header: 6.1's headers have no linux/nsm.h. */
#include "../include/uapi/linux/nsm.h"
#include "core/attest.h"
#include "nsm_emu.h"

static_assert(sizeof(struct nsm_raw) == 32);
static_assert(_IOC_SIZE(NSM_IOCTL_RAW) == sizeof(struct nsm_raw));
static_assert(NSM_IOCTL_RAW == 0xc0200a00);
static_assert(NSM_CORE_REQUEST_MAX == NSM_REQUEST_MAX_SIZE);

DEFINE_MUTEX(nsm_devices_lock);	/* names, enable, disable, destroy */
static LIST_HEAD(nsm_instances);	/* under nsm_devices_lock */

/*
 * The misc class, learnt from our first registered device (the misc core
 * does not export it): later enables look a name up in it before
 * registering, so that a clash with another driver's misc device is
 * refused quietly. Before that first registration the misc core refuses a
 * clash itself, and the sysfs core logs the duplicate name with a stack
 * dump. The class is built in and never goes away. nsm_devices_lock.
 */
static __typeof__(((struct device *)NULL)->class) nsm_misc_class;

/**
 * struct nsm_file - an open /dev/<devname>
 * @inst: the instance (a reference)
 * @gen:  the instance's enable generation at open time
 */
struct nsm_file {
	struct nsm_instance *inst;
	u64 gen;
};

/**
 * struct nsm_ioctl_buf - one request's working memory, too large for the
 * stack
 * @req:  request bytes
 * @resp: response bytes
 */
struct nsm_ioctl_buf {
	u8 req[NSM_REQUEST_MAX_SIZE];
	u8 resp[NSM_RESPONSE_MAX_SIZE];
};

/**
 * struct nsm_snapshot - what a document states, copied under the lock
 * @pcr:       the PCR bank
 * @module_id: the module id
 */
struct nsm_snapshot {
	u8 pcr[NSM_PCR_COUNT][NSM_PCR_LEN];
	char module_id[NSM_MODULE_ID_MAX + 1];
};

/**
 * nsm_devname_valid() - is @name usable as a /dev and sysfs name?
 * @name: candidate, not necessarily NUL-terminated
 * @len:  its length
 *
 * Return: true for 1..NSM_EMU_NAME_MAX characters from [A-Za-z0-9_.-],
 * other than "." and "..".
 */
bool nsm_devname_valid(const char *name, size_t len)
{
	size_t i;

	if (!len || len > NSM_EMU_NAME_MAX)
		return false;
	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum(name[i]) && !strchr("_.-", name[i]))
			return false;
	return true;
}

/**
 * nsm_module_id_check() - is @s acceptable as a module id?
 * @s:   candidate, not NUL-terminated
 * @len: its length
 *
 * Real ids look like "i-0123456789abcdef0-enc0123456789abcdef"; anything
 * printable is accepted so that tests can try unusual ids, but no spaces or
 * control characters, which would break the sysfs and log formats.
 *
 * Return: 0, or -EINVAL.
 */
int nsm_module_id_check(const char *s, size_t len)
{
	size_t i;

	if (!len || len > NSM_MODULE_ID_MAX)
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (s[i] <= ' ' || s[i] > '~')
			return -EINVAL;
	return 0;
}

/* Does an instance other than @self use device name @name? */
static bool nsm_devname_taken(const char *name, const struct nsm_instance *self)
{
	struct nsm_instance *inst;

	lockdep_assert_held(&nsm_devices_lock);
	list_for_each_entry(inst, &nsm_instances, node)
		if (inst != self && !strcmp(inst->devname, name))
			return true;
	return false;
}

/**
 * nsm_instance_boot_locked() - "boot" the emulated enclave
 * @inst: the instance
 *
 * Clears the PCR bank, writes the boot measurements (core defaults for the
 * PCRs @inst->boot leaves out) and locks PCRs 0..15. Counters, the module
 * id and the debug mode are kept.
 *
 * Context: Process context; the caller holds @inst->lock.
 */
void nsm_instance_boot_locked(struct nsm_instance *inst)
{
	lockdep_assert_held(&inst->lock);
	nsm_emu_reset(&inst->emu, &inst->boot);
}

/**
 * nsm_instance_retire_leaf_locked() - the next document needs a new leaf
 * @inst: the instance
 *
 * Documents being signed with the current leaf keep their reference.
 *
 * Context: Process context; the caller holds @inst->lock.
 */
void nsm_instance_retire_leaf_locked(struct nsm_instance *inst)
{
	lockdep_assert_held(&inst->lock);
	nsm_emu_leaf_put(inst->leaf);
	inst->leaf = NULL;
	inst->leaf_epoch++;
}

/* Can a file opened at enable generation @gen use @inst? */
static int nsm_live_locked(struct nsm_instance *inst, u64 gen)
{
	lockdep_assert_held(&inst->lock);
	if (inst->dead || !inst->enabled || inst->gen != gen)
		return -ENODEV;
	return 0;
}

static bool nsm_leaf_usable(const struct nsm_emu_leaf *leaf,
			    const struct nsm_emu_ca *ca, u64 epoch, u64 now_ms)
{
	return leaf && leaf->ca == ca && leaf->epoch == epoch &&
	       nsm_leaf_valid(leaf->leaf, now_ms / 1000);
}

/**
 * nsm_attest() - answer an Attestation request
 * @nf:       the open file
 * @r:        the decoded request (borrows @buf->req)
 * @buf:      working memory; receives the response in @buf->resp
 * @resp_len: receives the response length
 *
 * Under the instance lock: take a reference to the current leaf, or, when
 * it cannot sign now (none, expired, chain replaced, retired), mint one
 * with the lock dropped and install it unless another thread was quicker
 * or the state it was minted for moved on, and try again; then copy what
 * the document states. The document is built and signed with no lock
 * held. Only a fatal signal ends the retries early, so a request never
 * fails because an administrator rotates keys while it waits.
 *
 * Context: Process context, may sleep; takes @nf->inst->lock.
 * Return: 0 with a response (an Error response when no leaf could be
 * had), -ENODEV, -ENOMEM, or -EINTR when killed while waiting.
 */
static int nsm_attest(struct nsm_file *nf, const struct nsm_request *r,
		      struct nsm_ioctl_buf *buf, size_t *resp_len)
{
	struct nsm_instance *inst = nf->inst;
	struct nsm_emu_leaf *leaf = NULL, *fresh = NULL;
	struct nsm_attest_state st = { };
	struct nsm_snapshot *snap;
	struct nsm_emu_ca *ca;
	bool is_error;
	unsigned int tries;
	u32 lifetime;
	u64 now_ms, epoch;
	int ret = 0;

	snap = kmalloc(sizeof(*snap), GFP_KERNEL);
	if (!snap)
		return -ENOMEM;
	for (tries = 0; ; tries++) {
		ca = nsm_pki_get_ca();
		ret = mutex_lock_killable(&inst->lock);
		if (ret)
			break;
		ret = nsm_live_locked(inst, nf->gen);
		if (ret) {
			mutex_unlock(&inst->lock);
			break;
		}
		if (!tries)
			inst->emu.requests[NSM_REQ_ATTESTATION]++;
		now_ms = nsm_plat_time_ms();
		if (fresh && !nsm_leaf_usable(inst->leaf, ca, inst->leaf_epoch,
					      now_ms) &&
		    nsm_leaf_usable(fresh, ca, inst->leaf_epoch, now_ms)) {
			swap(inst->leaf, fresh);	/* @fresh: the old one */
			inst->leaves_issued++;
		}
		if (nsm_leaf_usable(inst->leaf, ca, inst->leaf_epoch, now_ms)) {
			leaf = inst->leaf;
			kref_get(&leaf->ref);
			memcpy(snap->pcr, inst->emu.pcr, sizeof(snap->pcr));
			strscpy(snap->module_id, inst->emu.module_id,
				sizeof(snap->module_id));
			st.locked = inst->emu.locked;
			st.debug = inst->emu.debug;
			st.tagged = inst->set.tagged;
			st.indefinite = inst->set.indefinite;
			st.timestamp_ms =
				nsm_attest_timestamp(now_ms,
						     inst->set.clock_offset_ms);
			mutex_unlock(&inst->lock);
			break;
		}
		strscpy(snap->module_id, inst->emu.module_id,
			sizeof(snap->module_id));
		lifetime = inst->set.leaf_lifetime_s;
		epoch = inst->leaf_epoch;
		mutex_unlock(&inst->lock);

		nsm_emu_leaf_put(fresh);
		fresh = NULL;
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		if (nsm_emu_leaf_new(ca, snap->module_id, lifetime, epoch, &fresh))
			break;	/* answered InternalError: st has no leaf */
		nsm_emu_ca_put(ca);
	}
	nsm_emu_ca_put(ca);
	nsm_emu_leaf_put(fresh);
	if (ret)
		goto out_free;

	if (leaf) {
		st.pcr = (const u8 (*)[NSM_PCR_LEN])snap->pcr;
		st.module_id = snap->module_id;
		st.ca = leaf->ca->ca;
		st.leaf = leaf->leaf;
	}
	*resp_len = nsm_attest_response(&st, r, buf->resp, sizeof(buf->resp),
					&is_error);
	nsm_emu_leaf_put(leaf);
	if (is_error) {
		mutex_lock(&inst->lock);
		inst->emu.errors++;
		mutex_unlock(&inst->lock);
	}
out_free:
	kfree(snap);
	return ret;
}

/**
 * nsm_ioctl_raw() - NSM_IOCTL_RAW: answer one CBOR request
 * @nf:   the open file
 * @argp: user pointer to a struct nsm_raw
 *
 * Follows upstream's order of checks and copies: the argument struct
 * (-EFAULT), the request size (-EMSGSIZE), the request bytes (-EFAULT); then
 * the answer, truncated without error to the user's response buffer, and
 * the struct with the stored length written back (-EFAULT). Protocol errors
 * are CBOR error responses, never ioctl failures.
 *
 * User memory is only touched with no lock held, so a faulting or
 * userfaultfd-backed buffer can stall its own caller, nobody else.
 *
 * Context: Process context, may sleep; takes the instance lock.
 * Return: 0, -EFAULT, -EMSGSIZE, -ENOMEM, -ENODEV when the instance was
 * disabled or removed since the file was opened, or -EINTR if killed
 * while waiting for the instance.
 */
static long nsm_ioctl_raw(struct nsm_file *nf, void __user *argp)
{
	struct nsm_instance *inst = nf->inst;
	struct nsm_ioctl_buf *buf;
	struct nsm_request r;
	size_t resp_len = 0;
	struct nsm_raw raw;
	long ret;

	if (copy_from_user(&raw, argp, sizeof(raw))) {
		atomic_long_inc(&inst->ioctl_efault);
		return -EFAULT;
	}
	if (raw.request.len > NSM_REQUEST_MAX_SIZE) {
		atomic_long_inc(&inst->ioctl_emsgsize);
		return -EMSGSIZE;
	}

	/* 16 KiB: too much for the stack, kvmalloc() falls back to vmalloc. */
	buf = kvmalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;

	ret = -EFAULT;
	if (copy_from_user(buf->req, u64_to_user_ptr(raw.request.addr),
			   raw.request.len))
		goto out_free;

	if (!nsm_request_decode(buf->req, raw.request.len, &r) &&
	    r.type == NSM_REQ_ATTESTATION) {
		ret = nsm_attest(nf, &r, buf, &resp_len);
	} else {
		ret = mutex_lock_killable(&inst->lock);
		if (ret)
			goto out_free;
		ret = nsm_live_locked(inst, nf->gen);
		if (!ret)
			resp_len = nsm_handle(&inst->emu, buf->req,
					      raw.request.len, buf->resp,
					      sizeof(buf->resp));
		mutex_unlock(&inst->lock);
	}
	if (ret)
		goto out_free;

	/* Silent truncation, as upstream: the caller sees the stored length. */
	raw.response.len = min_t(u64, raw.response.len, resp_len);

	ret = -EFAULT;
	if (copy_to_user(u64_to_user_ptr(raw.response.addr), buf->resp,
			 raw.response.len))
		goto out_free;
	if (copy_to_user(argp, &raw, sizeof(raw)))
		goto out_free;
	ret = 0;

out_free:
	if (ret == -EFAULT)
		atomic_long_inc(&inst->ioctl_efault);
	/* Random bytes and documents for one caller only: wipe what was used. */
	memzero_explicit(buf->req, raw.request.len);
	memzero_explicit(buf->resp, resp_len);
	kvfree(buf);
	return ret;
}

static long nsm_emu_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	struct nsm_file *nf = file->private_data;

	switch (cmd) {
	case NSM_IOCTL_RAW:
		return nsm_ioctl_raw(nf, (void __user *)arg);
	default:
		return -ENOIOCTLCMD;	/* the VFS turns it into -ENOTTY */
	}
}

/*
 * misc_open() calls this with misc_mtx held and file->private_data set to
 * the struct miscdevice, so the instance cannot be deregistered, and its
 * configfs reference dropped, before the file holds its own reference.
 */
static int nsm_emu_open(struct inode *inode, struct file *file)
{
	struct nsm_instance *inst = container_of(file->private_data,
						 struct nsm_instance, misc);
	struct nsm_file *nf;

	nf = kzalloc(sizeof(*nf), GFP_KERNEL);
	if (!nf)
		return -ENOMEM;
	config_item_get(&inst->group.cg_item);
	nf->inst = inst;
	mutex_lock(&inst->lock);
	nf->gen = inst->gen;
	mutex_unlock(&inst->lock);
	file->private_data = nf;
	return 0;
}

static int nsm_emu_release(struct inode *inode, struct file *file)
{
	struct nsm_file *nf = file->private_data;

	config_item_put(&nf->inst->group.cg_item);
	kfree(nf);
	return 0;
}

static const struct file_operations nsm_emu_fops = {
	.owner		= THIS_MODULE,	/* an open device pins the module */
	.open		= nsm_emu_open,
	.release	= nsm_emu_release,
	.unlocked_ioctl	= nsm_emu_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

/* ---- read-only runtime state in sysfs ---- */

static struct nsm_instance *nsm_instance_of(struct device *dev)
{
	struct miscdevice *misc = dev_get_drvdata(dev);

	return container_of(misc, struct nsm_instance, misc);
}

/**
 * struct nsm_index_attr - a sysfs attribute that shows one element
 * @attr:  the attribute
 * @index: which PCR or counter
 */
struct nsm_index_attr {
	struct device_attribute attr;
	unsigned int index;
};

static unsigned int nsm_index_of(struct device_attribute *attr)
{
	return container_of(attr, struct nsm_index_attr, attr)->index;
}

static ssize_t instance_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct nsm_instance *inst = nsm_instance_of(dev);

	return sysfs_emit(buf, "%s\n", config_item_name(&inst->group.cg_item));
}
static DEVICE_ATTR_ADMIN_RO(instance);

static ssize_t nsm_pcr_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct nsm_instance *inst = nsm_instance_of(dev);
	u8 value[NSM_PCR_LEN];

	mutex_lock(&inst->lock);
	memcpy(value, inst->emu.pcr[nsm_index_of(attr)], sizeof(value));
	mutex_unlock(&inst->lock);
	return sysfs_emit(buf, "%*phN\n", NSM_PCR_LEN, value);
}

static ssize_t nsm_pcr_locked_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	struct nsm_instance *inst = nsm_instance_of(dev);
	bool locked;

	mutex_lock(&inst->lock);
	locked = inst->emu.locked & BIT(nsm_index_of(attr));
	mutex_unlock(&inst->lock);
	return sysfs_emit(buf, "%d\n", locked);
}

static const char * const nsm_pcr_names[NSM_PCR_COUNT] = {
	"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
	"13", "14", "15", "16", "17", "18", "19", "20", "21", "22", "23",
	"24", "25", "26", "27", "28", "29", "30", "31",
};

/* Filled by nsm_instance_sysfs_init(), before the first device exists. */
static struct nsm_index_attr nsm_pcr_value_attrs[NSM_PCR_COUNT];
static struct nsm_index_attr nsm_pcr_locked_value_attrs[NSM_PCR_COUNT];
static struct attribute *nsm_pcr_attrs[NSM_PCR_COUNT + 1];
static struct attribute *nsm_pcr_locked_attrs[NSM_PCR_COUNT + 1];

/**
 * nsm_instance_sysfs_init() - the pcrs/<n> and pcr_locked/<n> attributes
 *
 * Context: Process context, module init, before any instance is enabled.
 */
void nsm_instance_sysfs_init(void)
{
	unsigned int i;

	for (i = 0; i < NSM_PCR_COUNT; i++) {
		struct nsm_index_attr *v = &nsm_pcr_value_attrs[i];
		struct nsm_index_attr *l = &nsm_pcr_locked_value_attrs[i];

		v->attr.attr.name = nsm_pcr_names[i];
		v->attr.attr.mode = 0400;
		v->attr.show = nsm_pcr_show;
		v->index = i;
		l->attr.attr.name = nsm_pcr_names[i];
		l->attr.attr.mode = 0400;
		l->attr.show = nsm_pcr_locked_show;
		l->index = i;
		nsm_pcr_attrs[i] = &v->attr.attr;
		nsm_pcr_locked_attrs[i] = &l->attr.attr;
	}
}

static const struct attribute_group nsm_pcr_group = {
	.name = "pcrs",
	.attrs = nsm_pcr_attrs,
};

static const struct attribute_group nsm_pcr_locked_group = {
	.name = "pcr_locked",
	.attrs = nsm_pcr_locked_attrs,
};

/* Counters past the core's per-request ones. */
enum nsm_stat {
	NSM_STAT_ERRORS = NSM_REQ_TYPES,
	NSM_STAT_EFAULT,
	NSM_STAT_EMSGSIZE,
	NSM_STAT_RESETS,
	NSM_STAT_LEAF_NOT_BEFORE,
	NSM_STAT_LEAF_NOT_AFTER,
	NSM_STAT_LEAVES_ISSUED,
};

static ssize_t nsm_stat_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct nsm_instance *inst = nsm_instance_of(dev);
	unsigned int i = nsm_index_of(attr);
	u64 val = 0;

	mutex_lock(&inst->lock);
	if (i < NSM_REQ_TYPES)
		val = inst->emu.requests[i];
	else if (i == NSM_STAT_ERRORS)
		val = inst->emu.errors;
	else if (i == NSM_STAT_EFAULT)
		val = atomic_long_read(&inst->ioctl_efault);
	else if (i == NSM_STAT_EMSGSIZE)
		val = atomic_long_read(&inst->ioctl_emsgsize);
	else if (i == NSM_STAT_RESETS)
		val = inst->resets;
	else if (i == NSM_STAT_LEAF_NOT_BEFORE && inst->leaf)
		val = nsm_leaf_not_before(inst->leaf->leaf);
	else if (i == NSM_STAT_LEAF_NOT_AFTER && inst->leaf)
		val = nsm_leaf_not_after(inst->leaf->leaf);
	else if (i == NSM_STAT_LEAVES_ISSUED)
		val = inst->leaves_issued;
	mutex_unlock(&inst->lock);
	return sysfs_emit(buf, "%llu\n", val);
}

#define NSM_STAT_ATTR(_name, _index)					\
static struct nsm_index_attr nsm_stat_attr_##_name = {			\
	.attr = __ATTR(_name, 0400, nsm_stat_show, NULL),		\
	.index = _index,						\
}

NSM_STAT_ATTR(describe_nsm, NSM_REQ_DESCRIBE_NSM);
NSM_STAT_ATTR(describe_pcr, NSM_REQ_DESCRIBE_PCR);
NSM_STAT_ATTR(extend_pcr, NSM_REQ_EXTEND_PCR);
NSM_STAT_ATTR(lock_pcr, NSM_REQ_LOCK_PCR);
NSM_STAT_ATTR(lock_pcrs, NSM_REQ_LOCK_PCRS);
NSM_STAT_ATTR(attestation, NSM_REQ_ATTESTATION);
NSM_STAT_ATTR(get_random, NSM_REQ_GET_RANDOM);
NSM_STAT_ATTR(invalid, NSM_REQ_INVALID);
NSM_STAT_ATTR(error_responses, NSM_STAT_ERRORS);
NSM_STAT_ATTR(ioctl_efault, NSM_STAT_EFAULT);
NSM_STAT_ATTR(ioctl_emsgsize, NSM_STAT_EMSGSIZE);
NSM_STAT_ATTR(resets, NSM_STAT_RESETS);
NSM_STAT_ATTR(not_before, NSM_STAT_LEAF_NOT_BEFORE);
NSM_STAT_ATTR(not_after, NSM_STAT_LEAF_NOT_AFTER);
NSM_STAT_ATTR(issued, NSM_STAT_LEAVES_ISSUED);

static struct attribute *nsm_stat_attrs[] = {
	&nsm_stat_attr_describe_nsm.attr.attr,
	&nsm_stat_attr_describe_pcr.attr.attr,
	&nsm_stat_attr_extend_pcr.attr.attr,
	&nsm_stat_attr_lock_pcr.attr.attr,
	&nsm_stat_attr_lock_pcrs.attr.attr,
	&nsm_stat_attr_attestation.attr.attr,
	&nsm_stat_attr_get_random.attr.attr,
	&nsm_stat_attr_invalid.attr.attr,
	&nsm_stat_attr_error_responses.attr.attr,
	&nsm_stat_attr_ioctl_efault.attr.attr,
	&nsm_stat_attr_ioctl_emsgsize.attr.attr,
	&nsm_stat_attr_resets.attr.attr,
	NULL
};

static const struct attribute_group nsm_stat_group = {
	.name = "statistics",
	.attrs = nsm_stat_attrs,
};

static struct attribute *nsm_leaf_attrs[] = {
	&nsm_stat_attr_not_before.attr.attr,
	&nsm_stat_attr_not_after.attr.attr,
	&nsm_stat_attr_issued.attr.attr,
	NULL
};

static const struct attribute_group nsm_leaf_group = {
	.name = "leaf",
	.attrs = nsm_leaf_attrs,
};

static struct attribute *nsm_dev_attrs[] = {
	&dev_attr_instance.attr,
	NULL
};

static const struct attribute_group nsm_dev_group = {
	.attrs = nsm_dev_attrs,
};

static const struct attribute_group *nsm_dev_groups[] = {
	&nsm_dev_group,
	&nsm_pcr_group,
	&nsm_pcr_locked_group,
	&nsm_stat_group,
	&nsm_leaf_group,
	NULL
};

/* ---- lifetime ---- */

/**
 * nsm_instance_new() - a new, disabled instance with the defaults
 * @name: its configfs name, valid (see configfs.c)
 *
 * The default module id is the default parent instance's id with an
 * enclave id unique to the instance; the device name is "nsm-@name".
 * The instance is listed (its device name reserved) and holds one
 * reference, which nsm_instance_destroy() drops.
 *
 * Context: Process context; takes nsm_devices_lock.
 * Return: the instance, or ERR_PTR(-ENOMEM) / ERR_PTR(-EEXIST) when
 * another instance uses the device name.
 */
struct nsm_instance *nsm_instance_new(const char *name)
{
	struct nsm_instance *inst;
	u64 enclave_id;

	inst = kzalloc(sizeof(*inst), GFP_KERNEL);
	if (!inst)
		return ERR_PTR(-ENOMEM);
	mutex_init(&inst->lock);
	INIT_LIST_HEAD(&inst->node);
	atomic_long_set(&inst->ioctl_efault, 0);
	atomic_long_set(&inst->ioctl_emsgsize, 0);
	nsm_emu_init(&inst->emu);	/* version 1.0.0, booted on defaults */
	get_random_bytes(&enclave_id, sizeof(enclave_id));
	snprintf(inst->emu.module_id, sizeof(inst->emu.module_id),
		 NSM_DEFAULT_INSTANCE_ID "-enc%016llx", enclave_id);
	nsm_pki_default_settings(&inst->set);
	snprintf(inst->devname, sizeof(inst->devname), "nsm-%s", name);
	config_group_init_type_name(&inst->group, name, &nsm_instance_type);

	mutex_lock(&nsm_devices_lock);
	if (nsm_devname_taken(inst->devname, inst)) {
		mutex_unlock(&nsm_devices_lock);
		pr_warn_ratelimited("instance %s: device name %s is taken; set another one with devname\n",
				    name, inst->devname);
		config_item_put(&inst->group.cg_item);
		return ERR_PTR(-EEXIST);
	}
	list_add_tail(&inst->node, &nsm_instances);
	mutex_unlock(&nsm_devices_lock);
	return inst;
}

/**
 * nsm_instance_release() - free an instance whose last reference is gone
 * @item: its configfs item
 *
 * Context: Process context: the last of rmdir, unload and close(2).
 */
static void nsm_instance_release(struct config_item *item)
{
	struct nsm_instance *inst = to_nsm_instance(item);

	nsm_emu_leaf_put(inst->leaf);
	mutex_destroy(&inst->lock);
	kfree(inst);
}

struct configfs_item_operations nsm_instance_item_ops = {
	.release = nsm_instance_release,
};

/**
 * nsm_instance_set_devname() - rename the device of a disabled instance
 * @inst: the instance
 * @name: the new name (validated here), NUL-terminated
 *
 * Context: Process context; the caller holds nsm_devices_lock.
 * Return: 0, -EINVAL, -EBUSY (enabled) or -EEXIST (another instance's).
 */
int nsm_instance_set_devname(struct nsm_instance *inst, const char *name)
{
	lockdep_assert_held(&nsm_devices_lock);
	if (!nsm_devname_valid(name, strlen(name)))
		return -EINVAL;
	if (inst->enabled)
		return -EBUSY;
	if (nsm_devname_taken(name, inst))
		return -EEXIST;
	strscpy(inst->devname, name, sizeof(inst->devname));
	return 0;
}

/**
 * nsm_instance_enable() - register /dev/<devname> and boot the enclave
 * @inst: the instance
 *
 * Context: Process context; the caller holds nsm_devices_lock.
 * Return: 0 (also when enabled already), -ENODEV (removed), or the
 * misc_register() error: -EEXIST when a misc device of that name exists
 * (the real NSM driver's /dev/nsm, for one), -EBUSY when no minor is free.
 */
int nsm_instance_enable(struct nsm_instance *inst)
{
	int ret;

	lockdep_assert_held(&nsm_devices_lock);
	if (inst->enabled)
		return 0;
	if (inst->dead)
		return -ENODEV;
	if (nsm_misc_class) {
		struct device *other;

		other = class_find_device_by_name(nsm_misc_class, inst->devname);
		if (other) {
			put_device(other);
			pr_warn_ratelimited("instance %s: a misc device named %s exists already\n",
					    config_item_name(&inst->group.cg_item),
					    inst->devname);
			return -EEXIST;
		}
	}

	mutex_lock(&inst->lock);
	nsm_instance_boot_locked(inst);
	inst->gen++;
	inst->enabled = true;
	mutex_unlock(&inst->lock);

	memset(&inst->misc, 0, sizeof(inst->misc));
	inst->misc.minor = MISC_DYNAMIC_MINOR;
	inst->misc.name = inst->devname;
	inst->misc.fops = &nsm_emu_fops;
	inst->misc.groups = nsm_dev_groups;
	inst->misc.mode = 0666;	/* as upstream; see Documentation/admin-guide.rst */
	ret = misc_register(&inst->misc);
	if (ret) {
		pr_warn_ratelimited("instance %s: cannot register /dev/%s: %d%s\n",
				    config_item_name(&inst->group.cg_item),
				    inst->devname, ret,
				    ret == -EEXIST ? " (another misc device has that name)" : "");
		mutex_lock(&inst->lock);
		inst->enabled = false;
		mutex_unlock(&inst->lock);
		return ret;
	}
	if (!nsm_misc_class)
		nsm_misc_class = inst->misc.this_device->class;
	return 0;
}

/**
 * nsm_instance_disable() - remove /dev/<devname>
 * @inst: the instance
 *
 * Open files stay open; their ioctls fail with -ENODEV from now on.
 * misc_deregister() waits for sysfs callbacks in progress.
 *
 * Context: Process context; the caller holds nsm_devices_lock.
 */
void nsm_instance_disable(struct nsm_instance *inst)
{
	lockdep_assert_held(&nsm_devices_lock);
	if (!inst->enabled)
		return;
	mutex_lock(&inst->lock);
	inst->enabled = false;
	mutex_unlock(&inst->lock);
	misc_deregister(&inst->misc);
}

/**
 * nsm_instance_destroy() - rmdir or unload: disable, unlist, drop the
 * creation reference
 * @inst: the instance
 *
 * The memory goes when the last open file closes.
 *
 * Context: Process context; takes nsm_devices_lock.
 */
void nsm_instance_destroy(struct nsm_instance *inst)
{
	mutex_lock(&nsm_devices_lock);
	nsm_instance_disable(inst);
	mutex_lock(&inst->lock);
	inst->dead = true;
	mutex_unlock(&inst->lock);
	list_del_init(&inst->node);
	mutex_unlock(&nsm_devices_lock);
	config_item_put(&inst->group.cg_item);
}
