/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The emulator's control interface (0.2): instances and the PKI in configfs
 * (Documentation/ABI/testing/configfs-nsm_emu), read-only runtime state of
 * each instance's device in sysfs (Documentation/ABI/testing/
 * sysfs-driver-nsm_emu).
 *
 *   <configfs>/instances/<name>/<attr>   one value per attribute
 *   <configfs>/pki/<attr>                chain, key, commit, root, ...
 *   <sysfs>/<devname>/<group>/<file>     pcrs/<n>, statistics/<counter>, ...
 *
 * <configfs> is $NSMCTL_CONFIGFS, else /sys/kernel/config/nsm_emu; <sysfs>
 * is $NSMCTL_SYSFS, else /sys/class/misc. The tests point both at fake
 * trees; they also reach an emulator under another root.
 *
 * Functions that print say so; the others return a positive errno quietly,
 * so callers can explain the errnos the ABI gives a meaning to.
 */
#ifndef NSMCTL_CTL_H
#define NSMCTL_CTL_H

#include <stdbool.h>
#include <stddef.h>

#define CTL_DEFAULT_INSTANCE	"default"
#define CTL_NAME_MAX		28	/* instance directory names */
#define CTL_DEVNAME_MAX		32	/* device names */
#define CTL_MODULE_ID_MAX	127

/* The configfs root and the sysfs class directory (static strings). */
const char *ctl_configfs(void);
const char *ctl_sysfs(void);

/*
 * ctl_check() - is the control interface there?
 * Prints an error with a hint (mount configfs, load the module) when not.
 * Return: NSMCTL_OK or NSMCTL_DEVICE.
 */
int ctl_check(void);

/*
 * ctl_valid_name() - @s is 1..@max characters of A-Z a-z 0-9 _ . - and
 * not "." or ".." (instance names, device names)
 */
bool ctl_valid_name(const char *s, size_t max);

/*
 * ctl_instance() - the directory of instance @name, which must exist
 * @dir: receives the path (PATH_MAX bytes)
 * Prints an error (bad name, no such instance, no control interface).
 * Return: NSMCTL_OK, NSMCTL_USAGE (bad name) or NSMCTL_DEVICE.
 */
int ctl_instance(const char *name, char *dir);

/* The paths of instance @name and of the PKI group (PATH_MAX bytes). */
void ctl_instance_dir(char *dir, const char *name);
void ctl_pki_dir(char *dir);
/* The sysfs directory of device @devname (PATH_MAX bytes). */
void ctl_device_dir(char *dir, const char *devname);

/* Whether @dir/@attr exists. */
bool ctl_has(const char *dir, const char *attr);

/*
 * ctl_read() - read @dir/@attr whole
 * @buf: receives a malloc'ed copy with a NUL after the last byte
 * @len: receives the length (may be NULL)
 * Prints an error. Return: NSMCTL_OK or NSMCTL_DEVICE.
 */
int ctl_read(const char *dir, const char *attr, char **buf, size_t *len);

/* ctl_read() of a text attribute, its trailing newline removed. */
int ctl_get(const char *dir, const char *attr, char **val);

/*
 * ctl_write() - write @len bytes to @dir/@attr in one open, one write() and
 * one close: configfs applies a text attribute per write call, and hands a
 * binary attribute to the module when it is closed.
 * Return: 0, or the positive errno of what failed. Prints nothing.
 */
int ctl_write(const char *dir, const char *attr, const void *buf, size_t len);

/*
 * ctl_fail() - report a failed ctl_write() of @dir/@attr with errno @err,
 * explaining the errnos of the ABI.
 * Return: NSMCTL_DEVICE.
 */
int ctl_fail(const char *dir, const char *attr, int err);

/*
 * ctl_set() - write the text value @val and a newline to @dir/@attr
 * Prints an error (ctl_fail()). Return: NSMCTL_OK or NSMCTL_DEVICE.
 */
int ctl_set(const char *dir, const char *attr, const char *val);

#endif /* NSMCTL_CTL_H */
