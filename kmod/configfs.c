// SPDX-License-Identifier: GPL-2.0
/*
 * The control plane: /sys/kernel/config/nsm_emu/ with the groups
 * instances/ (one directory per emulated enclave, made with mkdir) and pki/
 * (pki.c). Documented in Documentation/ABI/testing/configfs-nsm_emu.
 *
 * Every attribute holds one value and is root's alone (0600, or 0200 for
 * actions): an unprivileged process reaches an instance only through its
 * device node. Writes that change what the device answers take the
 * instance lock, so they fall between two requests; writes that register
 * or remove the device, or rename it, take nsm_devices_lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "nsm_emu.h"

/* A root-only configfs attribute; configfs's own macros give 0644. */
#define NSM_CFS_ATTR(_pfx, _name, _mode, _show, _store)			\
static struct configfs_attribute _pfx##attr_##_name = {			\
	.ca_owner	= THIS_MODULE,					\
	.ca_name	= __stringify(_name),				\
	.ca_mode	= (_mode),					\
	.show		= (_show),					\
	.store		= (_store),					\
}

#define NSM_CFS_ATTR_RW(_pfx, _name)					\
	NSM_CFS_ATTR(_pfx, _name, 0600, _pfx##_name##_show,		\
		     _pfx##_name##_store)
#define NSM_CFS_ATTR_WO(_pfx, _name)					\
	NSM_CFS_ATTR(_pfx, _name, 0200, NULL, _pfx##_name##_store)

/**
 * nsm_action_arg() - check what was written to an action attribute
 * @buf:  the write (NUL-terminated by configfs)
 * @name: the attribute, for the log
 *
 * Action attributes (reset, rotate, commit, generate) act when written 1,
 * or another true spelling of kstrtobool(); anything else is refused with
 * a rate-limited warning, since 0 does not undo an action.
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

/* Length of a write without the trailing newline echo(1) adds. */
static size_t nsm_strip_len(const char *buf, size_t count)
{
	if (count && buf[count - 1] == '\n')
		count--;
	return count;
}

/* ---- instances/<name>/ ---- */

static ssize_t nsm_inst_devname_show(struct config_item *item, char *page)
{
	struct nsm_instance *inst = to_nsm_instance(item);
	ssize_t len;

	mutex_lock(&nsm_devices_lock);
	len = sysfs_emit(page, "%s\n", inst->devname);
	mutex_unlock(&nsm_devices_lock);
	return len;
}

static ssize_t nsm_inst_devname_store(struct config_item *item,
				      const char *page, size_t count)
{
	struct nsm_instance *inst = to_nsm_instance(item);
	char name[NSM_EMU_NAME_MAX + 1];
	size_t len = nsm_strip_len(page, count);
	int ret;

	if (len >= sizeof(name))
		return -EINVAL;
	memcpy(name, page, len);
	name[len] = '\0';
	mutex_lock(&nsm_devices_lock);
	ret = nsm_instance_set_devname(inst, name);
	mutex_unlock(&nsm_devices_lock);
	return ret ?: count;
}
NSM_CFS_ATTR_RW(nsm_inst_, devname);

static ssize_t nsm_inst_enable_show(struct config_item *item, char *page)
{
	struct nsm_instance *inst = to_nsm_instance(item);
	bool on;

	mutex_lock(&nsm_devices_lock);
	on = inst->enabled;
	mutex_unlock(&nsm_devices_lock);
	return sysfs_emit(page, "%d\n", on);
}

static ssize_t nsm_inst_enable_store(struct config_item *item,
				     const char *page, size_t count)
{
	struct nsm_instance *inst = to_nsm_instance(item);
	bool on;
	int ret;

	ret = kstrtobool(page, &on);
	if (ret)
		return ret;
	mutex_lock(&nsm_devices_lock);
	if (on)
		ret = nsm_instance_enable(inst);
	else
		nsm_instance_disable(inst);
	mutex_unlock(&nsm_devices_lock);
	return ret ?: count;
}
NSM_CFS_ATTR_RW(nsm_inst_, enable);

static ssize_t nsm_inst_module_id_show(struct config_item *item, char *page)
{
	struct nsm_instance *inst = to_nsm_instance(item);
	ssize_t len;

	mutex_lock(&inst->lock);
	len = sysfs_emit(page, "%s\n", inst->emu.module_id);
	mutex_unlock(&inst->lock);
	return len;
}

static ssize_t nsm_inst_module_id_store(struct config_item *item,
					const char *page, size_t count)
{
	struct nsm_instance *inst = to_nsm_instance(item);
	size_t len = nsm_strip_len(page, count);

	if (nsm_module_id_check(page, len))
		return -EINVAL;
	mutex_lock(&inst->lock);
	memcpy(inst->emu.module_id, page, len);
	inst->emu.module_id[len] = '\0';
	/* The leaf certificate names the module: the next document needs a new one. */
	nsm_instance_retire_leaf_locked(inst);
	mutex_unlock(&inst->lock);
	return count;
}
NSM_CFS_ATTR_RW(nsm_inst_, module_id);

static ssize_t nsm_inst_debug_mode_show(struct config_item *item, char *page)
{
	struct nsm_instance *inst = to_nsm_instance(item);
	bool val;

	mutex_lock(&inst->lock);
	val = inst->emu.debug;
	mutex_unlock(&inst->lock);
	return sysfs_emit(page, "%d\n", val);
}

/* The mode is a property of the enclave: it holds across boots. */
static ssize_t nsm_inst_debug_mode_store(struct config_item *item,
					 const char *page, size_t count)
{
	struct nsm_instance *inst = to_nsm_instance(item);
	bool val;
	int ret;

	ret = kstrtobool(page, &val);
	if (ret)
		return ret;
	mutex_lock(&inst->lock);
	inst->emu.debug = val;
	mutex_unlock(&inst->lock);
	return count;
}
NSM_CFS_ATTR_RW(nsm_inst_, debug_mode);

/* Boot measurement @idx: the override, else the core's default. */
static ssize_t nsm_boot_pcr_show(struct config_item *item, char *page,
				 unsigned int idx)
{
	const struct nsm_measurements *d = &nsm_default_measurements;
	struct nsm_instance *inst = to_nsm_instance(item);
	u8 value[NSM_PCR_LEN];

	mutex_lock(&inst->lock);
	if (inst->boot.mask & BIT(idx))
		memcpy(value, inst->boot.pcr[idx], sizeof(value));
	else if (d->mask & BIT(idx))
		memcpy(value, d->pcr[idx], sizeof(value));
	else
		memset(value, 0, sizeof(value));
	mutex_unlock(&inst->lock);
	return sysfs_emit(page, "%*phN\n", NSM_PCR_LEN, value);
}

/* 96 hex digits set the measurement, an empty write restores the default. */
static ssize_t nsm_boot_pcr_store(struct config_item *item, const char *page,
				  size_t count, unsigned int idx)
{
	struct nsm_instance *inst = to_nsm_instance(item);
	size_t len = nsm_strip_len(page, count);
	u8 value[NSM_PCR_LEN];

	if (len && (len != 2 * NSM_PCR_LEN || hex2bin(value, page, NSM_PCR_LEN))) {
		pr_warn_ratelimited("pcr%u: write %d hex digits, or nothing for the default\n",
				    idx, 2 * NSM_PCR_LEN);
		return -EINVAL;
	}
	mutex_lock(&inst->lock);
	if (len) {
		memcpy(inst->boot.pcr[idx], value, NSM_PCR_LEN);
		inst->boot.mask |= BIT(idx);
	} else {
		inst->boot.mask &= ~BIT(idx);
	}
	mutex_unlock(&inst->lock);
	return count;
}

#define NSM_BOOT_PCR_ATTR(n)						\
static const unsigned int nsm_pcr##n##_index = (n);			\
static ssize_t nsm_inst_pcr##n##_show(struct config_item *item,	\
				      char *page)			\
{									\
	return nsm_boot_pcr_show(item, page, nsm_pcr##n##_index);	\
}									\
static ssize_t nsm_inst_pcr##n##_store(struct config_item *item,	\
				       const char *page, size_t count)	\
{									\
	return nsm_boot_pcr_store(item, page, count,			\
				  nsm_pcr##n##_index);			\
}									\
NSM_CFS_ATTR_RW(nsm_inst_, pcr##n)

NSM_BOOT_PCR_ATTR(0);
NSM_BOOT_PCR_ATTR(1);
NSM_BOOT_PCR_ATTR(2);
NSM_BOOT_PCR_ATTR(3);
NSM_BOOT_PCR_ATTR(4);
NSM_BOOT_PCR_ATTR(8);

/* ---- fidelity switches ---- */

enum nsm_switch {
	NSM_SW_TAGGED,
	NSM_SW_INDEFINITE,
	NSM_SW_CLOCK_OFFSET,
	NSM_SW_LIFETIME,
};

static ssize_t nsm_switch_show(struct config_item *item, char *page,
			       enum nsm_switch sw)
{
	struct nsm_instance *inst = to_nsm_instance(item);
	struct nsm_pki_settings set;

	mutex_lock(&inst->lock);
	set = inst->set;
	mutex_unlock(&inst->lock);
	switch (sw) {
	case NSM_SW_TAGGED:
		return sysfs_emit(page, "%d\n", set.tagged);
	case NSM_SW_INDEFINITE:
		return sysfs_emit(page, "%d\n", set.indefinite);
	case NSM_SW_CLOCK_OFFSET:
		return sysfs_emit(page, "%lld\n", set.clock_offset_ms);
	case NSM_SW_LIFETIME:
		return sysfs_emit(page, "%u\n", set.leaf_lifetime_s);
	}
	return -EINVAL;
}

/**
 * nsm_switch_store() - parse and apply one fidelity switch
 * @item:  the instance
 * @page:  what was written
 * @count: its length
 * @sw:    the switch
 * @name:  its attribute name, for the log
 *
 * The core checks the settings as a whole; on any error nothing changes.
 * A new leaf lifetime retires the current leaf.
 *
 * Context: Process context; takes the instance lock.
 * Return: @count, or -EINVAL after logging why.
 */
static ssize_t nsm_switch_store(struct config_item *item, const char *page,
				size_t count, enum nsm_switch sw,
				const char *name)
{
	struct nsm_instance *inst = to_nsm_instance(item);
	struct nsm_pki_settings set;
	bool b = false;
	s64 offset = 0;
	u32 life = 0;
	int ret = 0;

	switch (sw) {
	case NSM_SW_TAGGED:
	case NSM_SW_INDEFINITE:
		ret = kstrtobool(page, &b);
		break;
	case NSM_SW_CLOCK_OFFSET:
		ret = kstrtos64(page, 10, &offset);
		break;
	case NSM_SW_LIFETIME:
		ret = kstrtou32(page, 10, &life);
		break;
	}
	if (ret) {
		pr_warn_ratelimited("%s: cannot parse \"%.*s\"\n", name,
				    (int)min_t(size_t, strcspn(page, "\n"), 40),
				    page);
		return -EINVAL;
	}

	mutex_lock(&inst->lock);
	set = inst->set;
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
	ret = nsm_pki_settings_check(&set);
	if (!ret) {
		if (set.leaf_lifetime_s != inst->set.leaf_lifetime_s)
			nsm_instance_retire_leaf_locked(inst);
		inst->set = set;
	}
	mutex_unlock(&inst->lock);
	if (ret) {
		pr_warn_ratelimited("%s: out of range (clock_offset_ms: at most +-%lld; leaf_lifetime_s: 1..%u)\n",
				    name, NSM_PKI_OFFSET_MAX,
				    NSM_PKI_LIFETIME_MAX);
		return -EINVAL;
	}
	return count;
}

#define NSM_SWITCH_ATTR(_name, _sw)					\
static const enum nsm_switch nsm_sw_##_name = (_sw);			\
static ssize_t nsm_inst_##_name##_show(struct config_item *item,	\
				       char *page)			\
{									\
	return nsm_switch_show(item, page, nsm_sw_##_name);		\
}									\
static ssize_t nsm_inst_##_name##_store(struct config_item *item,	\
					const char *page, size_t count)	\
{									\
	return nsm_switch_store(item, page, count, nsm_sw_##_name,	\
				#_name);				\
}									\
NSM_CFS_ATTR_RW(nsm_inst_, _name)

NSM_SWITCH_ATTR(cose_tagged, NSM_SW_TAGGED);
NSM_SWITCH_ATTR(indefinite_map, NSM_SW_INDEFINITE);
NSM_SWITCH_ATTR(clock_offset_ms, NSM_SW_CLOCK_OFFSET);
NSM_SWITCH_ATTR(leaf_lifetime_s, NSM_SW_LIFETIME);

/* ---- actions ---- */

static ssize_t nsm_inst_reset_store(struct config_item *item,
				    const char *page, size_t count)
{
	struct nsm_instance *inst = to_nsm_instance(item);
	int ret;

	ret = nsm_action_arg(page, "reset");
	if (ret)
		return ret;
	mutex_lock(&inst->lock);
	if (inst->enabled) {
		nsm_instance_boot_locked(inst);
		inst->resets++;
	} else {
		ret = -ENODEV;
	}
	mutex_unlock(&inst->lock);
	return ret ?: count;
}
NSM_CFS_ATTR_WO(nsm_inst_, reset);

static ssize_t nsm_inst_rotate_store(struct config_item *item,
				     const char *page, size_t count)
{
	struct nsm_instance *inst = to_nsm_instance(item);
	int ret;

	ret = nsm_action_arg(page, "rotate");
	if (ret)
		return ret;
	mutex_lock(&inst->lock);
	nsm_instance_retire_leaf_locked(inst);
	mutex_unlock(&inst->lock);
	return count;
}
NSM_CFS_ATTR_WO(nsm_inst_, rotate);

static struct configfs_attribute *nsm_instance_attrs[] = {
	&nsm_inst_attr_enable,
	&nsm_inst_attr_devname,
	&nsm_inst_attr_module_id,
	&nsm_inst_attr_debug_mode,
	&nsm_inst_attr_pcr0,
	&nsm_inst_attr_pcr1,
	&nsm_inst_attr_pcr2,
	&nsm_inst_attr_pcr3,
	&nsm_inst_attr_pcr4,
	&nsm_inst_attr_pcr8,
	&nsm_inst_attr_cose_tagged,
	&nsm_inst_attr_indefinite_map,
	&nsm_inst_attr_clock_offset_ms,
	&nsm_inst_attr_leaf_lifetime_s,
	&nsm_inst_attr_reset,
	&nsm_inst_attr_rotate,
	NULL
};

const struct config_item_type nsm_instance_type = {
	.ct_item_ops	= &nsm_instance_item_ops,
	.ct_attrs	= nsm_instance_attrs,
	.ct_owner	= THIS_MODULE,
};

/* ---- instances/ ---- */

/* A device name's characters, short enough for the default "nsm-<name>". */
static bool nsm_instance_name_valid(const char *name)
{
	size_t len = strlen(name);

	return len <= NSM_INSTANCE_NAME_MAX && nsm_devname_valid(name, len);
}

/* mkdir instances/<name> */
static struct config_group *nsm_instances_make_group(struct config_group *group,
						     const char *name)
{
	struct nsm_instance *inst;

	if (!nsm_instance_name_valid(name)) {
		pr_warn_ratelimited("instance name \"%.40s\" invalid: use 1-%d characters from A-Z a-z 0-9 _ . -\n",
				    name, NSM_INSTANCE_NAME_MAX);
		return ERR_PTR(-EINVAL);
	}
	inst = nsm_instance_new(name);
	if (IS_ERR(inst))
		return ERR_CAST(inst);
	return &inst->group;
}

/* rmdir instances/<name>: configfs does not let an rmdir fail. */
static void nsm_instances_drop_item(struct config_group *group,
				    struct config_item *item)
{
	nsm_instance_destroy(to_nsm_instance(item));
}

static struct configfs_group_operations nsm_instances_group_ops = {
	.make_group	= nsm_instances_make_group,
	.drop_item	= nsm_instances_drop_item,
};

static const struct config_item_type nsm_instances_type = {
	.ct_group_ops	= &nsm_instances_group_ops,
	.ct_owner	= THIS_MODULE,
};

static struct config_group nsm_instances_group;

static const struct config_item_type nsm_root_type = {
	.ct_owner	= THIS_MODULE,
};

static struct configfs_subsystem nsm_subsys = {
	.su_group = {
		.cg_item = {
			.ci_namebuf	= KBUILD_MODNAME,
			.ci_type	= &nsm_root_type,
		},
	},
};

/**
 * nsm_configfs_add_instance() - show a module-made instance in instances/
 * @inst: the instance (the default one)
 *
 * It is a default group there: rmdir refuses it with EPERM.
 *
 * Context: Process context, module init.
 * Return: 0 or a negative errno.
 */
int nsm_configfs_add_instance(struct nsm_instance *inst)
{
	return configfs_register_group(&nsm_instances_group, &inst->group);
}

/* Undo nsm_configfs_add_instance(); the caller then destroys @inst. */
void nsm_configfs_remove_instance(struct nsm_instance *inst)
{
	configfs_unregister_group(&inst->group);
}

/**
 * nsm_configfs_init() - register /sys/kernel/config/nsm_emu/
 *
 * Context: Process context, module init.
 * Return: 0 or a negative errno.
 */
int nsm_configfs_init(void)
{
	int ret;

	config_group_init(&nsm_subsys.su_group);
	mutex_init(&nsm_subsys.su_mutex);
	config_group_init_type_name(&nsm_instances_group, "instances",
				    &nsm_instances_type);
	configfs_add_default_group(&nsm_instances_group, &nsm_subsys.su_group);
	configfs_add_default_group(&nsm_pki_group, &nsm_subsys.su_group);
	ret = configfs_register_subsystem(&nsm_subsys);
	if (ret)
		pr_err("cannot register the configfs subsystem: %d\n", ret);
	return ret;
}

/*
 * Unload: user-made instances pin the module, so only module-made ones
 * can still exist, and the caller removed those.
 */
void nsm_configfs_exit(void)
{
	configfs_unregister_subsystem(&nsm_subsys);
}
