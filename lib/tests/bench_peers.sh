#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# `make bench`, after lib's own bench: the same 16 real AWS documents,
# each verified at its own time, by the third-party verifiers of the npm
# registry, side by side with libnsm-verify's cold rate of the same run.
#
#   bench_peers.sh TESTDATA LIBNSM_BENCH_OUTPUT
#
# The peers (pinned, installed into $BUILD/node-bench from the npm registry
# with the cache in .cache/npm): @0xsequence/tee-verifier,
# @evervault/wasm-attestation-bindings and @evervault/attestation-bindings
# (a prebuilt native binary). Two work-arounds, both for evervault's:
#  - they read the clock and take no verification time: each document is
#    verified in a node process started under libfaketime (Debian's
#    faketime) at the document's own time, its clock frozen there
#    (FAKETIME_DONT_FAKE_MONOTONIC keeps node's timers real);
#  - they trust only the AWS root, built in: only the real AWS documents
#    are measured, which it is the root of.
# The native package also binds a document to a TLS certificate after
# checking the chain and the COSE signature; it is given the document's
# leaf as that certificate, and a run counts only when every message it
# prints is about that binding (none about the chain or the signature).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
td=$1 ours=$2
build=${BUILD:-$top/build}
node_dir=$build/node-bench
secs=${PEER_SECONDS:-0.5}
peers=(tee-verifier evervault-wasm evervault-native)
pkgs=(@0xsequence/tee-verifier@0.1.2 @evervault/wasm-attestation-bindings@0.3.1
      @evervault/attestation-bindings@1.0.0)
libft=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1

if [ ! -d "$td/aws" ]; then
	echo "peers: skipped: no third-party test data (the real AWS documents)"
	exit 0
fi
for need in node npm; do
	command -v $need >/dev/null || { echo "peers: $need missing (scripts/deps.sh)"; exit 1; }
done
[ -f "$libft" ] || libft=$(find /usr/lib -name libfaketime.so.1 2>/dev/null | head -1)
[ -n "$libft" ] && [ -f "$libft" ] || { echo "peers: libfaketime missing (apt-get install faketime)"; exit 1; }
if [ ! -f "$node_dir/.installed" ] || [ "$(cat "$node_dir/.installed")" != "${pkgs[*]}" ]; then
	mkdir -p "$node_dir"
	npm install --prefix "$node_dir" --cache "$top/.cache/npm" --no-audit \
		--no-fund --silent "${pkgs[@]}" >"$node_dir/npm.log" 2>&1 ||
		{ echo "peers: npm install failed:"; sed 's/^/  /' "$node_dir/npm.log"; exit 1; }
	echo "${pkgs[*]}" >"$node_dir/.installed"
fi
echo "(c) peers: ${pkgs[*]}"

docs=("$td"/aws/*.cbor)
work=$(mktemp -d) && trap 'rm -rf "$work"' EXIT
node "$here/bench_peers.mjs" "$node_dir" info "${docs[@]}" >"$work/info" ||
	{ echo "peers: cannot read the documents"; exit 1; }

while IFS=$'\t' read -r doc ts leaf; do
	at=$(date -u -d "@$((ts / 1000))" '+%Y-%m-%d %H:%M:%S')
	for p in "${peers[@]}"; do
		LD_PRELOAD=$libft FAKETIME="@$at" FAKETIME_DONT_FAKE_MONOTONIC=1 \
			node "$here/bench_peers.mjs" "$node_dir" run "$p" "$doc" \
			"$leaf" "$secs" >>"$work/runs" 2>"$work/err"
		# the native package's messages: the binding only
		if [ "$p" = evervault-native ] &&
		   grep -v -e '^$' "$work/err" | grep -q -i -e 'signature' \
			-e 'trust chain' -e 'NSM as root' -e 'expired' -e 'not yet valid'; then
			sed -i '$ s/\tok$/\tFAIL chain or signature/' "$work/runs"
		fi
		# it says nothing when it refuses a document before the chain:
		# the verdict of the wasm build of the same crate tells
		if [ "$p" = evervault-native ] &&
		   tail -2 "$work/runs" | head -1 | grep -q $'^evervault-wasm\t.*\tFAIL'; then
			sed -i '$ s/\tok$/\tFAIL refused (the wasm build too)/' "$work/runs"
		fi
	done
done <"$work/info"
cp "$work/runs" "$build/lib/bench-peers.tsv" 2>/dev/null

cold=$(sed -n 's/.*libnsm, cold cache (every chain new): *\([0-9]*\) docs\/s.*/\1/p' "$ours")
echo "(c) the same $(wc -l <"$work/info") real AWS documents, at document time, by the npm verifiers"
echo "    (one process per document under libfaketime at its time; CPU time):"
awk -F'\t' -v cold="${cold:-0}" '
	# a peer'"'"'s rate: over the documents it verified, one each
	{ if ($5 == "ok") { per[$1] += $4 / $3; docs[$1]++ }
	  else { bad[$1]++; why[$1] = why[$1] " " $2 }
	  seen[$1] = 1 }
	END {
		best = 0
		for (p in seen) {
			rate = docs[p] ? docs[p] / per[p] : 0
			printf "    %-38s %8.0f docs/s%s\n", p ":", rate,
			       bad[p] ? sprintf("  (over the %d it accepts; refuses%s)", docs[p], why[p]) : ""
			if (rate > best) { best = rate; bestp = p }
		}
		if (cold > 0 && best > 0) {
			printf "    libnsm-verify, cold (every chain new): %8.0f docs/s (all 16)\n", cold
			for (p in seen)
				if (docs[p])
					printf "    libnsm-verify cold / %-17s %7.2fx\n", p ":", cold / (docs[p] / per[p])
			printf "    fastest peer: %s; target libnsm-verify cold >= 1.5x it: %s\n",
			       bestp, (cold >= 1.5 * best ? "met" : "NOT met")
		}
	}' "$work/runs"
exit 0
