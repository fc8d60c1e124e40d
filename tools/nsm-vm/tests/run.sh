#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# nsm-vm end to end, TAP on stdout: its usage errors, then the contract of
# `nsm-vm run` (stdout byte for byte, stderr, exit status, signals,
# --env, the working directory written through and nothing else, stdin
# empty, --timeout), then enclave applications run through it unchanged:
# a C program dynamically linked against libnsm.so (lib/tests'
# aws_nsm_check and aws_compat), a Python script issuing NSM_IOCTL_RAW
# through fcntl (nsm_ioctl.py), a Node script calling AWS's SDK against
# nsm-kmsd (kms_sdk.js), Documentation/kms.rst's demo as written (Debian's
# aws and python3; about 3 minutes under TCG), on Debian's 6.12 and 6.1
# kernels; and --instances with --eif. About 13 VM boots.
#
# Environment: NSM_VM (the nsm-vm to test, default the tree's), BUILD;
# the programs must be built (make -C tools/nsm-vm check builds them).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
build=${BUILD:-$top/build}
out=$build/nsm-vm/tests
nsm_vm=${NSM_VM:-$here/../nsm-vm}
nsmctl=$build/tools/nsmctl
kmsd=$build/kmsd/nsm-kmsd
node_dir=$build/nsm-vm/node
SDK_VERSION=3.1164.0

. "$top/tests/tap.sh"
# vm NAME EXPECTED-STATUS ARGS...: run nsm-vm in $work, stdout to
# $work/.stdout, stderr to $work/.stderr; one test on its exit status
vm() {
	local name=$1 want=$2 rc; shift 2
	(cd "$work" && "$nsm_vm" run "$@" >"$work/.stdout" 2>"$work/.stderr")
	rc=$?
	if [ "$rc" = "$want" ]; then
		ok "$name: exit status $rc"
	else
		not_ok "$name: exit status $rc, expected $want" \
			"$(tail -n 20 "$work/.stderr"; tail -n 20 "$work/.stdout")"
	fi
}
# tap_clean FILE: a TAP document with a plan, tests and no failure
tap_clean() {
	grep -q '^1\.\.[1-9]' "$1" && grep -q '^ok ' "$1" && ! grep -q '^not ok' "$1"
}

echo "TAP version 13"
rm -rf "$out"
work=$out/work
mkdir -p "$work"

# ---- usage errors: no VM ---------------------------------------------------
usage_err() { # name want-in-stderr args...
	local name=$1 want=$2 rc; shift 2
	"$nsm_vm" "$@" >"$out/usage.out" 2>"$out/usage.err"
	rc=$?
	if [ "$rc" = 125 ] && grep -q -- "$want" "$out/usage.err"; then
		ok "usage: $name: status 125, '$want'"
	else
		not_ok "usage: $name: status $rc" "$(cat "$out/usage.err")"
	fi
}
usage_err "no arguments" "usage: nsm-vm run"
usage_err "no command" "no command" run
usage_err "unknown option" "unknown option '--bogus'" run --bogus -- true
usage_err "bad --instances" "--instances takes a number" run --instances two -- true
usage_err "bad --env name" "'1X' is not a variable name" run --env 1X -- true
usage_err "missing --eif" "cannot read" run --eif "$out/no-such.eif" -- true
usage_err "unknown kernel" "no kernel '5.10' among" run --kernel 5.10 -- true
check "--help: exit status 0, usage on stdout" \
	bash -c '"$1" --help | grep -q "^usage: nsm-vm run"' _ "$nsm_vm"
check "--version" bash -c '"$1" --version | grep -qE "^nsm-vm [0-9]+\.[0-9]+"' _ "$nsm_vm"

