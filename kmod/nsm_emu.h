/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsm_emu internals shared by the module's parts:
 *
 *   main.c        module parameters, load and unload, the default instance
 *   instance.c    one emulated enclave: /dev/<devname>, its ioctl, its
 *                 read-only runtime state in sysfs
 *   configfs.c    /sys/kernel/config/nsm_emu/instances/<name>/
 *   pki.c         the module-wide test CA hierarchy and its configfs group
 *   plat_kernel.c the kernel side of core/platform.h
 *
 * Lock order, outermost first:
 *
 *   nsm_devices_lock   device names and every enable/disable/destroy
 *   nsm_instance.lock  one instance's state (PCR bank, settings, leaf)
 *   nsm_pki.ca_lock    (spinlock) the pointer to the current chain
 *
 * nsm_pki.update_lock (staging and chain replacement) is never held with
 * any of these. misc_register() and misc_deregister() are called with
 * nsm_devices_lock held but never an instance lock: deregistering waits
 * for running sysfs callbacks, which take the instance lock.
 */
#ifndef NSM_EMU_H
#define NSM_EMU_H

#include <linux/atomic.h>
#include <linux/configfs.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include "core/nsm_core.h"
#include "core/pki.h"

/* Also PACKAGE_VERSION in dkms.conf; scripts/dkms-install.sh checks. */
#define NSM_EMU_VERSION		"0.2.0"

/* A device name: a file in /dev and a directory in /sys/class/misc. */
#define NSM_EMU_NAME_MAX	32
/* An instance name, short enough for its default devname "nsm-<name>". */
#define NSM_INSTANCE_NAME_MAX	(NSM_EMU_NAME_MAX - 4)

/**
 * struct nsm_emu_ca - a reference-counted chain (struct nsm_ca)
 * @ref:        one for the module-wide current pointer, one per leaf
 *              issued under it, one per user in flight
 * @ca:         the chain and the parent instance CA key; never changes
 * @generation: which replacement of the chain this is, from 1
 */
struct nsm_emu_ca {
	struct kref ref;
	struct nsm_ca *ca;
	u64 generation;
};

/**
 * struct nsm_emu_leaf - a reference-counted leaf (struct nsm_leaf)
 * @ref:   one for its instance's current pointer, one per document
 *         being signed with it
 * @leaf:  the certificate and key; never changes
 * @ca:    the chain that issued it (a reference): the document's cabundle
 * @epoch: the instance's leaf epoch it was minted for (see
 *         struct nsm_instance)
 */
struct nsm_emu_leaf {
	struct kref ref;
	struct nsm_leaf *leaf;
	struct nsm_emu_ca *ca;
	u64 epoch;
};

/**
 * struct nsm_instance - one emulated enclave
 * @group:          its configfs directory; the item's reference count is
 *                  the instance's lifetime (configfs, open files)
 * @node:           in the list of instances, under nsm_devices_lock
 * @lock:           guards everything below that is not marked otherwise
 * @emu:            the portable core's state: PCR bank, module id, debug
 *                  mode, request counters
 * @boot:           the boot measurements (configfs pcr0 .. pcr8)
 * @set:            the fidelity switches (emu.pki is unused: documents are
 *                  signed outside @lock from a snapshot)
 * @leaf:           the current leaf, NULL when none; a new one is needed
 *                  when it expired, its chain was replaced or @leaf_epoch
 *                  moved on
 * @leaf_epoch:     bumped by every change that retires the leaf (module
 *                  id, lifetime, rotate) so a leaf minted concurrently for
 *                  the old state is never installed
 * @leaves_issued:  leaves minted for this instance
 * @resets:         boots since the first one
 * @enabled:        /dev/@devname is registered; written under both
 *                  nsm_devices_lock and @lock
 * @dead:           rmdir'd; written under both locks
 * @gen:            bumped at every enable: a file opened before it fails
 *                  with ENODEV afterwards
 * @misc:           the misc device while enabled (nsm_devices_lock)
 * @devname:        its name (nsm_devices_lock for writes)
 * @ioctl_efault:   ioctls failed with EFAULT
 * @ioctl_emsgsize: ioctls failed with EMSGSIZE
 */
struct nsm_instance {
	struct config_group group;
	struct list_head node;
	struct mutex lock;	/* see above */
	struct nsm_emu emu;
	struct nsm_measurements boot;
	struct nsm_pki_settings set;
	struct nsm_emu_leaf *leaf;
	u64 leaf_epoch;
	u64 leaves_issued;
	unsigned long resets;
	bool enabled;
	bool dead;
	u64 gen;
	struct miscdevice misc;
	char devname[NSM_EMU_NAME_MAX + 1];
	atomic_long_t ioctl_efault;
	atomic_long_t ioctl_emsgsize;
};

static inline struct nsm_instance *to_nsm_instance(struct config_item *item)
{
	return container_of(to_config_group(item), struct nsm_instance, group);
}

/* instance.c */
extern struct mutex nsm_devices_lock;
extern struct configfs_item_operations nsm_instance_item_ops;
void nsm_instance_sysfs_init(void);
struct nsm_instance *nsm_instance_new(const char *name);
int nsm_instance_set_devname(struct nsm_instance *inst, const char *name);
int nsm_instance_enable(struct nsm_instance *inst);
void nsm_instance_disable(struct nsm_instance *inst);
void nsm_instance_destroy(struct nsm_instance *inst);
void nsm_instance_boot_locked(struct nsm_instance *inst);
void nsm_instance_retire_leaf_locked(struct nsm_instance *inst);
bool nsm_devname_valid(const char *name, size_t len);
int nsm_module_id_check(const char *s, size_t len);

/* configfs.c */
extern const struct config_item_type nsm_instance_type;
int nsm_configfs_init(void);
void nsm_configfs_exit(void);
int nsm_configfs_add_instance(struct nsm_instance *inst);
void nsm_configfs_remove_instance(struct nsm_instance *inst);
int nsm_action_arg(const char *buf, const char *name);

/* pki.c */
extern struct config_group nsm_pki_group;
int nsm_pki_init(void);
void nsm_pki_exit(void);
struct nsm_emu_ca *nsm_pki_get_ca(void);
void nsm_emu_ca_put(struct nsm_emu_ca *ca);
int nsm_emu_leaf_new(struct nsm_emu_ca *ca, const char *module_id,
		     u32 lifetime_s, u64 epoch, struct nsm_emu_leaf **out);
void nsm_emu_leaf_put(struct nsm_emu_leaf *leaf);

/* plat_kernel.c: the kernel side of core/platform.h */
int nsm_plat_init(void);
void nsm_plat_exit(void);

#endif /* NSM_EMU_H */
