#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# One TAP stream for `make check`: the unit tests, the same tests under
# ASan/UBSan, and a bounded fuzzer run counted as one test.
#   usage: FUZZ_BUILD="make ... fuzz-build" check.sh OUT FUZZ_SECONDS
set -uo pipefail
out=$1
secs=$2
here=$(cd "$(dirname "$0")" && pwd)

n=$("$out/test_core" --count) || exit 1
echo "TAP version 13"
echo "1..$((2 * n + 1))"
rc=0
"$out/test_core" --no-plan || rc=1
"$out/test_core_san" --no-plan --offset "$n" --suffix " [asan,ubsan]" || rc=1

t=$((2 * n + 1))
if ! command -v "${CLANG:-clang}" >/dev/null 2>&1; then
	echo "ok $t - fuzz request decoder # SKIP clang not installed"
	exit $rc
fi
if ! blog=$(eval "${FUZZ_BUILD:-false}" 2>&1); then
	echo "not ok $t - fuzz request decoder: fuzz target does not build"
	echo "$blog" | sed 's/^/# /' | tail -20
	exit 1
fi
if res=$("$here/fuzz.sh" "$out" "$secs"); then
	echo "ok $t - fuzz request decoder for ${secs}s (${res#fuzz: })"
else
	echo "not ok $t - fuzz request decoder for ${secs}s"
	echo "$res" | sed 's/^/# /'
	rc=1
fi
exit $rc
