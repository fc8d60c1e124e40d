// SPDX-License-Identifier: GPL-2.0
/*
 * Opening the NSM and turning libnsm's ErrorCode into messages and exit
 * codes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "nsmctl.h"

int set_device(const char *cmd, const char *path)
{
	if (!*path)
		return usage_error(cmd, "--device needs a path (default "
				   "/dev/nsm)");
	if (setenv("NSM_DEVICE", path, 1))
		die(NSMCTL_INTERNAL, "setenv: %s", strerror(errno));
	return NSMCTL_OK;
}

const char *client_device_path(void)
{
	const char *p = getenv("NSM_DEVICE");

	return p && *p ? p : "/dev/nsm";
}

int client_open(int32_t *fd)
{
	const char *path = client_device_path();
	int err;

	errno = 0;
	*fd = nsm_lib_init();
	if (*fd >= 0)
		return NSMCTL_OK;
	err = errno;
	error("cannot open the NSM device %s: %s", path,
	      err ? strerror(err) : "unknown error");
	if (err == ENOENT)
		fprintf(stderr, "hint: load the nsm_emu module, or name "
			"another device with -d/--device (or NSM_DEVICE)\n");
	else if (err == EACCES || err == EPERM)
		fprintf(stderr, "hint: check the permissions of %s\n", path);
	return NSMCTL_DEVICE;
}

const char *client_error_name(enum ErrorCode e)
{
	static char buf[32];

	switch (e) {
	case ERROR_CODE_SUCCESS:
		return "Success";
	case ERROR_CODE_INVALID_ARGUMENT:
		return "InvalidArgument";
	case ERROR_CODE_INVALID_INDEX:
		return "InvalidIndex";
	case ERROR_CODE_INVALID_RESPONSE:
		return "InvalidResponse";
	case ERROR_CODE_READ_ONLY_INDEX:
		return "ReadOnlyIndex";
	case ERROR_CODE_INVALID_OPERATION:
		return "InvalidOperation";
	case ERROR_CODE_BUFFER_TOO_SMALL:
		return "BufferTooSmall";
	case ERROR_CODE_INPUT_TOO_LARGE:
		return "InputTooLarge";
	case ERROR_CODE_INTERNAL_ERROR:
		return "InternalError";
	}
	snprintf(buf, sizeof(buf), "ErrorCode %d", (int)e);
	return buf;
}

int client_fail(const char *request, enum ErrorCode e, const char *detail)
{
	const char *why = NULL;
	int code = NSMCTL_NSM;

	switch (e) {
	case ERROR_CODE_INVALID_INDEX:
		why = "index out of range";
		break;
	case ERROR_CODE_READ_ONLY_INDEX:
		why = "the PCR is locked";
		break;
	case ERROR_CODE_INPUT_TOO_LARGE:
		why = "the request exceeds 4096 bytes";
		break;
	case ERROR_CODE_INVALID_RESPONSE:
		why = "unexpected response from the device";
		code = NSMCTL_DEVICE;
		break;
	case ERROR_CODE_INTERNAL_ERROR:
		why = "device I/O failed or its response was undecodable";
		code = NSMCTL_DEVICE;
		break;
	case ERROR_CODE_BUFFER_TOO_SMALL:
		why = "response larger than expected";
		code = NSMCTL_DEVICE;
		break;
	default:
		break;
	}
	error("%s%s%s failed: %s%s%s%s", request, detail ? " " : "",
	      detail ? detail : "", client_error_name(e), why ? " (" : "",
	      why ? why : "", why ? ")" : "");
	if (code == NSMCTL_DEVICE)
		fprintf(stderr, "hint: is %s an NSM device?\n",
			client_device_path());
	return code;
}
