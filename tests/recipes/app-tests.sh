#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# "An application's tests", as the recipes run them: the Python enclave
# application of nsm-vm's tests (NSM_IOCTL_RAW through fcntl) on /dev/nsm
# and on every instance /dev/nsm-<N>, each device a separate enclave (its
# own module id). With an argument, every device's PCR0 must be it.
#
#   app-tests.sh [PCR0-HEX]
set -u
here=$(cd "$(dirname "$0")" && pwd)
app=$here/../../tools/nsm-vm/tests/nsm_ioctl.py
status=0
ids=
for dev in /dev/nsm /dev/nsm-[0-9]*; do
	[ -c "$dev" ] || continue
	out=$(python3 "$app" "$dev") || status=1
	echo "$out" | sed "s|^|$dev: |"
	id=$(echo "$out" | sed -n 's/.*DescribeNSM: module id //p')
	case " $ids " in *" $id "*) echo "$dev: module id $id twice"; status=1 ;; esac
	ids="$ids $id"
	if [ $# -gt 0 ] && ! echo "$out" | grep -qx "# PCR0 $1"; then
		echo "$dev: PCR0 is not $1"; status=1
	fi
done
[ -n "$ids" ] || { echo "no /dev/nsm"; status=1; }
exit $status
