// SPDX-License-Identifier: GPL-2.0
/*
 * The control interface: root-only sysfs attributes of the misc device,
 * /sys/class/misc/<devname>/. Documented in
 * Documentation/ABI/testing/sysfs-driver-nsm_emu.
 *
 * Every callback takes the device mutex, the one that serialises ioctl
 * requests, so a reader sees a state between two requests, never inside one.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/ctype.h>
#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "core/pki.h"
#include "nsm_emu.h"

/**
 * nsm_parse_pcr_hex() - parse a PCR value written as hex
 * @s:   the digits (upper or lower case), not NUL-terminated
 * @len: their number; must be exactly 2 * NSM_PCR_LEN
 * @out: receives the value
 *
 * Return: 0, or -EINVAL (@out may then be partly written).
 */
int nsm_parse_pcr_hex(const char *s, size_t len, u8 out[NSM_PCR_LEN])
{
	if (len != 2 * NSM_PCR_LEN)
		return -EINVAL;
	return hex2bin(out, s, NSM_PCR_LEN);
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

/**
 * nsm_action_arg() - check what was written to an action attribute
 * @buf:  the write (NUL-terminated by sysfs)
 * @name: the attribute, for the log
 *
 * Action attributes (reset, pki_commit, pki_reset, pki_rotate) do something
 * when written 1, or another true spelling of kstrtobool(); anything else is
 * refused with a rate-limited warning, since 0 does not undo an action.
 *
 * Return: 0, or -EINVAL.
 */
int nsm_action_arg(const char *buf, const char *name)
{
	bool val;

	if (kstrtobool(buf, &val) || !val) {
		pr_warn_ratelimited("%s: write 1 to act\n", name);
		return -EINVAL;
	}
	return 0;
}

/* Length of a sysfs write without the trailing newline echo(1) adds. */
static size_t nsm_strip_len(const char *buf, size_t count)
{
	if (count && buf[count - 1] == '\n')
		count--;
	return count;
}

/* pcrs: "<index> <locked 0|1> <96 hex digits>" per PCR, the true values. */
static ssize_t pcrs_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct nsm_emu_dev *nd = nsm_emu_dev_from_device(dev);
	ssize_t len = 0;
	unsigned int i;

	mutex_lock(&nd->lock);
	for (i = 0; i < NSM_PCR_COUNT; i++)
		len += sysfs_emit_at(buf, len, "%u %u %*phN\n", i,
				     !!(nd->emu.locked & BIT(i)),
				     NSM_PCR_LEN, nd->emu.pcr[i]);
	mutex_unlock(&nd->lock);
	return len;
}
static DEVICE_ATTR_ADMIN_RO(pcrs);

static ssize_t module_id_show(struct device *dev,
			      struct device_attribute *attr, char *buf)
{
	struct nsm_emu_dev *nd = nsm_emu_dev_from_device(dev);
	ssize_t len;

	mutex_lock(&nd->lock);
	len = sysfs_emit(buf, "%s\n", nd->emu.module_id);
	mutex_unlock(&nd->lock);
	return len;
}

static ssize_t module_id_store(struct device *dev,
			       struct device_attribute *attr,
			       const char *buf, size_t count)
{
	struct nsm_emu_dev *nd = nsm_emu_dev_from_device(dev);
	size_t len = nsm_strip_len(buf, count);

	if (nsm_module_id_check(buf, len))
		return -EINVAL;
	mutex_lock(&nd->lock);
	memcpy(nd->emu.module_id, buf, len);
	nd->emu.module_id[len] = '\0';
	/* The leaf certificate names the module: the next document needs a new one. */
	if (nd->emu.pki)
		nsm_pki_drop_leaf(nd->emu.pki);
	mutex_unlock(&nd->lock);
	return count;
}
static DEVICE_ATTR_ADMIN_RW(module_id);

static ssize_t debug_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct nsm_emu_dev *nd = nsm_emu_dev_from_device(dev);
	bool val;

	mutex_lock(&nd->lock);
	val = nd->emu.debug;
	mutex_unlock(&nd->lock);
	return sysfs_emit(buf, "%d\n", val);
}

/* The mode is a property of the enclave: it holds across resets. */
static ssize_t debug_store(struct device *dev, struct device_attribute *attr,
			   const char *buf, size_t count)
{
	struct nsm_emu_dev *nd = nsm_emu_dev_from_device(dev);
	bool val;
	int ret;

	ret = kstrtobool(buf, &val);
	if (ret)
		return ret;
	mutex_lock(&nd->lock);
	nd->emu.debug = val;
	nd->boot.debug = val;
	mutex_unlock(&nd->lock);
	return count;
}
static DEVICE_ATTR_ADMIN_RW(debug);

