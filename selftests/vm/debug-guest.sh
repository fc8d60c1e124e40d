#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The guest side of `make check-debug` / `make check-kcsan`: run by
# selftests/vm/check-debug.sh through `run.sh --exec` on a debug kernel
# (busybox sh, nsm_emu loaded, debugfs mounted by init.sh). What to run is
# in /extra/mode:
#
#   fault  nsm_fault (the fault-injection pass, /extra/nsm_fault), then
#          unload the module and scan for leaks (kmemleak); after the
#          kernel log check, the negative controls (/extra/nsm_canary.ko)
#   races  the concurrency tests (nsm_instance_test's races,
#          nsm_attest_test's 64 threads), for KCSAN; after the kernel log
#          check, the negative control (nsm_canary.ko fault=race)
#
# Each result is one line "@@T ok|not ok <name> [- <note>]", which
# check-debug.sh turns into a TAP line; "# " lines are diagnostics. Last,
# the kernel log since the start must hold no checker's report.

mode=$(cat /extra/mode 2>/dev/null)
KMEMLEAK=/sys/kernel/debug/kmemleak
# A report of KASAN, lockdep, UBSAN, debugobjects, KCSAN, a WARN or a BUG
# (init.sh's list, without "Call Trace": fail_page_alloc's injected
# failures print one with "page allocation failure", as they should).
BAD='WARNING:|BUG:|Oops|KASAN|UBSAN|KCSAN|general protection|kernel BUG|list_add corruption|list_del corruption|refcount_t:|INFO: task .* blocked|possible circular locking|possible recursive locking|inconsistent lock state|sleeping function called from invalid context|bad unlock balance|suspicious RCU usage|ODEBUG|stack-protector|Kernel panic'

echo "nsm-debug-guest: start ($mode)" >/dev/kmsg
since_start() { dmesg | sed -n '/nsm-debug-guest: start/,$p'; }

case $mode in
fault)
	if [ -f /extra/chain.der ]; then
		nsm_fault /extra/chain.der /extra/key.der
	else
		nsm_fault
	fi
	echo "# nsm_fault exit status $?"
	;;
races)
	for t in "nsm_instance_test instance_race_*" "nsm_attest_test attest_64_threads"; do
		set -- $t
		echo "# $1 -t $2"
		NSM_KO=$NSM_KO NSM_OUT_DIR=/out "/tests/$1" -t "$2" >/tmp/out.txt 2>&1
		echo "# exit status $?"
		sed -n 's/^\(not \)\{0,1\}ok [0-9]* \(.*\)$/@@T \1ok '"$1"': \2/p; /^#/p' /tmp/out.txt
		grep -q '^ok \|^not ok ' /tmp/out.txt || echo "@@T not ok $1: $2 - no result"
	done
	;;
*)
	echo "@@T not ok mode - /extra/mode: '$mode'"
	;;
esac

# Unload, then leaks: objects that only the module could have allocated
# (its name in the trace, or a module address no longer resolved).
if rmmod nsm_emu; then
	echo "@@T ok rmmod"
else
	echo "@@T not ok rmmod"
fi
if [ -w $KMEMLEAK ]; then
	sleep 6
	echo scan >$KMEMLEAK
	echo scan >$KMEMLEAK
	cat $KMEMLEAK >/out/kmemleak.txt
	if awk '
		function flush() { if (hit) { printf "%s", e; bad = 1 } e = ""; hit = 0 }
		/^unreferenced object/ { flush() }
		{ e = e "# " $0 "\n" }
		/nsm_em|\] 0x[0-9a-f]+$/ { hit = 1 }
		END { flush(); exit bad }' /out/kmemleak.txt; then
		echo "@@T ok kmemleak_after_unload - $(grep -c '^unreferenced object' /out/kmemleak.txt) suspects of others"
	else
		echo "@@T not ok kmemleak_after_unload"
	fi
fi

since_start >/out/dmesg-since-start.txt
if ! grep -q 'nsm-debug-guest: start' /out/dmesg-since-start.txt; then
	echo "@@T not ok kernel_log_clean - the start marker fell out of the kernel log (CONFIG_LOG_BUF_SHIFT)"
elif grep -E "$BAD" /out/dmesg-since-start.txt >/tmp/bad.txt; then
	sed 's/^/# /' /tmp/bad.txt | head -n 40
	echo "@@T not ok kernel_log_clean"
else
	echo "@@T ok kernel_log_clean"
fi

# The negative controls (nsm_canary.ko): each checker must report a fault
# committed on purpose, and the scan above must flag that report. lockdep
# first (it turns itself off at its first report), KASAN last (it taints).
# canary FAULT SIGNATURE: load the canary with FAULT, then the log since
# then must hold SIGNATURE and a line that $BAD matches.
canary() {
	echo "nsm-canary: start $1" >/dev/kmsg
	insmod /extra/nsm_canary.ko fault="$1" || {
		echo "@@T not ok canary_$1 - insmod failed"
		return
	}
	# A report turns the console verbose (lockdep's debug_locks_off());
	# back to loglevel 1, so the kernel does not cut into the @@T lines.
	dmesg -n 1
	if [ "$1" = leak ]; then
		sleep 6
		echo scan >$KMEMLEAK
		echo scan >$KMEMLEAK
		cat $KMEMLEAK >/tmp/canary.txt
		echo clear >$KMEMLEAK
	else
		dmesg | sed -n "/nsm-canary: start $1\$/,\$p" >/tmp/canary.txt
	fi
	rmmod nsm_canary || echo "# canary $1: rmmod failed"
	if ! grep -q "$2" /tmp/canary.txt; then
		sed 's/^/# /' /tmp/canary.txt | tail -n 20
		echo "@@T not ok canary_$1 - no '$2' report"
	elif [ "$1" = leak ] && ! grep -q 'nsm_canary' /tmp/canary.txt; then
		echo "@@T not ok canary_$1 - the leak's trace does not name nsm_canary"
	elif [ "$1" != leak ] && ! grep -qE "$BAD" /tmp/canary.txt; then
		echo "@@T not ok canary_$1 - reported, but the log scan would miss it"
	else
		echo "@@T ok canary_$1 - $(grep -m1 "$2" /tmp/canary.txt | sed 's/^\[[ 0-9.]*\] //' | cut -c1-90)"
	fi
}
if [ "$mode" = fault ] && [ -f /extra/nsm_canary.ko ]; then
	canary lockdep 'possible circular locking dependency'
	canary atomic_sleep 'sleeping function called from invalid context'
	canary ubsan 'UBSAN: array-index-out-of-bounds'
	canary debugobjects 'ODEBUG: free active'
	canary warn 'WARNING: CPU'
	[ -w $KMEMLEAK ] && canary leak 'unreferenced object'
	canary kasan 'KASAN: slab-use-after-free'
fi
if [ "$mode" = races ] && [ -f /extra/nsm_canary.ko ]; then
	canary race 'BUG: KCSAN: data-race'
fi
