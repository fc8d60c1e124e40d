#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The session shown in Documentation/nsmctl.rst ("On the real module"),
# run in the VM with nsmctl and its libraries in /extra:
#
#   tools/tests/vm/run.sh -k 6.12.117+deb12-amd64   # prepares build/tools/vm-extra
#   BUILD=build/tools/vm-build selftests/vm/run.sh -k 6.12.117+deb12-amd64 \
#       --exec tools/doc/vm-session.sh --extra build/tools/vm-extra
#
# and the lines between @@DOC-BEGIN and @@DOC-END pasted into
# tools/doc/nsmctl.rst.in.
X=/extra
nsmctl() { "$X/ld-linux-x86-64.so.2" --library-path "$X" "$X/nsmctl" "$@"; }
cd /tmp
echo "@@DOC-BEGIN"
for c in "nsmctl emu status | sed '/PCR5 /,/PCR31 /d'" \
	 "nsmctl ca init pki >/dev/null && nsmctl emu provision pki" \
	 "nsmctl attest --nonce 0123 -o doc.cbor" \
	 "nsmctl verify --no-aws-root --root pki/root.pem --nonce 0123 --max-age 5m doc.cbor | grep -E '^(file|time|root|result)|policy'" \
	 "nsmctl emu set cose_tagged 1 && nsmctl emu set indefinite_map 1 && nsmctl attest | nsmctl dump --diag | head -3" \
	 "nsmctl emu preset debug && nsmctl pcr read 0" \
	 "nsmctl emu status | sed -n '/^pki:/,\$p'"; do
	echo "    # $c"
	eval "$c" 2>&1 | sed 's/^/    /'
	echo
done
echo "@@DOC-END"
