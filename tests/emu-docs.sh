#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Write attestation documents made by the emulator's core (tests/attest's
# mkdoc) for the tests that need documents but no third-party data:
#
#   tests/emu-docs.sh MKDOC OUTDIR
#
# OUTDIR/NAME.cbor and OUTDIR/NAME.root.pem (its chain's root) for:
#   doc         definite payload map (hardware before 2025), optional
#               fields null
#   indefinite  the defaults: indefinite-length payload map (as current
#               hardware sends), optional fields null
#   fill        1024-byte public_key, user_data and nonce, definite map
#   debug       debug mode: PCR0-2 zero
#   tagged      COSE tag 18, nonce and user_data set
# Each has a chain of its own, minted now with the default 3-hour leaf.
set -euo pipefail
mkdoc=$1
out=$2
mkdir -p "$out"
one() {
	local name=$1
	shift
	"$mkdoc" -o "$out/$name.cbor.tmp" -r "$out/$name.root.pem" "$@"
	mv -f "$out/$name.cbor.tmp" "$out/$name.cbor"
}
one doc --definite
one indefinite --indefinite
one fill --fill 1024 --definite
one debug --debug
one tagged --tagged --nonce 0102 --user-data 09ca13c2558284e5
