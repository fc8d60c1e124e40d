# SPDX-License-Identifier: GPL-2.0
# dump: the tree agrees with testdata/aws/expected.json for every real
# document; --diag shows CBOR diagnostic notation.

# The emulator's documents (always).
expect "dump --json of the emulator's indefinite-map document" 0 $N dump --json $EMU/indefinite.cbor
json_ok "indefinite map, 4 certificates, null optional fields" "
d['cose']['payload_map'] == 'indefinite' and len(d['payload']['cabundle']) == 4
and d['payload']['certificate']['is_ca'] is False and d['cose']['protected'] == 'a1013822'
and all(d['payload'][k] is None for k in ('nonce', 'user_data', 'public_key'))"
expect "dump --json of the emulator's 1024-byte fields" 0 $N dump --json $EMU/fill.cbor
json_ok "1024-byte nonce, user_data and public_key" "
d['cose']['payload_map'] == 'definite'
and all(len(d['payload'][k]) == 2048 for k in ('nonce', 'user_data', 'public_key'))"
expect "dump text of the emulator's debug document" 0 $N dump $EMU/debug.cbor
check "debug document: PCR0 zero, issuer is nsm-emu's" \
	"grep -q '^   0: 0\{96\}' $T/out && grep -q 'nsm-emu' $T/out"
{ printf '\xd2'; cat "$EMU/indefinite.cbor"; } > $T/tagged2.cbor
expect "dump --diag of a tagged document" 0 $N dump --diag $T/tagged2.cbor
check "tag 18 shown, payload still embedded" "head -1 $T/out | grep -qx '18(\\[' && grep -q '<<{_' $T/out"

td_begin
for f in $AWS_DOCS; do
	expect "dump --json $f" 0 $N dump --json $TD/aws/$f
	json_ok "dump $f matches expected.json" "
(lambda e: d['payload']['module_id'] == e['module_id']
 and d['payload']['timestamp'] == e['timestamp_ms']
 and len(d['payload']['pcrs']) == e['pcr_count']
 and d['properties']['debug_mode'] == e['debug_mode']
 and d['cose']['payload_map'] == e['payload_map']
 and d['size'] == e['size']
 and len(d['payload']['cabundle']) == e['cabundle_len']
 and all((e[k] == 'null') == (d['payload'].get(k, 0) is None) for k in ('nonce', 'user_data', 'public_key'))
 and all(e[k] == 'null' or e[k] == '%d bytes' % (len(d['payload'][k]) // 2) for k in ('nonce', 'user_data', 'public_key'))
)(__import__('json').load(open('$TD/aws/expected.json'))['$f'])"
done

doc=$TD/aws/base_hinted_2026.cbor
expect "dump text" 0 $N dump $doc
check "text tree shows fields and PCR meanings" \
	"grep -q '^module_id:   i-0368fa67e156d6d23-enc019b8596b1a9dad6' $T/out &&
	 grep -q '^   0: 4b8d4cf2.*  enclave image' $T/out &&
	 grep -q 'indefinite-length map' $T/out &&
	 grep -q 'subject:    CN=aws.nitro-enclaves' $T/out"
expect "dump --json of the indefinite-map document" 0 $N dump --json $doc
json_ok "certificate summary and DER in JSON" "
d['payload']['cabundle'][0]['sha256'] == '641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b'
and d['payload']['cabundle'][0]['is_ca'] is True and d['payload']['certificate']['is_ca'] is False
and d['payload']['certificate']['der'].startswith('3082')
and d['cose']['protected'] == 'a1013822' and len(d['cose']['signature']) == 192"

expect "dump --diag" 0 $N dump --diag $doc
check "--diag shows the COSE array with embedded CBOR" \
	"head -1 $T/out | grep -qx '\\[' && grep -q '^  <<{_\$' $T/out && grep -q '^    \"digest\": \"SHA384\",\$' $T/out"
check "--diag shows the protected header" "sed -n 2,4p $T/out | tr -d ' \n' | grep -qx '<<{1:-35}>>,'"
check "--diag shows null fields" "grep -q '\"nonce\": null' $T/out"
expect "dump --diag of a definite-map document" 0 $N dump --diag $TD/aws/marlin_sdk_aws.cbor
check "definite map has no _ marker" "grep -q '^  <<{\$' $T/out"
td_end
# Diagnostic notation of small items, byte-exact (RFC 8949 section 8).
diag() { printf "$1" > $T/item.cbor; $N dump --diag $T/item.cbor 2>&1 | tr '\n' ' ' | sed 's/  */ /g; s/ $//'; }
check "diag: integers" "[ \"\$(diag '\\x83\\x01\\x38\\x22\\x18\\x18')\" = '[ 1, -35, 24 ]' ]"
check "diag: non-preferred encoding indicator" "[ \"\$(diag '\\x19\\x00\\x01')\" = '1_1' ]"
check "diag: strings" "[ \"\$(diag '\\x82\\x43\\x01\\x02\\x03\\x62\\x68\\x69')\" = \"[ h'010203', \\\"hi\\\" ]\" ]"
check "diag: indefinite bytes" "[ \"\$(diag '\\x5f\\x41\\x01\\x41\\x02\\xff')\" = \"(_ h'01', h'02')\" ]"
check "diag: simple values and floats" \
	"[ \"\$(diag '\\x84\\xf4\\xf5\\xf6\\xf9\\x3c\\x00')\" = '[ false, true, null, 1.0_1 ]' ]"
check "diag: indefinite array" "[ \"\$(diag '\\x9f\\x01\\xff')\" = '[_ 1 ]' ]"
check "diag: empty map" "[ \"\$(diag '\\xa0')\" = '{}' ]"
printf '\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x81\x01' > $T/deep.cbor
expect "diag: nesting too deep is refused" 4 $N dump --diag $T/deep.cbor
check "diag: depth message" "grep -q 'nesting deeper than' $T/err"
printf '\x5b\xff\xff\xff\xff\xff\xff\xff\xff' > $T/huge.cbor
expect "diag: absurd length is refused" 4 $N dump --diag $T/huge.cbor

td_begin
expect "dump of blocky's self-signed document" 0 $N dump --json $TD/foreign-ca/blocky_selfsigned_2024.cbor
json_ok "null cabundle shown as null, 32 PCRs" "d['payload']['cabundle'] is None and len(d['payload']['pcrs']) == 32"
expect "dump text of a null cabundle" 0 $N dump $TD/foreign-ca/blocky_selfsigned_2024.cbor
check "text says null" "grep -qx 'cabundle:    null' $T/out"
td_end
python3 -c "import sys; sys.stdout.buffer.write(b'\xd2' * 200 + b'\x01')" > $T/tags.cbor
expect "diag: 200 nested tags are refused" 4 $N dump --diag $T/tags.cbor
check "diag: tagged item keeps its indentation" "$N dump --diag $T/tagged2.cbor | sed -n 2p | grep -qx '  <<{'"
