#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Smoke test of nsm-tui on a real terminal: tmux runs it at 100x30 with
# TERM=xterm-256color; keys are sent, the pane is captured and checked,
# the window is resized, and q must end the program with status 0. Then
# the same under NO_COLOR, and a growing capture directory rescanned by R.
# A private tmux socket keeps the test away from the user's sessions.
#
# usage: tmux_smoke.sh NSM-TUI DIR [FIRST SECOND]
# FIRST and SECOND: two documents of DIR, FIRST first in its list
# (default: base_hinted_2026.cbor and signal_svr2_valid_bytes.cbor, for
# the real documents of the test data)
set -uo pipefail
bin=$1
dir=$2
first=${3:-base_hinted_2026.cbor}
second=${4:-signal_svr2_valid_bytes.cbor}
sock=nsm-tui-smoke-$$
tmp=$(mktemp -d)
trap 'tmux -L "$sock" kill-server 2>/dev/null; rm -rf "$tmp"' EXIT

if ! command -v tmux >/dev/null; then
	echo "# tmux not installed"
	exit 1
fi

fail() {
	echo "# tmux smoke: $*"
	echo "# --- pane ---"
	sed 's/^/# /' "$tmp/pane"
	exit 1
}

capture() {
	tmux -L "$sock" capture-pane -p -t smoke >"$tmp/pane" 2>/dev/null
}

# wait_for TEXT: poll the pane for up to 10 s
wait_for() {
	for _ in $(seq 1 100); do
		capture
		grep -qF -- "$1" "$tmp/pane" && return 0
		sleep 0.1
	done
	fail "did not see '$1'"
}

tmux -L "$sock" -f /dev/null new-session -d -s smoke -x 100 -y 30 \
	"TERM=xterm-256color '$bin' '$dir'; echo \$? >'$tmp/status'; sleep 60" ||
	{ echo "# cannot start tmux"; exit 1; }

wait_for "nsm-tui  $dir"
wait_for "$first"
grep -qE "valid|INVALID" "$tmp/pane" || fail "no verdict in the list"
wait_for "[-] pcrs"

tmux -L "$sock" send-keys -t smoke j Tab v
wait_for "cbor.wellformed"
wait_for "[PASS]"

tmux -L "$sock" send-keys -t smoke '?'
wait_for "this help"

# a resize below the minimum shows the message, and back restores
tmux -L "$sock" resize-window -t smoke -x 50 -y 12 2>/dev/null ||
	tmux -L "$sock" resize-pane -t smoke -x 50 -y 12
wait_for "Terminal too small"
tmux -L "$sock" resize-window -t smoke -x 100 -y 30 2>/dev/null ||
	tmux -L "$sock" resize-pane -t smoke -x 100 -y 30
wait_for "this help"

# colours by role: the verdicts are drawn in colour (SGR 3x/9x/38)
tmux -L "$sock" capture-pane -e -p -t smoke >"$tmp/pane.sgr"
grep -qE $'\e\\[([0-9;]*;)?(3[0-7]|9[0-7]|38;5;[0-9]+)(;[0-9]+)*m' "$tmp/pane.sgr" ||
	fail "no colour in the pane"

tmux -L "$sock" send-keys -t smoke Escape q
for _ in $(seq 1 100); do
	[ -s "$tmp/status" ] && break
	sleep 0.1
done
[ -s "$tmp/status" ] || { capture; fail "q did not exit"; }
[ "$(cat "$tmp/status")" = 0 ] || { capture; fail "exit status $(cat "$tmp/status")"; }

# NO_COLOR (no-color.org): the same screen in monochrome, roles shown by
# attributes only
rm -f "$tmp/status"
tmux -L "$sock" new-session -d -s mono -x 100 -y 30 \
	"TERM=xterm-256color NO_COLOR=1 '$bin' '$dir'; echo \$? >'$tmp/status'; sleep 60"
for _ in $(seq 1 100); do
	tmux -L "$sock" capture-pane -e -p -t mono >"$tmp/pane.sgr" 2>/dev/null
	grep -qF "$first" "$tmp/pane.sgr" && break
	sleep 0.1
done
cp "$tmp/pane.sgr" "$tmp/pane"
grep -qF "$first" "$tmp/pane.sgr" || fail "NO_COLOR: no list"
grep -qE $'\e\\[([0-9;]*;)?(3[0-7]|9[0-7]|38;5;[0-9]+|4[0-7])(;[0-9]+)*m' "$tmp/pane.sgr" &&
	fail "NO_COLOR: colour escape sequences in the pane"
grep -qE $'\e\\[([0-9;]*;)?7(;[0-9]+)*m' "$tmp/pane.sgr" ||
	fail "NO_COLOR: no reverse video for the title and cursor"
tmux -L "$sock" send-keys -t mono q
for _ in $(seq 1 100); do
	[ -s "$tmp/status" ] && break
	sleep 0.1
done
[ "$(cat "$tmp/status" 2>/dev/null)" = 0 ] || fail "NO_COLOR: q did not exit cleanly"

# a capture directory that grows: R picks up the new file
mkdir "$tmp/cap"
cp "$dir/$first" "$tmp/cap/a.cbor"
rm -f "$tmp/status"
tmux -L "$sock" new-session -d -s cap -x 100 -y 30 \
	"TERM=xterm-256color '$bin' '$tmp/cap'; echo \$? >'$tmp/status'; sleep 60"
capture() {
	tmux -L "$sock" capture-pane -p -t cap >"$tmp/pane" 2>/dev/null
}
wait_for " 1 doc "
cp "$dir/$second" "$tmp/cap/b.cbor"
tmux -L "$sock" send-keys -t cap R
wait_for "1 new document"
wait_for " 2 docs "
grep -q "b.cbor" "$tmp/pane" || fail "rescan: b.cbor not listed"
tmux -L "$sock" send-keys -t cap q
for _ in $(seq 1 100); do
	[ -s "$tmp/status" ] && break
	sleep 0.1
done
[ "$(cat "$tmp/status" 2>/dev/null)" = 0 ] || fail "rescan: q did not exit cleanly"
exit 0
