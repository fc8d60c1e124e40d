#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Verify on the host the attestation documents a VM's nsm_attest_test
# exported, with verifiers that are not ours: the openssl command line
# (tests/attest/verify-doc.sh) and @0xsequence/tee-verifier under Node
# (tests/attest/verify-node.js).
#
#   verify-docs.sh [--records] OUT [PKI]
#
# OUT  the guest's /out as the VM runner brought it back: attest/<root
#      id>/root.pem (the root the device exported) and <name>.cose files
# PKI  the host-made test PKI the guest provisioned (test-pki.sh); a set
#      whose root is that PKI's root is verified against PKI/root.pem, the
#      file the host made, and at least one such set must exist
#
# Every document must verify with both at its own time; a document named
# *.bad-time.cose (a clock offset put its timestamp outside the leaf's
# validity) must be rejected at its time and accepted at the current time.
# tee-verifier decodes untagged documents only, so tagged ones get the
# openssl check alone. The 64 thread-NN documents give one result line.
#
# Output: TAP, or with --records the records of selftests/vm/run.sh
# ("R<TAB>ok|not ok<TAB>name<TAB>directive", "D<TAB>diagnostic").
# Exit status 1 if anything failed. Environment: VERIFY_JOBS (parallel
# verifications, default 2), NSM_NODE_DIR (default build/node).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
records=0
if [ "${1:-}" = --records ]; then
	records=1
	shift
fi
out=${1:?usage: verify-docs.sh [--records] OUT [PKI]}
pki=${2:-}
export NSM_NODE_DIR=${NSM_NODE_DIR:-$top/build/node}
TEE_VERIFIER=@0xsequence/tee-verifier@0.1.2
jobs=${VERIFY_JOBS:-2}

n=0 failed=0
[ $records = 1 ] || echo "TAP version 13"
result() { # STATUS NAME [DIRECTIVE]
	n=$((n + 1))
	[ "$1" = ok ] || failed=1
	if [ $records = 1 ]; then
		printf 'R\t%s\t%s\t%s\n' "$1" "$2" "${3:-}"
	else
		echo "$1 $n - $2${3:+ # $3}"
	fi
}
diag() {
	local line
	while IFS= read -r line; do
		if [ $records = 1 ]; then printf 'D\t%s\n' "$line"
		else echo "# $line"; fi
	done
}
finish() {
	[ $records = 1 ] || echo "1..$n"
	exit $failed
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The third-party verifier, pinned, as tests/attest/verifiers.sh installs it.
node_ok=0
if [ ! -f "$NSM_NODE_DIR/node_modules/@0xsequence/tee-verifier/package.json" ]; then
	mkdir -p "$NSM_NODE_DIR"
	npm install --prefix "$NSM_NODE_DIR" --cache "$top/.cache/npm" \
		--no-audit --no-fund --silent "$TEE_VERIFIER" >"$work/npm.log" 2>&1 ||
		diag <"$work/npm.log"
fi
if grep -q '"version": "0.1.2"' \
	"$NSM_NODE_DIR/node_modules/@0xsequence/tee-verifier/package.json" 2>/dev/null; then
	node_ok=1
	result ok "attest_host: $TEE_VERIFIER installed"
else
	result "not ok" "attest_host: $TEE_VERIFIER installed"
fi

der() { openssl x509 -in "$1" -outform DER 2>/dev/null | sha256sum | cut -d' ' -f1; }

sets=()
for s in "$out"/attest/*/; do
	[ -f "$s/root.pem" ] && sets+=("${s%/}")
done
ndocs=$(find "$out/attest" -name '*.cose' 2>/dev/null | wc -l)
if [ "${#sets[@]}" -eq 0 ] || [ "$ndocs" -eq 0 ]; then
	result "not ok" "attest_host: documents exported by the guest" "none in $out/attest"
	finish
fi
result ok "attest_host: documents exported by the guest" "$ndocs in ${#sets[@]} sets"

# One job per document and root: "<doc>\t<root>" lines.
host_root=
[ -n "$pki" ] && [ -f "$pki/root.pem" ] && host_root=$(der "$pki/root.pem")
provisioned=0
for s in "${sets[@]}"; do
	root=$s/root.pem
	if [ -n "$host_root" ] && [ "$(der "$root")" = "$host_root" ]; then
		root=$pki/root.pem	# the file the host made, not the device's copy
		provisioned=$((provisioned + 1))
	fi
	for d in "$s"/*.cose; do
		[ -f "$d" ] && printf '%s\t%s\n' "$d" "$root"
	done
done >"$work/jobs.unsorted"
LC_ALL=C sort "$work/jobs.unsorted" >"$work/jobs"

# verify_one DOC ROOT: one line "<doc>\t<ok|fail>\t<what>\t<log>" (the
# openssl command line; tee-verifier runs once for all, below).
verify_one() {
	local doc=$1 root=$2 log=$work/$(basename "$(dirname "$1")")-$(basename "$1").log
	local vd="$top/tests/attest/verify-doc.sh"
	local bad=0 res=ok what="openssl CLI" rc
	case $doc in *.bad-time.cose) bad=1 ;; esac
	: >"$log"
	check() { # EXPECTED-RC CMD...: compare the exit status
		local want=$1; shift
		"$@" >>"$log" 2>&1
		rc=$?
		if [ $rc -ne "$want" ]; then
			echo "  ${*##*/}: exit $rc, expected $want" >>"$log"
			res=fail
		fi
	}
	if [ $bad = 1 ]; then
		check 1 bash "$vd" "$doc" "$root"
		check 0 bash "$vd" --attime now "$doc" "$root"
	else
		check 0 bash "$vd" "$doc" "$root"
	fi
	printf '%s\t%s\t%s\t%s\n' "$doc" "$res" "$what" "$log"
}
export -f verify_one
export top work

