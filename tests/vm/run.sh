#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Userspace clients against the real module, one VM boot per kernel: packs
# nsm-tui, nsmctl, libnsm.so.1 (the client library) with lib/tests' AWS API programs, their
# libraries and the dynamic loader into the guest's /extra (the guest has
# no shared libraries) and runs guest.sh there through the VM runner
# (selftests/vm/run.sh --exec). Parts (default: all):
#
#   tui   nsm-tui's live device view (tui/tests/vm/guest.sh)
#   aws   aws_nsm_check and aws_compat through libnsm.so (lib/tests)
#
#   tests/vm/run.sh [--part tui|aws]... [-k RELEASE]...
#
# The programs must be built (make check-vm in tests/vm builds them).
# Screens and the exported document come back in
# build/tests/vm/vm-build/vm/<release>/out/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${BUILD:-$top/build}
out=$build/tests/vm
extra=$out/extra

parts=
args=()
while [ $# -gt 0 ]; do
	case $1 in
	--part) parts+=" $2"; shift ;;
	*) args+=("$1") ;;
	esac
	shift
done
parts=${parts:-" tui aws"}

progs=()
for p in $parts; do
	case $p in
	tui) progs+=("$build/tui/nsm-tui" "$build/tools/nsmctl") ;;
	aws) progs+=("$build/lib/t/aws_nsm_check" "$build/lib/t/aws_compat_dev") ;;
	*) echo "run.sh: unknown part $p" >&2; exit 2 ;;
	esac
done
for f in "${progs[@]}"; do
	[ -x "$f" ] || { echo "run.sh: $f not built" >&2; exit 2; }
done
mkdir -p "$out"
"$top/scripts/vm-extra.sh" "$extra" "${progs[@]}"
cp "$top/tui/tests/vm/guest.sh" "$extra/tui-guest.sh"
cp "$here/guest.sh" "$extra/tests-guest.sh"
echo "$parts" >"$extra/parts"

# What the guest cannot compute (busybox has no SHA-384).
printf 'EXTEND_01=%s\n' "$(python3 -c 'import hashlib; print(hashlib.sha384(bytes(48) + bytes([1])).hexdigest())')" \
	>"$extra/expect.sh"

# A build directory of our own: other VM runs (selftests, tools) may be
# going on at the same time and must not share console logs.
BUILD=$out/vm-build exec "$top/selftests/vm/run.sh" \
	--exec "$here/guest-tap.sh" --extra "$extra" ${args[@]+"${args[@]}"}
