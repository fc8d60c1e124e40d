#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) a debug kernel for the VM runner from Debian's
# linux-source-6.12 package, and print "<release> <root>" like
# `kernels.sh fetch`:
#
#   debug-kernel.sh [kasan|kcsan]     (default kasan)
#
# Config: `make tinyconfig`, then debug.config merged in (and kcsan.config
# for the kcsan variant), then olddefconfig; every option the fragments name
# must come out as written, or the build stops. The kernel is rebuilt only
# when it is missing or when the fragments or the source package's version
# change (their sha256 is the cache key).
#
# Layout in $NSM_DEBUG_KERNEL_CACHE (default $XDG_CACHE_HOME/nsm-emu/
# debug-kernel, that is ~/.cache/nsm-emu/debug-kernel: outside the clone, so
# a fresh clone of the same sources reuses a kernel built for an earlier one;
# the key below decides whether it still fits), shaped like a kernels.sh root
# so that run.sh and initramfs.sh take it as is (run.sh --kernel-dir <root>):
#   src-<pkgversion>/                  the unpacked source (shared)
#   <variant>/build/                   the O= build tree (KDIR for modules)
#   <variant>/root/boot/vmlinuz-<rel>  the bzImage
#   <variant>/root/lib/modules/<rel>/  modules.dep (empty: all built in),
#                                      modules.builtin, build -> the tree
#   <variant>/ok                       the cache key of a finished build
#   <variant>/build.log, build-time    the last build's log and seconds
#
# Builds with `nice -n 19 make -j$NSM_DEBUG_KERNEL_JOBS` (default 2); the
# machine is shared. Root installs linux-source-6.12 with apt if missing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=${NSM_DEBUG_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nsm-emu/debug-kernel}
jobs=${NSM_DEBUG_KERNEL_JOBS:-2}
variant=${1:-kasan}
pkg=linux-source-6.12
tarball=/usr/src/$pkg.tar.xz

die() { echo "debug-kernel.sh: $*" >&2; exit 1; }

case $variant in
kasan) fragments=("$here/debug.config") ;;
kcsan) fragments=("$here/debug.config" "$here/kcsan.config") ;;
*) die "unknown variant $variant (kasan|kcsan)" ;;
esac

if ! pkgver=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null) || [ ! -f "$tarball" ]; then
	[ "$(id -u)" -eq 0 ] || die "$pkg is not installed (apt-get install $pkg)"
	echo "debug-kernel.sh: installing $pkg" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"$pkg" >&2 || die "cannot install $pkg"
	pkgver=$(dpkg-query -W -f='${Version}' "$pkg")
fi

# The kernel's build tools: a new machine has gcc and make only.
need=()
for t in flex:flex bison:bison bc:bc xz:xz-utils perl:perl; do
	command -v "${t%%:*}" >/dev/null || need+=("${t#*:}")
done
for h in libelf.h:libelf-dev openssl/opensslv.h:libssl-dev; do
	[ -f "/usr/include/${h%%:*}" ] || need+=("${h#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
	[ "$(id -u)" -eq 0 ] || die "missing build tools: apt-get install ${need[*]}"
	echo "debug-kernel.sh: installing ${need[*]}" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${need[@]}" >&2 || die "cannot install ${need[*]}"
fi

key=$( { echo "$pkg $pkgver $variant"; cat "${fragments[@]}"; } | sha256sum | cut -d' ' -f1)
vdir=$cache/$variant
obj=$vdir/build
root=$vdir/root

print_root() {
	local rel
	rel=$(cat "$obj/include/config/kernel.release")
	echo "$rel $root"
}

if [ -f "$vdir/ok" ] && [ "$(cat "$vdir/ok")" = "$key" ] &&
   [ -f "$obj/include/config/kernel.release" ]; then
	print_root
	exit 0
fi

mkdir -p "$cache"
# One build at a time per cache: a second caller waits for the first.
exec 8>"$cache/.lock-$variant"
flock 8
if [ -f "$vdir/ok" ] && [ "$(cat "$vdir/ok")" = "$key" ]; then
	print_root
	exit 0
fi

src=$cache/src-$pkgver
if [ ! -f "$src/.unpacked" ]; then
	echo "debug-kernel.sh: unpacking $tarball" >&2
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	tar -xJf "$tarball" -C "$src.tmp" --strip-components=1
	touch "$src.tmp/.unpacked"
	mv "$src.tmp" "$src"
fi

echo "debug-kernel.sh: building the $variant kernel in $obj (log: $vdir/build.log)" >&2
rm -rf "$vdir"
mkdir -p "$obj"
t0=$(date +%s)
kmake() { nice -n 19 make -C "$src" O="$obj" "$@"; }
{
	kmake tinyconfig
	# A release of our own per variant: modules built for one never load
	# into the other, nor into a Debian kernel.
	printf 'CONFIG_LOCALVERSION="-nsm-%s"\n' "$variant" >"$obj/variant.config"
	(cd "$obj" && "$src/scripts/kconfig/merge_config.sh" -m -O "$obj" .config \
		"${fragments[@]}" "$obj/variant.config")
	kmake olddefconfig
} >"$vdir/build.log" 2>&1 || die "config failed, see $vdir/build.log"

# Every option of the fragments as written (the last fragment wins).
bad=$(cat "${fragments[@]}" | awk '
	/^CONFIG_[A-Za-z0-9_]+=/ { n = $0; sub(/=.*/, "", n); want[n] = $0; next }
	/^# CONFIG_[A-Za-z0-9_]+ is not set/ { want[$2] = "" }
	END { for (n in want) print n "\t" want[n] }' |
	while IFS=$'\t' read -r name line; do
		have=$(grep -E "^$name=" "$obj/.config" || true)
		[ "$have" = "$line" ] || echo "  $name: want '${line:-not set}', have '${have:-not set}'"
	done)
[ -z "$bad" ] || die "config options did not come out as written:"$'\n'"$bad"

kmake -j"$jobs" bzImage modules_prepare modules >>"$vdir/build.log" 2>&1 ||
	die "kernel build failed, see $vdir/build.log"
echo $(($(date +%s) - t0)) >"$vdir/build-time"

rel=$(cat "$obj/include/config/kernel.release")
mkdir -p "$root/boot" "$root/lib/modules/$rel"
cp "$obj/arch/x86/boot/bzImage" "$root/boot/vmlinuz-$rel"
: >"$root/lib/modules/$rel/modules.dep"
cp "$obj/modules.builtin" "$root/lib/modules/$rel/modules.builtin" 2>/dev/null ||
	: >"$root/lib/modules/$rel/modules.builtin"
ln -sfn "$obj" "$root/lib/modules/$rel/build"
echo "$key" >"$vdir/ok"
echo "debug-kernel.sh: $variant kernel $rel built in $(cat "$vdir/build-time")s" >&2
print_root
