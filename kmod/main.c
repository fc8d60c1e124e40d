// SPDX-License-Identifier: GPL-2.0
/*
 * nsm_emu: an emulated AWS Nitro Security Module.
 *
 * /dev/nsm speaks the ABI of Linux's drivers/misc/nsm.c (NSM_IOCTL_RAW, CBOR
 * request in, CBOR response out); the portable core in core/ answers. The
 * root-only control interface lives in sysfs next to the device (ctrl.c).
 *
 * Differences from the upstream driver, all deliberate: unknown ioctl
 * commands fail with -ENOTTY (upstream: -EINVAL), user memory is copied
 * with no lock held (upstream copies under its mutex), and requests are
 * answered by software instead of a virtio device.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/build_bug.h>
#include <linux/ctype.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/namei.h>
#include <linux/path.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

/* Our copy of the UAPI header: 6.1's headers have no linux/nsm.h. */
#include "../include/uapi/linux/nsm.h"
#include "nsm_emu.h"

static_assert(sizeof(struct nsm_raw) == 32);
static_assert(_IOC_SIZE(NSM_IOCTL_RAW) == sizeof(struct nsm_raw));
static_assert(NSM_IOCTL_RAW == 0xc0200a00);
static_assert(NSM_CORE_REQUEST_MAX == NSM_REQUEST_MAX_SIZE);

static char *devname = "nsm";
module_param(devname, charp, 0444);
MODULE_PARM_DESC(devname,
		 "device name in /dev and /sys/class/misc (default: nsm); letters, digits, '_', '-', '.'");

/* Boot measurements; PCRs without a parameter take the core's defaults. */
static char *pcr_param[6];
static const u8 pcr_param_index[6] = { 0, 1, 2, 3, 4, 8 };

module_param_named(pcr0, pcr_param[0], charp, 0);
MODULE_PARM_DESC(pcr0, "PCR0 (enclave image) at boot, 96 hex digits (default: measurement of the built-in fake image)");
module_param_named(pcr1, pcr_param[1], charp, 0);
MODULE_PARM_DESC(pcr1, "PCR1 (kernel and bootstrap) at boot, 96 hex digits (default: from the fake image)");
module_param_named(pcr2, pcr_param[2], charp, 0);
MODULE_PARM_DESC(pcr2, "PCR2 (application) at boot, 96 hex digits (default: from the fake image)");
module_param_named(pcr3, pcr_param[3], charp, 0);
MODULE_PARM_DESC(pcr3, "PCR3 (parent IAM role) at boot, 96 hex digits (default: zero, no role)");
module_param_named(pcr4, pcr_param[4], charp, 0);
MODULE_PARM_DESC(pcr4, "PCR4 (parent instance id) at boot, 96 hex digits (default: from the fake instance id)");
module_param_named(pcr8, pcr_param[5], charp, 0);
MODULE_PARM_DESC(pcr8, "PCR8 (EIF signing certificate) at boot, 96 hex digits (default: zero, an unsigned image)");

static char *module_id;
module_param(module_id, charp, 0);
MODULE_PARM_DESC(module_id,
		 "DescribeNSM module id: 1-127 printable ASCII characters, no spaces (default: "
		 NSM_DEFAULT_MODULE_ID ")");

static bool debug;
module_param(debug, bool, 0);
MODULE_PARM_DESC(debug, "debug-mode enclave: report PCR0-2 as zeros (default: false)");

static struct nsm_emu_dev *nsm_emu_dev;

/**
 * nsm_emu_boot_locked() - "boot" the emulated enclave from @nd->boot
 * @nd: the device
 *
 * Clears the PCR bank, writes the boot measurements (core defaults for the
 * PCRs @nd->boot leaves out), locks PCRs 0..15 and sets the debug mode.
 * Counters and the module id are kept.
 *
 * Context: Process context; the caller holds @nd->lock.
 */
void nsm_emu_boot_locked(struct nsm_emu_dev *nd)
{
	lockdep_assert_held(&nd->lock);

	nsm_emu_reset(&nd->emu, &nd->boot.m);
	nd->emu.debug = nd->boot.debug;
}

/**
 * nsm_ioctl_raw() - NSM_IOCTL_RAW: answer one CBOR request
 * @nd:   the device
 * @argp: user pointer to a struct nsm_raw
 *
 * Follows upstream's order of checks and copies: the argument struct
 * (-EFAULT), the request size (-EMSGSIZE), the request bytes (-EFAULT); then
 * the answer, truncated without error to the user's response buffer, and
 * the struct with the stored length written back (-EFAULT). Protocol errors
 * are CBOR error responses, never ioctl failures.
 *
 * User memory is only touched with @nd->lock released, so a faulting or
 * userfaultfd-backed buffer can stall its own caller, nobody else.
 *
 * Context: Process context, may sleep; takes @nd->lock.
 * Return: 0, -EFAULT, -EMSGSIZE, -ENOMEM, or -EINTR if killed while waiting
 * for the device.
 */
