#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# One TAP stream for `make check`: the unit tests, the same tests under
# ASan/UBSan, a bounded run of the request decoder's fuzzer counted as one
# test, then the core's deeper fuzzers (fuzz/check.sh: provisioning,
# DER/X.509, documents verified by libnsm).
#   usage: FUZZ_BUILD="make ... fuzz-build" DEEP_BUILD="make -C fuzz all" \
#          check.sh OUT FUZZ_SECONDS DEEP_OUT DEEP_SECONDS
set -uo pipefail
out=$1
secs=$2
deep_out=$3
deep_secs=$4
here=$(cd "$(dirname "$0")" && pwd)
deep=$here/../../fuzz/check.sh

n=$("$out/test_core" --count) || exit 1
echo "TAP version 13"
echo "1..$((2 * n + 1 + $("$deep" --count)))"
rc=0
"$out/test_core" --no-plan || rc=1
"$out/test_core_san" --no-plan --offset "$n" --suffix " [asan,ubsan]" || rc=1

t=$((2 * n + 1))
if ! command -v "${CLANG:-clang}" >/dev/null 2>&1; then
	echo "ok $t - fuzz request decoder # SKIP clang not installed"
elif ! blog=$(eval "${FUZZ_BUILD:-false}" 2>&1); then
	echo "not ok $t - fuzz request decoder: fuzz target does not build"
	echo "$blog" | sed 's/^/# /' | tail -20
	rc=1
elif res=$("$here/fuzz.sh" "$out" "$secs"); then
	echo "ok $t - fuzz request decoder for ${secs}s (${res#fuzz: })"
else
	echo "not ok $t - fuzz request decoder for ${secs}s"
	echo "$res" | sed 's/^/# /'
	rc=1
fi
mkdir -p "$deep_out/check"
BUILD_CMD=${DEEP_BUILD:-false} "$deep" "$deep_out" "$deep_secs" "$t" || rc=1
exit $rc
