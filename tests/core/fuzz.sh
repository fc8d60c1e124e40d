#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Run the core's libFuzzer target for SECONDS seconds and print one summary
# line: "fuzz: N executions in S s, no finding" (exit 0) or the finding
# (exit 1). The seed corpus (tests/core/corpus) is read, never written:
# new inputs and crash artifacts go under OUT.
#   usage: fuzz.sh OUT SECONDS
set -uo pipefail
out=$1
secs=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$out/fuzz-corpus
art=$out/fuzz-artifacts
log=$out/fuzz.log
mkdir -p "$work" "$art"

"$out/fuzz_core" -max_total_time="$secs" -max_len=4200 -timeout=10 \
	-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$art/" \
	"$work" "$here/corpus" >"$log" 2>&1
rc=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
if [ "$rc" -ne 0 ]; then
	echo "fuzz: FINDING after ${execs:-?} executions (exit $rc), log $log"
	grep -aE 'ERROR|SUMMARY|invariant|Test unit written' "$log" | head -20
	echo
	exit 1
fi
echo "fuzz: ${execs:-?} executions in $secs s, no finding" \
	"(corpus $(ls "$work" | wc -l) inputs)"
