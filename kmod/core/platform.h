/* SPDX-License-Identifier: GPL-2.0 OR LGPL-2.1-or-later */
/*
 * The portable core's only view of the world.
 *
 * kmod/core/ is compiled into the kernel module and into userspace tests and
 * fuzzers. It includes nothing but this file (and its own headers); the
 * services below are supplied by kmod/plat_kernel.c in the module and by
 * tests/core/plat_user.c (OpenSSL, getrandom) in userspace.
 */
#ifndef NSM_CORE_PLATFORM_H
#define NSM_CORE_PLATFORM_H

#ifdef __KERNEL__
#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/types.h>
#include <linux/string.h>
#include <linux/stddef.h>
#else
/*
 * Userspace spellings of the kernel names the core uses. The fixed-width
 * types come from the compiler's own macros (the same types as <stdint.h>'s
 * uint8_t..int64_t); __always_inline comes from glibc's <sys/cdefs.h>, as
 * does the attribute behind noinline; static_assert from <assert.h>.
 */
#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/cdefs.h>
typedef __UINT8_TYPE__ u8;
typedef __UINT16_TYPE__ u16;
typedef __UINT32_TYPE__ u32;
typedef __UINT64_TYPE__ u64;
typedef __INT64_TYPE__ s64;
#define BIT(nr)		(1UL << (nr))
#ifndef noinline
#define noinline	__attribute_noinline__
#endif
#endif

#define NSM_SHA384_LEN	48

/**
 * struct nsm_sg - one piece of a message hashed in several parts
 * @data: the bytes
 * @len:  their number
 */
struct nsm_sg {
	const void *data;
	size_t len;
};

/**
 * nsm_plat_sha384() - SHA-384 of the concatenation of @n pieces
 * @sg:  the pieces
 * @n:   their number
 * @out: receives the digest
 *
 * Return: 0, or a negative value if the platform could not hash.
 */
int nsm_plat_sha384(const struct nsm_sg *sg, unsigned int n,
		    u8 out[NSM_SHA384_LEN]);

/**
 * nsm_plat_random() - fill @buf with cryptographically secure random bytes
 * @buf: the buffer
 * @len: its size
 *
 * Return: 0, or a negative value on failure.
 */
int nsm_plat_random(void *buf, size_t len);

/** nsm_plat_time_ms() - wall-clock time in milliseconds since the epoch */
u64 nsm_plat_time_ms(void);

/**
 * nsm_plat_alloc() - zeroed allocation that may sleep
 * @len: its size
 *
 * Return: the memory, or NULL on failure.
 */
void *nsm_plat_alloc(size_t len);

/**
 * nsm_plat_free() - wipe @len bytes of @p, then release it
 * @p:   memory from nsm_plat_alloc(), or NULL (a no-op)
 * @len: the size it was allocated with
 */
void nsm_plat_free(void *p, size_t len);

/**
 * nsm_plat_wipe() - clear secrets in a way the compiler cannot elide
 * @p:   the secret
 * @len: its size
 */
void nsm_plat_wipe(void *p, size_t len);

#endif /* NSM_CORE_PLATFORM_H */