static const char * const nsm_req_counter_names[NSM_REQ_TYPES] = {
	[NSM_REQ_INVALID]	= "invalid",
	[NSM_REQ_DESCRIBE_NSM]	= "describe_nsm",
	[NSM_REQ_DESCRIBE_PCR]	= "describe_pcr",
	[NSM_REQ_EXTEND_PCR]	= "extend_pcr",
	[NSM_REQ_LOCK_PCR]	= "lock_pcr",
	[NSM_REQ_LOCK_PCRS]	= "lock_pcrs",
	[NSM_REQ_ATTESTATION]	= "attestation",
	[NSM_REQ_GET_RANDOM]	= "get_random",
};

/* counters: "<name> <value>" lines, one consistent snapshot. */
static ssize_t counters_show(struct device *dev,
			     struct device_attribute *attr, char *buf)
{
	struct nsm_emu_dev *nd = nsm_emu_dev_from_device(dev);
	u64 req[NSM_REQ_TYPES], errors;
	unsigned long resets;
	ssize_t len = 0;
	unsigned int i;

	mutex_lock(&nd->lock);
	memcpy(req, nd->emu.requests, sizeof(req));
	errors = nd->emu.errors;
	resets = nd->resets;
	mutex_unlock(&nd->lock);

	for (i = 1; i < NSM_REQ_TYPES; i++)
		len += sysfs_emit_at(buf, len, "%s %llu\n",
				     nsm_req_counter_names[i], req[i]);
	len += sysfs_emit_at(buf, len, "%s %llu\n",
			     nsm_req_counter_names[NSM_REQ_INVALID],
			     req[NSM_REQ_INVALID]);
	len += sysfs_emit_at(buf, len, "error_responses %llu\n", errors);
	len += sysfs_emit_at(buf, len, "ioctl_efault %lu\n",
			     atomic_long_read(&nd->ioctl_efault));
	len += sysfs_emit_at(buf, len, "ioctl_emsgsize %lu\n",
			     atomic_long_read(&nd->ioctl_emsgsize));
	len += sysfs_emit_at(buf, len, "resets %lu\n", resets);
	return len;
}
static DEVICE_ATTR_ADMIN_RO(counters);

static ssize_t reset_store(struct device *dev, struct device_attribute *attr,
			   const char *buf, size_t count)
{
	struct nsm_emu_dev *nd = nsm_emu_dev_from_device(dev);
	int ret;

	ret = nsm_action_arg(buf, "reset");
	if (ret)
		return ret;
	mutex_lock(&nd->lock);
	nsm_emu_boot_locked(nd);
	nd->resets++;
	mutex_unlock(&nd->lock);
	return count;
}
static DEVICE_ATTR_WO(reset);

/*
 * Presets: named boot configurations. Writing one makes it the boot
 * configuration and boots from it at once.
 */
enum nsm_preset {
	NSM_PRESET_DEFAULT,
	NSM_PRESET_LOAD,
	NSM_PRESET_DEBUG,
	NSM_PRESET_ZERO,
	NSM_PRESET_IAM_ROLE,
	NSM_PRESETS,
};

static const char * const nsm_preset_names[NSM_PRESETS] = {
	[NSM_PRESET_DEFAULT]	= "default",
	[NSM_PRESET_LOAD]	= "load",
	[NSM_PRESET_DEBUG]	= "debug",
	[NSM_PRESET_ZERO]	= "zero",
	[NSM_PRESET_IAM_ROLE]	= "iam-role",
};

/* The example role of AWS's "nitro-cli pcr" guide; PCR3 starts 78fce75d. */
static const char nsm_example_role_arn[] =
	"arn:aws:iam::123456789012:role/Webserver";

/* The PCRs real boot measurements use (PCR8 only for signed images). */
#define NSM_BOOT_PCRS	(BIT(0) | BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(8))

/**
 * nsm_preset_config() - the boot configuration of a preset
 * @nd:  the device (for the "load" preset)
 * @p:   the preset
 * @cfg: receives the configuration
 *
 * Context: Process context.
 * Return: 0, or a negative errno if a measurement could not be computed.
 */
static int nsm_preset_config(struct nsm_emu_dev *nd, enum nsm_preset p,
			     struct nsm_boot_config *cfg)
{
	static const u8 zero[NSM_PCR_LEN];
	struct nsm_sg sg[2];

	memset(cfg, 0, sizeof(*cfg));
	switch (p) {
	case NSM_PRESET_DEFAULT:
		return 0;
	case NSM_PRESET_LOAD:
		*cfg = nd->load;	/* constant after load: no lock needed */
		return 0;
	case NSM_PRESET_DEBUG:
		cfg->debug = true;
		return 0;
	case NSM_PRESET_ZERO:
		cfg->m.mask = NSM_BOOT_PCRS;	/* values already zero */
		return 0;
	case NSM_PRESET_IAM_ROLE:
		/* PCR3 = SHA384(48 zero bytes || role ARN), as nitro-cli */
		sg[0].data = zero;
		sg[0].len = sizeof(zero);
		sg[1].data = nsm_example_role_arn;
		sg[1].len = strlen(nsm_example_role_arn);
		cfg->m.mask = BIT(3);
		return nsm_plat_sha384(sg, 2, cfg->m.pcr[3]) ? -EIO : 0;
	case NSM_PRESETS:
		break;
	}
	return -EINVAL;
}

