#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The NSM selftests as kselftests of a kernel tree (`make -C selftests
# check-ktree`, the suite selftests:check-ktree of `make check`):
#
#   1. the parts of Debian's linux-source-6.12 that kselftests build with
#      (tools/testing/selftests' Makefile, lib.mk, kselftest_harness.h,
#      run_kselftest.sh; usr/include from `make headers`) are extracted
#      once per package version into a cache;
#   2. a copy of them gets selftests/drivers/nsm as
#      tools/testing/selftests/drivers/nsm and is built and installed by
#      the tree's own make:
#        make -C tools/testing/selftests TARGETS=drivers/nsm \
#             USERLDFLAGS=-static install INSTALL_PATH=...
#      (static: the guest is a busybox initramfs without a libc);
#   3. harness_probe.c, built against nsm_harness.h in and out of the
#      tree, must end every test the same way under both harnesses;
#   4. the suite's config fragment must be satisfied by the kernels tested;
#   5. each Debian kernel of selftests/vm/kernels.sh boots in qemu with
#      nsm_emu.ko loaded (the VM runner, run.sh --exec guest.sh), and the
#      tree's run_kselftest.sh runs the installed tests there. Each result
#      of each test program becomes a line of this TAP document.
#
#   run.sh [-k RELEASE]...
#   run.sh --relay LOG   only turn a saved output of the VM runner (its
#                        console-side TAP, as step 5 reads it) into this
#                        document: to check the relay itself
#
# Output: one TAP document, then "N passed, M failed, K skipped". Exit
# status 1 if anything failed. In BUILD/kernel-tree: build.log (the tree's
# make), install/ (INSTALL_PATH), vm-run.log (the VM runner's output, as
# --relay reads it), vm-build/vm/<release>/console.log.
#
# Environment: BUILD (default build/; this uses BUILD/kernel-tree),
# NSM_KTREE_CACHE (default ${XDG_CACHE_HOME:-~/.cache}/nsm-emu/kernel-tree),
# NSM_RACE_SECONDS (nsm_instance_test's race, default 5 here), and those of
# selftests/vm/run.sh.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${BUILD:-$top/build}/kernel-tree
cache=${NSM_KTREE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nsm-emu/kernel-tree}
pkg=linux-source-6.12
tarball=/usr/src/$pkg.tar.xz
ksft=tools/testing/selftests

# What kselftests need of the tree to build one target, install it and run
# it: the selftests' top Makefile (which includes scripts/subarch.include),
# lib.mk, the harness and runner; and what `make headers` needs to make
# usr/include (lib.mk's KHDR_INCLUDES): the top Makefile, scripts/, the
# uapi headers and x86's generated ones (syscall tables, arch/x86/tools
# with tools/include).
tree_paths=(
	Makefile scripts include/uapi
	arch/x86/Makefile arch/x86/Makefile_32.cpu arch/x86/include/uapi
	arch/x86/entry/syscalls arch/x86/tools usr/include/Makefile
	tools/include
	$ksft/Makefile $ksft/lib.mk $ksft/kselftest.h $ksft/kselftest_harness.h
	$ksft/run_kselftest.sh $ksft/kselftest
)

kernels=()
relay_log=
while [ $# -gt 0 ]; do
	case $1 in
	-k) kernels+=("$2"); shift ;;
	--relay) relay_log=$2; shift ;;
	-h|--help) sed -n '3,/^set /{/^#/p}' "$0"; exit 0 ;;
	*) echo "kernel-tree/run.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done

n=0 pass=0 fail=0 skip=0
echo "TAP version 13"

# emit STATUS NAME: one numbered TAP line (NAME may end in a directive).
emit() {
	n=$((n + 1))
	echo "$1 $n - $2"
	if [ "$1" != ok ]; then
		fail=$((fail + 1))
	elif [[ $2 == *"# SKIP"* || $2 == *"# XFAIL"* ]]; then
		skip=$((skip + 1))
	else
		pass=$((pass + 1))
	fi
}

finish() {
	echo "1..$n"
	echo "$pass passed, $fail failed, $skip skipped"
	[ "$fail" -eq 0 ]
	exit
}

