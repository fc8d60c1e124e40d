# SPDX-License-Identifier: GPL-2.0
# verify: the emulator's documents against their roots; every real
# document passes at its own time and fails now with the expiry code;
# --json; roots; policies.

# The emulator's documents (always).
ed=$EMU/doc.cbor
er=$EMU/doc.root.pem
expect "emulator document verifies now with its root" 0 $N verify --root $er $ed
expect "emulator document --json" 0 $N verify --json --root $er $ed
root_sha=$(openssl x509 -in $er -outform DER | sha256sum | cut -c1-64)
json_ok "emulator document: every check passes, root_sha256 is its root's" \
	"d['ok'] is True and d['root_sha256'] == '$root_sha' and d['checks_failed'] == 0 and d['time_policy'] == 'now'"
expect "emulator document without its root" 1 $N verify --json $ed
json_ok "without its root only chain.trusted_root fails" \
	"[c['check'] for c in d['checks'] if c['status'] != 'pass'] == ['chain.trusted_root']"
expect "emulator document with another document's root" 1 $N verify --json --root $EMU/debug.root.pem $ed
json_ok "another root: chain.trusted_root fails" "d['first_failure'] == 'chain.trusted_root'"
# several roots at once: the chain may end in any; the verdict names it
expect "two --root, AWS's too: the document of the second" 0 $N verify --json \
	--root $EMU/debug.root.pem --root $er $ed
json_ok "the verdict names the root the chain ended in" \
	"d['root'] == 'doc.root.pem' and d['root_sha256'] == '$root_sha' and any(c['check'] == 'chain.trusted_root' and 'doc.root.pem' in c['message'] for c in d['checks'])"
expect "two --root: the document of the first" 0 $N verify --json \
	--root $EMU/debug.root.pem --root $er $EMU/debug.cbor
json_ok "the first root named" "d['root'] == 'debug.root.pem'"
expect "text names the root" 0 sh -c "$N verify --root $er $ed | grep -q '^root:    doc.root.pem (sha256 $root_sha)'"
expect "--no-aws-root with the right --root" 0 $N verify --no-aws-root --root $er $ed
expect "--no-aws-root without --root is a usage error" 2 $N verify --no-aws-root $ed
expect "emulator document 4 hours on" 1 $N verify --json --root $er \
	--time @$(( $(date +%s) + 4 * 3600 )) $ed
json_ok "4 hours on: the 3-hour leaf expired" "d['first_failure'] == 'chain.not_expired'"
python3 - "$ed" $T/emu-badsig.cbor <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read()); b[-1] ^= 1
open(sys.argv[2], 'wb').write(b)
PY
expect "emulator document, flipped signature bit" 1 $N verify --json --root $er $T/emu-badsig.cbor
json_ok "flipped bit: cose.signature fails" "d['first_failure'] == 'cose.signature'"
expect "emulator document tagged 18, nonce and user_data" 0 $N verify --root $EMU/tagged.root.pem \
	--nonce 0102 --user-data 09ca13c2558284e5 $EMU/tagged.cbor
expect "emulator document, other nonce" 1 $N verify --json --root $EMU/tagged.root.pem \
	--nonce 0103 $EMU/tagged.cbor
json_ok "other nonce: policy.nonce fails" "d['first_failure'] == 'policy.nonce'"
expect "--reject-debug on the emulator's debug document" 1 $N verify --json --reject-debug \
	--root $EMU/debug.root.pem $EMU/debug.cbor
json_ok "--reject-debug: policy.not_debug fails" "d['first_failure'] == 'policy.not_debug'"
expect "--reject-debug on the emulator's production document" 0 $N verify --reject-debug --root $er $ed
$N dump --json $ed > $T/emu-dump.json
epcr4=$(python3 -c 'import json,sys; print([p["value"] for p in json.load(open(sys.argv[1]))["payload"]["pcrs"] if p["index"] == 4][0])' $T/emu-dump.json 2>/dev/null)
expect "--pcr 4 of the emulator document" 0 $N verify --root $er --pcr 4=$epcr4 $ed
expect "--max-age 1h, now" 0 $N verify --root $er --max-age 1h $ed

td_begin
# The real documents: the set is complete.
check "the 16 real AWS documents are all there" \
	"[ \"\$(cd $TD/aws && ls *.cbor)\" = \"$AWS_DOCS\" ]"
for f in $AWS_DOCS; do
	expect "verify $f at --time doc" 0 $N verify --time doc $TD/aws/$f
	run $N verify --json $TD/aws/$f
	check "verify $f now fails (exit 1)" "[ $rc = 1 ]"
	json_ok "verify $f now: chain.not_expired failed" \
		"not d['ok'] and any(c['check'] == 'chain.not_expired' and c['status'] == 'fail' for c in d['checks'])"
