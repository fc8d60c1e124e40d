/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The emulator's control interface: sysfs attributes of the misc device,
 * /sys/class/misc/<devname>/ (Documentation/ABI/testing/sysfs-driver-nsm_emu).
 *
 * NSMCTL_SYSFS, when set, names that directory instead; the tests point it
 * at a fake directory, and it lets one reach a device under another root.
 */
#ifndef NSMCTL_SYSFS_H
#define NSMCTL_SYSFS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * sysfs_dir() - the control directory
 * @devname: the device's name, or NULL for the basename of $NSM_DEVICE,
 *           else "nsm"
 * Return: a static string.
 */
const char *sysfs_dir(const char *devname);

/*
 * sysfs_check() - is @dir an emulator's control directory?
 * Return: NSMCTL_OK, or NSMCTL_DEVICE after an error message with a hint.
 */
int sysfs_check(const char *dir);

/* Whether attribute @attr exists in @dir. */
bool sysfs_has(const char *dir, const char *attr);

/*
 * sysfs_read() - read attribute @attr of @dir
 * @buf: receives a malloc'ed, NUL-terminated copy
 * Return: NSMCTL_OK, or NSMCTL_DEVICE after an error message.
 */
int sysfs_read(const char *dir, const char *attr, char **buf, size_t *len);

/*
 * sysfs_write() - write @len bytes to attribute @attr of @dir in one
 * write() (sysfs applies a text attribute per write call)
 * Return: NSMCTL_OK, or NSMCTL_DEVICE after an error message (EINVAL is
 * reported as the module refusing the value).
 */
int sysfs_write(const char *dir, const char *attr, const void *buf,
		size_t len);

#endif /* NSMCTL_SYSFS_H */
