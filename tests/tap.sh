# SPDX-License-Identifier: GPL-2.0
# TAP for the shell suites of the packages, nsm-vm and the recipes
# (tests/deb, tools/nsm-vm/tests, tests/recipes); source it. The counters
# are n and failed; the plan is printed by the suite at its end
# ("1..$n"), its exit status is $failed.
#
#   ok NAME                 a passing test
#   not_ok NAME [TEXT]      a failing one, the last 40 lines of TEXT as
#                           diagnostics
#   skip NAME REASON        a skipped one
#   check NAME CMD...       one test on CMD's status, its output as the
#                           diagnostics of a failure; "# N s" after a test
#                           that took 3 s or more

n=0
failed=0

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}

not_ok() {
	n=$((n + 1))
	failed=1
	echo "not ok $n - $1"
	[ $# -lt 2 ] || printf '%s\n' "$2" | tail -n 40 | sed 's/^/#   /'
}

skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

check() {
	local name=$1 o t=$SECONDS
	shift
	if o=$("$@" 2>&1); then ok "$name"; else not_ok "$name" "$o"; fi
	[ $((SECONDS - t)) -lt 3 ] || echo "# $((SECONDS - t)) s"
}
