#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run several TAP-producing commands and print one TAP stream: tests are
# renumbered, descriptions prefixed with the command's label, the plan
# printed at the end. A command that exits non-zero without a failing test,
# or that runs fewer tests than it planned, adds a failing test of its own;
# one that skips everything ("1..0 # SKIP why") adds a skipped one.
#
# Usage: tap-merge.sh LABEL 'COMMAND' [LABEL 'COMMAND']...
set -uo pipefail

n=0
fail=0
echo "TAP version 13"
while [ $# -ge 2 ]; do
	label=$1
	cmd=$2
	shift 2
	out=$(mktemp)
	start=$(date +%s.%N)
	bash -c "$cmd" >"$out"
	rc=$?
	secs=$(echo "$(date +%s.%N) $start" | awk '{printf "%.1f", $1 - $2}')
	planned=$(grep -m1 -oE '^1\.\.[0-9]+' "$out" | cut -c4-)
	ran=0
	bad=0
	while IFS= read -r line; do
		if [[ $line =~ ^(not\ )?ok\ [0-9]+(\ -)?\ ?(.*)$ ]]; then
			n=$((n + 1))
			ran=$((ran + 1))
			if [ -n "${BASH_REMATCH[1]}" ]; then
				bad=$((bad + 1))
				echo "not ok $n - [$label] ${BASH_REMATCH[3]}"
			else
				echo "ok $n - [$label] ${BASH_REMATCH[3]}"
			fi
		elif [[ $line =~ ^1\.\.0\ *#\ *[Ss][Kk][Ii][Pp]\ *(.*)$ ]]; then
			# a command that skipped everything: one visible skip
			n=$((n + 1))
			ran=$((ran + 1))
			planned=1
			echo "ok $n - [$label] # SKIP ${BASH_REMATCH[1]:-no reason given}"
		elif [[ $line =~ ^# ]]; then
			echo "$line"
		fi
	done <"$out"
	rm -f "$out"
	echo "# [$label] $ran tests, $bad failed, ${secs}s"
	if [ "$bad" -eq 0 ] && { [ "$rc" -ne 0 ] || [ "$ran" -ne "${planned:-$ran}" ]; }; then
		n=$((n + 1))
		bad=1
		echo "not ok $n - [$label] exited with status $rc after $ran of ${planned:-?} tests"
	fi
	[ "$bad" -ne 0 ] && fail=1
done
echo "1..$n"
exit $fail
