// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel side of core/platform.h: SHA-384 from the crypto API, random
 * bytes from the kernel RNG, wall-clock time, allocation that wipes on free.
 *
 * The core calls these from process context with the device mutex held, so
 * every service here may sleep.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/hash.h>
#include <linux/err.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "nsm_emu.h"
#include "core/platform.h"

/*
 * One transform for the module's lifetime: a shash tfm holds no per-message
 * state (that lives in the on-stack descriptor), so concurrent users share it.
 */
static struct crypto_shash *nsm_sha384_tfm;

/**
 * nsm_plat_init() - allocate the SHA-384 transform
 *
 * The generic C implementation (sha512_generic), not an arch-optimised
 * one: the SIMD ones hash inside kernel_fpu_begin() sections, which
 * disable preemption, so an attestation or a 4 KiB ExtendPCR on one CPU
 * stalled every other request scheduled there (measured under qemu: the
 * p99 of DescribePCR next to an attesting thread tripled on 6.12, whose
 * sha512 is SIMD; with the generic code it stays within 5%). The cost is
 * small next to a P-384 signature. The module declares a soft dependency
 * on "crypto-sha384-generic" so that modprobe loads it first; the crypto
 * API would also request it on demand.
 *
 * Context: Process context, may sleep.
 * Return: 0, or a negative errno if no SHA-384 implementation is available.
 */
int nsm_plat_init(void)
{
	struct crypto_shash *tfm;

	tfm = crypto_alloc_shash("sha384-generic", 0, 0);
	if (IS_ERR(tfm)) {
		pr_err("no sha384-generic in the crypto API (%ld); load sha512_generic\n",
		       PTR_ERR(tfm));
		return PTR_ERR(tfm);
	}
	if (WARN_ON(crypto_shash_digestsize(tfm) != NSM_SHA384_LEN)) {
		crypto_free_shash(tfm);
		return -EINVAL;
	}
	nsm_sha384_tfm = tfm;
	return 0;
}

/**
 * nsm_plat_exit() - release the SHA-384 transform
 *
 * Context: Process context, after the last user of the core is gone.
 */
void nsm_plat_exit(void)
{
	crypto_free_shash(nsm_sha384_tfm);
	nsm_sha384_tfm = NULL;
}

/**
 * nsm_plat_sha384() - SHA-384 of the concatenation of @n pieces
 * @sg:  the pieces
 * @n:   their number
 * @out: receives the digest
 *
 * Context: Process context (the descriptor lives on the stack; the generic
 * and SIMD implementations do not sleep, but callers may).
 * Return: 0, or a negative errno from the crypto API.
 */
int nsm_plat_sha384(const struct nsm_sg *sg, unsigned int n,
		    u8 out[NSM_SHA384_LEN])
{
	SHASH_DESC_ON_STACK(desc, nsm_sha384_tfm);
	unsigned int i;
	int ret;

	desc->tfm = nsm_sha384_tfm;
	ret = crypto_shash_init(desc);
	for (i = 0; !ret && i < n; i++)
		ret = crypto_shash_update(desc, sg[i].data, sg[i].len);
	if (!ret)
		ret = crypto_shash_final(desc, out);
	shash_desc_zero(desc);
	return ret;
}

/**
 * nsm_plat_random() - random bytes for keys, serials and GetRandom
 * @buf: receives them
 * @len: how many
 *
 * Waits until the kernel's RNG is seeded: keys generated before that
 * (early boot, an initramfs) could be guessable.
 *
 * Context: Process context, may sleep.
 * Return: 0, or -ERESTARTSYS when a signal interrupted the wait.
 */
int nsm_plat_random(void *buf, size_t len)
{
	int ret = wait_for_random_bytes();

	if (ret)
		return ret;
	get_random_bytes(buf, len);
	return 0;
}

u64 nsm_plat_time_ms(void)
{
	return ktime_to_ms(ktime_get_real());
}

void *nsm_plat_alloc(size_t len)
{
	return kvzalloc(len, GFP_KERNEL);
}

void nsm_plat_free(void *p, size_t len)
{
	kvfree_sensitive(p, len);	/* wipes @len bytes, then kvfree() */
}

void nsm_plat_wipe(void *p, size_t len)
{
	memzero_explicit(p, len);
}
