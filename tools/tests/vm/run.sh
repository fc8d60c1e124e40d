#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# nsmctl against the real module: boots the VM runner's kernels
# (selftests/vm/run.sh --exec) with nsmctl, its shared libraries and the
# dynamic loader in the guest's /extra, and runs guest.sh there.
#
#   tools/tests/vm/run.sh [-k RELEASE]...
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
build=${BUILD:-$top/build}
extra=$build/tools/vm-extra

make -s --no-print-directory -C "$top/tools" "$build/tools/nsmctl"
rm -rf "$extra" && mkdir -p "$extra"
cp "$build/tools/nsmctl" "$extra/"
ldd "$build/tools/nsmctl" | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }' |
	while read -r lib; do cp -L "$lib" "$extra/"; done
[ -e "$extra/ld-linux-x86-64.so.2" ] || { echo "run.sh: no dynamic loader" >&2; exit 1; }

# What the guest cannot compute (busybox has no SHA-384).
{
	printf 'EXTEND_010203=%s\n' "$(python3 -c 'import hashlib; print(hashlib.sha384(bytes(48) + bytes([1, 2, 3])).hexdigest())')"
	printf 'PCR_A=%s\n' "$(printf 'a%.0s' $(seq 96))"
} > "$extra/expect.sh"

# Enclave images: one the library's test writer signs (always), and AWS's
# signed vector when the third-party test data is there.
mkeif=$build/lib/t/mkeif
mkdir -p "$extra/eif"
make -s --no-print-directory -C "$top/lib" BUILD="$build" "$mkeif"
"$mkeif" "$extra/eif" >/dev/null
td=${NSM_TESTDATA:-$top/../shared/testdata}
if [ -f "$td/eif/signed.eif" ] && [ -f "$td/eif/signed.measurements.json" ]; then
	cp "$td/eif/signed.eif" "$extra/eif/vector.eif"
	python3 -c 'import json, sys
m = json.load(open(sys.argv[1]))
for i in (0, 1, 2, 8):
    print("PCR%d %s" % (i, m["PCR%d" % i]))' "$td/eif/signed.measurements.json" \
		> "$extra/eif/vector.expected"
fi

# A build directory of our own: the selftests' VM runs may be going on at
# the same time in build/vm, and must not share its console logs.
BUILD=$build/tools/vm-build exec "$top/selftests/vm/run.sh" \
	--exec "$here/guest.sh" --extra "$extra" "$@"
