#!/usr/bin/env bash
# Install every Debian package the build, the tests and the VM runner need.
# Idempotent and quiet when everything is present; safe to run as often as
# `make` likes. Kernel images for the VM tests are fetched separately by
# selftests/vm/kernels.sh (apt-get download + dpkg -x, the host is untouched).
set -euo pipefail

pkgs=(
	build-essential pkg-config clang llvm libclang-rt-14-dev
	libssl-dev openssl libcbor-dev libncurses-dev libjson-c-dev
	valgrind tmux cpio busybox-static qemu-system-x86 gcc-multilib rsync
	linux-headers-amd64 linux-headers-6.12-amd64 kmod
	dkms nodejs npm python3-docutils python3-jsonschema faketime
	sparse
	libmicrohttpd-dev libcurl4-openssl-dev awscli
	debhelper dh-dkms lintian	# make deb (debian/), its check
	zstd	# nsm-vm: 6.12's kernel image, unpacked once (Documentation/nsm-vm.rst)
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done

# node/npm may come from outside Debian on a developer's machine.
if command -v node >/dev/null && command -v npm >/dev/null; then
	tmp=()
	for p in "${missing[@]}"; do
		case $p in nodejs|npm) ;; *) tmp+=("$p") ;; esac
	done
	missing=("${tmp[@]}")
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages: ${missing[*]}" >&2
	echo "deps: run as root (or install them) to continue" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
