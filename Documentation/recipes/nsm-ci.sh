#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# CI recipe: run an application's tests against nsm-emu's /dev/nsm, on any
# Debian 12 based CI machine (Documentation/ci.rst).
#
#   nsm-ci.sh [--debs DIR] [--no-install] [--instances N] [--eif FILE]
#             [--env NAME]... -- TEST-COMMAND [ARGS]...
#
# 1. Installs nsm-emu from its Debian packages: the .deb files of DIR (the
#    output of nsm-emu's `make deb`, or a release's), else nsm-emu-dkms and
#    nsm-tools from the machine's apt sources. --no-install: they are.
# 2. Where the kernel can load modules (a VM or bare-metal runner, as root
#    or with sudo), loads nsm_emu, which DKMS built for the running kernel
#    when the package was installed, makes the instances, and runs
#    TEST-COMMAND on the machine itself.
# 3. Where it cannot (a container, a runner without the kernel's headers or
#    without privileges), runs TEST-COMMAND through nsm-vm (nsm-vm(1)): a
#    qemu VM with Debian's kernel and the module, the machine's files shared.
#
# Either way TEST-COMMAND finds /dev/nsm (and /dev/nsm-1.. with
# --instances), and its exit status is the script's. --env names the
# variables nsm-vm passes into its VM (on the machine itself every
# variable is there anyway). NSM_CI_MODE=host or
# vm forces the choice; the script says on stderr which it made and why.
set -eu

debs= install=1 instances=0 eif= envs=
while [ $# -gt 0 ]; do
	case $1 in
	--debs) debs=$2; shift ;;
	--no-install) install=0 ;;
	--instances) instances=$2; shift ;;
	--eif) eif=$2; shift ;;
	--env) envs="$envs --env $2"; shift ;;
	--) shift; break ;;
	*) echo "nsm-ci: unknown argument $1 (the test command goes after --)" >&2; exit 2 ;;
	esac
	shift
done
[ $# -gt 0 ] || { echo "nsm-ci: no test command" >&2; exit 2; }
say() { echo "nsm-ci: $*" >&2; }

sudo=
[ "$(id -u)" = 0 ] || sudo=sudo

# ---- 1. the packages -------------------------------------------------------
if [ "$install" = 1 ]; then
	export DEBIAN_FRONTEND=noninteractive
	if [ -n "$debs" ]; then
		pkgs=$(ls "$debs"/nsm-emu-dkms_*.deb "$debs"/nsm-tools_*.deb \
			"$debs"/libnsm1_*.deb "$debs"/libnsm-verify0_*.deb)
		say "installing $(echo $pkgs | wc -w) packages of $debs"
		# the paths are ours, made by make deb: no spaces
		# shellcheck disable=SC2086
		$sudo apt-get install -y -q $pkgs >&2
	else
		say "installing nsm-emu-dkms and nsm-tools from the apt sources"
		$sudo apt-get install -y -q nsm-emu-dkms nsm-tools >&2
	fi
fi

# ---- 2. can this kernel load the module? -----------------------------------
mode=${NSM_CI_MODE:-}
if [ -z "$mode" ]; then
	if grep -q '^nsm_emu ' /proc/modules 2>/dev/null; then
		mode=host why="nsm_emu is loaded"
	elif out=$($sudo modprobe nsm_emu 2>&1); then
		mode=host why="modprobe nsm_emu worked"
	else
		mode=vm why="modprobe nsm_emu: ${out:-failed}"
	fi
else
	why="NSM_CI_MODE=$mode"
fi
say "mode $mode ($why)"

# ---- 3. the tests ----------------------------------------------------------
case $mode in
host)
	[ -c /dev/nsm ] || { say "no /dev/nsm although the module is loaded"; exit 1; }
	if [ -n "$eif" ]; then
		$sudo nsmctl emu set default --eif "$eif" >/dev/null
	fi
	i=1
	while [ "$i" -le "$instances" ]; do
		# a previous job's instance of that name goes first
		$sudo nsmctl emu destroy "$i" >/dev/null 2>&1 || true
		$sudo nsmctl emu create "$i" ${eif:+--eif "$eif"} >/dev/null
		i=$((i + 1))
	done
	status=0
	"$@" || status=$?
	i=1
	while [ "$i" -le "$instances" ]; do
		$sudo nsmctl emu destroy "$i" >/dev/null || true
		i=$((i + 1))
	done
	exit $status
	;;
vm)
	# shellcheck disable=SC2086
	exec nsm-vm run --instances "$instances" ${eif:+--eif "$eif"} $envs -- "$@"
	;;
*)
	say "NSM_CI_MODE is host or vm, not $mode"
	exit 2
	;;
esac
