#!/usr/bin/env bash
# Run every test suite of the project and print one closing line,
# "N passed, M failed", counting individual test cases.
#
# Each suite is `make -C DIR check` (or `make -C DIR TARGET` for an entry
# written DIR:TARGET), printing TAP/KTAP on stdout. Top-level
# "ok"/"not ok" lines are counted (indented KTAP subtests roll up into their
# parent). A suite that exits non-zero without reporting a failure counts as
# one failed test, so a crash can never pass unnoticed; so does a suite that
# reports no test at all.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

# tools:check-vm runs nsmctl (libnsm's AWS-compatible client) against the
# real module in the VM; selftests runs the conformance suites there;
# tests/vm:check-vm runs nsm-tui's device view and AWS's C API there.
# .:style-tap is `make style`: checkpatch.pl and sparse over kmod/;
# .:check-run is the README's first command, `make run`.
suites=${NSM_SUITES:-"tests/core tests/crypto tests/attest lib tools tui selftests tools:check-vm tests/vm:check-vm .:style-tap .:check-run"}
log_dir=${BUILD:-$top/build}/test-logs
mkdir -p "$log_dir"

total_pass=0
total_fail=0
failed_suites=()
for s in $suites; do
	dir=${s%%:*}
	target=check
	[ "$dir" = "$s" ] || target=${s#*:}
	if [ ! -f "$dir/Makefile" ]; then
		echo "not ok - suite $s: no $dir/Makefile"
		total_fail=$((total_fail + 1))
		failed_suites+=("$s")
		continue
	fi
	log="$log_dir/$(echo "$s" | tr /: __).log"
	echo "# suite $s"
	make -s --no-print-directory -C "$dir" "$target" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	pass=$(grep -cE '^ok ' "$log")
	fail=$(grep -cE '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
		echo "not ok - suite $s exited with status $rc"
		fail=1
	fi
	if [ "$pass" -eq 0 ] && [ "$fail" -eq 0 ]; then
		echo "not ok - suite $s ran no test"
		fail=1
	fi
	echo "# suite $s: $pass passed, $fail failed"
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	[ "$fail" -ne 0 ] && failed_suites+=("$s")
done

[ ${#failed_suites[@]} -ne 0 ] && echo "# failing suites: ${failed_suites[*]}"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
