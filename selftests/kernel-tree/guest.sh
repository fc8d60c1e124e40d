#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The guest side of selftests/kernel-tree/run.sh (VM runner --exec; busybox
# sh, root, nsm_emu loaded, configfs mounted): the kselftests installed
# from a kernel tree, in /extra/kselftest, run by that tree's
# run_kselftest.sh, whose output is passed on between "@@K BEGIN <release>"
# and "@@K END <exit status>"; then "@@T ok|not ok <name>" lines of our own.

# What run_kselftest.sh takes from a full system and a busybox initramfs
# lacks:
# - /dev/stdout: the runner's log file (it appends to it). devtmpfs has no
#   such link (udev makes it), and appending would create a plain file
#   there that swallows every test's output.
[ -e /dev/stdout ] || ln -s /proc/self/fd/1 /dev/stdout
[ -e /dev/stderr ] || ln -s /proc/self/fd/2 /dev/stderr
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
# - /usr/bin/timeout: the runner enforces the "settings" timeout only when
#   it exists, as "timeout --foreground SECS timeout SECS PROG". busybox's
#   timeout has no --foreground, and exits 143 where coreutils' exits 124
#   after a timeout (what the runner reports as TIMEOUT).
if [ ! -x /usr/bin/timeout ]; then
	mkdir -p /usr/bin
	cat >/usr/bin/timeout <<'EOF'
#!/bin/sh
[ "$1" = --foreground ] && shift
busybox timeout "$@"
rc=$?
[ $rc -eq 143 ] && rc=124
exit $rc
EOF
	chmod 0755 /usr/bin/timeout
fi

# The tests' environment: the module for nsm_module_test and its renamed
# twin (initramfs.sh), a freshly booted device for nsm_test, the test PKI
# for nsm_attest_test's provisioning, a short race. Documents stay in the
# guest: the selftests suite sends the same ones to the host's verifiers.
export NSM_KO NSM_KO_TWIN=/lib/modules/nsm_emv.ko NSM_RESET=1
export NSM_PKI_DIR=/extra/pki NSM_OUT_DIR=/tmp/nsm-out
NSM_RACE_SECONDS=$(cat /extra/race-seconds 2>/dev/null || echo 5)
export NSM_RACE_SECONDS

echo "@@K BEGIN $(uname -r)"
/extra/kselftest/run_kselftest.sh 2>&1
echo "@@K END $?"

# The tests leave the module loaded with its defaults and nothing open.
if rmmod nsm_emu; then
	echo "@@T ok rmmod_after_kselftests"
else
	echo "@@T not ok rmmod_after_kselftests"
	lsmod | sed 's/^/# /'
fi
exit 0
