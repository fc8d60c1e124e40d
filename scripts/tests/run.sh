#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run scripts/run-checks.sh on each synthetic suite of suites/ and compare
# what it counts with suites/NAME/expect:
#   line 1   the closing line ("N passed, M failed, K skipped")
#   line 2   the exit status of run-checks.sh
#   then     text its output must contain ("SUITE" stands for the suite)
# Then the strict mode (NSM_STRICT_SUITES): a skip there is a failure.
# TAP on stdout.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

n=0
failed=0
echo "TAP version 13"

# runner NAME STRICT: run run-checks.sh on suites/NAME; sets $out, $rc, $last
runner() {
	BUILD=$tmp NSM_SUITES="scripts/tests/suites/$1" NSM_STRICT_SUITES="$2" \
		"$top/scripts/run-checks.sh" >"$tmp/out" 2>&1
	rc=$?
	last=$(tail -n 1 "$tmp/out")
}

# judge NAME WANT-LAST WANT-RC [TEXT...]
judge() {
	local name=$1 want=$2 want_rc=$3 bad=
	shift 3
	[ "$last" = "$want" ] || bad="closing line '$last', wanted '$want'"
	[ "$rc" = "$want_rc" ] || bad="$bad${bad:+; }exit status $rc, wanted $want_rc"
	for t in "$@"; do
		grep -qF -- "${t//SUITE/scripts/tests/suites/${name%% *}}" "$tmp/out" ||
			bad="$bad${bad:+; }no '$t' in the output"
	done
	n=$((n + 1))
	if [ -z "$bad" ]; then
		echo "ok $n - $name: $want"
	else
		failed=$((failed + 1))
		echo "not ok $n - $name: $bad"
		sed 's/^/#   /' "$tmp/out" | tail -n 25
	fi
}

for d in "$here"/suites/*/; do
	name=$(basename "$d")
	mapfile -t exp <"$d/expect"
	runner "$name" ""
	judge "$name" "${exp[0]}" "${exp[1]}" "${exp[@]:2}"
done

# A required suite: its skips are failures, named with their reason, but
# for the third-party data's, which a clone alone must be able to take.
runner skip "scripts/tests/suites/skip"
judge "skip (required suite)" "1 passed, 1 failed, 1 skipped" 1 \
	"skipped in a required suite: 3 - needs a tool (valgrind not installed)"
runner skip-plan all
judge "skip-plan (NSM_STRICT_SUITES=all)" "0 passed, 1 failed, 0 skipped" 1 \
	"skipped in a required suite: (whole document) (nothing to test here)"
runner todo all
judge "todo (NSM_STRICT_SUITES=all)" "2 passed, 1 failed, 0 skipped" 1 \
	"skipped in a required suite: 2 - known bug (TODO: fix the parser)"
runner pass "scripts/tests/suites/pass"
judge "pass (required suite)" "3 passed, 0 failed, 0 skipped" 0

# Several suites: the counts add up, the skip summary names each suite.
BUILD=$tmp NSM_SUITES="scripts/tests/suites/skip scripts/tests/suites/todo scripts/tests/suites/plan-short" \
	NSM_STRICT_SUITES= "$top/scripts/run-checks.sh" >"$tmp/out" 2>&1
rc=$?
last=$(tail -n 1 "$tmp/out")
judge "three suites together" "4 passed, 1 failed, 3 skipped" 1 \
	"# failing suites: scripts/tests/suites/plan-short" \
	"# suite scripts/tests/suites/todo: 2 passed, 0 failed, 1 skipped"

# A suite that does not exist.
BUILD=$tmp NSM_SUITES="scripts/tests/suites/no-such-suite" "$top/scripts/run-checks.sh" >"$tmp/out" 2>&1
rc=$?
last=$(tail -n 1 "$tmp/out")
judge "missing suite" "0 passed, 1 failed, 0 skipped" 1 "no scripts/tests/suites/no-such-suite/Makefile"

echo "1..$n"
[ "$failed" -eq 0 ]
