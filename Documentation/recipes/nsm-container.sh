#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Container recipe: run a container with an emulated enclave of its own as
# its /dev/nsm (Documentation/ci.rst). On a host where nsm_emu is loaded:
#
#   nsm-container.sh [--name NAME] [--eif FILE] [--runtime docker|podman]
#                    -- [RUN-OPTIONS...] IMAGE [COMMAND [ARGS]...]
#
# makes the instance NAME (default ctr-<pid>; nsmctl emu create, with the
# boot measurements of the enclave image FILE if given), runs
#
#   RUNTIME run --rm --device /dev/nsm-NAME:/dev/nsm RUN-OPTIONS... IMAGE COMMAND...
#
# and removes the instance when the container ends. Inside, the enclave
# application opens /dev/nsm as in a real enclave; each container has its
# own PCRs, module id and leaf certificates, under one test root
# (nsmctl emu root). The container needs no privilege: the device node is
# all it gets. Exit status: the runtime's (the container's).
#
# Needs root (or sudo) for nsmctl emu; RUNTIME defaults to
# $NSM_CONTAINER_RUNTIME, else docker.
set -eu

name=ctr-$$ eif= runtime=${NSM_CONTAINER_RUNTIME:-docker}
while [ $# -gt 0 ]; do
	case $1 in
	--name) name=$2; shift ;;
	--eif) eif=$2; shift ;;
	--runtime) runtime=$2; shift ;;
	--) shift; break ;;
	*) echo "nsm-container: unknown argument $1 (the run options go after --)" >&2; exit 2 ;;
	esac
	shift
done
[ $# -gt 0 ] || { echo "nsm-container: no image" >&2; exit 2; }

sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
dev=/dev/nsm-$name

$sudo nsmctl emu create "$name" ${eif:+--eif "$eif"} >&2
trap '$sudo nsmctl emu destroy "$name" >&2' EXIT
[ -c "$dev" ] || { echo "nsm-container: no $dev" >&2; exit 1; }
status=0
"$runtime" run --rm --device "$dev:/dev/nsm" "$@" || status=$?
exit $status