t0=$(date +%s)
tr '\n' '\0' <"$work/jobs" |
	xargs -0 -P "$jobs" -n1 bash -c 'IFS=$'"'"'\t'"'"' read -r d r <<<"$1"; verify_one "$d" "$r"' _ \
	>"$work/results.openssl"

# tee-verifier, one node process for every untagged document (it decodes
# untagged COSE_Sign1 only): "ATTIME<TAB>DOC<TAB>ROOT" lines in, "RC<TAB>
# DOC<TAB>ATTIME<TAB>messages" out. A *.bad-time document must be
# rejected (1) at its own time and valid (0) now; any other valid (0).
if [ $node_ok = 1 ]; then
	while IFS=$'\t' read -r d r; do
		[ "$(head -c1 "$d" | od -An -tx1 | tr -d ' ')" = d2 ] && continue
		printf 'doc\t%s\t%s\n' "$d" "$r"
		case $d in *.bad-time.cose) printf 'now\t%s\t%s\n' "$d" "$r" ;; esac
	done <"$work/jobs" >"$work/node.in"
	node "$top/tests/attest/verify-node.js" --batch <"$work/node.in" \
		>"$work/node.out" 2>"$work/node.err" || diag <"$work/node.err"
	# Each input line must have its answer.
	[ "$(wc -l <"$work/node.out")" -eq "$(wc -l <"$work/node.in")" ] ||
		echo "tee-verifier answered $(wc -l <"$work/node.out") of $(wc -l <"$work/node.in") documents" | diag
fi
# Merge: "<doc>\t<ok|fail>\t<what>\t<log>", tee-verifier's verdicts added.
awk -F'\t' -v OFS='\t' -v node="$node_ok" -v nin="$work/node.in" -v nout="$work/node.out" '
	BEGIN {
		if (node) {
			while ((getline l < nin) > 0) {
				split(l, f, "\t"); asked[f[2]]++
			}
			while ((getline l < nout) > 0) {
				split(l, f, "\t")
				want = (f[3] == "doc" && f[2] ~ /\.bad-time\.cose$/) ? 1 : 0
				answered[f[2]]++
				if (f[1] != want)
					wrong[f[2]] = wrong[f[2]] "  tee-verifier at " f[3] ": exit " f[1] \
						", expected " want ": " f[4] "\n"
			}
		}
	}
	{
		doc = $1; res = $2; what = $3; lf = $4
		if (doc in asked) {
			what = what " + tee-verifier"
			if (answered[doc] != asked[doc])
				wrong[doc] = wrong[doc] "  tee-verifier: no answer\n"
			if (doc in wrong) {
				res = "fail"
				printf "%s", wrong[doc] >> lf
				close(lf)
			}
		}
		if (doc ~ /\.bad-time\.cose$/)
			what = what ", rejected at document time, valid now"
		print doc, res, what, lf
	}' "$work/results.openssl" >"$work/results"
t1=$(date +%s)

# Result lines: the thread documents together, every other one alone.
thread_total=0 thread_bad=0
while IFS=$'\t' read -r doc res what log; do
	set_id=$(basename "$(dirname "$doc")")
	name=$(basename "$doc" .cose)
	case $name in
	thread-*)
		thread_total=$((thread_total + 1))
		if [ "$res" != ok ]; then
			thread_bad=$((thread_bad + 1))
			echo "$set_id/$name:" | diag
			diag <"$log"
		fi
		;;
	*)
		if [ "$res" = ok ]; then
			result ok "attest_host_verify $set_id/$name ($what)"
		else
			result "not ok" "attest_host_verify $set_id/$name ($what)"
			diag <"$log"
		fi
		;;
	esac
done < <(LC_ALL=C sort "$work/results")

if [ "$thread_total" -eq 64 ] && [ "$thread_bad" -eq 0 ]; then
	result ok "attest_host_verify 64 documents of 64 concurrent threads"
else
	result "not ok" "attest_host_verify 64 documents of 64 concurrent threads" \
		"$thread_bad of $thread_total invalid"
fi
if [ -n "$pki" ]; then
	if [ "$provisioned" -ge 1 ]; then
		result ok "attest_host: provisioned documents chain to the host's test root ($pki/root.pem)"
	else
		result "not ok" "attest_host: provisioned documents chain to the host's test root ($pki/root.pem)" \
			"no document set under that root"
	fi
fi
echo "verified $(wc -l <"$work/results") documents in $((t1 - t0)) s ($jobs jobs)" | diag
finish
