#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Documents made by the core, checked by verifiers that are not ours:
# the openssl command line (verify-doc.sh) and @0xsequence/tee-verifier from
# the npm registry (verify-node.js). Also checks verify-doc.sh itself on the
# real AWS documents of the third-party test data ($NSM_TESTDATA or
# ../shared/testdata; skipped by name without it). TAP on stdout.
#
# Environment: MKDOC (build/attest/mkdoc), OUT (scratch directory),
# NSM_NODE_DIR (where the npm package is installed, default build/node).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
MKDOC=${MKDOC:-$top/build/attest/mkdoc}
OUT=${OUT:-$top/build/attest}
export NSM_NODE_DIR=${NSM_NODE_DIR:-$top/build/node}
TEE_VERIFIER=@0xsequence/tee-verifier@0.1.2
TOP=$top
. "$top/tests/testdata.sh"
w=$OUT/verifiers
rm -rf "$w"
mkdir -p "$w"

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
# check "name" cmd...: passes when cmd succeeds; its output goes to the log
check() {
	local name=$1; shift
	if "$@" > "$w/last.log" 2>&1; then ok "$name"
	else not_ok "$name"; sed 's/^/# /' "$w/last.log"; fi
}
# refute "name" cmd...: passes when cmd exits 1 (invalid), not 0 or 2
refute() {
	local name=$1 rc; shift
	"$@" > "$w/last.log" 2>&1
	rc=$?
	if [ $rc -eq 1 ]; then ok "$name"
	else not_ok "$name (exit $rc)"; sed 's/^/# /' "$w/last.log"; fi
}

echo "TAP version 13"
td_find || exit 1
testdata=$TD

# The third-party verifier, pinned, installed into build/ (gitignored).
if [ ! -f "$NSM_NODE_DIR/node_modules/@0xsequence/tee-verifier/package.json" ]; then
	mkdir -p "$NSM_NODE_DIR"
	npm install --prefix "$NSM_NODE_DIR" --cache "$top/.cache/npm" \
		--no-audit --no-fund --silent "$TEE_VERIFIER" > "$w/npm.log" 2>&1 ||
		sed 's/^/# npm: /' "$w/npm.log"
fi
check "npm package $TEE_VERIFIER installed" \
	grep -q '"version": "0.1.2"' "$NSM_NODE_DIR/node_modules/@0xsequence/tee-verifier/package.json"

both() { # name doc root: both verifiers accept
	check "$1: openssl CLI (strict chain at document time, COSE signature)" \
		bash "$here/verify-doc.sh" "$2" "$3"
	check "$1: tee-verifier (root fingerprint, chain at document time, signature)" \
		node "$here/verify-node.js" "$2" "$3"
}
neither() {
	refute "$1: openssl CLI rejects it" bash "$here/verify-doc.sh" "$2" "$3"
	refute "$1: tee-verifier rejects it" node "$here/verify-node.js" "$2" "$3"
}

# mk name mkdoc-args...: make a document; a document that cannot be made
# is a failed test of its own, and the tests that use it still run (and
# fail), so that none of them drops out of the count.
mk() {
	local name=$1; shift
	rm -f "$w/$name.cbor" "$w/$name.pem"
	if "$MKDOC" -o "$w/$name.cbor" -r "$w/$name.pem" "$@" > "$w/mkdoc.log" 2>&1; then
		ok "mkdoc makes the $name document"
	else
		not_ok "mkdoc makes the $name document"
		sed 's/^/# /' "$w/mkdoc.log"
		return 1
	fi
}

mk plain; both "plain document" "$w/plain.cbor" "$w/plain.pem"
mk fields --nonce 00ff --user-data 68656c6c6f --public-key ""
both "nonce, user_data, empty public_key" "$w/fields.cbor" "$w/fields.pem"
mk full --fill 1024 --locked 32
both "1024-byte fields, 32 locked PCRs ($(stat -c %s "$w/full.cbor" 2>/dev/null) bytes)" \
	"$w/full.cbor" "$w/full.pem"
mk tagged --tagged; both "tagged (18)" "$w/tagged.cbor" "$w/tagged.pem"
mk indef --indefinite; both "indefinite-length payload map" "$w/indef.cbor" "$w/indef.pem"
mk debug --debug; both "debug mode" "$w/debug.cbor" "$w/debug.pem"

# Negative cases: a flipped signature bit, a foreign root, clock offsets.
cp "$w/plain.cbor" "$w/flipped.cbor"
last=$(( $(stat -c %s "$w/flipped.cbor") - 1 ))
byte=$(od -An -tu1 -j "$last" -N1 "$w/flipped.cbor" | tr -d ' ')
printf "$(printf '\\%03o' $((byte ^ 1)))" |
	dd of="$w/flipped.cbor" bs=1 seek="$last" conv=notrunc status=none
neither "flipped signature bit" "$w/flipped.cbor" "$w/plain.pem"
neither "another emulator's root" "$w/plain.cbor" "$w/tagged.pem"
size=$(stat -c %s "$w/plain.cbor")
head -c $((size - 1)) "$w/plain.cbor" > "$w/truncated.cbor"
neither "truncated by one byte" "$w/truncated.cbor" "$w/plain.pem"
{ cat "$w/plain.cbor"; printf '\x00'; } > "$w/appended.cbor"
neither "one byte appended" "$w/appended.cbor" "$w/plain.pem"
{ head -c 5 "$w/plain.cbor"; printf '\x23'; tail -c +7 "$w/plain.cbor"; } > "$w/alg.cbor"
neither "algorithm changed to ES512 (-36)" "$w/alg.cbor" "$w/plain.pem"
: > "$w/empty.cbor"
refute "empty file: openssl CLI rejects it" bash "$here/verify-doc.sh" "$w/empty.cbor" "$w/plain.pem"
mk ahead --offset $((4 * 3600 * 1000))
neither "clock offset +4h (leaf expired at document time)" "$w/ahead.cbor" "$w/ahead.pem"
check "clock offset +4h: valid at the current time (openssl)" \
	bash "$here/verify-doc.sh" --attime now "$w/ahead.cbor" "$w/ahead.pem"
