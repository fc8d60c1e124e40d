#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Resolve and fetch the Debian kernels the VM tests boot.
#
#   kernels.sh list             print one kernel release per line
#   kernels.sh fetch [REL...]   download + unpack the images (all by default)
#                               and print "<release> <dir>" per kernel
#
# Kernel releases come from Debian's metapackages, so the tests follow the
# security updates: linux-image-amd64 (the 6.1 LTS of bookworm) and
# linux-image-6.12-amd64 (6.12 LTS from bookworm-backports/security).
# NSM_KERNEL_METAS overrides the list of image metapackages.
#
# Images are fetched with `apt-get download` and unpacked with `dpkg -x`
# into $NSM_KERNEL_CACHE (default .cache/kernels/ at the top of the tree):
# the host's /boot and /lib/modules are never touched. The headers the
# module is built against (linux-headers-<release>, installed by
# scripts/deps.sh) must be of the same package version as the image, or
# the module would not load; this script fails with a clear message if not.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${NSM_KERNEL_CACHE:-$top/.cache/kernels}
metas=${NSM_KERNEL_METAS:-"linux-image-amd64 linux-image-6.12-amd64"}

die() { echo "kernels.sh: $*" >&2; exit 1; }

# The release a metapackage points at, e.g. linux-image-amd64 -> 6.1.0-56-amd64.
meta_release() {
	local pkg
	pkg=$(apt-cache depends "$1" 2>/dev/null |
	      sed -n 's/^ *Depends: linux-image-\([0-9][^ ]*\)$/\1/p' |
	      sed 's/-unsigned$//' | head -n1)
	[ -n "$pkg" ] || die "cannot resolve $1 (apt-cache depends); run apt-get update?"
	echo "$pkg"
}

list() {
	local m
	for m in $metas; do
		meta_release "$m"
	done
}

# Install linux-headers-@1 at version @2 where possible (root): the package
# lists can move on to a new kernel ABI after scripts/deps.sh installed the
# headers metapackages, and the image is always the one the lists name.
install_headers() {
	[ "$(id -u)" -eq 0 ] || return 0
	echo "kernels.sh: installing linux-headers-$1 ($2)" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "linux-headers-$1=$2" >/dev/null 2>&1 || true
}

# Check that the installed headers exist for @1 and have the image's version @2.
check_headers() {
	local rel=$1 imgver=$2 hdrver
	[ "$(dpkg-query -W -f='${Version}' "linux-headers-$rel" 2>/dev/null)" = "$imgver" ] ||
		install_headers "$rel" "$imgver"
	[ -d "/usr/src/linux-headers-$rel" ] ||
		die "headers for $rel missing: install linux-headers-$rel (scripts/deps.sh)"
	hdrver=$(dpkg-query -W -f='${Version}' "linux-headers-$rel" 2>/dev/null) ||
		die "package linux-headers-$rel is not installed"
	[ "$hdrver" = "$imgver" ] ||
		die "version mismatch for $rel: image $imgver, headers $hdrver; run 'apt-get update && bash scripts/deps.sh' (or upgrade linux-headers-$rel)"
}

fetch_one() {
	local rel=$1 dir deb imgver pkg
	dir=$cache/$rel
	if [ -f "$dir/ok" ]; then
		imgver=$(cat "$dir/ok")
	else
		rm -rf "$dir"
		mkdir -p "$dir/deb"
		for pkg in "linux-image-$rel" "linux-image-$rel-unsigned"; do
			if (cd "$dir/deb" && apt-get download -q "$pkg" >/dev/null 2>&1); then
				break
			fi
		done
		deb=$(ls "$dir"/deb/*.deb 2>/dev/null | head -n1)
		[ -n "$deb" ] || die "apt-get download linux-image-$rel failed"
		imgver=$(dpkg-deb -f "$deb" Version)
		dpkg -x "$deb" "$dir/root"
		[ -f "$dir/root/boot/vmlinuz-$rel" ] || die "no vmlinuz-$rel in $deb"
		# modules.dep, so that the initramfs builder can resolve the
		# dependencies of the kernel modules it copies.
		depmod -b "$dir/root" "$rel" 2>/dev/null ||
			die "depmod -b $dir/root $rel failed"
		rm -rf "$dir/deb"
		echo "$imgver" >"$dir/ok"
	fi
	check_headers "$rel" "$imgver"
	echo "$rel $dir/root"
}

cmd=${1:-list}
[ $# -gt 0 ] && shift
case $cmd in
list)
	list
	;;
fetch)
	mkdir -p "$cache"
	exec 8>"$cache/.lock"	# concurrent runs share the cache
	flock 8
	rels=("$@")
	[ ${#rels[@]} -gt 0 ] || mapfile -t rels < <(list)
	for r in "${rels[@]}"; do
		fetch_one "$r"
	done
	;;
*)
	die "usage: kernels.sh list | fetch [release...]"
	;;
esac
