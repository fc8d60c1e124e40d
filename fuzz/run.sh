#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run one libFuzzer binary for SECONDS and print one line:
#   "NAME: N executions in S s (CPU C s), no finding (corpus K inputs)"
# (exit 0), or "NAME: FINDING ..." with the sanitizer's summary (exit 1).
# Seed directories are read, never written: new inputs go to
# OUT/NAME-corpus, crash inputs to OUT/NAME-artifacts/, the log to
# OUT/NAME.log.
#   usage: run.sh OUT NAME BINARY SECONDS [libFuzzer options] SEED_DIR...
set -uo pipefail
out=$1 name=$2 bin=$3 secs=$4
shift 4
work=$out/$name-corpus
art=$out/$name-artifacts
log=$out/$name.log
mkdir -p "$work" "$art"
opts=() seeds=()
for a in "$@"; do
	case $a in -*) opts+=("$a") ;; *) seeds+=("$a") ;; esac
done

# libFuzzer writes new inputs into the first directory: the work one
TIMEFORMAT='%U %S'
cpu=$( { time "$bin" -max_total_time="$secs" -timeout=30 -rss_limit_mb=2048 \
	-print_final_stats=1 -artifact_prefix="$art/" "${opts[@]}" "$work" \
	"${seeds[@]}" >"$log" 2>&1; echo "rc=$?" >"$log.rc"; } 2>&1 )
rc=$(sed -n 's/^rc=//p' "$log.rc")
rm -f "$log.rc"
cpu=$(echo "$cpu" | awk '{ printf "%.0f", $1 + $2 }')
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
[ -n "$execs" ] || execs=$(grep -ao 'Done [0-9]* runs' "$log" | tail -1 | awk '{print $2}')
if [ "$rc" -ne 0 ]; then
	echo "$name: FINDING after ${execs:-?} executions (exit $rc, CPU $cpu s), log $log"
	grep -aE 'invariant failed|ERROR|SUMMARY|Test unit written|should|does not' "$log" |
		head -20 | sed 's/^/    /'
	exit 1
fi
echo "$name: ${execs:-?} executions in $secs s (CPU $cpu s), no finding" \
	"(corpus $(find "$work" -type f | wc -l) inputs)"
