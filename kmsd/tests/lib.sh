# SPDX-License-Identifier: GPL-2.0
# Helpers of the nsm-kmsd test scripts: TAP, starting and stopping daemons.

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
	shift
	for f in "$@"; do [ -f "$f" ] && tail -20 "$f" | sed 's/^/# /'; done
}
# check NAME CMD...: pass when CMD succeeds
check() {
	local name=$1; shift
	if "$@" >"$T/last.out" 2>"$T/last.err"; then ok "$name"
	else not_ok "$name" "$T/last.out" "$T/last.err"; fi
}
finish() {
	echo "1..$n"
	[ "$failed" -eq 0 ]
}

# Daemons a test left running (it failed, or the script was stopped) are
# ended when the script exits: this shell's own unreaped background jobs,
# by pid, never by name.
trap 'for p in $(jobs -p); do kill -KILL "$p" 2>/dev/null; done' EXIT

# start_kmsd NAME BINARY ARGS...: start a daemon on a free port; sets
# PORT_<NAME>, PID_<NAME>; its log is $T/NAME.log
start_kmsd() {
	local name=$1 bin=$2 i
	shift 2
	rm -f "$T/$name.port"
	"$bin" --port 0 --port-file "$T/$name.port" "$@" >>"$T/$name.log" 2>&1 &
	eval "PID_$name=$!"
	for i in $(seq 100); do
		[ -s "$T/$name.port" ] && break
		sleep 0.1
	done
	eval "PORT_$name=$(cat "$T/$name.port" 2>/dev/null || echo 0)"
	[ -s "$T/$name.port" ]
}

# stop_kmsd NAME: SIGTERM, wait; the exit status (0 unless a leak or crash)
stop_kmsd() {
	local pid
	eval "pid=\$PID_$1"
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
}

# kms PORT TARGET BODY: POST a request with curl; status in $T/status,
# body in $T/body
kms() {
	curl -s -o "$T/body" -w '%{http_code}' -X POST \
		-H 'Content-Type: application/x-amz-json-1.1' \
		-H "X-Amz-Target: TrentService.$2" --data-binary "$3" \
		"http://127.0.0.1:$1/" >"$T/status"
}
