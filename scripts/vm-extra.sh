#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Fill DIR with dynamically linked programs and everything they need to run
# in the VM runner's guest, which has no shared libraries of its own: the
# programs, their libraries and the dynamic loader. The guest starts them
# as  /extra/ld-linux-x86-64.so.2 --library-path /extra /extra/PROG.
#
#   vm-extra.sh DIR PROGRAM...
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: vm-extra.sh DIR PROGRAM..." >&2; exit 2; }
dir=$1
shift
rm -rf "$dir"
mkdir -p "$dir"
for prog in "$@"; do
	cp "$prog" "$dir/"
	ldd "$prog" | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }' |
		while read -r lib; do cp -L "$lib" "$dir/"; done
done
[ -e "$dir/ld-linux-x86-64.so.2" ] || {
	echo "vm-extra.sh: no dynamic loader among the libraries" >&2
	exit 1
}
