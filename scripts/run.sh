#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The main job, end to end with defaults: build everything, start the
# emulator, show DescribeNSM and the PCR table, request an attestation
# document, verify it against the emulator's root and show it.
#
# Where the emulator runs: on this machine when it can load kernel modules
# (root, module loading enabled, headers for the running kernel), otherwise
# in a qemu VM booting Debian's 6.12 kernel (the VM runner of the
# selftests). NSM_RUN=host or NSM_RUN=vm forces the choice.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
out=$build/run
nonce=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')

step() { printf '\n== %s\n' "$*"; }

can_load_modules() {
	[ "$(id -u)" -eq 0 ] || return 1
	[ "$(cat /proc/sys/kernel/modules_disabled 2>/dev/null)" = 0 ] || return 1
	[ -d "/lib/modules/$(uname -r)/build" ] || return 1
	# A kernel that has never loaded a module cannot be trusted to.
	[ -s /proc/modules ] || return 1
	! [ -e /dev/nsm ] || return 1	# a real NSM or a loaded emulator
}

step "build: libnsm, nsmctl, nsm-tui"
make -s -C "$top" all >/dev/null
nsmctl=$build/tools/nsmctl
rm -rf "$out"
mkdir -p "$out"

where=${NSM_RUN:-}
if [ -z "$where" ]; then
	if can_load_modules; then where=host; else where=vm; fi
fi

case $where in
host)
	step "start the emulator on this machine ($(uname -r))"
	make -s -C "$top" module >/dev/null
	# nsm_emu's control plane is configfs: load it (insmod does not
	# resolve dependencies) and mount it where systemd has not
	modprobe configfs 2>/dev/null || true
	mountpoint -q /sys/kernel/config ||
		mount -t configfs none /sys/kernel/config
	insmod "$top/kmod/nsm_emu.ko"
	trap 'rmmod nsm_emu 2>/dev/null || true' EXIT
	echo "\$ nsmctl describe"
	"$nsmctl" describe
	echo
	echo "\$ nsmctl pcr read"
	"$nsmctl" pcr read
	echo
	echo "\$ nsmctl attest --nonce $nonce -o document.cbor"
	"$nsmctl" attest --nonce "$nonce" -o "$out/document.cbor"
	echo "\$ nsmctl emu root -o root.pem"
	"$nsmctl" emu root -o "$out/root.pem"
	;;
vm)
	rel=$("$top/selftests/vm/kernels.sh" list | awk '$1 ~ /^6\.12/ { print $1; exit }')
	[ -n "$rel" ] || { echo "run: no 6.12 kernel known to selftests/vm/kernels.sh" >&2; exit 1; }
	step "start the emulator in a VM (this machine cannot load modules): Linux $rel, qemu TCG"
	"$top/scripts/vm-extra.sh" "$out/extra" "$nsmctl"
	echo "NONCE=$nonce" >"$out/extra/run.conf"
	BUILD=$out/vm "$top/selftests/vm/run.sh" --exec "$top/scripts/run-guest.sh" \
		--extra "$out/extra" -k "$rel" >"$out/vm.log" 2>&1 || true
	grep -v -E '^(TAP version|1\.\.|ok |not ok |# )' "$out/vm.log" || true
	cp "$out/vm/vm/$rel/out/document.cbor" "$out/vm/vm/$rel/out/root.pem" "$out/" 2>/dev/null || {
		echo "run: the VM produced no document; its log is $out/vm.log" >&2
		tail -n 20 "$out/vm.log" >&2
		exit 1
	}
	;;
*)
	echo "run: NSM_RUN must be host or vm" >&2
	exit 2
	;;
esac

step "verify the document against the emulator's test root (never trust it in production)"
echo "\$ nsmctl verify --no-aws-root --root root.pem --nonce $nonce document.cbor"
"$nsmctl" verify --no-aws-root --root "$out/root.pem" --nonce "$nonce" "$out/document.cbor"

step "show it"
echo "\$ nsmctl dump document.cbor"
"$nsmctl" dump "$out/document.cbor"

step "done: files in ${out#"$top"/}/ (document.cbor, root.pem); browse them with"
echo "  build/tui/nsm-tui --root ${out#"$top"/}/root.pem ${out#"$top"/}/document.cbor"
