#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# nsmctl against the real nsm_emu module, inside the VM (busybox sh, root).
# Run by tools/tests/vm/run.sh through selftests/vm/run.sh --exec; nsmctl
# and its shared libraries are in /extra (the guest has none), started
# through the dynamic loader. TAP on stdout.

X=/extra
nsmctl() {
	"$X/ld-linux-x86-64.so.2" --library-path "$X" "$X/nsmctl" "$@"
}
. "$X/expect.sh"		# values computed on the host

n=0
fail=0
T=/tmp/nsmctl-vm
mkdir -p $T

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); fail=1; echo "not ok $n - $1"
	sed 's/^/# /' $T/err | head -5
	sed 's/^/# out: /' $T/out | head -5
}
# expect NAME RC CMD...
expect() {
	name=$1 want=$2
	shift 2
	"$@" >$T/out 2>$T/err
	rc=$?
	if [ "$rc" = "$want" ]; then ok "$name"; else echo "# exit $rc, wanted $want"; not_ok "$name"; fi
}
# check NAME SHELL-CONDITION
check() {
	if eval "$2"; then ok "$1"; else not_ok "$1"; fi
}
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

echo "TAP version 13"
expect "describe" 0 nsmctl describe
check "describe: PCRs 0-15 locked, SHA384" "grep -q '^locked_pcrs:  0-15' $T/out && grep -q '^digest:       SHA384' $T/out"
module_id=$(sed -n 's/^module_id: *//p' $T/out)
expect "describe --json" 0 nsmctl describe --json
check "describe --json: max_pcrs 32" "grep -q '\"max_pcrs\": 32' $T/out"
expect "pcr read" 0 nsmctl pcr read
check "32 PCRs, 16 locked" "[ \$(wc -l < $T/out) = 32 ] && [ \$(grep -c ' locked ' $T/out) = 16 ]"
check "PCR3 zero, PCR0 not" "grep -q '^PCR3  locked   0\{96\}' $T/out && ! grep -q '^PCR0  locked   0\{96\}' $T/out"
expect "pcr extend 16" 0 nsmctl pcr extend 16 --data 010203
check "extend: SHA384(0^48 || 010203)" "grep -q '$EXTEND_010203' $T/out"
expect "pcr read 16 after extend" 0 nsmctl pcr read 16
check "PCR16 holds the extended value" "grep -q '^PCR16 unlocked $EXTEND_010203' $T/out"
expect "pcr extend of locked PCR0" 5 nsmctl pcr extend 0 --data 00
check "ReadOnlyIndex reported" "grep -q ReadOnlyIndex $T/err"
expect "pcr read 32" 5 nsmctl pcr read 32
expect "pcr lock 16" 0 nsmctl pcr lock 16
expect "pcr extend 16 once locked" 5 nsmctl pcr extend 16 --data 00
expect "pcr lock-range 32" 0 nsmctl pcr lock-range 32
expect "pcr read 31" 0 nsmctl pcr read 31
check "PCR31 locked" "grep -q '^PCR31 locked ' $T/out"
expect "pcr lock-range 33" 5 nsmctl pcr lock-range 33
expect "random -n 300" 0 nsmctl random -n 300
check "600 hex digits" "[ \$(tr -d '\n' < $T/out | wc -c) = 600 ]"
expect "attest" 0 nsmctl attest --nonce 0102 --user-data 68656c6c6f -o $T/doc1.cbor
expect "dump --json of the device's document" 0 nsmctl dump --json $T/doc1.cbor
check "nonce and user data echoed, module id" "grep -q '\"nonce\": \"0102\"' $T/out && grep -q '\"user_data\": \"68656c6c6f\"' $T/out && grep -q \"\\\"module_id\\\": \\\"$module_id\\\"\" $T/out"
expect "verify now without its root" 1 nsmctl verify --json $T/doc1.cbor
check "only the trust anchor fails" "[ \$(grep -c '\"status\": \"fail\"' $T/out) = 1 ] && grep -q '\"first_failure\": \"chain.trusted_root\"' $T/out"
expect "emu root (pki/root, DER, as PEM)" 0 nsmctl emu root -o $T/root.pem
check "the root is a PEM certificate" "grep -q '^-----BEGIN CERTIFICATE-----' $T/root.pem"
expect "verify with the module's root" 0 nsmctl verify --no-aws-root --root $T/root.pem --nonce 0102 --max-age 5m $T/doc1.cbor
expect "emu list" 0 nsmctl emu list --json
check "list: the default instance with /dev/nsm" "grep -q '\"name\": \"default\"' $T/out && grep -q '\"devname\": \"nsm\"' $T/out && grep -q '\"enabled\": true' $T/out"
expect "emu status" 0 nsmctl emu status --json
check "status: module id and statistics" "grep -q \"\\\"module_id\\\": \\\"$module_id\\\"\" $T/out && grep -q '\"attestation\": 1' $T/out && grep -q '\"statistics\"' $T/out"
check "status: PCR16 as sysfs shows it" "grep -q '\"value\": \"$EXTEND_010203\"' $T/out"
expect "emu reset" 0 nsmctl emu reset
expect "pcr read 16 after reset" 0 nsmctl pcr read 16
check "PCR16 zero and unlocked again" "grep -q '^PCR16 unlocked 0\{96\}' $T/out"
expect "emu preset debug" 0 nsmctl emu preset debug
expect "pcr read 0 in debug mode" 0 nsmctl pcr read 0
check "debug mode reports PCR0 as zeros" "grep -q '^PCR0  locked   0\{96\}' $T/out"
expect "attest in debug mode" 0 nsmctl attest -o $T/doc-debug.cbor
expect "emu preset default" 0 nsmctl emu preset default
expect "emu preset bogus" 2 nsmctl emu preset bogus
printf 'PCR0 %s\n# the image we pretend to boot\nPCR8 %s\n' $PCR_A $PCR_A > $T/m.txt
expect "emu measurements FILE" 0 nsmctl emu measurements $T/m.txt
expect "emu reset applies them" 0 nsmctl emu reset
expect "pcr read 0 after measurements" 0 nsmctl pcr read 0
check "PCR0 is the measurement" "grep -q '^PCR0  locked   $PCR_A' $T/out"
expect "attest with new measurements" 0 nsmctl attest -o $T/doc2.cbor
expect "diff of documents before and after" 1 nsmctl diff $T/doc1.cbor $T/doc2.cbor
check "PCR0 and PCR8 differ" "grep -q '^!PCR0 (enclave image): differs' $T/out && grep -q '^!PCR8 (EIF signing certificate): differs' $T/out && ! grep -q '^!PCR4' $T/out"
expect "diff --expected the measurements" 0 nsmctl diff --expected $T/m.txt $T/doc2.cbor
expect "diff flags the debug document" 1 nsmctl diff $T/doc-debug.cbor $T/doc1.cbor
check "debug mode named" "grep -q '^a: .*debug mode: PCR0-2 are zero' $T/out"
expect "emu measurements clear" 0 nsmctl emu measurements clear
expect "emu reset" 0 nsmctl emu reset
expect "missing device" 3 nsmctl --device /dev/no-such-nsm describe
expect "missing device (describe -d)" 3 nsmctl describe -d /dev/no-such-nsm

