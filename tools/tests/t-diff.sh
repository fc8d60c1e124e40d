# SPDX-License-Identifier: GPL-2.0
# diff: PCR-by-PCR comparison; exit 0 same, 1 different (as diff(1)).

# The emulator's documents (always): production against debug.
expect "diff of the emulator's production and debug documents" 1 $N diff --json $EMU/doc.cbor $EMU/debug.cbor
json_ok "PCR0-2 differ, the debug column is zero" "
d['same'] is False and d['differ'] == 3 and [p['index'] for p in d['pcrs']] == [0, 1, 2]
and all(p['values'][1] == '0' * 96 and p['values'][0] != '0' * 96 for p in d['pcrs'])"
expect "diff of an emulator document with itself" 0 $N diff $EMU/doc.cbor $EMU/doc.cbor
zero=$(printf '0%.0s' $(seq 96))
printf 'PCR0 %s\nPCR1 %s\nPCR2 %s\n' $zero $zero $zero > $T/debug-expected.txt
expect "diff --expected zeros against the emulator's debug document" 0 \
	$N diff --expected $T/debug-expected.txt $EMU/debug.cbor
expect "diff --expected zeros against its production document" 1 \
	$N diff --expected $T/debug-expected.txt $EMU/doc.cbor
expect "diff --expected malformed" 4 $N diff --expected $T/bad-expected.txt $EMU/doc.cbor
expect "diff of a missing document" 3 $N diff $EMU/doc.cbor $T/nope.cbor
expect "diff of a garbage document" 4 $N diff $EMU/doc.cbor $T/text.txt

td_begin
a=$TD/aws/signal_svr2_valid_bytes.cbor
b=$TD/aws/signal_svr2_valid_bytes2.cbor
expect "diff of two documents that differ" 1 $N diff $a $b
check "changed PCRs named with their meaning" \
	"grep -q '^!PCR0 (enclave image): differs' $T/out &&
	 grep -q '^!PCR1 (kernel and bootstrap): differs' $T/out &&
	 grep -q '^!PCR2 (application): differs' $T/out &&
	 ! grep -q 'PCR4' $T/out &&
	 grep -q '^16 PCRs compared, 3 differ' $T/out"
expect "diff --json" 1 $N diff --json $a $b
json_ok "diff --json fields" "
d['same'] is False and d['differ'] == 3 and d['compared'] == 16
and [p['index'] for p in d['pcrs']] == [0, 1, 2]
and d['pcrs'][2]['meaning'] == 'application'
and d['pcrs'][0]['values'][0] == '0' * 96 and d['pcrs'][0]['values'][1].startswith('28de6557')
and [i['label'] for i in d['inputs']] == ['a', 'b']"
expect "diff of a document with itself" 0 $N diff $a $a
check "same documents: 0 differ" "grep -q '^16 PCRs compared, 0 differ' $T/out"
expect "diff --all shows equal PCRs" 1 $N diff --all $a $b
check "--all lists PCR4 as same" "grep -q '^ PCR4 (parent instance id): same' $T/out"
expect "diff of three documents, one with PCR16" 1 $N diff --json $a $b $TD/aws/marlin_sdk_aws_pcr16.cbor
json_ok "PCR16 present in one only" "
(lambda p: p['values'][0] is None and p['values'][1] is None and p['values'][2] is not None
 and p['meaning'] == 'user defined')([p for p in d['pcrs'] if p['index'] == 16][0])"
[ -n "$TD" ] && base64 -w 0 $b > $T/b.b64
expect "diff across input formats" 1 $N diff $a $T/b.b64

expect "diff --expected that matches" 0 $N diff --expected $T/debug-expected.txt $a
check "only the expected PCRs are compared" "grep -q '^3 PCRs compared, 0 differ' $T/out"
expect "diff --expected that does not match" 1 $N diff --json --expected $T/debug-expected.txt $a $b
json_ok "expected column comes first" "
d['inputs'][0]['kind'] == 'expected' and d['inputs'][0]['label'] == 'E' and d['differ'] == 3"
td_end
