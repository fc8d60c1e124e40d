#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Test nsm_emu.ko on Debian's kernels under qemu (TCG): for every kernel,
# build the module against its headers, pack it with the selftests into a
# busybox initramfs, boot, and report every test as one top-level TAP line
# "ok N - <kernel>: <test>". Exit status 1 if anything failed on any kernel
# (a test, the module build or load, rmmod, the kernel log, a timeout).
#
#   run.sh [--bench | --exec SCRIPT [--extra DIR]] [-k RELEASE]...
#          [--kernel-dir ROOT]...
#
# --bench    run nsm_bench instead of the tests (qemu -smp 2), print numbers
# --exec S   run the shell script S in the guest once the module is loaded
#            (busybox sh; PATH starts with /extra, NSM_KO and NSM_OUT_DIR set)
#            and print its output as is; files it writes to /out come back
# --extra D  copy the files of directory D to the guest's /extra (static
#            binaries: the guest has no shared libraries)
# -k REL     only this kernel release (repeatable; default: kernels.sh list)
# --kernel-dir ROOT  boot the kernel of ROOT instead of Debian's (repeatable):
#            a root laid out as kernels.sh's, ROOT/boot/vmlinuz-<rel> and
#            ROOT/lib/modules/<rel>/{modules.dep,modules.builtin,build}, the
#            module built against its build tree (debug-kernel.sh makes one)
#
# Environment: NSM_VM_TIMEOUT (seconds per VM, default 300), NSM_VM_ACCEL
# (default tcg), NSM_VM_CPU (default max), NSM_VM_SMP (default 2),
# NSM_VM_MEM (MiB, default 512), NSM_MODULE_PARAMS (insmod parameters of
# the first load), NSM_VERIFY_DOCS (0: do not verify the exported
# documents on the host, verify-docs.sh; default 1), BENCH_SECONDS (default 3), BENCH_THREADS (default "1 2"),
# NSM_VM_APPEND (more kernel command line; VAR=value words that are not
# kernel parameters reach the guest's /init and tests as environment).
#
# Output per kernel in build/vm/<release>/: nsm_emu.ko, module-build.log,
# initrd.img, console.log, and out/ with the files the guest's tests wrote
# to $NSM_OUT_DIR (/out), plus out/dmesg.txt.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${BUILD:-$top/build}
vmdir=$build/vm
testdir=$build/selftests/drivers/nsm

mode=test
kernels=()
kernel_dirs=()
exec_script=
extra_dir=
while [ $# -gt 0 ]; do
	case $1 in
	--bench) mode=bench ;;
	--exec) mode=exec; exec_script=$(realpath "$2"); shift ;;
	--extra) extra_dir=$(realpath "$2"); shift ;;
	-k) kernels+=("$2"); shift ;;
	--kernel-dir) kernel_dirs+=("$(realpath "$2")"); shift ;;
	-h|--help) sed -n '3,/^set /{/^#/p}' "$0"; exit 0 ;;
	*) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done

timeout_s=${NSM_VM_TIMEOUT:-300}
accel=${NSM_VM_ACCEL:-tcg}
smp=${NSM_VM_SMP:-2}
mem=${NSM_VM_MEM:-512}
cpu=${NSM_VM_CPU:-max}

n=0
failed=0
echo "TAP version 13"

# emit STATUS NAME [DIRECTIVE]: one numbered top-level TAP line.
emit() {
	n=$((n + 1))
	echo "$1 $n - $2${3:+ # $3}"
	[ "$1" = "ok" ] || failed=1
}

finish() {
	echo "1..$n"
	exit $failed
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

if ! bash "$top/scripts/deps.sh" >&2; then
	emit "not ok" "vm: dependencies (scripts/deps.sh)"
	finish
fi
# One run at a time per build directory: runs share the module builds and
# each kernel's console log. (BUILD=<dir> gives a run a directory of its own.)
mkdir -p "$vmdir"
exec 9>"$vmdir/.lock"
if ! flock -n 9; then
	echo "# waiting for another VM run using $vmdir"
	flock 9
fi
if [ ${#kernel_dirs[@]} -gt 0 ]; then
	list=$(for d in "${kernel_dirs[@]}"; do
		for r in "$d"/lib/modules/*/; do r=${r%/}; echo "${r##*/} $d"; done
	done)
elif ! list=$("$here/kernels.sh" fetch "${kernels[@]}"); then
	emit "not ok" "vm: fetch kernels (selftests/vm/kernels.sh)"
	finish
fi
# Build every program that builds; one that does not is a failure, and is
# left out (with no stale binary) so that the others still run.
make -s -k --no-print-directory -C "$top/selftests/drivers/nsm" >&2
for t in "$testdir"/nsm_* $(cd "$top/selftests/drivers/nsm" &&
			   ls nsm_*test.c nsm_bench.c 2>/dev/null | sed 's/\.c$//'); do
	t=${t##*/}
	[ -f "$top/selftests/drivers/nsm/$t.c" ] || continue
	if ! make -s -q --no-print-directory -C "$top/selftests/drivers/nsm" \
	     "$testdir/$t" 2>/dev/null; then
		emit "not ok" "vm: build $t"
		rm -f "$testdir/$t"
	fi
done

# Records (see console.awk) on stdin -> TAP lines of kernel @1.
records() {
	local rel=$1 kind a b c
	while IFS=$'\t' read -r kind a b c; do
		case $kind in
		R) emit "$a" "$rel: $b" "$c" ;;
		D) echo "# $a" ;;
		B) echo "# $rel: $a" ;;
		X) echo "$a" ;;
		esac
	done
}

