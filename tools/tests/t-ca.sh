# SPDX-License-Identifier: GPL-2.0
# ca init: an AWS-shaped test PKI; emu provision --check validates it with
# OpenSSL before anything would reach the module.

C=$T/pki
expect "ca init" 0 $N ca init $C
check "files created" "[ -s $C/chain.pem ] && [ -s $C/root.pem ] && [ -s $C/instance.key ]"
check "instance key is private (0600)" "[ \$(stat -c %a $C/instance.key) = 600 ]"
check "four certificates, root first" "[ \$(grep -c 'BEGIN CERTIFICATE' $C/chain.pem) = 4 ] && cmp -s <(head -c \$(stat -c %s $C/root.pem) $C/chain.pem) $C/root.pem"
csplit -s -z -f $T/cert- $C/chain.pem '/-----BEGIN CERTIFICATE-----/' '{*}'
check "chain passes openssl verify -x509_strict" \
	"cat $T/cert-01 $T/cert-02 > $T/untrusted.pem &&
	 openssl verify -x509_strict -CAfile $C/root.pem -untrusted $T/untrusted.pem $T/cert-03 >/dev/null 2>&1"
check "names are not AWS's" "openssl x509 -in $T/cert-00 -noout -subject | grep -q 'O = nsm-emu (NOT AWS)' &&
	! openssl x509 -in $T/cert-03 -noout -subject | grep -qi 'amazon'"
check "root: P-384, ecdsa-with-SHA384, CA, no pathlen" \
	"openssl x509 -in $T/cert-00 -noout -text > $T/root.txt &&
	 grep -q 'NIST CURVE: P-384' $T/root.txt && grep -q 'ecdsa-with-SHA384' $T/root.txt &&
	 grep -q 'CA:TRUE\$' $T/root.txt"
check "pathlen 2, 1, 0 below the root" \
	"openssl x509 -in $T/cert-01 -noout -text | grep -q 'pathlen:2' &&
	 openssl x509 -in $T/cert-02 -noout -text | grep -q 'pathlen:1' &&
	 openssl x509 -in $T/cert-03 -noout -text | grep -q 'pathlen:0'"
check "instance CA CN like AWS's (i-<17 hex>)" \
	"openssl x509 -in $T/cert-03 -noout -subject | grep -q 'CN = i-[0-9a-f]\{17\}\.test-region\.nsm-emu\.invalid'"
check "key matches the instance certificate" \
	"[ \"\$(openssl pkey -in $C/instance.key -pubout)\" = \"\$(openssl x509 -in $T/cert-03 -noout -pubkey)\" ]"
expect "ca init refuses to overwrite" 2 $N ca init $C
expect "ca init --force --json" 0 $N ca init --force --json --region eu-test-9 $C
json_ok "ca init JSON" "len(d['chain']) == 4 and d['chain'][3]['role'] == 'instance' and 'eu-test-9' in d['chain'][1]['subject'] and len(d['root_sha256']) == 64"
expect "ca init into an unwritable place" 3 $N ca init /proc/nsmctl-test

expect "emu provision --check" 0 $N emu provision --check $C
check "--check says valid" "grep -q 'valid' $T/out"
$N ca init $T/pki2 >/dev/null
cp -r $C $T/mixed && cp $T/pki2/instance.key $T/mixed/instance.key
expect "provision: key of another PKI refused" 4 $N emu provision --check $T/mixed
check "mismatch explained" "grep -q 'does not match the instance CA' $T/err"
rm -f $T/cert-*
csplit -s -z -f $T/cert- $C/chain.pem '/-----BEGIN CERTIFICATE-----/' '{*}'
cp -r $C $T/broken && { cat $T/cert-00 $T/cert-01 $T/cert-01 $T/cert-03; } > $T/broken/chain.pem
expect "provision: broken chain refused" 4 $N emu provision --check $T/broken
check "chain error explained" "grep -q 'does not verify' $T/err"
cp -r $C $T/badkey && echo garbage > $T/badkey/instance.key
expect "provision: garbage key refused" 4 $N emu provision --check $T/badkey
openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null | openssl pkey > $T/p256.key 2>/dev/null
cp -r $C $T/p256 && cp $T/p256.key $T/p256/instance.key
expect "provision: P-256 key refused" 4 $N emu provision --check $T/p256
check "curve explained" "grep -q 'not an ECDSA P-384 key' $T/err"
expect "provision: missing directory" 3 $N emu provision --check $T/no-pki
expect "provision without the module" 3 $N emu provision $C