static ssize_t preset_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	ssize_t len = 0;
	unsigned int i;

	for (i = 0; i < NSM_PRESETS; i++)
		len += sysfs_emit_at(buf, len, "%s%c", nsm_preset_names[i],
				     i + 1 < NSM_PRESETS ? ' ' : '\n');
	return len;
}

static ssize_t preset_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	struct nsm_emu_dev *nd = nsm_emu_dev_from_device(dev);
	struct nsm_boot_config *cfg;
	int p, ret;

	p = sysfs_match_string(nsm_preset_names, buf);
	if (p < 0)
		return p;

	cfg = kzalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg)
		return -ENOMEM;
	ret = nsm_preset_config(nd, p, cfg);
	if (ret)
		goto out_free_cfg;

	mutex_lock(&nd->lock);
	nd->boot = *cfg;
	nsm_emu_boot_locked(nd);
	nd->resets++;
	mutex_unlock(&nd->lock);
	ret = count;

out_free_cfg:
	kfree(cfg);
	return ret;
}
static DEVICE_ATTR_ADMIN_RW(preset);

/* measurements: the boot configuration's PCR overrides, "PCR<i> <hex>". */
static ssize_t measurements_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct nsm_emu_dev *nd = nsm_emu_dev_from_device(dev);
	ssize_t len = 0;
	unsigned int i;

	mutex_lock(&nd->lock);
	for (i = 0; i < NSM_PCR_BOOT_LOCKED; i++)
		if (nd->boot.m.mask & BIT(i))
			len += sysfs_emit_at(buf, len, "PCR%u %*phN\n", i,
					     NSM_PCR_LEN, nd->boot.m.pcr[i]);
	mutex_unlock(&nd->lock);
	return len;
}

/**
 * nsm_parse_measurement_line() - apply one line written to "measurements"
 * @line: the line, NUL-terminated, without its newline
 * @m:    the measurements to change
 *
 * Lines: "PCR<i> <96 hex digits>" sets an override, "PCR<i> default"
 * drops it, "clear" drops them all; i is 0..15, "pcr" may be lower case.
 * Blank lines and lines starting with '#' are ignored.
 *
 * Return: 0, or -EINVAL.
 */
static int nsm_parse_measurement_line(char *line,
				      struct nsm_measurements *m)
{
	unsigned int idx;
	char *value;

	line = strim(line);
	if (!*line || *line == '#')
		return 0;
	if (!strcmp(line, "clear")) {
		m->mask = 0;
		return 0;
	}
	if (strncasecmp(line, "pcr", 3))
		return -EINVAL;
	value = strpbrk(line, " \t");
	if (!value)
		return -EINVAL;
	*value++ = '\0';
	value = skip_spaces(value);
	if (kstrtouint(line + 3, 10, &idx) || idx >= NSM_PCR_BOOT_LOCKED)
		return -EINVAL;
	if (!strcmp(value, "default")) {
		m->mask &= ~BIT(idx);
		return 0;
	}
	if (nsm_parse_pcr_hex(value, strlen(value), m->pcr[idx]))
		return -EINVAL;
	m->mask |= BIT(idx);
	return 0;
}

/*
 * All lines or none: the write is parsed into a copy, swapped in only when
 * every line is valid. The lock is held throughout so that two writers
 * cannot lose each other's lines.
 */
static ssize_t measurements_store(struct device *dev,
				  struct device_attribute *attr,
				  const char *buf, size_t count)
{
	struct nsm_emu_dev *nd = nsm_emu_dev_from_device(dev);
	struct nsm_measurements *m;
	char *text, *cur, *line;
	ssize_t ret;

	text = kmemdup_nul(buf, count, GFP_KERNEL);
	m = kmalloc(sizeof(*m), GFP_KERNEL);
	ret = -ENOMEM;
	if (!text || !m)
		goto out_free;

	mutex_lock(&nd->lock);
	*m = nd->boot.m;
	cur = text;
	while ((line = strsep(&cur, "\n"))) {
		ret = nsm_parse_measurement_line(line, m);
		if (ret)
			goto out_unlock;
	}
	nd->boot.m = *m;
	ret = count;
out_unlock:
	mutex_unlock(&nd->lock);
out_free:
	kfree(m);
	kfree(text);
	return ret;
}
static DEVICE_ATTR_ADMIN_RW(measurements);

static struct attribute *nsm_ctrl_attrs[] = {
	&dev_attr_pcrs.attr,
	&dev_attr_module_id.attr,
	&dev_attr_debug.attr,
	&dev_attr_counters.attr,
	&dev_attr_reset.attr,
	&dev_attr_preset.attr,
	&dev_attr_measurements.attr,
	NULL
};

static const struct attribute_group nsm_ctrl_group = {
	.attrs = nsm_ctrl_attrs,
};

/* Attribute groups of the misc device; one line per group. */
const struct attribute_group *nsm_emu_groups[] = {
	&nsm_ctrl_group,
	&nsm_pki_attr_group,
	NULL
};
