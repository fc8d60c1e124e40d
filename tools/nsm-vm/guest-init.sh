#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of nsm-vm's guest (busybox; selftests/vm/initramfs.sh packs it).
# Loads nsm_emu.ko, builds the caller's view of the machine from the
# host's root (9p, read-only) with the guest's own /proc, /sys, /dev and
# tmpfs for /tmp, /var/tmp and /run, mounts the working directory
# read-write on its own path, and runs /nsm-vm/cmd.sh (written by nsm-vm)
# chrooted there, its stdout and stderr on the virtio ports of those names.
#
# The host reads the console between "@@NSM-VM" markers:
#   @@NSM-VM PROBE-OK         (kernel parameter nsm_vm.probe) the boot got
#                             this far; nothing runs
#   @@NSM-VM READY <uptime>   the command starts (seconds since boot)
#   @@NSM-VM DONE <uptime>    the command ended
#   @@NSM-VM EXIT <status>    its exit status
#   @@NSM-VM FAIL <what>      what failed before the command could run

PATH=/bin:/sbin
export PATH
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
. /etc/nsm-vm.conf

say() { echo "@@NSM-VM $*"; }
off() {
	sync
	poweroff -f
	sleep 10
}
fail() {
	say FAIL "$*"
	dmesg | tail -n 20
	off
}

if grep -qw nsm_vm.probe /proc/cmdline; then
	say PROBE-OK
	off
fi

for m in $KMODS; do
	insmod "/lib/modules/extra/$m.ko" || fail "insmod $m"
done
mkdir -p /sys/kernel/config
mount -t configfs configfs /sys/kernel/config || fail "mount configfs"
# nsm_vm.no_module (--no-module): a machine that can load it, and has not
grep -qw nsm_vm.no_module /proc/cmdline ||
	insmod /lib/modules/nsm_emu.ko $MODULE_PARAMS || fail "insmod nsm_emu.ko"
ip link set lo up || fail "loopback"

P9=trans=virtio,version=9p2000.L,msize=262144
mkdir -p /nsm-vm /host
mount -t 9p -o $P9,ro nsmvm /nsm-vm || fail "mount nsm-vm's run directory (9p)"
# The host's root, read-only, under a tmpfs overlay: the guest may write
# anywhere (/tmp, caches under $HOME, package installs), the host never
# sees it; only the working directory below is written through.
mkdir -p /lower /rw
mount -t 9p -o $P9,ro,cache=loose hostroot /lower || fail "mount the host's root (9p)"
mount -t tmpfs -o mode=0755 tmpfs /rw
mkdir -p /rw/upper /rw/work
R=/host
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay $R ||
	fail "overlay on the host's root"
mount -t proc proc $R/proc || fail "mount /proc"
mount -t sysfs sysfs $R/sys || fail "mount /sys"
mount -t configfs configfs $R/sys/kernel/config || fail "mount configfs in /sys"
mount -t devtmpfs devtmpfs $R/dev || fail "mount /dev"
mkdir -p $R/dev/pts $R/dev/shm
mount -t devpts devpts $R/dev/pts || fail "mount /dev/pts"
mount -t tmpfs -o mode=1777 tmpfs $R/dev/shm || fail "mount /dev/shm"
# what udev would add: bash's process substitution needs /dev/fd
ln -s /proc/self/fd $R/dev/fd
ln -s /proc/self/fd/0 $R/dev/stdin
ln -s /proc/self/fd/1 $R/dev/stdout
ln -s /proc/self/fd/2 $R/dev/stderr
# the host's runtime state (its sockets, pid files) is not the guest's
mount -t tmpfs -o mode=0755 tmpfs $R/run || fail "mount /run"

W=$(cat /nsm-vm/workdir)
mount -t 9p -o $P9,cache=mmap work "$R$W" || fail "mount the working directory $W (9p)"

out= err=
for p in /sys/class/virtio-ports/*; do
	case $(cat "$p/name" 2>/dev/null) in
	stdout) out=/dev/${p##*/} ;;
	stderr) err=/dev/${p##*/} ;;
	esac
done
[ -n "$out" ] && [ -n "$err" ] || fail "no virtio ports for stdout and stderr"

say READY $(cut -d' ' -f1 /proc/uptime)
chroot $R /bin/sh -s </nsm-vm/cmd.sh >"$out" 2>"$err"
rc=$?
say DONE $(cut -d' ' -f1 /proc/uptime)
say EXIT $rc
off
