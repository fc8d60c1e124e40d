# SPDX-License-Identifier: GPL-2.0
# Client subcommands (describe, pcr, random, attest): device errors here;
# against a device when the fake-device build is available.

for c in "describe" "pcr read" "pcr read 3" "pcr extend 16 --data 00" \
	 "pcr lock 16" "pcr lock-range 32" "random" "attest -o $T/doc-x"; do
	expect "$c without a device: device error" 3 $N $c
	check "$c names the missing device" \
		"grep -q \"cannot open the NSM device $NSM_DEVICE: No such file\" $T/err"
done
check "no document written without a device" "[ ! -e $T/doc-x ]"
expect "--device overrides NSM_DEVICE" 3 $N --device $T/other-nsm describe
check "--device path in the message" "grep -q '$T/other-nsm' $T/err"
expect "-d before the command overrides NSM_DEVICE" 3 $N -d $T/other-nsm describe
check "-d path in the message" "grep -q 'cannot open the NSM device $T/other-nsm' $T/err"
# Every command that opens the device takes -d/--device PATH itself.
for c in "describe" "pcr read" "pcr extend 16 --data 00" "pcr lock 16" \
	 "pcr lock-range 32" "random" "attest"; do
	for o in -d --device; do
		expect "$c $o PATH" 3 $N $c $o $T/nsm-$o
		check "$c $o: the device named" "grep -q 'cannot open the NSM device $T/nsm-$o: No such file' $T/err"
	done
done
expect "describe -d with an empty path" 2 $N describe -d ''
check "empty path refused" "grep -q -- '--device needs a path' $T/err"
expect "a device that is not an NSM" 3 env NSM_DEVICE=/dev/null $N describe
check "ioctl failure is explained" "grep -q 'DescribeNSM failed: InternalError' $T/err"
expect "attest --data file missing, checked before the device" 3 $N attest --nonce @$T/nope.bin

if [ -z "$NSMCTL_FAKE" ] || [ ! -x "$NSMCTL_FAKE" ]; then
	skip "client subcommands against the fake device" "no fake-device build"
	return 0 2>/dev/null || true
fi

# The fake device answers with the emulator's portable core, in-process:
# state does not survive from one command to the next.
F="env NSM_DEVICE=/dev/null $NSMCTL_FAKE"
# -d wins over NSM_DEVICE (the fake answers on any path that opens)
expect "describe -d PATH over a missing NSM_DEVICE" 0 env NSM_DEVICE=$T/nope $NSMCTL_FAKE describe -d /dev/null
expect "pcr extend -d PATH --data" 0 env NSM_DEVICE=$T/nope $NSMCTL_FAKE pcr extend -d /dev/null 16 --data 01
expect "describe" 0 $F describe
check "describe text" "grep -q '^locked_pcrs:  0-15' $T/out && grep -q '^digest:       SHA384' $T/out && grep -q '^max_pcrs:     32' $T/out"
expect "describe --json" 0 $F describe --json
json_ok "describe JSON" "d['max_pcrs'] == 32 and d['locked_pcrs'] == list(range(16)) and d['digest'] == 'SHA384' and d['module_id'].startswith('i-')"
expect "pcr read (all)" 0 $F pcr read --json
json_ok "32 PCRs, 0-15 locked, 16-31 zero" "
len(d['pcrs']) == 32 and all(p['locked'] == (p['index'] < 16) for p in d['pcrs'])
and all(p['value'] == '0' * 96 for p in d['pcrs'][16:]) and d['pcrs'][3]['value'] == '0' * 96
and d['pcrs'][0]['value'] != '0' * 96 and d['pcrs'][0]['meaning'] == 'enclave image'"
expect "pcr read 4" 0 $F pcr read 4
check "pcr read text" "grep -q '^PCR4  locked   [0-9a-f]\{96\}  (parent instance id)' $T/out"
expect "pcr read 32: InvalidIndex" 5 $F pcr read 32
check "InvalidIndex named" "grep -q 'DescribePCR of PCR 32 failed: InvalidIndex' $T/err"
expect "pcr extend 16" 0 $F pcr extend 16 --data 010203 --json
want=$(python3 -c "import hashlib; print(hashlib.sha384(bytes(48) + bytes([1,2,3])).hexdigest())")
json_ok "extend value is SHA384(PCR || data)" "d['index'] == 16 and d['value'] == '$want'"
printf '\1\2\3' > $T/data.bin
expect "pcr extend --file" 0 $F pcr extend 16 --file $T/data.bin
check "extend --file gives the same value" "grep -q '$want' $T/out"
expect "pcr extend from stdin" 0 $F pcr extend 16 --data - < $T/data.bin
check "extend from stdin gives the same value" "grep -q '$want' $T/out"
expect "pcr extend of a locked PCR: ReadOnlyIndex" 5 $F pcr extend 0 --data 00
check "ReadOnlyIndex named" "grep -q 'ReadOnlyIndex (the PCR is locked)' $T/err"
head -c 5000 /dev/zero > $T/big.bin
expect "pcr extend with 5000 bytes: InputTooLarge" 5 $F pcr extend 16 --file $T/big.bin
expect "pcr lock 16" 0 $F pcr lock 16 --json
json_ok "lock JSON" "d == {'index': 16, 'locked': True}"
expect "pcr lock-range 32" 0 $F pcr lock-range 32
expect "pcr lock-range 33: InvalidIndex" 5 $F pcr lock-range 33
expect "random" 0 $F random
check "random: 32 bytes of hex" "grep -qx '[0-9a-f]\{64\}' $T/out"
expect "random -n 1000 -o" 0 $F random -n 1000 -o $T/rand.bin
check "random wrote 1000 bytes" "[ \$(stat -c %s $T/rand.bin) = 1000 ]"
expect "attest -o" 0 $F attest --nonce 0102 --user-data @$T/data.bin -o $T/emu-doc.cbor
check "attest wrote raw CBOR" "[ \"\$(head -c 1 $T/emu-doc.cbor | od -An -tx1 | tr -d ' \n')\" = 84 ]"
expect "dump of the emulator's document" 0 $N dump --json $T/emu-doc.cbor
json_ok "nonce and user data echoed" "d['payload']['nonce'] == '0102' and d['payload']['user_data'] == '010203' and d['payload']['public_key'] is None"
expect "emulator document: everything but the root verifies" 1 $N verify --json $T/emu-doc.cbor
json_ok "only the trust check fails" "[c['check'] for c in d['checks'] if c['status'] != 'pass'] == ['chain.trusted_root']"
expect "attest --format hex to stdout" 0 $F attest --format hex
check "hex document" "head -c 2 $T/out | grep -qx 84"
expect "attest --json" 0 $F attest --json --public-key 00ff
json_ok "attest JSON carries the document" "d['size'] > 1000 and d['document'].startswith('h')"
head -c 1500 /dev/zero > $T/k1500.bin
expect "attest with a 4.5 KB request: InputTooLarge" 5 $F attest --nonce @$T/k1500.bin --user-data @$T/k1500.bin --public-key @$T/k1500.bin
