#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# nsm_emu under the kernel's own checkers (`make check-debug`,
# `make check-kcsan`): build (once) the debug kernel (debug-kernel.sh) and
# test the module on it in qemu with the VM runner (run.sh --kernel-dir).
#
#   check-debug.sh [kasan|kcsan]     (default kasan)
#
# kasan  KASAN, lockdep, kmemleak, debugobjects, UBSAN, fault injection:
#        1. every selftest suite (run.sh's test mode), then kmemleak scans
#           with the module loaded and after its unload, and the kernel log
#           free of any checker's report (init.sh);
#        2. the fault-injection pass (nsm_fault.c via debug-guest.sh): each
#           ioctl request type and configfs write with the module's
#           allocations failing one at a time, then unload, kmemleak and
#           the kernel log; then the negative controls (canary/): one
#           deliberate fault per checker, each of which must be reported
#           and flagged.
# kcsan  KCSAN (and lockdep): the concurrency tests, then the kernel log
#        free of any report (debug-guest.sh), then the negative control: a
#        deliberate data race that KCSAN must report.
#
# Output: one TAP document (each VM result a top-level line), then
# "N passed, M failed" (", K skipped" when some were). Exit status 1 if
# anything failed.
#
# Environment: BUILD (default build/; this uses BUILD/debug-<variant>),
# NSM_DEBUG_PASSES (kasan: "suites fault", the default, or either alone),
# NSM_RACE_SECONDS (the instance race test's length, default 5 for kasan,
# 30 for kcsan),
# NSM_TEST_TIMEOUT (per test, default 1200), SUITE_TIMEOUT (per suite,
# default 2400), NSM_VM_TIMEOUT (per VM, default 5400), NSM_VM_MEM
# (default 1024), and those of run.sh and debug-kernel.sh.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
variant=${1:-kasan}
base=${BUILD:-$top/build}/debug-$variant

n=0 pass=0 fail=0 skip=0
echo "TAP version 13"

# emit STATUS NAME: one numbered top-level TAP line (NAME may carry a
# "# SKIP" or "# TODO" directive).
emit() {
	n=$((n + 1))
	echo "$1 $n - $2"
	if [ "$1" != ok ]; then
		fail=$((fail + 1))
	elif [[ $2 == *"# SKIP"* ]]; then
		skip=$((skip + 1))
	else
		pass=$((pass + 1))
	fi
}

finish() {
	echo "1..$n"
	if [ "$skip" -gt 0 ]; then
		echo "$pass passed, $fail failed, $skip skipped"
	else
		echo "$pass passed, $fail failed"
	fi
	[ "$fail" -eq 0 ]
	exit
}

# relay PREFIX: run.sh's output on stdin, its TAP lines and the guest's
# "@@T" lines renumbered into this document (not in a pipeline: it counts).
relay() {
	local line re='^(not ok|ok) [0-9]+ - (.*)$' gre='^@@T (not ok|ok) (.*)$'
	while IFS= read -r line; do
		if [[ $line =~ $re ]]; then
			emit "${BASH_REMATCH[1]}" "$1${BASH_REMATCH[2]}"
		elif [[ $line =~ $gre ]]; then
			emit "${BASH_REMATCH[1]}" "$1guest: ${BASH_REMATCH[2]}"
		elif [[ $line == "TAP version"* || $line =~ ^1\.\.[0-9]+ ]]; then
			:
		elif [[ $line == "#"* ]]; then
			echo "$line"
		elif [ -n "$line" ]; then
			echo "# $line"
		fi
	done
}

# boot_time DIR: when the guest's /init started (kernel log timestamps).
boot_time() {
	sed -n 's/^\[ *\([0-9.]*\)\] Run \/init as init process.*/\1/p' \
		"$1"/out/dmesg.txt 2>/dev/null | head -n1
}

t0=$(date +%s)
if ! line=$("$here/debug-kernel.sh" "$variant"); then
	emit "not ok" "$variant: debug kernel build (selftests/vm/debug-kernel.sh)"
	finish
fi
read -r rel root <<<"$line"
built=$(($(date +%s) - t0))
kcache=$(dirname "$root")
emit ok "$variant: debug kernel $rel"
echo "# $variant: kernel ready in ${built}s (its cold build took $(cat "$kcache/build-time" 2>/dev/null)s)"

