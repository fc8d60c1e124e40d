#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the kernel module with sparse (kbuild's C=2 CHECK=sparse) and W=1
# against every installed kernel build tree, and report each warning or
# error found in our own sources.
#
#   scripts/sparse.sh [--tap] [KDIR...]
#
# KDIR defaults to $STYLE_KDIRS, else every /usr/src/linux-headers-*/ that
# kbuild can use (Debian's 6.1 and 6.12 trees, see scripts/deps.sh). Each
# build runs in a private copy of the sources under $BUILD/style/, removed
# afterwards, so that it never races a build in the tree or another run. Prints the findings and exits 1 on
# any; with --tap, prints one "ok - sparse <release>" / "not ok" line per
# kernel and the findings as "# " comments, without a plan
# (scripts/style.sh numbers the lines and adds it).
#
# A diagnostic located in a kernel header is shown but not counted: it is
# the kernel's, not ours. Every other one, and a failed build, is counted.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}/style

tap=0
if [ "${1:-}" = --tap ]; then
	tap=1
	shift
fi

if ! command -v sparse >/dev/null; then
	echo "sparse: not installed (apt-get install sparse, see scripts/deps.sh)" >&2
	[ "$tap" -eq 1 ] && echo "not ok - sparse: not installed"
	exit 1
fi

if [ $# -gt 0 ]; then
	kdirs=("$@")
elif [ -n "${STYLE_KDIRS:-}" ]; then
	read -ra kdirs <<<"$STYLE_KDIRS"
else
	kdirs=()
	for d in /usr/src/linux-headers-*/; do
		d=${d%/}
		[ -f "$d/Makefile" ] && [ -f "$d/include/config/kernel.release" ] &&
			kdirs+=("$d")
	done
fi
if [ ${#kdirs[@]} -eq 0 ]; then
	echo "sparse: no kernel build tree in /usr/src (scripts/deps.sh)" >&2
	[ "$tap" -eq 1 ] && echo "not ok - sparse: no kernel build tree"
	exit 1
fi

# The module's sources as they are in the work tree, tracked or new.
copy_sources() {
	local dst=$1
	rm -rf "$dst"
	mkdir -p "$dst"
	(cd "$top" &&
		if git rev-parse --git-dir >/dev/null 2>&1; then
			git ls-files -co --exclude-standard -- Kbuild kmod include
		else
			find Kbuild kmod include -type f ! -name '*.o' ! -name '*.ko' \
				! -name '*.cmd' ! -name '*.mod*'
		fi | sort -u | while read -r f; do
			[ -f "$f" ] && echo "$f"
		done | xargs cp --parents -t "$dst")
}

mkdir -p "$build"
work=$(mktemp -d "$build/sparse.XXXXXX")
trap 'rm -rf "$work"' EXIT

total=0
for kdir in "${kdirs[@]}"; do
	rel=$(basename "$kdir")
	rel=${rel#linux-headers-}
	dst=$work/$rel
	copy_sources "$dst"
	set +e
	out=$(make -s -C "$kdir" M="$dst" C=2 CHECK=sparse W=1 -j2 modules 2>&1)
	rc=$?
	set -e
	out=${out//"$dst"\//}
	# file:line[:col]: warning|error: ... ; ours unless in a kernel tree
	diags=$(grep -E '^[^ :]+:[0-9]+(:[0-9]+)?: (warning|error):' <<<"$out" || true)
	ours=$(grep -vE '^/(usr/src|lib/modules)/' <<<"$diags" || true)
	theirs=$(grep -E '^/(usr/src|lib/modules)/' <<<"$diags" || true)
	n=0
	[ -n "$ours" ] && n=$(wc -l <<<"$ours")
	if [ "$rc" -ne 0 ] && [ "$n" -eq 0 ]; then
		ours="build failed (status $rc)"
		n=1
	fi
	total=$((total + n))
	if [ "$tap" -eq 1 ]; then
		if [ "$n" -eq 0 ]; then
			echo "ok - sparse $rel"
		else
			echo "not ok - sparse $rel: $n finding(s)"
			sed 's/^/# /' <<<"$ours"
			[ "$rc" -eq 0 ] || grep -vE '^\s*(BTF|Skipping BTF)' <<<"$out" |
				tail -20 | sed 's/^/#   /'
		fi
		[ -z "$theirs" ] || sed 's/^/# (kernel header, not counted) /' <<<"$theirs"
	else
		echo "== sparse $rel ($kdir): $n finding(s)"
		[ -z "$ours" ] || echo "$ours"
		[ "$rc" -eq 0 ] || echo "$out" | tail -20
		[ -z "$theirs" ] || sed 's/^/(kernel header, not counted) /' <<<"$theirs"
	fi
done

[ "$tap" -eq 1 ] || echo "sparse: $total finding(s) over ${#kdirs[@]} kernel(s)"
[ "$total" -eq 0 ]