# ---- the contract ----------------------------------------------------------
# stdout: 1 MiB of every byte value; stderr exactly one line; arguments
# with spaces, quotes and a newline; --env NAME, NAME=VALUE, unset NAME;
# the working directory written through, anything else not; stdin empty.
head -c 1048576 /dev/urandom >"$work/blob"
args=(plain "a b" "it's" 'two
lines' '$HOME' '*')
export NSMVM_T_PASSED=passed NSMVM_T_HIDDEN=hidden
unset NSMVM_T_UNSET
vm "contract" 7 --env NSMVM_T_PASSED --env 'NSMVM_T_SET=a b=c' --env NSMVM_T_UNSET -- \
	sh -c 'cat blob; printf "%s\0" "$@" >args.out; env >env.out; pwd -P >pwd.out
	       cat >stdin.out; echo guest-only >/etc/nsm-vm-test && echo guest-etc >etc.out
	       echo "to stderr" >&2; exit 7' sh "${args[@]}"
check "contract: stdout is the command's, byte for byte (1 MiB)" \
	cmp "$work/blob" "$work/.stdout"
check "contract: stderr is the command's" \
	bash -c '[ "$(cat "$1")" = "to stderr" ]' _ "$work/.stderr"
check "contract: arguments arrive as given (spaces, quotes, newline, \$, *)" \
	bash -c 'cmp <(printf "%s\0" "${@:2}") "$1"' _ "$work/args.out" "${args[@]}"
check "contract: --env NAME passes, NAME=VALUE sets, an unset NAME stays unset" \
	bash -c 'grep -qx NSMVM_T_PASSED=passed "$1" && grep -qx "NSMVM_T_SET=a b=c" "$1" &&
		 ! grep -q NSMVM_T_UNSET "$1"' _ "$work/env.out"
check "contract: no other variable of the caller (only PATH and HOME)" \
	bash -c '! grep -q NSMVM_T_HIDDEN "$1" && grep -qx "PATH=$PATH" "$1" &&
		 grep -qx "HOME=$HOME" "$1"' _ "$work/env.out"
check "contract: the working directory is the caller's, written through" \
	bash -c '[ "$(cat "$1/pwd.out")" = "$1" ]' _ "$(cd "$work" && pwd -P)"
check "contract: the rest of the root is writable in the guest only" \
	bash -c '[ "$(cat "$1")" = guest-etc ] && [ ! -e /etc/nsm-vm-test ]' _ "$work/etc.out"
check "contract: stdin is empty" test ! -s "$work/stdin.out"

vm "a signal: 128 + SIGKILL" 137 -- sh -c 'kill -KILL $$'
vm "command not found" 127 -- nsm-vm-no-such-command
check "command not found: env's message" grep -q "nsm-vm-no-such-command" "$work/.stderr"
t0=$SECONDS
vm "--timeout 3 on sleep 600" 124 --timeout 3 -- sleep 600
check "--timeout: stopped within 20 s, said so" \
	bash -c '[ $(($2 - $1)) -le 20 ] && grep -q "timed out after 3 s" "$3"' \
	_ "$t0" "$SECONDS" "$work/.stderr"

# ---- enclave applications, unchanged ---------------------------------------
for p in "$build/lib/t/aws_nsm_check" "$build/lib/t/aws_compat_dev"; do
	check "${p##*/} is dynamically linked against libnsm.so.1" \
		bash -c 'ldd "$1" | grep -q "libnsm\.so\.1 => /"' _ "$p"
done
vm "C, libnsm.so: aws_nsm_check on 6.12" 0 --kernel 6.12 -- "$build/lib/t/aws_nsm_check"
check "C, libnsm.so: aws_nsm_check's TAP on 6.12" tap_clean "$work/.stdout"
cp "$here/nsm_ioctl.py" "$work/"
vm "Python, fcntl.ioctl: nsm_ioctl.py on 6.12" 0 --kernel 6.12 -- python3 nsm_ioctl.py
check "Python, fcntl.ioctl: nsm_ioctl.py's TAP on 6.12" tap_clean "$work/.stdout"

# One boot of 6.1 for the C and Python programs, each on an enclave of its
# own (--instances): aws_nsm_check wants a fresh one, nsm-test's semantics.
vm "6.1: nsm_ioctl.py, aws_compat, aws_nsm_check in one boot" 0 --kernel 6.1 --instances 2 -- \
	sh -c 'uname -r >uname.out; python3 nsm_ioctl.py /dev/nsm-1 >py.tap; r1=$?
	       NSM_DEVICE=/dev/nsm-2 "$2" >compat.out; r2=$?
	       "$1" >c.tap; r3=$?; [ $r1$r2$r3 = 000 ]' sh \
	"$build/lib/t/aws_nsm_check" "$build/lib/t/aws_compat_dev"
check "6.1: the guest ran 6.1" grep -q '^6\.1\.' "$work/uname.out"
check "6.1: aws_nsm_check's TAP" tap_clean "$work/c.tap"
check "6.1: nsm_ioctl.py's TAP" tap_clean "$work/py.tap"

# Node: AWS's SDK against nsm-kmsd, both in the guest.
if ! grep -qs "\"version\": \"$SDK_VERSION\"" "$node_dir/node_modules/@aws-sdk/client-kms/package.json"; then
	mkdir -p "$node_dir"
	npm install --prefix "$node_dir" --cache "$top/.cache/npm" --no-audit --no-fund \
		--silent "@aws-sdk/client-kms@$SDK_VERSION" >"$out/npm.log" 2>&1
fi
check "npm: @aws-sdk/client-kms@$SDK_VERSION" \
	grep -q "\"version\": \"$SDK_VERSION\"" "$node_dir/node_modules/@aws-sdk/client-kms/package.json"
cp "$here/kms_sdk.js" "$work/"
vm "Node, AWS SDK v3 against nsm-kmsd: kms_sdk.js on 6.12" 0 --kernel 6.12 \
	--env "NODE_PATH=$node_dir/node_modules" --env "NSM_KMSD=$kmsd" \
	--env "NSMCTL=$nsmctl" --env NODE_NO_WARNINGS=1 -- node kms_sdk.js
check "Node, AWS SDK v3 against nsm-kmsd: kms_sdk.js's TAP" tap_clean "$work/.stdout"
grep '^#' "$work/.stdout" | head -n 3

# Documentation/kms.rst's envelope-encryption demo, verbatim: the literal
# block after "as root::", run by bash in the guest with Debian's aws and
# python3 first on PATH, the tree's nsm-kmsd and nsmctl before them.
demo=$work/kms-demo.sh
awk '/as root::$/ { f = 1; next } f && /^[^ ]/ { exit } f' \
	"$top/Documentation/kms.rst" | sed 's/^    //' >"$demo"
check "kms.rst demo: the block is there ($(grep -c . "$demo") lines)" \
	grep -q 'nsmctl kms decrypt -d /dev/nsm-stale' "$demo"
vm "kms.rst demo, verbatim, on 6.12" 0 --kernel 6.12 --timeout 600 -- \
	env PATH="$build/kmsd:$build/tools:/usr/sbin:/usr/bin:/sbin:/bin" \
	bash -c 'bash kms-demo.sh >demo.out 2>&1; echo "status $?" >>demo.out'
check "kms.rst demo: the parent's own Decrypt, another PCR0 and a stale document are denied" \
	test "$(grep -c -e '^An error occurred (AccessDeniedException)' \
		-e '^error: Decrypt: AccessDeniedException' "$work/demo.out")" = 3
check "kms.rst demo: the stale document is refused by policy.max_age" \
	grep -q 'policy.max_age' "$work/demo.out"
check "kms.rst demo: another PCR0 is refused naming both values" \
	grep -q "^error: Decrypt: AccessDeniedException.*PCR0 is abab.*the policy wants" "$work/demo.out"
check "kms.rst demo: the enclave's PLAINTEXT is the parent's data key" \
	bash -c 'p=$(sed -n "s/^PLAINTEXT: //p" "$1/demo.out")
		 want=$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[\"Plaintext\"])" "$1/datakey.json")
		 [ -n "$p" ] && [ "$p" = "$want" ]' _ "$work"
[ -f "$work/demo.out" ] && sed 's/^/# demo: /' "$work/demo.out" | tail -n 12

# ---- --instances and --eif -------------------------------------------------
eifs=$out/eif
mkdir -p "$eifs"
check "test EIFs (lib/tests/mkeif)" "$build/lib/t/mkeif" "$eifs"
vm "--instances 2 --eif signed.eif" 0 --instances 2 --eif "$eifs/signed.eif" -- \
	sh -c 'for d in /dev/nsm /dev/nsm-1 /dev/nsm-2; do
		 echo "$d $("$1" pcr read -d "$d" 0 | awk "{ print \$3 }") $("$1" pcr read -d "$d" 8 | awk "{ print \$3 }")"
	       done; ls /dev | grep -c "^nsm"' sh "$nsmctl"
pcr0=$(awk '$1 == "PCR0" { print $2 }' "$eifs/signed.expected")
pcr8=$(awk '$1 == "PCR8" { print $2 }' "$eifs/signed.expected")
for d in /dev/nsm /dev/nsm-1 /dev/nsm-2; do
	check "--instances 2 --eif: $d boots with the image's PCR0 and PCR8" \
		grep -qx "$d $pcr0 $pcr8" "$work/.stdout"
done
check "--instances 2: three devices, no more" bash -c '[ "$(tail -n 1 "$1")" = 3 ]' _ "$work/.stdout"
vm "--eif with a corrupt image" 125 --eif "$eifs/bad-crc.eif" -- true
check "--eif with a corrupt image: nsmctl's reason" grep -q "CRC-32" "$work/.stderr"

echo "1..$n"
exit $failed