# Instances: each its own device, PCRs, module id and leaf.
expect "emu create a" 0 nsmctl emu create a --module-id i-0aaaaaaaaaaaaaaaa-enc000000000000000a --pcr 0=$PCR_A
check "/dev/nsm-a exists" "[ -c /dev/nsm-a ]"
expect "describe -d /dev/nsm-a" 0 nsmctl describe -d /dev/nsm-a
check "a has its own module id" "grep -q '^module_id:    i-0aaaaaaaaaaaaaaaa-enc000000000000000a' $T/out"
expect "pcr read -d /dev/nsm-a 0" 0 nsmctl pcr read -d /dev/nsm-a 0
check "a booted from its PCR0" "grep -q '^PCR0  locked   $PCR_A' $T/out"
expect "pcr extend -d /dev/nsm-a 16" 0 nsmctl pcr extend -d /dev/nsm-a 16 --data 010203
expect "pcr read 16 of the default instance" 0 nsmctl pcr read 16
check "the default instance does not see a's extend" "grep -q '^PCR16 unlocked 0\{96\}' $T/out"
expect "emu status a" 0 nsmctl emu status a --json
check "status a: its PCR16, its statistics" "grep -q '\"value\": \"$EXTEND_010203\"' $T/out && grep -q '\"extend_pcr\": 1' $T/out"
expect "attest -d /dev/nsm-a" 0 nsmctl attest -d /dev/nsm-a --nonce 0c -o $T/doc-a.cbor
expect "a's document verifies under the shared root" 0 nsmctl verify --no-aws-root --root $T/root.pem --nonce 0c --max-age 5m $T/doc-a.cbor
expect "emu create with a bad PCR index" 2 nsmctl emu create b --pcr 5=$PCR_A
check "PCR5 refused for its index, no instance made" "grep -q 'PCR5 has no boot measurement' $T/err && [ ! -e /sys/kernel/config/nsm_emu/instances/b ]"
expect "emu create with the device name of another" 3 nsmctl emu create b --devname nsm-a
check "EEXIST, no half-made instance" "grep -q 'File exists' $T/err && [ ! -e /sys/kernel/config/nsm_emu/instances/b ] && [ -c /dev/nsm-a ]"
expect "emu create c --no-enable" 0 nsmctl emu create c --no-enable
check "no device while disabled" "[ ! -e /dev/nsm-c ]"
expect "emu set c enable 1" 0 nsmctl emu set c enable 1
check "enabled: /dev/nsm-c" "[ -c /dev/nsm-c ]"
expect "emu set c devname while enabled" 3 nsmctl emu set c devname nsm-see
check "EBUSY explained" "grep -q 'not while the instance is enabled' $T/err"
expect "emu list: three instances" 0 nsmctl emu list
check "a, c and default listed" "[ \$(grep -cE '^(a|c|default) ' $T/out) = 3 ]"
expect "emu destroy c" 0 nsmctl emu destroy c
check "c and /dev/nsm-c gone" "[ ! -e /sys/kernel/config/nsm_emu/instances/c ] && [ ! -e /dev/nsm-c ]"
expect "emu destroy default is refused" 3 nsmctl emu destroy default
check "EPERM explained" "grep -q 'can only be disabled' $T/err"
expect "emu set a enable 0" 0 nsmctl emu set a enable 0
expect "describe -d /dev/nsm-a once disabled" 3 nsmctl describe -d /dev/nsm-a
expect "emu destroy a" 0 nsmctl emu destroy a

