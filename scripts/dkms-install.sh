#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install nsm_emu.ko through DKMS, so that it is rebuilt for every kernel
# installed later.
#
#   scripts/dkms-install.sh            for the running kernel
#   KERNELRELEASE=<ver> scripts/dkms-install.sh   for another installed kernel
#   scripts/dkms-install.sh --remove   unregister and delete every build
#
# Copies the module's sources (Kbuild, dkms.conf, kmod/ with its core.mk,
# include/uapi/) to /usr/src/nsm-emu-<version>, where DKMS expects them,
# then runs dkms add, build and install. Re-running replaces an earlier
# copy of the same version. Needs root, dkms and the kernel's headers.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
name=nsm-emu
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
kernel=${KERNELRELEASE:-$(uname -r)}
dest=/usr/src/$name-$ver

die() { echo "dkms-install: $*" >&2; exit 1; }

[ -n "$ver" ] || die "no PACKAGE_VERSION in $top/dkms.conf"
grep -q "^#define NSM_EMU_VERSION[[:space:]]*\"$ver\"" "$top/kmod/nsm_emu.h" ||
	die "dkms.conf says $ver but kmod/nsm_emu.h has another NSM_EMU_VERSION"
[ "$(id -u)" -eq 0 ] || die "run as root"
command -v dkms >/dev/null || die "dkms is not installed (apt-get install dkms)"

# Forget an earlier registration of this version (sources and builds).
unregister() {
	if dkms status -m "$name" -v "$ver" 2>/dev/null | grep -q .; then
		dkms remove -m "$name" -v "$ver" --all >/dev/null
	fi
	rm -rf "$dest"
}

if [ "${1:-}" = "--remove" ]; then
	unregister
	echo "dkms-install: $name $ver removed"
	exit 0
fi

[ -d "/lib/modules/$kernel/build" ] ||
	die "no headers for $kernel: install linux-headers-$kernel"

unregister
mkdir -p "$dest"
# Sources only: never the objects kbuild leaves next to them.
(cd "$top" && find Kbuild dkms.conf kmod include/uapi -type f \
	\( -name Kbuild -o -name dkms.conf -o -name '*.mk' -o -name '*.[ch]' \) \
	! -name '*.mod.c' -print0 | cpio -0 -pdm --quiet "$dest")

dkms add -m "$name" -v "$ver"
dkms build -m "$name" -v "$ver" -k "$kernel"
dkms install -m "$name" -v "$ver" -k "$kernel"
echo "dkms-install: $name $ver installed for $kernel; load it with: modprobe nsm_emu"
