#!/usr/bin/env bash
# Run every test suite of the project and print one closing line,
# "N passed, M failed, K skipped", counting individual test cases.
#
# Each suite is `make -C DIR check` (or `make -C DIR TARGET` for an entry
# written DIR:TARGET), printing TAP/KTAP on stdout, counted by
# scripts/tap-count.awk: top-level "ok"/"not ok" lines (indented KTAP
# subtests roll up into their parent), "# SKIP" as skipped, not passed;
# "not ok # TODO" as skipped with its reason (it did not pass). A suite
# also fails, with one more failed test, when:
#   - a TAP document's plan and the number of tests it ran differ, or it
#     has tests but no plan (a program that died half-way);
#   - it exits non-zero without reporting a failure (a crash);
#   - it reports no test at all;
#   - it skips anything and is a required suite (NSM_STRICT_SUITES).
# Every skip is listed with its reason at the end.
#
# Environment:
#   NSM_SUITES         the suites to run (default: all, in the order below)
#   NSM_STRICT_SUITES  suites in which a skip is a failure: the VM suites,
#                      which run against the real module and so have
#                      nothing legitimate to skip but the third-party
#                      data's ("all": every suite)
#   NSM_TESTDATA       the third-party test data (default ../shared/testdata;
#                      without it those tests are skipped, see README.md)
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

# tools:check-vm runs nsmctl (libnsm's AWS-compatible client) against the
# real module in the VM; selftests runs the conformance suites there;
# tests/vm:check-vm runs nsm-tui's device view and AWS's C API there.
# selftests:check-ktree builds the same suite as kselftests of Debian's
# linux-source-6.12 tree and runs it with the tree's run_kselftest.sh there.
# .:check-debug is `make check-debug`: the module on a debug kernel built
# here (KASAN, lockdep, kmemleak, UBSAN, fault injection; the kernel is
# cached outside the clone, see Documentation/selftests.rst).
# .:style-tap is `make style`: checkpatch.pl and sparse over kmod/;
# .:check-run is the README's first command, `make run`.
# scripts/tests checks this script's own counting on synthetic suites.
# kmsd is nsm-kmsd and nsmctl kms under real KMS clients; kmsd:check-vm
# the KMS flow against the real module on both kernels.
# tests/deb builds the Debian packages (`make deb`, cached by content),
# lints, unpacks and uses them, DKMS-builds their module for both kernels;
# tools/nsm-vm runs C, Python and Node programs through nsm-vm;
# tests/recipes runs the CI and container recipes (Documentation/ci.rst).
suites=${NSM_SUITES:-"scripts/tests tests/core tests/crypto tests/attest lib tools tui selftests selftests:check-ktree tools:check-vm tests/vm:check-vm .:check-debug .:style-tap .:check-run kmsd kmsd:check-vm tests/deb tools/nsm-vm tests/recipes"}
strict=${NSM_STRICT_SUITES-"selftests selftests:check-ktree tools:check-vm tests/vm:check-vm .:check-debug kmsd:check-vm tests/deb tools/nsm-vm"}
log_dir=${BUILD:-$top/build}/test-logs
mkdir -p "$log_dir"
skips=$log_dir/skips.tsv
: >"$skips"

is_strict() {
	[ "$strict" = all ] && return 0
	case " $strict " in *" $1 "*) return 0 ;; esac
	return 1
}

total_pass=0
total_fail=0
total_skip=0
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
	t0=$SECONDS
	make -s --no-print-directory -C "$dir" "$target" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	pass=0 fail=0 skip=0
	while IFS=$'\t' read -r kind a b c; do
		case $kind in
		C) pass=$a fail=$b skip=$c ;;
		E) echo "not ok - suite $s: $a" ;;
		N) echo "# suite $s: $a" ;;
		S) printf '%s\t%s\t%s\n' "$s" "$a" "$b" >>"$skips" ;;
		esac
	done < <(awk -v strict="$(is_strict "$s" && echo 1 || echo 0)" \
		     -f "$top/scripts/tap-count.awk" "$log")
	if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
		echo "not ok - suite $s exited with status $rc"
		fail=1
	fi
	if [ "$pass" -eq 0 ] && [ "$fail" -eq 0 ] && [ "$skip" -eq 0 ]; then
		echo "not ok - suite $s ran no test"
		fail=1
	fi
	echo "# suite $s: $pass passed, $fail failed, $skip skipped in $((SECONDS - t0)) s"
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	total_skip=$((total_skip + skip))
	[ "$fail" -ne 0 ] && failed_suites+=("$s")
done

if [ -s "$skips" ]; then
	echo "# skipped, by reason (count: reason [suites]):"
	awk -F'\t' '{ n[$3]++; if (index(" " s[$3] " ", " " $1 " ") == 0) s[$3] = s[$3] (s[$3] == "" ? "" : " ") $1 }
		END { for (r in n) printf "#   %5d: %s [%s]\n", n[r], r, s[r] }' "$skips" |
		sort -t: -k1,1nr
	echo "# every skipped test: $skips"
fi
[ ${#failed_suites[@]} -ne 0 ] && echo "# failing suites: ${failed_suites[*]}"
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
