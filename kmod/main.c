// SPDX-License-Identifier: GPL-2.0
/*
 * nsm_emu: emulated AWS Nitro Security Modules.
 *
 * Each instance (instance.c) is one emulated enclave with its own device
 * node, created and configured in configfs (configfs.c); all of them sign
 * under one test CA hierarchy (pki.c). This file holds the module
 * parameters, which describe the default instance: with
 * default_instance=1 (the default) loading the module gives /dev/nsm with
 * no configuration at all.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

#include "nsm_emu.h"

static bool default_instance = true;
module_param(default_instance, bool, 0444);
MODULE_PARM_DESC(default_instance,
		 "create the instance \"default\" at load, enabled (default: true)");

static char *devname = "nsm";
module_param(devname, charp, 0444);
MODULE_PARM_DESC(devname,
		 "default instance's device name in /dev and /sys/class/misc (default: nsm); letters, digits, '_', '-', '.'");

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
MODULE_PARM_DESC(debug, "default instance in debug mode: report PCR0-2 as zeros (default: false)");

static struct nsm_instance *nsm_default;

/**
 * nsm_params_apply() - configure the default instance from the parameters
 * @inst: the instance, not yet visible
 *
 * Context: Process context (module init).
 * Return: 0, or -EINVAL after logging which parameter is wrong.
 */
static int nsm_params_apply(struct nsm_instance *inst)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(pcr_param); i++) {
		unsigned int idx = pcr_param_index[i];
		const char *s = pcr_param[i];

		if (!s)
			continue;
		if (strlen(s) != 2 * NSM_PCR_LEN ||
		    hex2bin(inst->boot.pcr[idx], s, NSM_PCR_LEN)) {
			pr_err("pcr%u: expected %d hex digits, got \"%.16s%s\"\n",
			       idx, 2 * NSM_PCR_LEN, s,
			       strlen(s) > 16 ? "..." : "");
			return -EINVAL;
		}
		inst->boot.mask |= BIT(idx);
	}
	if (module_id && nsm_module_id_check(module_id, strlen(module_id))) {
		pr_err("module_id invalid: use 1-%d printable ASCII characters without spaces\n",
		       NSM_MODULE_ID_MAX);
		return -EINVAL;
	}
	strscpy(inst->emu.module_id, module_id ?: NSM_DEFAULT_MODULE_ID,
		sizeof(inst->emu.module_id));
	inst->emu.debug = debug;

	mutex_lock(&nsm_devices_lock);
	ret = nsm_instance_set_devname(inst, devname);
	mutex_unlock(&nsm_devices_lock);
	if (ret)
		pr_err("devname \"%.40s\" invalid: use 1-%d characters from A-Z a-z 0-9 _ . -\n",
		       devname, NSM_EMU_NAME_MAX);
	return ret;
}

/**
 * nsm_default_create() - the default instance, enabled
 *
 * Context: Process context (module init), after configfs is registered.
 * Return: 0; -EINVAL for a bad parameter; -EEXIST when a misc device of
 * that name exists (the real /dev/nsm, for one); another negative errno.
 */
static int nsm_default_create(void)
{
	struct nsm_instance *inst;
	int ret;

	inst = nsm_instance_new("default");
	if (IS_ERR(inst))
		return PTR_ERR(inst);
	ret = nsm_params_apply(inst);
	if (ret)
		goto err_destroy;
	ret = nsm_configfs_add_instance(inst);
	if (ret)
		goto err_destroy;
	mutex_lock(&nsm_devices_lock);
	ret = nsm_instance_enable(inst);
	mutex_unlock(&nsm_devices_lock);
	if (ret) {
		if (ret == -EEXIST)
			pr_err("a misc device named \"%s\" exists already (the real NSM driver?); load with devname=<other name> to run side by side\n",
			       inst->devname);
		nsm_configfs_remove_instance(inst);
		goto err_destroy;
	}
	nsm_default = inst;
	pr_info("/dev/%s ready, module_id %s%s\n", inst->devname,
		inst->emu.module_id, inst->emu.debug ? ", debug mode" : "");
	return 0;

err_destroy:
	nsm_instance_destroy(inst);
	return ret;
}

/**
 * nsm_emu_mod_init() - platform, PKI, configfs, default instance
 *
 * Context: Process context (module load).
 * Return: 0 or a negative errno (logged).
 */
static int __init nsm_emu_mod_init(void)
{
	int ret;

	nsm_instance_sysfs_init();
	ret = nsm_plat_init();
	if (ret)
		return ret;
	ret = nsm_pki_init();
	if (ret)
		goto err_plat_exit;
	ret = nsm_configfs_init();
	if (ret)
		goto err_pki_exit;
	if (default_instance) {
		ret = nsm_default_create();
		if (ret)
			goto err_configfs_exit;
	}
	return 0;

err_configfs_exit:
	nsm_configfs_exit();
err_pki_exit:
	nsm_pki_exit();
err_plat_exit:
	nsm_plat_exit();
	return ret;
}

/**
 * nsm_emu_mod_exit() - remove the default instance, configfs, the PKI
 *
 * Instances made with mkdir pin the module and open devices pin it
 * through their file operations, so only the default instance is left,
 * with no open file. Removing it waits for sysfs callbacks in progress.
 *
 * Context: Process context (module unload).
 */
static void __exit nsm_emu_mod_exit(void)
{
	if (nsm_default) {
		nsm_configfs_remove_instance(nsm_default);
		nsm_instance_destroy(nsm_default);
		nsm_default = NULL;
	}
	nsm_configfs_exit();
	nsm_pki_exit();
	nsm_plat_exit();
}

module_init(nsm_emu_mod_init);
module_exit(nsm_emu_mod_exit);

MODULE_DESCRIPTION("Emulated AWS Nitro Security Modules (/dev/nsm) for testing");
MODULE_AUTHOR("nsm-emu developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(NSM_EMU_VERSION);
MODULE_SOFTDEP("pre: crypto-sha384-generic");
