#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of nsmctl: the real binary, driven like a user would, on documents
# the emulator's core makes for the run ($EMU, tests/emu-docs.sh) and on
# the real AWS documents of the third-party test data ($TD: $NSM_TESTDATA
# or ../shared/testdata; without it, the tests that need it are skipped
# by name, see tests/testdata.sh). TAP on stdout; exit status non-zero
# when a test fails. Run by `make -C tools check`, which sets:
#   NSMCTL        the tool
#   NSMCTL_ASAN   the same built with ASan/UBSan
#   NSMCTL_FAKE   (optional) the tool linked with the tests' fake device
#                 (tests/fake_nsm)
#   NSMCTL_FAKE_ASAN  (optional) the same with ASan/UBSan
#   FAKE_CONFIGFS (optional) tests/fake_configfs.c, preloaded by t-emu.sh
#   TOP, OUT      repository root, build directory of the tools
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${TOP:=$(cd "$here/../.." && pwd)}"
: "${OUT:=$TOP/build/tools}"
: "${NSMCTL:=$OUT/nsmctl}"
: "${NSMCTL_ASAN:=}"
: "${NSMCTL_FAKE:=}"
: "${NSMCTL_FAKE_ASAN:=}"
: "${FAKE_CONFIGFS:=}"
echo "TAP version 13"
. "$TOP/tests/testdata.sh"
td_find || exit 1
T=$OUT/test-tmp
rm -rf "$T" && mkdir -p "$T"
EMU=$T/emu
if ! { make -s --no-print-directory -C "$TOP/tests/attest" TOP="$TOP" \
	    BUILD="$(dirname "$OUT")" mkdoc >&2 &&
       bash "$TOP/tests/emu-docs.sh" "$(dirname "$OUT")/attest/mkdoc" "$EMU"; }; then
	echo "Bail out! cannot make the emulator's documents (tests/emu-docs.sh)"
	exit 1
fi
export LC_ALL=C
# Never touch a real device or a real emulator by accident.
export NSM_DEVICE=$T/no-such-nsm
export NSMCTL_CONFIGFS=$T/no-such-configfs
export NSMCTL_SYSFS=$T/no-such-sysfs

. "$here/tap.sh"

# The real documents by name: their tests are skipped by these names
# without the data, and t-verify.sh checks that the data has them all.
AWS_DOCS=$(for f in $AWS_DOC_NAMES; do echo "$f.cbor"; done)
N=$NSMCTL

for t in usage input verify dump diff client emu ca eif man sanitizers; do
	echo "# $t"
	. "$here/t-$t.sh"
done
echo "1..$n"
[ "$failed" -eq 0 ]