# check COND NAME: ok if the command COND succeeds.
check() {
	if eval "$1"; then emit ok "$2"; else emit "not ok" "$2"; fi
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# relay: run.sh's output on stdin. Its own TAP lines, the guest's "@@T"
# lines and every result of run_kselftest.sh (between "@@K BEGIN" and
# "@@K END") become lines of this document.
rel= began= ended=
kernel_done() {
	[ -n "$rel" ] || return 0
	if [ -z "$began" ]; then
		emit "not ok" "$rel: run_kselftest.sh did not start"
	elif [ -z "$ended" ]; then
		emit "not ok" "$rel: run_kselftest.sh did not finish"
	fi
	began= ended=
}
prog_done() {	# the runner's line for the program $prog
	[ -n "$prog" ] || return 0
	if [ "$nplan" -lt 0 ]; then
		emit "not ok" "$rel: $prog: no TAP plan"
	elif [ "$nplan" -ne "$nres" ]; then
		emit "not ok" "$rel: $prog: ran $nres of $nplan tests"
	fi
	prog=
}
relay() {
	local line re='^(not ok|ok) [0-9]+ - (.*)$' inner=0 rplan=-1 rres=0 st name
	local nested='^# (not ok|ok) [0-9]+ (.*)$' top='^(not ok|ok) [0-9]+ (selftests: .*)$'
	prog= nplan=-1 nres=0 why=
	while IFS= read -r line; do
		line=${line%$'\r'}
		if [[ $line =~ ^#\ (.+):\ building\ nsm_emu\.ko$ ]]; then
			kernel_done
			rel=${BASH_REMATCH[1]}
			echo "$line"
		elif [[ $line =~ ^@@K\ BEGIN\ (.*)$ ]]; then
			inner=1 began=1 rplan=-1 rres=0 prog=
		elif [[ $line =~ ^@@K\ END\ ([0-9]+)$ ]]; then
			inner=0 ended=1
			prog_done
			if [ "$rplan" -ne "$nprogs" ] || [ "$rres" -ne "$nprogs" ]; then
				emit "not ok" "$rel: run_kselftest.sh ran $rres of $nprogs programs (plan $rplan)"
			fi
			echo "# $rel: run_kselftest.sh exit status ${BASH_REMATCH[1]}"
		elif [[ $line =~ ^@@T\ (not\ ok|ok)\ (.*)$ ]]; then
			emit "${BASH_REMATCH[1]}" "$rel: ${BASH_REMATCH[2]}"
		elif [ $inner -eq 1 ] && [[ $line =~ $re ]]; then
			# The VM runner's own line: the guest's output ended
			# without "@@K END" (a timeout, a crash).
			inner=0
			prog_done
			emit "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
		elif [ $inner -eq 1 ]; then
			if [[ $line == "#"* ]]; then echo "$line"; else echo "# $line"; fi
			if [[ $line =~ ^#\ selftests:\ [^:]*:\ (.*)$ ]]; then
				prog=${BASH_REMATCH[1]} nplan=-1 nres=0 why=
			elif [[ $line =~ ^#\ 1\.\.([0-9]+)(.*)$ ]]; then
				nplan=${BASH_REMATCH[1]}
				[[ ${BASH_REMATCH[2]} =~ \#\ SKIP\ (.*) ]] && why=${BASH_REMATCH[1]}
			elif [[ $line =~ $nested ]] && [ -n "$prog" ]; then
				nres=$((nres + 1))
				emit "${BASH_REMATCH[1]}" "$rel: $prog: ${BASH_REMATCH[2]}"
			elif [[ $line =~ ^1\.\.([0-9]+)$ ]]; then
				rplan=${BASH_REMATCH[1]}
			elif [[ $line =~ $top ]]; then
				st=${BASH_REMATCH[1]} name=${BASH_REMATCH[2]}
				rres=$((rres + 1))
				prog_done
				[[ $name == *"# SKIP" ]] && [ -n "$why" ] && name+=" $why"
				emit "$st" "$rel: $name"
			fi
		elif [[ $line =~ $re ]]; then
			emit "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
		elif [[ $line == "TAP version"* || $line =~ ^1\.\.[0-9]+ ]]; then
			:
		elif [[ $line == "#"* ]]; then
			echo "$line"
		elif [ -n "$line" ]; then
			echo "# $line"
		fi
	done
	kernel_done
}

if [ -n "$relay_log" ]; then
	nprogs=${NSM_KTREE_PROGS:-4}
	relay <"$relay_log"
	finish
fi

mkdir -p "$build"
exec 9>"$build/.lock"
if ! flock -n 9; then
	echo "# waiting for another run using $build"
	flock 9
fi

# ---- 1. the tree, cached per package version ----
if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' &&
   [ "$(id -u)" -eq 0 ]; then
	echo "# installing $pkg" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "$pkg" >/dev/null 2>&1
fi
ver=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null)
if [ -z "$ver" ] || [ ! -f "$tarball" ]; then
	emit "not ok" "kernel-tree: $pkg installed (apt-get install $pkg)"
	finish
fi

# The cache key: the package version and the list of paths taken from it.
key="$ver $(printf '%s\n' "${tree_paths[@]}" | sha256sum | cut -c1-16)"
cdir=$cache/$ver
t0=$(now)
extract_how=cached
if [ "$(cat "$cdir/ok" 2>/dev/null)" != "$key" ]; then
	mkdir -p "$cache"
	exec 8>"$cache/.lock"
	flock 8
	if [ "$(cat "$cdir/ok" 2>/dev/null)" != "$key" ]; then
		rm -rf "$cdir" "$cdir.tmp"
		mkdir -p "$cdir.tmp/tree"
		# debug-kernel.sh's unpacked tree of the same version, read
		# only, when there is one; else the paths out of the tarball.
		dk=${NSM_DEBUG_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nsm-emu/debug-kernel}
		src=
		for d in "$dk/src-$ver" "$top/.cache/debug-kernel/src-$ver"; do
			[ -f "$d/.unpacked" ] && src=$d && break
		done
		if [ -n "$src" ]; then
			extract_how="copied from $src"
			(cd "$src" && tar -cf - "${tree_paths[@]}") |
				tar -xf - -C "$cdir.tmp/tree"
		else
			extract_how="extracted from $tarball"
			nice -n 19 tar -xJf "$tarball" -C "$cdir.tmp/tree" \
				--strip-components=1 "${tree_paths[@]/#/$pkg/}"
		fi
		rc=$?
		if [ $rc -eq 0 ]; then
			nice -n 19 make -s -C "$cdir.tmp/tree" headers -j2 \
				>"$cdir.tmp/headers.log" 2>&1
			rc=$?
		fi
		if [ $rc -eq 0 ] && [ -f "$cdir.tmp/tree/usr/include/linux/nsm.h" ]; then
			echo "$key" >"$cdir.tmp/ok"
			mv "$cdir.tmp" "$cdir"
		fi
	fi
	exec 8>&-
fi
extract_time=$(elapsed "$t0")
if [ "$(cat "$cdir/ok" 2>/dev/null)" != "$key" ]; then
	emit "not ok" "kernel-tree: $pkg $ver: tools/testing/selftests and make headers"
	tail -n 20 "$cdir.tmp/headers.log" 2>/dev/null | sed 's/^/# /'
	finish
fi
emit ok "kernel-tree: $pkg $ver: tools/testing/selftests and make headers"
echo "# kernel-tree: tree $extract_how in ${extract_time}s ($(du -sh "$cdir/tree" | cut -f1), cache $cdir)"

# ---- 2. the suite in a copy of the tree, built by the tree's make ----
t0=$(now)
tree=$build/tree
inst=$build/install
rm -rf "$tree" "$inst"
cp -a "$cdir/tree" "$tree"
mkdir -p "$tree/$ksft/drivers"
cp -r "$top/selftests/drivers/nsm" "$tree/$ksft/drivers/nsm"
nice -n 19 make -C "$tree/$ksft" TARGETS=drivers/nsm USERLDFLAGS=-static \
	install INSTALL_PATH="$inst" >"$build/build.log" 2>&1
rc=$?
build_time=$(elapsed "$t0")
progs=$(sed -n 's|^drivers/nsm:||p' "$inst/kselftest-list.txt" 2>/dev/null | sort)
want=$(cd "$top/selftests/drivers/nsm" && ls nsm_*test.c | sed 's/\.c$//' | sort)
check "[ $rc -eq 0 ]" "kernel-tree: make -C $ksft TARGETS=drivers/nsm install"
if [ $rc -ne 0 ]; then
	grep -E 'error|Error' "$build/build.log" | head -n 20 | sed 's/^/# /'
	finish
fi
warnings=$(grep -c 'warning:' "$build/build.log")
check "[ $warnings -eq 0 ]" "kernel-tree: built without compiler warnings"
[ "$warnings" -eq 0 ] || grep -A3 'warning:' "$build/build.log" | head -n 20 | sed 's/^/# /'
echo "# kernel-tree: built and installed in ${build_time}s; kselftest-list.txt:" $progs
check '[ -n "$progs" ] && [ "$progs" = "$want" ]' \
	"kernel-tree: kselftest-list.txt names every nsm_*test program"
static_ok=1
for p in $progs; do
	if [ ! -x "$inst/drivers/nsm/$p" ] ||
	   [[ $(readelf -l "$inst/drivers/nsm/$p" 2>&1) == *INTERP* ]]; then
		static_ok=0
		echo "# $p: missing or not static"
	fi
done
check "[ $static_ok -eq 1 ]" "kernel-tree: installed programs are static"
# The kernel's harness lists tests under a FIXTURE/VARIANT/TEST header
# (to stderr), this project's one name per line.
check '{ "$inst/drivers/nsm/nsm_test" -l 2>&1 || :; } | grep -q "^# FIXTURE"' \
	"kernel-tree: nsm_test is built on the tree's kselftest_harness.h"
check '[ -f "$inst/drivers/nsm/config" ] && [ -f "$inst/drivers/nsm/settings" ]' \
	"kernel-tree: config and settings installed"

# ---- 3. the harness API: the same outcomes in both harnesses ----
probe_run() {
	local out=$1
	shift
	"$@" -I"$(dirname "$out")" -o "$out" "$here/harness_probe.c" \
		>"$out.build.log" 2>&1 || return 1
	NSM_TEST_TIMEOUT=1 "$out" >"$out.txt" 2>&1
	[ $? -eq 1 ]	# some tests fail on purpose
}
mkdir -p "$build/probe-own"
cp "$top/selftests/drivers/nsm/"*.h "$build/probe-own/"
probe_k=$tree/$ksft/drivers/nsm/harness_probe
check 'probe_run "$build/probe-own/harness_probe" ${CC:-cc} -O2 -Wall -Wextra -Werror -D_GNU_SOURCE' \
	"kernel-tree: harness probe built and run on nsm_harness.h's own harness"
check 'probe_run "$probe_k" ${CC:-cc} -O2 -Wall -Werror -D_GNU_SOURCE -isystem "$tree/usr/include"' \
	"kernel-tree: harness probe built and run on the tree's kselftest_harness.h"
# Each probe test must end as its name says (pass_, fail_, skip_) in both.
result_of() {	# FILE TEST -> ok | not ok | skip
	awk -v t="$2" '
		/^(not )?ok [0-9]+ / {
			name = $0; sub(/^(not )?ok [0-9]+ (global\.)?/, "", name)
			sub(/ #.*/, "", name)
			if (name != t) next
			r = $0 ~ /^not / ? "not ok" : ($0 ~ / # SKIP/ ? "skip" : "ok")
		}
		END { print r == "" ? "missing" : r }' "$1"
}
for t in $(sed -n 's/^TEST(\(.*\))$/\1/p' "$here/harness_probe.c"); do
	case $t in pass_*) w=ok ;; fail_*) w="not ok" ;; skip_*) w=skip ;; esac
	a=$(result_of "$build/probe-own/harness_probe.txt" "$t")
	b=$(result_of "$probe_k.txt" "$t")
	check '[ "$a" = "$w" ] && [ "$b" = "$w" ]' \
		"kernel-tree: harness: $t ($w): own $a, kernel's $b"
done
for f in "$build/probe-own/harness_probe.txt" "$probe_k.txt"; do
	which=own
	[ "$f" = "$probe_k.txt" ] && which="kernel's"
	check '[ "$(grep -c "marker: helper returned" "$f")" = 1 ] &&
	       grep -q "marker: after a failed EXPECT" "$f" &&
	       grep -q "marker: the statement after a failed check ran" "$f" &&
	       grep -q "marker: NSM_FAIL_EXPECT 1" "$f" &&
	       grep -q "marker: NSM_FAIL 2" "$f" &&
	       grep -q "# SKIP marker reason 42" "$f" &&
	       ! grep -q "never printed" "$f"' \
		"kernel-tree: harness: $which: what runs after a failed check, the skip reason"
done

# ---- 4. the kernels, and the config fragment against theirs ----
if ! list=$("$top/selftests/vm/kernels.sh" fetch "${kernels[@]}"); then
	emit "not ok" "kernel-tree: fetch kernels (selftests/vm/kernels.sh)"
	finish
fi
args=()
while read -r rel kroot; do
	[ -n "$rel" ] || continue
	args+=(-k "$rel")
	cfg=$kroot/boot/config-$rel
	missing=$(sed 's/#.*//' "$top/selftests/drivers/nsm/config" | grep '=' |
		while IFS== read -r opt val; do
			have=$(sed -n "s/^$opt=//p" "$cfg" 2>/dev/null)
			# "=m" asks for the feature, built in or a module.
			case $val:$have in
			y:y|m:y|m:m) ;;
			*) echo "$opt=$val (has ${have:-unset})" ;;
			esac
		done)
	check '[ -f "$cfg" ] && [ -z "$missing" ]' \
		"kernel-tree: $rel: its config has every option of drivers/nsm/config"
	[ -z "$missing" ] || echo "$missing" | sed 's/^/#   /'
done <<<"$list"

# ---- 5. run_kselftest.sh in the VMs ----
extra=$build/extra
rm -rf "$extra"
mkdir -p "$extra"
cp -a "$inst" "$extra/kselftest"
"$top/selftests/vm/test-pki.sh" "$extra/pki" >&2 ||
	emit "not ok" "kernel-tree: test PKI (selftests/vm/test-pki.sh)"
echo "${NSM_RACE_SECONDS:-5}" >"$extra/race-seconds"
nprogs=$(echo $progs | wc -w)

t0=$(now)
relay < <(BUILD=$build/vm-build "$top/selftests/vm/run.sh" \
	--exec "$here/guest.sh" --extra "$extra" "${args[@]}" |
	tee "$build/vm-run.log")
echo "# kernel-tree: times: tree ${extract_time}s ($extract_how), build and install ${build_time}s, VM runs $(elapsed "$t0")s"
finish
