# SPDX-License-Identifier: GPL-2.0
# TAP helpers for the nsmctl tests, sourced by run.sh.
#
#   run CMD...            run CMD, keep stdout in $T/out, stderr in $T/err,
#                         exit status in $rc
#   expect NAME RC CMD... run CMD and pass when it exits with RC, did not
#                         crash and left no sanitizer report
#   check NAME COND...    pass when the shell command COND succeeds
#   json_ok NAME PY       pass when $T/out is JSON and the Python
#                         expression PY (over `d`) is true
#   td_begin ... td_end   the tests between need the third-party test data
#                         ($TD): without it each is printed as skipped, by
#                         name, and its command is not run

n=0
failed=0

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}

not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	shift
	for line in "$@"; do
		printf '%s\n' "$line" | sed 's/^/# /'
	done
}

td_mode=0
td_begin() { td_mode=1; }
td_end() { td_mode=0; }
# true (after printing the skip) when this test needs data that is absent
td_skipped() {
	[ "$td_mode" = 1 ] && [ -z "$TD" ] || return 1
	skip "$1" "$TD_SKIP"
}

run() {
	if [ "$td_mode" = 1 ] && [ -z "$TD" ]; then
		: >"$T/out"; : >"$T/err"; rc=0
		return
	fi
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
}

# A crash or a sanitizer report is never acceptable, whatever the status.
sane() {
	[ "$rc" -lt 128 ] &&
		! grep -qE 'AddressSanitizer|runtime error:|LeakSanitizer' "$T/err"
}

expect() {
	local name=$1 want=$2
	shift 2
	td_skipped "$name" && return
	run "$@"
	if [ "$rc" = "$want" ] && sane; then
		ok "$name"
	else
		not_ok "$name" "command: $*" "exit status $rc, wanted $want" \
			"$(head -c 1500 "$T/err")"
	fi
}

check() {
	local name=$1
	shift
	td_skipped "$name" && return
	if eval "$@"; then
		ok "$name"
	else
		not_ok "$name" "failed: $*" "last stderr: $(head -c 600 "$T/err")"
	fi
}

json_ok() {
	local name=$1 expr=$2
	td_skipped "$name" && return
	if python3 - "$T/out" "$expr" <<'PY' 2>"$T/pyerr"
import json, sys
with open(sys.argv[1]) as f:
    d = json.load(f)
ok = eval("(" + sys.argv[2] + ")", {"d": d})
sys.exit(0 if ok else 1)
PY
	then
		ok "$name"
	else
		not_ok "$name" "JSON check failed: $expr" "$(head -c 800 "$T/pyerr")" \
			"$(head -c 600 "$T/out")"
	fi
}

skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}
