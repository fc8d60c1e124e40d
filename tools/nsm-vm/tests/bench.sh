#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# nsm-vm's startup overhead: the wall time of `nsm-vm run -- true` with
# kernel, module and initramfs cached (one warm-up run first), BENCH_RUNS
# times per kernel (default 5), and of its parts: what the guest's uptime
# says when the command starts, and how long the command (`true`, via the
# host's sh and env over 9p) took. Documentation/nsm-vm.rst has the numbers.
#
#   bench.sh [SERIES...]     (default: 6.1 6.12)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
nsm_vm=${NSM_VM:-$here/../nsm-vm}
runs=${BENCH_RUNS:-5}
series=("$@")
[ ${#series[@]} -gt 0 ] || series=(6.1 6.12)

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
echo "nsm-vm startup overhead: $runs runs of 'nsm-vm run -- true' per kernel, cached; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-24s %-5s %10s %10s %14s %12s\n' kernel accel "median s" "min s" "guest ready s" "command s"
for s in "${series[@]}"; do
	"$nsm_vm" run --kernel "$s" -- true
	: >"$tmp/total" && : >"$tmp/ready" && : >"$tmp/cmd"
	for _ in $(seq "$runs"); do
		t0=$(date +%s.%N)
		"$nsm_vm" run -v --kernel "$s" -- true 2>"$tmp/log"
		awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }' >>"$tmp/total"
		sed -n 's/.*command started at \([0-9.]*\) s of uptime, ended at \([0-9.]*\) s/\1 \2/p' "$tmp/log" |
			awk -v r="$tmp/ready" -v c="$tmp/cmd" '{ print $1 >> r; print $2 - $1 >> c }'
	done
	rel=$(sed -n 's/^nsm-vm: kernel \([0-9][^ ]*\) .*/\1/p' "$tmp/log")
	accel=$(sed -n 's/^nsm-vm: accelerator \([a-z]*\) .*/\1/p' "$tmp/log")
	printf '%-24s %-5s %10.1f %10.1f %14.1f %12.2f\n' "$rel" "$accel" \
		"$(median <"$tmp/total")" "$(sort -n "$tmp/total" | head -n1)" \
		"$(median <"$tmp/ready")" "$(median <"$tmp/cmd")"
done
