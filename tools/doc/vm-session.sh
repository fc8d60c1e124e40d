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
# tools/doc/nsmctl.rst.in ("On the real module").
X=/extra
nsmctl() { "$X/ld-linux-x86-64.so.2" --library-path "$X" "$X/nsmctl" "$@"; }
cd /tmp
echo "@@DOC-BEGIN"
for c in "nsmctl emu create a" \
	 "nsmctl emu create b --debug-mode --pcr 3=\$(printf '3%.0s' \$(seq 96))" \
	 "nsmctl emu list" \
	 "nsmctl emu status b | sed '/PCR5 /,/PCR31 /d'" \
	 "nsmctl attest -d /dev/nsm-a --nonce 0123 -o a.cbor" \
	 "nsmctl attest -d /dev/nsm-b --nonce 0123 -o b.cbor" \
	 "nsmctl emu root -o root.pem" \
	 "nsmctl verify --no-aws-root --root root.pem --nonce 0123 a.cbor | grep -E '^(file|time|root|result)|policy'" \
	 "nsmctl diff a.cbor b.cbor" \
	 "nsmctl ca init pki >/dev/null && nsmctl emu provision pki" \
	 "nsmctl emu set a cose_tagged 1 indefinite_map 0" \
	 "nsmctl attest -d /dev/nsm-a | nsmctl dump --diag | head -2" \
	 "nsmctl emu status a | sed -n '/^pki:/,\$p'"; do
	echo "    # $c"
	eval "$c" 2>&1 | sed 's/^/    /'
	echo
done
echo "@@DOC-END"