static long nsm_ioctl_raw(struct nsm_emu_dev *nd, void __user *argp)
{
	size_t resp_len = 0;
	struct nsm_raw raw;
	u8 *req, *resp;
	long ret;

	if (copy_from_user(&raw, argp, sizeof(raw))) {
		atomic_long_inc(&nd->ioctl_efault);
		return -EFAULT;
	}
	if (raw.request.len > NSM_REQUEST_MAX_SIZE) {
		atomic_long_inc(&nd->ioctl_emsgsize);
		return -EMSGSIZE;
	}

	/* 16 KiB: too much for the stack, kvmalloc() falls back to vmalloc. */
	req = kvmalloc(NSM_REQUEST_MAX_SIZE + NSM_RESPONSE_MAX_SIZE, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	resp = req + NSM_REQUEST_MAX_SIZE;

	ret = -EFAULT;
	if (copy_from_user(req, u64_to_user_ptr(raw.request.addr),
			   raw.request.len))
		goto out_free;

	ret = mutex_lock_killable(&nd->lock);
	if (ret)
		goto out_free;
	resp_len = nsm_handle(&nd->emu, req, raw.request.len,
			      resp, NSM_RESPONSE_MAX_SIZE);
	mutex_unlock(&nd->lock);

	/* Silent truncation, as upstream: the caller sees the stored length. */
	raw.response.len = min_t(u64, raw.response.len, resp_len);

	ret = -EFAULT;
	if (copy_to_user(u64_to_user_ptr(raw.response.addr), resp,
			 raw.response.len))
		goto out_free;
	if (copy_to_user(argp, &raw, sizeof(raw)))
		goto out_free;
	ret = 0;

out_free:
	if (ret == -EFAULT)
		atomic_long_inc(&nd->ioctl_efault);
	/* Random bytes and documents for one caller only: wipe what was used. */
	memzero_explicit(req, raw.request.len);
	memzero_explicit(resp, resp_len);
	kvfree(req);
	return ret;
}

static long nsm_emu_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	struct nsm_emu_dev *nd = container_of(file->private_data,
					      struct nsm_emu_dev, misc);

	switch (cmd) {
	case NSM_IOCTL_RAW:
		return nsm_ioctl_raw(nd, (void __user *)arg);
	default:
		return -ENOIOCTLCMD;	/* the VFS turns it into -ENOTTY */
	}
}

static const struct file_operations nsm_emu_fops = {
	.owner		= THIS_MODULE,	/* an open /dev/nsm pins the module */
	.unlocked_ioctl	= nsm_emu_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

/**
 * nsm_devname_valid() - is @name usable as a /dev and sysfs name?
 * @name: the devname parameter
 *
 * Return: true for 1..NSM_EMU_NAME_MAX characters from [A-Za-z0-9_.-],
 * other than "." and "..".
 */
static bool nsm_devname_valid(const char *name)
{
	size_t len = strnlen(name, NSM_EMU_NAME_MAX + 1);
	size_t i;

	if (!len || len > NSM_EMU_NAME_MAX)
		return false;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum(name[i]) && !strchr("_.-", name[i]))
			return false;
	return true;
}

/**
 * nsm_misc_name_taken() - does a misc device named @name exist already?
 * @name: a valid device name
 *
 * The misc core does not check names: registering a duplicate fails only
 * deep in sysfs, with a "cannot create duplicate filename" warning and a
 * stack dump, and the list of misc devices and their class are private. So
 * look for the class link /sys/class/misc/@name, which every misc device has
 * whatever its parent. This needs sysfs mounted on /sys in the loading
 * process's namespace, as it always is in practice; without it, the check
 * passes and misc_register() still refuses the duplicate (-EEXIST), only
 * more noisily.
 *
 * Context: Process context (module init), may sleep.
 * Return: true if the name is taken.
 */
static bool nsm_misc_name_taken(const char *name)
{
	char path[sizeof("/sys/class/misc/") + NSM_EMU_NAME_MAX];
	struct path p;

	snprintf(path, sizeof(path), "/sys/class/misc/%s", name);
	if (kern_path(path, 0, &p))	/* the link itself, not followed */
		return false;
	path_put(&p);
	return true;
}

/**
 * nsm_params_to_boot() - validate the boot parameters into @boot
 * @boot: receives the measurements and debug mode of the parameters
 *
 * Context: Process context (module init).
 * Return: 0, or -EINVAL after logging which parameter is wrong.
 */
