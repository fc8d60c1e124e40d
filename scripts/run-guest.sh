#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The main job inside the VM (busybox sh, the module is loaded): show the
# device, request a document and send it and the emulator's root home.
# Started by scripts/run.sh through selftests/vm/run.sh --exec.
X=/extra
nsmctl() {
	"$X/ld-linux-x86-64.so.2" --library-path "$X" "$X/nsmctl" "$@"
}
. "$X/run.conf"

echo "\$ nsmctl describe"
nsmctl describe || exit 1
echo
echo "\$ nsmctl pcr read"
nsmctl pcr read || exit 1
echo
echo "\$ nsmctl attest --nonce $NONCE -o document.cbor"
nsmctl attest --nonce "$NONCE" -o "$NSM_OUT_DIR/document.cbor" || exit 1
echo
echo "\$ nsmctl emu root -o root.pem"
nsmctl emu root -o "$NSM_OUT_DIR/root.pem" || exit 1
