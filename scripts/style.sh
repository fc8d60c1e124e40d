#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Kernel coding style of the module, checked the way a maintainer would:
# scripts/checkpatch.sh (checkpatch.pl --strict on every kmod/ source and
# the UAPI header) and scripts/sparse.sh (sparse and W=1 against every
# installed kernel build tree). Exits non-zero on any finding.
#
#   scripts/style.sh           the tools' own reports (make style)
#   scripts/style.sh --tap     one TAP stream: a line per file checked and
#                              one per kernel (make style-tap, make check)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)

if [ "${1:-}" != --tap ]; then
	rc=0
	"$here/checkpatch.sh" || rc=1
	"$here/sparse.sh" || rc=1
	exit $rc
fi

echo "TAP version 13"
# A tool that fails without a "not ok" line (no network for the download,
# say) still fails the stream: the group exits non-zero.
{
	"$here/checkpatch.sh" --tap
	r=$?
	"$here/sparse.sh" --tap || r=1
	exit $r
} |
	awk '/^(ok|not ok) / { n++; sub(/^ok/, "ok " n); sub(/^not ok/, "not ok " n) }
	     { print; fflush() }
	     END { print "1.." n }'
exit "$(( PIPESTATUS[0] != 0 ))"
