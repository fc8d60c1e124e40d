#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of nsmctl: the real binary, driven like a user would, on the real
# AWS documents of ../shared/testdata. TAP on stdout; exit status non-zero
# when a test fails. Run by `make -C tools check`, which sets:
#   NSMCTL        the tool
#   NSMCTL_ASAN   the same built with ASan/UBSan
#   NSMCTL_FAKE   (optional) the tool linked with libnsm's fake device
#   NSMCTL_FAKE_ASAN  (optional) the same with ASan/UBSan
#   TOP, OUT      repository root, build directory of the tools
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${TOP:=$(cd "$here/../.." && pwd)}"
: "${OUT:=$TOP/build/tools}"
: "${NSMCTL:=$OUT/nsmctl}"
: "${NSMCTL_ASAN:=}"
: "${NSMCTL_FAKE:=}"
: "${NSMCTL_FAKE_ASAN:=}"
TD=$(cd "$TOP/../shared/testdata" 2>/dev/null && pwd) || {
	echo "TAP version 13"
	echo "1..0 # SKIP ../shared/testdata not found"
	exit 0
}
T=$OUT/test-tmp
rm -rf "$T" && mkdir -p "$T"
export LC_ALL=C
# Never touch a real device or a real emulator by accident.
export NSM_DEVICE=$T/no-such-nsm
export NSMCTL_SYSFS=$T/no-such-sysfs

. "$here/tap.sh"

AWS_DOCS=$(cd "$TD/aws" && ls *.cbor)
N=$NSMCTL

echo "TAP version 13"
for t in usage input verify dump diff client emu ca man sanitizers; do
	echo "# $t"
	. "$here/t-$t.sh"
done
echo "1..$n"
[ "$failed" -eq 0 ]