done

doc=$TD/aws/signal_svr2_valid_bytes.cbor
expect "verify --json at doc time" 0 $N verify --json --time doc $doc
json_ok "verify --json has its fields" \
	"d['ok'] is True and d['time_policy'] == 'document' and d['time_ms'] == 1684358511808 and d['root_sha256'] == '641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b' and d['first_failure'] is None and d['checks_failed'] == 0"
json_ok "every check has code, name, step, status, message" \
	"len(d['checks']) >= 20 and all(set(c) == {'check', 'code', 'step', 'status', 'message'} and isinstance(c['code'], int) and c['status'] == 'pass' for c in d['checks'])"
json_ok "check codes are distinct and ascending" \
	"[c['code'] for c in d['checks']] == sorted(set(c['code'] for c in d['checks']))"
expect "verify text output" 0 $N verify --time doc $doc
check "text lists each check with PASS and its code" \
	"grep -q '^PASS  cose.signature ' $T/out && grep -q '^PASS  chain.trusted_root ' $T/out && grep -q '^result:  OK' $T/out"
expect "verify now (text)" 1 $N verify $doc
check "text shows the failing check" \
	"grep -q '^FAIL  chain.not_expired ' $T/out && grep -q '^result:  FAILED.*first: chain.not_expired' $T/out"
expect "verify --quiet prints nothing" 1 $N verify -q $doc
check "--quiet output is empty" "[ ! -s $T/out ]"
expect "verify at a given RFC 3339 time" 0 $N verify --time 2023-05-17T21:30:00Z $doc
expect "verify at a given epoch" 0 $N verify --time @1684358600 $doc
expect "verify with an offset time" 0 $N verify --time 2023-05-17T23:30:00+02:00 $doc
expect "verify after the leaf expired" 1 $N verify --json --time 2023-05-18T01:00:00Z $doc
json_ok "expired leaf reported" "d['first_failure'] == 'chain.not_expired'"
expect "verify before the leaf was issued" 1 $N verify --json --time 2023-05-17T20:00:00Z $doc
json_ok "not-yet-valid leaf reported" \
	"any(c['check'] == 'chain.not_yet_valid' and c['status'] == 'fail' for c in d['checks'])"

# Roots.
expect "AWS root given explicitly, built-in off" 0 $N verify --time doc \
	--no-aws-root --root $TD/aws-nitro-root-g1.pem $doc
expect "only a foreign root trusted" 1 $N verify --json --time doc \
	--no-aws-root --root $TD/foreign-ca/marlin_mock_root.pem $doc
json_ok "foreign root: chain.trusted_root fails" "d['first_failure'] == 'chain.trusted_root' and d['root_sha256'] is None"
mc=$TD/foreign-ca/marlin_sdk_custom.cbor
expect "marlin mock document with its root" 0 $N verify --time doc \
	--root $TD/foreign-ca/marlin_mock_root.pem $mc
expect "marlin mock document with the AWS root" 1 $N verify --time doc $mc
expect "blocky self-signed document is rejected" 1 $N verify --json --time doc \
	--root $TD/foreign-ca/blocky_selfsigned_root.pem $TD/foreign-ca/blocky_selfsigned_2024.cbor
json_ok "blocky: cabundle failure named" \
	"any(c['check'] == 'doc.cabundle' and c['status'] == 'fail' for c in d['checks'])"
printf 'not a certificate\n' > $T/bad.pem

td_end
expect "--root of a missing file" 3 $N verify --root $T/nope.pem $ed
expect "--root of a non-certificate" 4 $N verify --root $T/bad.pem $ed

# Garbage is a failed verification (exit 1), with the reason.
for f in trunc.cbor trailing.cbor text.txt random.bin; do
	expect "verify $f fails" 1 $N verify --json $T/$f
	json_ok "verify $f: a syntax check failed" \
		"not d['ok'] and any(c['step'] == 'syntax' and c['status'] == 'fail' for c in d['checks'])"
done
td_begin
# A flipped signature bit is caught by the signature check.
[ -n "$TD" ] && python3 - "$doc" $T/badsig.cbor <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read()); b[-1] ^= 1
open(sys.argv[2], 'wb').write(b)
PY
expect "flipped signature bit" 1 $N verify --json --time doc $T/badsig.cbor
json_ok "flipped bit: cose.signature fails" "d['first_failure'] == 'cose.signature'"
# Tag 18 stays valid.
[ -n "$TD" ] && { printf '\xd2'; cat "$doc"; } > $T/tagged.cbor
expect "tagged COSE_Sign1 verifies" 0 $N verify --time doc $T/tagged.cbor