mk behind --offset -3600000
neither "clock offset -1h (leaf not yet valid at document time)" "$w/behind.cbor" "$w/behind.pem"

# A PKI made with the openssl CLI in AWS's shape, provisioned.
pki=$w/pki
mkdir -p "$pki"
cat > "$pki/ext.cnf" <<'EOF'
[root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, digitalSignature, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[regional]
basicConstraints = critical, CA:TRUE, pathlen:2
keyUsage = critical, digitalSignature, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[zonal]
basicConstraints = critical, CA:TRUE, pathlen:1
keyUsage = critical, digitalSignature, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[instance]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF
mkpki() {
	local parent= role
	for role in root regional zonal instance; do
		openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 \
			-out "$pki/$role.key" || return 1
		openssl req -new -key "$pki/$role.key" -out "$pki/$role.csr" \
			-subj "/O=nsm-emu (NOT AWS)/OU=provisioned test PKI/CN=nsm-emu $role" || return 1
		if [ -z "$parent" ]; then
			openssl x509 -req -in "$pki/$role.csr" -signkey "$pki/$role.key" \
				-days 3650 -sha384 -extfile "$pki/ext.cnf" -extensions "$role" \
				-out "$pki/$role.pem" || return 1
		else
			openssl x509 -req -in "$pki/$role.csr" -CA "$pki/$parent.pem" \
				-CAkey "$pki/$parent.key" -set_serial "0x$(openssl rand -hex 16)" \
				-days 365 -sha384 -extfile "$pki/ext.cnf" -extensions "$role" \
				-out "$pki/$role.pem" || return 1
		fi
		openssl x509 -in "$pki/$role.pem" -outform DER >> "$pki/chain.der" || return 1
		parent=$role
	done
	openssl pkey -in "$pki/instance.key" -outform DER -out "$pki/instance.der" &&
	openssl pkey -in "$pki/root.key" -outform DER -out "$pki/root.der"
}
check "openssl CLI makes a P-384 test PKI in AWS's shape" mkpki
mk prov --key "$pki/instance.der" --chain "$pki/chain.der"
both "provisioned PKI" "$w/prov.cbor" "$pki/root.pem"
cmp -s "$w/prov.pem" "$pki/root.pem" &&
	ok "provisioned: exported root PEM equals the PKI's root" ||
	not_ok "provisioned: exported root PEM equals the PKI's root"
"$MKDOC" -o "$w/bad.cbor" --key "$pki/root.der" --chain "$pki/chain.der" > "$w/last.log" 2>&1
if [ $? -eq 1 ] && grep -q "does not match" "$w/last.log"; then
	ok "provisioning with the wrong key is refused: $(cat "$w/last.log")"
else
	not_ok "provisioning with the wrong key is refused"; sed 's/^/# /' "$w/last.log"
fi

# verify-doc.sh itself, on real hardware's documents.
if [ -n "$testdata" ]; then
	bad=0 count=0
	for f in "$testdata"/aws/*.cbor; do
		count=$((count + 1))
		bash "$here/verify-doc.sh" --no-strict "$f" "$testdata/aws-nitro-root-g1.pem" \
			> "$w/last.log" 2>&1 || { bad=$((bad + 1)); sed "s|^|# $(basename "$f"): |" "$w/last.log"; }
	done
	[ $bad -eq 0 ] && [ $count -ge 16 ] &&
		ok "verify-doc.sh accepts all $count real AWS documents at their time" ||
		not_ok "verify-doc.sh accepts the real AWS documents ($bad of $count failed)"
	refute "verify-doc.sh -x509_strict rejects a real AWS chain (leaf without AKI)" \
		bash "$here/verify-doc.sh" "$testdata/aws/base_hinted_2026.cbor" "$testdata/aws-nitro-root-g1.pem"
	refute "verify-doc.sh rejects a real AWS document against an emulator root" \
		bash "$here/verify-doc.sh" --no-strict "$testdata/aws/base_hinted_2026.cbor" "$w/plain.pem"
	check "tee-verifier accepts a real AWS document with the AWS root" \
		node "$here/verify-node.js" "$testdata/aws/blocky_2024_prod.cbor" "$testdata/aws-nitro-root-g1.pem"
else
	for t in "verify-doc.sh accepts all 16 real AWS documents at their time" \
		 "verify-doc.sh -x509_strict rejects a real AWS chain (leaf without AKI)" \
		 "verify-doc.sh rejects a real AWS document against an emulator root" \
		 "tee-verifier accepts a real AWS document with the AWS root"; do
		n=$((n + 1))
		echo "ok $n - $t # SKIP $TD_SKIP"
	done
fi

"$MKDOC" --bench 2000 2>&1 | sed 's/^/# userspace, default fields: /'
"$MKDOC" --bench 1000 --fill 1024 2>&1 | sed 's/^/# userspace, three 1024-byte fields: /'

echo "1..$n"
[ $failed -eq 0 ]
