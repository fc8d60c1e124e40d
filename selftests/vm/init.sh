#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the VM runner's initramfs (busybox). Loads nsm_emu.ko, runs the
# selftests (or the benchmark), checks the kernel log, sends the files the
# tests left in /out to the host, and powers off.
#
# Everything the host parses is on the console between "@@NSM-VM" markers:
#   @@NSM-VM START <uname -r>
#   @@NSM-VM MODULE-LOADED | MODULE-LOAD-FAILED
#   @@NSM-VM BEGIN <suite>      KTAP of the suite      @@NSM-VM END <suite> <rc>
#   @@NSM-VM UNLOAD <suite> <ok|fail>  (rmmod after the suite, then reload)
#   @@NSM-VM FILE <path>        base64 of /out/<path>  @@NSM-VM FILE-END
#   (exec mode: the script's output between BEGIN exec and END exec <rc>)
#   @@NSM-VM DONE
# The kernel console is at loglevel 1, so kernel messages do not interleave;
# the whole kernel log goes to the host as out/dmesg.txt.

PATH=/bin:/sbin
export PATH
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /tmp /out
mount -t tmpfs tmpfs /tmp
. /etc/nsm-vm.conf
# A debug kernel's checkers (debug-kernel.sh): kmemleak reports only what
# leaks from here on (no automatic scans, the boot's objects cleared).
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
KMEMLEAK=/sys/kernel/debug/kmemleak
if [ -w $KMEMLEAK ]; then
	echo scan=off >$KMEMLEAK
	echo clear >$KMEMLEAK
fi

KO=/lib/modules/nsm_emu.ko
say() { echo "@@NSM-VM $*"; }

finish() {
	dmesg >/out/dmesg.txt
	cd /out && find . -type f | sort | while read -r f; do
		say FILE "${f#./}"
		base64 "$f"
		say FILE-END
	done
	say DONE
	sync
	poweroff -f
	sleep 10
}

# Lines of the kernel log that mean a kernel bug, whatever the tests said.
BAD='WARNING:|BUG:|Oops|KASAN|UBSAN|general protection|Call Trace|kernel BUG|list_add corruption|list_del corruption|refcount_t:|INFO: task .* blocked|possible circular locking|stack-protector|Kernel panic'
# and the lock, object and race checkers of a debug kernel
BAD="$BAD|inconsistent lock state|possible recursive locking|sleeping function called from invalid context|bad unlock balance|suspicious RCU usage|ODEBUG|KCSAN"

# kmemleak_scan FILE: two scans of objects older than kmemleak's 5 s, the
# suspected leaks to /out/FILE; prints the module's (its name in the trace,
# or an address no longer resolved after its unload) as TAP diagnostics,
# and returns 1 if there are any.
kmemleak_scan() {
	sleep 6
	echo scan >$KMEMLEAK
	echo scan >$KMEMLEAK
	cat $KMEMLEAK >"/out/$1"
	awk '
		function flush() { if (hit) { printf "%s", e; bad = 1 } e = ""; hit = 0 }
		/^unreferenced object/ { flush() }
		{ e = e "# " $0 "\n" }
		/nsm_em|\] 0x[0-9a-f]+$/ { hit = 1 }
		END { flush(); exit bad }
	' "/out/$1"
}

say START "$(uname -r)"
for m in $KMODS; do
	insmod "/lib/modules/extra/$m.ko" || say KMOD-FAILED "$m"
done
# nsm_emu's control plane; configfs itself is one of KMODS (a dependency).
mkdir -p /sys/kernel/config
mount -t configfs configfs /sys/kernel/config || say CONFIGFS-MOUNT-FAILED
if insmod $KO $MODULE_PARAMS; then
	say MODULE-LOADED
else
	say MODULE-LOAD-FAILED
	dmesg | tail -n 20
	finish
fi

reload() {
	if rmmod nsm_emu; then
		say UNLOAD "$1" ok
	else
		say UNLOAD "$1" fail
		lsmod
	fi
	grep -q '^nsm_emu ' /proc/modules || insmod $KO $MODULE_PARAMS
}

case $MODE in
test)
	for s in $SUITES; do
		say BEGIN "$s"
		NSM_KO=$KO NSM_KO_TWIN=/lib/modules/nsm_emv.ko NSM_OUT_DIR=/out \
			timeout "$SUITE_TIMEOUT" "/tests/$s"
		rc=$?
		say END "$s" "$rc"
		reload "$s"
	done
	# Leaks (kmemleak): with the module loaded and after its unload.
	if [ -w $KMEMLEAK ]; then
		say BEGIN kmemleak
		echo "TAP version 13"
		echo "1..2"
		if kmemleak_scan kmemleak-loaded.txt; then
			echo "ok 1 kmemleak_module_loaded"
		else
			echo "not ok 1 kmemleak_module_loaded"
		fi
		rmmod nsm_emu
		if kmemleak_scan kmemleak-unloaded.txt; then
			echo "ok 2 kmemleak_after_unload"
		else
			echo "not ok 2 kmemleak_after_unload"
		fi
		grep -c '^unreferenced object' /out/kmemleak-unloaded.txt |
			sed 's/^/# suspected leaks of anyone after the unload: /'
		say END kmemleak 0
	fi
	say BEGIN dmesg
	echo "TAP version 13"
	echo "1..1"
	# The module tests provoke one kernel report on purpose: a device
	# name clash at a module's first misc_register() (nsm_emu cannot look
	# the name up before it knows the misc class), which the sysfs core
	# reports with a stack dump. Those blocks, and nothing else, are
	# dropped before the check; the tests check that they appear.
	dups=$(dmesg | grep -c "sysfs: cannot create duplicate filename '/devices/virtual/misc/")
	echo "# expected duplicate-name reports (module tests): $dups"
	if dmesg | awk '
		/sysfs: cannot create duplicate filename .\/devices\/virtual\/misc\// { skip = 1; next }
		skip && /<\/TASK>/ { skip = 0; next }
		!skip' | grep -E "$BAD"; then
		echo "not ok 1 dmesg_clean"
	else
		echo "ok 1 dmesg_clean"
	fi
	say END dmesg 0
	;;
exec)
	# run.sh --exec: a script of the caller, with its files in /extra.
	say BEGIN exec
	PATH=/extra:$PATH NSM_KO=$KO NSM_OUT_DIR=/out sh /exec.sh
	say END exec $?
	;;
bench)
	say BEGIN bench
	rc=0
	for t in $BENCH_THREADS; do
		/tests/nsm_bench -t "$t" -s "$BENCH_SECONDS" $BENCH_REQUESTS || rc=1
	done
	# DescribePCR latency while another thread keeps signing documents.
	/tests/nsm_bench -t 1 -s "$BENCH_SECONDS" -L attestation describe_pcr || rc=1
	say END bench "$rc"
	;;
esac
finish
