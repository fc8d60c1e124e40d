/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the subcommands that talk to the NSM through libnsm's
 * AWS-compatible client API (nsm.h).
 */
#ifndef NSMCTL_CLIENT_H
#define NSMCTL_CLIENT_H

#include <stdint.h>

#include <nsm.h>

/*
 * client_open() - open the NSM ($NSM_DEVICE, else /dev/nsm)
 * @fd: receives the descriptor (release with nsm_lib_exit())
 * Return: NSMCTL_OK, or NSMCTL_DEVICE after an error message.
 */
int client_open(int32_t *fd);

/* The device path client_open() uses, for messages. */
const char *client_device_path(void);

/* AWS's name of @e ("ReadOnlyIndex"), or "ErrorCode <n>". */
const char *client_error_name(enum ErrorCode e);

/*
 * client_fail() - report a failed request and pick the exit code
 * @request: the request's name ("ExtendPCR")
 * @e:       what the library returned
 * @detail:  extra context for the message (may be NULL)
 *
 * Errors the device answered with (InvalidIndex, ReadOnlyIndex, ...) are
 * NSMCTL_NSM; transport and decoding failures are NSMCTL_DEVICE.
 * Return: the exit code.
 */
int client_fail(const char *request, enum ErrorCode e, const char *detail);

#endif /* NSMCTL_CLIENT_H */
