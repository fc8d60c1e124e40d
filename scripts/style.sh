#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Kernel coding style of the module, checked the way a maintainer would:
# scripts/checkpatch.sh (checkpatch.pl --strict on every kmod/ source and
# the UAPI header), scripts/sparse.sh (sparse and W=1 against every
# installed kernel build tree) and kernel-doc -none over the same files as
# checkpatch (W=1 runs it on the .c files only; this adds the headers).
# Exits non-zero on any finding.
#
#   scripts/style.sh           the tools' own reports (make style)
#   scripts/style.sh --tap     one TAP stream: a line per file checked and
#                              one per kernel (make style-tap, make check)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)

# kernel-doc from the newest installed kernel build tree (scripts/deps.sh).
kerneldoc() {
	local kd out
	kd=$(ls -d /usr/src/linux-headers-*/scripts/kernel-doc 2>/dev/null |
		sort -V | tail -1)
	if [ -z "$kd" ]; then
		echo "not ok - kernel-doc: no kernel build tree in /usr/src"
		return 1
	fi
	out=$(cd "$top" && { git ls-files -co --exclude-standard -- \
		'kmod/*.[ch]' include/uapi/linux/nsm.h 2>/dev/null ||
		find kmod -name '*.[ch]' ! -name '*.mod.c'; } | sort -u |
		xargs perl "$kd" -none 2>&1)
	if [ -z "$out" ]; then
		echo "ok - kernel-doc"
		return 0
	fi
	echo "not ok - kernel-doc: $(wc -l <<<"$out") finding(s)"
	sed 's/^/# /' <<<"$out"
	return 1
}

if [ "${1:-}" != --tap ]; then
	rc=0
	"$here/checkpatch.sh" || rc=1
	"$here/sparse.sh" || rc=1
	kerneldoc || rc=1
	exit $rc
fi

echo "TAP version 13"
# A tool that fails without a "not ok" line (no network for the download,
# say) still fails the stream: the group exits non-zero.
{
	"$here/checkpatch.sh" --tap
	r=$?
	"$here/sparse.sh" --tap || r=1
	kerneldoc || r=1
	exit $r
} |
	awk '/^(ok|not ok) / { n++; sub(/^ok/, "ok " n); sub(/^not ok/, "not ok " n) }
	     { print; fflush() }
	     END { print "1.." n }'
exit "$(( PIPESTATUS[0] != 0 ))"
