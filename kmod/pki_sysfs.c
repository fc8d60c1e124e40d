// SPDX-License-Identifier: GPL-2.0
/*
 * Control attributes of the attestation PKI (root certificate, provisioning
 * of the instance CA, fidelity switches).
 *
 * Placeholder: the attestation work fills this file. Its attribute group is
 * already listed in nsm_emu_groups[] (ctrl.c), so attributes added to
 * nsm_pki_attrs[] or nsm_pki_bin_attrs (set .bin_attrs) appear in
 * /sys/class/misc/<devname>/ with no other change; nsm_pki_setup() and
 * nsm_pki_teardown() are already called by module init and exit.
 */
#include "nsm_emu.h"

static struct attribute *nsm_pki_attrs[] = {
	NULL
};

const struct attribute_group nsm_pki_attr_group = {
	.attrs = nsm_pki_attrs,
};

/**
 * nsm_pki_setup() - create the attestation PKI of a new device
 * @nd: the device, not yet registered
 *
 * Context: Process context, module init; @nd is not visible to anyone yet.
 * Return: 0, or a negative errno that fails the module load.
 */
int nsm_pki_setup(struct nsm_emu_dev *nd)
{
	return 0;
}

/**
 * nsm_pki_teardown() - release (and wipe) what nsm_pki_setup() created
 * @nd: the device, already deregistered
 *
 * Context: Process context, module exit or failed init.
 */
void nsm_pki_teardown(struct nsm_emu_dev *nd)
{
}
