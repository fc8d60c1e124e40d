/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsm_emu internals shared by the misc device (main.c), the control
 * interface (ctrl.c, pki_sysfs.c) and the platform glue (plat_kernel.c).
 */
#ifndef NSM_EMU_H
#define NSM_EMU_H

#include <linux/atomic.h>
#include <linux/device.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/sysfs.h>
#include <linux/types.h>

#include "core/nsm_core.h"

/* Also PACKAGE_VERSION in dkms.conf; scripts/dkms-install.sh checks. */
#define NSM_EMU_VERSION		"0.1.0"

/* A device name: a file in /dev and a directory in /sys/class/misc. */
#define NSM_EMU_NAME_MAX	32

/**
 * struct nsm_boot_config - what a "boot" (load, reset, preset) applies
 * @m:     PCR values; PCRs left out of @m.mask take the core's defaults
 * @debug: report PCR0..2 as zeros after the boot
 */
struct nsm_boot_config {
	struct nsm_measurements m;
	bool debug;
};

/**
 * struct nsm_emu_dev - the one emulated device of this module
 * @misc:           the misc device (/dev/<name>, /sys/class/misc/<name>)
 * @lock:           serialises every access to @emu and @boot: ioctl requests,
 *                  sysfs reads and writes
 * @emu:            the portable core's state (PCR bank, module id, counters)
 * @boot:           applied by the next reset; changed by "measurements" and
 *                  "preset"
 * @load:           the boot configuration given by module parameters; never
 *                  changes after load (the "load" preset)
 * @ioctl_efault:   ioctls failed with -EFAULT (bad user pointers)
 * @ioctl_emsgsize: ioctls failed with -EMSGSIZE (request over 4 KiB)
 * @resets:         boots since load (the load itself excluded)
 * @name:           device name, a copy of the devname parameter
 */
struct nsm_emu_dev {
	struct miscdevice misc;
	struct mutex lock;	/* guards emu, boot and resets */
	struct nsm_emu emu;
	struct nsm_boot_config boot;
	struct nsm_boot_config load;
	atomic_long_t ioctl_efault;
	atomic_long_t ioctl_emsgsize;
	unsigned long resets;
	char name[NSM_EMU_NAME_MAX + 1];
};

/**
 * nsm_emu_dev_from_device() - the emulator behind a sysfs attribute's device
 * @dev: the misc device's struct device (misc_register() stores the
 *       struct miscdevice as its driver data)
 *
 * Return: the owning struct nsm_emu_dev.
 */
static inline struct nsm_emu_dev *nsm_emu_dev_from_device(struct device *dev)
{
	struct miscdevice *misc = dev_get_drvdata(dev);

	return container_of(misc, struct nsm_emu_dev, misc);
}

/* main.c */
void nsm_emu_boot_locked(struct nsm_emu_dev *nd);

/* ctrl.c */
extern const struct attribute_group *nsm_emu_groups[];
int nsm_parse_pcr_hex(const char *s, size_t len, u8 out[NSM_PCR_LEN]);
int nsm_module_id_check(const char *s, size_t len);
int nsm_action_arg(const char *buf, const char *name);

/*
 * pki_sysfs.c: attestation PKI. The group's attributes sit next to the
 * control attributes; setup runs before the device appears, teardown after
 * it is gone, both without the device lock.
 */
extern const struct attribute_group nsm_pki_attr_group;
int nsm_pki_setup(struct nsm_emu_dev *nd);
void nsm_pki_teardown(struct nsm_emu_dev *nd);

/* plat_kernel.c: the kernel side of core/platform.h */
int nsm_plat_init(void);
void nsm_plat_exit(void);

#endif /* NSM_EMU_H */
