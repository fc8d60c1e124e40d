#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The recipes of Documentation/recipes/ as scripts, with the packages of
# `make deb` (scripts/deb.sh --cached) and their tools unpacked into a
# throwaway root. TAP on stdout. "The application's tests" are
# app-tests.sh: the Python enclave application on every device.
#
# nsm-ci.sh, the CI job:
#   - where modules cannot load (this machine): it finds that out itself
#     (modprobe fails), and runs the tests through the packaged nsm-vm,
#     with --instances and --eif; a failing test is its exit status. It
#     runs with --no-install: it does not install the packages into this
#     build machine's system (their installation is tested next);
#   - where modules load: in an nsm-vm guest booted without the module
#     (--no-module), a Debian machine whose kernel loads modules and whose
#     root is this one's, writable in the guest only. There the recipe
#     installs the packages with apt (maintainer scripts, DKMS), loads the
#     module with modprobe and runs the tests on the machine itself.
#     DKMS's compilation in the postinst takes 10 minutes under TCG
#     (measured), so by default the guest gets the module that `dkms build`
#     made of the packaged source on the host for its kernel, installed
#     where DKMS installs it, and /etc/dkms/no-autoinstall; NSM_RECIPE_FULL=1
#     lets the postinst build it (use with KVM).
# nsm-container.sh, the container recipe, in an nsm-vm guest with the
#   module: two containers, each with an instance of its own as /dev/nsm,
#   run by fake-runtime, which does what --device does (a mount namespace
#   with the instance's node on /dev/nsm) because no container runtime
#   works here; the instances are gone afterwards. With a docker daemon
#   that answers, the recipe also runs a real container (else: skipped).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${BUILD:-$top/build}
out=$build/tests/recipes
recipes=$top/Documentation/recipes
arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)

. "$top/tests/tap.sh"
# run NAME WANT-STATUS COMMAND...: in $work, stdout and stderr to files
run() {
	local name=$1 want=$2 rc t=$SECONDS; shift 2
	(cd "$work" && "$@" >"$work/.stdout" 2>"$work/.stderr")
	rc=$?
	if [ "$rc" = "$want" ]; then
		ok "$name: exit status $rc ($((SECONDS - t)) s)"
	else
		not_ok "$name: exit status $rc, expected $want" \
			"$(tail -n 25 "$work/.stderr"; tail -n 15 "$work/.stdout")"
	fi
}

echo "TAP version 13"
rm -rf "$out"
work=$out/work
mkdir -p "$work"
cd "$top"

# ---- the packages, unpacked; the test's EIF ---------------------------------
ver=$(dpkg-parsechangelog -S Version)
debs=$build/deb
if how=$(BUILD=$build bash scripts/deb.sh --cached 2>"$out/deb.log"); then
	ok "the packages ($how)"
else
	not_ok "the packages (scripts/deb.sh --cached)" "$(tail -n 30 "$out/deb.log")"
fi
root=$out/root
for p in nsm-emu-dkms libnsm1 libnsm-verify0 nsm-tools; do
	dpkg -x "$debs/${p}_${ver}_"*.deb "$root" || not_ok "dpkg -x $p"
done
src=$root/usr/src/nsm-emu-$ver
export NSM_VM_MODULE_SRC=$src NSM_KERNEL_CACHE=$top/.cache/kernels
export PATH=$root/usr/bin:$root/usr/sbin:$PATH LD_LIBRARY_PATH=$root/usr/lib/$arch
check "the packaged tools are the ones found" \
	bash -c '[ "$(command -v nsm-vm)" = "$1/usr/bin/nsm-vm" ] &&
		 [ "$(command -v nsmctl)" = "$1/usr/bin/nsmctl" ]' _ "$root"

mkdir -p "$out/eif"
make -s --no-print-directory -C lib BUILD="$build" "$build/lib/t/mkeif" >&2 &&
	"$build/lib/t/mkeif" "$out/eif" >/dev/null ||
	not_ok "test EIFs (lib/tests/mkeif)"