expect "ca init" 0 nsmctl ca init $T/pki
expect "emu provision --check" 0 nsmctl emu provision --check $T/pki
expect "emu provision" 0 nsmctl emu provision $T/pki
expect "emu status after provisioning" 0 nsmctl emu status --json
check "PKI mode provisioned" "grep -q '\"mode\": \"provisioned\"' $T/out"
expect "attest after provisioning" 0 nsmctl attest --nonce 0a0b -o $T/doc3.cbor
expect "verify with the provisioned root only" 0 nsmctl verify --no-aws-root --root $T/pki/root.pem --nonce 0a0b --max-age 5m $T/doc3.cbor
expect "emu root is the provisioned root" 0 nsmctl emu root -o $T/root2.pem
check "same certificate" "cmp -s $T/root2.pem $T/pki/root.pem"
expect "the ephemeral root no longer verifies" 1 nsmctl verify --no-aws-root --root $T/root.pem $T/doc3.cbor
nsmctl ca init $T/pki2 >/dev/null
cp $T/pki2/instance.key $T/pki/instance.key
expect "provision --check refuses a mismatched key" 4 nsmctl emu provision --check $T/pki
expect "emu set cose_tagged 1" 0 nsmctl emu set default cose_tagged 1
expect "emu set indefinite_map 1" 0 nsmctl emu set default indefinite_map 1
expect "attest tagged, indefinite" 0 nsmctl attest -o $T/doc4.cbor
expect "dump shows tag and indefinite map" 0 nsmctl dump --json $T/doc4.cbor
check "tagged and indefinite" "grep -q '\"tagged\": true' $T/out && grep -q '\"payload_map\": \"indefinite\"' $T/out"
expect "dump --diag shows both" 0 nsmctl dump --diag $T/doc4.cbor
check "18( and <<{_" "head -1 $T/out | grep -q '^18(\\[' && grep -q '<<{_' $T/out"
expect "tagged, indefinite document verifies" 0 nsmctl verify --no-aws-root --root $T/pki2/../pki/root.pem $T/doc4.cbor
expect "emu set clock_offset_ms -86400000" 0 nsmctl emu set default clock_offset_ms -86400000
expect "attest a day in the past" 0 nsmctl attest -o $T/doc5.cbor
expect "leaf not yet valid at the document's time" 1 nsmctl verify --json --time doc --no-aws-root --root $T/pki/root.pem $T/doc5.cbor
check "chain.not_yet_valid named" "grep -q '\"first_failure\": \"chain.not_yet_valid\"' $T/out"
expect "emu set clock_offset_ms 0" 0 nsmctl emu set default clock_offset_ms 0
expect "emu set cose_tagged bogus" 3 nsmctl emu set default cose_tagged maybe
expect "emu set leaf_lifetime_s 0 refused" 3 nsmctl emu set default leaf_lifetime_s 0
expect "emu rotate" 0 nsmctl emu rotate
expect "emu new-chain" 0 nsmctl emu new-chain
expect "attest under the new chain" 0 nsmctl attest -o $T/doc6.cbor
expect "the provisioned root no longer verifies" 1 nsmctl verify --no-aws-root --root $T/pki/root.pem $T/doc6.cbor
expect "emu status: ephemeral again" 0 nsmctl emu status
check "mode ephemeral" "grep -q '^  mode  *ephemeral' $T/out"
# Boot from an enclave image: the instance's PCRs and its documents carry
# exactly the image's PCR0, 1, 2 and 8.
for img in signed vector; do
	if [ ! -f $X/eif/$img.eif ]; then
		skip "emu create --eif $img.eif" "no third-party test data"
		continue
	fi
	expect "emu create --eif $img.eif" 0 nsmctl emu create eif-$img --eif $X/eif/$img.eif
	for i in 0 1 2 8; do
		pcr_want=$(sed -n "s/^PCR$i //p" $X/eif/$img.expected)
		expect "$img: pcr read $i" 0 nsmctl pcr read $i -d /dev/nsm-eif-$img
		check "$img: PCR$i is the image's" "[ -n '$pcr_want' ] && grep -q '^PCR$i  locked   $pcr_want' $T/out"
	done
	expect "$img: attest" 0 nsmctl attest -d /dev/nsm-eif-$img -o $T/eif-$img.cbor
	expect "$img: emu root" 0 nsmctl emu root -o $T/root-eif.pem
	expect "$img: the document verifies and its PCRs are the image's" 0 \
		nsmctl verify --no-aws-root --root $T/root-eif.pem --expected $X/eif/$img.eif $T/eif-$img.cbor
	expect "$img: emu destroy" 0 nsmctl emu destroy eif-$img
done

echo "1..$n"
exit $fail
