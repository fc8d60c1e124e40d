#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# 10,000 requests from 8 concurrent clients against the optimised daemon
# (load.js), then a restart: no error, no lost key. Prints the rate.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
T=$OUT/test-load
rm -rf "$T" && mkdir -p "$T"
echo "TAP version 13"
check "nsm-kmsd starts" start_kmsd load "$KMSD" --state "$T/state" --no-local-root -q
node "$here/load.js" run "http://127.0.0.1:$PORT_load" "$T/load.json" \
	"${KMSD_LOAD_REQUESTS:-10000}" "${KMSD_LOAD_CLIENTS:-8}" >"$T/run.tap" 2>&1
rc=$?
cat "$T/run.tap"
[ $rc -eq 0 ] && ok "load.js ran to the end" || not_ok "load.js ran to the end (exit $rc)"
check "nsm-kmsd stops" stop_kmsd load
check "nsm-kmsd restarts on that state" start_kmsd load "$KMSD" --state "$T/state" --no-local-root -q
node "$here/load.js" verify "http://127.0.0.1:$PORT_load" "$T/load.json" >"$T/verify.tap" 2>&1
rc=$?
cat "$T/verify.tap"
[ $rc -eq 0 ] && ok "nothing lost across the restart" || not_ok "nothing lost across the restart"
check "nsm-kmsd stops again" stop_kmsd load
finish