eif=$out/eif/signed.eif
pcr0=$(awk '$1 == "PCR0" { print $2 }' "$out/eif/signed.expected")

# ---- nsm-ci.sh where modules cannot load -----------------------------------
run "nsm-ci.sh here: the tests through nsm-vm, 2 instances, an EIF" 0 \
	sh "$recipes/nsm-ci.sh" --no-install --instances 2 --eif "$eif" -- \
	sh "$here/app-tests.sh" "$pcr0"
check "nsm-ci.sh here: it found that modules do not load, chose nsm-vm" \
	grep -q '^nsm-ci: mode vm (modprobe nsm_emu: ' "$work/.stderr"
check "nsm-ci.sh here: the tests ran on /dev/nsm, /dev/nsm-1, /dev/nsm-2, booted from the EIF" \
	bash -c 'for d in /dev/nsm /dev/nsm-1 /dev/nsm-2; do
		grep -q "^$d: ok 8 - " "$1" || exit 1; done; ! grep -q "not ok\|PCR0 is not" "$1"' \
	_ "$work/.stdout"
run "nsm-ci.sh here: a failing test is the job's status" 3 \
	sh "$recipes/nsm-ci.sh" --no-install -- sh -c 'exit 3'
run "nsm-ci.sh here, NSM_CI_MODE=host: no /dev/nsm, a failure" 1 \
	env NSM_CI_MODE=host sh "$recipes/nsm-ci.sh" --no-install -- true
check "nsm-ci.sh here, NSM_CI_MODE=host: says so" grep -q 'no /dev/nsm' "$work/.stderr"

# ---- nsm-ci.sh where modules load: an nsm-vm guest without the module ------
rel=$(selftests/vm/kernels.sh fetch 6.12.117+deb12-amd64 2>/dev/null | cut -d' ' -f1)
[ -n "$rel" ] || rel=$(selftests/vm/kernels.sh list | grep '^6\.12\.')
# man-db's trigger rebuilds its index over 9p under TCG: 212 s of the
# install (measured); CI images switch it off the same way.
prep="rm -f /var/lib/man-db/auto-update"
if [ "${NSM_RECIPE_FULL:-0}" = 1 ]; then
	timeout=2400
else
	# the module DKMS makes of the packaged source for the guest's kernel
	tree=$out/dkms
	mkdir -p "$tree"
	if { if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
		unshare -m sh -c 'mount -t tmpfs tmpfs /var/lib/dkms && exec "$@"' sh \
			dkms build -m nsm-emu -v "$ver" -k "$rel" --sourcetree "$root/usr/src" --dkmstree "$tree"
	     else
		dkms build -m nsm-emu -v "$ver" -k "$rel" --sourcetree "$root/usr/src" --dkmstree "$tree"
	     fi; } >"$out/dkms.log" 2>&1; then
		ok "dkms build of the packaged source for $rel, for the guest"
	else
		not_ok "dkms build of the packaged source for $rel" "$(tail -n 20 "$out/dkms.log")"
	fi
	ko=$(find "$tree" -name 'nsm_emu.ko*' | head -n 1)
	prep="$prep && install -D -m 0644 '$ko' /lib/modules/$rel/updates/dkms/${ko##*/} &&
	      depmod $rel && mkdir -p /etc/dkms && touch /etc/dkms/no-autoinstall"
	timeout=600
fi
run "nsm-ci.sh where modules load (a guest of nsm-vm --no-module): installs, loads, tests" 0 \
	nsm-vm run --no-module --kernel "$rel" --timeout "$timeout" -- sh -c "
	export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	$prep || exit 90
	sh '$recipes/nsm-ci.sh' --debs '$debs' --instances 2 --eif '$eif' -- \
		sh '$here/app-tests.sh' '$pcr0' >'$work/guest.out' 2>'$work/guest.err'
	echo \$? >'$work/guest.rc'
	dpkg-query -W -f='\${Package} \${Status}\n' nsm-emu-dkms nsm-tools libnsm1 >'$work/guest.dpkg'
	modinfo -n nsm_emu >'$work/guest.modinfo'"