# Policies.
pcr4=17354aa3f163d6882a4ff746e5821c5be66f1658472feac83268cf4b7461015ea47993c07025ebb5e134cbc13b16ac97
zero=$(printf '0%.0s' $(seq 96))
expect "--pcr matching" 0 $N verify --time doc --pcr 4=$pcr4 --pcr PCR3=$zero $doc
expect "--pcr not matching" 1 $N verify --json --time doc --pcr 4=$zero $doc
json_ok "--pcr mismatch: policy.pcrs fails" "d['first_failure'] == 'policy.pcrs'"
printf 'PCR4 %s\n# comment\nPCR3 %s\n' $pcr4 $zero > $T/expected.txt
expect "--expected measurements file" 0 $N verify --time doc --expected $T/expected.txt $doc
cat > $T/eif.json <<JSON
{ "EnclaveName": "x", "Measurements": { "HashAlgorithm": "Sha384 { ... }",
  "PCR0": "$zero", "PCR1": "$zero", "PCR2": "$zero" } }
JSON
expect "--expected describe-eif JSON" 0 $N verify --time doc --expected $T/eif.json $doc
expect "--expected against another document" 1 $N verify --time doc --expected $T/eif.json $TD/aws/marlin_sdk_aws.cbor
printf 'PCR4 nothex\n' > $T/bad-expected.txt
expect "--expected malformed" 4 $N verify --time doc --expected $T/bad-expected.txt $doc
expect "--expected missing" 3 $N verify --time doc --expected $T/nope.txt $doc
expect "--user-data matching" 0 $N verify --time doc --user-data 09ca13c2558284e5211001180528023080a305 $doc
printf '\x09\xca\x13\xc2\x55\x82\x84\xe5\x21\x10\x01\x18\x05\x28\x02\x30\x80\xa3\x05' > $T/ud.bin
expect "--user-data @file" 0 $N verify --time doc --user-data @$T/ud.bin $doc
expect "--user-data from stdin" 0 $N verify --time doc --user-data - $doc < $T/ud.bin
expect "--user-data not matching" 1 $N verify --json --time doc --user-data 00 $doc
json_ok "--user-data mismatch named" "d['first_failure'] == 'policy.user_data'"
expect "--nonce on a document without nonce" 1 $N verify --json --time doc --nonce 01 $doc
json_ok "--nonce mismatch named" "d['first_failure'] == 'policy.nonce'"
expect "--public-key matching" 0 $N verify --time doc \
	--public-key ece1882cc0bd6706988218ec3803522b15facece8d1f0ba3d38c65078ed5c66d $doc
expect "--reject-debug on a debug document" 1 $N verify --json --time doc --reject-debug $doc
json_ok "--reject-debug named" "d['first_failure'] == 'policy.not_debug'"
expect "--reject-debug on a production document" 0 $N verify --time doc --reject-debug $TD/aws/marlin_sdk_aws.cbor
expect "--max-age at a given time" 0 $N verify --time 2023-05-17T21:30:00Z --max-age 1h $doc
expect "--max-age with --time doc is measured from now" 1 $N verify --time doc --max-age 1h $doc
expect "--max-age against now" 1 $N verify --json --time 2023-05-17T21:40:00Z --max-age 60 $doc
json_ok "--max-age exceeded named" \
	"any(c['check'] == 'policy.max_age' and c['status'] == 'fail' for c in d['checks'])"

# KMS key policy: kms:RecipientAttestation:PCR<n> conditions.
cat > $T/kms.json <<JSON
{ "Version": "2012-10-17", "Statement": [ { "Effect": "Allow",
  "Principal": { "AWS": "arn:aws:iam::123456789012:role/x" },
  "Action": "kms:Decrypt", "Resource": "*",
  "Condition": { "StringEqualsIgnoreCase": {
    "kms:RecipientAttestation:PCR4": "$pcr4" } } } ] }
JSON
sed "s/$pcr4/$zero/" $T/kms.json > $T/kms-bad.json
expect "--kms-policy satisfied" 0 $N verify --time doc --kms-policy $T/kms.json $doc
expect "--kms-policy not satisfied" 1 $N verify --json --time doc --kms-policy $T/kms-bad.json $doc
json_ok "--kms-policy failure named" "d['first_failure'] == 'policy.kms'"
printf '{ not json' > $T/kms-broken.json
expect "--kms-policy not JSON" 4 $N verify --time doc --kms-policy $T/kms-broken.json $doc
td_end