# The conformance suite again as a 32-bit program: the same ABI through
# the module's compat_ioctl (the kernels have IA32 emulation).
rm -f "$testdir/nsm_test_32"
if make -s --no-print-directory -C "$top/selftests/drivers/nsm" \
	OUTPUT="$testdir/m32" CC="${CC:-cc} -m32" "$testdir/m32/nsm_test" >&2; then
	cp "$testdir/m32/nsm_test" "$testdir/nsm_test_32"
else
	emit "not ok" "vm: build nsm_test -m32 (gcc-multilib)"
fi

# Suites in order: the conformance suite on a fresh device first (64- and
# 32-bit), then any other suite (e.g. attestation), the module lifetime
# tests last.
suites="nsm_test nsm_test_32"
for t in "$testdir"/nsm_*_test; do
	t=${t##*/}
	case $t in nsm_test|nsm_module_test) ;; *) suites+=" $t" ;; esac
done
suites+=" nsm_module_test"
required="nsm_test nsm_test_32 nsm_module_test"

# nsm_attest_test provisions a test PKI made here (the guest has no OpenSSL),
# found in the guest's /extra/pki; verify-docs.sh checks its documents.
pki_dir=
if [ "$mode" = test ] && [[ " $suites " == *" nsm_attest_test "* ]] && [ -z "$extra_dir" ]; then
	extra_dir=$vmdir/extra pki_dir=$vmdir/extra/pki
	"$here/test-pki.sh" "$pki_dir" >&2 || emit "not ok" "vm: test PKI (selftests/vm/test-pki.sh)"
fi

# The module sources, as a tar stream (mtimes excluded: content only).
module_sources() {
	(cd "$top" && find Kbuild Makefile kmod include -type f \
		\( -name '*.[ch]' -o -name Kbuild -o -name Makefile -o -name '*.mk' \) | LC_ALL=C sort |
		tar -cf - --mtime=@0 --owner=0 --group=0 --numeric-owner -T -)
}

# Build the module for kernel @2 in a private copy @1 of the sources: both
# kernels' builds (and anyone's `make module`) would otherwise share kmod/.
# Unchanged sources since the last build: keep its .ko and log (so its W=1
# warnings still count); otherwise a clean build.
build_module() {
	local dir=$1 rel=$2 kroot=${3:-} sum kdir=/usr/src/linux-headers-$rel
	sum=$(module_sources | sha256sum | cut -d' ' -f1)
	# A kernel of --kernel-dir: its own build tree, whose config counts too.
	if [ -n "$kroot" ] && [ -d "$kroot/lib/modules/$rel/build" ]; then
		kdir=$kroot/lib/modules/$rel/build
		sum=$(cat - "$kdir/.config" <<<"$sum" | sha256sum | cut -d' ' -f1)
	fi
	if [ -f "$dir/nsm_emu.ko" ] && [ -f "$dir/module-build.log" ] &&
	   [ "$(cat "$dir/module-sources.sha256" 2>/dev/null)" = "$sum" ]; then
		return 0
	fi
	rm -rf "$dir/src" "$dir/nsm_emu.ko" "$dir/module-sources.sha256"
	mkdir -p "$dir/src"
	module_sources | tar -xf - -C "$dir/src"
	make -C "$dir/src" module KDIR="$kdir" W=1 -j2 \
		>"$dir/module-build.log" 2>&1 || return 1
	cp "$dir/src/kmod/nsm_emu.ko" "$dir/nsm_emu.ko"
	echo "$sum" >"$dir/module-sources.sha256"
}

