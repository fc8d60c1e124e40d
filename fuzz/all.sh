#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make fuzz`: every libFuzzer target of the project, one after the other,
# each for SECONDS (Documentation/fuzzing.rst):
#   fuzz_core    the core's request decoder and nsm_handle()   (tests/core)
#   fuzz_pki     provisioning: nsm_ca_provision()              (fuzz/)
#   fuzz_x509    DER and X.509 reader and writer               (fuzz/)
#   fuzz_attest  documents of the core verified by libnsm      (fuzz/)
#   fuzz_verify  libnsm's document parser and verifier         (lib/)
#   fuzz_eif     libnsm's enclave image reader                 (lib/)
#   fuzz_kmsd    nsm-kmsd's request parser, operations, policy (kmsd/)
# One line per target - executions, wall and CPU seconds, finding or not -
# then a total; exit 1 when any target found something or did not run.
#   usage: all.sh SECONDS        FUZZ_TARGETS="fuzz_pki fuzz_x509" picks some
set -uo pipefail
secs=${1:-600}
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
out=$build/fuzz
targets=${FUZZ_TARGETS:-"fuzz_core fuzz_pki fuzz_x509 fuzz_attest fuzz_verify fuzz_eif fuzz_kmsd"}
mk=(make -s --no-print-directory)
mkdir -p "$out"
summary=$out/summary.txt
: >"$summary"

# lib's and kmsd's targets run through their own `make fuzz` (`fuzz-eif`)
make_target() {	# DIR NAME MAKE_TARGET
	local dir=$1 name=$2 target=$3 log=$out/$2.log rc cpu execs
	TIMEFORMAT='%U %S'
	cpu=$( { time "${mk[@]}" -C "$top/$dir" "$target" FUZZ_SECONDS="$secs" \
		>"$log" 2>&1; echo "rc=$?" >"$log.rc"; } 2>&1 )
	rc=$(sed -n 's/^rc=//p' "$log.rc")
	rm -f "$log.rc"
	cpu=$(echo "$cpu" | awk '{ printf "%.0f", $1 + $2 }')
	execs=$(grep -ao 'Done [0-9]* runs' "$log" | tail -1 | awk '{print $2}')
	if [ "$rc" -ne 0 ] || [ -z "$execs" ]; then
		echo "$name: FINDING or no run after ${execs:-?} executions (exit $rc, CPU $cpu s), log $log"
		grep -aE 'ERROR|SUMMARY|Test unit written|rror' "$log" | head -20 |
			sed 's/^/    /'
		return 1
	fi
	echo "$name: $execs executions in $secs s (CPU $cpu s), no finding"
}

one() {
	case $1 in
	fuzz_core)
		"${mk[@]}" -C "$top/tests/core" fuzz-build || return 1
		"$top/fuzz/run.sh" "$out" fuzz_core "$build/tests/core/fuzz_core" \
			"$secs" -max_len=4200 "$top/tests/core/corpus" ;;
	fuzz_pki | fuzz_x509 | fuzz_attest)
		"${mk[@]}" -C "$top/fuzz" all || return 1
		local seeds=${1#fuzz_} len=4096
		[ "$1" = fuzz_pki ] && len=8192
		"$top/fuzz/run.sh" "$out" "$1" "$out/$1" "$secs" \
			-max_len=$len "$top/fuzz/corpus/$seeds" ;;
	fuzz_verify)
		make_target lib fuzz_verify fuzz ;;
	fuzz_eif)
		make_target lib fuzz_eif fuzz-eif ;;
	fuzz_kmsd)
		make_target kmsd fuzz_kmsd fuzz ;;
	*)
		echo "$1: no such fuzz target" >&2
		return 1 ;;
	esac
}

bad=()
for t in $targets; do
	line=$(one "$t" 2>&1)
	rc=$?
	echo "$line"
	echo "$line" | head -1 >>"$summary"
	[ $rc -eq 0 ] || bad+=("$t")
done
awk -v d="$(date -u +%Y-%m-%d)" '
	/ executions in / { n += $2; c += $8; t++ }
	END { printf "make fuzz (%s): %d targets, %d executions, %d CPU seconds\n", d, t, n, c }' \
	"$summary"
if [ ${#bad[@]} -ne 0 ]; then
	echo "make fuzz: FINDINGS (or build failures) in: ${bad[*]}"
	exit 1
fi
echo "make fuzz: no finding"
