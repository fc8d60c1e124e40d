#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# ctgrind check of the P-384 signer: run each ct_p384 binary given on the
# command line (one per compiler) under valgrind's memcheck.
#   - "clean" mode must produce no memcheck report at all;
#   - each negative control must be reported, with the report kind it
#     plants (secret branch, secret index), proving the harness can fail.
# TAP on stdout; exit status 1 if anything failed.
set -uo pipefail

log_dir=${CT_LOG_DIR:-${TMPDIR:-/tmp}}
mkdir -p "$log_dir"
vg=(valgrind -q --error-exitcode=99 --num-callers=8)
branch_msg='Conditional jump or move depends on uninitialised value'
index_msg='Use of uninitialised value of size'

# scripts/deps.sh installs valgrind: without it this check is a failure,
# never a silent skip.
if ! command -v valgrind >/dev/null; then
	echo "TAP version 13"
	echo "1..1"
	echo "not ok 1 - ct: valgrind installed (scripts/deps.sh installs it)"
	exit 1
fi

n=0
fail=0
report() {	# report OK DESCRIPTION
	n=$((n + 1))
	if [ "$1" -eq 1 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fail=1
	fi
}

echo "TAP version 13"
echo "1..$((3 * $#))"
for bin in "$@"; do
	name=$(basename "$bin")
	log="$log_dir/$name.clean.log"
	"${vg[@]}" "$bin" clean >"$log.out" 2>"$log"
	rc=$?
	leaks=$(grep -cE "$branch_msg|$index_msg" "$log")
	good=0
	[ "$rc" -eq 0 ] && [ "$leaks" -eq 0 ] && good=1
	report $good "ct $name: sign, pubkey, nonce, HMAC, k*G, inversions: no secret-dependent branch or index (valgrind rc=$rc, $leaks reports)"
	if [ $good -eq 0 ]; then
		sed 's/^/# /' "$log" | head -40
		grep 'DIFFERS' "$log.out" | sed 's/^/# /'
	fi

	for ctl in branch index; do
		log="$log_dir/$name.control-$ctl.log"
		"${vg[@]}" "$bin" "control-$ctl" >/dev/null 2>"$log"
		rc=$?
		msg=$branch_msg
		[ $ctl = index ] && msg=$index_msg
		hits=$(grep -c "$msg" "$log")
		good=0
		[ "$rc" -eq 99 ] && [ "$hits" -gt 0 ] && good=1
		report $good "ct $name negative control: secret $ctl is flagged (\"$msg\" x$hits)"
	done
done
exit $fail
