#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Inside the VM runner's guest (busybox sh, root, nsm_emu loaded): every
# part named in /extra/parts, each on a freshly booted device (configfs
# "reset" of the default instance, /dev/nsm), their TAP merged into one numbered stream, names prefixed with
# the part (lines it prints but results pass through). Exit status 1 if any part failed or exited non-zero.

X=/extra
CFG=/sys/kernel/config/nsm_emu/instances/default
run() { "$X/ld-linux-x86-64.so.2" --library-path "$X" "$@"; }

n=0
fail=0
# part NAME CMD...: run it, renumber its results into ours
part() {
	name=$1
	shift
	echo 1 > $CFG/reset
	"$@" >/tmp/part.out 2>/tmp/part.err
	rc=$?
	awk -v n="$n" -v p="$name" '
		/^(not )?ok [0-9]+/ {
			st = ($1 == "not") ? "not ok" : "ok"
			sub(/^(not )?ok [0-9]+ *(- )?/, "")
			if (index($0, p ": ") == 1) sub(/^[^:]*: /, "")
			printf "%s %d - %s: %s\n", st, ++n, p, $0; next
		}
		/^TAP version/ || /^1\.\.[0-9]+/ { next }
		{ print }
		END { print n > "/tmp/part.n" }' /tmp/part.out
	n=$(cat /tmp/part.n)
	if grep -q '^not ok' /tmp/part.out || [ $rc != 0 ]; then
		fail=1
		sed 's/^/# stderr: /' /tmp/part.err | head -10
	fi
	if [ $rc != 0 ] && ! grep -q '^not ok' /tmp/part.out; then
		n=$((n + 1))
		echo "not ok $n - $name: exit status $rc"
	fi
}

# No "TAP version" or plan of our own: these lines join the VM runner's
# top-level TAP stream as they are.
for p in $(cat $X/parts); do
	case $p in
	tui) part tui sh $X/tui-guest.sh ;;
	aws)
		part aws_nsm_check run $X/aws_nsm_check
		part aws_compat run $X/aws_compat_dev
		;;
	esac
done
echo "# $n tests in the guest"
exit $fail
