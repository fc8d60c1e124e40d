#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# nsm-kmsd and nsmctl kms end to end against the real module: boots the VM
# runner's kernels (selftests/vm/run.sh --exec) with nsm-kmsd, nsmctl,
# curl, their shared libraries and the dynamic loader in the guest's
# /extra, and runs guest.sh there: the daemon on the guest's loopback
# trusting the module's root, a key whose policy pins PCR0, a data key
# decrypted inside the "enclave", refusals for another PCR0 and a stale
# document. TAP on stdout, one line per kernel and test.
#
#   kmsd/tests/vm/run.sh [-k RELEASE]...
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
build=${BUILD:-$top/build}
extra=$build/kmsd/vm-extra
nsmctl=${NSMCTL:-$build/tools/nsmctl}

make -s --no-print-directory -C "$top/kmsd" "$build/kmsd/nsm-kmsd"
[ -n "${NSMCTL:-}" ] || make -s --no-print-directory -C "$top/tools" "$nsmctl"
rm -rf "$extra" && mkdir -p "$extra"
cp "$build/kmsd/nsm-kmsd" "$nsmctl" "$(command -v curl)" "$extra/"
for bin in "$build/kmsd/nsm-kmsd" "$nsmctl" "$(command -v curl)"; do
	ldd "$bin" | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }'
done | sort -u | while read -r lib; do cp -L "$lib" "$extra/"; done
[ -e "$extra/ld-linux-x86-64.so.2" ] || { echo "run.sh: no dynamic loader" >&2; exit 1; }

# a build directory of our own: other VM suites may run at the same time
BUILD=$build/kmsd/vm-build exec "$top/selftests/vm/run.sh" \
	--exec "$here/guest.sh" --extra "$extra" "$@"