while read -r rel kroot; do
	[ -n "$rel" ] || continue
	dir=$vmdir/$rel
	mkdir -p "$dir"
	t_start=$(now)
	n_before=$n
	echo "# $rel: building nsm_emu.ko"

	if ! build_module "$dir" "$rel" "$kroot"; then
		emit "not ok" "$rel: module_build"
		tail -n 30 "$dir/module-build.log" | sed 's/^/# /'
		continue
	fi
	emit "ok" "$rel: module_build"
	warnings=$(grep -ci 'warning:' "$dir/module-build.log")
	if [ "$mode" = bench ]; then
		:	# the tests judge the build; the benchmark only measures
	elif [ "$warnings" -ne 0 ]; then
		emit "not ok" "$rel: module_build_w1_clean" "$warnings warnings"
		grep -i -A3 'warning:' "$dir/module-build.log" | head -n 20 | sed 's/^/# /'
	else
		emit "ok" "$rel: module_build_w1_clean"
	fi

	if ! SUITES=$suites MODULE_PARAMS=${NSM_MODULE_PARAMS:-} \
	     EXEC_SCRIPT=$exec_script EXTRA_DIR=$extra_dir \
	     "$here/initramfs.sh" "$dir/initrd.img" "$kroot" "$rel" \
	     "$dir/nsm_emu.ko" "$mode" "$testdir" >"$dir/initramfs.log" 2>&1; then
		emit "not ok" "$rel: initramfs"
		sed 's/^/# /' "$dir/initramfs.log"
		continue
	fi
	sed 's/^/# /' "$dir/initramfs.log"

	echo "# $rel: booting ($accel, -smp $smp, timeout ${timeout_s}s)"
	t_vm=$(now)
	timeout -k 5 "$timeout_s" qemu-system-x86_64 -accel "$accel" -cpu "$cpu" \
		-m "$mem" -smp "$smp" -nographic -no-reboot \
		-kernel "$kroot/boot/vmlinuz-$rel" -initrd "$dir/initrd.img" \
		-append "console=ttyS0 panic=-1 quiet loglevel=1${NSM_VM_APPEND:+ $NSM_VM_APPEND}" \
		</dev/null >"$dir/console.log" 2>&1
	qrc=$?
	vm_time=$(elapsed "$t_vm")

	# The files the guest sent (base64 between markers).
	rm -rf "$dir/out"
	mkdir -p "$dir/out"
	awk -v out="$dir/out" '
		{ sub(/\r$/, "") }
		/^@@NSM-VM FILE-END$/ { if (f != "") close(f); f = ""; next }
		/^@@NSM-VM FILE / {
			p = substr($0, 15)
			f = (p ~ /(^|\/)\.\.(\/|$)/ || p ~ /^\//) ? "" : out "/" p ".b64"
			if (f != "") { d = f; sub(/\/[^\/]*$/, "", d); system("mkdir -p \"" d "\"") }
			if (f != "") printf "" > f
			next
		}
		f != "" { print >> f }
	' "$dir/console.log"
	while IFS= read -r -d '' b; do
		base64 -d "$b" >"${b%.b64}" 2>/dev/null ||
			echo "# $rel: cannot decode ${b#"$dir"/}"
		rm -f "$b"
	done < <(find "$dir/out" -name '*.b64' -print0)

	case $mode in
	test) expect="$suites dmesg" ;;
	*) expect=$mode ;;
	esac
	records "$rel" < <(awk -v suites="$expect" \
		     -v required="$required" -v timeout="$timeout_s" \
		     -v timedout="$([ $qrc -eq 124 ] || [ $qrc -eq 137 ] && echo 1 || echo 0)" \
		     -f "$here/console.awk" "$dir/console.log")
	# The documents the attestation suite exported, verified by outsiders.
	if [ "$mode" = test ] && [[ " $suites " == *" nsm_attest_test "* ]] &&
	   [ "${NSM_VERIFY_DOCS:-1}" = 0 ]; then
		echo "# $rel: exported documents not verified on the host (NSM_VERIFY_DOCS=0)"
	elif [ "$mode" = test ] && [[ " $suites " == *" nsm_attest_test "* ]]; then
		while IFS=$'\t' read -r kind a b c; do
			case $kind in R) emit "$a" "$rel: $b" "$c" ;; D) echo "# $a" ;; esac
		done < <("$here/verify-docs.sh" --records "$dir/out" $pki_dir)
	fi
	if [ "$qrc" -ne 0 ]; then
		echo "# $rel: qemu exit status $qrc; last console lines:"
		tail -n 15 "$dir/console.log" | sed 's/^/#   /'
	fi
	echo "# $rel: $((n - n_before)) results; VM ${vm_time}s, total $(elapsed "$t_start")s"
done <<<"$list"

finish
