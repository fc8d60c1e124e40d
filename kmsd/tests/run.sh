#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# nsm-kmsd's tests, run by `make -C kmsd check`; each part prints its own
# TAP document:
#   unit        test_unit, plain and ASan/UBSan (CMS shape, blobs, policies)
#   daemon      t-daemon.sh: the ASan/UBSan daemon under AWS's JavaScript
#               SDK (t-sdk.js), Debian's awscli, openssl cms, SigV4, bad
#               requests, slow clients, restarts, a crash, leaks
#   nsmctl      t-nsmctl.sh: nsmctl kms's errors, its call path with the fake
#               device, libcurl's SigV4 (the working path is the VM's)
#   load        load.js: 10,000 requests from 8 concurrent clients against
#               the optimised daemon, no error, no key lost across a restart
#   fuzz        a bounded libFuzzer run over the request layer and policies
# Environment (set by the Makefile): TOP OUT KMSD KMSD_SAN UNIT MKDOC FUZZ
# NSMCTL NSMCTL_FAKE NSMCTL_FAKE_ASAN
# CHECK_FUZZ_SECONDS.
set -u
here=$(cd "$(dirname "$0")" && pwd)
rc=0
"$UNIT" || rc=1
"$UNIT-san" || rc=1
bash "$here/t-daemon.sh" || rc=1
bash "$here/t-load.sh" || rc=1
bash "$here/t-nsmctl.sh" || rc=1

echo "TAP version 13"
echo "1..3"
if grep -q '^\.TH' "$OUT/man/nsm-kmsd.8" 2>/dev/null; then
	echo "ok 1 - man page nsm-kmsd(8) built"
else
	echo "not ok 1 - man page nsm-kmsd(8) built"; rc=1
fi
if ! command -v groff >/dev/null; then
	echo "ok 2 - man page nsm-kmsd(8) renders cleanly # SKIP groff not installed"
elif [ -z "$(MANWIDTH=80 groff -man -Tutf8 -ww -z "$OUT/man/nsm-kmsd.8" 2>&1)" ]; then
	echo "ok 2 - man page nsm-kmsd(8) renders cleanly"
else
	echo "not ok 2 - man page nsm-kmsd(8) renders cleanly"; rc=1
fi
mkdir -p "$OUT/fuzz/corpus"
if "$FUZZ" -max_total_time="$CHECK_FUZZ_SECONDS" -max_len=8192 -timeout=10 \
	-rss_limit_mb=2048 -artifact_prefix="$OUT/fuzz/" "$OUT/fuzz/corpus" \
	"$here/fuzz-seeds" >"$OUT/fuzz/check.log" 2>&1; then
	echo "ok 3 - fuzz_kmsd ran ${CHECK_FUZZ_SECONDS}s without a finding ($(grep -o 'Done [0-9]* runs' "$OUT/fuzz/check.log"))"
else
	echo "not ok 3 - fuzz_kmsd found a crash, see $OUT/fuzz/check.log"
	tail -30 "$OUT/fuzz/check.log" | sed 's/^/# /'
	rc=1
fi
exit $rc
