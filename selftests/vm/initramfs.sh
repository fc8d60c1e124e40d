#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the busybox initramfs for one kernel:
#
#   initramfs.sh OUT.img KROOT RELEASE KO MODE TESTDIR
#
# OUT.img  the gzip'ed newc cpio to write
# KROOT    the unpacked kernel package (kernels.sh fetch), for its modules
# RELEASE  the kernel release
# KO       nsm_emu.ko built for that kernel
# MODE     test | bench (see init.sh)
# TESTDIR  directory with the static test programs (nsm_test, ...)
#
# The kernel modules the guest loads before nsm_emu.ko are nsm_emu's own
# dependencies (modinfo depends=) and those in modules.list, each with its
# dependencies from modules.dep; built-in ones are skipped, compressed ones
# are unpacked (busybox insmod takes plain .ko files).
# Environment: SUITES, SUITE_TIMEOUT, MODULE_PARAMS, BENCH_* go into
# /etc/nsm-vm.conf for init.sh; EXEC_SCRIPT (exec mode) becomes /exec.sh
# and the files of EXTRA_DIR go to /extra. INIT_SCRIPT replaces init.sh as
# /init and EXTRA_MODULES names more modules to load (nsm-vm uses both).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=$1 kroot=$2 rel=$3 ko=$4 mode=$5 testdir=$6
moddir=$kroot/lib/modules/$rel
work=$out.d

die() { echo "initramfs.sh: $*" >&2; exit 1; }

busybox=$(command -v busybox) || die "busybox not found (busybox-static)"
! ldd "$busybox" >/dev/null 2>&1 ||
	die "$busybox is not static: install busybox-static"
[ -f "$moddir/modules.dep" ] || die "no $moddir/modules.dep (kernels.sh fetch)"

rm -rf "$work"
mkdir -p "$work"/{bin,sbin,etc,proc,sys,dev,tmp,out,tests,lib/modules/extra}
cp "$busybox" "$work/bin/busybox"
for a in $("$busybox" --list); do
	[ "$a" = busybox ] || ln -s busybox "$work/bin/$a"
done
install -m 0755 "${INIT_SCRIPT:-$here/init.sh}" "$work/init"
install -m 0644 "$ko" "$work/lib/modules/nsm_emu.ko"
# The twin: the same module renamed nsm_emv (every "nsm_emu" string, so the
# module name, its log prefix and symbol names), which the kernel loads next
# to nsm_emu: a second NSM driver for the collision and side-by-side tests.
perl -0777 -pe 's/nsm_emu/nsm_emv/g' "$ko" >"$work/lib/modules/nsm_emv.ko"
for t in "$testdir"/*; do
	[ -x "$t" ] && [ -f "$t" ] && install -m 0755 "$t" "$work/tests/"
done

if [ -n "${EXEC_SCRIPT:-}" ]; then
	install -m 0755 "$EXEC_SCRIPT" "$work/exec.sh"
fi
if [ -n "${EXTRA_DIR:-}" ]; then
	mkdir -p "$work/extra"
	cp -a "$EXTRA_DIR"/. "$work/extra/"
fi

# ---- kernel modules, dependencies first ----
declare -A seen=()
order=()

# modules.dep path of module @1 (names compare with '-' as '_'), or empty.
mod_path() {
	local want=${1//-/_}
	awk -F: -v w="$want" '{
		n = $1; sub(/.*\//, "", n); sub(/\.ko(\.(xz|zst|gz))?$/, "", n)
		gsub(/-/, "_", n)
		if (n == w) { print $1; exit }
	}' "$moddir/modules.dep"
}

is_builtin() {
	local want=${1//-/_}
	sed 's|.*/||; s|\.ko$||; s|-|_|g' "$moddir/modules.builtin" | grep -qx "$want"
}

visit() {
	local name=${1//-/_} path deps d
	[ -n "${seen[$name]:-}" ] && return
	seen[$name]=1
	path=$(mod_path "$name")
	if [ -z "$path" ]; then
		is_builtin "$name" || echo "initramfs.sh: $rel: module $name not found, skipped" >&2
		return
	fi
	deps=$(awk -F: -v p="$path" '$1 == p { print $2 }' "$moddir/modules.dep")
	for d in $deps; do
		d=${d##*/}
		visit "${d%%.ko*}"
	done
	case $path in
	*.ko.xz)  xz -dc "$moddir/$path" >"$work/lib/modules/extra/$name.ko" ;;
	*.ko.zst) zstd -qdc "$moddir/$path" >"$work/lib/modules/extra/$name.ko" ;;
	*.ko.gz)  gzip -dc "$moddir/$path" >"$work/lib/modules/extra/$name.ko" ;;
	*)        cp "$moddir/$path" "$work/lib/modules/extra/$name.ko" ;;
	esac
	order+=("$name")
}

wanted=$(modinfo -F depends "$ko" | tr ',' ' ')
wanted+=" $(sed 's/#.*//' "$here/modules.list")"
wanted+=" ${EXTRA_MODULES:-}"
for m in $wanted; do
	visit "$m"
done

cat >"$work/etc/nsm-vm.conf" <<EOF
MODE='$mode'
KMODS='${order[*]}'
SUITES='${SUITES:-nsm_test}'
SUITE_TIMEOUT='${SUITE_TIMEOUT:-240}'
MODULE_PARAMS='${MODULE_PARAMS:-}'
BENCH_THREADS='${BENCH_THREADS:-1 2}'
BENCH_SECONDS='${BENCH_SECONDS:-3}'
BENCH_REQUESTS='${BENCH_REQUESTS:-describe_pcr extend_pcr attestation}'
EOF

(cd "$work" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) |
	gzip -1 >"$out"
rm -rf "$work"