check "... the recipe's status is the tests' (0)" bash -c '[ "$(cat "$1")" = 0 ] || { cat "$2"; exit 1; }' \
	_ "$work/guest.rc" "$work/guest.err"
check "... the packages are installed (apt, dpkg, maintainer scripts)" \
	bash -c '[ "$(grep -c " install ok installed$" "$1")" = 3 ]' _ "$work/guest.dpkg"
check "... it found that the module loads, chose the machine itself" \
	grep -q '^nsm-ci: mode host (modprobe nsm_emu worked)' "$work/guest.err"
check "... the module loaded is DKMS's, in updates/dkms" grep -q "/lib/modules/$rel/updates/dkms/nsm_emu.ko" "$work/guest.modinfo"
check "... the tests ran on /dev/nsm, /dev/nsm-1, /dev/nsm-2, booted from the EIF" \
	bash -c 'for d in /dev/nsm /dev/nsm-1 /dev/nsm-2; do
		grep -q "^$d: ok 8 - " "$1" || exit 1; done; ! grep -q "not ok\|PCR0 is not" "$1"' \
	_ "$work/guest.out"

# ---- nsm-container.sh ------------------------------------------------------
run "nsm-container.sh: two containers, each its own enclave as /dev/nsm (fake-runtime)" 0 \
	nsm-vm run --env FAKE_RUNTIME_LOG="$work/runtime.log" -- sh -c "
	c() { sh '$recipes/nsm-container.sh' --runtime '$here/fake-runtime' \"\$@\"; }
	c --name web -- debian:bookworm python3 '$top/tools/nsm-vm/tests/nsm_ioctl.py' >web.tap || exit 1
	c --name api --eif '$eif' -- debian:bookworm python3 '$top/tools/nsm-vm/tests/nsm_ioctl.py' >api.tap || exit 2
	python3 '$top/tools/nsm-vm/tests/nsm_ioctl.py' /dev/nsm >host.tap || exit 3
	c --name gone -- debian:bookworm sh -c 'exit 7'; echo \$? >status.out
	nsmctl emu list >list.out"
check "nsm-container.sh: the runtime got --device /dev/nsm-<name>:/dev/nsm" \
	bash -c 'grep -qx "run --rm --device /dev/nsm-web:/dev/nsm debian:bookworm python3 .*" "$1" &&
		 grep -qx "run --rm --device /dev/nsm-api:/dev/nsm debian:bookworm python3 .*" "$1"' \
	_ "$work/runtime.log"
check "nsm-container.sh: each container's /dev/nsm is its own enclave (three module ids)" \
	bash -c 'a=$(sed -n "s/.*module id //p" "$1"); b=$(sed -n "s/.*module id //p" "$2");
		 c=$(sed -n "s/.*module id //p" "$3"); [ -n "$a" ] && [ -n "$b" ] &&
		 [ "$a" != "$b" ] && [ "$a" != "$c" ] && [ "$b" != "$c" ] &&
		 ! grep -q "^not ok" "$1" "$2" "$3"' _ "$work/web.tap" "$work/api.tap" "$work/host.tap"
check "nsm-container.sh --eif: that container's enclave booted from the image" \
	grep -qx "# PCR0 $pcr0" "$work/api.tap"
check "nsm-container.sh: the container's exit status is the recipe's" \
	bash -c '[ "$(cat "$1")" = 7 ]' _ "$work/status.out"
check "nsm-container.sh: the instances are gone afterwards" \
	bash -c '! grep -qE "^(web|api|gone) " "$1" && grep -q "^default " "$1"' _ "$work/list.out"
# A real container needs a daemon and the module on this very machine.
if docker info >/dev/null 2>&1 && grep -q '^nsm_emu ' /proc/modules; then
	run "nsm-container.sh with docker: the container sees its /dev/nsm" 0 \
		sh "$recipes/nsm-container.sh" -- "${NSM_DOCKER_IMAGE:-debian:bookworm-slim}" test -c /dev/nsm
else
	skip "nsm-container.sh with a real docker" "no docker daemon with nsm_emu loaded here"
fi

echo "1..$n"
exit $failed