static int nsm_params_to_boot(struct nsm_boot_config *boot)
{
	unsigned int i;

	memset(boot, 0, sizeof(*boot));
	for (i = 0; i < ARRAY_SIZE(pcr_param); i++) {
		unsigned int idx = pcr_param_index[i];
		const char *s = pcr_param[i];

		if (!s)
			continue;
		if (nsm_parse_pcr_hex(s, strlen(s), boot->m.pcr[idx])) {
			pr_err("pcr%u: expected %d hex digits, got \"%.16s%s\"\n",
			       idx, 2 * NSM_PCR_LEN, s,
			       strlen(s) > 16 ? "..." : "");
			return -EINVAL;
		}
		boot->m.mask |= BIT(idx);
	}
	boot->debug = debug;
	return 0;
}

/**
 * nsm_emu_mod_init() - create the device
 *
 * Validates every parameter before anything becomes visible, boots the
 * emulated enclave, then registers /dev/<devname> with its control
 * attributes in one step (the attributes exist before the uevent).
 *
 * Context: Process context (module load).
 * Return: 0; -EINVAL for a bad parameter; -EEXIST when a misc device of
 * that name exists (e.g. a real /dev/nsm); or another negative errno.
 */
static int __init nsm_emu_mod_init(void)
{
	struct nsm_emu_dev *nd;
	int ret;

	if (!nsm_devname_valid(devname)) {
		pr_err("devname \"%.40s\" invalid: use 1-%d characters from A-Z a-z 0-9 _ . -\n",
		       devname, NSM_EMU_NAME_MAX);
		return -EINVAL;
	}
	if (module_id && nsm_module_id_check(module_id, strlen(module_id))) {
		pr_err("module_id invalid: use 1-%d printable ASCII characters without spaces\n",
		       NSM_MODULE_ID_MAX);
		return -EINVAL;
	}

	nd = kzalloc(sizeof(*nd), GFP_KERNEL);
	if (!nd)
		return -ENOMEM;
	mutex_init(&nd->lock);
	strscpy(nd->name, devname, sizeof(nd->name));
	ret = nsm_params_to_boot(&nd->load);
	if (ret)
		goto err_free_dev;

	ret = nsm_plat_init();
	if (ret)
		goto err_free_dev;

	nsm_emu_init(&nd->emu);		/* version 1.0.0, default module_id */
	if (module_id)
		strscpy(nd->emu.module_id, module_id, sizeof(nd->emu.module_id));
	mutex_lock(&nd->lock);
	nd->boot = nd->load;
	nsm_emu_boot_locked(nd);
	mutex_unlock(&nd->lock);

	ret = nsm_pki_setup(nd);
	if (ret)
		goto err_plat_exit;

	if (nsm_misc_name_taken(nd->name)) {
		pr_err("a misc device named \"%s\" exists already (the real NSM driver?); load with devname=<other name> to run side by side\n",
		       nd->name);
		ret = -EEXIST;
		goto err_pki_teardown;
	}
	nd->misc.minor = MISC_DYNAMIC_MINOR;
	nd->misc.name = nd->name;
	nd->misc.fops = &nsm_emu_fops;
	nd->misc.groups = nsm_emu_groups;
	nd->misc.mode = 0666;	/* as upstream; see Documentation/admin-guide.rst */
	ret = misc_register(&nd->misc);
	if (ret) {
		pr_err("cannot register /dev/%s: %d%s\n", nd->name, ret,
		       ret == -EEXIST ? " (name taken; try devname=)" : "");
		goto err_pki_teardown;
	}

	nsm_emu_dev = nd;
	pr_info("/dev/%s ready, module_id %s%s\n", nd->name,
		nd->emu.module_id, nd->emu.debug ? ", debug mode" : "");
	return 0;

err_pki_teardown:
	nsm_pki_teardown(nd);
err_plat_exit:
	nsm_plat_exit();
err_free_dev:
	mutex_destroy(&nd->lock);
	kfree_sensitive(nd);
	return ret;
}

/**
 * nsm_emu_mod_exit() - remove the device
 *
 * Nobody holds /dev/<devname> open (an open file pins the module), and
 * misc_deregister() waits for running sysfs callbacks, so nothing can touch
 * the device once it returns.
 *
 * Context: Process context (module unload).
 */
static void __exit nsm_emu_mod_exit(void)
{
	struct nsm_emu_dev *nd = nsm_emu_dev;

	misc_deregister(&nd->misc);
	nsm_pki_teardown(nd);
	nsm_plat_exit();
	mutex_destroy(&nd->lock);
	kfree_sensitive(nd);
	nsm_emu_dev = NULL;
}

module_init(nsm_emu_mod_init);
module_exit(nsm_emu_mod_exit);

MODULE_DESCRIPTION("Emulated AWS Nitro Security Module (/dev/nsm) for testing");
MODULE_AUTHOR("nsm-emu developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(NSM_EMU_VERSION);
MODULE_SOFTDEP("pre: crypto-sha384");
