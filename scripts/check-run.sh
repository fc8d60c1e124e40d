#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The README's first command (`make run`, i.e. scripts/run.sh) as a test:
# it must exit 0 and show what it promises. TAP on stdout.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
log=${BUILD:-$top/build}/check-run.log
mkdir -p "$(dirname "$log")"

n=0
failed=0
t() {	# t NAME COMMAND...: one TAP line for a command's status
	local name=$1
	shift
	n=$((n + 1))
	if "$@" >/dev/null 2>&1; then
		echo "ok $n - make run: $name"
	else
		echo "not ok $n - make run: $name"
		failed=1
	fi
}

echo "TAP version 13"
"$top/scripts/run.sh" >"$log" 2>&1
rc=$?
t "exits 0" test "$rc" -eq 0
t "DescribeNSM shown (PCRs 0-15 locked)" grep -q '^locked_pcrs:  0-15' "$log"
t "PCR table shown (32 PCRs)" test "$(grep -c '^PCR[0-9]' "$log")" -eq 32
t "document verified against the emulator's root, nonce included" \
	grep -q '^PASS  policy.nonce' "$log"
t "verification result OK" grep -q '^result:  OK' "$log"
t "document dumped" grep -q '^cabundle:    4 certificates, root first' "$log"
if [ "$failed" -ne 0 ]; then
	echo "# last lines of $log:"
	tail -n 25 "$log" | sed 's/^/#   /'
fi
echo "1..$n"
exit "$failed"
