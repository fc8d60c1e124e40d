#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Make a persistent test PKI with the openssl command line, in the layout
# of `nsmctl ca init` (tools/pkidir.h), for nsm_attest_test's provisioning
# test in the VM (the guest has no OpenSSL). The files are PEM, as nsmctl
# writes them; the test decodes them to the DER that the module's
# configfs pki/chain and pki/key take (and checks that PEM is refused):
#
#   test-pki.sh DIR
#
#   DIR/chain.pem     root, regional, zonal, instance CA (cabundle order)
#   DIR/root.pem      the root alone: what the host verifies documents with
#   DIR/instance.key  the instance CA's key, PKCS #8 PEM
#
# The shape is AWS's (P-384, ecdsa-with-SHA384, pathLen 2/1/0), the names
# say O=nsm-emu (NOT AWS) under the reserved .invalid domain. Each run makes
# new keys; the other keys are deleted once used.
set -euo pipefail

dir=${1:?usage: test-pki.sh DIR}
rm -rf "$dir"
mkdir -p "$dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/ext.cnf" <<'EOF'
[req]
distinguished_name = dn
prompt = no
[dn]
[root]
basicConstraints = critical,CA:TRUE
keyUsage = critical,digitalSignature,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[regional]
basicConstraints = critical,CA:TRUE,pathlen:2
keyUsage = critical,digitalSignature,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[zonal]
basicConstraints = critical,CA:TRUE,pathlen:1
keyUsage = critical,digitalSignature,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[instance]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF

org="/O=nsm-emu (NOT AWS)/OU=nsm-emu selftests"
id=$(openssl rand -hex 8)
subj_root="$org/CN=nsm-emu selftest root"
subj_regional="$org/CN=$id.test-region.nsm-emu.invalid"
subj_zonal="$org/CN=$id.zonal.test-region.nsm-emu.invalid"
subj_instance="$org/CN=i-0123456789abcdef0.test-region.nsm-emu.invalid"

newkey() {
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 \
		-out "$work/$1.key" 2>/dev/null
}

newkey root
openssl req -new -x509 -config "$work/ext.cnf" -extensions root \
	-key "$work/root.key" -subj "$subj_root" -sha384 -days 3650 \
	-set_serial "0x$(openssl rand -hex 15)" -out "$work/root.pem"

parent=root
for level in regional zonal instance; do
	subj_var=subj_$level
	newkey "$level"
	openssl req -new -config "$work/ext.cnf" -key "$work/$level.key" \
		-subj "${!subj_var}" -out "$work/$level.csr"
	openssl x509 -req -in "$work/$level.csr" -CA "$work/$parent.pem" \
		-CAkey "$work/$parent.key" -sha384 -days 3650 \
		-set_serial "0x$(openssl rand -hex 15)" \
		-extfile "$work/ext.cnf" -extensions "$level" \
		-out "$work/$level.pem" 2>/dev/null
	parent=$level
done

cat "$work"/{root,regional,zonal,instance}.pem >"$dir/chain.pem"
cp "$work/root.pem" "$dir/root.pem"
install -m 0600 "$work/instance.key" "$dir/instance.key"

# The chain must hold before the guest sees it.
openssl verify -x509_strict -CAfile "$dir/root.pem" \
	-untrusted <(cat "$work"/{regional,zonal}.pem) "$work/instance.pem" >/dev/null
echo "test-pki: $dir (root $(openssl x509 -in "$dir/root.pem" -noout -fingerprint -sha256 | cut -d= -f2))"
