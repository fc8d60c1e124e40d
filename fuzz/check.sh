#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The deep fuzzers in `make check` (tests/core's suite runs this): TAP
# lines, numbered from START + 1, no plan (the caller's plan counts them:
# `check.sh --count`).
#   1. every pki seed named accept-* is accepted by nsm_ca_provision() at
#      the pinned time, and then passes everything fuzz_pki checks of an
#      accepted chain (OpenSSL's view, a leaf, a document libnsm verifies);
#   2. every refuse-* seed is refused;
#   3..5. fuzz_pki, fuzz_x509, fuzz_attest, SECONDS each, no finding.
# A target that does not build is a failure, never a skip, except when
# clang is missing altogether.
#   usage: BUILD_CMD="make -C fuzz all" check.sh OUT SECONDS START
set -uo pipefail
if [ "${1:-}" = --count ]; then
	echo 5
	exit 0
fi
out=$1 secs=$2 n=$3
here=$(cd "$(dirname "$0")" && pwd)
rc=0

report() {	# OK DESCRIPTION [DETAIL]
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		[ -n "${3:-}" ] && echo "$3" | sed 's/^/# /' | tail -20
		rc=1
	fi
}

names=("fuzz_pki: every accept-* seed is accepted and usable"
       "fuzz_pki: every refuse-* seed is refused"
       "fuzz_pki (provisioning chain and key) for ${secs}s"
       "fuzz_x509 (DER and X.509 reader and writer) for ${secs}s"
       "fuzz_attest (documents verified by libnsm) for ${secs}s")
if ! command -v "${CLANG:-clang}" >/dev/null 2>&1; then
	for d in "${names[@]}"; do
		n=$((n + 1))
		echo "ok $n - $d # SKIP clang not installed"
	done
	exit 0
fi
if ! blog=$(eval "${BUILD_CMD:-false}" 2>&1); then
	for d in "${names[@]}"; do
		report 1 "$d: the fuzz targets do not build" "$blog"
	done
	exit 1
fi

seeds() {	# VERDICT GLOB
	local log=$out/check-$1.log
	NSM_FUZZ_EXPECT=$1 "$out/fuzz_pki" "$here"/corpus/pki/$2 >"$log" 2>&1
	echo $?
}
r=$(seeds accept 'accept-*')
report "$r" "${names[0]} ($(ls "$here"/corpus/pki/accept-* | wc -l) seeds)" \
	"$(grep -aE 'expected|invariant|does not|should|ERROR' "$out/check-accept.log")"
r=$(seeds refuse 'refuse-*')
report "$r" "${names[1]} ($(ls "$here"/corpus/pki/refuse-* | wc -l) seeds)" \
	"$(grep -aE 'expected|invariant|ERROR' "$out/check-refuse.log")"

i=2
for t in pki x509 attest; do
	len=4096
	[ $t = pki ] && len=8192
	if res=$("$here/run.sh" "$out/check" "fuzz_$t" "$out/fuzz_$t" "$secs" \
		-max_len=$len "$here/corpus/$t"); then
		report 0 "${names[$i]}: ${res#*: }"
	else
		report 1 "${names[$i]}" "$res"
	fi
	i=$((i + 1))
done
exit $rc