# The documents the suites export are the same bytes on any kernel, and
# the Debian kernels' runs of `make check` verify them on the host (about
# 4 minutes here); this pass judges the kernel, so it skips that.
export NSM_VERIFY_DOCS=${NSM_VERIFY_DOCS:-0}
export NSM_VM_TIMEOUT=${NSM_VM_TIMEOUT:-5400}
export NSM_VM_MEM=${NSM_VM_MEM:-1024}
export SUITE_TIMEOUT=${SUITE_TIMEOUT:-2400}
# The instance race test: 5 s in check-debug (part of make check), 30 s in
# check-kcsan (on demand, and the only pass that can see a data race).
race_default=5
[ "$variant" = kcsan ] && race_default=30
export NSM_VM_APPEND="NSM_RACE_SECONDS=${NSM_RACE_SECONDS:-$race_default} NSM_TEST_TIMEOUT=${NSM_TEST_TIMEOUT:-1200}${NSM_VM_APPEND:+ $NSM_VM_APPEND}"

# exec_pass NAME MODE: run debug-guest.sh in MODE with the files of EXTRA.
exec_pass() {
	local b=$base/$1 extra=$base/$1/extra
	rm -rf "$extra"
	mkdir -p "$extra"
	echo "$2" >"$extra/mode"
	# The negative controls' module (canary/nsm_canary.c), built
	# outside the source tree against the debug kernel's.
	rm -rf "$b/canary"
	mkdir -p "$b/canary"
	cp "$here"/canary/Kbuild "$here"/canary/nsm_canary.c "$b/canary/"
	if make -s -C "$root/lib/modules/$rel/build" M="$b/canary" modules \
		>"$b/canary/build.log" 2>&1; then
		cp "$b/canary/nsm_canary.ko" "$extra/"
	else
		sed 's/^/# /' "$b/canary/build.log" | tail -n 20
		emit "not ok" "$variant: build nsm_canary.ko (the negative controls)"
	fi
	if [ "$2" = fault ]; then
		if ! ${CC:-cc} -O2 -Wall -D_GNU_SOURCE -I"$top/include/uapi" -static -pthread \
		     -o "$extra/nsm_fault" "$here/nsm_fault.c" \
		     "$top/selftests/drivers/nsm/nsm_util.c" \
		     "$top/selftests/drivers/nsm/sha384.c" >&2; then
			emit "not ok" "$variant: build nsm_fault"
			return
		fi
		# A provisioning chain and key for pki/chain, key and commit.
		if "$here/test-pki.sh" "$b/pki" >&2 &&
		   awk -v d="$b/pki" '/BEGIN CERT/ { n++ } n { print > (d "/cert" n ".pem") }' \
			"$b/pki/chain.pem" &&
		   for c in "$b"/pki/cert*.pem; do openssl x509 -in "$c" -outform DER; done \
			>"$extra/chain.der" &&
		   openssl pkey -in "$b/pki/instance.key" -outform DER -out "$extra/key.der"; then
			:
		else
			rm -f "$extra/chain.der" "$extra/key.der"
			echo "# no test PKI: the pki/chain, key and commit cases skip"
		fi
	fi
	relay "$variant: $1: " < <(BUILD=$b "$here/run.sh" --kernel-dir "$root" \
		--exec "$here/debug-guest.sh" --extra "$extra")
	bt=$(boot_time "$b/vm/$rel")
	echo "# $variant: $1: /init started at ${bt:-?} s of uptime"
}

case $variant in
kasan)
	passes=${NSM_DEBUG_PASSES:-suites fault}
	if [[ " $passes " == *" suites "* ]]; then
		relay "$variant: suites: " < <(BUILD=$base/suites "$here/run.sh" --kernel-dir "$root")
		bt=$(boot_time "$base/suites/vm/$rel")
		echo "# $variant: suites: /init started at ${bt:-?} s of uptime"
	fi
	[[ " $passes " != *" fault "* ]] || exec_pass fault fault
	;;
kcsan)
	exec_pass races races
	;;
*)
	emit "not ok" "unknown variant $variant (kasan|kcsan)"
	;;
esac
echo "# $variant: total $(($(date +%s) - t0)) s"
finish
