/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version difference nsm_emu cares about, in one place.
 *
 * Kbuild force-includes this file (ccflags "-include") into every object of
 * the module, the portable core included, so it must stay harmless there:
 * macros and static inlines only, no definitions that emit code or data.
 *
 * Prefer feature tests to version numbers where a feature macro exists.
 * Tested against Debian's 6.1 LTS and 6.12 LTS kernels.
 */
#ifndef NSM_EMU_COMPAT_H
#define NSM_EMU_COMPAT_H

#include <linux/version.h>

/*
 * Floor: sysfs_emit() and crypto_shash_tfm_digest() appeared in 5.10,
 * kvfree_sensitive() in 5.8, compat_ptr_ioctl() in 5.5.
 */
#define NSM_EMU_KERNEL_MIN	KERNEL_VERSION(5, 10, 0)
#if LINUX_VERSION_CODE < NSM_EMU_KERNEL_MIN
#error "nsm_emu needs Linux 5.10 or later"
#endif

/*
 * Nothing else differs between 6.1 and 6.12 for what nsm_emu uses: the misc
 * device API (no class_create()), sysfs attribute groups, the crypto hash API
 * and the user-copy helpers are identical there. Add shims here, never in
 * the .c files.
 */

#endif /* NSM_EMU_COMPAT_H */
