#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# ctgrind check of the P-384 signer: run each ct_p384 binary given on the
# command line (one per compiler and word size) under valgrind's memcheck.
#   - "clean" mode must produce no memcheck report at all;
#   - each negative control must be reported, with the report kind it
#     plants (secret branch, secret index), proving the harness can fail;
#   - "kat" mode (not under valgrind) must give the known answers.
# The -m32 binaries (name ending in _m32) are static: memcheck reports a
# few branches inside the static glibc's own start-up and stdio, which are
# not ours. For them only reports whose innermost frame is in code of this
# repository (with a file:line; the static libc has no debug information)
# count, and the others are listed as ignored.
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

# reports LOG REGEX [ours]: memcheck reports of that kind; with "ours",
# only those whose innermost frame has a source file and line
reports() {
	if [ "${3:-}" = ours ]; then
		awk -v re="$2" 'BEGIN { RS = "" }
			match($0, "(" re ")[^\n]*\n[^\n]*at 0x[0-9A-Fa-f]+: [^\n]*\\.[ch]:[0-9]+\\)") { n++ }
			END { print n + 0 }' "$1"
	else
		grep -cE "$2" "$1"
	fi
}

echo "TAP version 13"
echo "1..$((4 * $#))"
for bin in "$@"; do
	name=$(basename "$bin")
	scope= note=
	case $name in *_m32) scope=ours ;; esac
	log="$log_dir/$name.clean.log"
	"${vg[@]}" "$bin" clean >"$log.out" 2>"$log"
	rc=$?
	leaks=$(reports "$log" "$branch_msg|$index_msg" $scope)
	good=0
	if [ -n "$scope" ]; then
		all=$(grep -cE "$branch_msg|$index_msg" "$log")
		note=", $((all - leaks)) in the static libc ignored"
		# rc 99 is the libc's reports; a crash or a wrong output is not
		{ [ "$rc" -eq 0 ] || [ "$rc" -eq 99 ]; } && [ "$leaks" -eq 0 ] &&
			! grep -q DIFFERS "$log.out" && good=1
	else
		[ "$rc" -eq 0 ] && [ "$leaks" -eq 0 ] && good=1
	fi
	report $good "ct $name: sign, pubkey, nonce, HMAC, k*G, inversions: no secret-dependent branch or index (valgrind rc=$rc, $leaks reports$note)"
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
		hits=$(reports "$log" "$msg" $scope)
		good=0
		[ "$rc" -eq 99 ] && [ "$hits" -gt 0 ] && good=1
		report $good "ct $name negative control: secret $ctl is flagged (\"$msg\" x$hits)"
	done

	log="$log_dir/$name.kat.log"
	"$bin" kat >"$log" 2>&1
	rc=$?
	good=0
	[ "$rc" -eq 0 ] && good=1
	report $good "ct $name: known answers (SHA-384 \"abc\", RFC 6979 P-384 signatures)"
	[ $good -eq 0 ] && sed 's/^/# /' "$log"
done
exit $fail
